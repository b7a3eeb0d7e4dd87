"""How long sessions last, how many failed logins lock an account, and whether cookies need HTTPS — from the
environment, so an operator sets them where the server starts (issue 8's workers all read the same values)."""
from __future__ import annotations

import os
from dataclasses import dataclass


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    idle_minutes: int = 30  # a session unused this long ends
    session_hours: int = 12  # and no session lives longer than this, however busy
    max_failures: int = 5  # failed logins in a row that lock an account (or an unknown name)
    lockout_minutes: int = 15  # how long the lock lasts
    ip_max_failures: int = 30  # failed logins from one address within lockout_minutes before it is refused
    qr_minutes: int = 10  # a phone-login QR code is valid this long, and once
    cookie_secure: bool = False  # Secure cookies even when the request itself looks like plain HTTP
    trust_proxy: bool = False  # take the client address and scheme from one reverse proxy's X-Forwarded-* headers
    public_url: str | None = None  # the address phones reach the server at (QR links); else the admin's own

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(idle_minutes=_int("BUDGET_SESSION_IDLE_MINUTES", cls.idle_minutes),
                   session_hours=_int("BUDGET_SESSION_HOURS", cls.session_hours),
                   max_failures=_int("BUDGET_LOGIN_MAX_FAILURES", cls.max_failures),
                   lockout_minutes=_int("BUDGET_LOGIN_LOCKOUT_MINUTES", cls.lockout_minutes),
                   ip_max_failures=_int("BUDGET_LOGIN_IP_MAX_FAILURES", cls.ip_max_failures),
                   qr_minutes=_int("BUDGET_QR_MINUTES", cls.qr_minutes),
                   cookie_secure=_flag("BUDGET_COOKIE_SECURE"),
                   trust_proxy=_flag("BUDGET_TRUST_PROXY"),
                   public_url=os.environ.get("BUDGET_PUBLIC_URL") or None)
