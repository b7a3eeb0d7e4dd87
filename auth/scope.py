"""Which regions a principal may see, and the checks every query that takes a region goes through.

A deputy (人大代表) sees the regions granted to them and every region below those in DM_REGION's parent chain;
admins and committee members see every region, and so does work outside a request (CLI, scheduler). A liaison
(部门联络员) sees no region's figures, only the alerts assigned to their department (and those alerts' vouchers
of their department's units).

Asking for a region one may not see is refused (RegionDenied; the dashboard answers 403 to every request that
meets one), never narrowed quietly, so a tampered link, callback, explain scope or export gets nothing rather
than something that looks like an answer. Asking for no region means the principal's own default: the top
region for those who see everything, the first granted region (in tree order) for a deputy.

The checks live in the query layer (indicators.scope.open_scope, dashboard.queries, the single-row reads), so
no page, callback, export, explain or briefing has to remember them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, has_request_context
from sqlalchemy import false, select

from auth.principal import DEPUTY, LIAISON, Principal, current_principal
from warehouse.schema import dm_unit

if TYPE_CHECKING:
    from indicators.scope import Regions

_CURRENT = object()  # "the principal of the request" (a principal argument may be None: sees everything)
_CACHE = "_region_scope_cache"


class RegionDenied(Exception):
    """A region (or a row of one) the principal may not see; the message is for the user. Deliberately not an
    indicators.scope.ScopeError: a page that shows a ScopeError's message in place of its figures must not
    turn a refusal into an ordinary answer, so a refusal always reaches the server's 403 handler."""
    status = 403

    def __init__(self, message: str = "无权查看该区划的数据 / not permitted for this region"):
        super().__init__(message)


def _who(principal) -> Principal | None:
    return current_principal() if principal is _CURRENT else principal


def principal_role(principal=_CURRENT) -> str | None:
    """The role the query runs as (None: outside a request, which sees everything)."""
    who = _who(principal)
    return who.role if who else None


def _order(tree: Regions) -> list[str]:
    """Every region depth first from the roots (parents before children, siblings by code)."""
    return [code for root in tree.roots() for code in tree.subtree(root)]


def _compute(tree: Regions, principal: Principal | None) -> frozenset[str] | None:
    if principal is None or principal.sees_every_region:
        return None
    if principal.role == DEPUTY:
        return frozenset(c for granted in principal.regions if granted in tree.names for c in tree.subtree(granted))
    return frozenset()  # a liaison, or a role this module does not know: no region (fail closed)


def visible_regions(tree: Regions, principal=_CURRENT) -> frozenset[str] | None:
    """The region codes the principal may see; None = every region. Cached per request (keyed by principal
    and tree, so a request that reads the tree twice resolves the descendants once)."""
    who = _who(principal)
    if who is None or who.sees_every_region:
        return None
    key = (who, tuple(sorted(tree.parent.items())))
    cache = g.setdefault(_CACHE, {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = _compute(tree, who)
    return cache[key]


def sees_everything(tree: Regions, principal=_CURRENT) -> bool:
    return visible_regions(tree, principal) is None


def default_region(tree: Regions, principal=_CURRENT) -> str | None:
    """The region a view shows when none is asked: a deputy's first granted region (in tree order), else the
    top region (for a liaison only as the link's region: its figures are refused)."""
    visible = visible_regions(tree, principal)
    if visible:
        return next((c for c in _order(tree) if c in visible), None)
    return tree.top()


def resolve_region(tree: Regions, region: str | None, principal=_CURRENT) -> str | None:
    """The region a query runs for: `region`, else the principal's default. RegionDenied when the principal may
    not see it (an unknown code too, so a refusal never tells which codes exist). For a principal who sees
    everything `region` is returned as asked (None: the caller's own default, the top region)."""
    visible = visible_regions(tree, principal)
    if visible is None:
        return region
    chosen = region if region is not None else default_region(tree, principal)
    if chosen not in visible:
        raise RegionDenied(f"无权查看区划 {chosen or ''} 的数据 / not permitted for region {chosen}")
    return chosen


def require_regions(tree: Regions, codes, principal=_CURRENT) -> None:
    """RegionDenied unless the principal may see every one of `codes`."""
    visible = visible_regions(tree, principal)
    if visible is not None:
        for code in codes:
            if code not in visible:
                raise RegionDenied(f"无权查看区划 {code} 的数据 / not permitted for region {code}")


def require_everything(tree: Regions, principal=_CURRENT) -> None:
    """RegionDenied unless the principal may see the whole tree (figures summed over every region)."""
    visible = visible_regions(tree, principal)
    if visible is not None and not set(tree.names) <= visible:
        raise RegionDenied("无权查看全部区划的汇总数据 / not permitted for the figures of every region")


def require_within(conn, tree: Regions, within: dict, principal=_CURRENT) -> None:
    """A drill path may only name a unit or department of a region the principal sees (so that not even the
    name of another region's unit comes back)."""
    visible = visible_regions(tree, principal)
    if visible is None or not within:
        return
    u = dm_unit.c
    for level, column in (("unit", u.unit_code), ("dept", u.dept_code)):
        if level in within:
            found = conn.execute(select(u.region_code).where(column == within[level])).scalars().all()
            if not any(r in visible for r in found):
                raise RegionDenied(f"无权查看该{'单位' if level == 'unit' else '部门'}的数据 / not permitted")


def region_filter(tree: Regions, column, principal=_CURRENT):
    """A SQL condition keeping the rows of visible regions (None: no condition needed)."""
    visible = visible_regions(tree, principal)
    return None if visible is None else column.in_(sorted(visible))


def voucher_filter(tree: Regions, region_column, unit_column, principal=_CURRENT):
    """A SQL condition keeping the vouchers the principal may open one by one (None: every voucher): a deputy's
    regions; a liaison's department's units (the evidence of the alerts assigned to it)."""
    who = _who(principal)
    visible = visible_regions(tree, who)
    if visible is None:
        return None
    if who.role == LIAISON and who.dept_code:
        return unit_column.in_(select(dm_unit.c.unit_code).where(dm_unit.c.dept_code == who.dept_code))
    return region_column.in_(sorted(visible))


def sees_alert(tree: Regions, region_code: str | None, assigned_dept: str | None, principal=_CURRENT) -> bool:
    """Whether the principal may see an alert: everyone who sees every region sees every alert; a liaison the
    alerts currently assigned to their department; a deputy the alerts of their regions (not whole-feed ones,
    which belong to no region)."""
    who = _who(principal)
    visible = visible_regions(tree, who)
    if visible is None:
        return True
    if who.role == LIAISON:
        return bool(who.dept_code) and assigned_dept == who.dept_code
    return region_code is not None and region_code in visible


def alert_filter(tree: Regions, region_column, assigned_dept, principal=_CURRENT):
    """sees_alert as a SQL condition on the alert's region column and the department it is assigned to now
    (None: every alert)."""
    who = _who(principal)
    visible = visible_regions(tree, who)
    if visible is None:
        return None
    if who.role == LIAISON:
        return assigned_dept == who.dept_code if who.dept_code else false()
    return region_column.in_(sorted(visible))
