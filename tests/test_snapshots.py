"""Daily snapshots: the incremental refresh (day before + the day's rows) gives exactly what the calculators
give, across a year boundary, after a late voucher and after a removed one; history() reads them back."""
import datetime as dt

from sqlalchemy import delete, select

from indicators import snapshots
from indicators.debt import debt
from indicators.execution import execution
from indicators.revenue import revenue
from indicators.tables import indicator_snapshot_day
from tests import test_debt, test_execution, test_revenue
from tests.builders import Builder, city
from warehouse import schema

CALCULATORS = [("execution", execution, "region"), ("execution", execution, "dept"),
               ("execution", execution, "unit"), ("revenue", revenue, "region"), ("debt", debt, "region")]


def days(start, end):
    d = start
    while d <= end:
        yield d
        d += dt.timedelta(days=1)


def assert_matches(engine, start, end):
    for day in days(start, end):
        for family, fn, level in CALCULATORS:
            assert snapshots.snapshot_rows(engine, family, day, level) == fn(engine, day, level=level), (day, family)


def modes(engine):
    with engine.connect() as conn:
        return dict(conn.execute(select(indicator_snapshot_day.c.date, indicator_snapshot_day.c.mode)).all())


def build(engine):
    test_execution.build(engine)
    test_revenue.build(engine)
    test_debt.build(engine)


def test_incremental_equals_full_and_late_rows(store):
    build(store)
    start, end = dt.date(2026, 6, 26), dt.date(2026, 7, 2)
    assert snapshots.refresh(store, start, end) > 0
    got = modes(store)
    assert got[start] == "full" and {got[d] for d in days(start + dt.timedelta(days=1), end)} == {"incremental"}
    assert_matches(store, start, end)

    b = Builder(store)
    city(b)
    b.quotas["Q1"] = {"region_code": "419900", "unit_code": "100001", "fund_type": "一般公共预算",
                      "func_code": "2050201", "econ_code": "30201", "project_code": None}
    b.pay("LATE", "Q1", "12345.67", "2026-06-27", business_date="2026-07-02")  # a late voucher
    with store.begin() as conn:  # a redelivery that dropped V3 (dated 2026-06-30)
        conn.execute(delete(schema.pay).where(schema.pay.c.voucher_no == "V3"))
    snapshots.refresh(store, dt.date(2026, 6, 27), end)
    assert modes(store)[dt.date(2026, 6, 27)] == "incremental"
    assert_matches(store, start, end)

    history = snapshots.history(store, "execution_rate", start, end)
    assert history == [(d, execution(store, d)[0]["execution_rate"]) for d in days(start, end)]
    by_unit = snapshots.history(store, "spent", start, end, level="unit", code="100001")
    assert [v for _, v in by_unit] == [execution(store, d, level="unit")[0]["spent"] for d in days(start, end)]
    debt_history = snapshots.history(store, "debt.debt_ratio", start, end, breakdown="一般债券")
    assert debt_history[-1] == (end, debt(store, end)[0]["debt_ratio"])


def test_year_boundary_and_backfill(store):
    build(store)
    b = Builder(store)
    b.unit_region["100001"] = "419900"
    b.quota("OLD", "100001", "1000", "2025-12-01")
    b.pay("OLDV", "OLD", "400", "2025-12-31")
    b.inc("419900", "10101", "777", "2025-12-31")
    start, end = dt.date(2025, 12, 30), dt.date(2026, 1, 2)
    snapshots.refresh(store, start, end)
    got = modes(store)
    assert (got[dt.date(2025, 12, 31)], got[dt.date(2026, 1, 1)], got[end]) == ("incremental", "full", "incremental")
    assert_matches(store, start, end)
    snapshots.backfill(store, dt.date(2025, 12, 31), end)
    assert modes(store)[dt.date(2025, 12, 31)] == "full"
    assert_matches(store, start, end)


def test_both_stores(store_any):
    build(store_any)
    snapshots.refresh(store_any, dt.date(2026, 6, 29), dt.date(2026, 6, 30))
    assert_matches(store_any, dt.date(2026, 6, 29), dt.date(2026, 6, 30))
    assert snapshots.snapshot_rows(store_any, "execution", dt.date(2026, 7, 1)) == []


def test_a_region_the_days_snapshot_does_not_hold_is_left_to_the_calculator(store):
    """A county added to the code tables after a day's snapshot was taken (or a store grown by copies of its
    city) has no rows in that snapshot: reading the day lists the regions it holds and the new one is computed,
    instead of the whole page failing on the missing member."""
    from dashboard.queries.regional import region_rows

    build(store)
    day = dt.date(2026, 6, 30)
    snapshots.refresh(store, day, day)
    Builder(store).region("419988", "新设区", parent="419900", level="区")
    for family, fn, _ in CALCULATORS[3:] + CALCULATORS[:1]:
        rows = snapshots.snapshot_rows(store, family, day, "region")
        assert rows and "419988" not in {r["code"] for r in rows}, family
        assert region_rows(store, family, day, "419988") == fn(store, day, "419988"), family
