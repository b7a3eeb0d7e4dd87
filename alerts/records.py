"""The `alerts` record export (indicators.md § Exports; `python app.py report alerts --date D`).

The alerts open as of D: fired on or before D and not 已办结/已忽略 by D, each once, with first_seen and
last_seen as they stood on D and the figures, severity and evidence of its last sighting on or before D — so an
export for a past date says what the committee could have read that day, later sightings and later decisions
left out.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import and_, func, select

from alerts.findings import RANK
from alerts.lifecycle import FINAL, NEW, latest_events
from alerts.tables import alert, alert_evidence, alert_sighting


# Where each alert belongs and how it stands now (the dashboard's list), by the name the list gives it.
DETAIL = {"region_code": alert.c.region_code, "unit_code": alert.c.unit_code, "current_status": alert.c.status,
          "message": alert.c.message, "figure_unit": alert.c.unit}


def _open(date: dt.date, columns):
    """SELECT columns(span, status now) of the alerts open as of `date`, their last sighting on or before it
    joined as alert_sighting and its evidence as alert_evidence."""
    span = (select(alert_sighting.c.alert_id, func.min(alert_sighting.c.date).label("first_seen"),
                   func.max(alert_sighting.c.date).label("last_seen"))
            .where(alert_sighting.c.date <= date).group_by(alert_sighting.c.alert_id).subquery())
    status = latest_events(date)
    joined = (alert.join(span, span.c.alert_id == alert.c.id)
              .join(alert_sighting, and_(alert_sighting.c.alert_id == alert.c.id,
                                         alert_sighting.c.date == span.c.last_seen))
              .join(alert_evidence, and_(alert_evidence.c.alert_id == alert.c.id,
                                         alert_evidence.c.evidence_hash == alert_sighting.c.evidence_hash))
              .outerjoin(status, status.c.alert_id == alert.c.id))
    now = func.coalesce(status.c.to_status, NEW)
    return select(*columns(span, now)).select_from(joined).where(now.not_in(FINAL))


def alert_records(engine, date: dt.date, *, detail: bool = False, evidence: bool = True) -> list[dict]:
    """Open alerts as of `date`, most severe first, then the most recently seen; `detail` adds DETAIL;
    evidence=False leaves the evidence lists out (a list that shows none: they are most of the reading)."""
    def columns(span, now):
        return [alert.c.id, alert.c.rule_id, alert_sighting.c.severity, alert.c.category, alert.c.subject_level,
                alert.c.subject_code, alert.c.subject_name, alert_sighting.c.figure, alert_sighting.c.threshold,
                now.label("status"), span.c.first_seen, span.c.last_seen, alert.c.basis,
                *((alert_evidence.c.evidence,) if evidence else ()),
                *((c.label(name) for name, c in DETAIL.items()) if detail else ())]

    with engine.connect() as conn:
        result = conn.execute(_open(date, columns))
        names = list(result.keys())
        rows = [dict(zip(names, r)) for r in result]
    for r in rows:
        r["figure"], r["threshold"] = _number(r["figure"]), _number(r["threshold"])
        if evidence:
            r["evidence"] = list(r["evidence"])
    rows.sort(key=lambda r: (RANK[r["severity"]], -r["last_seen"].toordinal(), r["rule_id"], r["subject_code"]))
    return rows


def open_severities(engine, date: dt.date) -> list[tuple[int, str, str | None]]:
    """(id, severity, region_code) of the alerts alert_records lists for `date`: enough to count them."""
    def columns(span, now):
        return [alert.c.id, alert_sighting.c.severity, alert.c.region_code]

    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(_open(date, columns))]


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
