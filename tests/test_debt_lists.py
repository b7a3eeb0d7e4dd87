"""政府债务's lists for the debt office: the maturity wall by month, the bonds with their principal, and a bond's
whole schedule by the coupon terms that debt_service_due_y uses."""
import datetime as dt

from indicators.debt import bond_list, bond_schedule, maturity_wall
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)


def build(engine) -> None:
    b = city(Builder(engine))
    b.bond("B1", "419900", "10000000", "2020-07-01", "2027-07-01", "3.10")
    b.flow("F1", "B1", "还本", "2000000", "2026-03-01")
    b.flow("F2", "B1", "还本", "1000000", "2026-08-01", business_date="2026-08-01")  # after D: not yet known
    b.bond("B2", "419901", "8000000", "2024-03-15", "2028-03-15", "2.55", freq="半年付息", bond_type="专项债券")
    b.bond("B3", "419902", "1000000", "2021-01-01", "2026-06-01", "2.00")  # matured before D
    b.bond("B4", "419900", "3000000", "2022-08-01", "2029-08-01", "2.80")  # beyond the 36 months
    b.bond("B5", "419900", "5000000", "2026-07-15", "2027-09-15", "2.00")  # issued after D


def test_the_wall_puts_each_bonds_unpaid_principal_in_its_maturity_month(store_any):
    build(store_any)
    wall = maturity_wall(store_any, D, months=36)
    assert len(wall) == 72 and wall[0] == {"month": dt.date(2026, 6, 1), "bond_type": "一般债券", "principal": 0}
    assert wall[-1]["month"] == dt.date(2029, 5, 1)
    due = {(r["month"], r["bond_type"]): r["principal"] for r in wall if r["principal"]}
    assert due == {(dt.date(2027, 7, 1), "一般债券"): fen("8000000"), (dt.date(2028, 3, 1), "专项债券"): fen("8000000")}
    county = maturity_wall(store_any, D, "419901", months=36)
    assert {(r["month"], r["bond_type"]) for r in county if r["principal"]} == {(dt.date(2028, 3, 1), "专项债券")}


def test_the_bond_list_holds_what_the_balance_sums(store_any):
    build(store_any)
    bonds = bond_list(store_any, D)
    assert [b["bond_code"] for b in bonds] == ["B1", "B3", "B4", "B2"]  # by issue date
    b1 = bonds[0]
    assert (b1["issued"], b1["repaid"], b1["outstanding"]) == (fen("10000000"), fen("2000000"), fen("8000000"))
    assert str(b1["coupon_rate"]) == "3.1000" and b1["coupon_freq"] == "按年付息"
    assert [b["bond_code"] for b in bond_list(store_any, D, "419901")] == ["B2"]


def test_a_schedule_lists_every_coupon_and_the_principal_on_the_principal_known_on_d(store_any):
    build(store_any)
    payments = bond_schedule(store_any, D, "B1")
    coupons = [(p.date, p.amount) for p in payments if p.kind == "利息"]
    assert coupons == [(dt.date(y, 7, 1), fen("310000")) for y in range(2021, 2026)] + [
        (dt.date(2026, 7, 1), fen("248000")), (dt.date(2027, 7, 1), fen("248000"))]
    assert [(p.date, p.amount) for p in payments if p.kind == "本金"] == [(dt.date(2027, 7, 1), fen("8000000"))]
    semiannual = bond_schedule(store_any, D, "B2")
    assert len([p for p in semiannual if p.kind == "利息"]) == 8 and semiannual[0].amount == fen("102000")
    assert bond_schedule(store_any, D, "B5") == [] and bond_schedule(store_any, D, "none") == []
