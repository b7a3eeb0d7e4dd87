"""审计整改: the latest state (≤ D) of each audit issue, counted and summed per region and category."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, or_, select

from indicators.facts import as_int
from indicators.latest import latest
from indicators.members import assemble, fixed, put
from indicators.scope import Scope, open_scope
from ingest.standard import REPORTS
from warehouse.schema import audit as audit_table

TOTAL = "合计"
CATEGORIES = (*REPORTS["AUDIT"].cols["category"].enum, TOTAL)
OTHER = "其他"  # an issue delivered without a category counts as 其他
RECTIFIED = "已整改"


def audit(engine, date: dt.date, region: str | None = None, level: str = "region") -> list[dict]:
    """Rows per region (全辖 and the asked region's 本级) × the seven categories and 合计."""
    with engine.connect() as conn:
        return audit_rows(open_scope(conn, "audit", date, region, level))


def audit_source(sc: Scope):
    """Each issue's latest row delivered on or before D."""
    return latest(audit_table, ("issue_id",), sc.day)


def conditions(rows, day: dt.date) -> dict:
    """Which issues each count part counts."""
    open_ = or_(rows.c.status.is_(None), rows.c.status != RECTIFIED)
    return {"issues": None, "rectified_issues": rows.c.status == RECTIFIED,
            "overdue_issues": and_(open_, rows.c.deadline < day)}


def audit_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    rows = audit_source(sc)
    category = func.coalesce(rows.c.category, OTHER)
    counts = [func.count() if cond is None else func.sum(case((cond, 1), else_=0))
              for cond in conditions(rows, sc.day).values()]
    grouped: dict = {}
    for rc, cat, *values in sc.conn.execute(
            select(rows.c.region_code, category, *counts, func.sum(rows.c.amount_fen),
                   func.sum(rows.c.rectified_amount_fen))
            .where(rows.c.region_code.in_(sc.codes)).group_by(rows.c.region_code, category)):
        names = (*conditions(rows, sc.day), "amount", "rectified_amount")
        put(grouped, rc, cat, {k: as_int(v) for k, v in zip(names, values)})
    return assemble(sc, grouped, "category", fixed(CATEGORIES))
