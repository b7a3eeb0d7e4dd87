"""The audit log: who did what, when, from where, with which parameters — so the committee can say who looked
at or exported what. Rows are only ever added.

`record` writes a row; `log` writes one for the request being served (its principal and address); `search`
reads them back for the 审计日志 page and its export.
"""
from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, insert, select

from auth.principal import ROLE_LABELS, current_principal
from auth.tables import audit_log

LOGIN, LOGIN_FAILED, LOGOUT, QR_LOGIN, QR_FAILED = "login", "login_failed", "logout", "qr_login", "qr_failed"
PAGE_VIEW, EXPORT, DOWNLOAD, BRIEFING = "page_view", "export", "download", "briefing"
ALERT_CHANGE, INGEST, DENIED = "alert_change", "ingest", "denied"
USER_ADD, USER_DISABLE, USER_ENABLE, PASSWORD_RESET, QR_ISSUE = (
    "user_add", "user_disable", "user_enable", "password_reset", "qr_issue")
ACTIONS = {
    LOGIN: "登录", LOGIN_FAILED: "登录失败", LOGOUT: "退出登录", QR_LOGIN: "扫码登录", QR_FAILED: "扫码登录失败",
    PAGE_VIEW: "访问页面", EXPORT: "导出", DOWNLOAD: "下载简报", BRIEFING: "生成简报", ALERT_CHANGE: "预警处置",
    INGEST: "数据导入", DENIED: "拒绝访问", USER_ADD: "新增用户", USER_DISABLE: "停用用户", USER_ENABLE: "启用用户",
    PASSWORD_RESET: "重置密码", QR_ISSUE: "签发登录二维码",
}
SHOWN_LIMIT = 2000  # rows the page lists; the export holds every row that matches
_TEXT_LIMIT = 500  # a parameter value longer than this is cut (a note pasted into a field, a long filter)


def _plain(value):
    """Parameters as JSON-safe values (dates as ISO text, long text cut)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT] + "…"


def record(engine, action: str, *, username: str | None = None, role: str | None = None,
           target: str | None = None, ip: str | None = None, at: dt.datetime | None = None, **params) -> None:
    with engine.begin() as conn:
        conn.execute(insert(audit_log).values(at=at or dt.datetime.now(), username=username, role=role,
                                              action=action, target=target, params=_plain(params), ip=ip))


def log(engine, action: str, target: str | None = None, **params) -> None:
    """A row for the request being served, as its principal, from its client's address."""
    from flask import has_request_context, request

    who = current_principal()
    record(engine, action, username=who.username if who else None, role=who.role if who else None,
           target=target, ip=request.remote_addr if has_request_context() else None, **params)


def _filters(username, action, date_from, date_to) -> list:
    where = []
    if username:
        where.append(audit_log.c.username == username)
    if action:
        where.append(audit_log.c.action == action)
    if date_from:
        where.append(audit_log.c.at >= dt.datetime.combine(date_from, dt.time()))
    if date_to:
        where.append(audit_log.c.at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()))
    return where


def search(engine, *, username: str | None = None, action: str | None = None, date_from: dt.date | None = None,
           date_to: dt.date | None = None, limit: int | None = SHOWN_LIMIT) -> tuple[int, list[dict]]:
    """(how many rows match, the newest `limit` of them — all of them when limit is None)."""
    where = _filters(username, action, date_from, date_to)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(audit_log).where(*where)).scalar()
        query = select(audit_log).where(*where).order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        rows = conn.execute(query.limit(limit) if limit else query).mappings().all()
    return total, [dict(r) for r in rows]


def usernames(engine) -> list[str]:
    with engine.connect() as conn:
        return [u for (u,) in conn.execute(select(audit_log.c.username).where(audit_log.c.username.is_not(None))
                                           .distinct().order_by(audit_log.c.username))]


def export_rows(rows: list[dict]) -> list[dict]:
    """Rows as the `audit_log` record export writes them: Chinese role and action names, parameters as JSON."""
    return [{"at": r["at"].strftime("%Y-%m-%d %H:%M:%S"), "username": r["username"],
             "role": ROLE_LABELS.get(r["role"], r["role"]), "action": ACTIONS.get(r["action"], r["action"]),
             "target": r["target"], "params": json.dumps(r["params"], ensure_ascii=False, sort_keys=True),
             "ip": r["ip"]} for r in rows]
