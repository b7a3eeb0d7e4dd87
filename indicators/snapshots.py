"""Daily snapshots of the key figures, so history charts and the day's overview are reads.

What is stored per day: the parts (summed amounts, integer 分) of 预算执行 per region (全辖 and 本级, per fund
type and 全部), per department and per unit; of 收入 per region and fund type; of 政府债务 per region and bond
type. Rates are derived on reading by the registry's recipes (formula.derive), as everywhere else.

The refresh is incremental: day D's cumulative parts = day D−1's stored parts + the rows dated D (PAY by
pay_date, BGT by issued_date, INC by date), so a day costs in proportion to its own rows. It computes D in full
when D−1 is not stored or is in another year. Restated and small inputs (revenue budgets, debt) are read whole
each day. The ingest calls refresh(engine, since, until) with `since` = the earliest own date its loaded or
superseded rows touch, so late vouchers and redeliveries recompute exactly the dates they change.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import delete, insert, select

from indicators.debt import BOND_TYPES, TOTAL, debt_groups, debt_parts
from indicators.facts import execution_cube
from indicators.formula import derive, part_ids, parts_of
from indicators.members import add_parts, merge, put, row, total
from indicators.registry import FAMILIES, indicator as lookup
from indicators.revenue import PRESENT, budget_sums, collected_cube, mark_present, present
from auth import scope as access
from indicators.scope import (ALL, FULL, OWN, Regions, Scope, ScopeError, names, open_scope, unchecked_scope,
                              unit_depts)
from indicators.tables import indicator_snapshot as snap
from indicators.tables import indicator_snapshot_day as snap_day
from indicators.time import last_year_window, same_day_last_year, time_progress
from ingest.standard import FUND_TYPES

FAMILY_LEVELS = {"execution": ("region", "dept", "unit"), "revenue": ("region",), "debt": ("region",)}
# the parts kept per member and day; revenue also keeps which fund types are listed (present: indicators.revenue)
STORED = {family: [*part_ids(family), *([PRESENT] if family == "revenue" else [])] for family in FAMILY_LEVELS}
REVENUE_LY = "collected_last_year_same_period"
UNCLASSIFIED = ""  # breakdown of rows without a fund type (counted in 全部 only)


@dataclass
class State:
    """The additive parts carried from one day to the next (own sums per region; sums per unit)."""
    day: dt.date
    execution: dict  # {region_code: {fund_type | None: parts}}
    units: dict  # {unit_code: parts}
    revenue: dict  # {region_code: {fund_type: {collected, tax_collected}}}

    def add(self, other: "State") -> "State":
        for mine, theirs in ((self.execution, other.execution), (self.revenue, other.revenue)):
            for code, bucket in theirs.items():
                merge(mine.setdefault(code, {}), bucket)
        for unit, parts in other.units.items():
            add_parts(self.units.setdefault(unit, {}), parts)
        self.day = other.day
        return self


# Entry points ------------------------------------------------------------------------------------------------
def refresh(engine, since: dt.date, until: dt.date) -> int:
    """Recompute the snapshots of every date in [since, until], each from the stored day before when there is
    one. Returns the number of snapshot rows written."""
    return _run(engine, since, until, resume=True)


def backfill(engine, since: dt.date, until: dt.date) -> int:
    """Recompute [since, until] from scratch: `since` in full, the following days incrementally."""
    return _run(engine, since, until, resume=False)


def _run(engine, since: dt.date, until: dt.date, resume: bool) -> int:
    written, state = 0, None
    day = since
    while day <= until:
        with engine.begin() as conn:
            sc = unchecked_scope(conn, "execution", day)  # the store's snapshot, whoever runs the refresh
            if sc.region is None:
                state, mode = None, "full"
            elif state is not None and state.day == day - dt.timedelta(days=1) and state.day.year == day.year:
                state, mode = state.add(_state(sc, day, day)), "incremental"
            elif resume and (before := day - dt.timedelta(days=1)).year == day.year and _stored(conn, before):
                state, mode = _read_state(sc, before).add(_state(sc, day, day)), "incremental"
            else:
                state, mode = _state(sc, sc.start, day), "full"
            rows = _snapshot_rows(sc, state) if state else []
            conn.execute(delete(snap).where(snap.c.date == day))
            conn.execute(delete(snap_day).where(snap_day.c.date == day))
            if rows:
                conn.execute(insert(snap), rows)
            conn.execute(insert(snap_day), [{"date": day, "mode": mode, "computed_at": dt.datetime.now(),
                                             "rows": len(rows)}])
            written += len(rows)
        day += dt.timedelta(days=1)
    return written


def _stored(conn, day: dt.date) -> bool:
    return conn.scalar(select(snap_day.c.date).where(snap_day.c.date == day)) is not None


# The parts of a day ------------------------------------------------------------------------------------------
def _state(sc: Scope, start: dt.date, end: dt.date) -> State:
    """Parts of the rows dated in [start, end] of D's year."""
    execution: dict = {}
    units: dict = {}
    for (rc, unit, ft), parts in execution_cube(sc.conn, sc.year, start, end, ("region_code", "unit_code", "fund_type"),
                                                sc.codes).items():
        put(execution, rc, ft, parts)
        add_parts(units.setdefault(unit, {}), parts)
    revenue: dict = {}
    for (rc, ft), parts in collected_cube(sc.conn, start, end, sc.codes).items():
        put(revenue, rc, ft, parts)
    return State(end, execution, units, revenue)


def _read_state(sc: Scope, day: dt.date) -> State:
    """The state stored for `day`: 本级 rows per region and fund type, and unit rows."""
    stmt = (select(snap.c.family, snap.c.level, snap.c.code, snap.c.breakdown, snap.c.indicator, snap.c.value)
            .where(snap.c.date == day, snap.c.family.in_(("execution", "revenue")),
                   ((snap.c.level == "region") & (snap.c.scope == OWN) & (snap.c.breakdown != ALL))
                   | (snap.c.level == "unit")))
    state = State(day, {}, {}, {})
    wanted = {"execution": set(part_ids("execution")), "revenue": {"collected", "tax_collected"}}
    for family, level, code, bk, ind, value in sc.conn.execute(stmt):
        if ind not in wanted[family]:
            continue
        if level == "unit":
            add_parts(state.units.setdefault(code, {}), {ind: value})
        else:
            put(state.execution if family == "execution" else state.revenue, code, bk or None, {ind: value})
    return state


# Rows to store -------------------------------------------------------------------------------------------------
def _snapshot_rows(sc: Scope, state: State) -> list[dict]:
    out: list[dict] = []

    def emit(family, level, code, scope, bk, parts):
        for ind in STORED[family]:
            out.append({"family": family, "level": level, "code": code, "scope": scope,
                        "breakdown": UNCLASSIFIED if bk is None else bk, "indicator": ind, "date": sc.day,
                        "value": int(parts.get(ind, 0))})

    def regions(family, own, breakdowns, parts_for):
        full = sc.regions.rollup(own, merge)
        for code in sc.codes:
            for scope, bucket in ((FULL, full.get(code, {})), (OWN, own.get(code, {}))):
                for bk in breakdowns(bucket):
                    emit(family, "region", code, scope, bk, parts_for(bucket, bk))

    def by_fund_type(bucket):
        return [ALL, *(k for k in bucket if k is None or k in FUND_TYPES)]

    def fund_parts(bucket, bk):
        return total(bucket) if bk == ALL else bucket.get(bk, {})

    regions("execution", state.execution, by_fund_type, fund_parts)
    depts: dict = {}
    dept_of = unit_depts(sc.conn)
    for unit, parts in state.units.items():
        emit("execution", "unit", unit, FULL, ALL, parts)
        if dept_of.get(unit):
            add_parts(depts.setdefault(dept_of[unit], {}), parts)
    for dept, parts in depts.items():
        emit("execution", "dept", dept, FULL, ALL, parts)

    revenue = {code: {ft: dict(parts) for ft, parts in bucket.items()} for code, bucket in state.revenue.items()}
    for rc, ft, amount in sc.conn.execute(budget_sums(sc)):
        put(revenue, rc, ft, {"budget": int(amount or 0)})
    for (rc, ft), amount in _revenue_last_year(sc).items():
        put(revenue, rc, ft, {REVENUE_LY: amount})
    mark_present(revenue, state.execution)
    # every type with revenue is kept (the next day's state is read from these rows); those listed are marked
    regions("revenue", revenue, lambda bucket: [ALL, *(f for f in FUND_TYPES if f in bucket)], fund_parts)

    spent = {(rc, ft): parts.get("spent", 0) for rc, bucket in state.execution.items() for ft, parts in bucket.items()}
    debt_sc = Scope(sc.conn, "debt", sc.day, sc.regions, sc.region, "region")
    regions("debt", debt_groups(debt_sc, spent), lambda bucket: [*BOND_TYPES, TOTAL], debt_parts)
    return out


def _revenue_last_year(sc: Scope) -> dict:
    """Own revenue of the same period last year per (region, fund type): last year's stored snapshot when
    there is one, else summed from INC."""
    prior = same_day_last_year(sc.day)
    if _stored(sc.conn, prior):
        stmt = (select(snap.c.code, snap.c.breakdown, snap.c.value)
                .where(snap.c.date == prior, snap.c.family == "revenue", snap.c.level == "region",
                       snap.c.scope == OWN, snap.c.indicator == "collected", snap.c.breakdown != ALL))
        return {(code, bk or None): value for code, bk, value in sc.conn.execute(stmt)}
    return {k: v["collected"] for k, v in collected_cube(sc.conn, *last_year_window(sc.day), sc.codes).items()}



# Reading ---------------------------------------------------------------------------------------------------------
def history(engine, indicator: str, since: dt.date, until: dt.date, level: str = "region", code: str | None = None,
            scope: str = FULL, breakdown: str | None = None) -> list[tuple[dt.date, object]]:
    """[(date, value)] of one figure of one member from the stored days (exact values, as the calculators give:
    integer 分 or Fraction; format with indicators.export.format_value). breakdown: fund type (全部 by default)
    or bond type (合计 by default)."""
    ind = lookup(indicator)
    if ind.family not in STORED or level not in FAMILY_LEVELS[ind.family]:
        raise ScopeError(f"{ind.family}.{ind.id} 在 {level} 层级没有每日快照 / no daily snapshot")
    breakdown = breakdown or (TOTAL if ind.family == "debt" else ALL)
    with engine.connect() as conn:
        tree = Regions.load(conn)
        if level == "region":
            code = access.resolve_region(tree, code)  # a deputy's own region by default, others refused
        else:
            access.require_everything(tree)  # department and unit figures are summed over every region
        if code is None:
            code = open_scope(conn, ind.family, until).region
        needed = parts_of(ind.family, ind.id)
        stmt = (select(snap.c.date, snap.c.indicator, snap.c.value)
                .where(snap.c.family == ind.family, snap.c.level == level, snap.c.code == code,
                       snap.c.scope == scope, snap.c.breakdown == breakdown, snap.c.indicator.in_(needed),
                       snap.c.date >= since, snap.c.date <= until)
                .order_by(snap.c.date))
        days: dict = {}
        for day, ind_id, value in conn.execute(stmt):
            days.setdefault(day, {})[ind_id] = value
    return [(day, derive(ind.family, parts, time_progress(day), only=ind.id)[ind.id]) for day, parts in days.items()]


def stored_parts(conn, family: str, level: str, codes, scope: str, breakdown: str, parts, days) -> dict | None:
    """{day: {code: {part: value}}} of the members `codes` on the stored `days` (a part not stored is 0), or
    None unless every one of `days` is stored: a reader then sums instead. For a calculator that needs the same
    parts on several days (the region forecast's earlier years)."""
    days = sorted(set(days))
    if len(conn.execute(select(snap_day.c.date).where(snap_day.c.date.in_(days))).all()) < len(days):
        return None
    out: dict = {day: {} for day in days}
    for day, code, ind, value in conn.execute(
            select(snap.c.date, snap.c.code, snap.c.indicator, snap.c.value)
            .where(snap.c.family == family, snap.c.level == level, snap.c.code.in_(list(codes)),
                   snap.c.scope == scope, snap.c.breakdown == breakdown, snap.c.indicator.in_(list(parts)),
                   snap.c.date.in_(days))):  # the primary key's order: one lookup per member, part and day
        out[day].setdefault(code, {p: 0 for p in parts})[ind] = value
    return out


def snapshot_rows(engine, family: str, date: dt.date, level: str = "region") -> list[dict]:
    """The report rows of `family` as of `date` at level region (top region), dept or unit, read from the
    stored day: the same rows the calculator gives for the top region, without touching the transactions.
    Empty when the day is not stored. A deputy gets the region rows of their regions only, and is refused the
    department and unit rows (summed over every region)."""
    return snapshot_rows_between(engine, family, date, date, level).get(date, [])


def snapshot_rows_between(engine, family: str, since: dt.date, until: dt.date,
                          level: str = "region") -> dict[dt.date, list[dict]]:
    """snapshot_rows of every stored day of [since, until], read at once: {day: rows} (a day not stored is
    absent). For a reader of many days (the alert engine re-evaluating a year)."""
    if level not in FAMILY_LEVELS.get(family, ()):
        raise ScopeError(f"{family} 在 {level} 层级没有每日快照 / no daily snapshot")
    with engine.connect() as conn:
        sc = unchecked_scope(conn, family, until, level)
        if level != "region":
            access.require_everything(sc.regions)
        visible = access.visible_regions(sc.regions)
        stored = conn.execute(select(snap_day.c.date).where(snap_day.c.date >= since, snap_day.c.date <= until)
                              ).scalars().all()
        if not stored or sc.region is None:
            return {}
        stmt = (select(snap.c.date, snap.c.code, snap.c.scope, snap.c.breakdown, snap.c.indicator, snap.c.value)
                .where(snap.c.date.in_(stored), snap.c.level == level,
                       # the days through the date index (a day holds some thousand rows), not the primary key's
                       # (family, level) prefix, which holds every day's: `|| ''` keeps an index off the family
                       snap.c.family.concat("") == family))
        days: dict = {day: {} for day in stored}
        for day, code, scope, bk, ind, value in conn.execute(stmt):
            days[day].setdefault((code, scope), {}).setdefault(bk, {})[ind] = value
        key = FAMILIES[family].keys[0]
        regions = [(c, s) for c, s in sc.region_members() if visible is None or c in visible]
        label = names(sc, level, [c for c, _ in regions] if level == "region" else
                      {c for members in days.values() for c, _ in members})
        out = {}
        for day, members in sorted(days.items()):
            at = replace(sc, day=day)
            out[day] = [row(at, level, code, label.get(code, code), scope, {key: bk}, bucket[bk])
                        for code, scope in (regions if level == "region" else sorted(members))
                        for bucket in [members.get((code, scope), {})] for bk in _listed(family, bucket)]
        return out


def _listed(family: str, bucket: dict) -> list[str]:
    if not bucket:  # a member the day's snapshot does not hold (a region added since): its readers calculate it
        return []
    if family == "debt":
        return [*BOND_TYPES, TOTAL]
    if family == "revenue":
        return [ALL, *present(bucket)]
    return [ALL, *(f for f in FUND_TYPES if f in bucket)]
