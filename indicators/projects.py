"""重大项目: each project's latest monthly report of year Y (≤ D) against its annual plan and 序时进度."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from indicators.latest import latest
from indicators.members import row
from indicators.scope import FULL, Scope, open_scope
from warehouse.schema import proj


def projects(engine, date: dt.date, region: str | None = None, level: str = "region") -> list[dict]:
    """One row per project of the region's 全辖 with a report in Y on or before D (level region or project:
    both list projects)."""
    with engine.connect() as conn:
        return project_rows(open_scope(conn, "projects", date, region, level))


def project_source(sc: Scope):
    """Per project the latest report dated in [Y-01-01, D], as delivered on or before D."""
    return latest(proj, ("project_code",), sc.day, proj.c.report_date >= sc.start, proj.c.report_date <= sc.day,
                  first=(proj.c.report_date,))


def project_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    rows = project_source(sc)
    stmt = select(rows).where(rows.c.region_code.in_(sc.codes)).order_by(rows.c.project_code)
    out = []
    for r in sc.conn.execute(stmt).mappings():
        keys = {"region_code": r["region_code"], "unit_code": r["unit_code"], "report_date": r["report_date"]}
        parts = {"annual_plan": r["annual_plan_fen"] or 0, "ytd_completed": r["ytd_completed_fen"] or 0}
        out.append(row(sc, "project", r["project_code"], r["project_name"] or r["project_code"], FULL, keys, parts))
    return out
