"""The alerts as the dashboard lists them: the alert layer's open alerts as of a date, with where they belong.

The list is alerts.records.alert_records (the `report alerts` export); the region and unit of each alert come
from the alert table, so a view of a region lists the alerts of that region and the regions below it.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.engine import Engine

from dashboard.queries.regions import covered, region_tree


def alert_layer():
    """The alert layer's modules, or None while it is not installed (the pages then say so)."""
    try:
        from alerts import lifecycle, records, tables
    except ImportError:
        return None
    return records, lifecycle, tables


def open_alerts(engine: Engine, day: dt.date, region: str | None = None) -> list[dict] | None:
    """Open alerts as of `day` (most severe first), each with its region_code and unit_code; limited to the
    region's 全辖 when one is given (an alert without a region — a whole-feed alert — is always kept)."""
    layer = alert_layer()
    if layer is None:
        return None
    records, _, tables = layer
    rows = records.alert_records(engine, day)
    with engine.connect() as conn:
        where = dict((r.id, (r.region_code, r.unit_code)) for r in conn.execute(
            select(tables.alert.c.id, tables.alert.c.region_code, tables.alert.c.unit_code)))
    regions = covered(region_tree(engine), region)
    out = []
    for r in rows:
        region_code, unit_code = where.get(r["id"], (None, None))
        if regions is None or region_code is None or region_code in regions:
            out.append({**r, "region_code": region_code, "unit_code": unit_code})
    return out


def open_alert_counts(engine: Engine, day: dt.date, region: str | None = None) -> dict[str, int] | None:
    """Open alerts per severity as of `day` in the region's 全辖; None when the alert layer is not there."""
    rows = open_alerts(engine, day, region)
    if rows is None:
        return None
    counts = {"红": 0, "橙": 0, "黄": 0, "info": 0}
    for r in rows:
        counts[r["severity"]] = counts.get(r["severity"], 0) + 1
    return counts
