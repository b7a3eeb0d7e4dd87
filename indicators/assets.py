"""国有资产: the state-owned assets of the latest reported quarter ≤ D, per region and category.

Amounts and `entities` count only rows measured in 元 (国有自然资源 may be reported in 亩 etc., never summed
with 元). Each region and category has its own period: the latest quarter end ≤ D with rows delivered on or
before D in its scope — for 全辖 the latest in the region or any region below it, whose rows of that quarter
are summed (a county that has not yet reported the quarter is not counted in it; one that reports quarters
later than the city keeps its own latest).
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


def asset_source(sc: Scope, period: dt.date | None):
    """The ASSET rows in force as of D for one period (latest delivery per entity and category)."""
    return latest(asset, ("period", "entity_code", "category"), sc.day, asset.c.period == period)


def every_period(sc: Scope):
    """The ASSET rows in force as of D of every period ≤ D."""
    return latest(asset, ("period", "entity_code", "category"), sc.day, asset.c.period <= sc.day)


def member_period(sc: Scope, regions: list[str], category: str) -> dt.date | None:
    """The period of one row: the latest quarter ≤ D with rows of `category` in `regions`."""
    rows = every_period(sc)
    return sc.conn.scalar(select(func.max(rows.c.period)).where(rows.c.region_code.in_(regions),
                                                                rows.c.category == category))


def in_yuan(rows):
    return func.coalesce(rows.c.unit_of_measure, "元") == "元"


def _latest_period(bucket: dict, category: str) -> dt.date | None:
    return max((period for cat, period in bucket if cat == category), default=None)


def _parts_at_latest_period(bucket: dict, category: str) -> dict:
    """A region row's parts: its category's sums at its latest period, and the equity of the same period a year
    before (bucket: (category, period) → sums, rolled up over 全辖 like any other breakdown)."""
    period = _latest_period(bucket, category)
    if period is None:
        return {}
    last_year = bucket.get((category, same_day_last_year(period)), {})
    return {**bucket[(category, period)], "equity_last_year": last_year.get("equity", 0)}


def asset_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    rows = every_period(sc)
    yuan = in_yuan(rows)
    sums = [func.sum(case((yuan, rows.c[col]), else_=0)) for col in AMOUNTS.values()]
    grouped: dict = {}
    for rc, cat, period, n, *amounts in sc.conn.execute(
            select(rows.c.region_code, rows.c.category, rows.c.period, func.sum(case((yuan, 1), else_=0)), *sums)
            .where(rows.c.region_code.in_(sc.codes)).group_by(rows.c.region_code, rows.c.category, rows.c.period)):
        put(grouped, rc, (cat, period), {"entities": as_int(n), **{k: as_int(v) for k, v in zip(AMOUNTS, amounts)}})
    return assemble(sc, grouped, "category", fixed(CATEGORIES), parts_for=_parts_at_latest_period,
                    keys_for=lambda bucket, category: {"period": _latest_period(bucket, category)})
