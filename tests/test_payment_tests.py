"""Payment audit tests on small hand-made voucher frames, one edge at a time."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from alerts import payment_tests as pt
from alerts.calendar import CalendarNotCoveredWarning

T = 100_000_000  # 1,000,000 元 in 分


def voucher(no, day, yuan, *, unit="U1", account="6222001", name="甲公司", region="330100", orig=None):
    return {"voucher_no": no, "pay_date": dt.date.fromisoformat(day), "region_code": region, "unit_code": unit,
            "payee_account": account, "payee_name": name, "amount_fen": int(Decimal(str(yuan)) * 100),
            "orig_voucher_no": orig, "econ_code": "30201", "quota_id": "Q1"}


def frame(*vouchers):
    return pd.DataFrame(list(vouchers))


def evidence(findings):
    return [tuple(e) for e in findings["evidence"]]


# --- DUP_PAY -----------------------------------------------------------------------------------------------

def dup(pay):
    return pt.duplicate_payments(pay, window_days=30, min_amount_fen=0)


def test_dup_pay_window_is_inclusive_at_30_days():
    found = dup(frame(voucher("V1", "2025-03-01", 1200), voucher("V2", "2025-03-31", 1200)))
    assert found["subject_code"].tolist() == ["330100/V1|330100/V2"]
    assert found.loc[0, "figure"] == 30 and found.loc[0, "threshold"] == 30
    assert found.loc[0, "amount_fen"] == 120_000 and found.loc[0, "subject_level"] == "voucher_pair"
    assert "1,200.00 元" in found.loc[0, "message"]
    assert dup(frame(voucher("V1", "2025-03-01", 1200), voucher("V2", "2025-04-01", 1200))).empty


def test_dup_pay_needs_same_account_and_amount():
    assert dup(frame(voucher("V1", "2025-03-01", 1200), voucher("V2", "2025-03-02", 1200.01))).empty
    assert dup(frame(voucher("V1", "2025-03-01", 1200), voucher("V2", "2025-03-02", 1200, account="6222002"))).empty


def test_dup_pay_looks_across_units_and_regions():
    found = dup(frame(voucher("V1", "2025-03-01", 800, unit="U1"),
                      voucher("V1", "2025-03-05", 800, unit="U9", region="330102")))
    assert evidence(found) == [("330100/V1", "330102/V1")]


def test_a_voucher_and_its_refund_and_a_fully_refunded_voucher_never_count():
    assert dup(frame(voucher("V1", "2025-03-01", 500), voucher("R1", "2025-03-02", -500, orig="V1"))).empty
    reissued = frame(voucher("V1", "2025-03-01", 500), voucher("R1", "2025-03-02", -300, orig="V1"),
                     voucher("R2", "2025-03-03", -200, orig="V1"), voucher("V2", "2025-03-04", 500))
    assert dup(reissued).empty


def test_a_partly_refunded_voucher_still_counts():
    found = dup(frame(voucher("V1", "2025-03-01", 500), voucher("R1", "2025-03-02", -100, orig="V1"),
                      voucher("V2", "2025-03-04", 500)))
    assert evidence(found) == [("330100/V1", "330100/V2")]


def test_a_refund_only_cancels_the_voucher_of_its_own_region():
    found = dup(frame(voucher("V1", "2025-03-01", 500), voucher("V2", "2025-03-04", 500),
                      voucher("R1", "2025-03-05", -500, orig="V1", region="330102")))
    assert evidence(found) == [("330100/V1", "330100/V2")]


def test_k_copies_give_k_minus_one_pairs_naming_every_copy():
    found = dup(frame(*(voucher(f"V{i}", f"2025-03-0{i}", 99) for i in range(1, 5))))
    assert evidence(found) == [("330100/V1", "330100/V2"), ("330100/V2", "330100/V3"), ("330100/V3", "330100/V4")]


def test_dup_pay_minimum_amount():
    pay = frame(voucher("V1", "2025-03-01", 99.99), voucher("V2", "2025-03-02", 99.99))
    assert pt.duplicate_payments(pay, window_days=30, min_amount_fen=10_000).empty
    assert len(pt.duplicate_payments(pay, window_days=30, min_amount_fen=9_999)) == 1


# --- same-same-different ---------------------------------------------------------------------------------

def test_same_amount_same_date_different_payee_within_a_unit():
    pay = frame(voucher("V1", "2025-05-06", 20000, account="A"), voucher("V2", "2025-05-06", 20000, account="B"),
                voucher("V3", "2025-05-06", 20000, account="C", unit="U2"),
                voucher("V4", "2025-05-07", 20000, account="D"))
    found = pt.same_same_different(pay, "DUP_SAME_AMOUNT_DATE_DIFF_PAYEE", min_amount_fen=0)
    assert found["subject_code"].tolist() == ["U1|2025-05-06|2000000"]
    assert found.loc[0, "figure"] == 2 and sorted(evidence(found)[0]) == ["330100/V1", "330100/V2"]
    assert pt.same_same_different(pay, "DUP_SAME_AMOUNT_DATE_DIFF_PAYEE", min_amount_fen=2_000_001).empty


def test_same_payee_same_date_different_amount():
    pay = frame(voucher("V1", "2025-05-06", 300), voucher("V2", "2025-05-06", 400), voucher("V3", "2025-05-06", 400),
                voucher("V4", "2025-05-06", 500, unit="U2"))
    found = pt.same_same_different(pay, "DUP_SAME_PAYEE_DATE_DIFF_AMOUNT", min_amount_fen=0)
    assert found["subject_code"].tolist() == ["U1|6222001|2025-05-06"]
    assert found.loc[0, "figure"] == 2 and found.loc[0, "amount_fen"] == 110_000
    assert evidence(found)[0] == ("330100/V2", "330100/V3", "330100/V1")  # largest first


def test_same_account_different_names_across_the_store():
    pay = frame(voucher("V1", "2025-05-06", 300, name="甲公司"), voucher("V2", "2025-06-06", 300, name=" 甲公司 ", unit="U2"),
                voucher("V3", "2025-06-07", 300, account="6222009", name="乙公司"))
    assert pt.same_same_different(pay, "DUP_SAME_ACCOUNT_DIFF_NAME", min_amount_fen=0).empty
    pay.loc[1, "payee_name"] = "甲有限公司"
    found = pt.same_same_different(pay, "DUP_SAME_ACCOUNT_DIFF_NAME", min_amount_fen=0)
    assert found["subject_code"].tolist() == ["6222001"] and found.loc[0, "unit_code"] is None


# --- SPLIT_PAY / JUST_BELOW --------------------------------------------------------------------------------

def split(pay):
    return pt.split_payments(pay, limit_fen=T, window_days=7, min_vouchers=2)


def test_split_pay_span_of_exactly_7_days_counts_and_8_does_not():
    found = split(frame(voucher("V1", "2025-06-01", 600_000), voucher("V2", "2025-06-08", 600_000)))
    assert found["subject_code"].tolist() == ["U1|6222001|2025-06-01"]
    assert found.loc[0, "figure"] == 120_000_000 and found.loc[0, "threshold"] == T
    assert found.loc[0, "last_date"] == dt.date(2025, 6, 8)
    assert split(frame(voucher("V1", "2025-06-01", 600_000), voucher("V2", "2025-06-09", 600_000))).empty


def test_split_pay_sum_exactly_at_threshold_fires_one_fen_less_does_not():
    assert len(split(frame(voucher("V1", "2025-06-01", 500_000), voucher("V2", "2025-06-02", 500_000)))) == 1
    assert split(frame(voucher("V1", "2025-06-01", 500_000), voucher("V2", "2025-06-02", 499_999.99))).empty


def test_split_pay_voucher_at_threshold_is_not_a_part():
    assert split(frame(voucher("V1", "2025-06-01", 1_000_000), voucher("V2", "2025-06-02", 1))).empty


def test_split_pay_is_per_unit_and_account_and_ignores_refunded_vouchers():
    assert split(frame(voucher("V1", "2025-06-01", 600_000), voucher("V2", "2025-06-02", 600_000, unit="U2"))).empty
    assert split(frame(voucher("V1", "2025-06-01", 600_000), voucher("V2", "2025-06-02", 600_000, account="X"))).empty
    assert split(frame(voucher("V1", "2025-06-01", 600_000), voucher("V2", "2025-06-02", 600_000),
                       voucher("R2", "2025-06-03", -600_000, orig="V2"))).empty


def test_split_pay_reports_a_group_once_with_all_its_vouchers():
    found = split(frame(voucher("V1", "2025-06-01", 600_000), voucher("V2", "2025-06-02", 600_000),
                        voucher("V3", "2025-06-03", 600_000)))
    assert evidence(found) == [("330100/V1", "330100/V2", "330100/V3")]
    assert found.loc[0, "amount_fen"] == 180_000_000


def test_split_pay_same_day_vouchers_form_one_group():
    found = split(frame(voucher("V2", "2025-06-01", 400_000), voucher("V1", "2025-06-01", 400_000),
                        voucher("V3", "2025-06-02", 400_000)))
    assert evidence(found) == [("330100/V1", "330100/V2", "330100/V3")]


def test_split_pay_overlapping_windows_are_separate_groups():
    found = split(frame(*(voucher(f"V{i}", f"2025-06-{1 + 3 * i:02d}", 400_000) for i in range(4))))
    assert evidence(found) == [("330100/V0", "330100/V1", "330100/V2"), ("330100/V1", "330100/V2", "330100/V3")]


def test_just_below_band_edges():
    pay = frame(voucher("V1", "2025-06-01", 950_000), voucher("V2", "2025-06-01", 949_999.99),
                voucher("V3", "2025-06-01", 999_999.99), voucher("V4", "2025-06-01", 1_000_000))
    found = pt.just_below(pay, limit_fen=T, share=Decimal("0.95"))
    assert found["subject_code"].tolist() == ["330100/V1", "330100/V3"]
    assert set(found["threshold"]) == {95_000_000} and found["subject_level"].eq("voucher").all()


# --- ROUND_AMOUNT / PAYEE_CONCENTRATION / BENFORD --------------------------------------------------------------

def test_round_amount_exceeding_three_times_the_region_share():
    pay = frame(*(voucher(f"A{i}", "2025-06-01", 200_000) for i in range(4)),
                *(voucher(f"B{i}", "2025-06-01", 123_456, unit="U2") for i in range(12)),
                voucher("C1", "2025-06-01", 90_000, unit="U3"))  # below 100,000 元: outside the test
    found = pt.round_amounts(pay, min_amount_fen=10_000_000, round_fen=1_000_000, multiple=3)
    assert found["subject_code"].tolist() == ["U1"]
    assert found.loc[0, "figure"] == 1.0 and found.loc[0, "threshold"] == pytest.approx(0.75)
    assert len(evidence(found)[0]) == 4


def test_round_amount_exactly_three_times_does_not_fire():
    pay = frame(*(voucher(f"A{i}", "2025-06-01", 100_000) for i in range(3)), voucher("A9", "2025-06-01", 100_001),
                *(voucher(f"B{i}", "2025-06-01", 123_456, unit="U2") for i in range(8)))
    assert pt.round_amounts(pay, min_amount_fen=10_000_000, round_fen=1_000_000, multiple=3).empty  # 3/4 = 3 × 3/12


def concentration(pay):
    return pt.payee_concentration(pay, hhi=2500, min_vouchers=20, min_spent_fen=1_000_000_000)


def test_payee_concentration_one_payee():
    pay = frame(*(voucher(f"V{i}", "2025-06-01", 500_000) for i in range(20)))
    found = concentration(pay)
    assert found["subject_code"].tolist() == ["U1"] and found.loc[0, "figure"] == 10_000
    assert found.loc[0, "amount_fen"] == 1_000_000_000 and len(evidence(found)[0]) == 20


def test_payee_concentration_edges():
    four_equal = frame(*(voucher(f"V{i}", "2025-06-01", 500_000, account=f"A{i % 4}") for i in range(20)))
    assert concentration(four_equal).empty  # HHI exactly 2,500
    assert concentration(frame(*(voucher(f"V{i}", "2025-06-01", 600_000) for i in range(19)))).empty
    assert concentration(frame(*(voucher(f"V{i}", "2025-06-01", 499_999.99) for i in range(20)))).empty


def test_benford_units_fire_on_nonconforming_units_only():
    digits = np.arange(10, 100)
    per_digit = np.round(np.log10(1 + 1 / digits) * 20_000).astype(int)  # Benford's proportions exactly
    conforming = [voucher(f"B{d}-{i}", "2025-06-01", d * 10 + i % 10, unit="U2")
                  for d, k in zip(digits, per_digit) for i in range(k)]
    fifties = [voucher(f"F{i}", "2025-06-01", 5000 + i % 100, unit="U1") for i in range(1000)]
    found = pt.benford_units(frame(*conforming, *fifties), min_vouchers=1000, min_amount_fen=1000, mad=0.0022)
    assert found["subject_code"].tolist() == ["U1"] and found.loc[0, "figure"] > 0.0022
    assert "50" in found.loc[0, "message"]
    assert pt.benford_units(frame(*fifties[:999]), min_vouchers=1000, min_amount_fen=1000, mad=0.0022).empty


# --- OFF_DAY_PAY / NEW_PAYEE_LARGE -------------------------------------------------------------------------

def test_off_day_payments_use_the_holiday_calendar_with_make_up_days():
    pay = frame(voucher("SUN_WORK", "2025-09-28", 80_000),  # Sunday, 调休 working day
                voucher("NATIONAL", "2025-10-03", 80_000),  # Friday, 国庆
                voucher("SATURDAY", "2025-10-18", 50_000),  # plain Saturday, exactly at threshold
                voucher("SMALL", "2025-10-02", 49_999.99), voucher("WEEKDAY", "2025-10-09", 80_000))
    found = pt.off_day_payments(pay, min_amount_fen=5_000_000)
    assert found["subject_code"].tolist() == ["330100/NATIONAL", "330100/SATURDAY"]
    assert found.loc[0, "figure"] == 8_000_000 and found.loc[0, "threshold"] == 5_000_000


def test_off_day_payments_in_a_year_the_calendar_does_not_cover():
    with pytest.warns(CalendarNotCoveredWarning):
        found = pt.off_day_payments(frame(voucher("V1", "2099-01-03", 80_000)), min_amount_fen=5_000_000)
    assert "按周末判断" in found.loc[0, "message"]


def test_new_payee_large():
    pay = frame(voucher("V1", "2025-06-01", 5_000_000, account="NEW"),
                voucher("V2", "2025-06-02", 9_000_000, account="NEW"),  # second date: not the first payment
                voucher("V3", "2025-06-01", 6_000_000, account="OLD"),
                voucher("V4", "2025-06-01", 4_999_999.99, account="SMALL"),
                voucher("V5", "2025-06-01", 7_000_000, account="SAMEDAY"))
    first_seen = {"OLD": dt.date(2024, 1, 5), "SAMEDAY": dt.date(2025, 6, 1)}
    found = pt.new_payee_large(pay, min_amount_fen=500_000_000, first_seen=first_seen)
    assert sorted(found["subject_code"]) == ["330100/V1", "330100/V5"]
    assert len(pt.new_payee_large(pay, min_amount_fen=500_000_000)) == 3


def test_findings_have_the_same_columns_when_empty():
    empty = frame(voucher("V1", "2025-06-03", 1))
    for found in (dup(empty), split(empty), concentration(empty),
                  pt.off_day_payments(empty, min_amount_fen=1)):
        assert list(found.columns) == pt.FINDING_COLUMNS and found.empty


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="payee_account"):
        dup(frame(voucher("V1", "2025-06-03", 1)).drop(columns=["payee_account"]))
