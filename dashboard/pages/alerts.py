"""The 预警中心 page: every open alert of the region, filtered by severity, category, rule, department and
status (all in the URL); an alert opens its evidence down to the vouchers, its history, and the actions its
status allows — acknowledge, assign to a department with a deadline, record the reply, close, dismiss.

The list and the lifecycle are the alert layer's (alerts.records, alerts.lifecycle); this page shows them and
hands a member's decision to lifecycle.change, which refuses what the process does not allow.
"""
import datetime as dt
import re

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from sqlalchemy.exc import DBAPIError

from auth import audit
from auth.principal import current_principal
from dashboard import roles, store
from dashboard.components import empty_state, note, page, section, table_section
from dashboard.exports import export_buttons, exporter
from dashboard.figures.alerts import (ALERT_COLUMNS, HISTORY_COLUMNS, SEVERITY_LABELS, SEVERITY_ORDER,
                                      alert_records_for_export, alert_rows, history_rows)
from dashboard.figures.vouchers import records
from dashboard.queries.alerts import (alert_groups, alert_history, alert_layer, evidence_vouchers, open_alerts,
                                      require_alert)
from dashboard.queries.vouchers import vouchers_by_ref
from dashboard.state import merge_search, parse_search, parse_view, token
from dashboard.voucher_grid import PARAM, voucher_id, voucher_modal, voucher_rows
from warehouse.db import TIMEOUT_MESSAGE, timed_out

NAME = "预警中心"
LIST, EVIDENCE, HISTORY = "alerts-list", "alerts-evidence", "alerts-history"
ALERT = "alert"  # query parameter: the alert opened
FILTERS = {"sev": "severities", "cat": "category", "rule": "rule", "dept": "dept", "status": "status"}
# Rows sent to the browser, most severe and most recently seen first: thousands of open alerts (the daily
# machine-learning ranking adds its top 50 each day) would be megabytes for a list nobody scrolls to the end of;
# the filters above narrow it (in SQL, like the limit) and the export holds every one.
LIST_ROWS = 1000
GROUPED = ("severity", "category", "rule_id", "unit_code", "current_status")  # the count and the filters' choices

dash.register_page(__name__, path="/alerts", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=8)


_ANY = re.compile(r"[\w\u4e00-\u9fff\-]{1,40}")  # a category or status (Chinese words)


def read_filters(query: dict) -> dict:
    severities = [s for s in (query.get("sev") or "").split(",") if s in SEVERITY_ORDER]
    return {"severities": severities, "category": token(query.get("cat"), _ANY), "rule": token(query.get("rule")),
            "dept": token(query.get("dept")), "status": token(query.get("status"), _ANY)}


def _select(id_, label, value, **props):
    return dmc.Select(id=id_, label=label, value=value, data=[], clearable=True, searchable=True, size="xs",
                      placeholder="全部", miw=130, flex=1, nothingFoundMessage="无", **props)


def layout(**query):
    view = parse_view(query)
    if not view.as_of or not view.region:
        return page(NAME, empty_state("请选择截至日期和区划"))
    if alert_layer() is None:
        return page(NAME, empty_state("预警模块尚未安装"))
    filters = read_filters(query)
    chosen = query.get(ALERT) if (query.get(ALERT) or "").isdigit() else None
    return page(
        NAME,
        dcc.Store(id="alerts-view", data={"date": view.as_of.isoformat(), "region": view.region, **filters,
                                          "alert": chosen}),
        dcc.Store(id="alerts-changed", data=0),
        dmc.Group([
            dmc.MultiSelect(id="alerts-sev", label="级别", value=filters["severities"], size="xs", miw=160, flex=1,
                            data=[{"value": s, "label": SEVERITY_LABELS[s]} for s in SEVERITY_ORDER],
                            placeholder="红、橙、黄", clearable=True),
            _select("alerts-cat", "类别", filters["category"]),
            _select("alerts-rule", "规则", filters["rule"]),
            _select("alerts-dept", "部门", filters["dept"]),
            _select("alerts-status", "状态", filters["status"]),
        ], gap="xs", align="flex-end", className="filters"),
        table_section("预警列表（点击一行查看证据、处理记录并处理）", LIST, height=380, row_id="id"),
        html.Div(id="alerts-detail", className="stack"),
        voucher_modal(voucher_id(query.get(PARAM))),
        subtitle="按级别、类别、规则、区划、部门与状态筛选预警，查看证据并跟踪处理",
    )


def _options(groups: list[dict], field: str) -> list[str]:
    return sorted({g[field] for g in groups if g.get(field)})


@callback(Output(LIST, "columnDefs"), Output(LIST, "rowData"), Output(f"{LIST}-note", "children"),
          Output("alerts-cat", "data"), Output("alerts-rule", "data"), Output("alerts-dept", "data"),
          Output("alerts-status", "data"), Input("alerts-view", "data"), Input("alerts-changed", "data"))
def show_list(view, _changed):
    """The first LIST_ROWS alerts the filters keep, their count per severity and the filters' choices: one
    grouped query and one limited one, however many alerts the store holds."""
    engine, day = store.engine(), dt.date.fromisoformat(view["date"])
    try:
        groups = alert_groups(engine, day, view["region"], GROUPED, view) or []
        alerts = open_alerts(engine, day, view["region"], evidence=False, filters=view, limit=LIST_ROWS) or []
    except DBAPIError as exc:
        if not timed_out(exc):
            raise
        return ALERT_COLUMNS, [], TIMEOUT_MESSAGE, no_update, no_update, no_update, no_update
    per_severity = {s: sum(g["counted"] for g in groups if g["severity"] == s) for s in SEVERITY_ORDER}
    total = sum(per_severity.values())
    counts = "，".join(f"{SEVERITY_LABELS[s]} {n}" for s, n in per_severity.items() if n)
    text = f"共 {total:,} 条（{counts}）" if total else "没有符合条件的预警"
    if total > LIST_ROWS:
        text += f"；列表显示最前 {LIST_ROWS:,} 条，请用上方筛选缩小范围（导出含全部）"
    return (ALERT_COLUMNS, alert_rows(alerts), text, _options(groups, "category"), _options(groups, "rule_id"),
            _options(groups, "dept_code"), _options(groups, "current_status"))


@exporter(LIST)
def export_list(engine, query, _args):
    """Every alert the filters keep (a download: not limited to the rows listed)."""
    view = parse_view(query)
    alerts = open_alerts(engine, view.as_of, view.region, filters=read_filters(query)) or []
    return "alerts", alert_records_for_export(alerts), NAME


def _evidence(engine, alert: dict) -> list[dict]:
    return vouchers_by_ref(engine, evidence_vouchers(alert["evidence"]))


def _open_alert(engine, day: dt.date, region: str | None, chosen) -> dict | None:
    """The alert `chosen` (an id as text) if it is among the open alerts of the view, else None."""
    if not str(chosen or "").isdigit() or len(str(chosen)) > 18:
        return None
    found = open_alerts(engine, day, region, alert_id=int(chosen)) or []
    return found[0] if found else None


def _find(engine, query: dict) -> dict | None:
    view = parse_view(query)
    return _open_alert(engine, view.as_of, view.region, query.get(ALERT))


@exporter(EVIDENCE)
def export_evidence(engine, query, _args):
    alert = _find(engine, query)
    return "vouchers", records(_evidence(engine, alert)) if alert else [], f"{NAME}-证据凭证"


@exporter(HISTORY)
def export_history(engine, query, _args):
    alert = _find(engine, query)
    _, lifecycle, _ = alert_layer()
    return "alert_history", lifecycle.history(engine, alert["id"]) if alert else [], f"{NAME}-处理记录"


def _facts(alert: dict) -> html.Table:
    figure = alert["figure"] if alert["figure"] is not None else "—"
    lines = [("级别", SEVERITY_LABELS.get(alert["severity"], alert["severity"])), ("规则", alert["rule_id"]),
             ("类别", alert["category"]), ("对象", f"{alert['subject_name'] or ''}（{alert['subject_code']}）"),
             ("指标值 / 阈值", f"{figure} / {alert['threshold'] if alert['threshold'] is not None else '—'}"
                            + (f"（{alert['figure_unit']}）" if alert.get("figure_unit") else "")),
             ("说明", alert["message"] or "—"), ("依据", alert["basis"]),
             ("首次 / 最近出现", f"{alert['first_seen']} / {alert['last_seen']}"),
             ("当前状态", alert["current_status"])]
    return html.Table(html.Tbody([html.Tr([html.Th(k, className="detail-label"), html.Td(v)]) for k, v in lines]),
                      className="detail-table", id="alert-facts")


def _actions(alert: dict, lifecycle) -> list:
    """The form of the changes the alert's status allows (its fields always present, for the callback)."""
    possible = lifecycle.NEXT.get(alert["current_status"], ())
    allowed = roles.alert_changes(current_principal(), possible)  # a liaison replies, a deputy only reads
    labels = {lifecycle.READ: "标记已阅", lifecycle.ASSIGNED: "交办", lifecycle.REPLIED: "记录反馈",
              lifecycle.CLOSED: "办结", lifecycle.DISMISSED: "忽略"}
    assigning = lifecycle.ASSIGNED in allowed
    fields = [dmc.TextInput(id="alerts-who", label="经办人", size="xs", miw=120, flex=1, required=True),
              dmc.TextInput(id="alerts-dept-to", label="承办部门（交办时）", size="xs", miw=140, flex=1,
                            display="block" if assigning else "none"),
              dmc.TextInput(id="alerts-deadline", label="办理期限（交办时）", size="xs", miw=140, flex=1,
                            placeholder="YYYY-MM-DD", display="block" if assigning else "none"),
              dmc.Textarea(id="alerts-note", label="说明（反馈内容、忽略理由等）", size="xs", autosize=True,
                           minRows=1, miw=200, flex=2)]
    buttons = [dmc.Button(labels[s], id={"type": "alert-action", "to": s}, size="xs",
                          variant="outline" if s == lifecycle.DISMISSED else "filled") for s in allowed]
    final = [] if allowed else [note("当前账户只能查看该预警。" if possible else
                                     "该预警已是最终状态；出现新证据时系统会重新打开。")]
    return [*final, dmc.Group(fields, gap="xs", align="flex-end", display="flex" if allowed else "none"),
            dmc.Group(buttons, gap="xs", mt="xs"), html.Div(id="alerts-message")]


@callback(Output("alerts-detail", "children"), Input("alerts-view", "data"), Input("alerts-changed", "data"))
def show_detail(view, _changed):
    if not view.get("alert"):
        return []
    engine = store.engine()
    try:
        alert = _open_alert(engine, dt.date.fromisoformat(view["date"]), view["region"], view["alert"])
        evidence = _evidence(engine, alert) if alert else []
    except DBAPIError as exc:
        if not timed_out(exc):
            raise
        return [section("预警详情", empty_state(TIMEOUT_MESSAGE))]
    if alert is None:
        return [section("预警详情", empty_state("所选预警不在当前区划与日期的预警中"))]
    _, lifecycle, _ = alert_layer()
    others = [e for e in alert["evidence"] if not evidence_vouchers([e])]
    vouchers = [dmc.Group([note(f"{len(evidence)} 张凭证"), export_buttons(EVIDENCE)], justify="space-between"),
                voucher_rows(EVIDENCE, evidence)] if evidence else []
    return [
        section(f"预警详情：{alert['subject_name'] or alert['subject_code']}", _facts(alert)),
        section("证据" + ("：支付凭证（点击一行查看凭证详情）" if evidence else ""), *vouchers,
                note("其他证据：" + "；".join(others)) if others else html.Span()),
        section("处理", *_actions(alert, lifecycle)),
        table_section("处理记录", HISTORY, height=260),
    ]


@callback(Output(HISTORY, "columnDefs"), Output(HISTORY, "rowData"), Output(f"{HISTORY}-note", "children"),
          Input("alerts-detail", "children"), State("alerts-view", "data"))
def show_history(_detail, view):
    if not view.get("alert"):
        return no_update, no_update, no_update
    events = alert_history(store.engine(), int(view["alert"]))
    return HISTORY_COLUMNS, history_rows(events), f"{len(events)} 条记录"


@callback(Output("alerts-message", "children"), Output("alerts-changed", "data"),
          Input({"type": "alert-action", "to": ALL}, "n_clicks"), State("alerts-who", "value"),
          State("alerts-note", "value"), State("alerts-dept-to", "value"), State("alerts-deadline", "value"),
          State("alerts-view", "data"), State("alerts-changed", "data"), prevent_initial_call=True)
def act(clicks, who, text, dept, deadline, view, changed):
    """A member's decision, recorded by the alert layer (which refuses what the process does not allow)."""
    if not ctx.triggered_id or not any(clicks):
        return no_update, no_update
    _, lifecycle, _ = alert_layer()
    require_alert(store.engine(), int(view["alert"]))  # not an alert id of another region or department
    to = ctx.triggered_id["to"]
    if to not in roles.alert_changes(current_principal(), lifecycle.STATUSES):
        return dmc.Alert("当前账户无权进行该处理", color="gray", title="未处理"), no_update
    try:
        day = dt.date.fromisoformat(deadline.strip()) if deadline and deadline.strip() else None
    except ValueError:
        return dmc.Alert("办理期限应写作 YYYY-MM-DD", color="gray", title="未处理"), no_update
    try:
        lifecycle.change(store.engine(), int(view["alert"]), ctx.triggered_id["to"], who or "", note=text,
                         dept=dept if ctx.triggered_id["to"] == lifecycle.ASSIGNED else None,
                         deadline=day if ctx.triggered_id["to"] == lifecycle.ASSIGNED else None)
    except lifecycle.LifecycleError as exc:
        return dmc.Alert(str(exc), color="gray", title="未处理"), no_update
    audit.log(store.engine(), audit.ALERT_CHANGE, target=f"alert {view['alert']}", to_status=to, who=who,
              note=text, dept=dept, deadline=deadline)
    return no_update, (changed or 0) + 1


@callback(Output("url", "search", allow_duplicate=True), Input("alerts-sev", "value"), Input("alerts-cat", "value"),
          Input("alerts-rule", "value"), Input("alerts-dept", "value"), Input("alerts-status", "value"),
          Input(LIST, "cellClicked"), State("url", "search"), prevent_initial_call=True)
def choose(severities, category, rule, dept, status, cell, search):
    """Filters and the alert opened are parameters of the view, so a link reopens exactly this list."""
    if ctx.triggered_id == LIST:
        chosen = (cell or {}).get("rowId")
        return merge_search(search, **{ALERT: chosen, PARAM: None}) if chosen else no_update
    wanted = {"sev": ",".join(s for s in SEVERITY_ORDER if s in (severities or [])), "cat": category,
              "rule": rule, "dept": dept, "status": status}
    current = parse_search(search)
    if all((current.get(k) or None) == (v or None) for k, v in wanted.items()):
        return no_update
    return merge_search(search, **wanted, **{ALERT: None, PARAM: None})
