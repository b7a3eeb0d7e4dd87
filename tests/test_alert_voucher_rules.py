"""The voucher rules in the engine: each fires on its planted case on the day it happens, and a clean day of
ordinary payments fires nothing."""
from __future__ import annotations

from decimal import Decimal

import pytest

from tests.alert_support import bulk_pay, evaluate_days, fired_on, rules_with
from tests.builders import Builder, city
from warehouse.db import open_store

DAILY = ("DUP_PAY", "DUP_SAME_AMOUNT_DATE_DIFF_PAYEE", "DUP_SAME_PAYEE_DATE_DIFF_AMOUNT", "DUP_SAME_ACCOUNT_DIFF_NAME",
         "SPLIT_PAY", "JUST_BELOW", "OFF_DAY_PAY", "NEW_PAYEE_LARGE", "PAY_OVER_QUOTA")
YEARLY = ("ROUND_AMOUNT", "PAYEE_CONCENTRATION", "BENFORD")


@pytest.fixture(scope="module")
def june(module_store_url):
    """A fortnight of June 2026: ordinary payments every working day, the planted cases on Wednesday 10th
    (built once: the tests only read it)."""
    store = open_store(module_store_url)
    b = city(Builder(store))
    for q, unit in (("QA", "100001"), ("QB", "200001"), ("QC", "100002")):
        b.quota(q, unit, 50_000_000, "2026-01-05")
    b.quota("QS", "100002", 1_000_000, "2026-01-05")
    for i, day in enumerate(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05", "2026-06-08",
                             "2026-06-09", "2026-06-10", "2026-06-11", "2026-06-12"]):
        for k in range(4):
            b.pay(f"N{i}{k}", ("QA", "QB", "QC")[k % 3], f"{1_000 + 137.31 * (i * 4 + k):.2f}", day, account=f"ORD{i}{k}")
    # history the planted cases lean on
    b.pay("DUP1", "QA", "23456.78", "2026-06-05", account="DUP")
    b.pay("SPL1", "QA", "400000.11", "2026-06-08", account="SPLIT")
    b.pay("SPL2", "QA", "350000.22", "2026-06-09", account="SPLIT")
    b.pay("OLD1", "QB", "6000000.01", "2026-06-01", account="OLDBIG")
    b.pay("NAME1", "QB", "3000.00", "2026-06-01", account="NAMES", payee="甲公司")
    b.pay("OVR1", "QS", "600000.01", "2026-06-02", account="OVER")
    # Wednesday 10 June
    b.pay("DUP2", "QB", "23456.78", "2026-06-10", account="DUP")  # another unit pays it again
    b.pay("SPL3", "QA", "300000.33", "2026-06-10", account="SPLIT")  # three payments, together ≥ 1,000,000
    b.pay("JB", "QB", "987654.32", "2026-06-10", account="JB")
    b.pay("NEW", "QB", "6000000.02", "2026-06-10", account="NEWBIG")
    b.pay("OLD2", "QB", "6000000.03", "2026-06-10", account="OLDBIG")  # large, but paid before
    b.pay("OVR2", "QS", "500000.02", "2026-06-10", account="OVER2")
    b.pay("SAD1", "QC", "15000.00", "2026-06-10", account="S1")
    b.pay("SAD2", "QC", "15000.00", "2026-06-10", account="S2")
    b.pay("SPD1", "QC", "11111.11", "2026-06-10", account="SP")
    b.pay("SPD2", "QC", "22222.22", "2026-06-10", account="SP")
    b.pay("NAME2", "QB", "3100.00", "2026-06-10", account="NAMES", payee="乙公司")
    # the weekend: Sunday pays, Saturday 9 May was a 调休 working day
    b.pay("SUN", "QA", "60000.01", "2026-06-14", account="SUN")
    b.pay("SUNSMALL", "QA", "40000.00", "2026-06-14", account="SUN2")
    b.pay("MAKEUP", "QA", "90000.00", "2026-05-09", account="WORKSAT")
    for day in ("2026-05-09", "2026-06-01", "2026-06-09", "2026-06-10", "2026-06-14"):
        evaluate_days(store, day)
    yield store
    store.dispose()


def test_a_day_of_ordinary_payments_fires_no_voucher_rule(june):
    assert fired_on(june, "2026-06-09", DAILY) == {}
    assert fired_on(june, "2026-05-09", DAILY) == {}  # a 调休 Saturday is a working day


def test_each_planted_case_fires_its_rule_on_its_day(june):
    fired = fired_on(june, "2026-06-10", DAILY)
    assert set(fired) == {
        ("DUP_PAY", "419900/DUP1|419900/DUP2"),
        ("SPLIT_PAY", "100001|SPLIT|2026-06-08"),
        ("JUST_BELOW", "419900/JB"),
        ("NEW_PAYEE_LARGE", "419900/NEW"),
        ("PAY_OVER_QUOTA", "419900/2026/QS"),
        ("DUP_SAME_AMOUNT_DATE_DIFF_PAYEE", "100002|2026-06-10|1500000"),
        ("DUP_SAME_PAYEE_DATE_DIFF_AMOUNT", "100002|SP|2026-06-10"),
        ("DUP_SAME_ACCOUNT_DIFF_NAME", "NAMES"),
    }
    split = fired[("SPLIT_PAY", "100001|SPLIT|2026-06-08")]
    assert split["evidence"] == ["419900/SPL1", "419900/SPL2", "419900/SPL3"] and split["severity"] == "橙"
    assert split["figure"] == "1050000.66" and split["threshold"] == "1000000.00"
    over = fired[("PAY_OVER_QUOTA", "419900/2026/QS")]
    assert over["severity"] == "红" and Decimal(over["figure"]) == Decimal("100000.03")
    assert over["evidence"] == ["419900/OVR1", "419900/OVR2"] and over["category"] == "合法性"
    assert fired[("DUP_PAY", "419900/DUP1|419900/DUP2")]["figure"] == "5"  # days apart
    assert fired[("DUP_SAME_ACCOUNT_DIFF_NAME", "NAMES")]["evidence"] == ["419900/NAME2", "419900/NAME1"]  # largest first
    assert fired[("JUST_BELOW", "419900/JB")]["severity"] == "黄"
    assert fired_on(june, "2026-06-01", ["NEW_PAYEE_LARGE"]).keys() == {("NEW_PAYEE_LARGE", "419900/OLD1")}


def test_off_day_payments_use_the_working_day_calendar(june):
    assert set(fired_on(june, "2026-06-14", DAILY)) == {("OFF_DAY_PAY", "419900/SUN")}


def test_a_clerks_threshold_grades_and_limits_the_rule(store):
    b = city(Builder(store))
    b.quota("QA", "100001", 50_000_000, "2026-01-05")
    b.pay("SUN", "QA", "60000.01", "2026-06-14", account="SUN")
    b.pay("SUNSMALL", "QA", "40000.00", "2026-06-14", account="SUN2")
    rules = rules_with("rules:\n  OFF_DAY_PAY:\n    thresholds:\n      amount_yuan: {黄: 30000, 橙: 60000}\n")
    evaluate_days(store, "2026-06-14", rules=rules)
    fired = fired_on(store, "2026-06-14", DAILY)
    assert {k: v["severity"] for k, v in fired.items()} == {("OFF_DAY_PAY", "419900/SUN"): "橙",
                                                            ("OFF_DAY_PAY", "419900/SUNSMALL"): "黄"}


def test_year_statistics_are_evaluated_at_month_end(store):
    """BENFORD and PAYEE_CONCENTRATION on a unit whose 1,200 payments all start with 5 and go to one account,
    ROUND_AMOUNT on a unit paying round sums; the 3,000 log-uniform payments of another unit stay quiet."""
    import numpy as np

    b = city(Builder(store))
    for q, unit in (("QA", "100001"), ("QB", "200001"), ("QC", "100002")):
        b.quota(q, unit, 900_000_000, "2026-01-05")
    rng = np.random.default_rng(3)
    rows = []
    for i in range(1200):
        rows.append(dict(voucher_no=f"F{i}", pay_date=f"2026-06-{1 + i % 28:02d}", region_code="419900",
                         unit_code="100001", quota_id="QA", payee_account="ONE",
                         amount=f"{50_000 + int(rng.integers(0, 9_999_99)) / 100:.2f}"))
    for i, cents in enumerate((10 ** rng.uniform(5, 8, 3000)).astype(int)):
        rows.append(dict(voucher_no=f"G{i}", pay_date=f"2026-06-{1 + i % 28:02d}", region_code="419900",
                         unit_code="200001", quota_id="QB", payee_account=f"P{i % 100}", amount=f"{cents / 100:.2f}"))
    for i in range(20):
        amount = 200_000 if i < 15 else 123_456.78 + i
        rows.append(dict(voucher_no=f"R{i}", pay_date=f"2026-06-{1 + i:02d}", region_code="419900",
                         unit_code="100002", quota_id="QC", payee_account=f"R{i}", amount=f"{amount:.2f}"))
    bulk_pay(store, rows)
    early, = evaluate_days(store, "2026-06-29")
    assert set(YEARLY) <= set(early.skipped)
    end, = evaluate_days(store, "2026-06-30")
    assert not set(YEARLY) & set(end.skipped) and not end.errors
    fired = fired_on(store, "2026-06-30", YEARLY)
    assert set(fired) == {("BENFORD", "100001"), ("PAYEE_CONCENTRATION", "100001"), ("ROUND_AMOUNT", "100002")}
    assert fired[("PAYEE_CONCENTRATION", "100001")]["figure"] == "10000.000000"
    assert fired[("ROUND_AMOUNT", "100002")]["severity"] == "info"
    assert Decimal(fired[("BENFORD", "100001")]["figure"]) > Decimal("0.0022")



def test_payees_seen_before_the_first_evaluation_are_not_new(store):
    """A store that already holds history: its first evaluation learns the payees paid so far."""
    b = city(Builder(store))
    b.quota("QA", "100001", 90_000_000, "2026-01-05")
    b.pay("OLD", "QA", "1000.00", "2026-03-01", account="KNOWN")
    b.pay("BIG1", "QA", "6000000.00", "2026-06-10", account="KNOWN")
    b.pay("BIG2", "QA", "7000000.00", "2026-06-10", account="NEVER")
    evaluate_days(store, "2026-06-10")
    assert set(fired_on(store, "2026-06-10", ["NEW_PAYEE_LARGE"])) == {("NEW_PAYEE_LARGE", "419900/BIG2")}
