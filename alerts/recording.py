"""Writing a date's findings: the same (rule, subject) is the same alert, whatever day it fires on.

For each rule that ran on business date D, D's sightings are replaced by the new findings (so evaluating a
date again, after a late or corrected delivery, gives the same store as evaluating it once). An alert's
first_seen, last_seen and latest figures follow from its sightings. An alert closed (已办结/已忽略) as of D that
fires on D with evidence not seen when it was closed — a voucher, a 追加, a date it had not listed — or at a
higher severity reopens: back to 新, with an event that says what was new. An alert left without any sighting
and never touched by a person is deleted.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from alerts.findings import RANK, Finding, evidence_hash, most_severe
from alerts.lifecycle import FINAL, NEW, SYSTEM, latest_events
from alerts.rules import RuleSet
from alerts.tables import alert, alert_event, alert_evidence, alert_sighting

_CHUNK = 500


def _chunks(items: list, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def record(engine, day: dt.date, results: dict[str, list[Finding]], rules: RuleSet) -> dict:
    """Replace D's sightings of the rules in `results` by their findings; returns counts."""
    now = dt.datetime.now()
    findings = [f for rule_id in results for f in most_severe(results[rule_id])]
    with engine.begin() as conn:
        before = _sighted_on(conn, day, list(results))
        for part in _chunks(before):
            conn.execute(delete(alert_sighting).where(alert_sighting.c.date == day,
                                                      alert_sighting.c.alert_id.in_(part)))
        ids, created = _alert_ids(conn, day, findings, rules, now)
        _store_evidence(conn, findings, ids)
        if findings:
            conn.execute(insert(alert_sighting), [
                {"alert_id": ids[_key(f)], "date": day, "severity": f.severity, "figure": _text(f.figure),
                 "threshold": _text(f.threshold), "unit": f.unit, "message": f.message,
                 "evidence_hash": evidence_hash(f.evidence)} for f in findings])
        reopened = _reopen(conn, day, [f for f in findings if ids[_key(f)] not in created], ids, now)
        touched = sorted(set(before) | set(ids.values()))
        _summarise(conn, touched, {ids[_key(f)]: f for f in findings}, rules, now)
    return {"fired": len(findings), "new_alerts": len(created), "reopened": reopened}


def _key(f: Finding) -> tuple:
    return f.rule_id, f.subject_level, f.subject_code


def _text(value) -> str | None:
    return None if value is None else str(value)


def _sighted_on(conn, day: dt.date, rule_ids: list[str]) -> list[int]:
    return list(conn.execute(select(alert_sighting.c.alert_id).join(alert, alert.c.id == alert_sighting.c.alert_id)
                             .where(alert_sighting.c.date == day, alert.c.rule_id.in_(rule_ids))).scalars())


def _alert_ids(conn, day, findings: list[Finding], rules: RuleSet, now) -> tuple[dict, set]:
    """(key → alert id, ids created now); a new alert starts 新 with the engine's creation event."""
    ids: dict[tuple, int] = {}
    by_subject: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        by_subject.setdefault((f.rule_id, f.subject_level), []).append(f.subject_code)
    for (rule_id, level), codes in by_subject.items():
        for part in _chunks(sorted(set(codes))):
            for i, code in conn.execute(select(alert.c.id, alert.c.subject_code).where(
                    alert.c.rule_id == rule_id, alert.c.subject_level == level, alert.c.subject_code.in_(part))):
                ids[(rule_id, level, code)] = i
    fresh = [f for f in findings if _key(f) not in ids]
    if not fresh:
        return ids, set()
    rows = [{"rule_id": f.rule_id, "subject_level": f.subject_level, "subject_code": f.subject_code,
             "subject_name": f.subject_name, "region_code": f.region_code, "unit_code": f.unit_code,
             "category": rules[f.rule_id].category, "basis": rules[f.rule_id].basis, "severity": f.severity,
             "figure": _text(f.figure), "threshold": _text(f.threshold), "unit": f.unit, "message": f.message,
             "evidence": list(f.evidence), "evidence_hash": evidence_hash(f.evidence), "first_seen": day,
             "last_seen": day, "status": NEW, "updated_at": now} for f in fresh]
    returned = conn.execute(insert(alert).returning(alert.c.id, sort_by_parameter_order=True), rows).scalars().all()
    created = set()
    for f, new_id in zip(fresh, returned):
        ids[_key(f)] = new_id
        created.add(new_id)
    conn.execute(insert(alert_event), [
        {"alert_id": ids[_key(f)], "at": now, "as_of": day, "who": SYSTEM, "from_status": None, "to_status": NEW,
         "note": "首次触发", "severity": f.severity, "evidence_hash": evidence_hash(f.evidence)} for f in fresh])
    return ids, created


def _store_evidence(conn, findings: list[Finding], ids: dict) -> None:
    wanted = {(ids[_key(f)], evidence_hash(f.evidence)): list(f.evidence) for f in findings}
    have = set()
    for part in _chunks(sorted({i for i, _ in wanted})):
        have |= set(conn.execute(select(alert_evidence.c.alert_id, alert_evidence.c.evidence_hash)
                                 .where(alert_evidence.c.alert_id.in_(part))).all())
    rows = [{"alert_id": i, "evidence_hash": h, "evidence": e} for (i, h), e in wanted.items() if (i, h) not in have]
    if rows:
        conn.execute(insert(alert_evidence), rows)


def _reopen(conn, day: dt.date, findings: list[Finding], ids: dict, now) -> int:
    """Reopen the alerts closed as of D that fire on new evidence or at a higher severity."""
    if not findings:
        return 0
    closed = {}
    for part in _chunks(sorted({ids[_key(f)] for f in findings})):
        last = latest_events(day, part)
        for row in conn.execute(select(last).where(last.c.to_status.in_(FINAL))).mappings():
            closed[row["alert_id"]] = row
    events = []
    for f in findings:
        event = closed.get(ids[_key(f)])
        if event is None:
            continue
        seen = set(conn.scalar(select(alert_evidence.c.evidence).where(
            alert_evidence.c.alert_id == event["alert_id"], alert_evidence.c.evidence_hash == event["evidence_hash"]))
            or ())
        added = [e for e in f.evidence if e not in seen]
        higher = event["severity"] in RANK and RANK[f.severity] < RANK[event["severity"]]
        if not added and not higher:
            continue
        why = []
        if added:
            why.append(f"出现新证据：{'、'.join(added[:5])}" + (f" 等 {len(added)} 项" if len(added) > 5 else ""))
        if higher:
            why.append(f"级别由{event['severity']}升为{f.severity}")
        events.append({"alert_id": event["alert_id"], "at": now, "as_of": day, "who": SYSTEM,
                       "from_status": event["to_status"], "to_status": NEW, "note": "重新打开：" + "；".join(why),
                       "severity": f.severity, "evidence_hash": evidence_hash(f.evidence)})
    if events:
        conn.execute(insert(alert_event), events)
    return len(events)


def _summarise(conn, ids: list[int], latest_findings: dict[int, Finding], rules: RuleSet, now) -> None:
    """Each touched alert's row from its sightings and events; an alert left without sightings and without a
    person's event is deleted."""
    updates, orphans = [], []
    for part in _chunks(ids):
        seen = {r.alert_id: r for r in conn.execute(
            select(alert_sighting.c.alert_id, func.min(alert_sighting.c.date).label("first"),
                   func.max(alert_sighting.c.date).label("last"))
            .where(alert_sighting.c.alert_id.in_(part)).group_by(alert_sighting.c.alert_id))}
        latest = {}
        if seen:
            joined = alert_sighting.join(alert_evidence, and_(
                alert_evidence.c.alert_id == alert_sighting.c.alert_id,
                alert_evidence.c.evidence_hash == alert_sighting.c.evidence_hash))
            keys = [(i, r.last) for i, r in seen.items()]
            for r in conn.execute(select(alert_sighting, alert_evidence.c.evidence).select_from(joined).where(
                    alert_sighting.c.alert_id.in_(list(seen)), alert_sighting.c.date.in_(sorted({d for _, d in keys})))).mappings():
                if r["date"] == seen[r["alert_id"]].last:
                    latest[r["alert_id"]] = r
        events = latest_events(None, part)
        status = dict(conn.execute(select(events.c.alert_id, events.c.to_status)).all())
        for i in part:
            if i not in seen:
                orphans.append(i)
                continue
            s, f = latest[i], latest_findings.get(i)
            rule = rules.rules.get(f.rule_id) if f else None
            row = {"b_id": i, "first_seen": seen[i].first, "last_seen": seen[i].last, "severity": s["severity"],
                   "figure": s["figure"], "threshold": s["threshold"], "unit": s["unit"], "message": s["message"],
                   "evidence": s["evidence"], "evidence_hash": s["evidence_hash"], "status": status.get(i, NEW),
                   "updated_at": now}
            if f is not None:
                row.update(subject_name=f.subject_name, region_code=f.region_code, unit_code=f.unit_code,
                           category=rule.category, basis=rule.basis)
            updates.append(row)
    for columns in {tuple(sorted(u)) for u in updates}:
        batch = [u for u in updates if tuple(sorted(u)) == columns]
        conn.execute(update(alert).where(alert.c.id == bindparam("b_id"))
                     .values({c: bindparam(c) for c in columns if c != "b_id"}), batch)
    _delete_untouched_orphans(conn, orphans)


def _delete_untouched_orphans(conn, orphans: list[int]) -> None:
    for part in _chunks(orphans):
        handled = set(conn.execute(select(alert_event.c.alert_id).where(
            alert_event.c.alert_id.in_(part), alert_event.c.who != SYSTEM)).scalars())
        gone = [i for i in part if i not in handled]
        if gone:
            for table in (alert_event, alert_evidence):
                conn.execute(delete(table).where(table.c.alert_id.in_(gone)))
            conn.execute(delete(alert).where(alert.c.id.in_(gone)))
