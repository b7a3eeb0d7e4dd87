"""Budget quotas (BGT) of one year: what each unit gets in January, and what is added, cut or carried over.

Background adjustments stay modest (≤ 2 追加 per unit, net supplements ≤ 12 % of the initial budget, none after
October) so that the rules about supplements, lagging execution and year-end surges fire only where planted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from demo import days
from demo.city import BASIC, BUDGET_2023, Cast, Unit, growth

SANGONG_ECON = ("30212", "30217", "30231", "30913", "31013")
MONTHLY = {"payroll": 10, "payroll2": 20, "wage": 10, "social": 15, "housing": 16, "water": 22, "power": 23,
           "telecom": 24}  # mode -> day of month the regular payment is made (or the next working day)
PER_EMPLOYEE = {"wage": (84_000, 156_000), "travel": (8_000, 20_000)}  # 元 a year per person paid
# Vouchers a seasonal line makes per year relative to √(amount in 元): frequent small purchases vs. few large bills.
INTENSITY = {"office": 3.0, "repair": 1.0, "meeting": 1.0, "training": 1.0, "service": 1.2, "misc": 1.5,
             "material": 2.5, "travel": 2.0, "labor": 1.5, "contract": 0.6, "equipment": 0.7, "people": 5.0,
             "enterprise": 0.15}
# Fewest vouchers a line plans per year: project lines pay often enough to keep close to plan (EXEC_LAG
# looks at projects one by one), other lines at least twice a month.
MIN_PROJECT_VOUCHERS, MIN_VOUCHERS = 60, 24
# Above scale 1 the other lines grow faster than the scale, making up for the monthly bills (payroll, social
# security, utilities), which do not grow, and for the payments the guards hold back when payees get busy.
EXTRA_GROWTH = 0.5


@dataclass
class Quota:
    idx: int
    id: str
    year: int
    unit: Unit
    func: str
    econ: str
    fund: str
    source: str
    kind: str  # the kind of the row that created it: 年初预算 / 追加 / 结转
    exp_type: str
    project_code: str
    project_name: str
    mode: str
    issued: int  # day of year
    amount: int  # 分, as issued
    rate: float  # share of the adjusted amount the unit means to spend by 31 December
    vouchers: int = 0  # planned (seasonal lines)
    payees: list[int] = field(default_factory=list)
    weights: np.ndarray | None = None  # cumulative choice weights over payees
    slots: list = field(default_factory=list)  # 三公: [(day of year, 分, payee)]
    adjusted: int = 0  # live: amount + 追加 − 调减 issued so far
    paid: int = 0  # live: net payments so far
    closed: bool = False  # no more background payments (a planted overspend happened)

    @property
    def remaining(self) -> int:
        return self.adjusted - self.paid

    def row(self) -> dict:
        return {"quota_id": self.id, "year": self.year, "region_code": self.unit.region.code,
                "unit_code": self.unit.code, "func_code": self.func, "econ_code": self.econ, "fund_type": self.fund,
                "fund_source": self.source, "exp_type": self.exp_type, "project_code": self.project_code,
                "project_name": self.project_name}


@dataclass
class Event:
    """One BGT row: a quota issued, or an amount added to / cut from one."""
    day: int
    kind: str  # 年初预算 / 结转 / 追加 / 调减
    quota: Quota  # the quota created, or the one named
    amount: int
    row_id: str
    doc_no: str
    names_quota: bool = False  # 追加/调减 that name `quota`
    source: str = ""


@dataclass
class UnitPlan:
    """What the anomaly plan asks of one unit in one year (background units have the defaults)."""
    profile: tuple = days.STANDARD
    pace: str = ""  # "" | "lag" (spends half its plan) | "surge" (holds back in autumn, catches up in December)
    supplement: str = ""  # "" | "count" | "rate30" | "rate60"
    sangong: tuple[str, str] | None = None  # (variant, econ): ("yoy"|"early"|"over", code)
    round_every: int = 0  # every n-th voucher ≥ 100,000 元 is a round amount (0: the background rate)
    fabricated: bool = False  # amounts invented by a person (Benford)
    favourite: int | None = None  # payee that receives all its project payments (concentration)


def fen(yuan: float) -> int:
    """A budget amount in whole 元, as 分."""
    return int(round(yuan)) * 100


def money(cents: int) -> str:
    """分 written as an exact 元 amount with two decimals (the text the files carry)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


class Sangong:
    """The 三公 payments of each unit as fixed slots that recur every year, a little smaller and never earlier.

    That keeps every unit's 三公 spending below last year's at every date (三公经费只减不增), so the year-on-year
    rule fires only where a plant raises it.
    """

    def __init__(self, cast: Cast, rng: np.random.Generator):
        self.slots: dict[tuple[int, str], list[dict]] = {}
        for unit in cast.units:
            for econ in unit.sangong:
                self.slots[(unit.idx, econ)] = self._slots(cast, unit, econ, rng)

    @staticmethod
    def _slots(cast: Cast, unit: Unit, econ: str, rng) -> list[dict]:
        if econ == "30217":
            months = sorted(rng.choice(12, size=int(rng.integers(5, 11)), replace=False) + 1)
            lo, hi, payees = 2_000, 15_000, unit.suppliers["hospitality"]
        elif econ == "30231":
            months, lo, hi, payees = range(1, 13), 3_000, 15_000, [cast.fixed["fuel"]] + unit.suppliers["vehicle"][:3]
        elif econ == "30212":
            months = sorted(rng.choice(np.arange(4, 12), size=int(rng.integers(1, 3)), replace=False))
            lo, hi, payees = 30_000, 90_000, unit.suppliers["travel_agency"]
        else:  # car purchase
            months, lo, hi, payees = [int(rng.integers(3, 12))], 180_000, 350_000, unit.suppliers["dealer"]
        return [{"month": int(m), "day": int(rng.integers(3, 27)), "amount": fen(rng.uniform(lo, hi)) + int(rng.integers(100)),
                 "payee": payees[int(rng.integers(len(payees)))], "last": None} for m in months]

    def year(self, unit: Unit, econ: str, y: int, rng, earliest: int, variant: str = "") -> tuple[list, int]:
        """This year's slots [(day of year, 分, payee)] and the budget that covers them (none before `earliest`,
        when every January quota has been issued)."""
        cal = days.year(y)
        slots = self.slots[(unit.idx, econ)]
        if variant == "early":  # this year's budget runs out before October: later slots are gone for good
            slots[:] = [s for s in slots if s["month"] < 9]
        factor = rng.uniform(1.30, 1.45) if variant == "yoy" else 1 - rng.uniform(0.03, 0.09)
        out = []
        for s in slots:
            if s["last"] is not None:
                s["amount"] = int(s["amount"] * factor)
            wanted = dt.date(y, s["month"], s["day"])
            if s["last"] is not None:
                wanted = max(wanted, _same_day_next_year(s["last"]))
            index = cal.next_workday(max(earliest, cal.index(wanted)))
            s["last"] = cal.day(index)
            out.append((index, s["amount"], s["payee"]))
        total = sum(a for _, a, _ in out)
        before_october = sum(a for d, a, _ in out if cal.day(d).month < 10)
        if variant == "early":
            budget = before_october / 0.95
        else:
            budget = max(total / rng.uniform(0.90, 0.94), before_october / 0.86)
        return out, int(np.ceil(budget / 10_000)) * 10_000


def _same_day_next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return dt.date(day.year + 1, 3, 1)


class Budget:
    """Plans each year's quotas and BGT events for the cast."""

    def __init__(self, cast: Cast, seed: int, scale: float):
        self.cast = cast
        self.seed = seed
        self.scale = scale
        rng = np.random.default_rng([seed, 2])
        self.unit_share = {}
        for region in cast.regions:
            units = [u for u in cast.units if u.region.code == region.code]
            w = np.array([u.weight for u in units]) * rng.lognormal(0, 0.25, size=len(units))
            for u, share in zip(units, w / w.sum()):
                self.unit_share[u.idx] = share * region.weight
        self.sangong = Sangong(cast, rng)
        self.projects: dict[tuple[int, str], tuple[str, str]] = {}  # (unit, spec) -> (project code, name)
        for u in cast.units:
            for k, spec in enumerate(u.projects, start=1):
                name = spec.name if spec.func else f"{u.name.removeprefix(u.region.name)}{spec.name}"
                self.projects[(u.idx, spec.name)] = (f"{u.region.code}{2019 + (u.idx + k) % 4}{u.idx:03d}{k:02d}", name)
        self.project_payees: dict[str, list[int]] = {}

    # -- one year ------------------------------------------------------------------------------------------
    def plan(self, y: int, active: list[Unit], plans: dict[int, UnitPlan]) -> tuple[list[Quota], list[Event]]:
        rng = np.random.default_rng([self.seed, 3, y])
        cal = days.year(y)
        january = [i for i in range(cal.length) if cal.workday[i]][:3]
        quotas: list[Quota] = []
        events: list[Event] = []
        docs: dict[tuple[str, str], int] = {}
        issued: dict[int, Event] = {}  # quota -> the row that issued it

        def doc(unit: Unit, kind: str) -> str:
            key = (unit.region.code, kind)
            docs[key] = docs.get(key, 0) + 1
            return f"{unit.region.short}财{'预' if kind == '年初预算' else '追'}〔{y}〕{docs[key] + (0 if kind == '年初预算' else 100)}号"

        def add(unit: Unit, kind, day, amount, func, econ, mode, fund="一般公共预算", source="本级财力",
                project: tuple[str, str] = ("", ""), rate=None) -> Quota:
            q = Quota(len(quotas), f"ZB{y}{len(quotas):05d}", y, unit, func, econ, fund, source, kind,
                      "项目支出" if project[0] else "基本支出", project[0], project[1], mode, day, amount,
                      rate if rate is not None else float(rng.uniform(0.98, 0.998)))
            quotas.append(q)
            issued[q.idx] = Event(day, kind, q, amount, q.id, doc(unit, kind), source=source)
            events.append(issued[q.idx])
            return q

        totals = city_totals(y)
        general = {u.idx: totals["一般公共预算"] * self.unit_share[u.idx] * rng.uniform(0.97, 1.03) for u in active}
        pools = {fund: [] for fund in totals if fund != "一般公共预算"}
        for u in active:
            plan = plans.get(u.idx, UnitPlan())
            day = january[u.idx % 3]
            g = general[u.idx]
            for line in BASIC[u.kind]:
                if line.mode in PER_EMPLOYEE:
                    amount = len(u.employees) * rng.uniform(*PER_EMPLOYEE[line.mode])
                else:
                    amount = g * line.share * rng.uniform(0.9, 1.1)
                add(u, "年初预算", day, fen(amount), u.func, line.econ, line.mode)
            for econ in u.sangong:
                variant = plan.sangong[0] if plan.sangong and plan.sangong[1] == econ else ""
                slots, budget = self.sangong.year(u, econ, y, rng, january[-1] + 1,
                                                  variant if variant in ("yoy", "early") else "")
                q = add(u, "年初预算", day, budget, u.func, econ, "sangong", rate=1.0)
                q.slots = slots
            for spec in u.projects:
                project = self.projects[(u.idx, spec.name)]
                if spec.fund == "一般公共预算":
                    q = add(u, "年初预算", day, fen(g * spec.share * rng.uniform(0.85, 1.15)), spec.func or u.func, spec.econ,
                            spec.mode, project=project)
                else:
                    q = add(u, "年初预算", day, 0, spec.func or u.func, spec.econ, spec.mode, spec.fund, spec.source, project)
                    pools[spec.fund].append((q, general[u.idx] * spec.share * rng.uniform(0.85, 1.15)))
                q.payees = self._project_payees(project[0], spec.mode, u, rng)
        for fund, members in pools.items():  # other fund types: the city's total shared by weight
            weight = sum(w for _, w in members)
            for q, w in members:
                q.amount = issued[q.idx].amount = fen(totals[fund] * w / weight)
        initial = {u.idx: sum(q.amount for q in quotas if q.unit is u) for u in active}
        by_unit = {u.idx: [q for q in quotas if q.unit is u] for u in active}
        for u in active:
            self._adjust(u, plans.get(u.idx, UnitPlan()), by_unit[u.idx], initial[u.idx], cal, rng, add, events, doc)
        for q in quotas:
            q.vouchers = self._vouchers(q, rng)
        events.sort(key=lambda e: (e.day, e.quota.unit.idx, e.row_id))
        return quotas, events

    def _project_payees(self, code: str, mode: str, unit: Unit, rng) -> list[int]:
        if code not in self.project_payees:
            if mode == "people":
                payees = self.cast.people(max(10, round(60 * self.scale)))
            elif mode == "enterprise":
                payees = list(self.cast.soes)
            else:
                pool = unit.suppliers["contract" if mode == "contract" else mode]
                size = min(len(pool), round(int(rng.integers(4, 7)) * max(1.0, self.scale)))
                payees = list(rng.choice(pool, size=size, replace=False))
            self.project_payees[code] = [int(p) for p in payees]
        return self.project_payees[code]

    def _adjust(self, u: Unit, plan: UnitPlan, mine: list[Quota], initial: int, cal, rng, add, events, doc) -> None:
        """结转, 追加 and 调减 of one unit in the year."""
        flexible = [q for q in mine if q.mode not in ("sangong",) and q.mode not in MONTHLY and q.amount > 0]
        projects = [q for q in flexible if q.project_code and q.fund == "一般公共预算"]
        if not flexible:
            return

        def workday(first: tuple[int, int], last: tuple[int, int]) -> int:
            lo, hi = cal.index(dt.date(cal.year, *first)), cal.index(dt.date(cal.year, *last))
            return cal.next_workday(int(rng.integers(lo, hi)))

        def name(q: Quota, kind: str, day: int, amount: int) -> None:
            row = f"ZB{cal.year}{len(events) + 50000:05d}"
            events.append(Event(day, kind, q, amount, row, doc(u, "追加"), names_quota=True,
                                source="上级转移支付" if kind == "追加" else q.source))

        if projects and rng.random() < 0.2:
            p = projects[int(rng.integers(len(projects)))]
            carried = add(u, "结转", workday((2, 1), (3, 31)), fen(p.amount / 100 * rng.uniform(0.02, 0.06)), p.func, p.econ,
                          p.mode, source="上年结转", project=(p.project_code, p.project_name))
            carried.payees = p.payees
        big = sorted(flexible, key=lambda q: -q.amount)
        if plan.supplement == "count":
            for q in rng.choice(big[:6], size=3, replace=False):
                name(q, "追加", workday((3, 1), (9, 30)), fen(initial / 100 * rng.uniform(0.015, 0.03)))
            return
        if plan.supplement in ("rate30", "rate60"):
            total = initial * (rng.uniform(0.30, 0.36) if plan.supplement == "rate30" else rng.uniform(0.56, 0.66))
            for q, part in zip(big[:2], (0.55, 0.45)):
                name(q, "追加", workday((3, 1), (5, 15)), fen(total / 100 * part))
            return
        budget_left = initial * 0.12
        rows = 0
        if rng.random() < 0.30:
            for q in rng.choice(big[:8], size=1 + int(rng.random() < 0.3), replace=False):
                amount = min(q.amount * rng.uniform(0.03, 0.08), budget_left / 2)
                if amount >= 100_000:
                    name(q, "追加", workday((3, 1), (10, 31)), fen(amount / 100))
                    budget_left -= amount
                    rows += 1
        if rows < 2 and projects and rng.random() < 0.12:
            amount = min(initial * rng.uniform(0.02, 0.04), budget_left)
            spec = projects[int(rng.integers(len(projects)))]
            code = f"{spec.project_code[:6]}{cal.year}{u.idx:03d}91"
            q = add(u, "追加", workday((3, 1), (10, 31)), fen(amount / 100), spec.func, spec.econ, spec.mode,
                    source="上级转移支付", project=(code, f"{spec.project_name}（上级补助）"))
            q.payees = spec.payees
        if rng.random() < 0.12:
            q = big[int(rng.integers(min(8, len(big))))]
            name(q, "调减", workday((6, 1), (10, 31)), fen(q.amount / 100 * rng.uniform(0.03, 0.08)))

    def _vouchers(self, q: Quota, rng) -> int:
        if q.mode == "sangong":
            return len(q.slots)
        if q.mode in MONTHLY:
            return 0  # fixed by the calendar
        n = INTENSITY[q.mode] * np.sqrt(max(q.amount, 0) / 100) / 64 * rng.uniform(0.8, 1.2)
        least = MIN_PROJECT_VOUCHERS if q.project_code else MIN_VOUCHERS
        if self.scale < 1:
            return max(least, int(round(n * self.scale)))
        return int(round(max(least, n) * (self.scale * (1 + EXTRA_GROWTH) - EXTRA_GROWTH)))


def city_totals(y: int) -> dict[str, float]:
    """The city's expenditure budget of year y by fund type (元)."""
    return {fund: total * growth(y) for fund, total in BUDGET_2023.items()}


def apply(event: Event, cal: days.Year) -> dict | None:
    """Apply a BGT event to its quota and return the row that delivers it (None: nothing left to cut).

    A 调减 takes at most half of what is still unspent on the day it is issued, so no cut makes a quota's
    payments exceed it.
    """
    q, amount = event.quota, event.amount
    if event.kind == "调减":
        amount = min(amount, max(0, q.remaining) // 2 // 100 * 100)
        if amount <= 0:
            return None
        q.adjusted -= amount
    else:
        q.adjusted += amount
    row = q.row()
    row.update(kind=event.kind, amount=money(amount), issued_date=cal.day(event.day),
               doc_no=event.doc_no, orig_quota_id="")
    if event.names_quota:
        row.update(quota_id=event.row_id, orig_quota_id=q.id, fund_source=event.source)
    return row
