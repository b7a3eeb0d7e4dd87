"""The demo city's year: which days are working days and how spending is spread over them.

Working days come from the project's one definition (alerts.calendar), so the off-day payments the demo plants
are off days for the rule that looks for them.
"""
from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from alerts.calendar import CalendarNotCoveredWarning, is_working_day

# Relative spending per working day by month: a slow January and Spring Festival, a half-year push, the
# National Day lull and a December surge mild enough that a unit on plan never lags time by 10 points.
STANDARD = (0.75, 0.85, 1.1, 1.0, 0.95, 1.1, 0.95, 0.95, 1.15, 1.05, 1.0, 1.3)
# A unit that spends early and pays little in December (the history that makes one December stand out).
EARLY = STANDARD[:11] + (0.45,)
OFF_DAY_WEIGHT = 0.01  # weekends and holidays are almost empty


@dataclass(frozen=True)
class Year:
    year: int
    first: dt.date
    length: int
    workday: np.ndarray  # bool per day of year

    def day(self, index: int) -> dt.date:
        return self.first + dt.timedelta(days=int(index))

    def index(self, day: dt.date) -> int:
        return (day - self.first).days

    def next_workday(self, index: int) -> int | None:
        """The first working day at or after `index`, or None when the year has none left."""
        later = np.flatnonzero(self.workday[index:])
        return int(index + later[0]) if len(later) else None


@lru_cache(maxsize=16)
def year(y: int) -> Year:
    first = dt.date(y, 1, 1)
    length = (dt.date(y + 1, 1, 1) - first).days
    days = pd.Series(pd.date_range(first, periods=length, freq="D"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarNotCoveredWarning)
        work = is_working_day(days).to_numpy(dtype=bool)
    return Year(y, first, length, work)


def is_workday(day: dt.date) -> bool:
    return bool(year(day.year).workday[year(day.year).index(day)])


@lru_cache(maxsize=64)
def weights(y: int, profile: tuple[float, ...] = STANDARD) -> np.ndarray:
    """Relative spending weight of each day of year `y`."""
    cal = year(y)
    month = np.array([cal.day(i).month - 1 for i in range(cal.length)])
    return np.where(cal.workday, np.asarray(profile)[month], OFF_DAY_WEIGHT)


@lru_cache(maxsize=64)
def shape(y: int, profile: tuple[float, ...] = STANDARD) -> np.ndarray:
    """Share of the year's spending done by the end of each day (ends at 1.0)."""
    w = weights(y, profile)
    return np.cumsum(w) / w.sum()
