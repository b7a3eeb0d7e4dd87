"""Amounts for people: 元 shown in 万元 or 亿元, the unit always written next to the number.

Values stay exact (Decimal) until the last step, so a displayed figure rounds once, half up, like a ledger.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable

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
