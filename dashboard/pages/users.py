"""The 用户管理 page (管理员 only): every account, adding one, disabling or enabling, resetting a password, and
issuing a phone-login QR code. Passwords and codes are shown once, here, and stored only as hashes.

The changes are auth.users' and auth.qr's (the same the `users` command makes); each is written to the audit
log with the admin who made it.
"""
import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from flask import request

from auth import audit, qr
from auth.principal import DEPUTY, LIAISON, ROLE_LABELS, current_principal
from auth.users import UserError, add_user, list_users, reset_password, set_disabled
from auth.passwords import PasswordError
from auth.web import current_settings
from dashboard import store
from dashboard.components import grid, note, page, section
from dashboard.queries.regions import choices, region_tree

NAME = "用户管理"
TABLE = "users-table"
ACTIONS = {"disable": "停用", "enable": "启用", "reset": "重置密码", "qr": "生成手机登录二维码"}
COLUMNS = [{"field": "username", "headerName": "用户名"}, {"field": "role", "headerName": "角色"},
           {"field": "grants", "headerName": "区划 / 部门"}, {"field": "state", "headerName": "状态"},
           {"field": "created_at", "headerName": "创建时间"}]

dash.register_page(__name__, path="/users", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=20)


def layout(**_query):
    regions = [{"value": c.code, "label": f"{c.name}（{c.code}）"} for c in choices(region_tree(store.engine()))]
    return page(
        NAME,
        dcc.Store(id="users-changed", data=0),
        dcc.Store(id="users-selected"),
        section("用户列表（点击一行选择用户）", note("", id=f"{TABLE}-note"),
                grid(TABLE, COLUMNS, height=320, row_id="username")),
        section("所选用户", dmc.Text("未选择用户", id="users-chosen", fw=600),
                dmc.Group([dmc.Button(label, id={"type": "user-action", "action": key}, size="xs",
                                      variant="outline" if key == "disable" else "filled", disabled=True)
                           for key, label in ACTIONS.items()], gap="xs", mt="xs"),
                html.Div(id="users-result", className="stack")),
        section("新增用户", dmc.Group([
            dmc.TextInput(id="users-name", label="用户名", size="xs", miw=140, flex=1),
            dmc.Select(id="users-role", label="角色", size="xs", miw=120, flex=1, value=DEPUTY, allowDeselect=False,
                       data=[{"value": k, "label": v} for k, v in ROLE_LABELS.items()]),
            dmc.MultiSelect(id="users-regions", label="区划（人大代表）", size="xs", miw=180, flex=2, data=regions,
                            searchable=True, clearable=True, nothingFoundMessage="无匹配区划"),
            dmc.TextInput(id="users-dept", label="部门编码（部门联络员）", size="xs", miw=140, flex=1),
            dmc.Button("新增", id="users-add", size="xs"),
        ], gap="xs", align="flex-end"), html.Div(id="users-added", className="stack"),
            note("新用户的初始密码随机生成，只显示一次，请当面或经安全渠道交给本人。")),
        subtitle="账户、角色与授权范围；停用、重置密码与手机扫码登录",
    )


def _state(user: dict) -> str:
    if user["disabled"]:
        return "已停用"
    if user["locked_until"]:
        return f"锁定至 {user['locked_until']:%Y-%m-%d %H:%M}"
    return "正常"


@callback(Output(TABLE, "rowData"), Output(f"{TABLE}-note", "children"), Input("users-changed", "data"))
def show_users(_changed):
    users = list_users(store.engine())
    rows = [{"username": u["username"], "role": ROLE_LABELS.get(u["role"], u["role"]), "state": _state(u),
             "grants": "、".join(u["regions"] or []) or (u["dept_code"] or ""),
             "created_at": f"{u['created_at']:%Y-%m-%d %H:%M}"} for u in users]
    return rows, f"共 {len(rows)} 个用户"


@callback(Output("users-selected", "data"), Output("users-chosen", "children"),
          Output({"type": "user-action", "action": ALL}, "disabled"), Input(TABLE, "cellClicked"),
          prevent_initial_call=True)
def choose(cell):
    username = (cell or {}).get("rowId")
    if not username:
        return no_update, no_update, no_update
    return username, f"所选用户：{username}", [False] * len(ACTIONS)


def _shown_once(title: str, *lines) -> dmc.Alert:
    return dmc.Alert(list(lines), title=title, color="blue", id="users-secret")


def _qr(username: str) -> list:
    settings = current_settings()
    issued = qr.issue(store.engine(), username, current_principal().username, settings)
    url = qr.link(settings.public_url or request.host_url, issued.token)
    return [html.Img(src=qr.svg_data_uri(url), alt=f"{username} 的手机登录二维码", id="users-qr",
                     style={"width": 220, "height": 220}),
            dmc.Text(url, size="xs", id="users-qr-link", style={"wordBreak": "break-all"}),
            note(f"有效期至 {issued.expires_at:%H:%M}（{settings.qr_minutes} 分钟），只能使用一次。")]


@callback(Output("users-result", "children"), Output("users-changed", "data", allow_duplicate=True),
          Input({"type": "user-action", "action": ALL}, "n_clicks"), State("users-selected", "data"),
          State("users-changed", "data"), prevent_initial_call=True)
def act(clicks, username, changed):
    if not ctx.triggered_id or not any(clicks or []) or not username:
        return no_update, no_update
    action, engine = ctx.triggered_id["action"], store.engine()
    try:
        if action in ("disable", "enable"):
            set_disabled(engine, username, action == "disable")
            audit.log(engine, audit.USER_DISABLE if action == "disable" else audit.USER_ENABLE, target=username)
            shown = dmc.Alert(f"已{ACTIONS[action]}用户 {username}", color="gray")
        elif action == "reset":
            password = reset_password(engine, username)
            audit.log(engine, audit.PASSWORD_RESET, target=username)
            shown = _shown_once(f"{username} 的新密码（只显示一次）", dmc.Code(password, id="users-password"))
        else:
            shown = _shown_once(f"{username} 的手机登录二维码", *_qr(username))
            audit.log(engine, audit.QR_ISSUE, target=username)
    except UserError as exc:
        return dmc.Alert(str(exc), color="gray", title="未处理"), no_update
    return shown, (changed or 0) + 1


@callback(Output("users-added", "children"), Output("users-changed", "data", allow_duplicate=True),
          Input("users-add", "n_clicks"), State("users-name", "value"), State("users-role", "value"),
          State("users-regions", "value"), State("users-dept", "value"), State("users-changed", "data"),
          prevent_initial_call=True)
def add(_clicks, username, role, regions, dept, changed):
    engine = store.engine()
    try:
        password = add_user(engine, username or "", role or "", regions=regions if role == DEPUTY else (),
                            dept_code=dept if role == LIAISON else None)
    except (UserError, PasswordError) as exc:
        return dmc.Alert(str(exc), color="gray", title="未新增"), no_update
    audit.log(engine, audit.USER_ADD, target=username.strip(), role_granted=role, regions=regions or [],
              dept_code=dept)
    return _shown_once(f"已新增 {username.strip()}（{ROLE_LABELS[role]}），初始密码只显示一次",
                       dmc.Code(password, id="users-password")), (changed or 0) + 1
