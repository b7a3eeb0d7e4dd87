"""序时进度 and the calendar rules every family shares (fiscal year = calendar year of D)."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
from functools import lru_cache


def days_in_year(year: int) -> int:
    return 366 if dt.date(year, 12, 31).timetuple().tm_yday == 366 else 365


@lru_cache(maxsize=4096)
def time_progress(day: dt.date) -> Fraction:
    """Day of year of D ÷ days in its year, exact (2026-06-30 → 181/365). Cached: every row of a day reads it
    (a year's alert re-evaluation derives some hundred thousand rows)."""
    return Fraction(day.timetuple().tm_yday, days_in_year(day.year))


def year_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 1, 1)


def same_day_last_year(day: dt.date) -> dt.date:
    """D − 1 year for year-on-year figures; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return dt.date(day.year - 1, 2, 28)


def last_year_window(day: dt.date) -> tuple[dt.date, dt.date]:
    """The same period of the previous year: [(Y−1)-01-01, D − 1 year]."""
    prior = same_day_last_year(day)
    return dt.date(prior.year, 1, 1), prior
