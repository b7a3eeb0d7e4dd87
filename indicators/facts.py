"""The budget (BGT) and payment (PAY) facts, and their sums grouped in the database.

A voucher is classified by its own fund type, functional and economic codes and project, and where it leaves
one empty, by the quota it pays (same region, quota_id, budget year = year of the payment). Quota amounts are
signed: a 调减 reduces. A quota as a member (dim `quota_id`) is the quota a row counts toward: a voucher's own
quota_id; for a budget row, the original quota it names (a 追加 or 调减), else its own id. The cube queries sum a
window of days grouped by any of DIMS (and quota_id); the calculators sum it for
[Y-01-01, D], the daily snapshot for [D, D]. explain() lists rows through `pay_source`/`bgt_source`, which use
the same column expressions, so a listed voucher is exactly one that the sums count.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, case, func, select

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


def spend_cube(conn, start: dt.date, end: dt.date, dims: tuple[str, ...], regions=None,
               only: dict | None = None) -> dict[tuple, int]:
    """Σ PAY.amount with pay_date in [start, end], grouped by `dims` (classified as the module says).

    `regions` limits PAY.region_code; `only` = {dim: values} limits columns: classified ones (e.g. 三公 econ
    codes) after the quota lookup, the voucher's own (e.g. unit_code) directly, where an index can serve them.
    Vouchers are first summed per quota inside the database, so the quota lookup costs one join per quota.
    """
    where = [pay.c.pay_date >= start, pay.c.pay_date <= end]
    if regions is not None:
        where.append(_in(pay.c.region_code, regions))
    where += [_in(pay.c[d], vals) for d, vals in (only or {}).items() if d not in CLASS_DIMS]
    only = {d: vals for d, vals in (only or {}).items() if d in CLASS_DIMS}
    if not (set(dims) | set(only)) & set(CLASS_DIMS):
        cols = [pay.c[d] for d in dims]
        stmt = select(*cols, func.sum(pay.c.amount_fen)).where(*where).group_by(*cols)
    else:
        raw = [pay.c[c] for c in dict.fromkeys(("region_code", "quota_id", *dims, *only))]
        inner = select(*raw, func.sum(pay.c.amount_fen).label("amount")).where(*where).group_by(*raw).subquery()
        q = bgt.alias("q")
        joined = inner.outerjoin(q, and_(q.c.region_code == inner.c.region_code, q.c.quota_id == inner.c.quota_id,
                                         q.c.year == start.year))

        def col(d):
            return func.coalesce(inner.c[d], q.c[d]) if d in CLASS_DIMS else inner.c[d]

        cols = [col(d) for d in dims]
        stmt = (select(*cols, func.sum(inner.c.amount)).select_from(joined)
                .where(*[_in(col(d), vals) for d, vals in only.items()]))
        if cols:
            stmt = stmt.group_by(*cols)
    return {tuple(r[:-1]): as_int(r[-1]) for r in conn.execute(stmt) if r[-1] is not None}


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
                   regions=None, only: dict | None = None) -> dict[tuple, dict[str, int]]:
    """Budget parts and `spent` per group: the additive parts of the execution family."""
    out = budget_cube(conn, year, start, end, dims, regions, only)
    for key, amount in spend_cube(conn, start, end, dims, regions, only).items():
        out.setdefault(key, {p: 0 for p in BUDGET_PARTS})["spent"] = amount
    for parts in out.values():
        parts.setdefault("spent", 0)
    return out


def pay_source(year: int):
    """(FROM clause, {name: column}) of vouchers with their classified columns, for listing rows."""
    q = bgt.alias("q")
    joined = pay.outerjoin(q, and_(q.c.region_code == pay.c.region_code, q.c.quota_id == pay.c.quota_id,
                                   q.c.year == year))
    cols = {c.name: c for c in pay.c}
    cols.update({d: func.coalesce(pay.c[d], q.c[d]) for d in CLASS_DIMS})
    cols["date"], cols["amount"] = pay.c.pay_date, pay.c.amount_fen
    return joined, cols


def bgt_source():
    """(FROM clause, {name: column}) of quotas with signed amounts, for listing rows."""
    cols = {c.name: c for c in bgt.c}
    cols["date"], cols["amount"] = bgt.c.issued_date, signed_amount()
    return bgt, cols
