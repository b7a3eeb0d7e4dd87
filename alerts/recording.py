"""Writing a date's findings: the same (rule, subject) is the same alert, whatever day it fires on.

For each rule that ran on business date D, D's sightings are replaced by the new findings (so evaluating a
date again, after a late or corrected delivery, gives the same store as evaluating it once). A span of dates
is recorded at once, as recording its dates one after the other would (the reopening is worked out date by
date, on the few alerts a person has closed). An alert's
first_seen, last_seen and latest figures follow from its sightings. An alert closed (已办结/已忽略) as of D that
fires on D with evidence not seen when it was closed — a voucher, a 追加, a date it had not listed — or at a
higher severity reopens: back to 新, with an event that says what was new. An alert left without any sighting
and never touched by a person is deleted.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, bindparam, delete, func, insert, select, update

from alerts.findings import RANK, Finding, evidence_hash, most_severe
from alerts.lifecycle import FINAL, NEW, SYSTEM, expire_untouched, latest_events
from alerts.rules import RuleSet
from alerts.tables import alert, alert_event, alert_evidence, alert_sighting

_CHUNK = 500


def _chunks(items: list, n: int = _CHUNK):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def record(engine, day: dt.date, results: dict[str, list[Finding]], rules: RuleSet) -> dict:
    """Replace D's sightings of the rules in `results` by their findings; returns counts."""
    return record_span(engine, {day: results}, rules)[day]


def record_span(engine, results: dict[dt.date, dict[str, list[Finding]]], rules: RuleSet) -> dict[dt.date, dict]:
    """For each date, replace its sightings of the rules in results[date] by their findings, as recording the
    dates one after the other would; returns the counts of each date."""
    now = dt.datetime.now()
    days = sorted(results)
    found = {day: [f for rule_id in results[day] for f in most_severe(results[day][rule_id])] for day in days}
    counts = {day: {"fired": len(found[day]), "new_alerts": 0, "reopened": 0} for day in days}
    with engine.begin() as conn:
        before = _sighted_between(conn, results)
        if before:
            conn.execute(delete(alert_sighting).where(alert_sighting.c.alert_id == bindparam("b_id"),
                                                      alert_sighting.c.date == bindparam("b_date")),
                         [{"b_id": i, "b_date": d} for i, d in before])
        ids, created = _alert_ids(conn, found, rules, now)
        for day in days:
            counts[day]["new_alerts"] = sum(1 for f in found[day] if created.get(ids[_key(f)]) == day)
        _store_evidence(conn, [f for day in days for f in found[day]], ids)
        rows = [{"alert_id": ids[_key(f)], "date": day, "severity": f.severity, "figure": _text(f.figure),
                 "threshold": _text(f.threshold), "unit": f.unit, "message": f.message,
                 "evidence_hash": evidence_hash(f.evidence)} for day in days for f in found[day]]
        for part in _chunks(rows, 5000):
            conn.execute(insert(alert_sighting), part)
        for day, n in _reopen(conn, found, ids, created, now).items():
            counts[day]["reopened"] = n
        latest = {ids[_key(f)]: f for day in days for f in found[day]}  # each alert's finding of its last date
        _summarise(conn, sorted({i for i, _ in before} | set(ids.values())), latest, rules, now)
        for rule_id in sorted({rule_id for day in days for rule_id in results[day]}):
            if "expire_days" in rules[rule_id].params:
                expire_untouched(conn, rule_id, rules[rule_id].param("expire_days"), days[-1], now)
    return counts


def _key(f: Finding) -> tuple:
    return f.rule_id, f.subject_level, f.subject_code


def _text(value) -> str | None:
    return None if value is None else str(value)


def _sighted_between(conn, results: dict[dt.date, dict]) -> list[tuple[int, dt.date]]:
    """(alert, date) of the sightings the dates' evaluated rules replace."""
    evaluated = {(day, rule_id) for day, by_rule in results.items() for rule_id in by_rule}
    rule_ids = sorted({rule_id for _, rule_id in evaluated})
    if not rule_ids:
        return []
    stmt = (select(alert_sighting.c.alert_id, alert_sighting.c.date, alert.c.rule_id)
            .join(alert, alert.c.id == alert_sighting.c.alert_id)
            .where(alert_sighting.c.date >= min(results), alert_sighting.c.date <= max(results),
                   alert.c.rule_id.in_(rule_ids)))
    return [(i, d) for i, d, rule_id in conn.execute(stmt) if (d, rule_id) in evaluated]


def _alert_ids(conn, found: dict[dt.date, list[Finding]], rules: RuleSet, now) -> tuple[dict, dict]:
    """(key → alert id, id → the date it was created on); a new alert starts 新 with the engine's creation
    event, on the first date it is found."""
    ids: dict[tuple, int] = {}
    by_subject: dict[tuple[str, str], set[str]] = {}
    for findings in found.values():
        for f in findings:
            by_subject.setdefault((f.rule_id, f.subject_level), set()).add(f.subject_code)
    for (rule_id, level), codes in by_subject.items():
        for part in _chunks(sorted(codes)):
            for i, code in conn.execute(select(alert.c.id, alert.c.subject_code).where(
                    alert.c.rule_id == rule_id, alert.c.subject_level == level, alert.c.subject_code.in_(part))):
                ids[(rule_id, level, code)] = i
    fresh: dict[tuple, tuple[dt.date, Finding]] = {}
    for day in sorted(found):
        for f in found[day]:
            if _key(f) not in ids and _key(f) not in fresh:
                fresh[_key(f)] = (day, f)
    if not fresh:
        return ids, {}
    rows = [{"rule_id": f.rule_id, "subject_level": f.subject_level, "subject_code": f.subject_code,
             "subject_name": f.subject_name, "region_code": f.region_code, "unit_code": f.unit_code,
             "category": rules[f.rule_id].category, "basis": rules[f.rule_id].basis, "severity": f.severity,
             "figure": _text(f.figure), "threshold": _text(f.threshold), "unit": f.unit, "message": f.message,
             "evidence": list(f.evidence), "evidence_hash": evidence_hash(f.evidence), "first_seen": day,
             "last_seen": day, "status": NEW, "updated_at": now} for day, f in fresh.values()]
    created = {}
    for part_keys, part_rows in zip(_chunks(list(fresh)), _chunks(rows)):
        returned = conn.execute(insert(alert).returning(alert.c.id, sort_by_parameter_order=True),
                                part_rows).scalars().all()
        for key, new_id in zip(part_keys, returned):
            ids[key] = new_id
            created[new_id] = fresh[key][0]
    conn.execute(insert(alert_event), [
        {"alert_id": ids[key], "at": now, "as_of": day, "who": SYSTEM, "from_status": None, "to_status": NEW,
         "note": "首次触发", "severity": f.severity, "evidence_hash": evidence_hash(f.evidence)}
        for key, (day, f) in fresh.items()])
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


def _reopen(conn, found: dict[dt.date, list[Finding]], ids: dict, created: dict, now) -> dict[dt.date, int]:
    """Reopen, date by date, the alerts closed as of a date that fire on it on new evidence or at a higher
    severity (an alert created inside the span is open until its first later date); reopenings per date."""
    sighted: dict[int, list[tuple[dt.date, Finding]]] = {}
    for day in sorted(found):
        for f in found[day]:
            i = ids[_key(f)]
            if created.get(i) != day:
                sighted.setdefault(i, []).append((day, f))
    if not sighted:
        return {}
    events: dict[int, list[dict]] = {}
    for part in _chunks(sorted(sighted)):
        closing = select(alert_event.c.alert_id).where(alert_event.c.alert_id.in_(part),
                                                       alert_event.c.to_status.in_(FINAL))
        for row in conn.execute(select(alert_event).where(alert_event.c.alert_id.in_(closing))
                                .order_by(alert_event.c.as_of, alert_event.c.id)).mappings():
            events.setdefault(row["alert_id"], []).append(dict(row))
    added, per_day = [], {}
    for i, history in events.items():
        for day, f in sighted[i]:
            latest = [e for e in history if e["as_of"] <= day]
            event = latest[-1] if latest else None
            if event is None or event["to_status"] not in FINAL:
                continue
            seen = set(conn.scalar(select(alert_evidence.c.evidence).where(
                alert_evidence.c.alert_id == i, alert_evidence.c.evidence_hash == event["evidence_hash"])) or ())
            new_items = [e for e in f.evidence if e not in seen]
            higher = event["severity"] in RANK and RANK[f.severity] < RANK[event["severity"]]
            if not new_items and not higher:
                continue
            why = []
            if new_items:
                why.append(f"出现新证据：{'、'.join(new_items[:5])}" + (f" 等 {len(new_items)} 项" if len(new_items) > 5 else ""))
            if higher:
                why.append(f"级别由{event['severity']}升为{f.severity}")
            reopened = {"alert_id": i, "at": now, "as_of": day, "who": SYSTEM, "from_status": event["to_status"],
                        "to_status": NEW, "note": "重新打开：" + "；".join(why), "severity": f.severity,
                        "evidence_hash": evidence_hash(f.evidence)}
            added.append(reopened)
            history.append({**reopened, "id": float("inf")})
            history.sort(key=lambda e: (e["as_of"], e["id"]))
            per_day[day] = per_day.get(day, 0) + 1
    if added:
        conn.execute(insert(alert_event), added)
    return per_day


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
