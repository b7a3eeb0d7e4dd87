"""A small city with a whole quarter of every report, for the briefing tests: built straight into the store
(tests.builders), then the day's indicator snapshots and alerts as the daily job leaves them.

Chosen so that every section has something to say: 卫健委 is far behind 序时进度 (a red EXEC_LAG alert), 三公
spending grew on last year, one bond falls due within a year, one audit issue is overdue.
"""
from __future__ import annotations

import datetime as dt

from alerts.engine import evaluate
from indicators.snapshots import refresh
from tests.builders import Builder, city

D = dt.date(2026, 9, 30)  # 2026Q3
MONTHS = range(1, 10)
# unit: (fund type, budget 元, paid each month 元 in 2026)
SPENDING = {
    "100001": ("一般公共预算", 5_000_000, 450_000),
    "100002": ("政府性基金预算", 3_000_000, 250_000),
    "200001": ("一般公共预算", 2_000_000, 20_000),
    "300001": ("一般公共预算", 1_500_000, 100_000),
    "400001": ("一般公共预算", 1_200_000, 110_000),
}


def build(engine) -> None:
    b = city(Builder(engine))
    for unit, (fund_type, budget, monthly) in SPENDING.items():
        b.quota(f"Q{unit}", unit, budget, "2026-01-05", fund_type=fund_type)
        for m in MONTHS:
            b.pay(f"V{unit}{m:02d}", f"Q{unit}", monthly, f"2026-{m:02d}-15")
    # 三公: 公务接待费 at 市教育局, more than last year
    for year, monthly in ((2025, 5_000), (2026, 6_000)):
        b.quota(f"S{year}", "100001", 100_000, f"{year}-01-05", econ_code="30217")
        for m in MONTHS:
            b.pay(f"S{year}{m:02d}", f"S{year}", monthly, f"{year}-{m:02d}-20")
    b.quota("S2026C", "200001", 80_000, "2026-01-05", econ_code="30231")
    b.pay("S2026C01", "S2026C", 30_000, "2026-03-10")
    # revenue, this year and last
    for year, tax, fund in ((2025, 2_800_000, 900_000), (2026, 3_000_000, 800_000)):
        for m in MONTHS:
            b.inc("419900", "10101", tax, f"{year}-{m:02d}-10")
            b.inc("419900", "10302", 400_000, f"{year}-{m:02d}-10")
            b.inc("419901", "10101", 300_000, f"{year}-{m:02d}-12")
            b.inc("419900", "10306", fund, f"{year}-{m:02d}-10", fund_type="政府性基金预算")
    b.inc_bgt("419900", "10101", 40_000_000, 2026)
    b.inc_bgt("419900", "10302", 5_000_000, 2026)
    b.inc_bgt("419901", "10101", 4_000_000, 2026)
    b.inc_bgt("419900", "10306", 12_000_000, 2026, fund_type="政府性基金预算")
    # debt
    b.bond("B1", "419900", 50_000_000, "2022-06-01", "2027-06-01", 3.0)
    b.bond("B2", "419900", 80_000_000, "2024-03-01", "2034-03-01", 2.8, freq="半年付息", bond_type="专项债券")
    b.bond("B3", "419901", 20_000_000, "2023-01-10", "2028-01-10", 3.2)
    b.flow("F1", "B1", "付息", 1_500_000, "2026-06-01")
    b.flow("F2", "B1", "还本", 5_000_000, "2026-06-01")
    b.flow("F3", "B2", "付息", 1_120_000, "2026-03-01")
    b.flow("F4", "B2", "付息", 1_120_000, "2026-09-01")
    b.limit("419900", "一般债券", 60_000_000, 2026)
    b.limit("419900", "专项债券", 90_000_000, 2026)
    b.limit("419901", "一般债券", 25_000_000, 2026)
    b.fin_cap("419900", "一般公共预算财力", 100_000_000, 2026)
    b.fin_cap("419901", "一般公共预算财力", 30_000_000, 2026)
    # state-owned assets, this period and the same period last year
    for period, equity in (("2025-09-30", 60_000_000), ("2026-09-30", 63_000_000)):
        b.asset(period, "419900", "行政事业性国有资产", "E1", 90_000_000, 90_000_000 - equity, equity)
        b.asset(period, "419900", "企业国有资产", "E2", 300_000_000, 180_000_000, 120_000_000)
    # audit issues: one rectified, one overdue, one in time
    b.audit("A1", "419900", "预算管理", 800_000, "已整改", "2026-05-10", rectified=800_000, deadline="2026-06-30")
    b.audit("A2", "419900", "三公经费", 120_000, "整改中", "2026-05-10", rectified=20_000, deadline="2026-06-30")
    b.audit("A3", "419901", "政府采购", 300_000, "未整改", "2026-08-10", deadline="2026-12-31")
    for m in MONTHS:  # month-end snapshots: the history charts read them
        day = dt.date(2026, m + 1, 1) - dt.timedelta(days=1)
        refresh(engine, day, day)
    evaluate(engine, D)
