"""预算执行: budgets, spending, execution rates and the lag behind 序时进度, at every level."""
from __future__ import annotations

import datetime as dt

from indicators.facts import execution_cube
from indicators.members import assemble, fund_types, put
from indicators.scope import MEMBER_DIM, Scope, open_scope


def execution(engine, date: dt.date, region: str | None = None, level: str = "region",
              fund_type: str | None = None, depth: int | None = None, within: dict | None = None) -> list[dict]:
    """One row per member and fund type (indicators.md § Budget execution); `depth` = 3/5/7 at level func
    (类/款/项, default 类) and 3/5 at level econ (类/款). `within` = {level: code} keeps the rows of a drill
    path (e.g. {"unit": "100001", "func": "2050201"} at level econ: that unit's 经济科目 under that 项); level
    quota (a unit's budget quotas) needs a unit in it."""
    with engine.connect() as conn:
        return execution_rows(open_scope(conn, "execution", date, region, level, depth, fund_type, within))


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
    region), restricted to the asked region's 全辖 and to the drill path."""
    tests = sc.within_tests()
    dims = tuple(dict.fromkeys((MEMBER_DIM[sc.level], "fund_type", *(dim for dim, _ in tests))))
    at = {dim: i for i, dim in enumerate(dims)}
    units = sc.within_units()
    only = {"unit_code": units} if units is not None else None
    member_of = sc.member_of()
    grouped: dict = {}
    for key, parts in execution_cube(sc.conn, sc.year, start, end, dims, sc.codes, only).items():
        member = member_of(key[0])
        if member is not None and all(test(key[at[dim]]) for dim, test in tests):
            put(grouped, member, key[at["fund_type"]], parts)
    return grouped
