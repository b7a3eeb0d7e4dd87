"""The 收入 page: revenue completion through the year against last year and 序时进度, its composition by fund
type, tax share and year-on-year growth, and every region's figures."""
import datetime as dt

import dash
from dash import Input, Output, callback, html

from dashboard import store
from dashboard.components import (as_content, deferred, deferred_output, deferred_table, empty_state, graph, kpi,
                                  kpis, section, table_body, view_page)
from dashboard.exports import exporter
from dashboard.figures.progress import progress_curve
from dashboard.figures.revenue import composition_chart, rate_chart, revenue_table
from dashboard.format import format_amount, format_rate, yuan_from_fen
from dashboard.queries.regional import pick, region_rows
from dashboard.state import parse_view
from indicators.scope import ALL, FULL
from indicators.snapshots import history
from indicators.time import time_progress

NAME = "收入"
TABLE, RATES = "revenue-table", "revenue-rates"
TABLE_HEIGHT, RATES_HEIGHT = 340, 280

dash.register_page(__name__, path="/revenue", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=4)


def layout(**query):
    view = parse_view(query)
    return view_page(
        NAME, view, "revenue-view",
        html.Div(id="revenue-kpis"),
        section("累计收入完成率：本年、上年与序时进度", graph("revenue-curve", 300)),
        section("收入结构：按资金性质的收入、预算与上年同期", graph("revenue-composition", 300)),
        # Below the first screen: built when the reader scrolls to them (components.deferred).
        section("完成率、税收占比与同比增长（按资金性质）", deferred(RATES, RATES_HEIGHT)),
        section("各区划收入（全辖）", deferred_table(TABLE, TABLE_HEIGHT)),
        subtitle="收入完成进度、结构、税收占比与同比",
    )


def _rows(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return region_rows(engine, "revenue", view.as_of, view.region)


def _rates(figure: dict | None):
    return as_content(graph(RATES, RATES_HEIGHT, figure))


def _table(columns: list[dict], data: list[dict], text: str):
    return as_content(table_body(TABLE, text=text, columns=columns, rows=data, height=TABLE_HEIGHT))


@callback(Output("revenue-kpis", "children"), Output("revenue-composition", "figure"), deferred_output(RATES),
          deferred_output(TABLE), Input("revenue-view", "data"))
def show_figures(view):
    rows = _rows(store.engine(), view)
    region = view["region"]
    total = pick(rows, region, fund_type=ALL)
    if total is None:
        return empty_state("本区划没有收入数据"), {}, _rates(None), _table([], [], "")
    by_type = [r for r in rows if r["code"] == region and r["scope"] == FULL and r["fund_type"] != ALL]
    cards = kpis([kpi("收入", format_amount(yuan_from_fen(total["collected"]))),
                  kpi("收入预算", format_amount(yuan_from_fen(total["budget"]))),
                  kpi("完成率", format_rate(total["completion_rate"])),
                  kpi("序时进度", format_rate(time_progress(dt.date.fromisoformat(view["date"])))),
                  kpi("税收占比", format_rate(total["tax_share"])),
                  kpi("同比增长", format_rate(total["yoy"]))])
    columns, data, unit = revenue_table(rows)
    return cards, composition_chart(by_type), _rates(rate_chart(by_type)), _table(columns, data, f"金额单位：{unit}")


@exporter(TABLE)
def export_table(engine, query, _args):
    return "revenue", _rows(engine, query), f"{NAME}"


@callback(Output("revenue-curve", "figure"), Input("revenue-view", "data"))
def show_curve(view):
    engine = store.engine()
    day, region = dt.date.fromisoformat(view["date"]), view["region"]
    this_year = history(engine, "revenue.completion_rate", dt.date(day.year, 1, 1), day, code=region)
    last_year = history(engine, "revenue.completion_rate", dt.date(day.year - 1, 1, 1),
                        dt.date(day.year - 1, 12, 31), code=region)
    return progress_curve(this_year, last_year, day, "完成率")
