"""The alerts as the dashboard lists them: the alert layer's open alerts as of a date, with where they belong.

The list is alerts.records.alert_records (the `report alerts` export); the region and unit of each alert come
from the alert table, so a view of a region lists the alerts of that region and the regions below it.
"""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.engine import Engine

from dashboard.queries.regions import covered, region_tree
from indicators.scope import unit_depts


def alert_layer():
    """The alert layer's modules, or None while it is not installed (the pages then say so)."""
    try:
        from alerts import lifecycle, records, tables
    except ImportError:
        return None
    return records, lifecycle, tables


def open_alerts(engine: Engine, day: dt.date, region: str | None = None) -> list[dict] | None:
    """Open alerts as of `day` (most severe first), each with where it belongs (region_code, unit_code and the
    unit's dept_code), its message, and `current_status`: the status after the latest change, which a person's
    change of today gives even when `day` is earlier (the record's own `status` is the status as of `day`).
    Limited to the region's 全辖 when one is given; an alert without a region (a whole-feed one) is kept."""
    layer = alert_layer()
    if layer is None:
        return None
    records, _, tables = layer
    rows = records.alert_records(engine, day)
    a = tables.alert.c
    with engine.connect() as conn:
        about = {r.id: r for r in conn.execute(select(a.id, a.region_code, a.unit_code, a.status, a.message, a.unit))}
        depts = unit_depts(conn)
    regions = covered(region_tree(engine), region)
    out = []
    for r in rows:
        info = about.get(r["id"])
        region_code = info.region_code if info else None
        if regions is None or region_code is None or region_code in regions:
            unit_code = info.unit_code if info else None
            out.append({**r, "region_code": region_code, "unit_code": unit_code, "dept_code": depts.get(unit_code),
                        "current_status": info.status if info else r["status"], "message": info.message if info
                        else None, "figure_unit": info.unit if info else None})
    return out


VOUCHER_REF = re.compile(r"(\d{6})/(.+)")


def evidence_vouchers(evidence: list[str]) -> list[tuple[str, str]]:
    """The (region_code, voucher_no) of the evidence items that name vouchers ("region/voucher_no")."""
    return [(m.group(1), m.group(2)) for m in map(VOUCHER_REF.fullmatch, evidence) if m]


def open_alert_counts(engine: Engine, day: dt.date, region: str | None = None) -> dict[str, int] | None:
    """Open alerts per severity as of `day` in the region's 全辖; None when the alert layer is not there."""
    rows = open_alerts(engine, day, region)
    if rows is None:
        return None
    counts = {"红": 0, "橙": 0, "黄": 0, "info": 0}
    for r in rows:
        counts[r["severity"]] = counts.get(r["severity"], 0) + 1
    return counts
