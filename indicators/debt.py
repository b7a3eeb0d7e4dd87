"""政府债务: balance, limit, 综合财力 and the ratios built on them, per region and bond type.

Balances and flows are summed in the database. The scheduled debt service of year Y follows each bond's
coupon terms, so it is computed per bond in Python (bonds number in the hundreds, not millions): the coupon
dates come from the terms, each payment is on the principal outstanding on its date (the amount less the 还本
flows dated before it and on or before D), and each coupon is rounded half-up to the 分.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from auth import scope as access
from indicators.facts import as_int, spend_cube
from indicators.latest import latest
from indicators.members import assemble, fixed, put, total
from indicators.scope import Regions, Scope, open_scope
from warehouse.schema import debt_bond, debt_flow, debt_limit, fin_cap

TOTAL = "合计"
BOND_TYPES = ("一般债券", "专项债券")
INTEREST_BASE = {"一般债券": "一般公共预算", "专项债券": "政府性基金预算"}  # interest_expense_ratio denominators
REGION_WIDE = None  # bucket key of figures that are the region's, whatever the bond type (综合财力)
ANNUAL, SEMIANNUAL, AT_MATURITY = "按年付息", "半年付息", "到期一次还本付息"
PRINCIPAL, COUPON = "本金", "利息"
_RATE_SCALE = 100 * 10_000  # coupon_rate_e4 is percent × 10^4
FLOW_PARTS = {"还本": "principal_repaid_ytd", "付息": "interest_paid_ytd"}  # 发行费 counts in neither


def debt(engine, date: dt.date, region: str | None = None, level: str = "region") -> list[dict]:
    """Rows per region (全辖 and the asked region's 本级) × {一般债券, 专项债券, 合计}."""
    with engine.connect() as conn:
        return debt_rows(open_scope(conn, "debt", date, region, level))


def debt_rows(sc: Scope, spent: dict | None = None) -> list[dict]:
    """`spent` = {(region_code, fund_type): YTD spending} when the caller already has it (the snapshots)."""
    if not sc.region:
        return []
    return assemble(sc, debt_groups(sc, spent), "bond_type", fixed((*BOND_TYPES, TOTAL)), debt_parts)


def debt_parts(bucket: dict, bond_type: str) -> dict:
    by_type = {k: v for k, v in bucket.items() if k is not REGION_WIDE}
    parts = dict(total(by_type) if bond_type == TOTAL else by_type.get(bond_type, {}))
    parts.update(bucket.get(REGION_WIDE, {}))
    return parts


def debt_groups(sc: Scope, spent: dict | None = None) -> dict:
    """Each region's own parts: {region_code: {bond_type: parts, REGION_WIDE: {fiscal_capacity}}}."""
    grouped: dict = {}
    codes = sc.codes
    bonds = bond_source(sc)
    for rc, bt, bal in sc.conn.execute(select(bonds.c.region_code, bonds.c.bond_type, func.sum(bonds.c.outstanding_fen))
                                       .where(bonds.c.region_code.in_(codes))
                                       .group_by(bonds.c.region_code, bonds.c.bond_type)):
        put(grouped, rc, bt, {"balance": as_int(bal)})
    flows = flow_source(sc)
    for rc, bt, kind, amount in sc.conn.execute(
            select(flows.c.region_code, flows.c.bond_type, flows.c.kind, func.sum(flows.c.amount_fen))
            .where(flows.c.region_code.in_(codes), flows.c.kind.in_(FLOW_PARTS))
            .group_by(flows.c.region_code, flows.c.bond_type, flows.c.kind)):
        put(grouped, rc, bt, {FLOW_PARTS[kind]: as_int(amount)})
    limits = limit_source(sc)
    for rc, bt, amount in sc.conn.execute(select(limits.c.region_code, limits.c.bond_type, func.sum(limits.c.amount_fen))
                                          .where(limits.c.region_code.in_(codes))
                                          .group_by(limits.c.region_code, limits.c.bond_type)):
        put(grouped, rc, bt, {"limit": as_int(amount)})
    caps = fincap_source(sc)
    for rc, amount in sc.conn.execute(select(caps.c.region_code, func.sum(caps.c.amount_fen))
                                      .where(caps.c.region_code.in_(codes)).group_by(caps.c.region_code)):
        put(grouped, rc, REGION_WIDE, {"fiscal_capacity": as_int(amount)})
    if spent is None:
        spent = spend_cube(sc.conn, sc.start, sc.day, ("region_code", "fund_type"), codes,
                           {"fund_type": INTEREST_BASE.values()})
    for bt, ft in INTEREST_BASE.items():
        for (rc, f), amount in spent.items():
            if f == ft and rc in codes:
                put(grouped, rc, bt, {"interest_base_spent": amount})
    for bond in scheduled_bonds(sc):
        put(grouped, bond.region_code, bond.bond_type, {
            "debt_service_due_y": sum(e.amount for e in bond.service_in(sc.year)),
            "due_12m": bond.due_within(sc.day, 365)})
    return grouped



# Row sources: the calculator sums them, explain() lists them ------------------------------------------------
def repaid_by(day: dt.date):
    """Σ 还本 per bond with date ≤ day."""
    return (select(debt_flow.c.bond_code, func.sum(debt_flow.c.amount_fen).label("repaid"))
            .where(debt_flow.c.kind == "还本", debt_flow.c.date <= day).group_by(debt_flow.c.bond_code).subquery())


def bond_source(sc: Scope):
    """Bonds issued on or before D with principal repaid and outstanding as of D."""
    repaid = repaid_by(sc.day)
    paid = func.coalesce(repaid.c.repaid, 0)
    return (select(*debt_bond.c, paid.label("repaid_fen"), (debt_bond.c.amount_fen - paid).label("outstanding_fen"))
            .select_from(debt_bond.outerjoin(repaid, repaid.c.bond_code == debt_bond.c.bond_code))
            .where(debt_bond.c.issue_date <= sc.day).subquery())


def flow_source(sc: Scope):
    """Flows dated in [Y-01-01, D] with their bond's region and type."""
    return (select(*debt_flow.c, debt_bond.c.region_code, debt_bond.c.bond_type, debt_bond.c.bond_name)
            .select_from(debt_flow.join(debt_bond, debt_bond.c.bond_code == debt_flow.c.bond_code))
            .where(debt_flow.c.date >= sc.start, debt_flow.c.date <= sc.day).subquery())


def limit_source(sc: Scope):
    return latest(debt_limit, ("year", "region_code", "bond_type"), sc.day, debt_limit.c.year == sc.year)


def fincap_source(sc: Scope):
    return latest(fin_cap, ("year", "region_code", "item"), sc.day, fin_cap.c.year == sc.year)


# Coupon terms ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Payment:
    date: dt.date
    bond_code: str
    kind: str  # 本金 | 利息
    principal: int  # outstanding principal (分) the payment is computed on
    amount: int  # 分


@dataclass
class Bond:
    bond_code: str
    bond_name: str
    region_code: str
    bond_type: str
    issue_date: dt.date
    maturity_date: dt.date
    coupon_rate_e4: int | None
    coupon_freq: str
    amount_fen: int
    repayments: list  # [(date, 分)] of 还本 flows dated ≤ D

    def outstanding(self, on: dt.date) -> int:
        """Principal outstanding on a payment date: the amount less 还本 dated before it."""
        return self.amount_fen - sum(a for d, a in self.repayments if d < on)

    def coupon_dates(self) -> list[dt.date]:
        if self.coupon_freq == AT_MATURITY:
            return [self.maturity_date]
        step = 12 if self.coupon_freq == ANNUAL else 6
        dates, k = [], 1
        while (day := add_months(self.issue_date, step * k)) <= self.maturity_date:
            dates.append(day)
            k += 1
        return dates

    def coupon(self, on: dt.date) -> int:
        base = self.outstanding(on) * (self.coupon_rate_e4 or 0)
        if self.coupon_freq == AT_MATURITY:
            base *= whole_years(self.issue_date, self.maturity_date)
        per_year = 2 if self.coupon_freq == SEMIANNUAL else 1
        return round_fen(Decimal(base) / (_RATE_SCALE * per_year))

    def service_in(self, year: int) -> list[Payment]:
        """Scheduled payments falling in `year`: coupons and the principal maturing."""
        out = [Payment(d, self.bond_code, COUPON, self.outstanding(d), self.coupon(d))
               for d in self.coupon_dates() if d.year == year]
        if self.maturity_date.year == year:
            principal = self.outstanding(self.maturity_date)
            out.append(Payment(self.maturity_date, self.bond_code, PRINCIPAL, principal, principal))
        return out

    def unpaid(self) -> int:
        """Principal not repaid by D (the repayments known are those dated on or before D)."""
        return self.amount_fen - sum(a for _, a in self.repayments)

    def due_within(self, day: dt.date, days: int) -> int:
        """Principal outstanding as of `day` of a bond maturing in (day, day + days]."""
        if day < self.maturity_date <= day + dt.timedelta(days=days):
            return self.unpaid()
        return 0


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (31 Aug + 6 → 28/29 Feb; 29 Feb + 12 → 28 Feb)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_years(start: dt.date, end: dt.date) -> int:
    """Whole years of a bond's term: anniversaries of issue up to maturity (at least 1)."""
    k = 0
    while add_months(start, 12 * (k + 1)) <= end:
        k += 1
    return max(k, 1)


def round_fen(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def scheduled_bonds(sc: Scope) -> list[Bond]:
    """Bonds of the scope issued on or before D whose service can fall in Y or within 12 months of D."""
    return _bonds(sc.conn, sc.day, debt_bond.c.maturity_date >= sc.start, debt_bond.c.region_code.in_(sc.codes))


def _bonds(conn, day: dt.date, *where) -> list[Bond]:
    """Bonds issued on or before `day` with their 还本 flows dated on or before it."""
    bonds = {r.bond_code: Bond(*r, []) for r in conn.execute(
        select(debt_bond.c.bond_code, debt_bond.c.bond_name, debt_bond.c.region_code, debt_bond.c.bond_type,
               debt_bond.c.issue_date, debt_bond.c.maturity_date, debt_bond.c.coupon_rate_e4,
               debt_bond.c.coupon_freq, debt_bond.c.amount_fen)
        .where(debt_bond.c.issue_date <= day, *where))}
    if bonds:
        for code, paid_on, amount in conn.execute(
                select(debt_flow.c.bond_code, debt_flow.c.date, debt_flow.c.amount_fen)
                .where(debt_flow.c.kind == "还本", debt_flow.c.date <= day,
                       debt_flow.c.bond_code.in_(list(bonds)))):
            bonds[code].repayments.append((paid_on, amount))
    return [bonds[c] for c in sorted(bonds)]


# Lists for the debt office's questions: what falls due when, which bonds, on what terms ----------------------
def maturity_wall(engine, date: dt.date, region: str | None = None, months: int = 36) -> list[dict]:
    """Principal falling due per calendar month, from D's month for `months` months, per bond type: each bond
    maturing after D counts its principal outstanding as of D (as `due_12m` does) in its maturity month.
    Every month and bond type has a row (principal 0 when nothing falls due)."""
    with engine.connect() as conn:
        sc = open_scope(conn, "debt", date, region)
        first = date.replace(day=1)
        ends = add_months(first, months)
        due: dict = {}
        if sc.region:
            for bond in scheduled_bonds(sc):
                if date < bond.maturity_date < ends:
                    key = (bond.maturity_date.replace(day=1), bond.bond_type)
                    due[key] = due.get(key, 0) + bond.unpaid()
    return [{"month": add_months(first, k), "bond_type": bt, "principal": due.get((add_months(first, k), bt), 0)}
            for k in range(months) for bt in BOND_TYPES]


def bond_list(engine, date: dt.date, region: str | None = None) -> list[dict]:
    """The bonds the balance sums (issued on or before D, in the region's 全辖) with their terms and principal
    issued, repaid and outstanding as of D (分), by issue date."""
    with engine.connect() as conn:
        sc = open_scope(conn, "debt", date, region)
        if not sc.region:
            return []
        rows = bond_source(sc)
        stmt = (select(rows).where(rows.c.region_code.in_(sc.codes))
                .order_by(rows.c.issue_date, rows.c.bond_code))
        return [{"bond_code": r["bond_code"], "bond_name": r["bond_name"], "region_code": r["region_code"],
                 "bond_type": r["bond_type"], "issue_kind": r["issue_kind"], "issue_date": r["issue_date"],
                 "maturity_date": r["maturity_date"], "coupon_rate": coupon_percent(r["coupon_rate_e4"]),
                 "coupon_freq": r["coupon_freq"], "issued": r["amount_fen"], "repaid": r["repaid_fen"],
                 "outstanding": r["outstanding_fen"]} for r in conn.execute(stmt).mappings()]


def bond_schedule(engine, date: dt.date, bond_code: str) -> list[Payment]:
    """Every scheduled payment of one bond over its whole term, by the same terms as `debt_service_due_y`
    (principal outstanding as known on D); empty for a bond not issued by D."""
    with engine.connect() as conn:
        mine = access.region_filter(Regions.load(conn), debt_bond.c.region_code)  # a bond of another region: none
        bonds = _bonds(conn, date, debt_bond.c.bond_code == bond_code, *([] if mine is None else [mine]))
    return [p for b in bonds for y in range(b.issue_date.year, b.maturity_date.year + 1) for p in b.service_in(y)]


def coupon_percent(rate_e4: int | None) -> Decimal | None:
    """coupon_rate_e4 (percent × 10^4) as the percent written in the delivery (2.35)."""
    return None if rate_e4 is None else Decimal(rate_e4).scaleb(-4)

