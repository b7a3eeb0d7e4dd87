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


def alert_records(engine, date: dt.date) -> list[dict]:
    """Open alerts as of `date`, most severe first, then the most recently seen."""
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
    stmt = (select(alert.c.id, alert.c.rule_id, alert_sighting.c.severity, alert.c.category, alert.c.subject_level,
                   alert.c.subject_code, alert.c.subject_name, alert_sighting.c.figure, alert_sighting.c.threshold,
                   func.coalesce(status.c.to_status, NEW).label("status"), span.c.first_seen, span.c.last_seen,
                   alert.c.basis, alert_evidence.c.evidence)
            .select_from(joined).where(func.coalesce(status.c.to_status, NEW).not_in(FINAL)))
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    for r in rows:
        r["figure"], r["threshold"] = _number(r["figure"]), _number(r["threshold"])
        r["evidence"] = list(r["evidence"])
    rows.sort(key=lambda r: (RANK[r["severity"]], -r["last_seen"].toordinal(), r["rule_id"], r["subject_code"]))
    return rows


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
