"""The alerts as the dashboard lists them: the alert layer's open alerts as of a date, with where they belong.

The list is alerts.records.alert_records (the `report alerts` export); the region and unit of each alert come
from the alert table, so a view of a region lists the alerts of that region and the regions below it. Who asks
narrows it further (auth.scope.sees_alert, in SQL alert_filter): a deputy the alerts of their regions, a
liaison the alerts assigned to their department (whatever the view's region). Scope, the page's filters and its
row limit are conditions of the one query, so a store of tens of thousands of alerts is never read whole for a
page of them.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import or_, select
from sqlalchemy.engine import Engine

from auth import scope as access
from auth.principal import LIAISON
from dashboard.figures.alerts import SHOWN_BY_DEFAULT
from dashboard.queries.regions import covered
from indicators.scope import Regions, unit_depts
from warehouse.schema import dm_unit


def alert_layer():
    """The alert layer's modules, or None while it is not installed (the pages then say so)."""
    try:
        from alerts import lifecycle, records, tables
    except ImportError:
        return None
    return records, lifecycle, tables


def open_alerts(engine: Engine, day: dt.date, region: str | None = None, *, evidence: bool = True,
                filters: dict | None = None, alert_id: int | None = None,
                limit: int | None = None) -> list[dict] | None:
    """Open alerts as of `day` (most severe first), each with where it belongs (region_code, unit_code and the
    unit's dept_code), its message, and `current_status`: the status after the latest change, which a person's
    change of today gives even when `day` is earlier (the record's own `status` is the status as of `day`).
    Limited to the region's 全辖 when one is given; an alert without a region (a whole-feed one) is kept. Only
    the alerts the principal may see (auth.scope.sees_alert). evidence=False: without their evidence lists;
    `filters`: the page's (filter_conditions), `alert_id`: that alert only, `limit`: the first rows — all in SQL."""
    layer = alert_layer()
    if layer is None:
        return None
    records, lifecycle, tables = layer
    where = _shown(engine, region, lifecycle, tables) + filter_conditions(filters, day, records, tables)
    if alert_id is not None:
        where.append(tables.alert.c.id == alert_id)
    rows = records.alert_records(engine, day, detail=True, evidence=evidence, where=where, limit=limit)
    with engine.connect() as conn:
        depts = unit_depts(conn)
    return [{**r, "dept_code": depts.get(r["unit_code"])} for r in rows]


def filter_conditions(filters: dict | None, day: dt.date, records, tables) -> list:
    """The page's filters (severities — by default all but 提示 —, category, rule, dept, status) as SQL
    conditions; None: no filter, every severity (the briefing's and the exports' whole list)."""
    if filters is None:
        return []
    a = tables.alert.c
    chosen = {key: str(value) for key, value in filters.items() if value and key != "severities"}  # bound values
    where = [records.severity_as_of(day).in_([str(s) for s in filters.get("severities") or SHOWN_BY_DEFAULT])]
    for key, column in (("category", a.category), ("rule", a.rule_id), ("status", a.status)):
        if key in chosen:
            where.append(column == chosen[key])
    if "dept" in chosen:
        where.append(a.unit_code.in_(select(dm_unit.c.unit_code).where(dm_unit.c.dept_code == chosen["dept"])))
    return where


def _shown(engine: Engine, region: str | None, lifecycle, tables) -> list:
    """The conditions keeping the alerts in the view of `region` that the principal may see: the region's 全辖
    (and the alerts of no region), auth.scope.alert_filter (a liaison: their department's, whatever the view's
    region)."""
    a = tables.alert.c
    with engine.connect() as conn:
        tree = Regions.load(conn)
    liaison = access.principal_role() == LIAISON
    regions = None if liaison else covered(tree, region)
    where = [] if regions is None else [or_(a.region_code.is_(None), a.region_code.in_(sorted(regions)))]
    mine = access.alert_filter(tree, a.region_code, _assigned(lifecycle, tables))
    return where + ([] if mine is None else [mine])


def _assigned(lifecycle, tables):
    """The department an alert is assigned to now, as a column of a query over `alert`: its latest 交办 (a new
    交办 hands it to another)."""
    e = tables.alert_event.alias("assigning")
    return (select(e.c.assigned_dept).where(e.c.alert_id == tables.alert.c.id, e.c.to_status == lifecycle.ASSIGNED)
            .order_by(e.c.as_of.desc(), e.c.id.desc()).limit(1).scalar_subquery())


def visible_alert(engine, alert_id: int) -> bool:
    """Whether the principal may see (and so read the history of, or act on) alert `alert_id`, whatever list
    it was picked from: a tampered alert id of another region or department is not."""
    layer = alert_layer()
    if layer is None:
        return False
    _, lifecycle, tables = layer
    a = tables.alert.c
    with engine.connect() as conn:
        found = conn.execute(select(a.region_code, _assigned(lifecycle, tables)).where(a.id == alert_id)).first()
        if found is None:
            return False
        return access.sees_alert(Regions.load(conn), found[0], found[1])


def require_alert(engine, alert_id: int) -> None:
    """auth.scope.RegionDenied unless the principal may see alert `alert_id` (before a change is recorded)."""
    if not visible_alert(engine, alert_id):
        raise access.RegionDenied("无权查看或处理该预警 / not permitted for this alert")


def alert_history(engine, alert_id: int) -> list[dict]:
    """The alert's changes (alerts.lifecycle.history); RegionDenied for an alert the principal may not see."""
    layer = alert_layer()
    if layer is None:
        return []
    require_alert(engine, alert_id)
    return layer[1].history(engine, alert_id)


VOUCHER_REF = re.compile(r"(\d{6})/(.+)")


def evidence_vouchers(evidence: list[str]) -> list[tuple[str, str]]:
    """The (region_code, voucher_no) of the evidence items that name vouchers ("region/voucher_no")."""
    return [(m.group(1), m.group(2)) for m in map(VOUCHER_REF.fullmatch, evidence) if m]


def open_alert_counts(engine: Engine, day: dt.date, region: str | None = None) -> dict[str, int] | None:
    """Open alerts per severity as of `day` in the region's 全辖 (the alerts open_alerts lists, counted in one
    grouped query); None when the alert layer is not there."""
    layer = alert_layer()
    if layer is None:
        return None
    records, lifecycle, tables = layer
    counts = {"红": 0, "橙": 0, "黄": 0, "info": 0}
    for r in records.open_counts(engine, day, ("severity",), _shown(engine, region, lifecycle, tables)):
        counts[r["severity"]] = counts.get(r["severity"], 0) + r["alerts"]
    return counts


def alert_groups(engine: Engine, day: dt.date, region: str | None, by: tuple[str, ...],
                 filters: dict | None) -> list[dict] | None:
    """The open alerts open_alerts lists without `filters`, counted per value of `by` (alerts.records.open_counts):
    `alerts` all of them, `counted` those `filters` keep — one grouped query for a list's count and its
    filters' choices (grouped by unit_code, each group also has the unit's dept_code)."""
    layer = alert_layer()
    if layer is None:
        return None
    records, lifecycle, tables = layer
    groups = records.open_counts(engine, day, by, _shown(engine, region, lifecycle, tables),
                                 counted=filter_conditions(filters, day, records, tables))
    if "unit_code" in by:
        with engine.connect() as conn:
            depts = unit_depts(conn)
        groups = [{**g, "dept_code": depts.get(g["unit_code"])} for g in groups]
    return groups
