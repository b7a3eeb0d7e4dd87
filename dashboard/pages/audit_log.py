"""The 审计日志 page (管理员, 财经委委员): who logged in, looked at, exported or changed what, and when —
searched by user, action and date range (all in the URL, so a search can be linked), and exported whole.
"""
import datetime as dt
import re

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, ctx, dcc, no_update

from auth import audit
from dashboard import store
from dashboard.components import page, table_section
from dashboard.exports import exporter
from dashboard.state import merge_search, parse_search, token

NAME = "审计日志"
TABLE = "audit-log-table"
_USER = re.compile(r"[\w.@\-]{1,64}")  # a username in the query
COLUMNS = [{"field": "at", "headerName": "时间", "minWidth": 170}, {"field": "username", "headerName": "用户"},
           {"field": "role", "headerName": "角色"}, {"field": "action", "headerName": "操作"},
           {"field": "target", "headerName": "对象"}, {"field": "params", "headerName": "参数", "minWidth": 260},
           {"field": "ip", "headerName": "地址"}]

dash.register_page(__name__, path="/audit-log", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=21)


def _day(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def read_filters(query: dict) -> dict:
    """The search as the URL gives it, malformed values ignored."""
    action = query.get("action")
    return {"username": token(query.get("user"), _USER), "action": action if action in audit.ACTIONS
            else None, "date_from": _day(query.get("from")), "date_to": _day(query.get("to"))}


def layout(**query):
    found = read_filters(query)
    engine = store.engine()
    return page(
        NAME,
        dcc.Store(id="audit-log-view", data={k: (v.isoformat() if isinstance(v, dt.date) else v)
                                             for k, v in found.items()}),
        dmc.Group([
            dmc.Select(id="audit-log-user", label="用户", value=found["username"], data=audit.usernames(engine),
                       clearable=True, searchable=True, size="xs", miw=140, flex=1, placeholder="全部",
                       nothingFoundMessage="无"),
            dmc.Select(id="audit-log-action", label="操作", value=found["action"], clearable=True, size="xs",
                       data=[{"value": k, "label": v} for k, v in audit.ACTIONS.items()], miw=140, flex=1,
                       placeholder="全部"),
            dmc.DatePickerInput(id="audit-log-dates", label="日期范围", type="range", valueFormat="YYYY-MM-DD",
                                value=[d and d.isoformat() for d in (found["date_from"], found["date_to"])],
                                clearable=True, size="xs", miw=220, flex=1, placeholder="全部日期",
                                allowSingleDateInRange=True),
        ], gap="xs", align="flex-end", className="filters"),
        table_section("日志（最新在前）", TABLE, height=480),
        subtitle="登录、访问页面、导出下载、预警处置、数据导入与用户管理的记录；可按用户、操作和日期检索并导出",
    )


def _search(engine, filters: dict, limit):
    return audit.search(engine, username=filters["username"], action=filters["action"],
                        date_from=filters["date_from"], date_to=filters["date_to"], limit=limit)


@callback(Output(TABLE, "columnDefs"), Output(TABLE, "rowData"), Output(f"{TABLE}-note", "children"),
          Input("audit-log-view", "data"))
def show_log(view):
    filters = {**view, "date_from": _day(view.get("date_from")), "date_to": _day(view.get("date_to"))}
    total, rows = _search(store.engine(), filters, audit.SHOWN_LIMIT)
    shown = f"共 {total:,} 条" + (f"，显示最新 {len(rows):,} 条（导出包含全部）" if total > len(rows) else "")
    return COLUMNS, audit.export_rows(rows), shown


@callback(Output("url", "search", allow_duplicate=True), Input("audit-log-user", "value"),
          Input("audit-log-action", "value"), Input("audit-log-dates", "value"), State("url", "search"),
          prevent_initial_call=True)
def choose(user, action, dates, search):
    """The search is part of the address, so a link reopens exactly this list."""
    if not ctx.triggered_id:
        return no_update
    dates = [d for d in (dates or []) if d]
    wanted = {"user": user, "action": action, "from": dates[0] if dates else None,
              "to": dates[-1] if dates else None}
    current = parse_search(search)
    if all((current.get(k) or None) == (v or None) for k, v in wanted.items()):
        return no_update
    return merge_search(search, **wanted)


@exporter(TABLE)
def export_log(engine, query, _args):
    """Every row that matches the search (not only those listed), formula-safe like every export."""
    return "audit_log", audit.export_rows(_search(engine, read_filters(query), None)[1]), NAME
