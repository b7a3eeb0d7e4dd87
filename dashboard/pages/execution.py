"""The 预算执行 page: a drill-down from the region to single vouchers, each step one click, each step a link.

The drill path lives in the URL (dept, unit, func, econ, quota, then voucher), so the breadcrumbs are plain
links and a copied address reopens the same level; clicking a row or a tile adds the next level.
"""
import datetime as dt

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import store
from dashboard.components import empty_state, graph, kpi, kpis, page, section, table_section
from dashboard.exports import exporter
from dashboard.figures.execution import level_table, treemap
from dashboard.format import format_amount, format_pp, format_rate, yuan_from_fen
from dashboard.queries.execution import LEVEL_LABELS, Drill, drill_from, level_rows, member_row, path_names
from dashboard.queries.regional import pick, region_rows
from dashboard.queries.regions import region_tree
from dashboard.queries.vouchers import VoucherScope
from dashboard.state import DATE, REGION, choice, digits, merge_search, parse_search, parse_view, to_search, token
from dashboard.voucher_grid import PARAM, register, voucher_id, voucher_list, voucher_modal
from indicators.scope import ALL, ScopeError
from indicators.time import year_start
from ingest.standard import FUND_TYPES

NAME = "预算执行"
FUND = "ft"  # query parameter: one fund type (absent: all)
TABLE = "execution-table"
VOUCHERS = register("execution-vouchers")
CODE_CHECKS = {"dept": token, "unit": token, "func": lambda v: digits(v, (7,)), "econ": lambda v: digits(v, (5,)),
               "quota": token}

dash.register_page(__name__, path="/execution", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=1)


def read_drill(query: dict) -> tuple[dt.date | None, Drill | None]:
    view = parse_view(query)
    if not view.as_of or not view.region:
        return view.as_of, None
    chosen = {level: check(query.get(level)) for level, check in CODE_CHECKS.items()}
    return view.as_of, drill_from(view.region, choice(query.get(FUND), FUND_TYPES), chosen)


def drill_search(day: dt.date, drill: Drill) -> str:
    """The query string of a drill (what a breadcrumb links to)."""
    return to_search({DATE: day.isoformat(), REGION: drill.region, FUND: drill.fund_type, **dict(drill.path)})


def layout(**query):
    day, drill = read_drill(query)
    if drill is None:
        return page(NAME, empty_state("请选择截至日期和区划"))
    level = drill.level
    scope = VoucherScope(drill.region, year_start(day), day, drill.within, drill.fund_type)
    parts = [
        dcc.Store(id="execution-view", data={"date": day.isoformat(), "region": drill.region,
                                             "fund_type": drill.fund_type, "path": [list(p) for p in drill.path]}),
        dmc.Group([html.Div(id="execution-crumbs", className="crumbs"),
                   dmc.Select(id="execution-ft", data=[ALL, *FUND_TYPES], value=drill.fund_type or ALL, w=180,
                              allowDeselect=False, label="资金性质", size="xs")],
                  justify="space-between", align="flex-end", gap="xs"),
        html.Div(id="execution-member"),
    ]
    label = LEVEL_LABELS[level]
    parts.append(html.Div([  # kept (hidden) at the voucher level, so the page's callbacks always find them
        section(f"执行结构：各{label}（面积为调整后预算，颜色越深执行率越高；点击下钻）", graph("execution-treemap", 320)),
        table_section(f"执行明细：各{label}（点击一行下钻）", TABLE, row_id="code", height=380),
    ], hidden=level == "voucher", className="stack"))
    parts.append(section("支付凭证" + ("（本指标）" if level == "voucher" else "（本层级全部）"),
                         voucher_list(VOUCHERS, scope)))
    parts.append(voucher_modal(voucher_id(query.get(PARAM))))
    return page(NAME, *parts, subtitle="按部门、单位、功能科目、经济科目、预算指标逐级下钻，直至支付凭证；金额单位见各表")


def _view_drill(view: dict) -> tuple[dt.date, Drill]:
    day = dt.date.fromisoformat(view["date"])
    return day, Drill(view["region"], view["fund_type"], tuple(tuple(p) for p in view["path"]))


def _crumbs(day: dt.date, drill: Drill, named: list[tuple[str, str, str]]) -> dmc.Breadcrumbs:
    items = []
    for depth, (level, code, name) in enumerate(named):
        text = f"{LEVEL_LABELS[level]}：{name}"
        if depth == len(named) - 1:
            items.append(dmc.Text(text, size="sm", fw=600))
        else:
            items.append(dmc.Anchor(text, href="/execution" + drill_search(day, drill.up(len(named) - 1 - depth)),
                                    size="sm"))
    return dmc.Breadcrumbs(items, separator="›", separatorMargin=4, className="crumb-list")


def _member_cards(row: dict | None) -> list:
    if row is None:
        return [empty_state("本层级没有预算或支出")]
    amounts = [yuan_from_fen(row[k]) for k in ("adjusted_budget", "spent")]
    return [kpis([kpi("调整后预算", format_amount(amounts[0])), kpi("支出", format_amount(amounts[1])),
                  kpi("执行率", format_rate(row["execution_rate"])), kpi("序时进度", format_rate(row["time_progress"])),
                  kpi("进度差", format_pp(row["lag_pp"])), kpi("追加率", format_rate(row["supplement_rate"]))])]


@callback(Output("execution-crumbs", "children"), Output("execution-member", "children"),
          Input("execution-view", "data"))
def show_member(view):
    engine = store.engine()
    day, drill = _view_drill(view)
    try:
        named = path_names(engine, day, drill)
        if drill.path:
            row = member_row(engine, day, drill, region_tree(engine).top())
        else:
            row = pick(region_rows(engine, "execution", day, drill.region), drill.region,
                       fund_type=drill.fund_type or ALL)
    except ScopeError as exc:
        return dmc.Text(str(exc), c="dimmed"), []
    return _crumbs(day, drill, named), _member_cards(row)


@callback(Output("execution-treemap", "figure"), Output(TABLE, "columnDefs"), Output(TABLE, "rowData"),
          Output(f"{TABLE}-note", "children"), Input("execution-view", "data"))
def show_level(view):
    engine = store.engine()
    day, drill = _view_drill(view)
    if drill.level == "voucher":
        return {}, [], [], ""
    try:
        rows = level_rows(engine, day, drill, region_tree(engine).top())
    except ScopeError as exc:
        return {}, [], [], str(exc)
    columns, data, unit = level_table(rows)
    label = LEVEL_LABELS[drill.level]
    return treemap(rows, label), columns, data, f"共 {len(rows)} 个{label}；金额单位：{unit}"


@exporter(TABLE)
def export_level(engine, query, _args):
    day, drill = read_drill(query)
    rows = level_rows(engine, day, drill, region_tree(engine).top()) if drill else []
    return "execution", rows, f"{NAME}-{LEVEL_LABELS[drill.level] if drill else ''}"


def _down(search: str, view: dict, code: str | None):
    if not code:
        return no_update
    _, drill = _view_drill(view)
    if drill.level == "voucher":
        return no_update
    return merge_search(search, **{drill.level: code, PARAM: None})


@callback(Output("url", "search", allow_duplicate=True), Input(TABLE, "cellClicked"),
          Input("execution-treemap", "clickData"), State("url", "search"), State("execution-view", "data"),
          prevent_initial_call=True)
def drill_down(cell, tile, search, view):
    """A click on a row or a tile adds the next level to the URL (the page then shows that level)."""
    if ctx.triggered_id == TABLE:
        return _down(search, view, (cell or {}).get("rowId"))
    points = (tile or {}).get("points") or [{}]
    return _down(search, view, points[0].get("id"))


@callback(Output("url", "search", allow_duplicate=True), Input("execution-ft", "value"), State("url", "search"),
          prevent_initial_call=True)
def choose_fund_type(value, search):
    """A fund type narrows every level; the drill path stays."""
    chosen = None if value in (None, ALL) else value
    if chosen == choice(parse_search(search).get(FUND), FUND_TYPES):
        return no_update
    return merge_search(search, **{FUND: chosen, PARAM: None})

