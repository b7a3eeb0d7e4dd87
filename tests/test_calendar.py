"""Working days of the Chinese calendar, with 调休, from the chinesecalendar package."""
from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest

from alerts.calendar import CalendarNotCoveredWarning, covered_years, covers, is_working_day


@pytest.mark.parametrize("day, working", [
    ("2025-09-28", True),   # Sunday, 调休 make-up day for 国庆
    ("2025-10-11", True),   # Saturday, 调休 make-up day
    ("2025-10-01", False), ("2025-10-03", False), ("2025-10-08", False),  # 国庆 weekdays
    ("2024-02-04", True),   # Sunday before 春节 2024, made up
    ("2024-02-12", False),  # Monday of 春节
    ("2025-10-18", False),  # a plain Saturday
    ("2025-10-09", True),   # a plain Thursday
])
def test_single_days(day, working):
    assert is_working_day(dt.date.fromisoformat(day)) is working


def test_series_keep_their_index_and_accept_timestamps():
    days = pd.Series(pd.to_datetime(["2025-10-01 09:30", "2025-09-28 00:00", "2025-10-09 18:00"]), index=[7, 3, 5])
    result = is_working_day(days)
    assert result.index.tolist() == [7, 3, 5] and result.tolist() == [False, True, True]
    assert is_working_day(pd.Series([dt.date(2025, 10, 2), dt.date(2025, 10, 10)])).tolist() == [False, True]


def test_years_the_package_does_not_cover_fall_back_to_weekends_with_a_warning():
    last = covered_years().stop - 1
    assert last >= 2025
    later = pd.Series([dt.date(last + 1, 1, 4), dt.date(last + 1, 1, 2)])
    with pytest.warns(CalendarNotCoveredWarning, match=str(last + 1)):
        result = is_working_day(later)
    expected = [later[0].weekday() < 5, later[1].weekday() < 5]
    assert result.tolist() == expected
    assert covers(later).tolist() == [False, False] and covers(dt.date(2025, 1, 1))


def test_covered_years_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        is_working_day(pd.Series([dt.date(2024, 5, 1), dt.date(2026, 1, 1)]))
