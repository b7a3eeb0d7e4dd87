"""The 收入 page: revenue against its budget per fund type, and year-on-year."""
from __future__ import annotations

from dashboard.figures.style import base_layout, figure
from dashboard.figures.tables import amount_unit, cell, table
from dashboard.format import rate_percent
from dashboard.theme import SERIES

TABLE_FIELDS = ["name", "code", "scope", "fund_type", "collected", "budget", "completion_rate", "tax_share",
                "collected_last_year_same_period", "yoy"]


def composition_chart(rows: list[dict]) -> dict:
    """Per fund type (the region's rows, 全部 left out): collected against the budget and last year."""
    unit = amount_unit("revenue", rows, ["collected", "budget", "collected_last_year_same_period"])
    bars = [{"type": "bar", "x": [r["fund_type"] for r in rows],
             "y": [cell("revenue", field, r[field], unit) for r in rows], "name": name, "marker": {"color": colour},
             "hovertemplate": "%{x}<br>" + name + " %{y:,.2f} " + unit + "<extra></extra>"}
            for field, name, colour in (("budget", "收入预算", SERIES[1]), ("collected", "收入", SERIES[0]),
                                        ("collected_last_year_same_period", "上年同期收入", SERIES[4]))]
    return figure(bars, base_layout(barmode="group", height=300,
                                    yaxis={"title": {"text": f"金额（{unit}）"}, "rangemode": "tozero"}))


def rate_chart(rows: list[dict]) -> dict:
    """Completion rate, tax share and year-on-year growth per fund type, in percent."""
    bars = [{"type": "bar", "x": [r["fund_type"] for r in rows],
             "y": [None if r[field] is None else float(rate_percent(r[field])) for r in rows], "name": name,
             "marker": {"color": colour}, "hovertemplate": "%{x}<br>" + name + " %{y:.2f}%<extra></extra>"}
            for field, name, colour in (("completion_rate", "完成率", SERIES[0]), ("tax_share", "税收占比", SERIES[2]),
                                        ("yoy", "同比增长", SERIES[3]))]
    return figure(bars, base_layout(barmode="group", height=280, yaxis={
        "title": {"text": "%"}, "ticksuffix": "%", "zeroline": True, "zerolinecolor": "#999"}))


def revenue_table(rows: list[dict]) -> tuple[list[dict], list[dict], str]:
    return table("revenue", rows, TABLE_FIELDS, first={"pinned": "left", "minWidth": 120})
