"""The life of an alert: 新 → 已阅 → 已交办 (department, deadline) → 已反馈 → 已办结, or 已忽略 with a reason.

Every change is an event that keeps who, when and why; nothing is overwritten, so the history is the record
the committee can show. A change that the process does not allow is refused with a Chinese message saying
what is allowed. 已办结 and 已忽略 are final for people; the engine reopens such an alert (back to 新, as an
event of its own) when it fires again on evidence not seen when it was closed.

Status as of a date D is the latest event with as_of ≤ D (ties: the later event); a person's change counts
from the day it was made, so an export as of an earlier date still shows the alert open.

A rule whose findings are prompts rather than findings (the ML ranking's daily top list) can let them lapse:
with its parameter expire_days = N, an alert of the rule that no person has touched (still 新, every event
the engine's own) and that has not fired for N days is dismissed by the engine (已忽略, with a note saying so),
as of the N-th day, so untouched prompts do not pile up; a person can still find it among the dismissed.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, insert, select, update

from alerts.tables import alert, alert_event
from warehouse.db import writing

NEW, READ, ASSIGNED, REPLIED, CLOSED, DISMISSED = "新", "已阅", "已交办", "已反馈", "已办结", "已忽略"
STATUSES = (NEW, READ, ASSIGNED, REPLIED, CLOSED, DISMISSED)
FINAL = (CLOSED, DISMISSED)
SYSTEM = "系统"  # the engine's events: creation and reopening
NEXT = {
    NEW: (READ, DISMISSED),
    READ: (ASSIGNED, DISMISSED),
    ASSIGNED: (REPLIED, DISMISSED),
    REPLIED: (CLOSED, ASSIGNED, DISMISSED),  # back to the department when the reply does not settle it
    CLOSED: (),
    DISMISSED: (),
}


class LifecycleError(ValueError):
    """A change refused; the message says why, in Chinese."""


def change(engine, alert_id: int, to_status: str, who: str, *, note: str | None = None, dept: str | None = None,
           deadline: dt.date | None = None, at: dt.datetime | None = None) -> dict:
    """Move an alert to `to_status` on behalf of `who`; returns the event recorded."""
    at = at or dt.datetime.now()
    who, note, dept = (who or "").strip(), (note or "").strip() or None, (dept or "").strip() or None
    if not who or who == SYSTEM:
        raise LifecycleError("请填写经办人姓名")
    if to_status not in STATUSES:
        raise LifecycleError(f"未知状态“{to_status}”（可用：{'、'.join(STATUSES)}）")
    if to_status == ASSIGNED:
        if not dept:
            raise LifecycleError("交办须填写承办部门")
        if deadline is None:
            raise LifecycleError("交办须填写办理期限")
        if deadline < at.date():
            raise LifecycleError(f"办理期限 {deadline} 早于交办日期 {at.date()}")
    elif dept or deadline:
        raise LifecycleError("只有交办时才填写承办部门和办理期限")
    if to_status == DISMISSED and not note:
        raise LifecycleError("忽略预警须说明理由")
    if to_status == REPLIED and not note:
        raise LifecycleError("请填写部门反馈的内容")
    with writing(engine).begin() as conn:  # read, then write what was read: two people at once wait their turn
        stmt = select(alert.c.status, alert.c.severity, alert.c.evidence_hash).where(alert.c.id == alert_id)
        if conn.dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        current = conn.execute(stmt).first()
        if current is None:
            raise LifecycleError(f"预警 {alert_id} 不存在")
        if to_status not in NEXT[current.status]:
            allowed = "、".join(NEXT[current.status])
            hint = f"只能改为：{allowed}" if allowed else "已是最终状态，出现新证据时系统会重新打开"
            raise LifecycleError(f"预警 {alert_id} 当前状态为“{current.status}”，不能改为“{to_status}”（{hint}）")
        event = {"alert_id": alert_id, "at": at, "as_of": at.date(), "who": who, "from_status": current.status,
                 "to_status": to_status, "note": note, "assigned_dept": dept, "deadline": deadline,
                 "severity": current.severity, "evidence_hash": current.evidence_hash}
        conn.execute(insert(alert_event), [event])
        conn.execute(update(alert).where(alert.c.id == alert_id).values(status=to_status, updated_at=at))
    return event


def acknowledge(engine, alert_id: int, who: str, note: str | None = None, at=None) -> dict:
    return change(engine, alert_id, READ, who, note=note, at=at)


def assign(engine, alert_id: int, who: str, dept: str, deadline: dt.date, note: str | None = None, at=None) -> dict:
    return change(engine, alert_id, ASSIGNED, who, dept=dept, deadline=deadline, note=note, at=at)


def reply(engine, alert_id: int, who: str, note: str, at=None) -> dict:
    return change(engine, alert_id, REPLIED, who, note=note, at=at)


def close(engine, alert_id: int, who: str, note: str | None = None, at=None) -> dict:
    return change(engine, alert_id, CLOSED, who, note=note, at=at)


def dismiss(engine, alert_id: int, who: str, reason: str, at=None) -> dict:
    return change(engine, alert_id, DISMISSED, who, note=reason, at=at)


def history(engine, alert_id: int) -> list[dict]:
    """Every change of the alert, in the order it counts."""
    with engine.connect() as conn:
        rows = conn.execute(select(alert_event).where(alert_event.c.alert_id == alert_id)
                            .order_by(alert_event.c.as_of, alert_event.c.id)).mappings().all()
    return [dict(r) for r in rows]


def latest_events(day: dt.date | None = None, alert_ids=None):
    """Subquery: per alert its latest event with as_of ≤ day (all events when day is None)."""
    rank = func.row_number().over(partition_by=alert_event.c.alert_id,
                                  order_by=(alert_event.c.as_of.desc(), alert_event.c.id.desc())).label("rank_")
    stmt = select(*alert_event.c, rank)
    if day is not None:
        stmt = stmt.where(alert_event.c.as_of <= day)
    if alert_ids is not None:
        stmt = stmt.where(alert_event.c.alert_id.in_(alert_ids))
    ranked = stmt.subquery()
    return select(*[ranked.c[c.name] for c in alert_event.c]).where(ranked.c.rank_ == 1).subquery()


def status_as_of(day: dt.date):
    """An alert's status as of `day`, as a column of a query over `alert` (its latest event with as_of ≤ day,
    one lookup on the events' (alert_id, as_of, id) index; 新 before any)."""
    e = alert_event.alias("as_of_event")
    latest = (select(e.c.to_status).where(e.c.alert_id == alert.c.id, e.c.as_of <= day)
              .order_by(e.c.as_of.desc(), e.c.id.desc()).limit(1).scalar_subquery())
    return func.coalesce(latest, NEW)


EXPIRED_NOTE = "超过 {days} 天无人处理且未再触发，系统自动忽略"


def expire_untouched(conn, rule_id: str, days: int, until: dt.date, now: dt.datetime) -> int:
    """Dismiss, as of the day it lapses (last_seen + `days`, by `until`, the last date evaluated), every alert
    of `rule_id` still 新 with no person's event; returns how many. Inside the evaluation's transaction."""
    if days <= 0:
        return 0
    touched = select(alert_event.c.alert_id).where(alert_event.c.who != SYSTEM)
    lapsing = conn.execute(select(alert.c.id, alert.c.last_seen, alert.c.severity, alert.c.evidence_hash).where(
        alert.c.rule_id == rule_id, alert.c.status == NEW, alert.c.last_seen <= until - dt.timedelta(days=days),
        alert.c.id.not_in(touched))).all()
    events = [{"alert_id": i, "at": now, "as_of": last + dt.timedelta(days=days), "who": SYSTEM,
               "from_status": NEW, "to_status": DISMISSED, "note": EXPIRED_NOTE.format(days=days),
               "severity": severity, "evidence_hash": evidence} for i, last, severity, evidence in lapsing]
    for i in range(0, len(events), 5000):
        conn.execute(insert(alert_event), events[i:i + 5000])
        conn.execute(update(alert).where(alert.c.id.in_([e["alert_id"] for e in events[i:i + 5000]]))
                     .values(status=DISMISSED, updated_at=now))
    return len(events)
