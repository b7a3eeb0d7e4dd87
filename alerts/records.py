"""The `alerts` record export (indicators.md § Exports; `python app.py report alerts --date D`).

The alerts open as of D: fired on or before D and not 已办结/已忽略 by D, each once, with first_seen and
last_seen as they stood on D and the figures, severity and evidence of its last sighting on or before D — so an
export for a past date says what the committee could have read that day, later sightings and later decisions
left out.

The same definition serves the dashboard's list, one page of it at a time (conditions and LIMIT in SQL), and its
counts (grouped in SQL). Each alert is worked out from its own row and keys rather than by grouping every
sighting and event of the store: its status as of D is one lookup on the events' (alert_id, as_of, id) index;
its last sighting on or before D is the one the alert row already holds (first_seen, last_seen, severity,
figures, evidence: the row keeps its latest sighting's values) unless it was seen after D — an export for a
past date — and only then read by the sightings' key (alert_id, date).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, select, true

from alerts.findings import RANK
from alerts.lifecycle import FINAL, status_as_of
from alerts.tables import alert, alert_evidence, alert_sighting


# Where each alert belongs and how it stands now (the dashboard's list), by the name the list gives it.
DETAIL = {"region_code": alert.c.region_code, "unit_code": alert.c.unit_code, "current_status": alert.c.status,
          "message": alert.c.message, "figure_unit": alert.c.unit}
GROUPED = ("category", "rule_id", "unit_code", "region_code", "current_status")  # and severity (as of the date)


def _sighted(date: dt.date, column: str):
    """`column` of the alert's last sighting on or before `date` (a column of a query over `alert`)."""
    s = alert_sighting.alias("sighted")
    return (select(s.c[column]).where(s.c.alert_id == alert.c.id, s.c.date <= date).order_by(s.c.date.desc())
            .limit(1).correlate(alert).scalar_subquery())


def _as_of(date: dt.date, own, earlier):
    """The alert row's own value `own` when its last sighting is on or before `date`, else `earlier`."""
    return case((alert.c.last_seen <= date, own), else_=earlier)


def severity_as_of(date: dt.date):
    """An alert's severity as of `date` (its last sighting's), for conditions on the list."""
    return _as_of(date, alert.c.severity, _sighted(date, "severity"))


def _open(date: dt.date, columns, where=()):
    """SELECT `columns` of the alerts open as of `date` that meet `where`: fired on or before it (a sighting on
    or before it: an alert a person handled is kept when a later evaluation takes back its every sighting) and
    not closed by then."""
    s = alert_sighting.alias("fired")
    fired = exists().where(s.c.alert_id == alert.c.id, s.c.date <= date).correlate(alert)
    return select(*columns).where(alert.c.first_seen <= date, fired, status_as_of(date).not_in(FINAL), *where)


def alert_records(engine, date: dt.date, *, detail: bool = False, evidence: bool = True, where=(),
                  limit: int | None = None) -> list[dict]:
    """Open alerts as of `date`, most severe first, then the most recently seen; `detail` adds DETAIL;
    evidence=False leaves the evidence lists out (a list that shows none: they are most of the reading);
    `where`: conditions on the alert's columns and severity_as_of(date); `limit`: the first rows only."""
    severity = severity_as_of(date)
    last_seen = _as_of(date, alert.c.last_seen, _sighted(date, "date"))
    columns = [alert.c.id, alert.c.rule_id, severity.label("severity"), alert.c.category, alert.c.subject_level,
               alert.c.subject_code, alert.c.subject_name,
               _as_of(date, alert.c.figure, _sighted(date, "figure")).label("figure"),
               _as_of(date, alert.c.threshold, _sighted(date, "threshold")).label("threshold"),
               status_as_of(date).label("status"), alert.c.first_seen, last_seen.label("last_seen"), alert.c.basis]
    if evidence:
        e = alert_evidence.c
        kept = select(e.evidence).where(e.alert_id == alert.c.id, e.evidence_hash == _sighted(date, "evidence_hash"))
        kept = kept.correlate(alert)
        columns.append(_as_of(date, alert.c.evidence, kept.scalar_subquery()).label("evidence"))
    if detail:
        columns += [c.label(name) for name, c in DETAIL.items()]
    rank = case(*((severity == s, r) for s, r in RANK.items()), else_=len(RANK))
    stmt = (_open(date, columns, where).order_by(rank, last_seen.desc(), alert.c.rule_id, alert.c.subject_code,
                                                 alert.c.id).limit(limit))
    with engine.connect() as conn:
        result = conn.execute(stmt)
        names = list(result.keys())
        rows = [dict(zip(names, r)) for r in result]
    for r in rows:
        r["figure"], r["threshold"] = _number(r["figure"]), _number(r["threshold"])
        if evidence:
            r["evidence"] = list(r["evidence"])
    return rows


def open_counts(engine, date: dt.date, by: tuple[str, ...], where=(), counted=()) -> list[dict]:
    """How many of the alerts alert_records lists for `date` (meeting `where`) there are per value of `by`
    ("severity" and GROUPED) — `alerts` — and how many of them meet `counted` too — `counted`: one grouped query."""
    columns = {"severity": severity_as_of(date), **{name: DETAIL.get(name, alert.c.get(name)) for name in GROUPED}}
    keys = [columns[name].label(name) for name in by]
    meets = case((and_(true(), *counted), 1), else_=0)
    stmt = _open(date, [*keys, func.count().label("alerts"), func.sum(meets).label("counted")], where).group_by(*keys)
    with engine.connect() as conn:
        return [{**r, "counted": int(r["counted"] or 0)} for r in conn.execute(stmt).mappings()]


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
