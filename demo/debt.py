"""Government bonds (DEBT_BOND), their debt service (DEBT_FLOW) and the debt limits (DEBT_LIMIT).

Issuance starts in 2015 so that the balance the demo opens with is realistic; bonds still outstanding on the
first day are delivered in the first folder. Coupons follow the schedule indicators.md defines (anniversaries
for 按年付息, every six months for 半年付息, everything at maturity for 到期一次还本付息), principal is repaid in
one sum at maturity and usually refinanced. Each region's bonds are scaled to a chosen debt ratio.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from demo import days
from demo.city import REGIONS
from demo.budget import money
from demo.revenue import fin_cap

FIRST_ISSUE_YEAR = 2015
DEBT_RATIO = {"419900": 0.84, "419901": 0.63, "419902": 0.93, "419921": 1.12, "419922": 1.24, "419981": 0.72}
RATE_BY_YEAR = {2015: 3.30, 2016: 2.95, 2017: 3.90, 2018: 3.85, 2019: 3.40, 2020: 3.20, 2021: 3.30, 2022: 3.00,
                2023: 2.80, 2024: 2.35, 2025: 2.05}
SPECIAL_PROJECTS = ("城市基础设施建设", "收费公路建设", "棚户区改造", "产业园区基础设施", "城乡供水一体化", "冷链物流设施")
CN_NUMBERS = "一二三四五六七八九十"


@dataclass
class Bond:
    code: str
    name: str
    region: str
    type: str
    kind: str
    issue: dt.date
    maturity: dt.date
    rate_bp: int  # coupon in hundredths of a percent (2.35 % → 235)
    freq: str
    amount: int  # 分
    project: str

    @property
    def term(self) -> int:
        return self.maturity.year - self.issue.year

    def row(self) -> dict:
        return {"bond_code": self.code, "bond_name": self.name, "region_code": self.region, "bond_type": self.type,
                "issue_kind": self.kind, "issue_date": self.issue, "maturity_date": self.maturity,
                "coupon_rate": f"{self.rate_bp // 100}.{self.rate_bp % 100:02d}", "coupon_freq": self.freq,
                "amount": money(self.amount), "project_name": self.project}

    def flows(self) -> list[tuple[dt.date, str, int]]:
        """(date, kind, 分) of every coupon, the principal and the issue fee."""
        out = [(self.issue, "发行费", self.amount // 1000)]
        if self.freq == "到期一次还本付息":
            out.append((self.maturity, "付息", _interest(self.amount, self.rate_bp * self.term)))
        else:
            step = 12 if self.freq == "按年付息" else 6
            per = _interest(self.amount, self.rate_bp * step // 12)
            for k in range(1, self.term * 12 // step + 1):
                out.append((_add_months(self.issue, k * step), "付息", per))
        out.append((self.maturity, "还本", self.amount))
        return out


def _interest(amount: int, rate_bp: int) -> int:
    """amount × rate / 100, rounded to the 分 (rate in hundredths of a percent)."""
    return (amount * rate_bp + 5_000) // 10_000


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return day.replace(year=day.year + m // 12, month=m % 12 + 1)  # issue days are ≤ 28


class Debt:
    def __init__(self, seed: int, start: dt.date, to: dt.date):
        self.start, self.to = start, to
        rng = np.random.default_rng([seed, 9])
        bonds: list[Bond] = []
        for region in REGIONS:
            mine = self._issue(region, rng)
            target = DEBT_RATIO[region.code] * sum(fin_cap(region, to.year).values()) * 100
            factor = target / max(1, self._balance(mine, to))
            for b in mine:
                b.amount = max(10_000_000, int(b.amount * factor) // 10_000_000 * 10_000_000)
            bonds += mine
        self.bonds = [b for b in bonds if b.maturity >= start and b.issue <= to]
        self.by_day: dict[dt.date, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for b in self.bonds:
            self.by_day[max(b.issue, start)]["DEBT_BOND"].append(b.row())
            for k, (when, kind, cents) in enumerate(b.flows()):
                if start <= when <= to and (kind != "发行费" or b.issue >= start):
                    self.by_day[when]["DEBT_FLOW"].append({"flow_id": f"{b.code}-{k:03d}", "bond_code": b.code,
                                                           "date": when, "kind": kind, "amount": money(cents)})
        self._limits(rng)

    def _issue(self, region, rng) -> list[Bond]:
        out: list[Bond] = []
        city = region.code == "419900"
        seq = defaultdict(int)

        def bond(y, kind, btype, issue, term, amount):
            seq[(y, btype)] += 1
            n = seq[(y, btype)]
            rate = RATE_BY_YEAR.get(y, 2.0) + 0.04 * (term - 7) + rng.uniform(-0.15, 0.15)
            rate_bp = int(round(min(4.2, max(2.0, rate)) * 100))
            freq = "半年付息" if term >= 10 else ("到期一次还本付息" if term <= 5 and rng.random() < 0.25 else "按年付息")
            label = "一般债券" if btype == "一般债券" else "专项债券"
            name = f"{y}年{region.name}政府{label}（{'再融资' if kind == '再融资债券' else ''}{CN_NUMBERS[min(n, 10) - 1]}期）"
            project = "" if btype == "一般债券" else SPECIAL_PROJECTS[int(rng.integers(len(SPECIAL_PROJECTS)))]
            out.append(Bond(f"ZQ{region.code}{y}{'G' if btype == '一般债券' else 'Z'}{n:02d}", name, region.code, btype, kind,
                            issue, issue.replace(year=issue.year + term), rate_bp, freq, amount, project))

        for y in range(FIRST_ISSUE_YEAR, self.to.year + 1):
            for btype, share, terms, weights in (("一般债券", 0.4, (3, 5, 7, 10), (.15, .3, .25, .3)),
                                                 ("专项债券", 0.6, (5, 7, 10, 15, 20, 30), (.1, .15, .3, .2, .15, .1))):
                for _ in range(int(rng.integers(1, 4 if city else 3))):
                    issue = dt.date(y, int(rng.integers(3, 12)), int(rng.integers(1, 29)))
                    bond(y, "新增债券", btype, issue, int(rng.choice(terms, p=weights)),
                         int(share * 1e12 * rng.uniform(0.5, 1.5) * 1.08 ** (y - FIRST_ISSUE_YEAR)))
            for b in [b for b in out if b.maturity.year == y]:
                if rng.random() < 0.9 and b.maturity <= self.to:
                    issue = b.maturity - dt.timedelta(days=int(rng.integers(0, 6)))
                    bond(y, "再融资债券", b.type, issue, int(rng.choice((5, 7, 10))),
                         int(b.amount * rng.uniform(0.85, 1.0)))
        return out

    @staticmethod
    def _balance(bonds: list[Bond], day: dt.date, btype: str | None = None) -> int:
        return sum(b.amount for b in bonds if b.issue <= day < b.maturity and btype in (None, b.type))

    def _limits(self, rng) -> None:
        """Each year's limit sits 7–13 % above the highest balance of the year; one limit is revised later."""
        revised = (REGIONS[4].code, self.start.year + 2)
        for y in range(self.start.year, self.to.year + 1):
            cal = days.year(y)
            day = max(self.start, cal.day(cal.next_workday(0)))
            for region in REGIONS:
                mine = [b for b in self.bonds if b.region == region.code]
                for btype in ("一般债券", "专项债券"):
                    changes = {cal.first} | {b.issue for b in mine if b.issue.year == y}
                    peak = max(self._balance(mine, d, btype) for d in changes)
                    limit = int(peak / rng.uniform(0.87, 0.93)) // 1_000_000_000 * 1_000_000_000 + 1_000_000_000
                    row = {"year": y, "region_code": region.code, "bond_type": btype, "amount": money(limit)}
                    self.by_day[day]["DEBT_LIMIT"].append(row)
                    if (region.code, y) == revised and btype == "专项债券":
                        later = cal.day(cal.next_workday(cal.index(dt.date(y, 6, 20))))
                        self.by_day[later]["DEBT_LIMIT"].append({**row, "amount": money(limit + limit // 10 // 100 * 100)})

    def add(self, day: dt.date, out: dict[str, list]) -> None:
        for report, rows in self.by_day.pop(day, {}).items():
            out[report].extend(rows)
