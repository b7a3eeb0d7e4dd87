"""Server-side sessions in the store, so every worker process (and every server behind one address) agrees
on who is logged in, and logging out or disabling a user ends the session everywhere at once.

The cookie holds a random id; the store keeps only its SHA-256. A session ends when unused for
`idle_minutes` or `session_hours` after it began, whichever comes first. `last_seen` is written at most once a
minute, so a page's bursts of callbacks cost reads, not writes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, or_, select, update

from auth.principal import Principal
from auth.settings import Settings
from auth.tables import app_session, app_user
from auth.users import principal_of

TOUCH_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Session:
    id_hash: str
    principal: Principal
    csrf_token: str
    expires_at: dt.datetime


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(engine, user_id: int, settings: Settings, via: str, ip: str | None) -> tuple[str, str]:
    """A new session for the user; returns (the id for the cookie, its CSRF token)."""
    raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = dt.datetime.now()
    with engine.begin() as conn:
        conn.execute(delete(app_session).where(or_(  # tidy up: ended sessions of anyone
            app_session.c.expires_at < now,
            app_session.c.last_seen < now - dt.timedelta(minutes=settings.idle_minutes))))
        conn.execute(insert(app_session).values(
            id_hash=digest(raw), user_id=user_id, csrf_token=csrf, created_at=now, last_seen=now,
            expires_at=now + dt.timedelta(hours=settings.session_hours), via=via, ip=ip))
    return raw, csrf


def lookup(engine, raw: str | None, settings: Settings, now: dt.datetime | None = None) -> Session | None:
    """The live session the cookie names, or None (unknown, expired, or its user disabled — then it is ended)."""
    if not raw or len(raw) > 128:
        return None
    now = now or dt.datetime.now()
    id_hash = digest(raw)
    with engine.connect() as conn:
        row = conn.execute(
            select(app_session.c.csrf_token, app_session.c.last_seen, app_session.c.expires_at, app_user)
            .join(app_user, app_user.c.id == app_session.c.user_id)
            .where(app_session.c.id_hash == id_hash)).mappings().first()
    if row is None:
        return None
    idle = now - row["last_seen"] > dt.timedelta(minutes=settings.idle_minutes)
    if row["disabled"] or idle or now >= row["expires_at"]:
        end(engine, raw)
        return None
    if now - row["last_seen"] >= TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(update(app_session).where(app_session.c.id_hash == id_hash).values(last_seen=now))
    return Session(id_hash, principal_of(row), row["csrf_token"], row["expires_at"])


def end(engine, raw: str | None) -> None:
    if raw:
        with engine.begin() as conn:
            conn.execute(delete(app_session).where(app_session.c.id_hash == digest(raw)))
