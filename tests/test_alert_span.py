"""A span of dates evaluated at once (how a year is re-evaluated: alerts.engine.evaluate_span, each rule's own
way of doing every date together) records exactly what evaluating its dates one by one records, on the demo
city: every alert and every day's sighting — findings, figures, thresholds, messages, evidence, first_seen and
last_seen —, the alerts' events and each date's run record, on SQLite and on PostgreSQL; and a forked part of a
span (alerts.forking) that raises or dies is reported as its rule's error while the other rules' findings are
still recorded. (One module: the demo store they share is built once per backend.)"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from alerts import engine as alert_engine
from alerts import forking, ml
from alerts.tables import (alert, alert_event, alert_evidence, alert_ml_month, alert_model, alert_payee, alert_run,
                           alert_sighting)
from indicators.snapshots import refresh as refresh_snapshots
from tests.alert_support import DEFAULTS, rules_with
from tests.faults import ingest_args, run_here
from warehouse import db

pytestmark = pytest.mark.long(6)  # minutes of a test worker under the full suite: started first

FIRST, LAST = "2025-10-01", "2025-12-31"  # the demo's deliveries: a month of history before the span
# two ML months — November whole, so the span's model of December learns from the features it scored November
# with, which evaluating the dates one by one computes again —, two month ends, December
SINCE, UNTIL = dt.date(2025, 11, 1), dt.date(2025, 12, 31)
LAST_MONTH = dt.date(2025, 12, 1)  # enough of a span for a test about one forked rule
ROOT = Path(__file__).resolve().parent.parent
SUBJECT = (alert.c.rule_id, alert.c.subject_level, alert.c.subject_code)


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    run_here(["demo", "--from", FIRST, "--to", LAST, "--scale", "0.005", "--inbox", str(inbox), "--quiet"])
    return inbox


def demo_store_at(url: str, demo_inbox, built_once):
    """The store at `url` with the demo's deliveries ingested and the span's indicator snapshots refreshed, not
    evaluated (built once per backend, then copied)."""
    engine = db.open_store(url)

    def build():
        run_here([*ingest_args(url, demo_inbox, FIRST, LAST), "--no-refresh"])
        refresh_snapshots(engine, SINCE, UNTIL)

    built_once(url, "alert_span", build)
    return engine


@pytest.fixture
def demo_store(demo_inbox, store_url, built_once):
    engine = demo_store_at(store_url, demo_inbox, built_once)
    yield engine
    engine.dispose()


def only(*rule_ids: str):
    """The default rules with all but these switched off (a test about some rules need not wait for the rest)."""
    return rules_with("rules:\n" + "".join(f"  {r.id}: {{enabled: false}}\n" for r in DEFAULTS.enabled()
                                            if r.id not in rule_ids))


def recorded(store) -> dict:
    """What the evaluations left, without row ids and wall-clock times."""
    with store.connect() as conn:
        def rows(*columns, table=alert):
            stmt = select(*columns)
            if table is not alert:
                stmt = stmt.join(alert, alert.c.id == table.c.alert_id)
            return sorted(tuple(str(v) for v in r) for r in conn.execute(stmt))

        return {
            "alerts": rows(*SUBJECT, alert.c.subject_name, alert.c.region_code, alert.c.unit_code, alert.c.severity,
                           alert.c.figure, alert.c.threshold, alert.c.unit, alert.c.message, alert.c.evidence,
                           alert.c.evidence_hash, alert.c.first_seen, alert.c.last_seen, alert.c.status),
            "sightings": rows(*SUBJECT, alert_sighting.c.date, alert_sighting.c.severity, alert_sighting.c.figure,
                              alert_sighting.c.threshold, alert_sighting.c.unit, alert_sighting.c.message,
                              alert_sighting.c.evidence_hash, table=alert_sighting),
            "evidence": rows(*SUBJECT, alert_evidence.c.evidence_hash, alert_evidence.c.evidence, table=alert_evidence),
            "events": rows(*SUBJECT, alert_event.c.as_of, alert_event.c.who, alert_event.c.from_status,
                           alert_event.c.to_status, alert_event.c.note, alert_event.c.severity, table=alert_event),
            "runs": sorted(tuple(str(v) for v in r) for r in conn.execute(
                select(alert_run.c.date, alert_run.c.fired, alert_run.c.new_alerts, alert_run.c.reopened,
                       alert_run.c.skipped, alert_run.c.errors))),
        }


def forget_alerts(store) -> None:
    """Back to a store that was never evaluated (its deliveries and indicator snapshots stay)."""
    with store.begin() as conn:
        for table in (alert_sighting, alert_evidence, alert_event, alert, alert_run, alert_payee, alert_ml_month,
                      alert_model):
            conn.execute(delete(table))


@pytest.mark.timeout(1800)  # some 300 s alone, 550 s on a busy machine: the suite's 600 s is too close
def test_a_span_records_on_both_databases_what_its_dates_one_by_one_record(demo_inbox, sqlite_url, pg_url,
                                                                           built_once, monkeypatch):
    """The span on SQLite and on PostgreSQL against the dates one by one on SQLite: the daily path itself is
    checked on both databases by the other alert tests, and the span's results on both equal each other here."""
    days = [SINCE + dt.timedelta(days=i) for i in range((UNTIL - SINCE).days + 1)]
    at_once = {}
    for url in (sqlite_url, pg_url):
        store = demo_store_at(url, demo_inbox, built_once)
        with monkeypatch.context() as m:  # as the command line runs it: the ML ranking in a forked process
            m.setattr(forking, "worth_forking", lambda days: True)
            summaries = alert_engine.evaluate_span(store, SINCE, UNTIL, DEFAULTS)
        assert "ML_OUTLIER（另一进程）" in summaries[0].timings and not summaries[0].errors
        at_once[store.dialect.name] = recorded(store)
        store.dispose()
    store = db.open_store(sqlite_url)
    forget_alerts(store)
    for day in days:
        alert_engine.evaluate(store, day, DEFAULTS)
    one_by_one = recorded(store)
    store.dispose()

    for backend, recorded_at_once in at_once.items():
        for part in one_by_one:
            only_at_once = sorted(set(recorded_at_once[part]) - set(one_by_one[part]))
            only_one_by_one = sorted(set(one_by_one[part]) - set(recorded_at_once[part]))
            assert recorded_at_once[part] == one_by_one[part], (backend, part, only_at_once[:3], only_one_by_one[:3])
    fired = {r[0] for r in one_by_one["alerts"]}
    assert {"ML_OUTLIER", "EXEC_LAG", "SUPPLEMENT_HIGH", "SANGONG_OVER", "DEBT_RATIO", "PAY_OVER_QUOTA", "DUP_PAY",
            "SPLIT_PAY", "JUST_BELOW", "NEW_PAYEE_LARGE", "OFF_DAY_PAY", "PAYEE_CONCENTRATION"} <= fired, fired
    assert len(one_by_one["sightings"]) > 1000 and len({r[3] for r in one_by_one["sightings"]}) == len(days)


def test_only_a_long_span_in_a_single_threaded_process_forks_unless_switched_off():
    def asked(env: dict) -> str:  # a fresh process: the test process may hold other tests' threads
        code = "from alerts import forking as f; print(f.worth_forking(f.MIN_DAYS), f.worth_forking(f.MIN_DAYS - 1))"
        return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**{k: v for k, v in os.environ.items() if k != "BUDGET_ALERT_FORK"}, **env}
                              ).stdout.strip()

    assert asked({}) == "True False"
    assert asked({"BUDGET_ALERT_FORK": "0"}) == "False False"
    started, stop = threading.Event(), threading.Event()
    other = threading.Thread(target=lambda: (started.set(), stop.wait()))
    other.start()
    try:
        started.wait()
        assert not forking.worth_forking(365)  # a lock that thread held at the fork would stay locked in the child
    finally:
        stop.set()
        other.join()


def test_a_span_trains_the_next_month_on_the_features_it_scored_a_whole_month_with(demo_store, monkeypatch):
    described = []
    real = ml.describe
    monkeypatch.setattr(ml, "describe", lambda memory, limit, pay, first: described.append(first)
                        or real(memory, limit, pay, first))
    monkeypatch.setattr(forking, "worth_forking", lambda days: False)  # counted in this process
    alert_engine.evaluate_span(demo_store, SINCE, UNTIL, only("ML_OUTLIER"))
    # November's model describes October (not in the span); November and December are scored; December's model
    # reuses November's as scored instead of describing it again
    assert described == [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)], described


def test_a_long_span_is_forked_in_runs_of_whole_months():
    d = dt.date
    assert forking.parts(d(2025, 1, 1), d(2025, 12, 31)) == [(d(2025, 1, 1), d(2025, 6, 30)),
                                                             (d(2025, 7, 1), d(2025, 12, 31))]
    assert forking.parts(d(2025, 1, 15), d(2025, 11, 20)) == [(d(2025, 1, 15), d(2025, 5, 31)),
                                                              (d(2025, 6, 1), d(2025, 11, 20))]
    assert forking.parts(d(2025, 12, 1), d(2025, 12, 31)) == [(d(2025, 12, 1), d(2025, 12, 31))]


@pytest.mark.parametrize("how, reported", [
    ("raises", "ValueError: 模型损坏"),
    ("dies", "并行评估进程意外退出（退出码 3）"),
])
def test_a_forked_rule_that_fails_is_reported_and_the_others_are_recorded(demo_store, monkeypatch, how, reported):
    store = demo_store

    def broken(*args, **kwargs):
        if how == "raises":
            raise ValueError("模型损坏")
        os._exit(3)  # killed mid-work: nothing is sent back

    monkeypatch.setattr(ml, "rank", broken)  # what the forked process calls (fork copies the patch)
    monkeypatch.setattr(forking, "worth_forking", lambda days: True)
    summaries = alert_engine.evaluate_span(store, LAST_MONTH, UNTIL, only("ML_OUTLIER", "DUP_PAY", "SPLIT_PAY",
                                                                         "EXEC_LAG"))

    errors = {s.errors.get("ML_OUTLIER") for s in summaries}
    assert len(errors) == 1 and reported in errors.pop(), errors
    fired = {r[0] for r in recorded(store)["alerts"]}
    assert "ML_OUTLIER" not in fired and {"DUP_PAY", "SPLIT_PAY", "EXEC_LAG"} <= fired, fired
