"""Region rows of the families the daily snapshot keeps (预算执行, 收入, 政府债务): read, not summed.

The snapshot of day D holds the top region's report rows — every region below it 全辖 — exactly as the
calculators give them (indicators.snapshots.snapshot_rows). A view of any region takes its rows from there;
when the day is not stored, or the region is outside the stored tree, the calculator computes them.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from indicators.debt import debt
from indicators.execution import execution
from indicators.revenue import revenue
from indicators.scope import FULL
from indicators.snapshots import snapshot_rows

from dashboard.queries.regions import covered, region_tree

CALCULATORS = {"execution": execution, "revenue": revenue, "debt": debt}


def region_rows(engine: Engine, family: str, day: dt.date, region: str) -> list[dict]:
    """The family's level-region rows of `region` and every region below it, each 全辖."""
    codes = covered(region_tree(engine), region) or set()
    stored = [r for r in snapshot_rows(engine, family, day, "region") if r["code"] in codes]
    if any(r["code"] == region and r["scope"] == FULL for r in stored):
        return stored
    return CALCULATORS[family](engine, day, region)


def pick(rows: list[dict], code: str, **keys) -> dict | None:
    """The 全辖 row of member `code` with the given keys (e.g. fund_type="全部"), None when absent."""
    return next((r for r in rows if r["code"] == code and r["scope"] == FULL
                 and all(r.get(k) == v for k, v in keys.items())), None)
