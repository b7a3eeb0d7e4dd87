"""The 预算执行 page's treemap and table, from the execution rows of one drill level."""
from __future__ import annotations

from dashboard.figures.style import RATE_SCALE, base_layout, figure, plain
from dashboard.figures.tables import amount_unit, cell, table
from dashboard.format import in_unit, rate_percent, yuan_from_fen

FIELDS = ["name", "code", "adjusted_budget", "spent", "execution_rate", "time_progress", "lag_pp",
          "supplement_rate", "initial_budget", "quota_balance"]
CLICKABLE = {"pinned": "left", "minWidth": 150, "cellClass": "drill-cell"}


def level_table(rows: list[dict]) -> tuple[list[dict], list[dict], str]:
    """(columnDefs, rowData, unit) of one drill level; the name column is what a reader clicks to go down."""
    return table("execution", rows, FIELDS, first=CLICKABLE)


def treemap(rows: list[dict], level_label: str) -> dict:
    """Members as tiles: area = 调整后预算, shade = 执行率 from the lowest on screen (light) to the highest
    (dark); a click goes down a level."""
    unit = amount_unit("execution", rows, ["adjusted_budget"])
    shown = [r for r in rows if (r.get("adjusted_budget") or 0) > 0]
    rates = [rate_percent(r["execution_rate"]) for r in shown]
    known = [float(v) for v in rates if v is not None] or [0.0]
    low, high = min(known), max(max(known), min(known) + 1)  # the shades span the rates on screen
    tiles = {
        "type": "treemap",
        "ids": [r["code"] for r in shown],
        "labels": [plain(r["name"]) for r in shown],
        "parents": [""] * len(shown),
        "values": [float(in_unit(yuan_from_fen(r["adjusted_budget"]), unit)) for r in shown],
        "customdata": [[cell("execution", "spent", r["spent"], unit),
                        None if v is None else float(v)] for r, v in zip(shown, rates)],
        "marker": {"colors": [low if v is None else float(v) for v in rates], "colorscale": RATE_SCALE,
                   "cmin": low, "cmax": high, "showscale": True,
                   "colorbar": {"title": {"text": "执行率 %"}, "thickness": 10, "len": 0.8}},
        "texttemplate": "%{label}<br>%{customdata[1]:.1f}%",
        "hovertemplate": (f"%{{label}}<br>调整后预算 %{{value:,.2f}} {unit}<br>支出 %{{customdata[0]:,.2f}} {unit}"
                          "<br>执行率 %{customdata[1]:.2f}%<extra></extra>"),
        "branchvalues": "total",
        "sort": True,
        "root": {"color": "white"},
    }
    return figure([tiles], base_layout(height=320, margin={"l": 4, "r": 4, "t": 4, "b": 4},
                                       meta={"level": level_label, "unit": unit}))
