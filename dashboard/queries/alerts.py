"""The alerts as the dashboard lists them: the alert layer's open alerts as of a date, with where they belong.

The list is alerts.records.alert_records (the `report alerts` export); the region and unit of each alert come
from the alert table, so a view of a region lists the alerts of that region and the regions below it. Who asks
narrows it further (auth.scope.sees_alert): a deputy the alerts of their regions, a liaison the alerts assigned
to their department (whatever the view's region).
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.engine import Engine

from auth import scope as access
from auth.principal import LIAISON
from dashboard.queries.regions import covered
from indicators.scope import Regions, unit_depts


def alert_layer():
    """The alert layer's modules, or None while it is not installed (the pages then say so)."""
    try:
        from alerts import lifecycle, records, tables
    except ImportError:
        return None
    return records, lifecycle, tables


def open_alerts(engine: Engine, day: dt.date, region: str | None = None, evidence: bool = True) -> list[dict] | None:
    """Open alerts as of `day` (most severe first), each with where it belongs (region_code, unit_code and the
    unit's dept_code), its message, and `current_status`: the status after the latest change, which a person's
    change of today gives even when `day` is earlier (the record's own `status` is the status as of `day`).
    Limited to the region's 全辖 when one is given; an alert without a region (a whole-feed one) is kept. Only
    the alerts the principal may see (auth.scope.sees_alert). evidence=False: without their evidence lists."""
    layer = alert_layer()
    if layer is None:
        return None
    records, lifecycle, tables = layer
    rows = records.alert_records(engine, day, detail=True, evidence=evidence)
    keep = _shown(engine, region, lifecycle, tables)
    with engine.connect() as conn:
        depts = unit_depts(conn)
    return [{**r, "dept_code": depts.get(r["unit_code"])} for r in rows if keep(r["id"], r["region_code"])]


def _shown(engine: Engine, region: str | None, lifecycle, tables):
    """keep(alert id, region_code): whether an alert is in the view of `region` and the principal may see it."""
    with engine.connect() as conn:
        tree = Regions.load(conn)
        liaison = access.principal_role() == LIAISON  # their department's alerts, whatever the view's region
        assigned = _assigned(conn, lifecycle, tables) if liaison else {}
    regions = None if liaison else covered(tree, region)
    everything = access.sees_everything(tree)

    def keep(alert_id: int, region_code: str | None) -> bool:
        if not everything and not access.sees_alert(tree, region_code, assigned.get(alert_id)):
            return False
        return regions is None or region_code is None or region_code in regions
    return keep


def _assigned(conn, lifecycle, tables) -> dict[int, str]:
    """The department each alert is assigned to now: its latest 交办 (a new 交办 hands it to another)."""
    e = tables.alert_event.c
    rows = conn.execute(select(e.alert_id, e.assigned_dept).where(e.to_status == lifecycle.ASSIGNED)
                        .order_by(e.as_of, e.id)).all()
    return {alert_id: dept for alert_id, dept in rows}


def visible_alert(engine, alert_id: int) -> bool:
    """Whether the principal may see (and so read the history of, or act on) alert `alert_id`, whatever list
    it was picked from: a tampered alert id of another region or department is not."""
    layer = alert_layer()
    if layer is None:
        return False
    _, lifecycle, tables = layer
    with engine.connect() as conn:
        region_code = conn.execute(select(tables.alert.c.region_code).where(tables.alert.c.id == alert_id)).first()
        if region_code is None:
            return False
        assigned = _assigned(conn, lifecycle, tables).get(alert_id) if access.principal_role() == LIAISON else None
        return access.sees_alert(Regions.load(conn), region_code[0], assigned)


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
    """Open alerts per severity as of `day` in the region's 全辖 (the alerts open_alerts lists, counted without
    reading their evidence and texts); None when the alert layer is not there."""
    layer = alert_layer()
    if layer is None:
        return None
    records, lifecycle, tables = layer
    keep = _shown(engine, region, lifecycle, tables)
    counts = {"红": 0, "橙": 0, "黄": 0, "info": 0}
    for alert_id, severity, region_code in records.open_severities(engine, day):
        if keep(alert_id, region_code):
            counts[severity] = counts.get(severity, 0) + 1
    return counts
