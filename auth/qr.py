"""Phone login: an admin issues a one-time link, shown as a QR code, that logs one user in on a phone.

The token is random and lives `qr_minutes`; the store keeps only its SHA-256, and redeeming it marks it used in
the same statement that checks it is unused and unexpired, so two phones (or two workers) racing with one code
get one session between them. The code is drawn here as SVG (no image library, nothing fetched).
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import secrets
from dataclasses import dataclass

import qrcode
from qrcode.image.svg import SvgPathFillImage
from sqlalchemy import insert, select, update

from auth.principal import ADMIN
from auth.sessions import digest
from auth.settings import Settings
from auth.tables import app_user, login_token
from auth.users import UserError, get_user

PATH = "/login/qr/"


@dataclass(frozen=True)
class Issued:
    token: str
    username: str
    expires_at: dt.datetime


def issue(engine, username: str, issued_by: str, settings: Settings, now: dt.datetime | None = None) -> Issued:
    now = now or dt.datetime.now()
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user = get_user(conn, username)
        if user is None or user["disabled"]:
            raise UserError(f"没有可用的用户 {username}")
        if user["role"] == ADMIN:
            raise UserError("管理员账户不能用二维码登录")
        expires = now + dt.timedelta(minutes=settings.qr_minutes)
        conn.execute(insert(login_token).values(token_hash=digest(token), user_id=user["id"], issued_by=issued_by,
                                                created_at=now, expires_at=expires))
    return Issued(token, username, expires)


def _usable(token: str, now: dt.datetime):
    return (login_token.c.token_hash == digest(token), login_token.c.used_at.is_(None),
            login_token.c.expires_at > now, app_user.c.disabled.is_(False))


def peek(engine, token: str, now: dt.datetime | None = None) -> str | None:
    """Whose login the token is, while it can still be used (the phone's confirmation page); None otherwise."""
    now = now or dt.datetime.now()
    if not token or len(token) > 128:
        return None
    with engine.connect() as conn:
        return conn.execute(select(app_user.c.username).join(app_user, app_user.c.id == login_token.c.user_id)
                            .where(*_usable(token, now))).scalar()


def redeem(engine, token: str, now: dt.datetime | None = None) -> dict | None:
    """Uses the token up and returns its user, or None when it is unknown, used, expired or its user disabled."""
    now = now or dt.datetime.now()
    if not token or len(token) > 128:
        return None
    with engine.begin() as conn:
        user_id = conn.execute(select(login_token.c.user_id).join(app_user, app_user.c.id == login_token.c.user_id)
                               .where(*_usable(token, now))).scalar()
        if user_id is None:
            return None
        used = conn.execute(update(login_token).where(login_token.c.token_hash == digest(token),
                                                      login_token.c.used_at.is_(None)).values(used_at=now))
        if used.rowcount != 1:  # another request used it first
            return None
        return dict(conn.execute(select(app_user).where(app_user.c.id == user_id)).mappings().one())


def link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + PATH + token


def svg_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data URI, for an <img> on the 用户管理 page."""
    buf = io.BytesIO()
    qrcode.make(text, image_factory=SvgPathFillImage, box_size=10, border=2).save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
