"""The alert lifecycle: 新 → 已阅 → 已交办 → 已反馈 → 已办结 / 已忽略, who/when/why kept, wrong moves refused."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from alerts import lifecycle
from alerts.lifecycle import LifecycleError
from alerts.findings import Finding
from alerts.recording import record
from alerts.tables import alert
from tests.alert_support import DEFAULTS

AT = dt.datetime(2026, 6, 11, 9, 30)


@pytest.fixture
def alert_id(store):
    """An alert as the engine records it (the lifecycle does not depend on which rule found it)."""
    found = Finding("JUST_BELOW", "voucher", "419900/JB", "黄", Decimal("960000.00"), Decimal("950000.00"), "元",
                    "支付 960,000.00 元，处于采购限额下方", ("419900/JB",), subject_name="市教育局")
    record(store, dt.date(2026, 6, 10), {"JUST_BELOW": [found]}, DEFAULTS)
    with store.connect() as conn:
        return conn.scalar(select(alert.c.id).where(alert.c.rule_id == "JUST_BELOW"))


def status(store, alert_id):
    with store.connect() as conn:
        return conn.scalar(select(alert.c.status).where(alert.c.id == alert_id))


def test_the_whole_path_keeps_who_when_and_why(store, alert_id):
    assert status(store, alert_id) == "新"
    lifecycle.acknowledge(store, alert_id, "王科长", at=AT)
    lifecycle.assign(store, alert_id, "王科长", "市教育局", dt.date(2026, 6, 30), note="请说明采购方式", at=AT)
    lifecycle.reply(store, alert_id, "市教育局 李处长", "已按规定走询价程序，附件三份", at=AT + dt.timedelta(days=5))
    lifecycle.close(store, alert_id, "王科长", note="情况属实，予以办结", at=AT + dt.timedelta(days=6))
    assert status(store, alert_id) == "已办结"
    steps = [(e["who"], e["from_status"], e["to_status"], e["as_of"]) for e in lifecycle.history(store, alert_id)]
    assert steps == [("系统", None, "新", dt.date(2026, 6, 10)),
                     ("王科长", "新", "已阅", dt.date(2026, 6, 11)),
                     ("王科长", "已阅", "已交办", dt.date(2026, 6, 11)),
                     ("市教育局 李处长", "已交办", "已反馈", dt.date(2026, 6, 16)),
                     ("王科长", "已反馈", "已办结", dt.date(2026, 6, 17))]
    assigned = lifecycle.history(store, alert_id)[2]
    assert (assigned["assigned_dept"], assigned["deadline"], assigned["note"]) == \
        ("市教育局", dt.date(2026, 6, 30), "请说明采购方式")
    assert assigned["at"] == AT and assigned["severity"] == "黄"


def test_a_reply_can_go_back_to_the_department(store, alert_id):
    lifecycle.acknowledge(store, alert_id, "王科长", at=AT)
    lifecycle.assign(store, alert_id, "王科长", "市教育局", dt.date(2026, 6, 30), at=AT)
    lifecycle.reply(store, alert_id, "李处长", "正在核实", at=AT)
    lifecycle.assign(store, alert_id, "王科长", "市财政局", dt.date(2026, 7, 15), note="请财政局会同核实", at=AT)
    assert status(store, alert_id) == "已交办"


@pytest.mark.parametrize("move, message", [
    (lambda s, i: lifecycle.close(s, i, "王科长", at=AT), "当前状态为“新”，不能改为“已办结”（只能改为：已阅、已忽略）"),
    (lambda s, i: lifecycle.dismiss(s, i, "王科长", "  ", at=AT), "忽略预警须说明理由"),
    (lambda s, i: lifecycle.acknowledge(s, i, "", at=AT), "请填写经办人姓名"),
    (lambda s, i: lifecycle.acknowledge(s, i, "系统", at=AT), "请填写经办人姓名"),
    (lambda s, i: lifecycle.change(s, i, "已关闭", "王科长", at=AT), "未知状态“已关闭”"),
    (lambda s, i: lifecycle.acknowledge(s, i + 1000, "王科长", at=AT), "不存在"),
    (lambda s, i: lifecycle.change(s, i, "已阅", "王科长", dept="教育局", at=AT), "只有交办时才填写承办部门和办理期限"),
])
def test_moves_the_process_does_not_allow_are_refused_in_chinese(store, alert_id, move, message):
    with pytest.raises(LifecycleError, match=message.replace("（", r"\（").replace("）", r"\）")):
        move(store, alert_id)
    assert status(store, alert_id) == "新" and len(lifecycle.history(store, alert_id)) == 1


def test_assigning_needs_a_department_and_a_deadline_not_in_the_past(store, alert_id):
    lifecycle.acknowledge(store, alert_id, "王科长", at=AT)
    for kwargs, message in (({"dept": "", "deadline": dt.date(2026, 6, 30)}, "交办须填写承办部门"),
                            ({"dept": "市教育局", "deadline": None}, "交办须填写办理期限"),
                            ({"dept": "市教育局", "deadline": dt.date(2026, 6, 1)}, "办理期限 2026-06-01 早于交办日期")):
        with pytest.raises(LifecycleError, match=message):
            lifecycle.assign(store, alert_id, "王科长", at=AT, **kwargs)
    with pytest.raises(LifecycleError, match="不能改为“已反馈”"):
        lifecycle.reply(store, alert_id, "李处长", "已整改", at=AT)


def test_a_dismissed_alert_is_final_for_people(store, alert_id):
    lifecycle.dismiss(store, alert_id, "王科长", "系正常的分期付款", at=AT)
    assert status(store, alert_id) == "已忽略"
    with pytest.raises(LifecycleError, match="已是最终状态，出现新证据时系统会重新打开"):
        lifecycle.acknowledge(store, alert_id, "王科长", at=AT)
    assert lifecycle.history(store, alert_id)[-1]["note"] == "系正常的分期付款"


def _ml_finding(ref: str) -> Finding:
    return Finding("ML_OUTLIER", "voucher", ref, "黄", Decimal("5.1"), Decimal("4.2"), "index", "异常得分 5.1",
                   (ref,), subject_name="市教育局")


def test_untouched_ranking_prompts_lapse_after_the_days_the_rules_file_gives(store_any):
    """ML alerts nobody touched are dismissed by the engine once they have not fired for expire_days (30 by
    default), as of that day; one a person has read stays, and other rules' alerts never lapse."""
    day = dt.date(2026, 5, 4)
    record(store_any, day, {"ML_OUTLIER": [_ml_finding("419900/A"), _ml_finding("419900/B")]}, DEFAULTS)
    record(store_any, day, {"JUST_BELOW": [Finding("JUST_BELOW", "voucher", "419900/JB", "黄", 1, 1, "元", "x",
                                                   ("419900/JB",))]}, DEFAULTS)
    with store_any.connect() as conn:
        ids = dict(conn.execute(select(alert.c.subject_code, alert.c.id)).all())
    lifecycle.acknowledge(store_any, ids["419900/B"], "王科长", at=dt.datetime(2026, 5, 6, 9))
    record(store_any, day + dt.timedelta(days=29), {"ML_OUTLIER": []}, DEFAULTS)
    assert status(store_any, ids["419900/A"]) == "新"  # not yet: 29 days
    record(store_any, day + dt.timedelta(days=40), {"ML_OUTLIER": []}, DEFAULTS)
    lapsed = lifecycle.history(store_any, ids["419900/A"])[-1]
    assert (lapsed["who"], lapsed["to_status"], lapsed["as_of"]) == ("系统", "已忽略", day + dt.timedelta(days=30))
    assert "30 天" in lapsed["note"]
    assert [status(store_any, ids[k]) for k in ("419900/A", "419900/B", "419900/JB")] == ["已忽略", "已阅", "新"]
    record(store_any, day + dt.timedelta(days=41), {"ML_OUTLIER": []}, DEFAULTS)  # once only
    assert len(lifecycle.history(store_any, ids["419900/A"])) == 2


def test_a_rules_file_can_keep_ranking_prompts_for_ever(store):
    from tests.alert_support import rules_with

    keep = rules_with("rules:\n  ML_OUTLIER:\n    params:\n      expire_days: 0\n")
    day = dt.date(2026, 5, 4)
    record(store, day, {"ML_OUTLIER": [_ml_finding("419900/A")]}, keep)
    record(store, day + dt.timedelta(days=90), {"ML_OUTLIER": []}, keep)
    with store.connect() as conn:
        assert conn.scalar(select(alert.c.status)) == "新"
