"""The daily feed as the data clerk sees it: files per business date and report, and their findings.

Reads the ingest bookkeeping tables only (ingest_file, finding, ingest_run). A region filter keeps the files
of the given regions plus those no region could be read from (a malformed name, the batch's manifest.json),
because those are exactly the ones the clerk must not miss. A principal who may not see every region
(auth.scope) gets only the files of their regions, never those of no region.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.engine import Engine

from auth import scope as access
from indicators.scope import Regions
from warehouse.schema import finding, ingest_file, ingest_run

SEVERITIES = ("error", "warning", "info")
SHOWN_SEVERITIES = ("error", "warning")  # interface.md §4: info is kept, not shown by default
FINDINGS_LIMIT = 5000


def _in_regions(conn, column, regions: Collection[str] | None):
    visible = access.visible_regions(Regions.load(conn))
    if visible is not None:
        return column.in_(sorted(visible if regions is None else set(regions) & visible))
    if regions is None:
        return true()
    return or_(column.in_(sorted(regions)), column.is_(None))


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def latest_business_date(engine: Engine) -> dt.date | None:
    """The newest business date with a loaded file: what a view shows when no date is chosen."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(ingest_file.c.business_date))
                            .where(ingest_file.c.status == "loaded")).scalar()


def report_summary(engine: Engine, business_date: dt.date, regions: Collection[str] | None = None) -> list[dict]:
    """Per report and region on one business date: files arrived / loaded / refused, and what was loaded."""
    f = ingest_file.c
    loaded = f.status == "loaded"
    with engine.connect() as conn:
        query = (
            select(f.report, f.region_code,
                   func.count().label("arrived"),
                   _count_if(loaded).label("loaded"),
                   _count_if(f.status == "refused").label("refused"),
                   func.sum(case((loaded, f.rows), else_=0)).label("rows"),
                   func.sum(case((loaded, f.amount_total_fen), else_=None)).label("amount_fen"),
                   # an unchanged record repeats the counts of the version it repeats: counted once
                   func.sum(case((f.status != "unchanged", f.errors), else_=0)).label("errors"),
                   func.sum(case((f.status != "unchanged", f.warnings), else_=0)).label("warnings"))
            .where(f.business_date == business_date, _in_regions(conn, f.region_code, regions))
            .group_by(f.report, f.region_code)
            .order_by(f.report, f.region_code)
        )
        return [dict(row._mapping) for row in conn.execute(query)]


def files(engine: Engine, business_date: dt.date, regions: Collection[str] | None = None) -> list[dict]:
    """Every file delivered for the date, in every state (a redelivery shows both versions)."""
    f = ingest_file.c
    with engine.connect() as conn:
        query = (
            select(f.id, f.name, f.report, f.region_code, f.status, f.rows, f.amount_total_fen, f.errors, f.warnings,
                   f.recorded_at, f.quarantine_path)
            .where(f.business_date == business_date, _in_regions(conn, f.region_code, regions))
            .order_by(f.name, f.id)
        )
        return [dict(row._mapping) for row in conn.execute(query)]


def findings(engine: Engine, business_date: dt.date, regions: Collection[str] | None = None,
             severities: Collection[str] = SHOWN_SEVERITIES, limit: int = FINDINGS_LIMIT) -> tuple[int, list[dict]]:
    """(how many there are, the first `limit`) — errors first, then by file and line, as a clerk fixes them."""
    g, f = finding.c, ingest_file.c
    joined = finding.outerjoin(ingest_file, g.file_id == f.id)
    rank = case({s: i for i, s in enumerate(SEVERITIES)}, value=g.severity, else_=len(SEVERITIES))
    with engine.connect() as conn:
        where = and_(g.business_date == business_date, g.severity.in_(list(severities)),
                     _in_regions(conn, f.region_code, regions))
        query = (
            select(g.file, g.line, g.column, g.value, g.expected, g.message, g.rule_id, g.severity)
            .select_from(joined).where(where)
            .order_by(rank, g.file, g.line, g.id)
            .limit(limit)
        )
        total = conn.execute(select(func.count()).select_from(joined).where(where)).scalar()
        return total, [dict(row._mapping) for row in conn.execute(query)]


def daily_status(engine: Engine, until: dt.date, days: int = 30,
                 regions: Collection[str] | None = None) -> list[dict]:
    """Files per business date and status over the `days` days ending on `until`, for the trend chart."""
    f = ingest_file.c
    with engine.connect() as conn:
        query = (
            select(f.business_date, f.status, func.count().label("files"))
            .where(f.business_date > until - dt.timedelta(days=days), f.business_date <= until,
                   _in_regions(conn, f.region_code, regions))
            .group_by(f.business_date, f.status)
            .order_by(f.business_date, f.status)
        )
        return [dict(row._mapping) for row in conn.execute(query)]


def last_run(engine: Engine) -> dict | None:
    """The most recent ingest run, to tell the clerk whether the feed job ran and how it ended."""
    r = ingest_run.c
    query = select(r.started_at, r.finished_at, r.status, r.date_from, r.date_to, r.files, r.errors,
                   r.warnings).order_by(r.started_at.desc(), r.id.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return dict(row._mapping) if row else None
