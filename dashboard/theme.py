"""Colours and type shared by the shell, the grids and the figures (plain data, no Dash import).

Data series use the Okabe–Ito blues, green and purple and greys, readable with every common colour-vision
deficiency. Red, orange and yellow are reserved for severity (红/橙/黄 alerts, error/warning findings), so a warm
colour on screen always means "look here"; the three also step down in lightness (dark red, orange, light
yellow), so they stay apart for readers who cannot tell the hues, and severity is always written out too.
"""
from __future__ import annotations

FONT_FAMILY = ('system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
               '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')

SEVERITY = {"红": "#C62828", "橙": "#E69F00", "黄": "#F0E442"}
ON_SEVERITY = {"红": "#FFFFFF", "橙": "#1A1A1A", "黄": "#1A1A1A"}  # text colour readable on each
FINDING_SEVERITY = {"error": "红", "warning": "橙"}  # info findings carry no warm colour
SERIES = ("#0072B2", "#56B4E9", "#009E73", "#CC79A7", "#555555", "#A6A6A6")
NEUTRAL = "#7A7A7A"

# Mantine needs ten shades of its primary colour; these run light → dark around Okabe–Ito blue (#0072B2).
BRAND = ["#e6f1f8", "#cce3f1", "#99c7e3", "#66abd5", "#338fc7", "#0a7dbd", "#0072b2", "#005f94", "#004c77",
         "#003959"]

MANTINE_THEME = {
    "primaryColor": "brand",
    "colors": {"brand": BRAND},
    "fontFamily": FONT_FAMILY,
    "headings": {"fontFamily": FONT_FAMILY},
    "defaultRadius": "sm",
}
