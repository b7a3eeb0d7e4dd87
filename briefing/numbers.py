"""The one place a figure of the briefing becomes text: every number in the document is written here.

Rounding is the dashboard's (dashboard.format: amounts half up to 0.01 of 万元/亿元, rates as percent), so a
figure in the briefing reads the same as on the screen: sentences carry rates and percentage points to one
decimal like the dashboard's cards, tables to two decimals like its grids. Amounts in a sentence take 亿元 from
one 亿 up and 万元 below; a table uses one unit per column. Directions (增长/下降, 快于/慢于) are decided on the
rounded number, so "持平" is never written next to a non-zero figure.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from dashboard.format import in_unit, rate_percent, unit_for, yuan_from_fen
from indicators.export import round_half_up

TEXT_PLACES = 1  # rates and percentage points in sentences
TABLE_PLACES = 2  # … and in tables
NOT_DEFINED = "—"


# Amounts ----------------------------------------------------------------------------------------------------
def amount_unit(fens) -> str:
    """万元 or 亿元 for a set of amounts (integer 分) shown side by side."""
    return unit_for(yuan_from_fen(f) for f in fens if f is not None)


def amount_number(fen: int, unit: str) -> Decimal:
    return in_unit(yuan_from_fen(fen), unit)


def amount(fen: int | None, unit: str | None = None) -> str:
    """'518.61亿元' / '35.20万元'."""
    if fen is None:
        return NOT_DEFINED
    unit = unit or amount_unit([fen])
    return f"{amount_number(fen, unit)}{unit}"


def amount_cell(fen: int | None, unit: str) -> str:
    return NOT_DEFINED if fen is None else f"{amount_number(fen, unit)}"


# Rates, percentage points, multiples, counts ----------------------------------------------------------------
def percent_number(rate, places: int = TEXT_PLACES) -> Decimal | None:
    return rate_percent(rate, places)


def percent(rate, places: int = TEXT_PLACES) -> str:
    """'45.7%'."""
    return NOT_DEFINED if rate is None else f"{percent_number(rate, places)}%"


def percent_cell(rate) -> str:
    return NOT_DEFINED if rate is None else f"{percent_number(rate, TABLE_PLACES)}"


def pp_number(pp, places: int = TEXT_PLACES) -> Decimal | None:
    return None if pp is None else round_half_up(Fraction(pp), places)


def pp_cell(pp) -> str:
    return NOT_DEFINED if pp is None else f"{pp_number(pp, TABLE_PLACES):+}"


def multiple_number(value, places: int = TABLE_PLACES) -> Decimal | None:
    return None if value is None else round_half_up(Fraction(value), places)


def multiple(value) -> str:
    return NOT_DEFINED if value is None else f"{multiple_number(value)}倍"


def multiple_cell(value) -> str:
    return NOT_DEFINED if value is None else f"{multiple_number(value)}"


def count(value) -> str:
    return NOT_DEFINED if value is None else str(int(value))


# Sentences' turns of phrase ---------------------------------------------------------------------------------
def versus_progress(lag_pp) -> str:
    """'慢于序时进度4.4个百分点' / '快于序时进度2.0个百分点' / '与序时进度持平' (lag_pp: rate − 序时进度)."""
    shown = pp_number(lag_pp)
    if shown is None:
        return "无法与序时进度比较"
    if not shown:
        return "与序时进度持平"
    return f"{'快于' if shown > 0 else '慢于'}序时进度{abs(shown)}个百分点"


def change(growth, base: str = "上年同期") -> str:
    """'比上年同期增长5.3%' / '比上年同期下降2.1%' / '与上年同期持平' (growth = ratio − 1)."""
    if growth is None:
        return f"{base}无可比数据"
    shown = percent_number(growth)
    if not shown:
        return f"与{base}持平"
    return f"比{base}{'增长' if shown > 0 else '下降'}{abs(shown)}%"


def date_text(day: dt.date) -> str:
    """'2026年9月30日'."""
    return f"{day.year}年{day.month}月{day.day}日"


def alert_figure(value, unit: str | None) -> str:
    """An alert's figure or threshold (as the alert records give it: 元, fractions, 百分点 …) with its unit."""
    if value is None:
        return NOT_DEFINED
    if unit == "元":
        return amount(int(value * 100))
    if unit == "ratio":
        return percent(value, TABLE_PLACES)
    if unit == "pp":
        return f"{pp_number(value, TABLE_PLACES)}个百分点"
    if unit == "multiple":
        return multiple(value)
    if unit == "days":
        return f"{count(value)}天"
    if unit == "count":
        return count(value)
    return str(value)
