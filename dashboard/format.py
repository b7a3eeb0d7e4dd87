"""Figures for people: 元 shown in 万元 or 亿元 with the unit written next to the number; rates in percent.

Values stay exact (Decimal, Fraction) until the last step, so a displayed figure rounds once, half up, like a
ledger.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable

from indicators.export import round_half_up


WAN = "万元"
YI = "亿元"
_DIVISORS = {WAN: Decimal(10_000), YI: Decimal(100_000_000)}
_CENT = Decimal("0.01")

Amount = int | Decimal | str | float


def yuan_from_fen(fen: int | None) -> Decimal | None:
    """The store keeps money in integer 分; figures and displays speak 元."""
    return None if fen is None else Decimal(fen) / 100


def _decimal(yuan: Amount) -> Decimal:
    return yuan if isinstance(yuan, Decimal) else Decimal(str(yuan))


def unit_for(amounts: Iterable[Amount | None]) -> str:
    """One unit for a whole column or card group, so numbers side by side compare at a glance."""
    largest = max((abs(_decimal(a)) for a in amounts if a is not None), default=Decimal(0))
    return YI if largest >= _DIVISORS[YI] else WAN


def in_unit(yuan: Amount, unit: str) -> Decimal:
    """The amount expressed in `unit`, rounded half up to 2 decimals (never -0.00)."""
    value = (_decimal(yuan) / _DIVISORS[unit]).quantize(_CENT, rounding=ROUND_HALF_UP)
    return value if value else abs(value)


def format_amount(yuan: Amount | None, unit: str | None = None) -> str:
    """'1,234.57 万元'; the unit is chosen from the amount itself unless the caller fixes it; None is '—'."""
    if yuan is None:
        return "—"
    unit = unit or unit_for([yuan])
    return f"{in_unit(yuan, unit):,.2f} {unit}"


# Rates, percentage points and multiples: rounded once, half up, from the exact Fraction the indicator gives.
def _half_up(value, places: int) -> Decimal:
    return round_half_up(Fraction(value), places)


def rate_percent(rate, places: int = 2) -> Decimal | None:
    """A rate (fraction) as a percent number, 0.45678 → 45.68; None stays None (not defined)."""
    return None if rate is None else _half_up(rate, places + 2).scaleb(2)


def format_rate(rate, places: int = 1) -> str:
    """'45.7%'; '—' where the rate is not defined (a zero denominator)."""
    return "—" if rate is None else f"{rate_percent(rate, places):,.{places}f}%"


def format_pp(pp, places: int = 1) -> str:
    """'-4.4 个百分点' (behind) / '+2.0 个百分点' (ahead)."""
    return "—" if pp is None else f"{_half_up(pp, places):+,.{places}f} 个百分点"


def format_multiple(value, places: int = 2) -> str:
    return "—" if value is None else f"{_half_up(value, places):,.{places}f} 倍"
