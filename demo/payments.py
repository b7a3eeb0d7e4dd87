"""Payment vouchers (PAY), generated day by day against the quotas of the year.

Each line's payments follow a target path: the share of the year's spending pattern reached by the voucher's
date, times the share of its adjusted amount the unit means to spend. A voucher pays what the line is behind,
so execution tracks the calendar closely and never passes the quota. Amounts take their leading digits from a
low-discrepancy sequence per unit, so a unit's amounts follow Benford's law already at a thousand vouchers.

Guards keep the background free of what the rules look for (duplicates, splits, amounts just below the
procurement limit, large payments on off days or to new payees): those exist only where the demo plants them.
Memory stays bounded: the year's schedule is a few arrays, and the windows the guards need cover 30 days.
"""
from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from demo import days
from demo.budget import MONTHLY, Event, Quota, UnitPlan, money
from demo.city import Cast

PHI = (math.sqrt(5) - 1) / 2
MANTISSAS = 12  # leading-digit values a unit holds ready
LIMIT = 100_000_000  # 分: the procurement threshold T of SPLIT_PAY / JUST_BELOW (1,000,000 元)
BAND = 95_000_000  # JUST_BELOW's lower edge
OFF_DAY_MAX = 5_000_000  # off-day payments stay below OFF_DAY_PAY's 50,000 元
NEW_PAYEE_MAX = 500_000_000  # a first payment stays below NEW_PAYEE_LARGE's 5,000,000 元
ROUND = 1_000_000  # ROUND_AMOUNT's 10,000 元
ROUND_FROM = 10_000_000  # … counted among vouchers ≥ 100,000 元
SPLIT_DAYS, DUP_DAYS = 7, 30
REFUND_RATE = 0.006
REFUNDABLE = {"office", "repair", "meeting", "training", "service", "misc", "material", "travel", "labor", "contract",
              "equipment"}
DIRECT = {"payroll", "payroll2", "wage", "social", "housing", "people", "enterprise", "contract"}
PURPOSE = {"payroll": "{m}月基本工资", "payroll2": "{m}月津贴补贴", "wage": "{m}月绩效工资", "social": "{m}月社会保险费",
           "housing": "{m}月住房公积金", "water": "{m}月水费", "power": "{m}月电费", "telecom": "{m}月通信费",
           "office": "办公用品采购", "repair": "维修（护）费", "meeting": "会议费", "training": "培训费",
           "service": "委托业务费", "misc": "其他商品和服务支出", "material": "药品及医用耗材采购", "travel": "差旅费报销",
           "labor": "劳务费", "contract": "{p}工程进度款", "equipment": "{p}设备款", "people": "{p}发放",
           "enterprise": "{p}", "sangong": "{e}"}
SANGONG_PURPOSE = {"30212": "因公出国（境）费用", "30217": "公务接待费", "30231": "公务用车运行维护费", "30913": "公务用车购置",
                   "31013": "公务用车购置"}


@dataclass
class Voucher:
    no: str
    day: int  # ordinal
    quota: Quota
    payee: int
    cents: int


def _chain(first, rest):
    yield first
    yield from rest


class Payments:
    def __init__(self, cast: Cast, seed: int, scale: float):
        self.cast = cast
        self.seed = seed
        self.scale = scale
        self.weyl = {u.idx: (u.idx * 0.7548776662) % 1.0 for u in cast.units}  # each unit starts elsewhere
        self.mantissas = {u.idx: [self._next_mantissa(u.idx) for _ in range(MANTISSAS)] for u in cast.units}
        self.big_count: dict[int, int] = defaultdict(int)  # vouchers ≥ 100,000 元 per unit (for round amounts)
        self.first_day: dict[int, int] = {}  # payee -> ordinal of its first payment
        self.dup_keys: dict[tuple[int, int], int] = {}
        self.dup_days: deque[tuple[int, list]] = deque()
        self.split_window: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.reserved: dict[tuple[int, int], int] = {}  # (unit, payee) kept clear for a plant until ordinal
        self.history: dict[int, deque[int]] = defaultdict(lambda: deque(maxlen=6))  # an employee's recent pay
        self.usual: dict[int, deque[int]] = defaultdict(lambda: deque(maxlen=8))  # any payee's recent payments
        self.typical: dict[int, int] = {}  # … and their median (kept as they come: plants look it up often)
        self.classes: dict[int, Counter] = defaultdict(Counter)  # payments per economic class (3 digits) per payee
        self.refunds: dict[int, list[tuple[Voucher, int]]] = defaultdict(list)
        self.refunded: set[str] = set()
        self.recent: deque[Voucher] = deque(maxlen=4000)  # candidates for planted duplicates
        self.today: int = 0
        self.rows: list[dict] = []
        self.seq = 0
        self.today_payee: set[tuple[int, int]] = set()
        self.last_paid: dict[tuple[int, int], int] = {}  # (unit, payee) -> ordinal of the unit's last payment to it
        self.today_amount: set[tuple[int, int]] = set()

    # -- the year's schedule -------------------------------------------------------------------------------
    def begin_year(self, y: int, quotas: list[Quota], events: list[Event], plans: dict[int, UnitPlan],
                   first_day: dt.date) -> None:
        """Lay out every voucher of the year (on or after `first_day`) as arrays sorted by day.

        A line that receives money during the year (a new quota, a 结转, a 追加 naming it) also pays on that day,
        so the money issued is never left unspent while the calendar moves on."""
        self.year = y
        self.cal = days.year(y)
        self.quotas = quotas
        self.plans = plans
        self.big_count.clear()
        self.static = [dict(quota_id=q.id, region_code=q.unit.region.code, unit_code=q.unit.code, func_code=q.func,
                            econ_code=q.econ, fund_type=q.fund, project_code=q.project_code) for q in quotas]
        self.purposes: dict[tuple, str] = {}
        self.month_end = np.array([self.cal.index(_month_end(self.cal.day(i))) for i in range(self.cal.length)])
        rng = np.random.default_rng([self.seed, 4, y])
        self.favoured = set()  # the largest project line of a unit planted to pay one contractor
        for u, plan in plans.items():
            lines = [q for q in quotas if q.unit.idx == u and q.project_code and q.mode == "contract"]
            if plan.favourite is not None and lines:
                self.favoured.add(max(lines, key=lambda q: q.amount).idx)
        topped_up = defaultdict(list)
        for e in events:
            if e.kind in ("追加", "结转") and self.cal.workday[e.day] and e.quota.mode not in MONTHLY:
                topped_up[e.quota.idx].append(e.day)
        parts = []
        for q in quotas:
            plan = plans.get(q.unit.idx, _DEFAULT)
            d, fixed, payee = self._days(q, plan, rng)
            if topped_up[q.idx]:
                extra = np.array(topped_up[q.idx], dtype=np.int64)
                d = np.concatenate([d, extra])
                fixed, payee = np.concatenate([fixed, 0 * extra]), np.concatenate([payee, 0 * extra - 1])
            if not len(d):
                continue
            order = np.argsort(d, kind="stable")
            d, fixed, payee = d[order], fixed[order], payee[order]
            uniq, start, count = np.unique(d, return_index=True, return_counts=True)
            j = np.arange(len(d)) - np.repeat(start, count)
            k = np.repeat(count, count)
            s = days.shape(y, plan.profile)
            # a regular monthly payment (wages, utilities) covers its whole month
            s_day = s[self.month_end[uniq]] if q.mode in MONTHLY else s[uniq]
            s_prev = np.concatenate([[0.0], s_day[:-1]])
            frac = np.repeat(s_prev, count) + np.repeat(s_day - s_prev, count) * (j + 1) / k
            parts.append((d.astype(np.int16), np.full(len(d), q.idx, dtype=np.int32),
                          np.full(len(d), q.unit.idx, dtype=np.int16), j.astype(np.int32), frac, fixed, payee.astype(np.int32)))
        cols = [np.concatenate(c) for c in zip(*parts)]
        del parts
        keep = cols[0] >= self.cal.index(first_day) if first_day.year == y else np.ones(len(cols[0]), bool)
        cols = [c[keep] for c in cols]
        order = np.lexsort((cols[3], cols[1], cols[2], cols[0]))
        self.s_day, self.s_quota, _, self.s_j, self.s_frac, self.s_fixed, self.s_payee = [c[order] for c in cols]

    def _days(self, q: Quota, plan: UnitPlan, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cal = self.cal
        if q.mode == "sangong":
            slots = [s for s in q.slots if s[0] >= q.issued]
            return (np.array([s[0] for s in slots], dtype=np.int64), np.array([s[1] for s in slots], dtype=np.int64),
                    np.array([s[2] for s in slots], dtype=np.int64))
        if q.mode in MONTHLY:
            per_day = len(q.unit.employees) if q.mode == "wage" else 1
            d = [cal.next_workday(cal.index(dt.date(self.year, m, MONTHLY[q.mode]))) for m in range(1, 13)]
            d = np.repeat([x for x in d if x is not None and x >= q.issued], per_day)
        else:
            n = q.vouchers * (3 if plan.fabricated else 1)
            w = days.weights(self.year)[q.issued:]
            cum = np.cumsum(w) / w.sum()
            quantiles = (np.arange(n) + rng.random(n)) / n
            d = q.issued + np.minimum(np.searchsorted(cum, quantiles), len(w) - 1)
        return d.astype(np.int64), np.zeros(len(d), dtype=np.int64), np.full(len(d), -1, dtype=np.int64)

    # -- one day -------------------------------------------------------------------------------------------
    def start_day(self, day: dt.date) -> None:
        self.today = day.toordinal()
        self.day = day
        self.prefix = f"PZ{day:%Y%m%d}"
        self.rows = []
        self.emitted: list[tuple[int, int, int, Quota]] = []  # (unit, payee, 分, quota) of today's vouchers
        self.seq = 0
        self.today_payee.clear()
        self.today_amount.clear()
        while self.dup_days and self.dup_days[0][0] < self.today - DUP_DAYS:
            old, keys = self.dup_days.popleft()
            for key in keys:
                if self.dup_keys.get(key) == old:
                    del self.dup_keys[key]
        self.dup_days.append((self.today, []))

    def background(self, rng: np.random.Generator) -> None:
        """The day's scheduled vouchers and due refunds."""
        index = self.cal.index(self.day)
        for voucher, cents in self.refunds.pop(self.today, []):
            self._emit(voucher.quota, voucher.payee, -cents, orig=voucher.no)
        lo, hi = np.searchsorted(self.s_day, [index, index + 1])
        if hi == lo:
            return
        offday = not self.cal.workday[index]
        quotas = self.quotas
        for qi, j, frac, fixed, slot_payee, r in zip(self.s_quota[lo:hi].tolist(), self.s_j[lo:hi].tolist(),
                                                    self.s_frac[lo:hi].tolist(), self.s_fixed[lo:hi].tolist(),
                                                    self.s_payee[lo:hi].tolist(), rng.random((hi - lo, 4)).tolist()):
            q = quotas[qi]
            if q.closed:
                continue
            if fixed:
                self._try(q, slot_payee, fixed, r, slot=True)
                continue
            plan = self.plans.get(q.unit.idx, _DEFAULT)
            if q.mode == "wage":
                cents = self._wage(q, plan, j, index)
            else:
                deficit = q.rate * q.adjusted * _progress(plan, self.day, frac) - q.paid
                cents = self._amount(q, plan, deficit, math.exp(0.2 * r[0]), offday) if deficit >= 1_000 else 0
            if cents:
                self._try(q, self._payee(q, j, r[1]), cents, r)

    def _wage(self, q: Quota, plan: UnitPlan, j: int, index: int) -> int:
        """One employee's pay for the month: the line's amount for the month shared by fixed salary weights,
        so each person's pay is steady from month to month (their "usual")."""
        weights = _salary_weights(len(q.unit.employees))
        if j == 0:
            month = days.shape(self.year, plan.profile)[self.month_end[index]]
            due = q.rate * q.adjusted * _progress(plan, self.day, month) - q.paid
            self.per_weight = max(0.0, due) / sum(weights)
        ideal = self.per_weight * weights[j % len(weights)]
        if ideal < 5_000:
            return 0
        return min(self.leading(q.unit.idx, plan.fabricated, ideal), q.remaining)

    def _amount(self, q: Quota, plan: UnitPlan, deficit: float, w: float, offday: bool) -> int:
        """What a voucher pays when its line is `deficit` behind plan (0: nothing today)."""
        unit = q.unit.idx
        limit = q.remaining
        if offday:
            limit = min(limit, OFF_DAY_MAX - 1)
        ideal = deficit * w
        if q.idx in self.favoured:  # one contractor, paid in sums ≥ the limit
            return min(int(ideal), limit) if ideal >= LIMIT and limit >= LIMIT else 0
        if ideal >= q.adjusted / 10 and not offday:  # catching up with money just issued: exactly that
            cents = min(int(ideal), limit)
        else:
            cents = self.leading(unit, plan.fabricated, ideal)
            if offday:
                while cents > limit:
                    cents //= 10
            elif cents > limit:  # the line's last payment: what the plan still allows
                cents = int(min(deficit, limit))
        if plan.round_every and cents >= ROUND_FROM:  # a unit planted to pay round sums (ordinary amounts never are)
            self.big_count[unit] += 1
            if self.big_count[unit] % plan.round_every == 0:
                cents -= cents % ROUND
        if BAND <= cents < LIMIT:  # just below the procurement limit is what JUST_BELOW looks for: step over it
            cents = cents - BAND + LIMIT if cents - BAND + LIMIT <= limit else 2 * BAND - cents - 1
        return cents if cents >= 1_000 else 0

    def leading(self, unit: int, fabricated: bool, ideal: float) -> int:
        """The smallest amount ≥ `ideal` whose leading digits are one of the unit's next MANTISSAS values.

        The values come from a Weyl sequence (golden-ratio steps on the log scale); whichever is used is
        replaced by the sequence's next one. What a unit pays therefore follows Benford's law closely at any
        count (the sequence minus the few values waiting), while each amount stays within ~30 % of the need."""
        pending = self.mantissas[unit]
        if fabricated:  # invented amounts: leading digits spread evenly, not logarithmically
            pending = [math.log10(1 + 9 * m) for m in pending]
        low = math.log10(ideal / 100)
        best, pick = math.inf, 0
        for i, m in enumerate(pending):
            exponent = math.ceil(low - m) + m
            if exponent < best:
                best, pick = exponent, i
        self.mantissas[unit][pick] = self._next_mantissa(unit)
        return int(round(10 ** best * 100))

    def digits_state(self, unit: int) -> tuple[list[float], float]:
        """Where the unit's leading-digit sequence stands, to put it back (restore_digits) when an amount
        drawn with `leading` is not paid after all: skipped values would bend its digits away from Benford."""
        return list(self.mantissas[unit]), self.weyl[unit]

    def restore_digits(self, unit: int, state: tuple[list[float], float]) -> None:
        self.mantissas[unit], self.weyl[unit] = list(state[0]), state[1]

    def _next_mantissa(self, unit: int) -> float:
        self.weyl[unit] = (self.weyl[unit] + PHI) % 1.0
        return self.weyl[unit]

    def _payee(self, q: Quota, j: int, u: float) -> int:
        unit, mode = q.unit, q.mode
        if mode in ("payroll", "payroll2"):
            return unit.payroll[mode == "payroll2"]
        if mode == "wage":
            return unit.employees[j % len(unit.employees)]
        if mode in ("social", "water"):
            return self.cast.by_region[unit.region.code][mode]
        if mode in ("housing", "power", "telecom"):
            return self.cast.fixed[mode]
        if mode == "travel":
            return unit.employees[int(u * len(unit.employees))]
        if mode == "labor":
            return self.cast.labor_pool[int(u * len(self.cast.labor_pool))]
        if q.idx in self.favoured:
            return self.plans[unit.idx].favourite
        pool = q.payees or unit.suppliers[mode]
        if mode in ("people", "enterprise"):
            return pool[int(u * len(pool))]
        return pool[bisect.bisect_right(_cumulative(mode in ("contract", "equipment"), len(pool)), u)]

    def _alternatives(self, q: Quota, u: float):
        """Other payees the line could pay instead (lazily: most vouchers never need one)."""
        unit = q.unit
        if q.mode in MONTHLY or q.mode == "sangong":
            return
        if q.idx in self.favoured:
            return
        pool = {"travel": unit.employees, "labor": self.cast.labor_pool}.get(q.mode) or \
            q.payees + (unit.suppliers.get(q.mode, []) if q.mode != "people" else [])
        k = int(u * 7919)
        for i in range(min(8, len(pool))):
            yield pool[(k + i) % len(pool)]

    def _try(self, q: Quota, payee: int, cents: int, r, slot: bool = False) -> None:
        """Pay `cents` to `payee` (or an alternative payee) unless that would create a pattern a rule looks for."""
        unit = q.unit.idx
        for candidate in _chain(payee, () if slot else self._alternatives(q, r[2])):
            amount = cents
            first = self.first_day.get(candidate)
            if first is None or first == self.today:
                while amount >= NEW_PAYEE_MAX:
                    amount //= 10
                if BAND <= amount < LIMIT:
                    amount //= 10
            if self.clear(unit, candidate, amount):
                break
        else:
            return
        voucher = self._emit(q, candidate, self._unique(unit, candidate, amount))
        if not slot and q.mode in REFUNDABLE and 100_000 <= amount <= q.adjusted // 100 and r[3] < REFUND_RATE:
            self._schedule_refund(voucher, r[3] / REFUND_RATE)
        if q.mode in ("office", "repair", "service", "misc", "contract", "equipment") and \
                1_000_000 <= amount <= 50_000_000 and r[3] > 1 - 0.05 / max(1.0, self.scale):
            self.recent.append(voucher)

    def clear(self, unit: int, payee: int, cents: int) -> bool:
        """Whether paying `payee` today by `unit` keeps the unit clear of same-day and split patterns."""
        if (unit, payee) in self.today_payee or self.reserved.get((unit, payee), 0) >= self.today:
            return False
        return cents >= LIMIT or self.window(unit, payee) + cents < LIMIT

    def window(self, unit: int, payee: int) -> int:
        """Sum of the unit's sub-limit payments to `payee` within the split window ending today."""
        entries = self.split_window.get((unit, payee))
        if not entries:
            return 0
        if entries[0][0] < self.today - SPLIT_DAYS:
            entries[:] = [(d, c) for d, c in entries if d >= self.today - SPLIT_DAYS]
        return sum(c for _, c in entries)

    def _unique(self, unit: int, payee: int, cents: int) -> int:
        """The amount nudged by a cent until no duplicate payment (same account and amount) is within 30 days."""
        while (payee, cents) in self.dup_keys or (unit, cents) in self.today_amount:
            cents += 1
        return cents

    def _schedule_refund(self, voucher: Voucher, u: float) -> None:
        index = self.cal.next_workday(self.cal.index(self.day) + 2 + int(u * 18))
        if index is None:
            return
        part = voucher.cents if u < 0.4 else max(100, int(voucher.cents * (0.1 + 0.8 * u)) // 100 * 100)
        self.refunds[self.cal.day(index).toordinal()].append((voucher, part))
        self.refunded.add(voucher.no)

    # -- emitting ------------------------------------------------------------------------------------------
    def pay(self, q: Quota, payee: int, cents: int, purpose: str | None = None) -> Voucher:
        """A planted voucher: emitted as given (no guards), registered like any other."""
        return self._emit(q, payee, cents, purpose=purpose)

    def _emit(self, q: Quota, payee: int, cents: int, orig: str | None = None, purpose: str | None = None) -> Voucher:
        self.seq += 1
        no = f"{self.prefix}{self.seq:06d}"
        unit = q.unit.idx
        q.paid += cents
        voucher = Voucher(no, self.today, q, payee, cents)
        p = self.cast.payees[payee]
        self.emitted.append((unit, payee, cents, q))
        if cents > 0:
            self.first_day.setdefault(payee, self.today)
            key = (payee, cents)
            self.dup_keys[key] = self.today
            self.dup_days[-1][1].append(key)
            if cents < LIMIT:
                self.split_window.setdefault((unit, payee), []).append((self.today, cents))
            self.today_payee.add((unit, payee))
            self.last_paid[(unit, payee)] = self.today
            self.today_amount.add((unit, cents))
            if q.mode == "wage":
                self.history[payee].append(cents)
            recent = self.usual[payee]
            recent.append(cents)
            self.typical[payee] = sorted(recent)[len(recent) // 2]
            self.classes[payee][q.econ[:3]] += 1
        row = self.static[q.idx].copy()
        row.update(voucher_no=no, pay_date=self.day, payee_name=p.name, payee_account=p.account, payee_bank=p.bank,
                   amount=money(cents), orig_voucher_no=orig or "",
                   pay_method="直接支付" if q.mode in DIRECT or abs(cents) >= 10_000_000 else "授权支付",
                   purpose=purpose or (f"退回{orig}" if orig else self._purpose(q)),
                   handler=q.unit.handlers[self.seq % len(q.unit.handlers)])
        self.rows.append(row)
        return voucher

    def _purpose(self, q: Quota) -> str:
        key = (q.mode, self.day.month, q.project_name, q.econ)
        text = self.purposes.get(key)
        if text is None:
            text = self.purposes[key] = PURPOSE[q.mode].format(m=self.day.month, p=q.project_name,
                                                               e=SANGONG_PURPOSE.get(q.econ, ""))
        return text


_DEFAULT = UnitPlan()


@lru_cache(maxsize=256)
def _salary_weights(n: int) -> list[float]:
    """Relative pay of a unit's n employees (up to 2.5 × between the lowest and the highest)."""
    return [10 ** (0.4 * ((j * PHI) % 1.0)) for j in range(n)]


@lru_cache(maxsize=64)
def _cumulative(contract: bool, n: int) -> list[float]:
    """Cumulative choice weights over a payee list: a few main contractors, or a long tail of suppliers."""
    w = 0.7 ** np.arange(n) if contract else 1 / np.arange(1, n + 1) ** 0.7
    return (np.cumsum(w) / w.sum())[:-1].tolist()


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)


def _progress(plan: UnitPlan, day: dt.date, frac: float) -> float:
    """The share of its plan a line of the unit means to have paid by this voucher.

    A lagging unit pays half of its plan until November and December's usual share on top (so its December
    looks ordinary); a unit preparing a year-end surge holds back in autumn and catches up in December."""
    if plan.pace == "lag":
        november = days.shape(day.year, plan.profile)[days.year(day.year).index(dt.date(day.year, 11, 30))]
        return 0.5 * min(frac, november) + max(0.0, frac - november)
    if plan.pace == "surge" and 9 <= day.month <= 11:
        return 0.72 * frac
    return frac
