"""The 政府债务 page: balance against limit by bond type and region, the risk ratios, the principal falling due
month by month over the next three years, and the bonds with their payment schedules."""
import datetime as dt

import dash
from dash import Input, Output, State, callback, html, no_update

from dashboard import store
from dashboard.components import (as_content, deferred, deferred_output, deferred_table, empty_state, graph, kpi,
                                  kpis, section, table_body, table_section, view_page)
from dashboard.exports import export_buttons, exporter
from dashboard.figures.debt import (balance_chart, bond_records, bond_table, maturity_chart, risk_table,
                                    schedule_records, schedule_table, wall_records)
from dashboard.format import format_amount, format_multiple, format_rate, yuan_from_fen
from dashboard.queries.regional import pick, region_rows
from dashboard.state import merge_search, parse_view, token
from indicators.debt import TOTAL, bond_list, bond_schedule, maturity_wall

NAME = "政府债务"
BOND = "bond"  # query parameter: the bond whose schedule is shown
WALL_MONTHS = 36
RISK, BONDS, SCHEDULE, WALL = "debt-risk", "debt-bonds", "debt-schedule", "debt-wall"
WALL_HEIGHT, BONDS_HEIGHT = 300, 360

dash.register_page(__name__, path="/debt", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=3)


def layout(**query):
    view = parse_view(query)
    bond = token(query.get(BOND))
    return view_page(
        NAME, view, "debt-view",
        html.Div(id="debt-kpis"),
        section("债务余额与限额（按区划、债券类型；短横线为限额）", graph("debt-balance", 320)),
        table_section("风险指标（全辖，按区划与债券类型）", RISK, height=320),
        # Below the first screen: built when the reader scrolls to them (components.deferred). The schedule, empty
        # until a bond is chosen (a click in the list above reopens the page with it), is drawn with the page.
        section(f"到期分布：未来 {WALL_MONTHS // 12} 年每月到期本金", export_buttons(WALL), deferred(WALL, WALL_HEIGHT)),
        section("债券清单（点击一行查看还本付息计划）", deferred_table(BONDS, BONDS_HEIGHT)),
        table_section(f"还本付息计划：{bond}" if bond else "还本付息计划（请在债券清单中选择一只债券）", SCHEDULE,
                      height=300),
        subtitle="债务余额与限额、债务率、利息支出率、偿债保障倍数与到期分布", bond=bond,
    )


def _view(view: dict) -> tuple[dt.date, str]:
    return dt.date.fromisoformat(view["date"]), view["region"]


def _rows(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return region_rows(engine, "debt", view.as_of, view.region)


@callback(Output("debt-kpis", "children"), Output("debt-balance", "figure"), Output(RISK, "columnDefs"),
          Output(RISK, "rowData"), Output(f"{RISK}-note", "children"), Input("debt-view", "data"))
def show_figures(view):
    rows = _rows(store.engine(), view)
    day, region = _view(view)
    total = pick(rows, region, bond_type=TOTAL)
    if total is None:
        return empty_state("本区划没有债务数据"), {}, [], [], ""
    cards = kpis([
        kpi("债务余额", format_amount(yuan_from_fen(total["balance"]))),
        kpi("债务限额", format_amount(yuan_from_fen(total["limit"]))),
        kpi("限额使用率", format_rate(total["limit_usage"])),
        kpi("债务率", format_rate(total["debt_ratio"])),
        kpi("利息支出率", format_rate(total["interest_expense_ratio"], 2)),
        kpi("偿债保障倍数", format_multiple(total["coverage_multiple"])),
        kpi("未来12个月到期本金", format_amount(yuan_from_fen(total["due_12m"]))),
    ])
    columns, data, unit = risk_table(rows)
    return cards, balance_chart([r for r in rows if r["scope"] == "全辖"]), columns, data, f"金额单位：{unit}"


@exporter(RISK)
def export_risk(engine, query, _args):
    return "debt", _rows(engine, query), f"{NAME}-风险指标"


def _wall(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return maturity_wall(engine, view.as_of, view.region, WALL_MONTHS)


def _bonds(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return bond_list(engine, view.as_of, view.region)


@callback(deferred_output(WALL), deferred_output(BONDS), Input("debt-view", "data"))
def show_bonds(view):
    engine = store.engine()
    bonds = _bonds(engine, view)
    columns, data, unit = bond_table(bonds)
    return (as_content(graph(WALL, WALL_HEIGHT, maturity_chart(_wall(engine, view)))),
            as_content(table_body(BONDS, text=f"{len(bonds)} 只债券；金额单位：{unit}", columns=columns, rows=data,
                                  height=BONDS_HEIGHT, row_id="bond_code")))


@exporter(BONDS)
def export_bonds(engine, query, _args):
    return "bonds", bond_records(_bonds(engine, query)), f"{NAME}-债券清单"


def _schedule(engine, query: dict):
    view, bond = parse_view(query), token(query.get(BOND))
    return bond, (bond_schedule(engine, view.as_of, bond) if bond else [])


@callback(Output(SCHEDULE, "columnDefs"), Output(SCHEDULE, "rowData"), Output(f"{SCHEDULE}-note", "children"),
          Input("debt-view", "data"))
def show_schedule(view):
    _, payments = _schedule(store.engine(), view)
    columns, data, unit = schedule_table(payments)
    return columns, data, f"金额单位：{unit}" if payments else "未选择债券"


@exporter(SCHEDULE)
def export_schedule(engine, query, _args):
    bond, payments = _schedule(engine, query)
    return "bond_schedule", schedule_records(bond or "", payments), f"{NAME}-还本付息计划"


@exporter(WALL)
def export_wall(engine, query, _args):
    return "maturity_wall", wall_records(_wall(engine, query)), f"{NAME}-到期分布"


@callback(Output("url", "search", allow_duplicate=True), Input(BONDS, "cellClicked"), State("url", "search"),
          prevent_initial_call=True)
def choose_bond(cell, search):
    code = (cell or {}).get("rowId")
    return merge_search(search, **{BOND: code}) if code else no_update
