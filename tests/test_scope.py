"""Region scoping (auth.scope): which regions a principal may see, and every query entry point enforcing it.

The queries are called directly here, as the principal of a request would run them (acting_as); the
break-in tests call the same through the running app. A deputy of 东县 sees 东县 and 城关镇 below it; asking
for 西县 or the city is refused (never narrowed), asking for nothing means 东县.
"""
from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask, g

from auth import scope as access
from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER, Principal, acting_as, current_principal
from auth.scope import RegionDenied
from briefing.archive import visible_briefings
from briefing.facts import require_data
from briefing.quarter import Quarter
from dashboard.queries import ingest as ingest_q
from dashboard.queries.alerts import alert_history, open_alerts, visible_alert
from dashboard.queries.execution import Drill, level_rows, path_names
from dashboard.queries.regional import region_rows
from dashboard.queries.regions import choices, covered, region_tree
from dashboard.queries.vouchers import VoucherScope, voucher, voucher_count, voucher_page, vouchers_by_ref
from indicators.debt import bond_list, bond_schedule, maturity_wall
from indicators.execution import execution
from indicators.explain import explain
from indicators.forecast import forecast
from indicators.sangong import sangong
from indicators.scope import Regions, ScopeError
from indicators.snapshots import history, refresh, snapshot_rows
from tests import scope_city as city
from warehouse import db

EAST_DEPUTY = Principal("east", DEPUTY, (city.EAST,))
WEST_DEPUTY = Principal("west", DEPUTY, (city.WEST,))
MEMBER_P = Principal("member", MEMBER)
LIAISON_WEST = Principal("liaison", LIAISON, dept_code=city.DEPTS[city.WEST])
MINE = {city.EAST, city.TOWN}
START = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def engine(module_store_url):
    engine = db.open_store(module_store_url)
    city.fill(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def tree(engine) -> Regions:
    return region_tree(engine)


# The rules ----------------------------------------------------------------------------------------------------
def test_a_deputy_sees_their_regions_and_every_region_below_them_in_the_parent_chain(tree):
    assert access.visible_regions(tree, EAST_DEPUTY) == MINE
    assert access.visible_regions(tree, WEST_DEPUTY) == {city.WEST}
    both = Principal("both", DEPUTY, (city.TOWN, city.WEST, "999999"))  # an unknown grant grants nothing
    assert access.visible_regions(tree, both) == {city.TOWN, city.WEST}
    assert access.visible_regions(tree, Principal("top", DEPUTY, (city.TOP,))) == set(tree.names)


def test_members_admins_and_work_outside_a_request_see_everything_a_liaison_or_unknown_role_nothing(tree):
    assert access.visible_regions(tree, MEMBER_P) is None
    assert access.visible_regions(tree, Principal("a", ADMIN)) is None
    assert access.visible_regions(tree, None) is None
    assert current_principal() is None and access.visible_regions(tree) is None
    assert access.visible_regions(tree, LIAISON_WEST) == frozenset()
    assert access.visible_regions(tree, Principal("x", "guest", (city.EAST,))) == frozenset()  # fails closed


def test_no_region_means_the_principals_own_and_another_is_refused_not_narrowed(tree):
    assert access.default_region(tree, EAST_DEPUTY) == city.EAST
    assert access.default_region(tree, Principal("two", DEPUTY, (city.WEST, city.TOWN))) == city.TOWN  # tree order
    assert access.default_region(tree, MEMBER_P) == city.TOP
    assert access.resolve_region(tree, None, EAST_DEPUTY) == city.EAST
    assert access.resolve_region(tree, city.TOWN, EAST_DEPUTY) == city.TOWN
    for other in (city.WEST, city.TOP, "999999", ""):
        with pytest.raises(RegionDenied):
            access.resolve_region(tree, other, EAST_DEPUTY)
    assert access.resolve_region(tree, city.WEST, MEMBER_P) == city.WEST
    assert access.resolve_region(tree, None, MEMBER_P) is None  # the caller's own default: the top region
    with pytest.raises(RegionDenied):
        access.resolve_region(tree, None, LIAISON_WEST)


def test_the_visible_set_is_resolved_once_per_request():
    tree = Regions({city.TOP: "市", city.EAST: "东县"}, {city.TOP: None, city.EAST: city.TOP},
                   {city.TOP: [city.EAST]})
    app = Flask(__name__)
    with app.test_request_context("/"):
        g.principal = EAST_DEPUTY
        first = access.visible_regions(tree)
        assert access.visible_regions(tree) is first and first == {city.EAST}
        assert len(g.get(access._CACHE)) == 1
        assert access.visible_regions(tree, WEST_DEPUTY) == frozenset()  # 西县 is not in this tree
        assert len(g.get(access._CACHE)) == 2
    with app.test_request_context("/"):
        assert g.get(access._CACHE) is None  # a new request resolves anew


def test_acting_as_carries_the_principal_outside_a_request():
    assert current_principal() is None
    with acting_as(EAST_DEPUTY):
        assert current_principal() == EAST_DEPUTY
        with acting_as(MEMBER_P):
            assert current_principal() == MEMBER_P
        assert current_principal() == EAST_DEPUTY
    assert current_principal() is None


# Indicators and explain ---------------------------------------------------------------------------------------
def test_indicator_reads_default_to_the_deputys_region_and_refuse_any_other(engine):
    with acting_as(EAST_DEPUTY):
        own = execution(engine, city.DAY)
        assert {r["code"] for r in own} == MINE
        assert execution(engine, city.DAY, city.TOWN)
        for other in (city.WEST, city.TOP):
            for read in (execution, sangong, forecast):
                with pytest.raises(RegionDenied):
                    read(engine, city.DAY, other)
            with pytest.raises(RegionDenied):
                bond_list(engine, city.DAY, other)
            with pytest.raises(RegionDenied):
                maturity_wall(engine, city.DAY, other)
        with pytest.raises(RegionDenied):  # a drill path naming another region's unit: not even its name
            execution(engine, city.DAY, city.EAST, "func", within={"unit": city.UNITS[city.WEST]})
        with pytest.raises(RegionDenied):
            path_names(engine, city.DAY, Drill(city.EAST, path=(("dept", city.DEPTS[city.WEST]),)))
    assert own == execution(engine, city.DAY, city.EAST)  # what a member sees of 东县, exactly


def test_a_liaison_reads_no_figures_and_work_outside_a_request_reads_every_region(engine):
    with acting_as(LIAISON_WEST):
        for region in (None, city.WEST):
            with pytest.raises(RegionDenied):
                execution(engine, city.DAY, region)
    assert {r["code"] for r in execution(engine, city.DAY, city.WEST)} == {city.WEST}


def _spent_rows(page: dict) -> list[dict]:
    return page["numerator"]["parts"][0]["rows"]


def test_explain_lists_only_the_deputys_rows_and_refuses_a_scope_naming_another_region(engine):
    with acting_as(EAST_DEPUTY):
        mine = explain(engine, "execution.spent", {"level": "region", "code": city.EAST}, city.DAY)
        assert {r["unit_code"] for r in _spent_rows(mine)} == {city.UNITS[city.EAST], city.UNITS[city.TOWN]}
        for scope in ({"level": "region", "code": city.WEST},  # the member of another region …
                      {"level": "region", "code": city.WEST, "region": city.EAST},  # … under the deputy's own
                      {"level": "region", "code": city.TOP},
                      {"level": "unit", "code": city.UNITS[city.WEST], "region": city.WEST}):
            with pytest.raises(RegionDenied):
                explain(engine, "execution.spent", scope, city.DAY)
        with pytest.raises(RegionDenied):  # a later page (a cursor) of another region
            explain(engine, "execution.spent", {"level": "region", "code": city.WEST}, city.DAY, page_size=1,
                    after=["2026-03-11", 1], part="spent")
        # another region's unit under the deputy's region: its rows are not the region's, so none
        other_unit = explain(engine, "execution.spent", {"level": "unit", "code": city.UNITS[city.WEST],
                                                         "region": city.EAST}, city.DAY)
        assert _spent_rows(other_unit) == [] and other_unit["value"] == 0
        # a cursor taken from another region's rows walks on through the deputy's own only
        west_id = city.voucher_ids(engine)[city.WEST]
        later = explain(engine, "execution.spent", {"level": "region", "code": city.EAST}, city.DAY, page_size=50,
                        after=["2026-01-01", west_id], part="spent")
        assert later["rows"] and {r["unit_code"] for r in later["rows"]} <= {city.UNITS[r] for r in MINE}


# Snapshots and the dashboard's region reads -------------------------------------------------------------------
def test_snapshot_reads_keep_the_deputys_regions_and_refuse_what_is_summed_over_every_region(engine):
    everyone = snapshot_rows(engine, "execution", city.DAY, "region")
    with acting_as(EAST_DEPUTY):
        rows = snapshot_rows(engine, "execution", city.DAY, "region")
        assert {r["code"] for r in rows} == MINE
        assert rows == [r for r in everyone if r["code"] in MINE]
        with pytest.raises(RegionDenied):
            snapshot_rows(engine, "execution", city.DAY, "dept")
        with pytest.raises(RegionDenied):
            history(engine, "execution.execution_rate", START, city.DAY, code=city.WEST)
        with pytest.raises(RegionDenied):
            history(engine, "execution.execution_rate", START, city.DAY, level="dept", code=city.DEPTS[city.EAST])
        own = history(engine, "execution.execution_rate", START, city.DAY)
        assert region_rows(engine, "execution", city.DAY, city.EAST)
        with pytest.raises(RegionDenied):
            region_rows(engine, "execution", city.DAY, city.WEST)
        with pytest.raises(RegionDenied):
            level_rows(engine, city.DAY, Drill(city.TOP), city.TOP)
    assert own and own == history(engine, "execution.execution_rate", START, city.DAY, code=city.EAST)


def test_a_refresh_run_as_a_deputy_still_writes_the_whole_stores_snapshot(engine):
    before = snapshot_rows(engine, "execution", city.DAY, "region")
    with acting_as(EAST_DEPUTY):
        refresh(engine, city.DAY, city.DAY)
    assert snapshot_rows(engine, "execution", city.DAY, "region") == before
    assert {r["code"] for r in before} == {city.TOP, city.EAST, city.TOWN, city.WEST}


def test_the_region_selector_lists_and_a_view_covers_only_the_deputys_regions(engine, tree):
    with acting_as(EAST_DEPUTY):
        assert [(c.code, c.depth) for c in choices(tree)] == [(city.EAST, 1), (city.TOWN, 2)]
        assert covered(tree, None) == MINE
        assert covered(tree, city.EAST) == MINE
        with pytest.raises(RegionDenied):
            covered(tree, city.WEST)
    assert [c.code for c in choices(tree)] == [city.TOP, city.EAST, city.TOWN, city.WEST]


# Vouchers ------------------------------------------------------------------------------------------------------
def test_voucher_lists_and_single_vouchers_of_another_region_are_out_of_reach(engine):
    ids = city.voucher_ids(engine)
    with acting_as(EAST_DEPUTY):
        rows, _ = voucher_page(engine, VoucherScope(city.EAST, START, city.DAY))
        assert {r["region_code"] for r in rows} == MINE and voucher_count(engine, VoucherScope(city.EAST, START,
                                                                                                city.DAY)) == 6
        for scope in (VoucherScope(city.WEST, START, city.DAY), VoucherScope(city.TOP, START, city.DAY),
                      VoucherScope(city.EAST, START, city.DAY, {"unit": city.UNITS[city.WEST]})):
            with pytest.raises(RegionDenied):
                voucher_page(engine, scope)
            with pytest.raises(RegionDenied):
                voucher_count(engine, scope)
        assert voucher(engine, ids[city.WEST]) is None and voucher(engine, ids[city.TOP]) is None
        assert voucher(engine, ids[city.TOWN])["region_code"] == city.TOWN
        refs = [(region, f"V{unit}-1") for region, unit in city.UNITS.items()]
        assert {r["region_code"] for r in vouchers_by_ref(engine, refs)} == MINE
    with acting_as(LIAISON_WEST):  # a liaison opens their department's vouchers (their alerts' evidence)
        assert {r["region_code"] for r in vouchers_by_ref(engine, refs)} == {city.WEST}
        assert voucher(engine, ids[city.EAST]) is None
    assert voucher(engine, ids[city.WEST])["region_code"] == city.WEST


def test_a_bond_schedule_of_another_region_is_empty(engine):
    with acting_as(EAST_DEPUTY):
        assert bond_schedule(engine, city.DAY, f"B{city.WEST}") == []
        assert bond_schedule(engine, city.DAY, f"B{city.EAST}")
    assert bond_schedule(engine, city.DAY, f"B{city.WEST}")


# Alerts, the feed, briefings ----------------------------------------------------------------------------------
def test_a_deputy_lists_the_alerts_of_their_regions_only(engine):
    ids = city.alert_ids(engine)
    assert {a["region_code"] for a in open_alerts(engine, city.DAY)} == {city.EAST, city.TOWN, city.WEST, None}
    with acting_as(EAST_DEPUTY):
        assert {a["region_code"] for a in open_alerts(engine, city.DAY)} == MINE
        assert {a["region_code"] for a in open_alerts(engine, city.DAY, city.TOWN)} == {city.TOWN}
        with pytest.raises(RegionDenied):
            open_alerts(engine, city.DAY, city.WEST)
        assert visible_alert(engine, ids[city.TOWN]) and not visible_alert(engine, ids[city.WEST])
        assert not visible_alert(engine, ids[None]) and not visible_alert(engine, 999_999)
        assert alert_history(engine, ids[city.EAST])
        with pytest.raises(RegionDenied):
            alert_history(engine, ids[city.WEST])


def test_a_liaison_sees_exactly_the_alerts_assigned_to_their_department_now(store):
    from alerts import lifecycle

    city.fill(store)
    ids = city.alert_ids(store)
    with acting_as(LIAISON_WEST):
        assert open_alerts(store, city.DAY) == []
    at = dt.datetime(2026, 4, 1, 9, 0)
    lifecycle.acknowledge(store, ids[city.EAST], "委员甲", at=at)
    lifecycle.assign(store, ids[city.EAST], "委员甲", city.DEPTS[city.WEST], dt.date(2026, 4, 30), at=at)
    with acting_as(LIAISON_WEST):
        listed = open_alerts(store, city.DAY, city.TOP)  # the view's region does not matter to a liaison
        assert [a["id"] for a in listed] == [ids[city.EAST]]
        assert visible_alert(store, ids[city.EAST]) and not visible_alert(store, ids[city.WEST])
    lifecycle.reply(store, ids[city.EAST], "联络员", "已整改", at=at)
    lifecycle.assign(store, ids[city.EAST], "委员甲", city.DEPTS[city.EAST], dt.date(2026, 4, 30), at=at)
    with acting_as(LIAISON_WEST):  # handed to another department: no longer theirs
        assert open_alerts(store, city.DAY) == [] and not visible_alert(store, ids[city.EAST])


def test_the_feed_shows_a_deputy_the_files_of_their_regions_and_none_of_no_region(engine):
    everyone = {f["name"] for f in ingest_q.files(engine, city.DAY)}
    assert everyone == {*city.FILES.values(), "manifest.json"}
    with acting_as(EAST_DEPUTY):
        assert {f["name"] for f in ingest_q.files(engine, city.DAY)} == {city.FILES[city.EAST]}
        assert {f["name"] for f in ingest_q.files(engine, city.DAY, {city.EAST, city.WEST})} == {city.FILES[city.EAST]}
        assert {r["region_code"] for r in ingest_q.report_summary(engine, city.DAY)} == {city.EAST}
        assert sum(r["files"] for r in ingest_q.daily_status(engine, city.DAY)) == 1


def test_a_briefing_is_written_for_the_deputys_region_and_lists_only_theirs(engine, tmp_path):
    quarter = Quarter.parse("2026Q1")
    with acting_as(EAST_DEPUTY):
        assert require_data(engine, quarter) == city.EAST
        for other in (city.WEST, city.TOP):
            with pytest.raises(RegionDenied):
                require_data(engine, quarter, other)
    assert require_data(engine, quarter) == city.TOP
    for region in (city.TOP, city.EAST, city.TOWN, city.WEST):
        for ext in ("docx", "pdf"):
            (tmp_path / f"2026Q1_{region}_预算执行情况简报.{ext}").write_bytes(b"x")
    with acting_as(EAST_DEPUTY):
        assert {b.region for b in visible_briefings(engine, tmp_path)} == MINE
    assert {b.region for b in visible_briefings(engine, tmp_path)} == {city.TOP, city.EAST, city.TOWN, city.WEST}


def test_a_briefing_job_is_queued_for_the_deputys_region_and_never_for_another(engine, tmp_path):
    from briefing import jobs
    from jobs import queue

    with acting_as(EAST_DEPUTY):
        job = jobs.enqueue(engine, "2026Q1", None, tmp_path, "east")
        for other in (city.WEST, city.TOP):
            with pytest.raises(RegionDenied):
                jobs.enqueue(engine, "2026Q1", other, tmp_path, "east")
    assert queue.get(engine, job)["params"]["region"] == city.EAST  # the runner writes it as the system
    assert queue.get(engine, jobs.enqueue(engine, "2026Q1", city.WEST, tmp_path))["params"]["region"] == city.WEST


def test_an_unknown_region_is_still_a_plain_scope_error_for_those_who_see_everything(engine):
    with pytest.raises(ScopeError):
        execution(engine, city.DAY, "999999")
    with acting_as(EAST_DEPUTY), pytest.raises(RegionDenied):  # a deputy cannot tell unknown from forbidden
        execution(engine, city.DAY, "999999")
