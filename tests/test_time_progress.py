"""序时进度 and the calendar rules (leap years, the same period of last year) and their export rounding."""
import datetime as dt
from fractions import Fraction as F

from indicators.export import format_value
from indicators.time import last_year_window, same_day_last_year, time_progress


def test_time_progress_is_day_of_year_over_days_in_year():
    assert time_progress(dt.date(2026, 6, 30)) == F(181, 365)
    assert str(format_value("ratio", time_progress(dt.date(2026, 6, 30)))) == "0.495890"
    assert time_progress(dt.date(2026, 1, 1)) == F(1, 365)
    assert time_progress(dt.date(2026, 12, 31)) == 1
    assert time_progress(dt.date(2028, 2, 29)) == F(60, 366)
    assert time_progress(dt.date(2028, 12, 31)) == 1
    assert time_progress(dt.date(2100, 3, 1)) == F(60, 365)  # 2100 is not a leap year


def test_same_period_of_last_year():
    assert same_day_last_year(dt.date(2026, 6, 30)) == dt.date(2025, 6, 30)
    assert same_day_last_year(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    assert last_year_window(dt.date(2028, 2, 29)) == (dt.date(2027, 1, 1), dt.date(2027, 2, 28))
    assert last_year_window(dt.date(2029, 3, 1)) == (dt.date(2028, 1, 1), dt.date(2028, 3, 1))


def test_rounding_is_half_up_on_exact_values():
    assert str(format_value("ratio", F(1, 8) / 100000)) == "0.000001"  # 0.00000125
    assert str(format_value("ratio", F(-5, 10**7))) == "-0.000001"
    assert str(format_value("pp", F(-238747554, 10**7))) == "-23.87"
    assert str(format_value("pp", F(5, 1000))) == "0.01"
    assert str(format_value("元", 12345)) == "123.45"
    assert str(format_value("元", -5)) == "-0.05"
    assert format_value("ratio", None) is None
