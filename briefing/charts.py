"""The briefing's charts: the dashboard's own Plotly figures (dashboard.figures), drawn to PNG offline.

Kaleido drives the system Chromium (Debian's /usr/bin/chromium, or BROWSER_PATH) and never fetches one: one
browser session draws every chart of a briefing, MathJax off, plotly.js from the installed plotly package.
"""
from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass

import plotly.graph_objects as go

from briefing.facts import Facts
from briefing.quarter import BriefingError
from dashboard.figures.debt import balance_chart
from dashboard.figures.execution import treemap
from dashboard.figures.overview import behind_chart, most_behind
from dashboard.figures.progress import progress_curve
from dashboard.figures.sangong import category_chart

WIDTH = 720  # px at scale 1 (the text width at the dashboard's type size); drawn at twice that for print
SCALE = 2
BEHIND_N = 10


@dataclass(frozen=True)
class Chart:
    caption: str  # without its number: the document numbers figures in order
    figure: go.Figure


def charts(f: Facts) -> dict[str, Chart]:
    """The briefing's charts by the section key that shows them (omitted where there is nothing to draw)."""
    out = {
        "execution": Chart(f"{f.region_name}预算支出累计执行率与序时进度",
                           progress_curve(*f.execution_history, f.day, "执行率", f.forecast)),
        "revenue": Chart(f"{f.region_name}收入累计完成率", progress_curve(*f.revenue_history, f.day, "完成率")),
    }
    if f.depts:
        out["behind"] = Chart("执行进度最慢的部门（进度差）", behind_chart(most_behind(f.depts, BEHIND_N)))
        out["depts"] = Chart("各部门调整后预算（面积）与执行率（颜色）", treemap(f.depts, "部门"))
    if f.sangong:
        out["sangong"] = Chart("三公经费预算、支出与上年同期支出", category_chart(f.sangong))
    if f.debt_regions:
        out["debt"] = Chart("各区划政府债务余额与限额", balance_chart(f.debt_regions))
    return out


def browser_path() -> str:
    path = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise BriefingError("未找到 Chromium，无法绘制图表：请安装 Debian 的 chromium（apt-get install chromium）"
                            " / Chromium not found")
    return path


def to_png(figures: list[go.Figure]) -> list[tuple[bytes, int, int]]:
    """(PNG, width, height in px at scale 1) of each figure, in order, from one browser session."""
    sizes = [(WIDTH, int(fig.layout.height or 320)) for fig in figures]

    async def draw():
        import kaleido

        async with kaleido.Kaleido(n=1, path=browser_path(), mathjax=False, timeout=120) as k:
            return [await k.calc_fig(fig, opts={"format": "png", "width": w, "height": h, "scale": SCALE})
                    for fig, (w, h) in zip(figures, sizes)]

    if not figures:
        return []
    return [(png, w, h) for png, (w, h) in zip(asyncio.run(draw()), sizes)]
