"""The calculators' rows for every day of a run of days, for a reader that needs each day of a span (the alert
engine re-evaluating a year): the rows the calculator gives for the top region on each day, from one read
grouped by date instead of one calculator call per day.

Every part is a sum of rows dated up to D (budget rows by issued_date, vouchers by pay_date), so day D's sums
are the sums before the span plus the span's rows dated up to D: the days before the span are summed once as
the calculator sums them, the span's rows once per date (facts.*_cube with by_day), and each day's rows are
assembled and derived exactly as the calculator does (members.assemble). Levels the daily snapshots keep are
read from them (snapshots.snapshot_rows_between); `rows_by_day` picks.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from indicators.execution import execution_groups
from indicators.facts import budget_cube, execution_cube, spend_cube
from indicators.members import assemble, fixed, fund_types, put
from indicators.sangong import CATEGORIES, CATEGORY_OF, sangong_groups
from indicators.scope import MEMBER_DIM, Scope, ScopeError, names, open_scope
from indicators.snapshots import snapshot_rows_between
from indicators.time import last_year_window, same_day_last_year


def rows_by_day(engine, family: str, level: str, days: list[dt.date], calculate) -> dict[dt.date, list[dict]]:
    """{day: rows of `family` at `level`} for `days` (one year): the stored snapshot where the indicator layer
    keeps one for the family, level and day; else the series below (execution, 三公); else `calculate(engine,
    day, level=level)` day by day."""
    days = sorted(days)
    try:
        out = snapshot_rows_between(engine, family, days[0], days[-1], level)
    except ScopeError:  # no snapshot kept at this level
        out = {}
    missing = [d for d in days if not out.get(d)]
    if missing and family in SERIES:
        out.update(SERIES[family](engine, missing, level))
    else:
        out.update({d: calculate(engine, d, level=level) for d in missing})
    return {d: out.get(d, []) for d in days}


def _days_of_one_year(days: list[dt.date]) -> list[dt.date]:
    days = sorted(days)
    if days[0].year != days[-1].year:
        raise ValueError("a series covers days of one year")
    return days


def execution_by_day(engine, days: list[dt.date], level: str) -> dict[dt.date, list[dict]]:
    """indicators.execution.execution(engine, D, level=level) for each D of `days` (one year)."""
    days = _days_of_one_year(days)
    with engine.connect() as conn:
        sc = open_scope(conn, "execution", days[-1], None, level)
        if not sc.region:
            return {d: [] for d in days}
        first = days[0]
        grouped = execution_groups(replace(sc, day=first), sc.start, first - dt.timedelta(days=1)) \
            if first > sc.start else {}
        member_of, dims = sc.member_of(), (MEMBER_DIM[level], "fund_type")
        deltas: dict[dt.date, list] = {}
        for (day, *key), parts in execution_cube(conn, sc.year, first, days[-1], dims, sc.codes, by_day=True).items():
            deltas.setdefault(day, []).append((key, parts))
        out, labels = {}, {}
        for day in _each_day(first, days[-1]):
            for (value, fund_type), parts in deltas.get(day, ()):
                member = member_of(value)
                if member is not None:
                    put(grouped, member, fund_type, parts)
            if day in days:
                at = replace(sc, day=day)
                out[day] = assemble(at, grouped, "fund_type", fund_types(at), label=_labels(at, grouped, labels))
        return out


def sangong_by_day(engine, days: list[dt.date], level: str) -> dict[dt.date, list[dict]]:
    """indicators.sangong.sangong(engine, D, level=level) for each D of `days` (one year). Last year's part
    is the same period of last year: its days are added as D's day last year moves on."""
    days = _days_of_one_year(days)
    with engine.connect() as conn:
        sc = open_scope(conn, "sangong", days[-1], None, level)
        if not sc.region:
            return {d: [] for d in days}
        first, last = days[0], days[-1]
        before = first - dt.timedelta(days=1)
        grouped = sangong_groups(replace(sc, day=before)) if first > sc.start else {}
        prior_done = last_year_window(before)[1] if first > sc.start else dt.date(sc.year - 2, 12, 31)
        dims, only, member_of = (MEMBER_DIM[level], "econ_code"), {"econ_code": CATEGORY_OF}, sc.member_of()
        this_year: dict[dt.date, list] = {}
        for (day, *key), parts in budget_cube(conn, sc.year, first, last, ("issued_date", *dims), sc.codes,
                                              only).items():
            this_year.setdefault(day, []).append((key, "budget", parts["adjusted_budget"]))
        for (day, *key), amount in spend_cube(conn, first, last, dims, sc.codes, only, by_day=True).items():
            this_year.setdefault(day, []).append((key, "spent", amount))
        last_year: dict[dt.date, list] = {}
        for (day, *key), amount in spend_cube(conn, prior_done + dt.timedelta(days=1), same_day_last_year(last),
                                              dims, sc.codes, only, by_day=True).items():
            last_year.setdefault(day, []).append((key, "spent_last_year_same_period", amount))

        def add(entries):
            for (value, econ), part, amount in entries:
                member = member_of(value)
                if member is not None:
                    put(grouped, member, CATEGORY_OF[econ], {part: amount})

        out, labels = {}, {}
        for day in _each_day(first, last):
            add(this_year.get(day, ()))
            while prior_done < same_day_last_year(day):
                prior_done += dt.timedelta(days=1)
                add(last_year.get(prior_done, ()))
            if day in days:
                at = replace(sc, day=day)
                out[day] = assemble(at, grouped, "category", fixed(CATEGORIES), label=_labels(at, grouped, labels))
        return out


SERIES = {"execution": execution_by_day, "sangong": sangong_by_day}


def _labels(sc: Scope, grouped: dict, known: dict) -> dict:
    """The display names of the members, read once for the series: `known` grows by the members new on a day."""
    codes = sc.codes if sc.level == "region" else grouped
    missing = [c for c in codes if c and c not in known]
    if missing:
        known.update(names(sc, sc.level, missing))
    return known


def _each_day(first: dt.date, last: dt.date):
    for i in range((last - first).days + 1):
        yield first + dt.timedelta(days=i)
