"""What follows a T+1 ingest, and the daily job that runs it all.

The ingest loads; the stages downstream of the warehouse (indicator snapshots, alerts, quarterly briefing)
register a step here and are refreshed for the dates the load touched. Every refresh holds the store's work
lock (ingest/lock.py), so it never overlaps a load; and a load records in its own transaction the first date
whose figures it changed (REFRESH_DUE), cleared only once they are recomputed: a process that dies between
its load and its refresh leaves that work to the next ingest instead of a gap in the figures.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

MAX_CATCH_UP_DAYS = 31
REFRESH_DUE = "pipeline.refresh_due"  # store_meta key: the first date whose figures await recomputing


def STAGES() -> dict[str, Callable[[Engine, dt.date, dt.date], object]]:
    """The downstream stages by name, in order: indicator snapshots first, since alerts read them."""
    from alerts.engine import refresh as refresh_alerts
    from indicators.snapshots import refresh as refresh_indicators

    return {"indicators": refresh_indicators, "alerts": refresh_alerts}


def _steps() -> list[Callable[[Engine, dt.date, dt.date], object]]:
    return list(STAGES().values())


STAGE_LABELS = {"indicators": "指标快照", "alerts": "预警"}


def refresh_range(engine: Engine, start: dt.date, end: dt.date, only: str | None = None,
                  progress: Callable[[int, int, str], None] | None = None) -> list[str]:
    """A backfill: recompute the stages (or `only` one) for [start, end], reporting progress(done, total, step);
    the names of the stages run. Idempotent, like every stage: run twice, it leaves what one run leaves."""
    from ingest.lock import work_lock

    stages = [(name, step) for name, step in STAGES().items() if only in (None, name)]
    report = progress or (lambda done, total, step: None)
    with work_lock(engine):
        for i, (name, step) in enumerate(stages):
            report(i, len(stages), f"刷新{STAGE_LABELS.get(name, name)}")
            step(engine, start, end)
        if only is None:
            _settle_due(engine, start, end)
    report(len(stages), len(stages), "完成")
    return [name for name, _ in stages]


def mark_refresh_due(conn: Connection, since: dt.date) -> None:
    """Inside a load's transaction: the figures from `since` on are to be recomputed."""
    from warehouse.schema import store_meta

    due = _refresh_due(conn)
    if due is None:
        conn.execute(insert(store_meta).values(key=REFRESH_DUE, value=since.isoformat()))
    elif since < due:
        conn.execute(update(store_meta).where(store_meta.c.key == REFRESH_DUE).values(value=since.isoformat()))


def forget_refresh_due(engine: Engine) -> None:
    """`ingest --no-refresh`: who loads without refreshing recomputes what they need themselves (a first install
    the history its dashboard shows, a benchmark what it measures), so nothing is left due for the next ingest."""
    from warehouse.schema import store_meta

    with engine.begin() as conn:
        conn.execute(delete(store_meta).where(store_meta.c.key == REFRESH_DUE))


def _settle_due(engine: Engine, start: dt.date, end: dt.date) -> None:
    """A backfill over every date a load left due (to the newest business date) has done that work."""
    from warehouse.schema import ingest_file, store_meta

    with engine.begin() as conn:
        due = _refresh_due(conn)
        first, newest = conn.execute(select(func.min(ingest_file.c.business_date),
                                            func.max(ingest_file.c.business_date))
                                     .where(ingest_file.c.status == "loaded")).one()
        if due is not None and start <= max(due, first or due) and (newest is None or end >= newest):
            conn.execute(delete(store_meta).where(store_meta.c.key == REFRESH_DUE))


def _refresh_due(conn: Connection) -> dt.date | None:
    from warehouse.schema import store_meta

    value = conn.scalar(select(store_meta.c.value).where(store_meta.c.key == REFRESH_DUE))
    return dt.date.fromisoformat(value) if value else None


def refresh_after_ingest(engine: Engine, result) -> None:
    """Recompute what depends on the loaded rows, from the earliest date they touched to the newest business
    date in the store (a late voucher for March changes every cumulative figure after it). Figures are kept
    for business dates only: a bond issued years before the first delivery starts the refresh at that delivery."""
    from ingest.lock import work_lock
    from warehouse.schema import ingest_file, store_meta

    with work_lock(engine):
        with engine.connect() as conn:
            due = _refresh_due(conn)
            first, newest = conn.execute(select(func.min(ingest_file.c.business_date),
                                                func.max(ingest_file.c.business_date))
                                         .where(ingest_file.c.status == "loaded")).one()
        since = min(filter(None, [result.earliest_touched, due]), default=None)
        if since is None:
            return
        since = max(since, first) if first else since
        until = max([f.business_date for f in result.files] + ([newest] if newest else []))
        for step in _steps():
            step(engine, since, until)
        with engine.begin() as conn:
            conn.execute(delete(store_meta).where(store_meta.c.key == REFRESH_DUE))


def dates_due(engine: Engine, today: dt.date) -> list[dt.date]:
    """T+1: yesterday, plus any business dates missed since the last one loaded (a server down for a weekend)."""
    from warehouse.schema import ingest_file

    yesterday = today - dt.timedelta(days=1)
    with engine.connect() as conn:
        last = conn.execute(select(func.max(ingest_file.c.business_date))).scalar()
    first = yesterday if last is None else max(last + dt.timedelta(days=1), yesterday - dt.timedelta(days=MAX_CATCH_UP_DAYS))
    first = min(first, yesterday)
    return [first + dt.timedelta(days=i) for i in range((yesterday - first).days + 1)]


def run_daily_job(engine: Engine, inbox: Path, today: dt.date | None = None, briefings: Path | None = None):
    """The daily T+1 job: ingest the dates due, refresh everything downstream, and after a quarter end write
    its briefing into `briefings` (default: briefing.archive.default_dir())."""
    from briefing.archive import default_dir
    from briefing.schedule import maybe_write_previous_quarter
    from ingest.load import ingest_dates

    today = today or dt.date.today()
    result = ingest_dates(engine, Path(inbox), dates_due(engine, today))
    refresh_after_ingest(engine, result)
    maybe_write_previous_quarter(engine, today, briefings or default_dir())
    return result
