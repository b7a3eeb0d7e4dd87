"""The 预警中心 list stays bounded as alerts accumulate: one page of the open alerts, ordered, filtered and scoped
in SQL (dashboard.queries.alerts over alerts.records), its count and filter choices one grouped query — checked
against what 500 seeded alerts should give, on both databases, as of today and as of a past date."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import delete, insert

from alerts.findings import RANK
from alerts.tables import alert, alert_event, alert_evidence, alert_sighting
from auth.principal import DEPUTY, LIAISON, Principal, acting_as
from dashboard.queries.alerts import alert_groups, open_alert_counts, open_alerts
from tests.builders import Builder

TOP, EAST, TOWN, WEST = "419900", "419901", "419911", "419902"
UNITS = {EAST: ("300001", "300"), TOWN: ("310001", "310"), WEST: ("400001", "400")}
START = dt.date(2026, 3, 1)
TODAY, PAST = dt.date(2026, 3, 31), dt.date(2026, 3, 9)
SEVERITIES = ("红", "橙", "黄", "info")
EAST_DEPUTY = Principal("east", DEPUTY, (EAST,))
WEST_LIAISON = Principal("west", LIAISON, dept_code="400")
N = 500


def _seed(engine) -> list[dict]:
    """N alerts over three regions and the whole feed, five rules, four severities; each seen on consecutive days
    (its earlier sightings 黄 with other evidence), one in ten dismissed on its last day, one in ten assigned to
    西县's department. Returns what each alert is, as the expectations below read it."""
    b = Builder(engine)
    b.region(TOP, "示范市")
    b.region(EAST, "东县", TOP, "县")
    b.region(TOWN, "城关镇", EAST, "乡")
    b.region(WEST, "西县", TOP, "县")
    for region, (unit, dept) in UNITS.items():
        b.unit(unit, f"单位{unit}", dept, f"部门{dept}", region)
    now = dt.datetime(2026, 4, 1, 9)
    seeded, alerts, sightings, evidence, events = [], [], [], [], []
    for i in range(1, N + 1):
        region = (EAST, TOWN, WEST, None)[i % 4]
        first = START + dt.timedelta(days=i % 10)
        a = {"id": i, "rule_id": f"RULE_{i % 5}", "category": ("合法性", "风险")[i % 2], "region_code": region,
             "unit_code": UNITS[region][0] if region else None, "severity": SEVERITIES[(i // 4) % 4],
             "first_seen": first, "last_seen": first + dt.timedelta(days=i % 7), "subject_code": f"S{i:04d}",
             "fate": ("dismissed", "assigned")[i % 10] if i % 10 < 2 else None}
        seeded.append(a)
        alerts.append({"id": i, "rule_id": a["rule_id"], "subject_level": "quota", "subject_code": a["subject_code"],
                       "subject_name": f"对象{i}", "region_code": region, "unit_code": a["unit_code"],
                       "category": a["category"], "basis": "依据", "severity": a["severity"], "figure": f"{i}.00",
                       "threshold": "0", "unit": "元", "message": f"说明{i}", "evidence": [f"{region}/V{i}"],
                       "evidence_hash": f"h{i}", "first_seen": first, "last_seen": a["last_seen"],
                       "status": {"dismissed": "已忽略", "assigned": "已交办"}.get(a["fate"], "新"), "updated_at": now})
        day = first
        while day <= a["last_seen"]:
            latest = day == a["last_seen"]
            sightings.append({"alert_id": i, "date": day, "severity": a["severity"] if latest else "黄",
                              "figure": f"{i}.00" if latest else "1.00", "threshold": "0", "unit": "元",
                              "message": f"说明{i}", "evidence_hash": f"h{i}" if latest else f"h{i}-old"})
            day += dt.timedelta(days=1)
        evidence += [{"alert_id": i, "evidence_hash": f"h{i}", "evidence": [f"{region}/V{i}"]},
                     {"alert_id": i, "evidence_hash": f"h{i}-old", "evidence": [f"{region}/W{i}"]}]
        events.append(_event(i, first, "系统", None, "新"))
        if a["fate"] == "dismissed":
            events.append(_event(i, a["last_seen"], "王科长", "新", "已忽略", note="已核实"))
        elif a["fate"] == "assigned":
            events += [_event(i, a["last_seen"], "王科长", "新", "已阅"),
                       _event(i, a["last_seen"], "王科长", "已阅", "已交办", dept="400")]
    with engine.begin() as conn:
        for table, rows in ((alert, alerts), (alert_sighting, sightings), (alert_evidence, evidence),
                            (alert_event, events)):
            conn.execute(insert(table), rows)
    return seeded


def _event(alert_id, as_of, who, before, after, note=None, dept=None) -> dict:
    return {"alert_id": alert_id, "at": dt.datetime.combine(as_of, dt.time(12)), "as_of": as_of, "who": who,
            "from_status": before, "to_status": after, "note": note, "assigned_dept": dept,
            "deadline": dt.date(2026, 6, 30) if dept else None, "severity": None, "evidence_hash": None}


@pytest.fixture
def seeded(store):
    return store, _seed(store)


def expected(seeded: list[dict], day: dt.date, keep=lambda a: True, severities=("红", "橙", "黄")) -> list[int]:
    """The ids the list should show as of `day`, in its order: fired by then and not dismissed by then, with
    the severity and last sighting of that day."""
    rows = []
    for a in seeded:
        if a["first_seen"] > day or (a["fate"] == "dismissed" and a["last_seen"] <= day):
            continue
        seen_since = a["last_seen"] > day
        severity, last = ("黄", day) if seen_since else (a["severity"], a["last_seen"])
        if severity in severities and keep(a):
            rows.append((RANK[severity], -last.toordinal(), a["rule_id"], a["subject_code"], a["id"]))
    return [r[-1] for r in sorted(rows)]


@pytest.mark.parametrize("day", [TODAY, PAST])
def test_a_page_is_the_head_of_the_whole_ordered_list(seeded, day):
    engine, alerts = seeded
    whole = expected(alerts, day)
    assert len(whole) > 150
    page = open_alerts(engine, day, TOP, evidence=False, filters={}, limit=100)
    assert [a["id"] for a in page] == whole[:100]
    assert [a["id"] for a in open_alerts(engine, day, TOP, filters={})] == whole  # the export: every row
    every = open_alerts(engine, day, TOP)  # no filters (the briefing): 提示 too
    assert [a["id"] for a in every] == expected(alerts, day, severities=SEVERITIES)


def test_an_alert_seen_again_after_the_date_reads_as_it_stood_then(seeded):
    engine, alerts = seeded
    later = next(a for a in alerts if a["first_seen"] < PAST < a["last_seen"] and a["severity"] == "红")
    [then] = open_alerts(engine, PAST, TOP, alert_id=later["id"])
    assert (then["severity"], then["last_seen"], then["first_seen"]) == ("黄", PAST, later["first_seen"])
    assert then["evidence"] == [f"{later['region_code']}/W{later['id']}"] and str(then["figure"]) == "1.00"
    [now] = open_alerts(engine, TODAY, TOP, alert_id=later["id"])
    assert (now["severity"], now["last_seen"], now["evidence"]) == ("红", later["last_seen"],
                                                                    [f"{later['region_code']}/V{later['id']}"])


@pytest.mark.parametrize("filters, keep, severities", [
    ({"rule": "RULE_3"}, lambda a: a["rule_id"] == "RULE_3", ("红", "橙", "黄")),
    ({"category": "风险", "severities": ["红"]}, lambda a: a["category"] == "风险", ("红",)),
    ({"status": "已交办"}, lambda a: a["fate"] == "assigned", ("红", "橙", "黄")),
    ({"dept": "310", "severities": ["info", "橙"]}, lambda a: a["region_code"] == TOWN, ("info", "橙")),
    ({"rule": "RULE_1", "dept": "400", "status": "新"}, lambda a: a["rule_id"] == "RULE_1"
     and a["region_code"] == WEST and a["fate"] is None, ("红", "橙", "黄")),
])
def test_the_filters_are_conditions_of_the_query(seeded, filters, keep, severities):
    engine, alerts = seeded
    want = expected(alerts, TODAY, keep, severities)
    assert want
    assert [a["id"] for a in open_alerts(engine, TODAY, TOP, evidence=False, filters=filters, limit=1000)] == want
    assert [a["id"] for a in open_alerts(engine, TODAY, TOP, evidence=False, filters=filters, limit=5)] == want[:5]
    groups = alert_groups(engine, TODAY, TOP, ("severity", "category", "rule_id", "unit_code", "current_status"),
                          filters)
    assert sum(g["counted"] for g in groups) == len(want)
    assert sum(g["alerts"] for g in groups) == len(expected(alerts, TODAY, severities=SEVERITIES))
    assert {g["dept_code"] for g in groups} == {"300", "310", "400", None}


def test_the_counts_are_one_grouped_query_of_the_same_alerts(seeded):
    engine, alerts = seeded
    for day in (TODAY, PAST):
        listed = open_alerts(engine, day, TOP, evidence=False)
        counted = Counter(a["severity"] for a in listed)
        assert open_alert_counts(engine, day, TOP) == {s: counted[s] for s in SEVERITIES}
        assert sum(open_alert_counts(engine, day, EAST).values()) == len(expected(
            alerts, day, lambda a: a["region_code"] in (EAST, TOWN, None), SEVERITIES))


def test_a_deputy_pages_the_alerts_of_their_regions_and_a_liaison_their_departments(seeded):
    engine, alerts = seeded
    with acting_as(EAST_DEPUTY):
        mine = expected(alerts, TODAY, lambda a: a["region_code"] in (EAST, TOWN))
        assert [a["id"] for a in open_alerts(engine, TODAY, None, evidence=False, filters={}, limit=1000)] == mine
        assert [a["id"] for a in open_alerts(engine, TODAY, EAST, evidence=False, filters={}, limit=20)] == mine[:20]
        town = expected(alerts, TODAY, lambda a: a["region_code"] == TOWN)
        assert [a["id"] for a in open_alerts(engine, TODAY, TOWN, evidence=False, filters={}, limit=1000)] == town
        assert sum(open_alert_counts(engine, TODAY, EAST).values()) == len(
            expected(alerts, TODAY, lambda a: a["region_code"] in (EAST, TOWN), SEVERITIES))
        west = next(a["id"] for a in alerts if a["region_code"] == WEST and a["fate"] is None)
        assert open_alerts(engine, TODAY, None, alert_id=west) == []
    with acting_as(WEST_LIAISON):  # whatever the view's region: the alerts assigned to their department now
        theirs = expected(alerts, TODAY, lambda a: a["fate"] == "assigned", SEVERITIES)
        assert len(theirs) == N // 10
        assert [a["id"] for a in open_alerts(engine, TODAY, TOP, evidence=False, filters=None)] == theirs
        assert sum(open_alert_counts(engine, TODAY, EAST).values()) == len(theirs)


def test_an_alert_whose_every_sighting_was_taken_back_is_not_listed(seeded):
    engine, alerts = seeded
    handled = next(a for a in alerts if a["fate"] == "assigned")  # kept by recording: a person has acted on it
    with engine.begin() as conn:
        conn.execute(delete(alert_sighting).where(alert_sighting.c.alert_id == handled["id"]))
    assert open_alerts(engine, TODAY, TOP, alert_id=handled["id"]) == []
    everyone = expected(alerts, TODAY, severities=SEVERITIES)
    assert sum(open_alert_counts(engine, TODAY, TOP).values()) == len(everyone) - 1
