"""三公经费: budget, spending and the same period of last year, per category by 部门经济分类.

Every subject gets all five rows (four categories and 合计), with 0 amounts and null rates where nothing was
budgeted or spent. Subjects below region level are those with any 三公 budget or spending in Y or Y−1.
"""
from __future__ import annotations

import datetime as dt

from indicators.facts import budget_cube, spend_cube
from indicators.members import assemble, fixed, put
from indicators.scope import MEMBER_DIM, Scope, open_scope
from indicators.time import last_year_window
from ingest.standard import SANGONG_CATEGORIES

TOTAL = "合计"
CATEGORIES = (*SANGONG_CATEGORIES, TOTAL)
CATEGORY_OF = {code: cat for cat, codes in SANGONG_CATEGORIES.items() for code in codes}


def sangong(engine, date: dt.date, region: str | None = None, level: str = "region") -> list[dict]:
    """Five rows per subject (indicators.md § 三公经费); levels region, dept, unit."""
    with engine.connect() as conn:
        return sangong_rows(open_scope(conn, "sangong", date, region, level))


def sangong_rows(sc: Scope) -> list[dict]:
    if not sc.region:
        return []
    return assemble(sc, sangong_groups(sc), "category", fixed(CATEGORIES))


def sangong_groups(sc: Scope) -> dict:
    """{member: {category: {budget, spent, spent_last_year_same_period}}} as of the scope's day."""
    dims = (MEMBER_DIM[sc.level], "econ_code")
    only = {"econ_code": CATEGORY_OF}
    member_of = sc.member_of()
    grouped: dict = {}

    def add(cube, part):
        for (value, econ), amount in cube.items():
            member = member_of(value)
            if member is not None:
                put(grouped, member, CATEGORY_OF[econ], {part: amount})

    add({k: v["adjusted_budget"] for k, v in
         budget_cube(sc.conn, sc.year, sc.start, sc.day, dims, sc.codes, only).items()}, "budget")
    add(spend_cube(sc.conn, sc.start, sc.day, dims, sc.codes, only), "spent")
    add(spend_cube(sc.conn, *last_year_window(sc.day), dims, sc.codes, only), "spent_last_year_same_period")
    return grouped
