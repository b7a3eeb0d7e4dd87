"""What the pages read, on the city the browser tests use: region rows from the day's snapshot equal to the
calculators', the rows behind a figure walked by key, the open alerts of a region with where they belong."""
from decimal import Decimal

import pytest

from dashboard.queries.alerts import evidence_vouchers, open_alert_counts, open_alerts
from dashboard.queries.lists import rows_behind
from dashboard.queries.regional import pick, region_rows
from indicators.debt import debt
from indicators.execution import execution
from indicators.revenue import revenue
from tests.dashboard_data import DAY, TOP, UNIT, fill_city


@pytest.fixture(scope="module")
def city_store(module_store_url):
    from warehouse.db import open_store

    engine = open_store(module_store_url)
    fill_city(engine)
    yield engine
    engine.dispose()


def test_region_rows_are_the_calculators_rows_read_from_the_snapshot(city_store):
    for family, calculator in (("execution", execution), ("revenue", revenue), ("debt", debt)):
        stored = region_rows(city_store, family, DAY, TOP)
        assert stored == calculator(city_store, DAY, TOP), family
        county = region_rows(city_store, family, DAY, "419901")
        computed = calculator(city_store, DAY, "419901")
        assert [r for r in county if r["scope"] == "全辖"] == [r for r in computed if r["scope"] == "全辖"], family
    before = DAY.replace(year=2025)  # no snapshot stored that day: computed
    assert region_rows(city_store, "execution", before, TOP) == execution(city_store, before, TOP)
    assert pick(region_rows(city_store, "debt", DAY, TOP), TOP, bond_type="合计")["balance"] == 18_000_000_00


def test_the_rows_behind_a_figure_are_walked_to_the_end_or_to_a_limit(city_store):
    scope = {"level": "unit", "code": UNIT, "region": TOP}
    rows, more = rows_behind(city_store, "execution.spent", scope, DAY)
    assert len(rows) == 12 and not more and sum(r["amount"] for r in rows) == Decimal("369000.21")
    rows, more = rows_behind(city_store, "execution.spent", scope, DAY, limit=5)
    assert len(rows) == 5 and more


def test_open_alerts_carry_where_they_belong_and_follow_the_region(city_store):
    [alert] = open_alerts(city_store, DAY, TOP)
    assert (alert["rule_id"], alert["region_code"], alert["unit_code"], alert["dept_code"]) == (
        "PAY_OVER_QUOTA", TOP, UNIT, "100")
    assert alert["current_status"] == "新" and alert["message"].startswith("累计支付超出")
    assert evidence_vouchers(alert["evidence"] + ["FEED_MISSING:PAY"]) == [(TOP, "V100-01"), (TOP, "V100-02")]
    assert open_alerts(city_store, DAY, "419901") == []
    assert open_alert_counts(city_store, DAY, TOP) == {"红": 1, "橙": 0, "黄": 0, "info": 0}
