"""The 总览 page: the departments furthest behind 序时进度, as a chart and as a table to click into."""
from __future__ import annotations

from dashboard.figures.style import base_layout, figure, plain
from dashboard.figures.tables import table
from dashboard.theme import SERIES

BEHIND_FIELDS = ["name", "code", "lag_pp", "execution_rate", "adjusted_budget", "spent"]


def most_behind(rows: list[dict], n: int = 10) -> list[dict]:
    """The `n` members with the lowest 进度差 (most behind first); members without a budget have none."""
    return sorted((r for r in rows if r.get("lag_pp") is not None), key=lambda r: (r["lag_pp"], r["code"]))[:n]


def behind_chart(rows: list[dict]) -> dict:
    """Horizontal bars of 进度差 in percentage points, the furthest behind at the top."""
    bars = {"type": "bar", "y": [plain(r["name"]) for r in rows], "x": [float(r["lag_pp"]) for r in rows],
            "orientation": "h", "marker": {"color": SERIES[0]}, "customdata": [r["code"] for r in rows],
            "hovertemplate": "%{y}<br>进度差 %{x:+.2f} 个百分点<extra></extra>"}
    return figure([bars], base_layout(
        height=max(200, 28 * len(rows) + 60), margin={"l": 8, "r": 12, "t": 8, "b": 36},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"title": {"text": "进度差（百分点，负数为慢于序时进度）"}, "zeroline": True, "zerolinecolor": "#999"}))


def behind_table(rows: list[dict]) -> tuple[list[dict], list[dict], str]:
    return table("execution", rows, BEHIND_FIELDS, first={"pinned": "left", "minWidth": 140,
                                                          "cellClass": "drill-cell"})
