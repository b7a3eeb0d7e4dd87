"""The anomalies planted for the ML ranking: payments no rule looks for that an auditor would still question.

- ML_AMOUNT_OUTLIER: a supplier or a person paid 10–40 times what they are usually paid;
- ML_ECON_MISMATCH: a payee paid under an economic class it is (almost) never paid under, and of another kind
  (a person paid from an equipment or works line, a hotel paid from a construction project, a supplier paid
  from the staff's performance pay);
- ML_NEW_PAYEE: a company never paid before paid 50,000–1,500,000 元 at once (below NEW_PAYEE_LARGE's
  5,000,000 元);
- ML_REPEAT_PAYMENT: one supplier, not paid by the unit for a month, paid five or six times on consecutive
  working days, each amount ordinary, together well under the procurement limit.

Each working day carries ML_PER_WORKDAY plants at scale 1 and above (in proportion below): a day's top 50
can be judged only when the day holds a few dozen true anomalies. Every plant keeps clear of the rules: a
payee paid before, on a working day, within the quota, never round, never a duplicate, never in the band just
below the procurement limit, never adding up to a split payment. Amounts take their leading digits from the
unit's Benford sequence (Payments.leading), so the plants do not make a unit fail the Benford test.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from demo import days
from demo.payments import BAND, LIMIT, ROUND

ML_PER_WORKDAY = 44  # plants tried; some find no place, a repeat plant makes 5 or 6 vouchers: ~48 vouchers a day
KINDS = {"ML_AMOUNT_OUTLIER": 0.4, "ML_ECON_MISMATCH": 0.33, "ML_NEW_PAYEE": 0.17, "ML_REPEAT_PAYMENT": 0.1}
NEW_LEAST, NEW_MOST = 5_000_000, 150_000_000  # 分: a new payee's first payment, 50,000–1,500,000 元
REPEATS = (5, 6)  # payments of a repeat plant, on consecutive working days
QUIET = 30  # days a unit has not paid the supplier of a repeat plant
MOST = 200_000_000  # 分: a plant pays at most 2,000,000 元
OUTLIER = (10, 40)  # times the payee's usual amount (the background passes 10 times for 1 voucher in 1,000)
MISMATCH = (2, 6)  # times the payee's usual amount, under an economic class it is (almost) never paid under
RARE = 0.1  # … at most this share of its payments so far
GOODS = ("office", "repair", "service", "misc", "meeting", "training", "material", "equipment")
PEOPLE = ("labor", "travel")  # lines that pay people: 劳务费 and travel reimbursements
CAPITAL = ("equipment", "contract")  # lines a staff member or a hotel is never paid from
HOSPITALITY = ("meeting", "training")
MIN_HISTORY = 3  # payments a payee must have had for its "usual" to mean something
ATTEMPTS = 15  # units tried for one plant
SAMPLE = 8  # payees of a unit tried for one plant
QUOTAS = 6  # quotas of a unit tried for one plant
FIRST_DAYS = 60  # after the demo's first date: the payees need some history first


class MlPlants:
    def __init__(self, anomalies):
        self.a = anomalies

    @property
    def payments(self):
        return self.a.payments

    def schedule(self, y: int, work: list[int]) -> None:
        """Spread the year's ML plants over its working days (into the anomalies' task list)."""
        self.rng = rng = np.random.default_rng([self.a.seed, 11, y])
        self.by_unit = defaultdict(list)
        for q in self.a.quotas:
            self.by_unit[q.unit.idx].append(q)
        rate = ML_PER_WORKDAY * min(1.0, self.a.cast.scale)
        cal, first = days.year(y), self.a.start.toordinal() + FIRST_DAYS
        work = [i for i in work if cal.day(i).toordinal() >= first]
        kinds, weights = list(KINDS), np.array(list(KINDS.values()))
        for i in work:
            n = int(rate) + int(rng.random() < rate - int(rate))
            for kind in rng.choice(kinds, size=n, p=weights / weights.sum()):
                self.a.tasks[int(i)].append((str(kind), None))

    def handler(self, kind: str):
        return {"ML_AMOUNT_OUTLIER": self.amount_outlier, "ML_ECON_MISMATCH": self.econ_mismatch,
                "ML_NEW_PAYEE": self.new_payee, "ML_REPEAT_PAYMENT": self.repeat_payment,
                "ML_REPEAT_FOLLOW": self.repeat_follow}.get(kind)

    # -- helpers -------------------------------------------------------------------------------------------
    def _units(self):
        return self.a._units(self.rng)[:ATTEMPTS]

    def _usual(self, payee: int) -> int | None:
        """The payee's usual amount (median of its last payments), once it has MIN_HISTORY of them."""
        return self.payments.typical.get(payee) if len(self.payments.usual.get(payee, ())) >= MIN_HISTORY else None

    def _pool(self, unit, q) -> list[int]:
        """Whom a quota pays: its own payees, else the unit's people or suppliers for its kind of spending."""
        return q.payees or {"labor": self.a.cast.labor_pool, "travel": unit.employees}.get(q.mode) \
            or unit.suppliers.get(q.mode, [])

    def _quotas(self, unit, modes):
        fits = [q for q in self.by_unit[unit.idx] if q.mode in modes and not q.closed and q.adjusted > 0
                and q.remaining > 0]
        return [fits[int(i)] for i in self.rng.permutation(len(fits))[:QUOTAS]]

    def _payee(self, pool, most: float = float("inf"), quiet_for=None, fits=None) -> tuple[int, float] | None:
        """A payee of `pool` paid before whose usual amount is at most `most` (a few are tried); with
        `quiet_for` = (unit, day), one the unit has not paid for QUIET days; with `fits`, one it accepts."""
        pool = [pool[int(i)] for i in self.rng.permutation(len(pool))[:SAMPLE]]
        if quiet_for:
            unit, day = quiet_for
            pool = [p for p in pool if self.payments.last_paid.get((unit.idx, p), 0) < day.toordinal() - QUIET]
        known = [(p, u) for p in pool if self.payments.first_day.get(p) is not None and (u := self._usual(p))
                 and u <= most and (fits is None or fits(p))]
        return known[int(self.rng.integers(len(known)))] if known else None

    @staticmethod
    def _room(q) -> float:
        """The most a plant takes from a quota: a third of what is left, and at most MOST."""
        return min(q.remaining / 3, MOST)

    def _amounts(self, unit, ideals: list[float], q, payee: int) -> list[int] | None:
        """Amounts near `ideals` with the unit's next leading digits, each clear of the rules for this payee
        and quota (a cent more where the same account and amount, or the same amount that day, exists), or
        None — and then the unit's digit sequence is as it was."""
        p, state = self.payments, self.payments.digits_state(unit.idx)
        out = []
        for ideal in ideals:
            cents = p.leading(unit.idx, False, ideal)
            while (payee, cents) in p.dup_keys or (unit.idx, cents) in p.today_amount or cents in out:
                cents += 1
            out.append(cents)
        total = sum(out)
        if min(out) < 100_000 or any(c % ROUND == 0 or BAND <= c < LIMIT for c in out) or q.remaining < 2 * total \
                or not p.clear(unit.idx, payee, out[0]) or (len(out) > 1 and p.window(unit.idx, payee) + total >= LIMIT):
            p.restore_digits(unit.idx, state)
            return None
        return out

    def _record(self, kind: str, unit, v, day, note: str) -> bool:
        self.a.truth.add(kind, "ML_OUTLIER", "voucher", f"{unit.region.code}/{v.no}", day, [v.no], note)
        return True

    # -- the plants ----------------------------------------------------------------------------------------
    def amount_outlier(self, day, _arg=None) -> bool:
        for unit in self._units():
            for q in self._quotas(unit, GOODS + PEOPLE):
                room = self._room(q)
                found = self._payee(self._pool(unit, q), room / OUTLIER[0])
                if found is None:
                    continue
                payee, usual = found
                factor = 10 ** self.rng.uniform(np.log10(OUTLIER[0]), np.log10(min(OUTLIER[1], room / usual)))
                amounts = self._amounts(unit, [usual * factor], q, payee)
                if amounts:
                    v = self.payments.pay(q, payee, amounts[0])
                    return self._record("ML_AMOUNT_OUTLIER", unit, v, day,
                                        f"收款人常规金额约 {usual / 100:,.2f} 元，本笔为其约 {v.cents / usual:.0f} 倍")
        return False

    def econ_mismatch(self, day, _arg=None) -> bool:
        classes = self.payments.classes
        for unit in self._units():
            pool, modes, who = self._mismatch(unit)
            for q in self._quotas(unit, modes):
                found = self._payee(pool, self._room(q) / MISMATCH[1],
                                    fits=lambda p: classes[p][q.econ[:3]] <= RARE * sum(classes[p].values()))
                if found is None:
                    continue
                payee, usual = found
                seen = classes[payee]
                amounts = self._amounts(unit, [usual * 10 ** self.rng.uniform(*np.log10(MISMATCH))], q, payee)
                if amounts:
                    before = "、".join(f"{c} 类 {n} 笔" for c, n in sorted(seen.items()))
                    v = self.payments.pay(q, payee, amounts[0])
                    return self._record("ML_ECON_MISMATCH", unit, v, day,
                                        f"{who}以经济分类 {q.econ} 收款（此前收款：{before}）")
        return False

    def _mismatch(self, unit) -> tuple[list[int], tuple[str, ...], str]:
        """(payees, lines, who) of a mismatch: a person (staff or casual labour) paid from equipment or works
        lines, a hotel or training company paid from them, or a supplier paid from the staff's performance pay."""
        r = self.rng.random()
        if r < 0.5:
            return unit.employees + self.a.cast.labor_pool, CAPITAL, "个人"
        if r < 0.8:
            return [p for mode in HOSPITALITY for p in unit.suppliers.get(mode, [])], CAPITAL, "会议、培训服务商"
        return [p for mode in GOODS for p in unit.suppliers.get(mode, [])], ("wage",), "供应商"

    def new_payee(self, day, _arg=None) -> bool:
        for unit in self._units():
            for q in self._quotas(unit, GOODS):
                room = min(self._room(q), NEW_MOST)
                if room < NEW_LEAST:
                    continue
                payee = self.a.cast.new_company(q.mode)
                ideal = 10 ** self.rng.uniform(np.log10(NEW_LEAST), np.log10(room))
                amounts = self._amounts(unit, [ideal], q, payee)
                if amounts:
                    v = self.payments.pay(q, payee, amounts[0])
                    return self._record("ML_NEW_PAYEE", unit, v, day,
                                        f"从未收款的账号首次收款 {v.cents / 100:,.2f} 元（{q.econ}）")
        return False

    def repeat_payment(self, day, _arg=None) -> bool:
        cal = days.year(day.year)
        index = cal.index(day)
        later = [i for i in range(index + 1, min(index + 9, cal.length)) if cal.workday[i]]
        k = min(len(later) + 1, REPEATS[0] + int(self.rng.random() < 0.5))
        if k < REPEATS[0]:
            return False
        for unit in self._units():
            for q in self._quotas(unit, GOODS):
                found = self._payee(self._pool(unit, q), self._room(q) / 8, quiet_for=(unit, day))
                if found is None:
                    continue
                payee, usual = found
                parts = self._amounts(unit, [usual * 10 ** self.rng.uniform(-0.15, 0.15) for _ in range(k)], q, payee)
                if not parts:
                    continue
                self.a._reserve(unit, payee, cal.day(later[k - 2]).toordinal())
                group = {"unit": unit, "payee": payee, "q": q, "first": day,
                         "vouchers": [self.payments.pay(q, payee, parts[0]).no]}
                for n, (i, cents) in enumerate(zip(later[:k - 1], parts[1:]), start=2):
                    self.a.tasks[i].append(("ML_REPEAT_FOLLOW", (group, cents, n == k)))
                return True
        return False

    def repeat_follow(self, day, arg) -> bool:
        group, cents, last = arg
        q, unit, payee, p = group["q"], group["unit"], group["payee"], self.payments
        while (payee, cents) in p.dup_keys or (unit.idx, cents) in p.today_amount:
            cents += 1
        if q.remaining >= cents and (unit.idx, payee) not in p.today_payee:
            group["vouchers"].append(p.pay(q, payee, cents).no)
        if last and len(group["vouchers"]) >= 2:
            account = self.a.cast.payees[payee].account
            self.a.truth.add("ML_REPEAT_PAYMENT", "ML_OUTLIER", "voucher_group", f"{unit.code}|{account}|{group['first']}",
                             day, group["vouchers"], f"{len(group['vouchers'])} 个工作日内向同一收款人连续支付 "
                             f"{len(group['vouchers'])} 笔，金额均为其常规水平")
        return True
