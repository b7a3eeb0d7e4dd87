"""The daily job's part: once a quarter is over, write its briefing on the first working day after it.

A server that was down that day writes it on the next run instead (as the T+1 ingest catches up on missed
dates), as long as the briefing is not in the folder yet. A quarter without data is not an error for the job:
there is simply nothing to write yet.
"""
from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from alerts.calendar import is_working_day
from briefing.archive import find
from briefing.facts import top_region
from briefing.quarter import BriefingError, Quarter
from briefing.write import write_briefing

log = logging.getLogger(__name__)


def first_working_day_after(day: dt.date) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def maybe_write_previous_quarter(engine, today: dt.date, out_dir: Path | str) -> list[Path] | None:
    """Write the previous quarter's briefing (top region) when it is due and not written yet; the paths
    written, or None when nothing was due or there is no data for it."""
    quarter = Quarter.containing(today).previous()
    if today < first_working_day_after(quarter.end):
        return None
    region = top_region(engine)
    if region is None or find(out_dir, quarter.code, region) is not None:
        return None
    try:
        return write_briefing(engine, quarter, region, out_dir, today=today)
    except BriefingError as exc:
        log.warning("未生成%s简报：%s", quarter.label, exc)
        return None
