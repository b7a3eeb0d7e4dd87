"""国有资产: the state-owned assets reported for the latest quarter ≤ D, per region and category.

Amounts count only rows measured in 元 (国有自然资源 may be reported in 亩 etc., never summed with 元);
`entities` counts every reporting entity. The period is the latest quarter end ≤ D with data delivered on or
before D, the same for every region so that 全辖 sums one quarter.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select

from indicators.facts import as_int
from indicators.latest import latest
from indicators.members import assemble, fixed, put
from indicators.scope import Scope, open_scope
from indicators.time import same_day_last_year
from ingest.standard import REPORTS
from warehouse.schema import asset

CATEGORIES = REPORTS["ASSET"].cols["category"].enum
AMOUNTS = {"total_assets": "total_assets_fen", "total_liabilities": "total_liabilities_fen", "equity": "equity_fen"}


def assets(engine, date: dt.date, region: str | None = None, level: str = "region") -> list[dict]:
    """Rows per region (全辖 and the asked region's 本级) × the four asset categories."""
    with engine.connect() as conn:
        return asset_rows(open_scope(conn, "assets", date, region, level))


def report_period(sc: Scope) -> dt.date | None:
    return sc.conn.scalar(select(func.max(asset.c.period)).where(asset.c.period <= sc.day,
                                                                asset.c.business_date <= sc.day))


def asset_source(sc: Scope, period: dt.date | None):
    """The ASSET rows in force as of D for one period (latest delivery per entity and category)."""
    return latest(asset, ("period", "entity_code", "category"), sc.day, asset.c.period == period)


def in_yuan(rows):
    return func.coalesce(rows.c.unit_of_measure, "元") == "元"


def asset_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    period = report_period(sc)
    grouped: dict = {}
    if period is not None:
        rows = asset_source(sc, period)
        sums = [func.sum(case((in_yuan(rows), rows.c[col]), else_=0)) for col in AMOUNTS.values()]
        for rc, cat, n, *amounts in sc.conn.execute(
                select(rows.c.region_code, rows.c.category, func.count(), *sums)
                .where(rows.c.region_code.in_(sc.codes)).group_by(rows.c.region_code, rows.c.category)):
            put(grouped, rc, cat, {"entities": n, **{k: as_int(v) for k, v in zip(AMOUNTS, amounts)}})
        before = asset_source(sc, same_day_last_year(period))
        for rc, cat, equity in sc.conn.execute(
                select(before.c.region_code, before.c.category,
                       func.sum(case((in_yuan(before), before.c.equity_fen), else_=0)))
                .where(before.c.region_code.in_(sc.codes)).group_by(before.c.region_code, before.c.category)):
            put(grouped, rc, cat, {"equity_last_year": as_int(equity)})
    return assemble(sc, grouped, "category", fixed(CATEGORIES), extra={"period": period})
