"""Checking a username and password, with the limits that make guessing useless: an account (or a name that
is not one) is locked after `max_failures` failed tries in a row for `lockout_minutes`, and an address with
`ip_max_failures` failures in that time is refused outright. Counts live in the store, so every worker sees
every try; a wrong name and a wrong password look and take the same.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update

from auth.passwords import hash_password, needs_rehash, verify
from auth.settings import Settings
from auth.tables import app_user, login_attempt
from auth.users import get_user

WRONG = "用户名或密码错误"
DISABLED = "该账户已停用，请联系管理员"
KEEP_ATTEMPTS = dt.timedelta(days=1)  # older tries count for nothing (the audit log keeps them)


def locked_message(settings: Settings) -> str:
    return f"登录失败次数过多，账户已锁定 {settings.lockout_minutes} 分钟；请稍后再试，或请管理员重置密码"


def busy_message(settings: Settings) -> str:
    return f"该地址登录失败次数过多，请 {settings.lockout_minutes} 分钟后再试"


@dataclass(frozen=True)
class Outcome:
    user: dict | None  # the account logged in, None when refused
    reason: str  # ok | wrong_password | unknown_user | disabled | locked | address_limited
    message: str | None = None  # what the login page says when refused


def attempt(engine, username: str, password: str, ip: str, settings: Settings,
            now: dt.datetime | None = None) -> Outcome:
    now = now or dt.datetime.now()
    since = now - dt.timedelta(minutes=settings.lockout_minutes)
    username = (username or "").strip()[:64]
    with engine.begin() as conn:
        failures_from_ip = conn.execute(select(func.count()).select_from(login_attempt).where(
            login_attempt.c.ip == ip, login_attempt.c.at >= since, login_attempt.c.success.is_(False))).scalar()
        if failures_from_ip >= settings.ip_max_failures:
            return Outcome(None, "address_limited", busy_message(settings))
        user = get_user(conn, username)
        outcome = _check(conn, user, username, password, settings, now, since)
        conn.execute(insert(login_attempt).values(at=now, username=username, ip=ip,
                                                  success=outcome.reason == "ok"))
        if outcome.reason == "ok":
            conn.execute(delete(login_attempt).where(login_attempt.c.at < now - KEEP_ATTEMPTS))
    return outcome


def _check(conn, user, username, password, settings, now, since) -> Outcome:
    if user is None:
        name_failures = conn.execute(select(func.count()).select_from(login_attempt).where(
            login_attempt.c.username == username, login_attempt.c.at >= since,
            login_attempt.c.success.is_(False))).scalar()
        verify(None, password)  # the same work as for a real account
        if name_failures >= settings.max_failures - 1:
            return Outcome(None, "unknown_user", locked_message(settings))
        return Outcome(None, "unknown_user", WRONG)
    if user["locked_until"] and user["locked_until"] > now:
        return Outcome(None, "locked", locked_message(settings))
    if not verify(user["password_hash"], password):
        return _failed(conn, user, settings, now)
    if user["disabled"]:
        return Outcome(None, "disabled", DISABLED)
    values = {"failed_attempts": 0, "locked_until": None}
    if needs_rehash(user["password_hash"]):
        values["password_hash"] = hash_password(password)
    conn.execute(update(app_user).where(app_user.c.id == user["id"]).values(**values))
    return Outcome(dict(user), "ok")


def _failed(conn, user, settings, now) -> Outcome:
    """One more failure in a row (counted in SQL, so two workers' failures both count); the one that reaches the
    limit locks the account."""
    lock_over = user["locked_until"] is not None and user["locked_until"] <= now
    row = app_user.c.id == user["id"]
    conn.execute(update(app_user).where(row).values(
        failed_attempts=1 if lock_over else app_user.c.failed_attempts + 1, locked_until=None))
    failures = conn.execute(select(app_user.c.failed_attempts).where(row)).scalar()
    if failures < settings.max_failures:
        return Outcome(None, "wrong_password", WRONG)
    conn.execute(update(app_user).where(row).values(locked_until=now + dt.timedelta(minutes=settings.lockout_minutes)))
    return Outcome(None, "locked", locked_message(settings))
