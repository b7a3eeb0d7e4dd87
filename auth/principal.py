"""The principal a request runs as. The login layer puts it on `flask.g`; the query layer reads it to scope rows,
so no page, callback, export, explain or briefing needs to remember to check."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

ADMIN, MEMBER, DEPUTY, LIAISON = "admin", "member", "deputy", "liaison"
ROLE_LABELS = {ADMIN: "管理员", MEMBER: "财经委委员", DEPUTY: "人大代表", LIAISON: "部门联络员"}


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    regions: tuple[str, ...] = ()  # a deputy's granted regions; their descendants are granted with them
    dept_code: str | None = None  # a liaison's department

    @property
    def sees_every_region(self) -> bool:
        return self.role in (ADMIN, MEMBER)


# Work a request starts off its thread (a briefing job) runs as the principal who asked for it.
_acting: ContextVar[Principal | None] = ContextVar("acting_principal", default=None)


@contextmanager
def acting_as(principal: Principal | None):
    """Run the block as `principal` outside a request (a background job started by a request), so the query
    layer scopes it like the request that started it."""
    token = _acting.set(principal)
    try:
        yield principal
    finally:
        _acting.reset(token)


def current_principal() -> Principal | None:
    """The principal of the request being served (or of the job a request started, see acting_as), or None
    outside a request (CLI, scheduler, tests)."""
    from flask import g, has_request_context

    acting = _acting.get()
    if acting is not None:
        return acting
    return g.get("principal") if has_request_context() else None
