"""The engine across days: one alert per (rule, subject), re-evaluation that changes nothing, reopening on new
evidence only, a failing rule that does not stop the others, the pipeline step after an ingest, and a backfill
that gives what day-by-day evaluation gives."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import func, select

from alerts import engine as alert_engine
from alerts import lifecycle
from alerts.tables import alert, alert_run, alert_sighting
from tests.alert_support import evaluate_days, fired_on
from tests.builders import Builder, city


def build(store):
    """200001 far behind its budget from 1 June; quota QS of 100001 overpaid on 1 June and again on 3 June."""
    b = city(Builder(store))
    b.quota("E", "200001", 10_000_000, "2026-01-05")
    b.pay("E1", "E", 1_000_000, "2026-05-04", account="A-E1")
    b.quota("QS", "100001", 1_000_000, "2026-01-05")
    b.pay("OV1", "QS", 1_100_000, "2026-06-01", account="A-OV1")
    return b


def alerts_of(store, rule_id, level):
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(select(alert).where(alert.c.rule_id == rule_id,
                                                                  alert.c.subject_level == level)).mappings()]


def state(store):
    with store.connect() as conn:
        return (conn.execute(select(alert.c.rule_id, alert.c.subject_code, alert.c.first_seen, alert.c.last_seen,
                                    alert.c.severity, alert.c.figure, alert.c.status, alert.c.evidence)
                             .order_by(alert.c.rule_id, alert.c.subject_code)).all(),
                conn.execute(select(alert_sighting.c.date, func.count()).group_by(alert_sighting.c.date)
                             .order_by(alert_sighting.c.date)).all())


def test_the_same_subject_on_later_days_is_one_alert_at_the_severity_that_holds(store):
    b = build(store)
    evaluate_days(store, "2026-06-01", "2026-06-02")
    lag, = alerts_of(store, "EXEC_LAG", "unit")
    assert (lag["subject_code"], lag["first_seen"], lag["last_seen"], lag["severity"]) == \
        ("200001", dt.date(2026, 6, 1), dt.date(2026, 6, 2), "红")
    assert lag["figure"] == "-31.92"  # 10 % spent against 153/365 on 2 June
    b.pay("E2", "E", 2_000_000, "2026-06-03", account="A-E2")
    evaluate_days(store, "2026-06-03")
    lag, = alerts_of(store, "EXEC_LAG", "unit")
    assert (lag["last_seen"], lag["severity"], lag["figure"]) == (dt.date(2026, 6, 3), "黄", "-12.19")
    with store.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(alert_sighting)
                           .where(alert_sighting.c.alert_id == lag["id"])) == 3


def test_evaluating_a_date_again_changes_nothing(store):
    build(store)
    evaluate_days(store, "2026-06-01")
    before = state(store)
    evaluate_days(store, "2026-06-01")
    assert state(store) == before


def test_a_closed_alert_reopens_on_new_evidence_and_not_on_the_same(store_any):
    b = build(store_any)
    evaluate_days(store_any, "2026-06-01")
    over, = alerts_of(store_any, "PAY_OVER_QUOTA", "quota")
    lag, = alerts_of(store_any, "EXEC_LAG", "unit")
    at = dt.datetime(2026, 6, 2, 9)
    lifecycle.acknowledge(store_any, over["id"], "王科长", at=at)
    lifecycle.assign(store_any, over["id"], "王科长", "市教育局", dt.date(2026, 6, 30), at=at)
    lifecycle.reply(store_any, over["id"], "李处长", "已追回多付款项", at=at)
    lifecycle.close(store_any, over["id"], "王科长", at=at)
    lifecycle.dismiss(store_any, lag["id"], "王科长", "项目延期已报人大常委会备案", at=at)
    b.pay("OV2", "QS", 50_000, "2026-06-03", account="A-OV2")
    evaluate_days(store_any, "2026-06-02", "2026-06-03")
    over, = alerts_of(store_any, "PAY_OVER_QUOTA", "quota")
    lag, = alerts_of(store_any, "EXEC_LAG", "unit")
    assert over["status"] == "新" and over["evidence"] == ["419900/OV1", "419900/OV2"]
    assert lag["status"] == "已忽略" and lag["last_seen"] == dt.date(2026, 6, 3)  # still true, nothing new
    reopened = lifecycle.history(store_any, over["id"])[-1]
    assert (reopened["who"], reopened["from_status"], reopened["to_status"], reopened["as_of"]) == \
        ("系统", "已办结", "新", dt.date(2026, 6, 3))
    assert "419900/OV2" in reopened["note"]
    evaluate_days(store_any, "2026-06-03")  # once reopened, evaluating the date again adds no event
    assert len(lifecycle.history(store_any, over["id"])) == 6


def test_a_rule_that_raises_is_reported_and_the_others_still_run(store, monkeypatch):
    build(store)

    def broken(ctx, rule):
        raise RuntimeError("规则实现有误")

    monkeypatch.setitem(alert_engine.EVALUATORS, "PAY_OVER_QUOTA",
                        replace(alert_engine.EVALUATORS["PAY_OVER_QUOTA"], run=broken, span=None))
    summary, = evaluate_days(store, "2026-06-01")
    assert summary.errors == {"PAY_OVER_QUOTA": "RuntimeError: 规则实现有误"}
    assert set(fired_on(store, "2026-06-01")) == {("EXEC_LAG", "200001"), ("EXEC_LAG", "200")}
    with store.connect() as conn:
        run = conn.execute(select(alert_run)).mappings().one()
    assert run["errors"] == {"PAY_OVER_QUOTA": "RuntimeError: 规则实现有误"} and run["fired"] == 2


def test_the_pipeline_evaluates_alerts_after_each_ingest(store, tmp_path, monkeypatch):
    from ingest.load import ingest_dates
    from pipeline import refresh_after_ingest
    from tests.deliveries import D1, D2, base_rows, deliver, voucher

    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "quarantine"))
    deliver(tmp_path / "inbox", D1, base_rows())  # its quotas were issued in January: evaluated from D1 on
    deliver(tmp_path / "inbox", D2, {"PAY": [voucher("JB", "101001", "Q1", 960_000, day=D2)]})
    for day in (D1, D2):
        refresh_after_ingest(store, ingest_dates(store, tmp_path / "inbox", [day]))
    assert set(fired_on(store, D2)) == {("JUST_BELOW", "419900/JB")}
    with store.connect() as conn:
        assert conn.execute(select(alert_run.c.date).order_by(alert_run.c.id)).scalars().all() == [D1, D2]


def test_a_backfill_gives_what_evaluating_day_by_day_gives(store):
    b = city(Builder(store))
    b.quota("Q", "100001", 90_000_000, "2026-01-02")
    for i, day in enumerate(("2026-01-01", "2026-01-02", "2026-01-03")):
        b.pay(f"S{i}", "Q", 400_000, day, account="SPLIT")
        b.pay(f"J{i}", "Q", 960_000 + i, day, account=f"J{i}")
    # overdue from 2 January, rectified as delivered on 3 January; another overdue all along
    b.audit("A1", "419900", "预算管理", 100_000, "整改中", "2025-12-01", deadline="2026-01-01", unit="100001")
    b.audit("A1", "419900", "预算管理", 100_000, "已整改", "2026-01-03", deadline="2026-01-01", unit="100001")
    b.audit("A2", "419900", "预算管理", 100_000, "未整改", "2025-12-01", deadline="2025-12-15")
    evaluate_days(store, "2026-01-01", "2026-01-03")
    day_by_day = state(store)
    alert_engine.backfill(store, 2026, until=dt.date(2026, 1, 3))
    assert state(store) == day_by_day
    assert {("SPLIT_PAY", "100001|SPLIT|2026-01-01"), ("OFF_DAY_PAY", "419900/S0"), ("AUDIT_OVERDUE", "A1"),
            ("AUDIT_OVERDUE", "A2")} <= {(r[0], r[1]) for r in day_by_day[0]}
    a1 = next(r for r in day_by_day[0] if r[:2] == ("AUDIT_OVERDUE", "A1"))
    assert (a1.first_seen, a1.last_seen) == (dt.date(2026, 1, 2), dt.date(2026, 1, 2))

