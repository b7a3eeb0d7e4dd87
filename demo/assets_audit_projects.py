"""State assets (ASSET, quarterly), audit issues and their rectification (AUDIT), major projects (PROJ)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from demo import days
from demo.anomalies import GroundTruth
from demo.city import REGIONS, SOES, Cast, Unit
from demo.budget import money

FINANCIAL = (("示范市农村商业银行股份有限公司", 6.0e10, 0.92), ("示范市融资担保集团有限公司", 5.0e9, 0.40),
             ("示范市金融控股集团有限公司", 1.5e10, 0.55))
SOE_SIZE = (8.0e10, 5.0e10, 1.2e10, 6.0e9, 3.0e10, 1.0e10)
NATURAL = (("国有建设用地", 60_000), ("国有林地", 250_000), ("国有水域", 40_000))
REPORT_LAG_DAYS = 20  # a quarter's snapshot is delivered 20 days after the quarter ends
AUDIT_TEXT = {
    "预算管理": ("部分项目预算编制不细化，年初未落实到具体项目", "无预算、超预算列支费用", "结转结余资金未按规定统筹使用"),
    "三公经费": ("超标准列支公务接待费", "公务用车运行维护费未按规定核算", "因公出国（境）超范围安排活动"),
    "政府采购": ("应公开招标的项目采用询价方式采购", "化整为零规避政府采购", "采购合同履行验收不到位"),
    "专项资金": ("专项资金拨付不及时，资金滞留", "挤占挪用专项资金", "专项资金绩效目标未实现"),
    "债务管理": ("专项债券资金闲置", "债券资金用于非资本性支出", "隐性债务化解进度滞后"),
    "国有资产": ("固定资产未及时入账", "国有资产出租未履行审批程序", "资产处置收入未及时上缴"),
    "其他": ("内部控制制度执行不到位", "会计核算不规范", "往来款项长期未清理"),
}


def _quarter_ends(start: dt.date, to: dt.date) -> list[dt.date]:
    out = []
    for y in range(start.year - 1, to.year + 1):
        for m, d in ((3, 31), (6, 30), (9, 30), (12, 31)):
            period = dt.date(y, m, d)
            if start <= period + dt.timedelta(days=REPORT_LAG_DAYS) <= to:
                out.append(period)
    return out


class Assets:
    """Quarterly snapshots: enterprises, financial enterprises, administrative units (元) and natural resources (亩)."""

    def __init__(self, cast: Cast, seed: int, start: dt.date, to: dt.date):
        rng = np.random.default_rng([seed, 10])
        entities = []  # (region, category, code, name, assets, liability ratio, revenue ratio, unit of measure)
        for i, (name, size) in enumerate(zip(SOES, SOE_SIZE)):
            entities.append(("419900", "企业国有资产", f"QY{i + 1:03d}", name, size, rng.uniform(0.55, 0.68), 0.08, "元"))
        for k, region in enumerate(REGIONS[1:], start=1):
            label = region.name.removeprefix("示范市")
            entities.append((region.code, "企业国有资产", f"QY{100 + k:03d}", f"{label}城市建设投资有限公司",
                             rng.uniform(6e9, 1.5e10), rng.uniform(0.6, 0.7), 0.05, "元"))
        for i, (name, size, ratio) in enumerate(FINANCIAL):
            entities.append(("419900", "金融企业国有资产", f"JR{i + 1:03d}", name, size, ratio, 0.04, "元"))
        for u in cast.units:
            if u.kind in ("admin", "hospital", "works", "finance", "welfare"):
                entities.append((u.region.code, "行政事业性国有资产", u.code, u.name, rng.uniform(5e7, 3e9) * u.weight,
                                 rng.uniform(0.03, 0.15), 0.3 if u.kind == "hospital" else 0.0, "元"))
        for region in REGIONS:
            for k, (name, area) in enumerate(NATURAL, start=1):
                entities.append((region.code, "国有自然资源", f"ZR{region.code}{k:02d}", f"{region.name}{name}",
                                 area * region.weight * rng.uniform(0.7, 1.3), 0.0, 0.0, "亩"))
        self.by_day: dict[dt.date, list] = defaultdict(list)
        periods = _quarter_ends(start, to)
        for region, category, code, name, size, ratio, turnover, measure in entities:
            value, liab = size, ratio
            growth = rng.uniform(0.002, 0.02)
            for period in periods:
                value *= 1 + growth + rng.normal(0, 0.004)
                liab = min(0.95, max(0.0, liab + rng.normal(0, 0.003)))
                row = {"period": period, "region_code": region, "category": category, "entity_code": code,
                       "entity_name": name, "total_assets": money(int(value * 100)), "unit_of_measure": measure}
                if measure == "元":
                    liabilities = int(value * liab * 100)
                    row.update(total_liabilities=money(liabilities), equity=money(int(value * 100) - liabilities))
                    if turnover:
                        revenue = int(value * turnover * period.month / 12 * 100)
                        row.update(revenue=money(revenue), profit=money(int(revenue * rng.uniform(0.02, 0.08))))
                self.by_day[period + dt.timedelta(days=REPORT_LAG_DAYS)].append(row)

    def add(self, day: dt.date, out: dict[str, list]) -> None:
        out["ASSET"].extend(self.by_day.pop(day, []))


class Audit:
    """Each year's audit report (late June) and the rectification of its issues; some stay open past deadline."""

    def __init__(self, cast: Cast, seed: int, start: dt.date, to: dt.date, truth: GroundTruth, retired: set[str]):
        rng = np.random.default_rng([seed, 11])
        self.by_day: dict[dt.date, list] = defaultdict(list)
        units = [u for u in cast.units if u.code not in retired]
        categories = list(AUDIT_TEXT)
        for y in range(start.year, to.year + 1):
            cal = days.year(y)
            found = cal.day(cal.next_workday(cal.index(dt.date(y, 6, 24))))
            if not start <= found <= to:
                continue
            for n in range(1, 31):
                unit = units[int(rng.integers(len(units)))]
                category = categories[int(rng.integers(len(categories)))]
                amount = int(rng.lognormal(np.log(2e6), 1.2) * 100)
                deadline = found + dt.timedelta(days=int(rng.choice((90, 120, 180))))
                issue = {"issue_id": f"SJ{y}{n:03d}", "region_code": unit.region.code, "unit_code": unit.code,
                         "category": category, "description": AUDIT_TEXT[category][int(rng.integers(3))],
                         "amount": money(amount), "found_date": found, "deadline": deadline}
                fate = rng.random()
                steps = [(found, "未整改", 0)]
                if fate >= 0.05:
                    steps.append((found + dt.timedelta(days=int(rng.integers(20, 60))), "整改中",
                                  int(amount * rng.uniform(0.2, 0.6))))
                if fate >= 0.25:
                    late = fate < 0.40
                    when = deadline + dt.timedelta(days=int(rng.integers(10, 90))) if late else \
                        deadline - dt.timedelta(days=int(rng.integers(0, 30)))
                    steps.append((max(when, steps[-1][0] + dt.timedelta(days=7)), "已整改",
                                  amount if rng.random() < 0.8 else int(amount * rng.uniform(0.9, 1.0))))
                for when, status, rectified in steps:
                    if when <= to:
                        self.by_day[when].append({**issue, "status": status, "rectified_amount": money(rectified),
                                                  "updated_date": when})
                overdue = deadline + dt.timedelta(days=1)
                if overdue <= to and _status_on(steps, overdue) != "已整改":
                    truth.add("AUDIT_OVERDUE", "AUDIT_OVERDUE", "audit_issue", issue["issue_id"], overdue, (),
                              f"整改期限 {deadline} 已过，仍为{_status_on(steps, overdue)}")

    def add(self, day: dt.date, out: dict[str, list]) -> None:
        out["AUDIT"].extend(self.by_day.pop(day, []))


def _status_on(steps, day: dt.date) -> str:
    return [status for when, status, _ in steps if when <= day][-1]


class Projects:
    """Monthly progress of the city's major projects, from what their budget lines actually paid."""

    def __init__(self, cast: Cast, seed: int, projects: dict[tuple[int, str], tuple[str, str]]):
        rng = np.random.default_rng([seed, 12])
        majors = [(u, spec) for u in cast.units if u.kind in ("works", "hospital") for spec in u.projects
                  if spec.econ in ("31005", "31001", "31006")]
        chosen = [majors[i] for i in sorted(rng.choice(len(majors), size=min(20, len(majors)), replace=False))]
        self.projects = {}
        for u, spec in chosen:
            code, name = projects[(u.idx, spec.name)]
            self.projects[code] = {"unit": u, "name": name, "fiscal": rng.uniform(0.5, 0.85), "years": int(rng.integers(4, 9)),
                                   "head_start": rng.uniform(1.0, 2.5), "total": None, "before": 0, "year": None}
        self.pending: dict[dt.date, list] = defaultdict(list)

    def month_end(self, day: dt.date, quotas) -> None:
        """Record each major project's progress at a month end; it is delivered ten days later.

        Completed investment is what the project's budget lines paid, grossed up by the share the budget
        funds (the rest comes from bonds, loans and enterprises)."""
        paid, planned = defaultdict(int), defaultdict(int)
        for q in quotas:
            if q.project_code in self.projects:
                paid[q.project_code] += q.paid
                planned[q.project_code] += q.adjusted
        for code, p in self.projects.items():
            if not planned[code]:
                continue
            plan = int(planned[code] / p["fiscal"]) // 100 * 100
            ytd = int(paid[code] / p["fiscal"])
            if p["total"] is None:  # first report: the project started some years ago
                p["before"] = int(plan * p["head_start"])
                p["total"] = p["before"] + plan * p["years"]
            if p["year"] != day.year:
                p["year"], p["start_of_year"] = day.year, p["before"]
            if day.month == 12:
                p["before"] = p["start_of_year"] + ytd
            unit: Unit = p["unit"]
            self.pending[day + dt.timedelta(days=10)].append({
                "project_code": code, "project_name": p["name"], "region_code": unit.region.code, "unit_code": unit.code,
                "total_investment": money(max(p["total"], p["start_of_year"] + ytd) // 100 * 100),
                "annual_plan": money(plan), "ytd_completed": money(ytd), "cum_completed": money(p["start_of_year"] + ytd),
                "report_date": day})

    def add(self, day: dt.date, out: dict[str, list]) -> None:
        out["PROJ"].extend(self.pending.pop(day, []))
