"""A small city with a year and a half of every report, its snapshots and one alert: the store the dashboard's
page tests read. Rows go in through tests.builders (as the ingest would load them); the snapshots and the alert
are written by their own layers (indicators.snapshots.refresh, alerts.recording.record).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tests.builders import Builder, city

DAY = dt.date(2026, 6, 30)
TOP = "419900"
DEPT, UNIT, FUNC, ECON, QUOTA = "100", "100001", "2050201", "30201", "Q100"
VOUCHERS = [f"V100-{n:02d}" for n in range(1, 7)]  # paid from QUOTA
ALERT_VOUCHERS = ("V100-01", "V100-02")


def fill_city(engine) -> None:
    b = city(Builder(engine))
    for year in (2025, 2026):
        y = str(year)
        b.quota(f"Q100-{y}" if year == 2025 else QUOTA, UNIT, "1200000", f"{y}-01-05", func_code=FUNC, econ_code=ECON)
        b.quota(f"Q101-{y}", UNIT, "300000", f"{y}-01-05", func_code="2050202", econ_code="30217")  # 公务接待
        b.quota(f"Q200-{y}", "200001", "800000", f"{y}-01-05", func_code="2100101", econ_code="30201")
        b.quota(f"Q300-{y}", "300001", "500000", f"{y}-01-05", fund_type="政府性基金预算", func_code="2120101",
                econ_code="31002")
        b.quota(f"Q400-{y}", "400001", "400000", f"{y}-01-05", func_code="2010101", econ_code="30201")
    b.quota("Q100-ADD", UNIT, "100000", "2026-03-01", kind="追加", orig=QUOTA)
    for n, voucher in enumerate(VOUCHERS, start=1):
        b.pay(voucher, QUOTA, f"{40000 + n * 1000}.{n:02d}", f"2026-0{n}-15", payee=f"供应商{n}", account=f"6222{n:04d}")
    for month in range(1, 13):
        b.pay(f"V100-2025-{month:02d}", "Q100-2025", "90000", f"2025-{month:02d}-20")
        b.pay(f"V200-2025-{month:02d}", "Q200-2025", "60000", f"2025-{month:02d}-20")
        b.pay(f"V101-2025-{month:02d}", "Q101-2025", "15000", f"2025-{month:02d}-22")
    for month in range(1, 7):
        b.pay(f"V200-{month:02d}", "Q200-2026", "20000", f"2026-{month:02d}-18")
        b.pay(f"V101-{month:02d}", "Q101-2026", "18000", f"2026-{month:02d}-22")
        b.pay(f"V300-{month:02d}", "Q300-2026", "30000", f"2026-{month:02d}-10")
        b.pay(f"V400-{month:02d}", "Q400-2026", "25000", f"2026-{month:02d}-12")
    for year in (2025, 2026):
        b.inc_bgt(TOP, "10101", "5000000", year)
        b.inc_bgt(TOP, "10301", "1000000", year)
        b.fin_cap(TOP, "一般公共预算收入", "60000000", year)
        b.limit(TOP, "一般债券", "30000000", year)
        b.limit(TOP, "专项债券", "20000000", year)
        for month in range(1, 13 if year == 2025 else 7):
            b.inc(TOP, "10101", "300000", f"{year}-{month:02d}-10")
            b.inc(TOP, "10301", "50000", f"{year}-{month:02d}-11", collector="财政")
    b.bond("B2020", TOP, "10000000", "2020-07-01", "2027-07-01", "3.10")
    b.bond("B2024", TOP, "8000000", "2024-03-15", "2028-03-15", "2.55", freq="半年付息", bond_type="专项债券")
    b.flow("F1", "B2020", "付息", "310000", "2026-07-01", business_date="2026-06-29")
    b.asset("2026-03-31", TOP, "企业国有资产", "QY01", "90000000", "40000000", "50000000")
    b.asset("2025-03-31", TOP, "企业国有资产", "QY01", "85000000", "40000000", "45000000")
    b.audit("SJ01", TOP, "三公经费", "20000", "整改中", "2026-02-01", deadline="2026-05-31", unit=UNIT)
    b.audit("SJ02", TOP, "预算管理", "50000", "已整改", "2026-03-01", rectified="50000", deadline="2026-04-30")
    b.proj("P01", TOP, "2000000", "500000", "2026-05-31", unit=UNIT, name="城南学校扩建")
    _feed(engine)
    _snapshots_and_alert(engine)


def _feed(engine) -> None:
    """One loaded delivery on DAY, so a link without a date opens DAY."""
    Builder(engine).loaded_files(DAY, {"PAY_419900_20260630.csv": TOP}, dt.datetime(2026, 7, 1, 2, 0))


def _snapshots_and_alert(engine) -> None:
    from alerts.findings import Finding
    from alerts.recording import record
    from alerts.rules import load_rules
    from indicators.snapshots import refresh

    refresh(engine, dt.date(2026, 1, 1), DAY)
    finding = Finding("PAY_OVER_QUOTA", "quota", f"{TOP}/{QUOTA}", "红", Decimal("1234.56"), Decimal("0"), "元",
                      "累计支付超出指标调整后金额 1,234.56 元", tuple(f"{TOP}/{v}" for v in ALERT_VOUCHERS),
                      subject_name=f"指标 {QUOTA}", region_code=TOP, unit_code=UNIT)
    record(engine, DAY, {"PAY_OVER_QUOTA": [finding]}, load_rules())
