"""The anomalies the demo plants, and the ground truth that lists them (ground_truth.csv).

Per-voucher anomalies are made on their day from the live state of the payments (a duplicate copies a real
earlier payment, an overspend takes what is left on a real quota plus some). Unit-level ones change how a unit
spends for a year (UnitPlan) and are written to the ground truth at a checkpoint only when the figure the rule
reads holds there, measured on what was generated. The same measurements over every other subject count
the background's false positives, which the summary reports (they should be zero or close).
"""
from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np

from demo import days
from demo.budget import SANGONG_ECON, Event, Quota, UnitPlan
from demo.city import Cast, Unit
from demo.ml_plants import MlPlants
from demo.payments import BAND, LIMIT, ROUND, ROUND_FROM, Payments

PER_VOUCHER = {"DUP_PAY": 24, "SPLIT_PAY": 24, "JUST_BELOW": 24, "OFF_DAY_PAY": 24, "NEW_PAYEE_LARGE": 24,
               "PAY_OVER_QUOTA": 24, "PAYEE_AMOUNT_SPIKE": 24}
SPEND_MODES = ("office", "repair", "service", "misc", "contract", "equipment")
BENFORD_P = np.log10(1 + 1 / np.arange(10, 100))
TRUTH_COLUMNS = ("anomaly_type", "rule_id", "subject_level", "subject_code", "voucher_nos", "business_date", "note")
SANGONG_NAMES = {"30212": "因公出国（境）费用", "30217": "公务接待费", "30231": "公务用车运行维护费", "30913": "公务用车购置费",
                 "31013": "公务用车购置费"}


class GroundTruth:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, anomaly: str, rule: str, level: str, subject: str, day: dt.date, vouchers=(), note: str = ""):
        self.rows.append({"anomaly_type": anomaly, "rule_id": rule, "subject_level": level, "subject_code": subject,
                          "voucher_nos": " ".join(vouchers), "business_date": day.isoformat(), "note": note})

    def write(self, path: Path) -> None:
        rows = sorted(self.rows, key=lambda r: (r["business_date"], r["anomaly_type"], r["rule_id"], r["subject_code"]))
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, TRUTH_COLUMNS, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for r in self.rows:
            out[r["anomaly_type"] if r["anomaly_type"] == r["rule_id"] else f"{r['anomaly_type']}→{r['rule_id']}"] += 1
        return dict(sorted(out.items()))


def _ref(unit: Unit, no: str) -> str:
    return f"{unit.region.code}/{no}"


class Anomalies:
    def __init__(self, cast: Cast, seed: int, start: dt.date, to: dt.date, truth: GroundTruth):
        self.cast, self.seed, self.start, self.to, self.truth = cast, seed, start, to, truth
        rng = np.random.default_rng([seed, 5])
        offices = [u for u in cast.units if u.kind in ("admin", "public") and u.region.code == "419900"
                   and "30217" in u.sangong]
        self.early = [offices[i].idx for i in rng.choice(len(offices), size=2, replace=False)]  # see unit_plans
        hospitals = [u for u in cast.units if u.kind == "hospital"]
        self.fabricating = hospitals[int(rng.integers(len(hospitals)))].idx
        self.background_hits: dict[str, int] = defaultdict(int)
        self.misses: dict[str, int] = defaultdict(int)
        self.dec_share: dict[int, list[float]] = defaultdict(list)
        self.sangong_paid: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
        self.ml = MlPlants(self)

    # -- the year's unit plans -----------------------------------------------------------------------------
    def unit_plans(self, y: int, active: list[Unit]) -> dict[int, UnitPlan]:
        rng = np.random.default_rng([self.seed, 6, y])
        first = y == self.start.year
        december = dt.date(y, 12, 31) <= self.to
        plans: dict[int, UnitPlan] = {}
        taken = set(self.early) | {self.fabricating}
        for k, u in enumerate(self.early):
            surging = december and y == self.start.year + 1 + k
            plans[u] = UnitPlan() if surging else UnitPlan(profile=days.EARLY)
        plans[self.fabricating] = UnitPlan(fabricated=True)
        pool = [u for u in active if u.idx not in taken]
        order = [pool[i] for i in rng.permutation(len(pool))]

        def take(n: int, ok=lambda u: True) -> list[Unit]:
            chosen = [u for u in order if u.idx not in taken and ok(u)][:n]
            taken.update(u.idx for u in chosen)
            return chosen

        if december and y == self.start.year + 2:
            for u in take(1, lambda u: u.kind in ("admin", "public") and u.region.code == "419900"):
                plans[u.idx] = UnitPlan(pace="surge")
        depts: set[str] = set()
        for u in order:
            if len(depts) < 3 and u.idx not in taken and u.dept_code not in depts and \
                    u.kind in ("admin", "public", "school") and self._small_in_dept(u, active):
                depts.add(u.dept_code)
                taken.add(u.idx)
                plans[u.idx] = UnitPlan(pace="lag")
        for u, variant in zip(take(3, lambda u: u.kind in ("admin", "public", "school")), ("count", "rate30", "rate60")):
            plans[u.idx] = UnitPlan(supplement=variant)
        with_reception = lambda u: "30217" in u.sangong and u.kind in ("admin", "works", "hospital")
        for u in take(2, with_reception):
            plans[u.idx] = UnitPlan(sangong=("early", "30217"))
        for u in take(1, with_reception):
            plans[u.idx] = UnitPlan(sangong=("over", "30217"))
        if not first:
            for u in take(2, lambda u: "30231" in u.sangong and u.region.code == "419900"):
                plans[u.idx] = UnitPlan(sangong=("yoy", "30231"))
        for u in take(2, lambda u: u.kind in ("works", "admin")):
            plans[u.idx] = UnitPlan(round_every=3)
        for u in take(2, lambda u: u.kind == "works" and u.works in ("roads", "water", "urban")):
            contractors = u.suppliers["contract"]
            plans[u.idx] = UnitPlan(favourite=contractors[int(rng.integers(len(contractors)))])
        self.plans = plans
        return plans

    @staticmethod
    def _small_in_dept(u: Unit, active: list[Unit]) -> bool:
        dept = [v.weight for v in active if v.dept_code == u.dept_code]
        return u.weight / sum(dept) < 0.12

    # -- per-voucher plants --------------------------------------------------------------------------------
    def begin_year(self, y: int, quotas: list[Quota], events: list[Event], payments: Payments, active: list[Unit]):
        self.year, self.quotas, self.payments, self.active = y, quotas, payments, active
        self.rng = np.random.default_rng([self.seed, 7, y])
        cal = days.year(y)
        first = max(self.start, dt.date(y, 1, 1))
        last = min(self.to, dt.date(y, 12, 31))
        span = [i for i in range(cal.index(first), cal.index(last) + 1)]
        work = [i for i in span if cal.workday[i]]
        off = [i for i in span if not cal.workday[i]]
        self.tasks: dict[int, list] = defaultdict(list)
        windows = {"DUP_PAY": [i for i in work if i >= 20], "NEW_PAYEE_LARGE": [i for i in work if i >= 31],
                   "PAYEE_AMOUNT_SPIKE": [i for i in work if i >= 90], "OFF_DAY_PAY": off,
                   "SPLIT_PAY": [i for i in work if i + 7 <= cal.index(last)],
                   "PAY_OVER_QUOTA": [i for i in work if cal.day(i).month >= 11], "JUST_BELOW": work}
        for kind, n in PER_VOUCHER.items():
            eligible = windows[kind]
            if eligible:
                for i in sorted(self.rng.choice(eligible, size=min(n, len(eligible)), replace=False)):
                    self.tasks[int(i)].append((kind, None))
        self.ml.schedule(y, work)
        for u, plan in self.plans.items():
            if plan.sangong and plan.sangong[0] == "over":
                nov = [i for i in work if cal.day(i).month == 11]
                if nov:
                    self.tasks[int(self.rng.choice(nov))].append(("SANGONG_OVER", u))
        self.checks: dict[int, list] = defaultdict(list)
        if self.start <= dt.date(y, 1, 1):  # a year seen from its middle: its unit-level figures mean nothing
            self._lag_subjects()
            for i in range(cal.index(dt.date(y, 4, 1)), cal.index(last) + 1):
                self.checks[i].append(self._check_lag)
            self.checks[cal.index(min(last, dt.date(y, 9, 30)))].append(self._check_sangong)
            self.checks[cal.index(last)].append(self._check_year)
            if last.month == 12 and last.day == 31:
                self.checks[cal.index(dt.date(y, 11, 30))].append(self._snapshot_november)
        self.supplements = [e for e in events if e.kind == "追加"]
        self.observed = _Observed()

    def run(self, day: dt.date) -> None:
        """Today's planted vouchers (and follow-ups of groups started earlier)."""
        index = days.year(day.year).index(day)
        for kind, arg in self.tasks.pop(index, []):
            made = (self.ml.handler(kind) or getattr(self, "_" + kind.lower()))(day, arg)
            if not made:
                self.misses[kind] += 1

    def end_day(self, day: dt.date) -> None:
        self.observed.add(self.cast, self.payments)
        for econ_key, paid in self.observed.sangong_today.items():
            self.sangong_paid[econ_key].append((day.toordinal(), paid))
        for check in self.checks.pop(days.year(day.year).index(day), []):
            check(day)

    # helpers
    def _units(self, rng=None):
        """Active units in random order, except those planted for a whole year (their figures stay clean)."""
        order = (rng or self.rng).permutation(len(self.active))
        return [u for u in (self.active[i] for i in order) if u.idx not in self.plans]

    def _quota(self, unit: Unit, modes, need: int) -> Quota | None:
        fits = [q for q in self.quotas if q.unit is unit and q.mode in modes and not q.closed and q.adjusted > 0
                and q.remaining >= need]
        return fits[int(self.rng.integers(len(fits)))] if fits else None

    def _payee_for(self, q: Quota, cents: int) -> int | None:
        pool = q.payees or q.unit.suppliers.get(q.mode, [])
        for i in self.rng.permutation(len(pool)):
            p = pool[int(i)]
            if self.payments.first_day.get(p) is not None and self.payments.clear(q.unit.idx, p, cents) \
                    and self.payments.window(q.unit.idx, p) == 0:
                return p
        return None

    def _amount(self, lo: float, hi: float) -> int:
        """A planted amount in 元 range [lo, hi), with cents, never a round 10,000."""
        cents = int(self.rng.uniform(lo, hi) * 100)
        return cents + 1 if cents % ROUND == 0 else cents

    def _reserve(self, unit: Unit, payee: int, until: int) -> None:
        self.payments.reserved[(unit.idx, payee)] = until

    def _single(self, day: dt.date, kind: str, modes, lo: float, hi: float, room: int, note: str) -> bool:
        for unit in self._units():
            q = self._quota(unit, modes, room)
            if q is None:
                continue
            cents = self._amount(lo, hi)
            payee = self._payee_for(q, cents)
            if payee is None:
                continue
            self._reserve(unit, payee, day.toordinal() + 8)
            v = self.payments.pay(q, payee, cents)
            self.truth.add(kind, kind, "voucher", _ref(unit, v.no), day, [v.no], note)
            return True
        return False

    # the plants, one method per kind (name = "_" + kind.lower())
    def _dup_pay(self, day: dt.date, _arg) -> bool:
        """A payment made again: by the same unit 8–25 days later, or by another unit within 25 days."""
        cross = self.rng.random() < 0.5
        today = day.toordinal()
        for v in list(self.payments.recent):
            age = today - v.day
            if not (1 if cross else 8) <= age <= 25 or v.no in self.payments.refunded or v.quota.unit.idx in self.plans:
                continue
            need = v.cents * 3
            if cross:
                q = next((q for u in self._units()[:20] if u is not v.quota.unit
                          and (q := self._quota(u, ("office", "service", "misc", "repair"), need))), None)
            elif v.quota.year == self.year and not v.quota.closed and v.quota.remaining >= need:
                q = v.quota
            else:
                q = self._quota(v.quota.unit, SPEND_MODES, need)
            if q is None or not self.payments.clear(q.unit.idx, v.payee, v.cents) or \
                    (q.unit.idx, v.cents) in self.payments.today_amount:
                continue
            self.payments.recent.remove(v)
            w = self.payments.pay(q, v.payee, v.cents)
            self.truth.add("DUP_PAY", "DUP_PAY", "voucher_pair", f"{_ref(v.quota.unit, v.no)}|{_ref(q.unit, w.no)}", day,
                           [v.no, w.no], "不同单位向同一收款人支付相同金额" if cross else f"同一单位相隔 {age} 天重复支付")
            return True
        return False

    def _split_pay(self, day: dt.date, _arg) -> bool:
        cal = days.year(day.year)
        index = cal.index(day)
        later = [i for i in range(index + 1, index + 7) if cal.workday[i]]
        k = 2 if len(later) < 2 or self.rng.random() < 0.6 else 3
        for unit in self._units():
            q = self._quota(unit, ("contract", "equipment", "service"), 400_000_000)
            if q is None:
                continue
            total = self.rng.uniform(1.05e6, 0.93e6 * k)
            parts = [self._amount(total / k * 0.92, min(total / k * 1.08, 949_000)) for _ in range(k)]
            payee = self._payee_for(q, parts[0])
            if payee is None or sum(parts) < LIMIT or len(later) < k - 1:
                continue
            follow = [int(i) for i in sorted(self.rng.choice(later, size=k - 1, replace=False))]
            self._reserve(unit, payee, cal.day(follow[-1]).toordinal() + 8)
            group = {"unit": unit, "payee": payee, "vouchers": [self.payments.pay(q, payee, parts[0]).no], "q": q,
                     "first": day}
            for i, cents in zip(follow, parts[1:]):
                self.tasks[i].append(("SPLIT_FOLLOW", (group, cents, i == follow[-1])))
            return True
        return False

    def _split_follow(self, day: dt.date, arg) -> bool:
        group, cents, last = arg
        v = self.payments.pay(group["q"], group["payee"], cents)
        group["vouchers"].append(v.no)
        if last:
            account = self.cast.payees[group["payee"]].account
            self.truth.add("SPLIT_PAY", "SPLIT_PAY", "voucher_group", f"{group['unit'].code}|{account}|{group['first']}",
                           day, group["vouchers"], f"{len(group['vouchers'])} 笔均低于 1,000,000 元，合计不低于该限额")
        return True

    def _just_below(self, day, _arg) -> bool:
        return self._single(day, "JUST_BELOW", ("contract", "equipment", "service"), 950_000, 999_999.99, 200_000_000,
                            "金额略低于 1,000,000 元采购限额")

    def _off_day_pay(self, day, _arg) -> bool:
        return self._single(day, "OFF_DAY_PAY", SPEND_MODES, 50_000, 800_000, 100_000_000, "非工作日大额支付")

    def _new_payee_large(self, day, _arg) -> bool:
        for unit in self._units():
            cents = self._amount(5_000_000, 12_000_000)
            q = self._quota(unit, ("contract",), cents * 6)  # a large project: the payment stays a small share
            if q is None:
                continue
            payee = self.cast.new_company("contract")
            v = self.payments.pay(q, payee, cents)
            self.truth.add("NEW_PAYEE_LARGE", "NEW_PAYEE_LARGE", "voucher", _ref(unit, v.no), day, [v.no],
                           "首次收款即超过 5,000,000 元")
            return True
        return False

    def _pay_over_quota(self, day, _arg) -> bool:
        for unit in self._units():
            fits = [q for q in self.quotas if q.unit is unit and q.mode in SPEND_MODES and not q.closed
                    and q.adjusted > 0 and 2_000_000 <= q.remaining <= 60_000_000]
            if not fits:
                continue
            q = fits[int(self.rng.integers(len(fits)))]
            cents = q.remaining + max(100_000, int(q.remaining * self.rng.uniform(0.05, 0.3)))
            cents += 1 if cents % ROUND == 0 else 0
            if BAND <= cents < LIMIT:
                continue
            payee = self._payee_for(q, cents)
            if payee is None:
                continue
            self._reserve(unit, payee, day.toordinal() + 8)
            v = self.payments.pay(q, payee, cents)
            q.closed = True
            self.truth.add("PAY_OVER_QUOTA", "PAY_OVER_QUOTA", "quota", q.id, day, [v.no],
                           f"累计支付超过指标调整后金额（超出 {-q.remaining / 100:,.2f} 元）")
            return True
        return False

    def _payee_amount_spike(self, day, _arg) -> bool:
        for unit in self._units():
            history = self.payments.history
            usual = [(p, statistics.median(history[p])) for p in unit.employees if len(history.get(p, ())) >= 3]
            usual = [(p, u) for p, u in usual if 300_000 <= u <= 3_000_000]
            if not usual:
                continue
            payee, last = usual[int(self.rng.integers(len(usual)))]
            cents = int(last * self.rng.uniform(28, 34)) + int(self.rng.integers(1, 99))
            if cents >= BAND or cents % ROUND == 0:
                continue
            q = self._quota(unit, ("labor", "service", "misc"), cents * 2)
            if q is None or not self.payments.clear(unit.idx, payee, cents):
                continue
            v = self.payments.pay(q, payee, cents, purpose="专家咨询劳务报酬")
            self.truth.add("PAYEE_AMOUNT_SPIKE", "ML_OUTLIER", "voucher", _ref(unit, v.no), day, [v.no],
                           f"个人收款人常规金额约 {last / 100:,.2f} 元，本笔为其约 {cents / last:.0f} 倍")
            return True
        return False

    def _sangong_over(self, day, unit_idx) -> bool:
        q = next((q for q in self.quotas if q.unit.idx == unit_idx and q.econ == "30217"), None)
        if q is None or q.adjusted <= 0:
            return False
        cents = q.remaining + int(q.adjusted * self.rng.uniform(0.3, 0.5)) + int(self.rng.integers(1, 99))
        payee = q.unit.suppliers["hospitality"][0]
        v = self.payments.pay(q, payee, cents)
        q.closed = True
        unit = q.unit
        self.truth.add("SANGONG_OVER", "SANGONG_OVER", "unit", unit.code, day, [v.no], "公务接待费：支出超过预算")
        self.truth.add("SANGONG_OVER", "PAY_OVER_QUOTA", "quota", q.id, day, [v.no], "超预算的公务接待费同时超指标")
        return True

    # -- checkpoints: measured unit-level figures ----------------------------------------------------------
    def _lag_subjects(self) -> None:
        """Index the year's quotas by the subjects EXEC_LAG looks at (unit, dept, project)."""
        keys = {"unit": lambda q: q.unit.code, "dept": lambda q: q.unit.dept_code, "project": lambda q: q.project_code}
        pacing = {u for u, p in self.plans.items() if p.pace}
        self.lag_index, self.lag_subjects, self.lag_fired = {}, [], set()
        for level, key in keys.items():
            index = np.zeros(len(self.quotas), dtype=np.int64)
            for q in self.quotas:
                k = key(q)
                if not k:
                    index[q.idx] = -1
                    continue
                if (level, k) not in self.lag_index:
                    self.lag_index[(level, k)] = len(self.lag_subjects)
                    self.lag_subjects.append([level, k, None])
                i = self.lag_index[(level, k)]
                index[q.idx] = i
                if q.unit.idx in pacing:  # the subject holds a unit planted to lag (or to hold back for December)
                    self.lag_subjects[i][2] = self.plans[q.unit.idx].pace
            self.lag_index[level] = index

    def _check_lag(self, day: dt.date) -> None:
        """EXEC_LAG on every subject: the first day a planted unit's subjects lag goes to the ground truth."""
        cal = days.year(day.year)
        tp = (cal.index(day) + 1) / cal.length
        adjusted = np.array([q.adjusted for q in self.quotas], dtype=np.float64)
        paid = np.array([q.paid for q in self.quotas], dtype=np.float64)
        n = len(self.lag_subjects)
        for level in ("unit", "dept", "project"):
            index = self.lag_index[level]
            ok = index >= 0
            budget = np.bincount(index[ok], adjusted[ok], minlength=n)
            spent = np.bincount(index[ok], paid[ok], minlength=n)
            lagging = (budget >= 100_000_000) & ((spent / np.maximum(budget, 1) - tp) * 100 < -10)
            for i in np.flatnonzero(lagging):
                subject_level, code, pace = self.lag_subjects[i]
                if subject_level != level or (level, code) in self.lag_fired:
                    continue
                self.lag_fired.add((level, code))
                if pace:
                    lag = (spent[i] / budget[i] - tp) * 100
                    self.truth.add("EXEC_LAG" if pace == "lag" else "YEAR_END_SURGE", "EXEC_LAG", level, code, day, (),
                                   f"进度差 {lag:.1f} 个百分点" + ("" if pace == "lag" else "（年底突击支出前压着不付）"))
                else:
                    self.background_hits[f"EXEC_LAG:{level}"] += 1

    def _check_sangong(self, day: dt.date) -> None:
        """SANGONG_OVER (≥ 90 % before October) and SANGONG_YOY, measured for every unit and category."""
        today = day.toordinal()
        last_year = _year_ago(day).toordinal()
        jan1, jan1_last = dt.date(day.year, 1, 1).toordinal(), dt.date(day.year - 1, 1, 1).toordinal()
        budgets = defaultdict(int)
        for q in self.quotas:
            if q.econ in SANGONG_ECON:
                budgets[(q.unit.idx, q.econ)] += q.adjusted
        for (u, econ), budget in budgets.items():
            paid = self.sangong_paid.get((u, econ), [])
            now = sum(c for d, c in paid if jan1 <= d <= today)
            before = sum(c for d, c in paid if jan1_last <= d <= last_year)
            plan = self.plans.get(u, UnitPlan())
            planted = plan.sangong and plan.sangong[1] == econ
            unit = self.cast.units[u]
            if budget and now >= 0.9 * budget:
                if planted and plan.sangong[0] == "early":
                    self.truth.add("SANGONG_OVER", "SANGONG_OVER", "unit", unit.code, day, (),
                                   f"{SANGONG_NAMES[econ]}：10 月前已支出预算的 {now / budget:.0%}")
                else:
                    self.background_hits["SANGONG_OVER"] += 1
            if before and now > before and day.year - 1 >= self.start.year:
                if planted and plan.sangong[0] == "yoy":
                    self.truth.add("SANGONG_YOY", "SANGONG_YOY", "unit", unit.code, day, (),
                                   f"{SANGONG_NAMES[econ]}：同比 {now / before - 1:+.0%}")
                else:
                    self.background_hits["SANGONG_YOY"] += 1

    def _snapshot_november(self, day: dt.date) -> None:
        self.november = defaultdict(int)
        for q in self.quotas:
            self.november[q.unit.idx] += q.paid

    def _check_year(self, day: dt.date) -> None:
        self._check_supplements(day)
        self._check_units(day)
        if day.month == 12 and day.day == 31:
            self._check_year_end(day)

    def _check_supplements(self, day: dt.date) -> None:
        initial, added, rows = defaultdict(int), defaultdict(int), defaultdict(list)
        for q in self.quotas:
            if q.kind == "年初预算":
                initial[q.unit.idx] += q.amount
        for e in self.supplements:
            if e.day <= days.year(day.year).index(day):
                added[e.quota.unit.idx] += e.amount
                rows[e.quota.unit.idx].append(e)
        for u, events in rows.items():
            rate = added[u] / initial[u] if initial[u] else 0
            if rate > 0.2 or len(events) >= 3:
                unit = self.cast.units[u]
                if self.plans.get(u, UnitPlan()).supplement:
                    when = days.year(day.year).day(max(e.day for e in events))
                    self.truth.add("SUPPLEMENT_HIGH", "SUPPLEMENT_HIGH", "unit", unit.code, when, (),
                                   f"追加 {len(events)} 笔，追加率 {rate:.0%}")
                else:
                    self.background_hits["SUPPLEMENT_HIGH"] += 1

    def _check_units(self, day: dt.date) -> None:
        obs = self.observed
        for u, (n, rounds) in obs.round_counts.items():
            region = self.cast.units[u].region.code
            rn, rr = obs.region_round[region]
            if rounds and rounds * rn > 3 * rr * n:
                self._hit(u, self.plans.get(u, UnitPlan()).round_every, "ROUND_AMOUNT", day,
                          f"{rounds}/{n} 笔 ≥ 100,000 元为整万元，本区划 {rr}/{rn}")
        for u, payees in obs.payees.items():
            values = [v for v in payees.values() if v > 0]
            spent = sum(values)
            if obs.vouchers[u] >= 20 and spent >= 1_000_000_000:
                hhi = 10_000 * sum(v * v for v in values) / spent ** 2
                if hhi > 2500:
                    self._hit(u, self.plans.get(u, UnitPlan()).favourite is not None, "PAYEE_CONCENTRATION", day,
                              f"收款人集中度 HHI {hhi:,.0f}")
        for u, counts in obs.digits.items():
            n = counts.sum()
            if n >= 1000:
                mad = float(np.abs(counts / n - BENFORD_P).mean())
                if mad > 0.0022:
                    self._hit(u, self.plans.get(u, UnitPlan()).fabricated, "BENFORD", day,
                              f"{n} 笔首两位数字 MAD {mad:.4f}")

    def _hit(self, u: int, planted, rule: str, day: dt.date, note: str) -> None:
        if planted:
            self.truth.add(rule, rule, "unit", self.cast.units[u].code, day, (), note)
        else:
            self.background_hits[rule] += 1

    def _check_year_end(self, day: dt.date) -> None:
        budget, paid = defaultdict(int), defaultdict(int)
        for q in self.quotas:
            budget[q.unit.idx] += q.adjusted
            paid[q.unit.idx] += q.paid
        for u, b in budget.items():
            if not b or u not in self.november:
                continue
            share = (paid[u] - self.november[u]) / b
            prior = self.dec_share[u]
            if share >= 0.25 or (prior and share >= 2 * statistics.median(prior)):
                plan = self.plans.get(u, UnitPlan())
                planted = plan.pace == "surge" or (u in self.early and plan.profile != days.EARLY)
                self._hit(u, planted, "YEAR_END_SURGE", day, f"12 月支出占调整后预算 {share:.1%}"
                          + (f"，以往中位数 {statistics.median(prior):.1%}" if prior else ""))
            prior.append(share)


def _year_ago(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return dt.date(day.year - 1, 2, 28)


class _Observed:
    """Per-unit tallies of the year's vouchers, for the measured checkpoints."""

    def __init__(self):
        self.round_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.region_round: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.payees: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        self.vouchers: dict[int, int] = defaultdict(int)
        self.digits: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(90, dtype=np.int64))
        self.sangong_today: dict = {}

    def add(self, cast: Cast, payments: Payments) -> None:
        self.sangong_today = defaultdict(int)
        for unit, payee, cents, q in payments.emitted:
            self.payees[unit][payee] += cents
            if cents <= 0:
                continue
            self.vouchers[unit] += 1
            if q.econ in SANGONG_ECON:
                self.sangong_today[(unit, q.econ)] += cents
            if cents >= ROUND_FROM:
                round_ = cents % ROUND == 0
                rc = self.round_counts[unit]
                rc[0] += 1
                rc[1] += round_
                rr = self.region_round[q.unit.region.code]
                rr[0] += 1
                rr[1] += round_
            if cents >= 1_000:
                self.digits[unit][int(str(cents)[:2]) - 10] += 1
