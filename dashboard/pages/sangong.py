"""The 三公经费 page: per category and per unit, budget against spending and against last year's same period,
with the vouchers behind each figure (the category's 经济科目 in the chosen unit, or in the whole region)."""
import datetime as dt

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html, no_update

from dashboard import store
from dashboard.components import NO_VIEW, empty_state, graph, kpi, kpis, page, section, table_section
from dashboard.exports import exporter
from dashboard.figures.sangong import category_chart, unit_table
from dashboard.format import format_amount, format_rate, yuan_from_fen
from dashboard.queries.regional import pick
from dashboard.queries.vouchers import VoucherScope
from dashboard.state import choice, merge_search, parse_search, parse_view, to_search, token
from dashboard.voucher_grid import PARAM, register, voucher_id, voucher_list, voucher_modal
from indicators.sangong import CATEGORIES, CATEGORY_OF, TOTAL, sangong
from indicators.time import year_start

NAME = "三公经费"
CATEGORY, UNIT = "cat", "unit"  # query parameters: the category shown, the unit whose vouchers are listed
TABLE = "sangong-units"
VOUCHERS = register("sangong-vouchers")

dash.register_page(__name__, path="/sangong", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=2)


def _filters(query: dict) -> tuple[str, str | None]:
    return choice(query.get(CATEGORY), CATEGORIES) or TOTAL, token(query.get(UNIT))


def layout(**query):
    view = parse_view(query)
    if not view.as_of or not view.region:
        return page(NAME, empty_state(NO_VIEW))
    category, unit = _filters(query)
    codes = tuple(sorted(c for c, k in CATEGORY_OF.items() if category == TOTAL or k == category))
    scope = VoucherScope(view.region, year_start(view.as_of), view.as_of, {"unit": unit} if unit else {},
                         econ_codes=codes)
    whose = f"单位 {unit}" if unit else "全辖"
    return page(
        NAME,
        dcc.Store(id="sangong-view", data={"date": view.as_of.isoformat(), "region": view.region,
                                           "category": category}),
        html.Div(id="sangong-kpis"),
        section("分类别：预算、支出与上年同期", graph("sangong-chart", 300)),
        table_section("按单位（点击一行查看该单位的相关凭证）", TABLE, dmc.Select(
            id="sangong-category", data=list(CATEGORIES), value=category, size="xs", label="类别", maw=280,
            allowDeselect=False, mb="xs"), row_id="code", height=360),
        section(f"相关支付凭证：{category}（{whose}，经济科目 {', '.join(codes)}）",
                dmc.Anchor("显示全辖凭证", href="/sangong" + to_search({**query, UNIT: None, PARAM: None}), size="sm")
                if unit else html.Span(), voucher_list(VOUCHERS, scope)),
        voucher_modal(voucher_id(query.get(PARAM))),
        subtitle="因公出国（境）费用、公务接待费、公务用车运行维护费与购置费：预算、支出、执行率与上年同期对比",
    )


def _rows(engine, query: dict, level: str) -> list[dict]:
    view = parse_view(query)
    return sangong(engine, view.as_of, view.region, level)


@callback(Output("sangong-kpis", "children"), Output("sangong-chart", "figure"), Input("sangong-view", "data"))
def show_region(view):
    engine = store.engine()
    rows = [r for r in sangong(engine, dt.date.fromisoformat(view["date"]), view["region"])
            if r["code"] == view["region"] and r["scope"] == "全辖"]
    total = pick(rows, view["region"], category=TOTAL)
    if total is None:
        return empty_state("本区划没有三公经费预算或支出"), {}
    cards = kpis([kpi("三公预算", format_amount(yuan_from_fen(total["budget"]))),
                  kpi("三公支出", format_amount(yuan_from_fen(total["spent"]))),
                  kpi("执行率", format_rate(total["execution_rate"])),
                  kpi("上年同期支出", format_amount(yuan_from_fen(total["spent_last_year_same_period"]))),
                  kpi("同比增长", format_rate(total["yoy"]))])
    return cards, category_chart(rows)


def _unit_rows(engine, query: dict) -> list[dict]:
    category, _ = _filters(query)
    return [r for r in _rows(engine, query, "unit") if r["category"] == category]


@callback(Output(TABLE, "columnDefs"), Output(TABLE, "rowData"), Output(f"{TABLE}-note", "children"),
          Input("sangong-view", "data"))
def show_units(view):
    rows = _unit_rows(store.engine(), {**view, CATEGORY: view["category"]})
    columns, data, unit = unit_table(rows)
    return columns, data, f"{len(rows)} 个单位；金额单位：{unit}"


@exporter(TABLE)
def export_units(engine, query, _args):
    return "sangong", _unit_rows(engine, query), f"{NAME}-按单位"


@callback(Output("url", "search", allow_duplicate=True), Input("sangong-category", "value"),
          Input(TABLE, "cellClicked"), State("url", "search"), prevent_initial_call=True)
def choose(category, cell, search):
    """The category switch and a unit click each set one parameter of the view."""
    trigger = dash.ctx.triggered_id
    if trigger == "sangong-category":
        if category == _filters(parse_search(search))[0]:
            return no_update
        return merge_search(search, **{CATEGORY: None if category == TOTAL else category, PARAM: None})
    if trigger == TABLE and cell and cell.get("rowId"):
        return merge_search(search, **{UNIT: cell["rowId"], PARAM: None})
    return no_update
