"""Who may open which page and run which callback: the one registry the login layer's guard consults
(auth.web) for every request, and the navigation reads to show only the pages a role can open.

A page's callbacks are allowed to the roles of the page (found by the module that declares them); a callback
that changes something can be narrower (ACTION_ROLES); callbacks outside the pages (the frame, the shared
voucher lists, the one download callback) are listed by name in SHARED_ROLES. Anything not found here is
refused, and tests/test_auth_routes.py fails on it, so a new page or callback cannot be forgotten.

What rows a role may read (a deputy's regions, a liaison's department) is the query layer's business, not this
module's: here only whether the page or callback may run at all.
"""
from __future__ import annotations

import dash
from dash._pages import _path_to_page
from flask import request

from auth import audit
from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER, Principal

EVERYONE = frozenset({ADMIN, MEMBER, DEPUTY, LIAISON})
READERS = frozenset({ADMIN, MEMBER, DEPUTY})  # every figure; a deputy's scoped to their regions
STAFF = frozenset({ADMIN, MEMBER})
ADMINS = frozenset({ADMIN})

PAGE_ROLES: dict[str, frozenset] = {
    "/": READERS, "/execution": READERS, "/sangong": READERS, "/debt": READERS, "/revenue": READERS,
    "/state-assets": READERS, "/audit": READERS, "/projects": READERS,
    "/alerts": EVERYONE,  # a liaison sees the alerts of their department, and only this page
    "/ingest": STAFF,  # the data clerk's view of deliveries
    "/briefings": READERS,
    "/users": ADMINS,
    "/audit-log": STAFF,
}
# Callbacks that change something, narrower than their page: deputies read only.
ACTION_ROLES: dict[str, frozenset] = {
    "dashboard.pages.briefings.generate": STAFF,
    "dashboard.pages.alerts.act": frozenset({ADMIN, MEMBER, LIAISON}),  # a liaison only records replies
}
BY_TABLE = "by table"  # the download callback: allowed as the page whose table it exports
SHARED_ROLES: dict[str, frozenset | str] = {
    "dashboard.shell.sync_view": EVERYONE,
    "dashboard.shell.navigation": EVERYONE,
    "dashboard.voucher_grid.open_voucher": EVERYONE,  # URL changes only
    "dashboard.voucher_grid.close_voucher": EVERYONE,
    "dashboard.voucher_grid.serve_block": READERS,  # the long voucher lists (预算执行, 三公经费)
    "dashboard.exports.download": BY_TABLE,
}
EXPORTER_MODULE_ROLES = {"dashboard.voucher_grid": READERS}  # exporters declared outside a page
ROUTER = "dash.dash.update"  # Dash's page router: allowed as the page it draws


def may_open(principal: Principal | None, path: str) -> bool:
    return principal is not None and principal.role in PAGE_ROLES.get(path, frozenset())


def home(principal: Principal) -> str:
    """The first page (in navigation order) the role may open."""
    pages = sorted(dash.page_registry.values(), key=lambda p: p["order"])
    return next((p["relative_path"] for p in pages if may_open(principal, p["path"])), "/")


def alert_changes(principal: Principal | None, allowed: tuple) -> tuple:
    """The lifecycle changes (of those the alert's status allows) the principal may make."""
    from alerts.lifecycle import REPLIED

    if principal is None or principal.role not in ACTION_ROLES["dashboard.pages.alerts.act"]:
        return ()
    return tuple(s for s in allowed if s == REPLIED) if principal.role == LIAISON else allowed


def callback_key(entry: dict) -> str | None:
    fn = entry.get("callback")  # a clientside callback has none: it never reaches the server
    return f"{fn.__module__}.{fn.__name__}" if fn else None


def _page_modules() -> dict[str, str]:
    return {p["module"]: p["path"] for p in dash.page_registry.values()}


def _page_of(pathname: str | None) -> dict:
    return _path_to_page((pathname or "").strip("/"))[0] if isinstance(pathname, str) else {}


def callback_roles(key: str | None, body: dict | None = None) -> frozenset | None:
    """The roles that may run the callback named `key` (module.function); None when it is not registered here.
    `body` (the request) decides the callbacks allowed per request: the router, the download."""
    if key is None:
        return None
    if key == ROUTER:
        page = _page_of(_input(body or {}, "pathname"))
        return PAGE_ROLES.get(page["path"]) if page else EVERYONE  # an unknown address draws "not found"
    if key in ACTION_ROLES:
        return ACTION_ROLES[key]
    if key in SHARED_ROLES:
        roles = SHARED_ROLES[key]
        return _table_roles(body or {}) if roles == BY_TABLE else roles
    module = key.rpartition(".")[0]
    path = _page_modules().get(module)
    return PAGE_ROLES.get(path) if path else None


def _input(body: dict, prop: str):
    return next((i.get("value") for i in body.get("inputs") or [] if isinstance(i, dict) and i.get("property") == prop),
                None)


def _table_roles(body: dict) -> frozenset | None:
    from dashboard.exports import EXPORTERS

    output = body.get("outputs")
    table = output.get("id", {}).get("table") if isinstance(output, dict) and isinstance(output.get("id"), dict) \
        else None
    fn = EXPORTERS.get(table) if isinstance(table, str) else None
    if fn is None:
        return None
    path = _page_modules().get(fn.__module__)
    return PAGE_ROLES.get(path) if path else EXPORTER_MODULE_ROLES.get(fn.__module__)


class DashAccess:
    """The registry bound to one Dash app (its callbacks), as auth.web.install takes it."""

    def __init__(self, app: dash.Dash, engine):
        self.app, self.engine = app, engine

    def home(self, principal: Principal) -> str:
        return home(principal)

    def check(self, principal: Principal) -> str | None:
        if request.path == "/_dash-update-component":
            return self._callback(principal)
        if request.method in ("GET", "HEAD") and not request.path.startswith(("/_", "/assets/", "/static/")):
            page = _page_of(request.path)
            if page and not may_open(principal, page["path"]):
                return f"page {page['path']}"
        return None  # the frame's endpoints (layout, dependencies, scripts), logout

    def _callback(self, principal: Principal) -> str | None:
        body = request.get_json(silent=True)
        body = body if isinstance(body, dict) else {}
        output = body.get("output")
        entry = self.app.callback_map.get(output) if isinstance(output, str) else None
        key = callback_key(entry) if entry else None
        roles = callback_roles(key, body)
        if roles is None or principal.role not in roles:
            return f"callback {key or output}"
        if key == ROUTER:
            audit.log(self.engine, audit.PAGE_VIEW, target=_input(body, "pathname"), search=_input(body, "search"))
        return None
