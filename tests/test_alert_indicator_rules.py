"""The rules on units, departments, projects and regions, on a hand-computed store as of 2026-06-30
(序时进度 181/365): each planted subject fires at the severity its figure reaches, every other subject stays
quiet, and the figures are the indicator layer's."""
from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.execution import execution
from tests.alert_support import evaluate_days, fired_on
from tests.builders import Builder, city
from warehouse.db import open_store

RULES = ("EXEC_LAG", "SUPPLEMENT_HIGH", "SANGONG_OVER", "SANGONG_YOY", "DEBT_RATIO", "DEBT_LIMIT", "INTEREST_RATIO",
         "MATURITY_WALL", "AUDIT_OVERDUE", "YEAR_END_SURGE")
GEN, SPEC = "一般债券", "专项债券"


@pytest.fixture(scope="module")
def mid_year(module_store_url):
    store = open_store(module_store_url)
    b = city(Builder(store))
    # execution: 100001 far behind (dept 100 with it), 200001 on time after a 60 % 追加, 300001 and its project
    # behind after three small 追加, 100002 and 400001 below the 1,000,000 元 floor
    b.quota("E1", "100001", 10_000_000, "2026-01-05")
    b.pay("P1", "E1", 1_000_000, "2026-06-20")
    b.quota("E3", "100002", 500_000, "2026-01-05")
    b.quota("E2", "200001", 10_000_000, "2026-01-05", project="P1")
    b.quota("E2X", "200001", 6_000_000, "2026-03-01", kind="追加")
    b.pay("P2", "E2", 7_900_000, "2026-06-20")
    b.quota("PQ", "300001", 2_000_000, "2026-01-05", project="P2")
    for k in range(3):
        b.quota(f"X{k}", "300001", 50_000, f"2026-02-0{k + 1}", kind="追加", orig="PQ")
    b.pay("P3", "PQ", 500_000, "2026-06-20")
    # 三公 of 400001: reception over budget, car upkeep at 92 % before October and up 84 % on last year
    b.quota("S1", "400001", 100_000, "2026-01-05", econ_code="30217")
    b.quota("S2", "400001", 100_000, "2026-01-05", econ_code="30231")
    b.quota("S0", "400001", 100_000, "2025-01-05", econ_code="30231")
    b.pay("SP1", "S1", 120_000, "2026-05-01")
    b.pay("SP2", "S2", 92_000, "2026-05-01")
    b.pay("SP0", "S0", 50_000, "2025-05-01")
    # debt: the city over its 专项 limit, debt ratio 1,910 / 1,550 = 123 %, a 专项 bond maturing within a year,
    # interest far above its spending base; the county comfortable
    b.bond("B1", "419900", 900_000_000, "2024-01-01", "2034-01-01", "3.00")
    b.bond("B2", "419900", 1_000_000_000, "2025-03-01", "2027-03-01", "2.50", bond_type=SPEC)
    b.bond("B3", "419901", 10_000_000, "2024-01-01", "2034-01-01", "3.00")
    b.flow("F1", "B1", "付息", 27_000_000, "2026-01-01")
    b.limit("419900", GEN, 1_000_000_000, 2026)
    b.limit("419900", SPEC, 980_000_000, 2026)
    b.limit("419901", GEN, 100_000_000, 2026)
    b.fin_cap("419900", "一般公共预算收入", 1_500_000_000, 2026)
    b.fin_cap("419901", "一般公共预算收入", 50_000_000, 2026)
    # audit: only A1 is overdue on 30 June
    b.audit("A1", "419900", "预算管理", 100_000, "整改中", "2026-01-10", deadline="2026-06-01", unit="100001")
    b.audit("A2", "419900", "预算管理", 100_000, "未整改", "2026-01-10", deadline="2026-07-31")
    b.audit("A3", "419900", "预算管理", 100_000, "已整改", "2026-01-10", deadline="2026-05-01")
    b.audit("A4", "419900", "预算管理", 100_000, "整改中", "2026-01-10", deadline="2026-06-30")
    b.audit("A5", "419900", "预算管理", 100_000, "整改中", "2026-01-10", deadline="2026-06-01")
    b.audit("A5", "419900", "预算管理", 100_000, "已整改", "2026-06-15", deadline="2026-06-01", rectified=100_000)
    evaluate_days(store, "2026-03-31")
    evaluate_days(store, "2026-06-30")
    yield store
    store.dispose()


def severities(store, day, *rules):
    return {code: a["day_severity"] for (_, code), a in fired_on(store, day, rules).items()}


def test_exec_lag_from_april_at_every_level(mid_year):
    assert severities(mid_year, "2026-03-31", "EXEC_LAG") == {}
    assert severities(mid_year, "2026-06-30", "EXEC_LAG") == {"100001": "红", "100": "红", "300001": "橙",
                                                             "300": "橙", "P2": "橙"}
    alert = fired_on(mid_year, "2026-06-30", ["EXEC_LAG"])[("EXEC_LAG", "100001")]
    unit = next(r for r in execution(mid_year, alert["last_seen"], level="unit") if r["code"] == "100001")
    assert alert["figure"] == "-39.59" == f"{float(unit['lag_pp']):.2f}" and alert["threshold"] == "-30.00"
    assert alert["subject_level"] == "unit" and alert["subject_name"] == "市教育局" and alert["region_code"] == "419900"
    assert alert["basis"] == "预算法实施条例 第57条" and alert["category"] == "合规性"


def test_supplement_high_by_rate_and_by_count(mid_year):
    assert severities(mid_year, "2026-06-30", "SUPPLEMENT_HIGH") == {"200001": "橙", "300001": "黄"}
    by_count = fired_on(mid_year, "2026-06-30", ["SUPPLEMENT_HIGH"])[("SUPPLEMENT_HIGH", "300001")]
    assert by_count["evidence"] == ["419901/X0", "419901/X1", "419901/X2"] and by_count["figure"] == "3"
    by_rate = fired_on(mid_year, "2026-06-30", ["SUPPLEMENT_HIGH"])[("SUPPLEMENT_HIGH", "200001")]
    assert by_rate["figure"] == "0.600000" and by_rate["threshold"] == "0.500000"


def test_sangong_per_category_and_total_for_units_and_regions(mid_year):
    over = {f"{code}|{cat}": sev for code in ("400001", "419902", "419900")
            for cat, sev in (("公务接待费", "红"), ("公务用车运行维护费", "黄"), ("合计", "红"))}
    assert severities(mid_year, "2026-06-30", "SANGONG_OVER") == over
    yoy = {f"{code}|{cat}": "橙" for code in ("400001", "419902", "419900") for cat in ("公务用车运行维护费", "合计")}
    assert severities(mid_year, "2026-06-30", "SANGONG_YOY") == yoy
    alert = fired_on(mid_year, "2026-06-30", ["SANGONG_OVER"])[("SANGONG_OVER", "400001|公务接待费")]
    assert alert["figure"] == "1.200000" and alert["subject_name"] == "西县财政局（公务接待费）"


def test_debt_rules_per_region_and_bond_type(mid_year):
    fired = fired_on(mid_year, "2026-06-30", ["DEBT_RATIO", "DEBT_LIMIT", "INTEREST_RATIO", "MATURITY_WALL"])
    assert {k: a["day_severity"] for k, a in fired.items()} == {
        ("DEBT_RATIO", "419900"): "红", ("DEBT_LIMIT", f"419900|{SPEC}"): "红",
        ("INTEREST_RATIO", f"419900|{GEN}"): "红", ("MATURITY_WALL", "419900"): "黄"}
    assert Decimal(fired[("DEBT_LIMIT", f"419900|{SPEC}")]["figure"]) == Decimal("20000000.00")  # over the limit
    assert fired[("DEBT_RATIO", "419900")]["figure"] == "1.232258"  # 1,910 / 1,550
    assert fired[("DEBT_LIMIT", f"419900|{SPEC}")]["subject_level"] == "bond_type"


def test_audit_overdue_strictly_after_the_deadline_on_the_latest_state(mid_year):
    fired = fired_on(mid_year, "2026-06-30", ["AUDIT_OVERDUE"])
    assert list(fired) == [("AUDIT_OVERDUE", "A1")] and fired[("AUDIT_OVERDUE", "A1")]["figure"] == "29"
    assert fired[("AUDIT_OVERDUE", "A1")]["subject_name"] == "市教育局"


def test_year_end_surge_in_december(store):
    """100001 spends 15 % of its budget in December against 5 % the year before (3 × the median); 100002 spends
    30 % with no prior year; 200001 spends 12 % against 10 %."""
    b = city(Builder(store))
    for unit, last_dec, dec in (("100001", 500_000, 1_500_000), ("200001", 1_000_000, 1_200_000)):
        b.quota(f"{unit}-25", unit, 10_000_000, "2025-01-05")
        b.pay(f"{unit}-a25", f"{unit}-25", 5_000_000, "2025-06-01")
        b.pay(f"{unit}-d25", f"{unit}-25", last_dec, "2025-12-10")
        b.quota(f"{unit}-26", unit, 10_000_000, "2026-01-05")
        b.pay(f"{unit}-a26", f"{unit}-26", 5_000_000, "2026-06-01")
        b.pay(f"{unit}-d26", f"{unit}-26", dec, "2026-12-10")
    b.quota("N26", "100002", 10_000_000, "2026-01-05")
    b.pay("N-a", "N26", 5_000_000, "2026-06-01")
    b.pay("N-d", "N26", 3_000_000, "2026-12-15")
    november, december = evaluate_days(store, "2026-11-30"), evaluate_days(store, "2026-12-20")
    assert "YEAR_END_SURGE" in november[0].skipped and not december[0].errors
    fired = fired_on(store, "2026-12-20", ["YEAR_END_SURGE"])
    assert set(fired) == {("YEAR_END_SURGE", "100001"), ("YEAR_END_SURGE", "100002")}
    assert fired[("YEAR_END_SURGE", "100001")]["figure"] == "3.000000"  # multiple of the prior median
    assert fired[("YEAR_END_SURGE", "100002")]["figure"] == "0.300000"  # share of the adjusted budget
