"""A region the principal may not see answers 403 to whatever request met it (auth.scope.RegionDenied).

The query layer raises RegionDenied wherever a request reaches for a region (or a row of one) outside the
principal's — a callback's inputs, an export's parameters, an explain scope, a voucher id — so no callback,
download or page has to check. A page link naming such a region (`?region=`) is refused the same way on the
full page load, before the page is drawn.
"""
from __future__ import annotations

from flask import jsonify, make_response, request

from auth import pages
from auth.principal import LIAISON
from auth.scope import RegionDenied, principal_role, require_regions
from dashboard import store
from dashboard.queries.regions import region_tree
from dashboard.state import REGION

_NOT_PAGES = ("/_", "/assets/", "/static/", "/login", "/logout")


def _page_load() -> bool:
    return request.method in ("GET", "HEAD") and not request.path.startswith(_NOT_PAGES)


def check_link():
    """A page address whose `region` the principal may not see: RegionDenied (answered 403 below)."""
    region = request.args.get(REGION)
    if region is not None and _page_load():
        check_region(region)


def check_region(region: str) -> None:
    """RegionDenied when the principal may not see `region` (a liaison's 预警中心 ignores it)."""
    if principal_role() != LIAISON:
        require_regions(region_tree(store.engine()), [region])


def register(server) -> None:
    server.before_request(check_link)

    @server.errorhandler(RegionDenied)
    def _denied(exc: RegionDenied):
        if _page_load():
            return make_response(pages.refused("无权访问", str(exc), "/", "返回首页"), 403)
        return jsonify(error="forbidden", message=str(exc)), 403
