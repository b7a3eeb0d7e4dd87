"""The 三公经费 page: budget, spending and last year's same period per category, and per unit."""
from __future__ import annotations

from dashboard.figures.style import base_layout, figure
from dashboard.figures.tables import amount_unit, cell, table
from dashboard.theme import SERIES

BARS = (("budget", "三公预算", SERIES[1]), ("spent", "三公支出", SERIES[0]),
        ("spent_last_year_same_period", "上年同期支出", SERIES[4]))
UNIT_FIELDS = ["name", "code", "category", "budget", "spent", "execution_rate", "spent_last_year_same_period", "yoy"]


def category_chart(rows: list[dict]) -> dict:
    """Grouped bars per category (the region's five rows, 合计 included)."""
    unit = amount_unit("sangong", rows, [f for f, _, _ in BARS])
    bars = [{"type": "bar", "x": [r["category"] for r in rows],
             "y": [cell("sangong", field, r[field], unit) for r in rows], "name": name, "marker": {"color": colour},
             "hovertemplate": "%{x}<br>" + name + " %{y:,.2f} " + unit + "<extra></extra>"}
            for field, name, colour in BARS]
    return figure(bars, base_layout(barmode="group", height=300,
                                    yaxis={"title": {"text": f"金额（{unit}）"}, "rangemode": "tozero"},
                                    xaxis={"tickangle": 0, "automargin": True}))


def unit_table(rows: list[dict]) -> tuple[list[dict], list[dict], str]:
    """One row per unit of the chosen category; a click shows the unit's vouchers of that category."""
    columns, data, unit = table("sangong", rows, UNIT_FIELDS, first={"pinned": "left", "minWidth": 150,
                                                                     "cellClass": "drill-cell"})
    return columns, data, unit
