"""收入 on a hand-computed store: adjusted budgets replace initial ones, restatements after D are not used,
退库 reduces revenue, tax share by code 101, year-on-year; the fund types listed are those present as in execution
(a budget or spending in Y by D), revenue of another type counts in 全部 only."""
import datetime as dt
from fractions import Fraction as F

from indicators.revenue import revenue
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)
GEN, FUND, STATE = "一般公共预算", "政府性基金预算", "国有资本经营预算"


def build(engine):
    b = city(Builder(engine))
    b.inc_bgt("419900", "101", "2000000", 2026)
    b.inc_bgt("419900", "101", "2500000", 2026, kind="调整预算", business_date="2026-05-01")
    b.inc_bgt("419900", "101", "3000000", 2026, kind="调整预算", business_date="2026-07-15")  # after D
    b.inc_bgt("419900", "103", "500000", 2026)
    b.inc_bgt("419900", "103", "400000", 2025)  # last year's budget
    b.inc_bgt("419901", "101", "300000", 2026)
    b.inc_bgt("419901", "101", "350000", 2026, business_date="2026-03-01")  # restated 年初预算
    b.inc("419900", "10101", "800000", "2026-03-01")
    b.inc("419900", "10101", "-50000", "2026-04-01")  # 退库
    b.inc("419900", "10301", "200000", "2026-05-01", collector="财政")
    b.inc("419900", "10301", "100", "2026-07-01", collector="财政")  # after D
    b.inc("419900", "1030148", "120000", "2026-02-02", fund_type=FUND, collector="财政")
    b.inc("419901", "10101", "100000", "2026-06-30")
    b.inc("419900", "10101", "600000", "2025-06-30")
    b.inc("419900", "10101", "1000", "2025-07-01")  # after the same day last year
    b.inc("419900", "10301", "10000", "2025-01-10", fund_type=STATE, collector="财政")
    b.inc("419902", "10301", "5000", "2026-03-01", fund_type=STATE, collector="财政")  # a type with no spending
    # the fund types present (indicators.md § Scopes): a BGT or PAY row in scope in Y
    b.quota("G1", "100001", "900000", "2026-01-05")
    b.quota("F1", "100002", "90000", "2026-01-05", fund_type=FUND)
    b.quota("G2", "300001", "80000", "2026-01-05")
    b.pay("V1", "G2", "1000", "2026-02-01")
    b.quota("S1", "400001", "70000", "2026-08-01", fund_type=STATE)  # issued after D: not present yet
    b.quota("G3", "400001", "60000", "2026-06-30")  # a type with a budget and no revenue: listed


def test_region_rows(store_any):
    build(store_any)
    rows = revenue(store_any, D)
    got = {(r["code"], r["scope"], r["fund_type"]): r for r in rows}
    assert list(got) == [("419900", "全辖", "全部"), ("419900", "全辖", GEN), ("419900", "全辖", FUND),
                         ("419900", "本级", "全部"), ("419900", "本级", GEN), ("419900", "本级", FUND),
                         ("419901", "全辖", "全部"), ("419901", "全辖", GEN), ("419902", "全辖", "全部"),
                         ("419902", "全辖", GEN)]
    top = got[("419900", "全辖", "全部")]
    assert (top["collected"], top["budget"]) == (fen(1175000), fen(3350000))  # 全部 counts every type's revenue
    assert top["completion_rate"] == F(1175000, 3350000)
    assert top["tax_share"] == F(850000, 1175000)
    assert top["collected_last_year_same_period"] == fen(610000)
    assert top["yoy"] == F(1175000, 610000) - 1
    fund = got[("419900", "全辖", FUND)]
    assert (fund["collected"], fund["budget"], fund["completion_rate"], fund["tax_share"]) == (fen(120000), 0, None, 0)
    own = got[("419900", "本级", "全部")]
    assert (own["collected"], own["budget"]) == (fen(1070000), fen(3000000))
    county = got[("419901", "全辖", "全部")]
    assert (county["budget"], county["yoy"]) == (fen(350000), None)
    west = got[("419902", "全辖", "全部")]
    assert (west["collected"], west["completion_rate"], west["tax_share"], west["yoy"]) == (fen(5000), None, 0, None)
    assert (got[("419902", "全辖", GEN)]["collected"], got[("419902", "全辖", GEN)]["completion_rate"]) == (0, None)


def test_fund_type_level_and_earlier_date(store_any):
    build(store_any)
    rows = revenue(store_any, D, level="fund_type")
    assert [(r["code"], r["fund_type"], r["collected"]) for r in rows] == [(GEN, GEN, fen(1050000)),
                                                                          (FUND, FUND, fen(120000))]
    earlier = revenue(store_any, dt.date(2026, 4, 30), fund_type=GEN)[0]  # before the 调整预算 delivery
    assert (earlier["fund_type"], earlier["budget"], earlier["collected"]) == (GEN, fen(2850000), fen(750000))
