"""The budget (BGT) and payment (PAY) facts, and their sums grouped in the database.

A voucher is classified by its own fund type, functional and economic codes and project, and where it leaves
one empty, by the quota it pays (same region, quota_id, budget year = year of the payment). Quota amounts are
signed: a 调减 reduces. A quota as a member (dim `quota_id`) is the quota a row counts toward: a voucher's own
quota_id; for a budget row, the original quota it names (a 追加 or 调减), else its own id. The cube queries sum a
window of days grouped by any of DIMS (and quota_id); the calculators sum it for
[Y-01-01, D], the daily snapshot for [D, D]. explain() lists rows through `pay_source`/`bgt_source`, which use
the same column expressions, so a listed voucher is exactly one that the sums count.

Sums of PAY read `pay_sums` (whole years, whole months and the odd days of the window from pay_year / pay_month /
pay_day, which the database keeps equal to PAY's sums per voucher class) rather than the vouchers: the same
integers from thousands of rows instead of millions.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, or_, select, union_all

from indicators.tables import PAY_CLASS, pay_day, pay_month, pay_year
from warehouse.schema import bgt, pay

DIMS = ("region_code", "unit_code", "fund_type", "func_code", "econ_code", "project_code")
CLASS_DIMS = ("fund_type", "func_code", "econ_code", "project_code")  # a voucher inherits these from its quota

# The BGT parts of the execution family: which rows of a year's quotas each sums (amounts signed).
BUDGET_PARTS = {
    "initial_budget": ("年初预算",),
    "supplement": ("追加", "调减"),
    "carryover": ("结转",),
    "adjusted_budget": ("年初预算", "追加", "调减", "结转"),
}


def signed_amount(table=bgt):
    return case((table.c.kind == "调减", -table.c.amount_fen), else_=table.c.amount_fen)


def as_int(v) -> int:
    return int(v or 0)  # PostgreSQL sums bigint as numeric (Decimal): exact, converted back to int


def _in(expr, values):
    return expr.in_(list(values))


def _bgt_col(dim: str):
    """A budget row's value of a dimension (for `quota_id`: the quota it counts toward)."""
    if dim == "quota_id":
        return func.coalesce(bgt.c.orig_quota_id, bgt.c.quota_id)
    return bgt.c[dim]


def _year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def _next_year(day: dt.date) -> dt.date:
    return dt.date(day.year + 1, 1, 1)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


# Coarsest first: (table, its period column, first day of a period, first day of the next period)
TIERS = ((pay_year, pay_year.c.year, _year_start, _next_year),
         (pay_month, pay_month.c.month, _month_start, _next_month),
         (pay_day, pay_day.c.pay_date, None, None))


def _pieces(start: dt.date, end: dt.date, tiers=TIERS) -> list[tuple]:
    """[start, end] as the fewest rows: the whole periods of the coarsest tier inside it, and what is left on
    either side by the finer tiers. [(table, period column, first period, last period)]."""
    if start > end:
        return []
    table, period, first_of, next_of = tiers[0]
    if first_of is None:  # days
        return [(table, period, start, end)]
    first = start if first_of(start) == start else next_of(start)  # the first whole period …
    after = first_of(end + dt.timedelta(days=1))  # … and the period after the last whole one
    if first >= after:
        return _pieces(start, end, tiers[1:])
    day = dt.timedelta(days=1)
    return (_pieces(start, first - day, tiers[1:]) + [(table, period, first, after - day)]
            + _pieces(after, end, tiers[1:]))


def pay_sums(start: dt.date, end: dt.date, only: dict | None = None, unless_empty: dict | None = None,
             by_day: bool = False):
    """Subquery of PAY over [start, end] summed per voucher class: columns PAY_CLASS, amount_fen and vouchers,
    several rows per class (one per year, month or day); Σ amount_fen (vouchers) of a class = the Σ (count) of
    its vouchers dated in the window. `only` = {class column: values} limits the rows (e.g. region_code);
    `unless_empty` = {class column: values} keeps the rows whose column is one of the values or empty (a
    voucher that leaves a column empty takes its quota's, which is tested after the lookup). by_day: the day
    rows only, with their `pay_date` (sums per day of a window, for a series of days)."""
    pieces = [] if by_day else _pieces(start, end)
    pieces = pieces or [(pay_day, pay_day.c.pay_date, start, end)]  # (an empty window: no rows)
    day = [pay_day.c.pay_date] if by_day else []
    selects = [select(*(table.c[c] for c in PAY_CLASS), *day, table.c.amount_fen, table.c.vouchers)
               .where(period >= low, period <= high, *(_in(table.c[c], v) for c, v in (only or {}).items()),
                      *(or_(table.c[c].is_(None), _in(table.c[c], v)) for c, v in (unless_empty or {}).items()))
               for table, period, low, high in pieces]
    return (union_all(*selects) if len(selects) > 1 else selects[0]).subquery("pay_sums")


def pay_class_sums(start: dt.date, end: dt.date, whole_years: bool = False, unless_empty: dict | None = None):
    """pay_sums added up per voucher class: one row per class with vouchers dated in [start, end] (so that a
    quota is looked up once per class, not once per day or month). whole_years: in the whole years the window
    falls in (a superset: one row per class from pay_year, for estimates). unless_empty: as pay_sums (classes
    that cannot pass a test of their classified columns left out before the lookup)."""
    if whole_years:
        start, end = _year_start(start), _next_year(end) - dt.timedelta(days=1)
    rows = pay_sums(start, end, unless_empty=unless_empty)
    cols = [rows.c[c] for c in PAY_CLASS]
    return (select(*cols, func.sum(rows.c.amount_fen).label("amount_fen"), func.sum(rows.c.vouchers).label("vouchers"))
            .group_by(*cols).subquery("pay_class_sums"))


def spend_cube(conn, start: dt.date, end: dt.date, dims: tuple[str, ...], regions=None,
               only: dict | None = None, by_day: bool = False) -> dict[tuple, int]:
    """Σ PAY.amount with pay_date in [start, end], grouped by `dims` (classified as the module says).

    `regions` limits PAY.region_code; `only` = {dim: values} limits columns: classified ones (e.g. 三公 econ
    codes) after the quota lookup, the voucher's own (e.g. unit_code) directly. The window's sums per voucher
    class (pay_sums) are first added up per quota, so the quota lookup costs one join per quota. by_day: also
    grouped by pay_date, the first key (the window within one year: a series of days, indicators.series).
    """
    own = {d: vals for d, vals in (only or {}).items() if d not in CLASS_DIMS}
    if regions is not None:
        own["region_code"] = regions
    only = {d: vals for d, vals in (only or {}).items() if d in CLASS_DIMS}
    rows = pay_sums(start, end, own, only, by_day)  # a voucher's own code outside `only` never passes: not summed
    dims = ("pay_date", *dims) if by_day else dims
    if not (set(dims) | set(only)) & set(CLASS_DIMS):
        cols = [rows.c[d] for d in dims]
        stmt = select(*cols, func.sum(rows.c.amount_fen)).group_by(*cols)
    else:
        raw = [rows.c[c] for c in dict.fromkeys(("region_code", "quota_id", *dims, *only))]
        inner = select(*raw, func.sum(rows.c.amount_fen).label("amount")).group_by(*raw).subquery()
        joined, classified = pay_source(start.year, inner)

        def col(d):
            return classified[d] if d in CLASS_DIMS else inner.c[d]

        cols = [col(d) for d in dims]
        stmt = (select(*cols, func.sum(inner.c.amount)).select_from(joined)
                .where(*[_in(col(d), vals) for d, vals in only.items()]))
        if cols:
            stmt = stmt.group_by(*cols)
    return {tuple(r[:-1]): as_int(r[-1]) for r in conn.execute(stmt) if r[-1] is not None}


def region_in(col, codes):
    """`col` in the regions `codes`, written so that no index serves it (`region || ''`): a region holds a large
    share of the rows, and a listing in date order should walk the date (or unit) index and meet the region's
    rows on the way, not collect every row of the region and sort them."""
    return col.concat("").in_(list(codes))


def budget_cube(conn, year: int, start: dt.date, end: dt.date, dims: tuple[str, ...], regions=None,
                only: dict | None = None) -> dict[tuple, dict[str, int]]:
    """The BUDGET_PARTS of year `year`'s quotas issued in [start, end], grouped by `dims`; `only` = {dim: values}."""
    signed = signed_amount()
    sums = [func.sum(case((_in(bgt.c.kind, kinds), signed), else_=0)).label(part)
            for part, kinds in BUDGET_PARTS.items()]
    where = [bgt.c.year == year, bgt.c.issued_date >= start, bgt.c.issued_date <= end]
    if regions is not None:
        where.append(_in(bgt.c.region_code, regions))
    where += [_in(_bgt_col(d), vals) for d, vals in (only or {}).items()]
    cols = [_bgt_col(d) for d in dims]
    stmt = select(*cols, *sums).where(*where)
    if cols:
        stmt = stmt.group_by(*cols)
    out = {}
    for r in conn.execute(stmt):
        if r[-1] is None:  # no rows (an aggregate without GROUP BY still returns one)
            continue
        out[tuple(r[:len(dims)])] = {p: as_int(v) for p, v in zip(BUDGET_PARTS, r[len(dims):])}
    return out


def execution_cube(conn, year: int, start: dt.date, end: dt.date, dims: tuple[str, ...],
                   regions=None, only: dict | None = None, by_day: bool = False) -> dict[tuple, dict[str, int]]:
    """Budget parts and `spent` per group: the additive parts of the execution family. by_day: per date too
    (the first key: a quota's issued_date, a voucher's pay_date)."""
    out = budget_cube(conn, year, start, end, ("issued_date", *dims) if by_day else dims, regions, only)
    for key, amount in spend_cube(conn, start, end, dims, regions, only, by_day).items():
        out.setdefault(key, {p: 0 for p in BUDGET_PARTS})["spent"] = amount
    for parts in out.values():
        parts.setdefault("spent", 0)
    return out


def pay_source(year: int, rows=pay):
    """(FROM clause, {name: column}) of vouchers with their classified columns, for listing rows; with `rows`
    a subquery of PAY_CLASS columns (pay_sums), the same for sums per voucher class (totals in fewer rows)."""
    q = bgt.alias("q")
    joined = rows.outerjoin(q, and_(q.c.region_code == rows.c.region_code, q.c.quota_id == rows.c.quota_id,
                                    q.c.year == year))
    cols = {c.name: c for c in rows.c}
    cols.update({d: func.coalesce(rows.c[d], q.c[d]) for d in CLASS_DIMS if d in rows.c})
    if rows is pay:
        cols["date"] = pay.c.pay_date
    if "amount_fen" in rows.c:
        cols["amount"] = rows.c.amount_fen
    return joined, cols


def bgt_source():
    """(FROM clause, {name: column}) of quotas with signed amounts, for listing rows."""
    cols = {c.name: c for c in bgt.c}
    cols["date"], cols["amount"] = bgt.c.issued_date, signed_amount()
    return bgt, cols
