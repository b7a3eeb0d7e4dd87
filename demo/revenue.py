"""Revenue: daily treasury receipts (INC), the revenue budget (INC_BGT) and fiscal capacity (FIN_CAP).

Taxes arrive on working days, heavier in the first half of a month (declarations) and in the quarter-opening
months; land sales come in a few large receipts a month; VAT credit refunds (退库) now and then make a day's
VAT negative. The revenue budget and fiscal capacity are set from the same yearly targets, so completion
rates and debt ratios come out realistic.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from demo import days
from demo.city import REGIONS, Region, growth
from demo.budget import city_totals, money

# code -> (fund type, collector, share of the region's revenue of that fund type)
GENERAL = {"10101": .32, "10104": .12, "10106": .04, "10107": .01, "10109": .05, "10110": .04, "10111": .02,
           "10112": .03, "10113": .05, "10114": .01, "10118": .02, "10119": .06, "10121": .005,
           "10302": .06, "10304": .05, "10305": .04, "10307": .06, "10399": .015}
CODES = {code: ("一般公共预算", "税务" if code.startswith("101") else "财政", share) for code, share in GENERAL.items()}
CODES.update({"10301": ("政府性基金预算", "财政", .97), "10309": ("政府性基金预算", "财政", .03),
              "10306": ("国有资本经营预算", "财政", 1.0), "102": ("社会保险基金预算", "税务", 1.0)})
REVENUE_2023 = {"一般公共预算": 1.6e10, "政府性基金预算": 1.3e10, "国有资本经营预算": 4.0e8, "社会保险基金预算": 4.2e9}
TAX_MONTHS = (1.3, 0.8, 1.0, 1.15, 1.05, 1.0, 1.1, 0.9, 0.95, 1.05, 0.85, 0.85)
LUMPY = {"10301", "10309", "10306", "10113", "10118"}
OCCASIONAL = {"10107", "10114", "10121", "10305", "10399"}


def region_revenue(region: Region, fund: str, y: int) -> float:
    """The region's revenue target of a fund type in year y (元)."""
    return REVENUE_2023[fund] * region.weight * growth(y) * 1.01 ** (y - 2023)


def fin_cap(region: Region, y: int) -> dict[str, float]:
    """The items of the region's fiscal capacity in year y (元)."""
    spend = {fund: total * region.weight for fund, total in city_totals(y).items()}
    general = region_revenue(region, "一般公共预算", y)
    return {"一般公共预算收入": general, "上级补助收入": max(spend["一般公共预算"] * 0.93 - general, general * 0.2),
            "政府性基金收入": region_revenue(region, "政府性基金预算", y),
            "国有资本经营收入": region_revenue(region, "国有资本经营预算", y), "上年结转收入": spend["一般公共预算"] * 0.03,
            "调入资金": spend["一般公共预算"] * 0.04, "其他": spend["一般公共预算"] * 0.01}


class Revenue:
    def __init__(self, seed: int, start: dt.date, to: dt.date):
        self.seed, self.start, self.to = seed, start, to
        self.year = None

    def _year(self, y: int) -> None:
        """The year's receipts by day and its revenue budget deliveries."""
        if y == self.year:
            return
        self.year = y
        rng = np.random.default_rng([self.seed, 8, y])
        cal = days.year(y)
        month = np.array([cal.day(i).month for i in range(cal.length)])
        dom = np.array([cal.day(i).day for i in range(cal.length)])
        out: dict[tuple, int] = {}
        budget_rows, adjusted_rows = [], []
        adjusting = {r.code for r in rng.choice(np.array(REGIONS, dtype=object), size=2, replace=False)}
        for region in REGIONS:
            for code, (fund, collector, share) in CODES.items():
                total = region_revenue(region, fund, y) * share
                if code in LUMPY:
                    w = np.where(cal.workday & (rng.random(cal.length) < 0.12), rng.lognormal(0, 0.6, cal.length), 0.0)
                elif code in OCCASIONAL:
                    w = np.where(cal.workday & (rng.random(cal.length) < 0.5), rng.lognormal(0, 0.4, cal.length), 0.0)
                else:
                    w = np.where(cal.workday, np.asarray(TAX_MONTHS)[month - 1] * np.where(dom <= 15, 1.8, 1.0)
                                 * rng.lognormal(0, 0.3, cal.length), 0.0)
                amounts = np.round(w / w.sum() * total * 100).astype(np.int64)
                if code == "10101":  # VAT credit refunds: a few days where refunds exceed receipts
                    for i in rng.choice(np.flatnonzero(amounts), size=3, replace=False):
                        amounts[i] = -int(amounts[i] * rng.uniform(0.3, 1.5))
                for i in np.flatnonzero(amounts):
                    out[(int(i), region.code, code)] = int(amounts[i])
                planned = int(total * rng.uniform(0.97, 1.04) / 10_000) * 1_000_000
                key = {"year": y, "region_code": region.code, "code": code, "fund_type": fund}
                budget_rows.append({**key, "kind": "年初预算", "amount": money(planned)})
                if region.code in adjusting and rng.random() < 0.5:
                    revised = int(total * rng.uniform(0.96, 1.06) / 10_000) * 1_000_000
                    adjusted_rows.append({**key, "kind": "调整预算", "amount": money(revised)})
        self.budgets = [(cal.next_workday(0), budget_rows),
                        (cal.next_workday(cal.index(dt.date(y, 8, 25))), adjusted_rows)]
        self.by_day = defaultdict(list)
        for (i, region, code), cents in sorted(out.items()):
            fund, collector, _ = CODES[code]
            self.by_day[i].append({"date": cal.day(i), "region_code": region, "code": code, "fund_type": fund,
                                   "collector": collector, "amount": money(cents)})

    def add(self, day: dt.date, out: dict[str, list]) -> None:
        y = day.year
        self._year(y)
        cal = days.year(y)
        index = cal.index(day)
        out["INC"].extend(self.by_day.get(index, []))
        for when, rows in self.budgets:
            if when == index or (day == self.start and when < index):
                out["INC_BGT"].extend(rows)
        self._fin_cap(day, out)

    def _fin_cap(self, day: dt.date, out: dict[str, list]) -> None:
        y = day.year
        cal = days.year(y)
        delivery = cal.day(cal.next_workday(0))
        if day == delivery or (day == self.start and self.start > delivery):
            for region in REGIONS:
                out["FIN_CAP"].extend({"year": y, "region_code": region.code, "item": item,
                                       "amount": money(int(round(value / 10_000)) * 1_000_000)}
                                      for item, value in fin_cap(region, y).items())
        revision = _revision_day(self.start)
        if day == revision:  # one revision: a county's transfers and land revenue come in higher
            region = REGIONS[3]
            items = fin_cap(region, y)
            out["FIN_CAP"].extend({"year": y, "region_code": region.code, "item": item,
                                   "amount": money(int(round(items[item] * 1.08 / 10_000)) * 1_000_000)}
                                  for item in ("上级补助收入", "政府性基金收入"))


def _revision_day(start: dt.date) -> dt.date:
    cal = days.year(start.year + 1)
    return cal.day(cal.next_workday(cal.index(dt.date(start.year + 1, 7, 15))))
