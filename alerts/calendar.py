"""Working days of the Chinese calendar, 调休 included, from the maintained `chinesecalendar` package.

The package covers the years whose holiday arrangement the State Council has published. For a year it does
not cover yet (typically January before the package is upgraded), a day falls back to Monday–Friday and a
`CalendarNotCoveredWarning` says so: an off-day test that stops working every New Year would be worse than one
that is briefly approximate. `covers(day)` lets a caller mark the affected results.
"""
from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache

import chinese_calendar
import pandas as pd


class CalendarNotCoveredWarning(UserWarning):
    """A date lies in a year the installed chinesecalendar does not cover; weekends were used instead."""


@lru_cache(maxsize=1)
def _tables() -> tuple[pd.DatetimeIndex, pd.DatetimeIndex, range]:
    holidays = pd.DatetimeIndex(sorted(chinese_calendar.holidays))
    workdays = pd.DatetimeIndex(sorted(chinese_calendar.workdays))
    years = range(min(d.year for d in chinese_calendar.holidays), max(d.year for d in chinese_calendar.holidays) + 1)
    return holidays, workdays, years


def covered_years() -> range:
    """The years whose official holiday arrangement the installed package knows."""
    return _tables()[2]


def covers(day) -> bool | pd.Series:
    """Whether the calendar knows the year of `day` (a date or a Series of dates)."""
    years = covered_years()
    if isinstance(day, pd.Series):
        return pd.to_datetime(day).dt.year.between(years.start, years.stop - 1)
    return pd.Timestamp(day).year in years


def is_working_day(day: dt.date | pd.Series) -> bool | pd.Series:
    """Whether `day` is a working day: Monday–Friday unless a holiday, and every 调休 make-up day.

    Accepts one date or a pandas Series of dates (returns a boolean Series with the same index).
    """
    holidays, workdays, years = _tables()
    days = pd.to_datetime(day if isinstance(day, pd.Series) else pd.Series([day])).dt.normalize()
    weekday = days.dt.day_of_week < 5
    working = (weekday & ~days.isin(holidays)) | days.isin(workdays)
    uncovered = ~days.dt.year.between(years.start, years.stop - 1)
    if uncovered.any():
        missing = sorted(set(days[uncovered].dt.year))
        warnings.warn(f"节假日日历未覆盖 {'、'.join(map(str, missing))} 年（已安装 chinesecalendar 覆盖 "
                      f"{years.start}–{years.stop - 1} 年），这些日期按周一至周五为工作日判断",
                      CalendarNotCoveredWarning, stacklevel=2)
    return working if isinstance(day, pd.Series) else bool(working.iloc[0])
