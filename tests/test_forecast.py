"""Year-end forecast: median share of earlier years' spending by the same day, pooled peers when a unit has
fewer than three years, and the leave-one-year-out back-test."""
import datetime as dt
from fractions import Fraction as F

from indicators.forecast import backtest, forecast
from tests.builders import Builder, city

D = dt.date(2026, 6, 30)


def build(engine):
    b = city(Builder(engine))
    history = {"100001": {2023: [("03-01", 40), ("10-01", 60)], 2024: [("06-30", 50), ("07-01", 50)],
                          2025: [("05-01", 30), ("12-01", 70)]},
               "100002": {2025: [("01-05", 10), ("12-05", 10)]}}
    n = 0
    for unit, years in history.items():
        for year, pays in years.items():
            b.quota(f"H{unit}{year}", unit, "100", f"{year}-01-02")
            for day, amount in pays:
                n += 1
                b.pay(f"HV{n}", f"H{unit}{year}", amount, f"{year}-{day}")
    for unit, budget, spent in (("100001", 1000, 200), ("100002", 100, 30), ("200001", 200, 50), ("300001", 10, 1)):
        b.quota(f"C{unit}", unit, budget, "2026-01-02")
        b.pay(f"CV{unit}", f"C{unit}", spent, "2026-03-01")


def test_unit_forecast(store_any):
    build(store_any)
    rows = {r["code"]: r for r in forecast(store_any, D)}
    own = rows["100001"]
    assert (own["basis"], own["years"], own["execution_rate"]) == ("本单位", 3, F(1, 5))
    assert (own["forecast_spent"], own["forecast_rate"]) == (50000, F(1, 2))  # 200 ÷ median 0.4
    assert (own["forecast_low"], own["forecast_high"]) == (F(2, 5), F(2, 3))  # ÷ 0.5 and ÷ 0.3
    dept = rows["100002"]
    assert (dept["basis"], dept["years"], dept["forecast_rate"]) == ("同部门", 4, F(30, 45))  # median 0.45
    region = rows["200001"]
    assert (region["basis"], region["forecast_rate"]) == ("同区划", 50 / F(45, 100) / 200)
    alone = rows["300001"]
    assert (alone["basis"], alone["years"], alone["forecast_rate"], alone["forecast_low"]) == (None, 0, None, None)


def test_region_forecast_and_backtest(store):
    build(store)
    top = forecast(store, D, level="region")[0]
    assert (top["code"], top["scope"], top["years"]) == ("419900", "全辖", 3)
    assert top["forecast_spent"] == 28100 / F(2, 5)  # 281 元 today; shares 0.4, 0.5, 1/3 → median 0.4
    result = backtest(store)
    assert result["years"] == [2023, 2024, 2025] and result["units"] >= 1
    june = result["months"][6]
    assert june["n"] >= 1 and june["mae_pp"] >= 0 and 0 <= june["coverage"] <= 1


def test_region_forecast_reads_the_snapshots_when_every_day_is_stored(store_any):
    from indicators.snapshots import backfill

    build(store_any)
    summed = forecast(store_any, D, level="region")  # no day stored: summed from the vouchers' sums
    for day in (D, *(d for y in (2023, 2024, 2025) for d in (D.replace(year=y), dt.date(y, 12, 31)))):
        backfill(store_any, day, day)  # just the days the forecast reads, each computed in full
    read = forecast(store_any, D, level="region")
    assert read == summed and read[0]["forecast_spent"] == 28100 / F(2, 5)
