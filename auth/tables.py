"""Tables of the login layer, on the warehouse's one metadata (Alembic revision 0008).

Everything a server worker must agree on with the others lives here, not in process memory: sessions, failed
logins (rate limits and lockouts) and phone-login tokens. Secrets are stored only as SHA-256 hashes (session
ids, QR tokens) or argon2 hashes (passwords), so a copy of the database logs nobody in.
"""
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from warehouse.schema import metadata

app_user = Table(
    "app_user", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, with its parameters and salt
    Column("role", String(16), nullable=False),  # admin | member | deputy | liaison
    Column("regions", JSON, nullable=False),  # a deputy's granted region codes (descendants come with them)
    Column("dept_code", String(16)),  # a liaison's department
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_attempts", Integer, nullable=False, default=0),  # failed logins since the last success
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

app_session = Table(
    "app_session", metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the random id the cookie holds
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),  # sent back by the page in a header on every POST
    Column("created_at", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),  # idle expiry counts from here
    Column("expires_at", DateTime, nullable=False),  # absolute expiry
    Column("via", String(16), nullable=False),  # password | qr
    Column("ip", String(64)),
    Index("ix_app_session_user", "user_id"),
)

login_attempt = Table(  # every login try, for the per-address rate limit and unknown names' lockout
    "login_attempt", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(64), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("success", Boolean, nullable=False),
    Index("ix_login_attempt_ip", "ip", "at"),
    Index("ix_login_attempt_user", "username", "at"),
)

login_token = Table(  # one-time phone-login links (QR codes)
    "login_token", metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the token in the link
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False),
    Column("issued_by", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("used_at", DateTime),
)

audit_log = Table(  # who did what, when, with which parameters
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(64)),  # None for a request nobody was logged in for
    Column("role", String(16)),
    Column("action", String(32), nullable=False),
    Column("target", Text),  # the page, table, alert, user … acted on
    Column("params", JSON, nullable=False),
    Column("ip", String(64)),
    Index("ix_audit_log_at", "at"),
    Index("ix_audit_log_user", "username", "at"),
    Index("ix_audit_log_action", "action", "at"),
)
