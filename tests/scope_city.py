"""A city of three levels for the region-scoping and break-in tests: 示范市 above 东县 (with 城关镇 below it) and
西县, a unit, a quota and vouchers in each, a bond in each county, a day of snapshots, one loaded file per
region (and a batch manifest of none), and alerts in 东县, 城关镇, 西县 and the whole feed.

A deputy of 东县 may see 东县 and 城关镇; everything of 西县 and of the city itself is what the tests try to reach.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from tests.builders import Builder
from warehouse.schema import pay

TOP, EAST, TOWN, WEST = "419900", "419901", "419911", "419902"
DAY = dt.date(2026, 3, 31)
UNITS = {TOP: "100001", EAST: "300001", TOWN: "310001", WEST: "400001"}
DEPTS = {TOP: "100", EAST: "300", TOWN: "310", WEST: "400"}
NAMES = {TOP: "市教育局", EAST: "东县教育局", TOWN: "城关镇政府", WEST: "西县财政局"}
PAYEES = {TOP: "市供应商", EAST: "东县供应商", TOWN: "城关供应商", WEST: "西县供应商"}
FILES = {TOP: "PAY_419900_20260331.csv", EAST: "PAY_419901_20260331.csv", WEST: "PAY_419902_20260331.csv"}
ALERT_RULE = "PAY_OVER_QUOTA"


def fill(engine) -> None:
    b = Builder(engine)
    b.region(TOP, "示范市")
    b.region(EAST, "东县", TOP, "县")
    b.region(TOWN, "城关镇", EAST, "乡")
    b.region(WEST, "西县", TOP, "县")
    for region, unit in UNITS.items():
        b.unit(unit, NAMES[region], DEPTS[region], NAMES[region], region)
        b.quota(f"Q{unit}", unit, "100000", "2026-01-05", econ_code="30217")  # 公务接待: also in 三公
        for n in range(1, 4):
            b.pay(f"V{unit}-{n}", f"Q{unit}", f"{1000 * n}.{n:02d}", f"2026-03-{10 + n}", payee=PAYEES[region],
                  account=f"6222{unit}{n}")
    for region in (EAST, WEST):
        b.bond(f"B{region}", region, "5000000", "2024-06-01", "2029-06-01", "2.80")
        b.inc(region, "10101", "30000", "2026-03-10")
    b.asset("2026-03-31", WEST, "企业国有资产", "QYW", "9000000", "4000000", "5000000")
    b.audit("SJW", WEST, "预算管理", "70000", "整改中", "2026-03-01", deadline="2026-03-15", unit=UNITS[WEST])
    b.audit("SJE", EAST, "预算管理", "20000", "整改中", "2026-03-01", unit=UNITS[EAST])
    b.proj("PW", WEST, "2000000", "500000", "2026-03-31", unit=UNITS[WEST], name="西县水厂")
    _feed(engine)
    from indicators.snapshots import refresh

    refresh(engine, dt.date(2026, 3, 30), DAY)
    _alerts(engine)


def _feed(engine) -> None:
    Builder(engine).loaded_files(DAY, {**{name: region for region, name in FILES.items()}, "manifest.json": None},
                                 dt.datetime(2026, 4, 1, 2, 0))


def alert_ids(engine) -> dict[str | None, int]:
    """The alert id per region (None: the whole-feed alert)."""
    from alerts.tables import alert

    with engine.connect() as conn:
        return {r: i for i, r in conn.execute(select(alert.c.id, alert.c.region_code))}


def _alerts(engine) -> None:
    from alerts.findings import Finding
    from alerts.recording import record
    from alerts.rules import load_rules

    findings = [Finding(ALERT_RULE, "quota", f"{region}/Q{unit}", "红", Decimal("12.34"), Decimal("0"), "元",
                        f"{NAMES[region]}累计支付超出指标", (f"{region}/V{unit}-1",), subject_name=f"指标 Q{unit}",
                        region_code=region, unit_code=unit)
                for region, unit in UNITS.items() if region != TOP]
    findings.append(Finding(ALERT_RULE, "feed", "feed", "黄", None, None, "元", "整批交付缺少文件", (), region_code=None))
    record(engine, DAY, {ALERT_RULE: findings}, load_rules())


def voucher_ids(engine) -> dict[str, int]:
    """A voucher id per region (its first voucher)."""
    with engine.connect() as conn:
        return {region: conn.scalar(select(pay.c.id).where(pay.c.voucher_no == f"V{unit}-1"))
                for region, unit in UNITS.items()}
