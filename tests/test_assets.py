"""国有资产: the latest quarter delivered by D in each region and category, latest delivery per entity, 元 rows only."""
import datetime as dt
from fractions import Fraction as F

from indicators.assets import assets
from tests.builders import Builder, city, fen

ENT, FIN, ADM, NAT = "企业国有资产", "金融企业国有资产", "行政事业性国有资产", "国有自然资源"


def build(engine):
    b = city(Builder(engine))
    q1 = "2026-03-31"
    b.asset(q1, "419900", ENT, "E1", 1000, 400, 600, business_date="2026-04-20")
    b.asset(q1, "419900", ENT, "E1", 1100, 400, 700, business_date="2026-05-10")  # restated
    b.asset(q1, "419900", ENT, "E1", 9999, 1, 9998, business_date="2026-07-10")  # restated after D
    b.asset(q1, "419901", ENT, "E2", 2000, 1500, 500, business_date="2026-04-20")
    b.asset(q1, "419900", ADM, "E3", 800, 100, 700, business_date="2026-04-20")
    b.asset(q1, "419900", NAT, "N1", 5000, 0, 0, uom="亩", business_date="2026-04-20")
    b.asset(q1, "419900", NAT, "N2", 300, 0, 300, business_date="2026-04-20")
    b.asset("2026-06-30", "419900", ENT, "E1", 1200, 400, 800, business_date="2026-07-20")  # delivered after D
    b.asset("2025-03-31", "419900", ENT, "E1", 900, 400, 500)
    b.asset("2025-03-31", "419901", ENT, "E2", 1800, 1300, 500)


def test_latest_quarter(store_any):
    build(store_any)
    rows = {(r["code"], r["scope"], r["category"]): r for r in assets(store_any, dt.date(2026, 6, 30))}
    assert list(rows)[:4] == [("419900", "全辖", c) for c in (ENT, FIN, ADM, NAT)]
    ent = rows[("419900", "全辖", ENT)]
    assert ent["period"] == dt.date(2026, 3, 31)
    assert (ent["entities"], ent["total_assets"], ent["total_liabilities"], ent["equity"]) == (
        2, fen(3100), fen(1900), fen(1200))
    assert ent["debt_asset_ratio"] == F(1900, 3100) and ent["equity_growth"] == F(1200, 1000)
    nat = rows[("419900", "全辖", NAT)]
    assert (nat["entities"], nat["total_assets"], nat["debt_asset_ratio"], nat["equity_growth"]) == (1, fen(300), 0, None)
    fin = rows[("419900", "全辖", FIN)]
    assert (fin["entities"], fin["total_assets"], fin["debt_asset_ratio"]) == (0, 0, None)
    own = rows[("419900", "本级", ENT)]
    assert (own["total_assets"], own["equity_growth"]) == (fen(1100), F(700, 500))
    later = assets(store_any, dt.date(2026, 7, 25))[0]
    assert (later["period"], later["total_assets"], later["equity_growth"]) == (dt.date(2026, 6, 30), fen(1200), None)
    # a county that has not reported the city's latest quarter keeps its own latest, in its rows and its own 全辖
    county = [r for r in assets(store_any, dt.date(2026, 7, 25), "419901") if r["category"] == ENT]
    assert {(r["scope"], r["period"], r["total_assets"], r["equity_growth"]) for r in county} == {
        (scope, dt.date(2026, 3, 31), fen(2000), F(500, 500)) for scope in ("全辖", "本级")}
    in_city = {(r["code"], r["scope"]): r["period"] for r in assets(store_any, dt.date(2026, 7, 25)) if r["category"] == ENT}
    assert in_city[("419901", "全辖")] == dt.date(2026, 3, 31) and in_city[("419900", "本级")] == dt.date(2026, 6, 30)
    assert all(r["period"] is None and r["entities"] == 0 for r in assets(store_any, dt.date(2024, 1, 1)))
