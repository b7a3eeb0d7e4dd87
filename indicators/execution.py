"""预算执行: budgets, spending, execution rates and the lag behind 序时进度, at every level."""
from __future__ import annotations

import datetime as dt

from indicators.facts import execution_cube
from indicators.members import assemble, fund_types, put
from indicators.scope import MEMBER_DIM, Scope, open_scope


def execution(engine, date: dt.date, region: str | None = None, level: str = "region",
              fund_type: str | None = None, depth: int | None = None) -> list[dict]:
    """One row per member and fund type (indicators.md § Budget execution); `depth` = 3/5/7 at level func
    (类/款/项, default 类) and 3/5 at level econ (类/款)."""
    with engine.connect() as conn:
        return execution_rows(open_scope(conn, "execution", date, region, level, depth, fund_type))


def execution_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    grouped = execution_groups(sc, sc.start, sc.day)
    if sc.level == "fund_type":
        grouped = {ft: b for ft, b in grouped.items() if sc.fund_type in (None, ft)}
        return assemble(sc, grouped, "fund_type", lambda bucket: list(bucket))
    if sc.fund_type and sc.level != "region":
        grouped = {m: b for m, b in grouped.items() if sc.fund_type in b}
    return assemble(sc, grouped, "fund_type", fund_types(sc))


def execution_groups(sc: Scope, start: dt.date, end: dt.date) -> dict:
    """{member: {fund_type: parts}} over [start, end] for the scope's level (own sums per region at level
    region), restricted to the asked region's 全辖."""
    dim = MEMBER_DIM[sc.level]
    dims = tuple(dict.fromkeys((dim, "fund_type")))
    member_of = sc.member_of()
    grouped: dict = {}
    for key, parts in execution_cube(sc.conn, sc.year, start, end, dims, sc.codes).items():
        member = member_of(key[0])
        if member is not None:
            put(grouped, member, key[-1], parts)
    return grouped
