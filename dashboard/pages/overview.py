"""The 总览 page: where the year stands for the chosen region — headline figures, the year's spending curve
against last year and 序时进度 with the year-end forecast, and the departments furthest behind.

Each section has its own callback, so the quick ones (read from the day's snapshot) show while the slower
ones are still summing.
"""
import datetime as dt

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import store
from dashboard.components import (as_content, deferred_output, deferred_table, empty_state, graph, kpi, kpis, page,
                                  section, table_body)
from dashboard.exports import exporter
from dashboard.figures.overview import behind_chart, behind_table, most_behind
from dashboard.figures.progress import progress_curve
from dashboard.format import format_pp, format_rate
from dashboard.queries.alerts import open_alert_counts
from dashboard.queries.execution import Drill, level_rows
from dashboard.queries.regional import pick, region_rows
from dashboard.queries.regions import region_tree
from dashboard.state import parse_search, parse_view, to_search
from indicators.forecast import forecast
from indicators.sangong import TOTAL as SANGONG_TOTAL
from indicators.sangong import sangong
from indicators.scope import ALL, FULL
from indicators.snapshots import history

NAME = "总览"
BEHIND = "overview-behind"
BEHIND_N = 10
BEHIND_HEIGHT = 300
GENERAL, FUND = "一般公共预算", "政府性基金预算"

dash.register_page(__name__, path="/", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=0)


def layout(**query):
    view = parse_view(query)
    if not view.as_of or not view.region:
        return page(NAME, empty_state("暂无数据：尚未载入任何业务日期"))
    return page(
        NAME,
        dcc.Store(id="overview-view", data={"date": view.as_of.isoformat(), "region": view.region}),
        html.Div(id="overview-kpis"),
        section("累计支出进度：本年、上年与序时进度（含年末执行率预测区间）", graph("overview-curve", 300),
                html.Div(id="overview-forecast")),
        section(f"执行进度最落后的部门（前 {BEHIND_N} 个，点击进入预算执行）", graph("overview-behind-chart", 320)),
        section("落后部门明细（点击一行下钻）", deferred_table(BEHIND, BEHIND_HEIGHT)),  # built when scrolled to
        subtitle="全辖预算执行、收入、债务、三公经费与预警的概况",
    )


def _day_region(view: dict) -> tuple[dt.date, str]:
    return dt.date.fromisoformat(view["date"]), view["region"]


def _execution_card(label: str, row: dict | None):
    if row is None:
        return kpi(label, "—")
    return kpi(label, format_rate(row["execution_rate"]),
               detail=f"序时进度 {format_rate(row['time_progress'])}，{format_pp(row['lag_pp'])}")


@callback(Output("overview-kpis", "children"), Input("overview-view", "data"))
def show_kpis(view):
    engine = store.engine()
    day, region = _day_region(view)
    execution_rows = region_rows(engine, "execution", day, region)
    revenue_row = pick(region_rows(engine, "revenue", day, region), region, fund_type=ALL)
    debt_row = pick(region_rows(engine, "debt", day, region), region, bond_type="合计")
    sangong_row = pick(sangong(engine, day, region), region, category=SANGONG_TOTAL)
    cards = [
        _execution_card("一般公共预算执行率", pick(execution_rows, region, fund_type=GENERAL)),
        _execution_card("政府性基金预算执行率", pick(execution_rows, region, fund_type=FUND)),
        kpi("收入完成率", format_rate(revenue_row and revenue_row["completion_rate"])),
        kpi("债务率", format_rate(debt_row and debt_row["debt_ratio"])),
        kpi("三公经费同比", format_rate(sangong_row and sangong_row["yoy"])),
    ]
    counts = open_alert_counts(engine, day, region)
    if counts is not None:
        cards.append(kpi("未办结红色 / 橙色预警", f"{counts['红']:,} / {counts['橙']:,}",
                         "红" if counts["红"] else ("橙" if counts["橙"] else None)))
    return kpis(cards)


@callback(Output("overview-curve", "figure"), Output("overview-forecast", "children"), Input("overview-view", "data"))
def show_curve(view):
    engine = store.engine()
    day, region = _day_region(view)
    this_year = history(engine, "execution.execution_rate", dt.date(day.year, 1, 1), day, code=region)
    last_year = history(engine, "execution.execution_rate", dt.date(day.year - 1, 1, 1),
                        dt.date(day.year - 1, 12, 31), code=region)
    row = next((r for r in forecast(engine, day, region, "region") if r["code"] == region and r["scope"] == FULL),
               None)
    band = None
    text = "年末执行率预测：往年数据不足，暂无预测"
    if row and row["forecast_rate"] is not None:
        band = {"rate": row["forecast_rate"], "low": row["forecast_low"], "high": row["forecast_high"]}
        text = (f"年末执行率预测 {format_rate(row['forecast_rate'])}（区间 {format_rate(row['forecast_low'])} – "
                f"{format_rate(row['forecast_high'])}，依据往年 {row['years']} 年同期支出占全年比例）")
    return progress_curve(this_year, last_year, day, "执行率", band), html.Small(text, className="figure-note")


def _behind_rows(engine, day: dt.date, region: str) -> list[dict]:
    return most_behind(level_rows(engine, day, Drill(region), region_tree(engine).top()), BEHIND_N)


@callback(Output("overview-behind-chart", "figure"), deferred_output(BEHIND), Input("overview-view", "data"))
def show_behind(view):
    engine = store.engine()
    rows = _behind_rows(engine, *_day_region(view))
    columns, data, unit = behind_table(rows)
    return behind_chart(rows), as_content(table_body(BEHIND, text=f"金额单位：{unit}", columns=columns, rows=data,
                                                     height=BEHIND_HEIGHT, row_id="code"))


@exporter(BEHIND)
def export_behind(engine, query, _args):
    view = parse_view(query)
    return "execution", _behind_rows(engine, view.as_of, view.region), "执行进度落后部门"


def _to_execution(search: str, dept: str | None):
    if not dept:
        return no_update
    view = parse_view(parse_search(search))
    return "/execution" + to_search({"date": view.as_of and view.as_of.isoformat(), "region": view.region,
                                     "dept": dept})


# A department (row or bar) opens 预算执行 at that department's units. The row and the bar have a callback each:
# the table is built only when scrolled to (components.deferred), and a callback must not wait on a part that is
# not there yet together with one that is.
@callback(Output("url", "href", allow_duplicate=True), Input(BEHIND, "cellClicked"), State("url", "search"),
          prevent_initial_call=True)
def open_department(cell, search):
    return _to_execution(search, (cell or {}).get("rowId"))


@callback(Output("url", "href", allow_duplicate=True), Input("overview-behind-chart", "clickData"),
          State("url", "search"), prevent_initial_call=True)
def open_department_bar(bar, search):
    points = (bar or {}).get("points") or [{}]
    return _to_execution(search, points[0].get("customdata"))
