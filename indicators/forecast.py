"""Year-end forecast of the execution rate, from how each unit's spending built up in earlier years.

For every prior year y the "share" is the spending of y up to the same day (29 Feb → 28 Feb) ÷ the whole of y.
The projected year-end spending is today's spending ÷ the median share, and the interval divides by the
largest and the smallest share. A unit with fewer than MIN_YEARS usable years borrows the shares of its
department's units, then of its region's units. Rates are ÷ today's adjusted budget. The back-test leaves each
year out in turn, forecasts it at each month end from the other years, and compares with what happened.
"""
from __future__ import annotations

import calendar
import datetime as dt
import statistics
from fractions import Fraction

from sqlalchemy import func, select

from indicators.facts import budget_cube, spend_cube
from indicators.formula import ratio
from indicators.members import row
from indicators.scope import ALL, FULL, OWN, Scope, names, open_scope
from indicators.snapshots import stored_parts
from warehouse.schema import dm_unit, pay

MIN_YEARS = 3
OWN_BASIS, DEPT_BASIS, REGION_BASIS = "本单位", "同部门", "同区划"


def forecast(engine, date: dt.date, region: str | None = None, level: str = "unit") -> list[dict]:
    """Projected 31 December execution rate per unit (or per region, 全辖 and the asked region's 本级)."""
    with engine.connect() as conn:
        sc = open_scope(conn, "forecast", date, region, level)
        if not sc.region:
            return []
        return forecast_rows(sc)


def forecast_rows(sc: Scope) -> list[dict]:
    return unit_forecast(sc) if sc.level == "unit" else region_forecast(sc)


def unit_forecast(sc: Scope) -> list[dict]:
    current = year_figures(sc, sc.year, lambda y: sc.day, "unit_code")
    shares = year_shares(sc, prior_years(sc), lambda y: same_day(sc.day, y), "unit_code")
    peers = peer_groups(sc)
    label = names(sc, "unit", current)
    out = []
    for code in sorted(current):
        budget, spent, _ = current[code]
        basis, pool = choose_pool(code, shares, peers)
        out.append(_row(sc, code, label.get(code, code), FULL, budget, spent, basis, pool))
    return out


def region_forecast(sc: Scope) -> list[dict]:
    """Regions use their own curves (全辖 or 本级 sums per year): there are no peers to pool."""
    years = prior_years(sc)
    current, spending = region_sums(sc, years)
    own = {c: {"": pair} for c, pair in current.items()}
    full = sc.regions.rollup(own, _merge_pairs)
    shares = {FULL: {}, OWN: {}}
    for y in years:
        own_y = {c: {"": v} for c, v in spending[y].items()}
        for scope, sums in ((OWN, own_y), (FULL, sc.regions.rollup(own_y, _merge_pairs))):
            for code, bucket in sums.items():
                part, whole = bucket.get("", (0, 0))
                if whole > 0:
                    shares[scope].setdefault(code, []).append(Fraction(part, whole))
    label = names(sc, "region", sc.codes)
    out = []
    for code, scope in sc.region_members():
        budget, spent = (full if scope == FULL else own).get(code, {}).get("", (0, 0))
        pool = shares[scope].get(code, [])
        out.append(_row(sc, code, label.get(code, code), scope, budget, spent, OWN_BASIS if pool else None, pool))
    return out


def region_sums(sc: Scope, years: list[int]) -> tuple[dict, dict]:
    """({region: (adjusted budget, spent)} as of D, {y: {region: (spent up to the same day of y, spent in y)}}),
    本级. The daily snapshots hold exactly these sums (execution, region, 本级, 全部) for every stored day, so they
    are read when every day needed is stored, and summed otherwise."""
    cutoffs = {y: (same_day(sc.day, y), dt.date(y, 12, 31)) for y in years}
    stored = stored_parts(sc.conn, "execution", "region", sc.codes, OWN, ALL, ("adjusted_budget", "spent"),
                          [sc.day, *(day for pair in cutoffs.values() for day in pair)])
    if stored is None:
        current = {c: (b, s) for c, (b, s, _) in year_figures(sc, sc.year, lambda y: sc.day, "region_code").items()}
        return current, {y: year_spending(sc, y, part, "region_code") for y, (part, _) in cutoffs.items()}
    current = {c: (p["adjusted_budget"], p["spent"]) for c, p in stored[sc.day].items()}
    spending = {y: {c: (stored[part].get(c, {}).get("spent", 0), p["spent"]) for c, p in stored[whole].items()}
                for y, (part, whole) in cutoffs.items()}
    return current, spending


def _row(sc: Scope, code, name, scope, budget, spent, basis, pool) -> dict:
    projected = project(spent, pool)
    parts = {"adjusted_budget": budget, "spent": spent, **projected}
    return row(sc, sc.level, code, name, scope, {"basis": basis, "years": len(pool)}, parts)


def project(spent: int, shares: list[Fraction]) -> dict:
    """Year-end spending from today's: ÷ the median share, interval ÷ the largest and smallest share."""
    def over(share):
        return None if not share or share <= 0 else Fraction(spent) / share
    if not shares:
        return {"forecast_spent": None, "forecast_low_spent": None, "forecast_high_spent": None}
    return {"forecast_spent": over(statistics.median(shares)), "forecast_low_spent": over(max(shares)),
            "forecast_high_spent": over(min(shares))}


def choose_pool(unit: str, shares: dict, peers: dict) -> tuple[str | None, list[Fraction]]:
    """The unit's own shares when it has MIN_YEARS of them, else its department's, else its region's."""
    own = shares.get(unit, [])
    if len(own) >= MIN_YEARS:
        return OWN_BASIS, own
    for basis, members in ((DEPT_BASIS, peers["dept"].get(unit, ())), (REGION_BASIS, peers["region"].get(unit, ()))):
        pooled = [s for member in members for s in shares.get(member, [])]
        if len(pooled) >= MIN_YEARS:
            return basis, pooled
    return (OWN_BASIS, own) if own else (None, [])


def peer_groups(sc: Scope) -> dict:
    """{'dept': {unit: units of its dept}, 'region': {unit: units of its region}} from DM_UNIT."""
    rows = sc.conn.execute(select(dm_unit.c.unit_code, dm_unit.c.dept_code, dm_unit.c.region_code)).all()
    out = {}
    for key, idx in (("dept", 1), ("region", 2)):
        groups: dict = {}
        for r in rows:
            groups.setdefault(r[idx], []).append(r[0])
        out[key] = {r[0]: groups[r[idx]] for r in rows}
    return out


# Sums from the store ---------------------------------------------------------------------------------------
def same_day(day: dt.date, year: int) -> dt.date:
    """The day of `year` matching `day` (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def prior_years(sc: Scope) -> list[int]:
    first = sc.conn.scalar(select(func.min(pay.c.pay_date)).where(pay.c.pay_date < sc.start))
    return list(range(first.year, sc.year)) if first else []


def year_spending(sc: Scope, year: int, cutoff: dt.date, dim: str) -> dict[str, tuple[int, int]]:
    """{member: (spent up to cutoff, spent in the whole year)} of `year` by unit_code or region_code."""
    start = dt.date(year, 1, 1)
    part = spend_cube(sc.conn, start, cutoff, (dim,), sc.codes)
    whole = spend_cube(sc.conn, start, dt.date(year, 12, 31), (dim,), sc.codes)
    return {member: (part.get((member,), 0), amount) for (member,), amount in whole.items()}


def year_shares(sc: Scope, years, cutoff_of, dim: str) -> dict[str, list[Fraction]]:
    """{member: [share of each year]} — years where the member spent nothing in the whole year are skipped."""
    out: dict = {}
    for y in years:
        for member, (part, whole) in year_spending(sc, y, cutoff_of(y), dim).items():
            if whole > 0:
                out.setdefault(member, []).append(Fraction(part, whole))
    return out


def year_figures(sc: Scope, year: int, cutoff_of, dim: str) -> dict[str, tuple[int, int, int]]:
    """{member: (adjusted budget as of cutoff, spent up to cutoff, spent in the whole year)}."""
    cutoff = cutoff_of(year)
    out = {m: (0, a, b) for m, (a, b) in year_spending(sc, year, cutoff, dim).items()}
    for (member,), parts in budget_cube(sc.conn, year, dt.date(year, 1, 1), cutoff, (dim,), sc.codes).items():
        _, a, b = out.get(member, (0, 0, 0))
        out[member] = (parts["adjusted_budget"], a, b)
    return out


def _merge_pairs(acc: dict, bucket: dict) -> dict:
    for k, (a, b) in bucket.items():
        x, y = acc.get(k, (0, 0))
        acc[k] = (x + a, y + b)
    return acc


# Back-test --------------------------------------------------------------------------------------------------
def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def backtest(engine, region: str | None = None) -> dict:
    """Leave-one-year-out back-test of the unit forecast on the store's complete years.

    For each complete year y and month end m (January to November), every unit with a year-end adjusted budget
    is forecast from the other years' shares at m; the error is forecast − actual year-end execution rate, in
    percentage points. Returns {"years": [...], "units": n, "bases": {basis: forecasts}, "months": {m: {"n",
    "mae_pp", "median_ae_pp", "bias_pp", "coverage"}}} where coverage is the share of actual rates inside the
    interval.
    """
    with engine.connect() as conn:
        sc = open_scope(conn, "forecast", dt.date.today(), region, "unit")
        if not sc.region:
            return {"years": [], "units": 0, "bases": {}, "months": {}}
        last = conn.scalar(select(func.max(pay.c.pay_date)))
        first = conn.scalar(select(func.min(pay.c.pay_date)))
        if first is None:
            return {"years": [], "units": 0, "bases": {}, "months": {}}
        years = [y for y in range(first.year, last.year + 1) if last >= dt.date(y, 12, 31)]
        peers = peer_groups(sc)
        year_end = {y: year_figures(sc, y, lambda yy: dt.date(yy, 12, 31), "unit_code") for y in years}
        months, units, bases = {}, set(), {}
        for m in range(1, 12):
            at_m = {y: year_figures(sc, y, lambda yy: month_end(yy, m), "unit_code") for y in years}
            errors, inside = [], 0
            for y in years:
                others = [x for x in years if x != y]
                shares: dict = {}
                for x in others:
                    for u, (_, part, whole) in at_m[x].items():
                        if whole > 0:
                            shares.setdefault(u, []).append(Fraction(part, whole))
                for u, (budget_end, _, spent_end) in year_end[y].items():
                    budget_m, spent_m, _ = at_m[y].get(u, (0, 0, 0))
                    if budget_end <= 0 or budget_m <= 0:
                        continue
                    basis, pool = choose_pool(u, shares, peers)
                    projected = project(spent_m, pool)
                    if projected["forecast_spent"] is None:
                        continue
                    bases[basis] = bases.get(basis, 0) + 1
                    actual = Fraction(spent_end, budget_end)
                    errors.append((ratio(projected["forecast_spent"], budget_m) - actual) * 100)
                    low, high = (ratio(projected[k], budget_m) for k in ("forecast_low_spent", "forecast_high_spent"))
                    inside += low is not None and high is not None and low <= actual <= high
                    units.add(u)
            if errors:
                months[m] = {"n": len(errors), "mae_pp": _round(statistics.fmean(abs(e) for e in errors)),
                             "median_ae_pp": _round(statistics.median(abs(e) for e in errors)),
                             "bias_pp": _round(statistics.fmean(errors)), "coverage": _round(inside / len(errors), 3)}
        return {"years": years, "units": len(units), "bases": bases, "months": months}


def _round(value, places: int = 2) -> float:
    return round(float(value), places)

