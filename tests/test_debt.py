"""政府债务 on a hand-computed store as of 2026-06-30: a bond of each coupon kind, partial repayments that
lower later coupons, a bond maturing on D, a half-分 coupon, restated limits and 综合财力, 全辖 sums."""
import datetime as dt
from fractions import Fraction as F

from indicators.debt import add_months, debt, whole_years
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)
GEN, SPEC = "一般债券", "专项债券"


def build(engine):
    b = city(Builder(engine))
    b.bond("B1", "419900", "1000000", "2024-03-15", "2029-03-15", "3.00")
    b.flow("F11", "B1", "付息", "30000", "2026-03-15")
    b.flow("F12", "B1", "还本", "100000", "2026-04-01")
    b.flow("F13", "B1", "还本", "50000", "2026-08-01")  # after D: not known yet
    b.flow("F14", "B1", "发行费", "1000", "2026-03-15")
    b.bond("B2", "419901", "1000000", "2025-08-31", "2027-08-31", "2.50", freq="半年付息", bond_type=SPEC)
    b.flow("F21", "B2", "付息", "12500", "2026-02-28")
    b.bond("B3", "419900", "1000000", "2024-02-29", "2026-12-31", "2.00", freq="到期一次还本付息")
    b.bond("B4", "419900", "333333.33", "2026-07-15", "2031-07-15", "3.33", bond_type=SPEC)  # issued after D
    b.bond("B5", "419900", "500000", "2021-06-30", "2026-06-30", "2.15", bond_type=SPEC)  # matures on D
    b.flow("F51", "B5", "还本", "500000", "2026-06-30")
    b.flow("F52", "B5", "付息", "10750", "2026-06-30")
    b.bond("B6", "419900", "200000", "2025-01-10", "2027-01-10", "3.33", freq="半年付息")
    b.flow("F61", "B6", "付息", "3330", "2026-01-10")
    b.flow("F62", "B6", "还本", "50000", "2026-05-01")
    b.bond("B7", "419901", "10000.20", "2023-09-01", "2028-09-01", "2.50")  # coupon 250.005 → 250.01
    b.limit("419900", GEN, "3000000", 2026)
    b.limit("419900", GEN, "3500000", 2026, business_date="2026-06-01")
    b.limit("419900", GEN, "9999999", 2026, business_date="2026-07-01")  # after D
    b.limit("419900", SPEC, "2000000", 2026)
    b.limit("419901", GEN, "500000", 2026)
    b.limit("419900", GEN, "1", 2025)
    b.fin_cap("419900", "一般公共预算收入", "8000000", 2026)
    b.fin_cap("419900", "一般公共预算收入", "9000000", 2026, business_date="2026-04-01")
    b.fin_cap("419900", "上级补助收入", "2000000", 2026)
    b.fin_cap("419901", "一般公共预算收入", "1000000", 2026)
    b.quota("U1", "100001", "5000000", "2026-01-02")
    b.pay("S1", "U1", "1000000", "2026-03-01")
    b.quota("U2", "100002", "900000", "2026-01-02", fund_type="政府性基金预算")
    b.pay("S2", "U2", "465000", "2026-03-01")
    b.quota("U3", "300001", "900000", "2026-01-02", fund_type="政府性基金预算")
    b.pay("S3", "U3", "100000", "2026-03-01")


def test_coupon_calendar():
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert whole_years(dt.date(2024, 2, 29), dt.date(2026, 12, 31)) == 2
    assert whole_years(dt.date(2026, 1, 1), dt.date(2026, 6, 30)) == 1


def test_region_rows_hand_computed(store_any):
    build(store_any)
    rows = {(r["code"], r["scope"], r["bond_type"]): r for r in debt(store_any, D)}
    assert list(rows)[:6] == [("419900", "全辖", GEN), ("419900", "全辖", SPEC), ("419900", "全辖", "合计"),
                              ("419900", "本级", GEN), ("419900", "本级", SPEC), ("419900", "本级", "合计")]
    gen, spec, tot = (rows[("419900", "全辖", t)] for t in (GEN, SPEC, "合计"))
    assert (gen["balance"], spec["balance"], tot["balance"]) == (fen("2060000.20"), fen(1000000), fen("3060000.20"))
    assert (gen["limit"], spec["limit"], tot["limit"]) == (fen(4000000), fen(2000000), fen(6000000))
    assert gen["fiscal_capacity"] == spec["fiscal_capacity"] == tot["fiscal_capacity"] == fen(12000000)
    assert gen["limit_usage"] == F(fen("2060000.20"), fen(4000000))
    assert gen["debt_ratio"] == F(fen("2060000.20"), fen(12000000))
    assert (gen["principal_repaid_ytd"], gen["interest_paid_ytd"]) == (fen(150000), fen(33330))
    assert (spec["principal_repaid_ytd"], spec["interest_paid_ytd"]) == (fen(500000), fen(23250))
    assert tot["repayment_ratio"] == F(650000 + 56580, 12000000)
    assert gen["interest_expense_ratio"] == F(33330, 1000000)
    assert spec["interest_expense_ratio"] == F(23250, 565000)
    assert tot["interest_expense_ratio"] == F(56580, 1565000)
    # 一般: B1 30,000 + B3 40,000 + 1,000,000 + B6 3,330 + 2,497.50 + B7 250.01; 专项: B2 2 × 12,500 + B5 10,750 + 500,000
    assert gen["debt_service_due_y"] == fen("1076077.51")
    assert spec["debt_service_due_y"] == fen(535750)
    assert tot["debt_service_due_y"] == fen("1611827.51")
    assert tot["coverage_multiple"] == F(fen(12000000), fen("1611827.51"))
    assert (gen["due_12m"], spec["due_12m"]) == (fen(1150000), 0)
    own = rows[("419900", "本级", GEN)]
    assert (own["balance"], own["limit"], own["fiscal_capacity"]) == (fen(2050000), fen(3500000), fen(11000000))
    assert own["debt_service_due_y"] == fen("1075827.50")
    west = rows[("419902", "全辖", "合计")]
    assert west["balance"] == 0 and all(west[k] is None for k in (
        "limit_usage", "debt_ratio", "repayment_ratio", "interest_expense_ratio", "coverage_multiple"))


def test_known_repayments_only_as_of_d(store_any):
    build(store_any)
    later = {(r["code"], r["scope"], r["bond_type"]): r for r in debt(store_any, dt.date(2026, 8, 1))}
    gen = later[("419900", "全辖", GEN)]
    assert gen["balance"] == fen("2060000.20") - fen(50000)  # F13 now known
    assert gen["limit"] == fen(10499999)  # the 2026-07-01 restatement is in force
