"""收入: revenue collected against the revenue budget, tax share and year-on-year, per fund type present (with
a budget or spending in Y, as in execution; revenue of a type without is counted in 全部 only)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, or_, select

from indicators.execution import execution_groups
from indicators.facts import as_int
from indicators.latest import latest
from indicators.members import ALL, assemble, put
from indicators.scope import Scope, open_scope
from indicators.time import last_year_window
from ingest.standard import FUND_TYPES
from warehouse.schema import inc, inc_bgt

TAX_PREFIX = "101"  # 税收收入
ADJUSTED, INITIAL = "调整预算", "年初预算"


def revenue(engine, date: dt.date, region: str | None = None, level: str = "region",
            fund_type: str | None = None) -> list[dict]:
    """Rows per region (全辖 and the asked region's 本级) and fund type, or per fund type at level fund_type."""
    with engine.connect() as conn:
        return revenue_rows(open_scope(conn, "revenue", date, region, level, None, fund_type))


def revenue_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    grouped: dict = {}
    by_ft = sc.level == "fund_type"
    for (rc, ft), parts in collected_cube(sc.conn, sc.start, sc.day, sc.codes).items():
        put(grouped, ft if by_ft else rc, ft, parts)
    for (rc, ft), parts in collected_cube(sc.conn, *last_year_window(sc.day), sc.codes).items():
        put(grouped, ft if by_ft else rc, ft, {"collected_last_year_same_period": parts["collected"]})
    for rc, ft, amount in sc.conn.execute(budget_sums(sc)):
        put(grouped, ft if by_ft else rc, ft, {"budget": as_int(amount)})
    mark_present(grouped, execution_groups(sc, sc.start, sc.day))

    if by_ft:
        grouped = {ft: b for ft, b in grouped.items() if present(b) and sc.fund_type in (None, ft)}
        return assemble(sc, grouped, "fund_type", lambda bucket: list(bucket))
    breakdowns = (lambda bucket: [sc.fund_type]) if sc.fund_type else (lambda bucket: [ALL] + present(bucket))
    return assemble(sc, grouped, "fund_type", breakdowns)


PRESENT = "present"  # a marker part (not a figure): the fund type's row is listed


def mark_present(grouped: dict, spending: dict) -> None:
    """Marks the fund types present per member — those with a BGT or PAY row in scope in Y (indicators.md §
    Scopes), the same as the execution rows' — from the execution family's {member: {fund_type: parts}}."""
    for member, bucket in spending.items():
        for ft in bucket:
            if ft in FUND_TYPES:
                put(grouped, member, ft, {PRESENT: 1})


def present(bucket: dict) -> list[str]:
    """The fund types of a (rolled-up) bucket that get a row of their own: those marked present."""
    return [f for f in FUND_TYPES if bucket.get(f, {}).get(PRESENT)]


def collected_cube(conn, start: dt.date, end: dt.date, regions) -> dict[tuple, dict[str, int]]:
    """collected and tax_collected per (region_code, fund_type) for INC dates in [start, end]."""
    tax = case((inc.c.code.startswith(TAX_PREFIX), inc.c.amount_fen), else_=0)
    stmt = (select(inc.c.region_code, inc.c.fund_type, func.sum(inc.c.amount_fen), func.sum(tax))
            .where(inc.c.date >= start, inc.c.date <= end, inc.c.region_code.in_(list(regions)))
            .group_by(inc.c.region_code, inc.c.fund_type))
    return {(rc, ft): {"collected": as_int(c), "tax_collected": as_int(t)} for rc, ft, c, t in conn.execute(stmt)}


def budget_source(sc: Scope):
    """The INC_BGT rows the budget sums: per (region, code, fund_type) of year Y the latest 调整预算 if any,
    else the latest 年初预算 (deliveries with business_date ≤ D)."""
    rows = latest(inc_bgt, ("year", "region_code", "code", "fund_type", "kind"), sc.day, inc_bgt.c.year == sc.year)
    has_adjusted = func.max(case((rows.c.kind == ADJUSTED, 1), else_=0)).over(
        partition_by=[rows.c.region_code, rows.c.code, rows.c.fund_type]).label("has_adjusted")
    marked = select(rows, has_adjusted).subquery()
    return (select(*[marked.c[c.name] for c in inc_bgt.c])
            .where(or_(marked.c.kind == ADJUSTED, marked.c.has_adjusted == 0)).subquery())


def budget_sums(sc: Scope):
    rows = budget_source(sc)
    return (select(rows.c.region_code, rows.c.fund_type, func.sum(rows.c.amount_fen))
            .where(rows.c.region_code.in_(sc.codes)).group_by(rows.c.region_code, rows.c.fund_type))
