"""Accounts: add, list, disable, reset a password — the one place the CLI and the 用户管理 page change users.

A deputy is granted one or more regions (their descendants come with them); a liaison belongs to one
department; members and admins see every region. What each role may open is the dashboard's registry
(dashboard.roles); what rows it may read is the query layer's (from the Principal built here).
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import delete, insert, select, update

from auth.passwords import hash_password, random_password
from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER, ROLE_LABELS, Principal
from auth.tables import app_session, app_user, login_token

ROLES = (ADMIN, MEMBER, DEPUTY, LIAISON)
_NAME = re.compile(r"[\w.@\-]{2,64}")
_REGION = re.compile(r"\d{6}")
_DEPT = re.compile(r"[0-9A-Za-z_.\-]{1,16}")


class UserError(ValueError):
    """A change refused; the message is Chinese, for the person at the terminal or the page."""


def role_of(text: str) -> str:
    """A role from its code or its Chinese label (管理员 …)."""
    for code, label in ROLE_LABELS.items():
        if text in (code, label):
            return code
    raise UserError(f"未知角色“{text}”（可用：{'、'.join(f'{c}={label}' for c, label in ROLE_LABELS.items())}）")


def _grants(role: str, regions, dept_code: str | None) -> tuple[list[str], str | None]:
    regions = sorted({r.strip() for r in (regions or []) if r and r.strip()})
    dept_code = (dept_code or "").strip() or None
    bad = [r for r in regions if not _REGION.fullmatch(r)]
    if bad:
        raise UserError(f"区划编码应为 6 位数字：{'、'.join(bad)}")
    if dept_code and not _DEPT.fullmatch(dept_code):
        raise UserError(f"部门编码格式不正确：{dept_code}")
    if role == DEPUTY and not regions:
        raise UserError("人大代表须指定至少一个区划")
    if role == LIAISON and not dept_code:
        raise UserError("部门联络员须指定部门编码")
    if role in (ADMIN, MEMBER) and regions:
        raise UserError(f"{ROLE_LABELS[role]}可查看全部区划，无需指定区划")
    return (regions if role == DEPUTY else []), (dept_code if role == LIAISON else None)


def add_user(engine, username: str, role: str, *, password: str | None = None, regions=(),
             dept_code: str | None = None) -> str:
    """Creates an account; returns its password (the one given, or a random one to hand over once)."""
    username = (username or "").strip()
    if not _NAME.fullmatch(username):
        raise UserError("用户名为 2–64 位字母、数字、汉字或 . _ - @")
    role = role_of(role)
    regions, dept_code = _grants(role, regions, dept_code)
    password = password or random_password()
    hashed = hash_password(password)
    now = dt.datetime.now()
    with engine.begin() as conn:
        if conn.execute(select(app_user.c.id).where(app_user.c.username == username)).first():
            raise UserError(f"用户 {username} 已存在")
        conn.execute(insert(app_user).values(username=username, password_hash=hashed, role=role, regions=regions,
                                             dept_code=dept_code, disabled=False, failed_attempts=0,
                                             created_at=now, updated_at=now))
    return password


def get_user(conn, username: str):
    return conn.execute(select(app_user).where(app_user.c.username == username)).mappings().first()


def list_users(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(app_user).order_by(app_user.c.username)).mappings().all()
    return [{k: v for k, v in r.items() if k != "password_hash"} for r in rows]


def count_users(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(app_user.c.id)).all())


def _existing(conn, username: str):
    user = get_user(conn, username)
    if user is None:
        raise UserError(f"没有用户 {username}")
    return user


def set_disabled(engine, username: str, disabled: bool = True) -> None:
    """Disabling ends the user's sessions and unused phone-login codes at once."""
    with engine.begin() as conn:
        user = _existing(conn, username)
        conn.execute(update(app_user).where(app_user.c.id == user["id"])
                     .values(disabled=disabled, updated_at=dt.datetime.now()))
        if disabled:
            _end_access(conn, user["id"])


def reset_password(engine, username: str, password: str | None = None) -> str:
    """A new password (given or random, returned to hand over once); it also lifts a lockout and ends the
    user's sessions, so whoever knew the old password is out."""
    password = password or random_password()
    hashed = hash_password(password)
    with engine.begin() as conn:
        user = _existing(conn, username)
        conn.execute(update(app_user).where(app_user.c.id == user["id"])
                     .values(password_hash=hashed, failed_attempts=0, locked_until=None,
                             updated_at=dt.datetime.now()))
        _end_access(conn, user["id"])
    return password


def _end_access(conn, user_id: int) -> None:
    conn.execute(delete(app_session).where(app_session.c.user_id == user_id))
    conn.execute(delete(login_token).where(login_token.c.user_id == user_id, login_token.c.used_at.is_(None)))


def principal_of(user) -> Principal:
    return Principal(user["username"], user["role"], tuple(user["regions"] or ()), user["dept_code"])
