"""The anomalies planted for the ML ranking: payments no rule looks for that an auditor would still question.

- ML_AMOUNT_OUTLIER: a supplier paid 15–50 times what it is usually paid;
- ML_ECON_MISMATCH: a payee paid under an economic class it has never been paid under, and of another kind
  (a staff member paid from an equipment or works line, a hotel paid from a construction project);
- ML_REPEAT_PAYMENT: one supplier paid by one unit four or five times on consecutive working days, each
  amount ordinary, together well under the procurement limit.

Each working day carries ML_PER_WORKDAY of them at scale 1 and above (in proportion below): a day's top 50
can be judged only when the day holds a few dozen true anomalies. Every plant keeps clear of the rules: a
payee paid before, on a working day, within the quota, never round, never a duplicate, never in the band just
below the procurement limit, never adding up to a split payment. Amounts take their leading digits from the
unit's Benford sequence (Payments.leading), so the plants do not make a unit fail the Benford test.
"""
from __future__ import annotations

import statistics

import numpy as np

from demo import days
from demo.payments import BAND, LIMIT, ROUND

ML_PER_WORKDAY = 36
KINDS = {"ML_AMOUNT_OUTLIER": 0.4, "ML_ECON_MISMATCH": 0.35, "ML_REPEAT_PAYMENT": 0.25}
GOODS = ("office", "repair", "service", "misc", "meeting", "training", "material", "equipment")
CAPITAL = ("equipment", "contract")  # lines a staff member or a hotel is never paid from
HOSPITALITY = ("meeting", "training")
MIN_HISTORY = 3  # payments a payee must have had for its "usual" to mean something
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
                "ML_REPEAT_PAYMENT": self.repeat_payment, "ML_REPEAT_FOLLOW": self.repeat_follow}.get(kind)

    # -- helpers -------------------------------------------------------------------------------------------
    def _units(self):
        return self.a._units(self.rng)[:40]

    def _usual(self, payee: int) -> float | None:
        paid = self.payments.usual.get(payee, ())
        return statistics.median(paid) if len(paid) >= MIN_HISTORY else None

    def _quotas(self, unit, modes, need: int = 0):
        fits = [q for q in self.a.quotas if q.unit is unit and q.mode in modes and not q.closed and q.adjusted > 0
                and q.remaining > need]
        return [fits[int(i)] for i in self.rng.permutation(len(fits))]

    def _amount(self, unit, ideal: float) -> int | None:
        """An amount near `ideal` with the unit's next leading digits, or None when a rule would see it."""
        cents = self.payments.leading(unit.idx, False, ideal)
        if cents < 100_000 or cents % ROUND == 0 or BAND <= cents < LIMIT:
            return None
        return cents

    def _free(self, unit, payee: int, cents: int) -> int:
        """`cents` nudged by a cent until no duplicate (same account and amount) or same-day twin is made."""
        p = self.payments
        while (payee, cents) in p.dup_keys or (unit.idx, cents) in p.today_amount:
            cents += 1
        return cents

    def _pay(self, day, q, payee: int, cents: int, purpose: str | None = None, reserve: int = 8):
        p = self.payments
        cents = self._free(q.unit, payee, cents)
        if p.first_day.get(payee) is None or q.remaining < 2 * cents or not p.clear(q.unit.idx, payee, cents) \
                or BAND <= cents < LIMIT:
            return None
        self.a._reserve(q.unit, payee, day.toordinal() + reserve)
        return p.pay(q, payee, cents, purpose=purpose)

    def _record(self, kind: str, unit, v, day, note: str) -> bool:
        self.a.truth.add(kind, "ML_OUTLIER", "voucher", f"{unit.region.code}/{v.no}", day, [v.no], note)
        return True

    # -- the plants ----------------------------------------------------------------------------------------
    def amount_outlier(self, day, _arg=None) -> bool:
        for unit in self._units():
            for q in self._quotas(unit, GOODS)[:3]:
                pool = [p for p in (q.payees or unit.suppliers.get(q.mode, [])) if self._usual(p)]
                if not pool:
                    continue
                payee = pool[int(self.rng.integers(len(pool)))]
                usual = self._usual(payee)
                factor = 10 ** self.rng.uniform(np.log10(15), np.log10(50))
                cents = self._amount(unit, usual * factor)
                v = cents and self._pay(day, q, payee, cents)
                if v:
                    return self._record("ML_AMOUNT_OUTLIER", unit, v, day,
                                        f"收款人常规金额约 {usual / 100:,.2f} 元，本笔为其约 {v.cents / usual:.0f} 倍")
        return False

    def econ_mismatch(self, day, _arg=None) -> bool:
        classes = self.payments.classes
        for unit in self._units():
            if self.rng.random() < 0.5:  # a member of staff paid from a goods, equipment or works line
                pool, modes, who = unit.employees, ("office", "equipment", "contract", "material", "repair"), "本单位职工"
            else:  # a hotel or training company paid from an equipment or works line
                pool = [p for mode in HOSPITALITY for p in unit.suppliers.get(mode, [])]
                modes, who = CAPITAL, "会议、培训服务商"
            pool = [p for p in pool if self._usual(p)]
            if not pool:
                continue
            payee = pool[int(self.rng.integers(len(pool)))]
            for q in self._quotas(unit, modes)[:3]:
                if q.econ[:3] in classes[payee]:
                    continue
                usual = self._usual(payee)
                cents = self._amount(unit, usual * 10 ** self.rng.uniform(np.log10(2), np.log10(6)))
                v = cents and self._pay(day, q, payee, cents)
                if v:
                    return self._record("ML_ECON_MISMATCH", unit, v, day,
                                        f"{who}首次以经济分类 {q.econ} 收款（此前仅 {'、'.join(sorted(classes[payee] - {q.econ[:3]}))} 类）")
        return False

    def repeat_payment(self, day, _arg=None) -> bool:
        cal = days.year(day.year)
        index = cal.index(day)
        later = [i for i in range(index + 1, min(index + 7, cal.length)) if cal.workday[i]]
        k = min(len(later) + 1, 4 + int(self.rng.random() < 0.5))
        if k < 4:
            return False
        p = self.payments
        for unit in self._units():
            for q in self._quotas(unit, GOODS)[:3]:
                pool = [x for x in (q.payees or unit.suppliers.get(q.mode, [])) if self._usual(x)]
                if not pool:
                    continue
                payee = pool[int(self.rng.integers(len(pool)))]
                parts = [self._amount(unit, self._usual(payee) * 10 ** self.rng.uniform(-0.15, 0.15)) for _ in range(k)]
                if None in parts or max(parts) >= LIMIT or p.window(unit.idx, payee) + sum(parts) >= LIMIT \
                        or q.remaining < 3 * sum(parts):
                    continue
                v = self._pay(day, q, payee, parts[0], reserve=later[k - 2] - index + 8)
                if not v:
                    continue
                group = {"unit": unit, "payee": payee, "q": q, "first": day, "vouchers": [v.no]}
                for n, (i, cents) in enumerate(zip(later[:k - 1], parts[1:]), start=2):
                    self.a.tasks[i].append(("ML_REPEAT_FOLLOW", (group, cents, n == k)))
                return True
        return False

    def repeat_follow(self, day, arg) -> bool:
        group, cents, last = arg
        q, unit, payee = group["q"], group["unit"], group["payee"]
        cents = self._free(unit, payee, cents)
        if q.remaining >= cents and (unit.idx, payee) not in self.payments.today_payee:
            group["vouchers"].append(self.payments.pay(q, payee, cents).no)
        if last and len(group["vouchers"]) >= 2:
            account = self.a.cast.payees[payee].account
            self.a.truth.add("ML_REPEAT_PAYMENT", "ML_OUTLIER", "voucher_group", f"{unit.code}|{account}|{group['first']}",
                             day, group["vouchers"], f"{len(group['vouchers'])} 个工作日内向同一收款人连续支付 "
                             f"{len(group['vouchers'])} 笔，金额均为其常规水平")
        return True
