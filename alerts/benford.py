"""Benford digit tests (Nigrini 2012): first digit and first two digits of exact amounts.

Digits are taken from the exact value (integer 分 or Decimal), never from a float: 0.29 × 100 is
28.999999999999996 in binary floating point, and a float-based extraction files every 0.29 under "28". The
R package benford.analysis does exactly that on the reference data set, which is why its published
chi-square (32,094) differs from the exact one (32,100.9) while its counts, MAD and deviations agree.

Only amounts > 0 are tested: refunds and zero are not the population the law describes.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

# Nigrini's MAD cut-offs: at or below the first is close conformity, then acceptable, marginal, beyond = none.
MAD_BANDS = {1: (0.006, 0.012, 0.015), 2: (0.0012, 0.0018, 0.0022)}
CONFORMITY_LABELS = {"close": "高度符合", "acceptable": "可接受", "marginal": "勉强可接受",
                     "nonconformity": "不符合"}

_POW10 = 10 ** np.arange(19, dtype=np.int64)


def exact_integers(amounts: Iterable) -> np.ndarray:
    """Amounts as int64 with a common decimal scale, so the leading digits are the exact value's.

    Integer arrays (分) pass through; Decimals are scaled by the largest number of decimal places present.
    Floats are refused: their digits are not the amount's digits.
    """
    if isinstance(amounts, (pd.Series, pd.Index)) and pd.api.types.is_integer_dtype(amounts.dtype):
        return amounts.to_numpy(dtype=np.int64)
    values = np.asarray(amounts if isinstance(amounts, np.ndarray) else list(amounts))
    if values.dtype.kind in "iu" or values.size == 0:
        return values.astype(np.int64)
    if values.dtype.kind != "O" or not all(isinstance(v, (Decimal, int, np.integer)) for v in values.flat):
        raise TypeError("Benford tests need exact amounts: integer 分 or Decimal, not floats")
    decimals = [v if isinstance(v, Decimal) else Decimal(int(v)) for v in values.flat]
    scale = max((-d.as_tuple().exponent for d in decimals), default=0)
    return np.array([int(d.scaleb(scale)) for d in decimals], dtype=np.int64)


def leading_digits(amounts: Iterable, digits: int) -> np.ndarray:
    """The first `digits` significant digits of each amount (> 0) as an integer, e.g. 0.05 → 50 for two."""
    values = exact_integers(amounts)
    if (values <= 0).any():
        raise ValueError("leading digits are defined for amounts > 0 only")
    length = np.searchsorted(_POW10, values, side="right")
    shift = length - digits
    down = values // _POW10[np.clip(shift, 0, None)]
    up = values * _POW10[np.clip(-shift, 0, None)]
    return np.where(shift >= 0, down, up)


@dataclass(frozen=True)
class DigitTest:
    """One digit test: per-digit table plus the summary statistics the committee reads."""
    digits: int
    n: int
    table: pd.DataFrame  # index: digit; count, expected_count, actual, expected, difference, z
    mad: float
    conformity: str
    chi_square: float
    df: int

    @property
    def conformity_label(self) -> str:
        return CONFORMITY_LABELS[self.conformity]

    def largest_deviations(self, k: int = 5) -> pd.DataFrame:
        """Digits with the largest absolute count deviation from Benford's expectation (ties: lower digit)."""
        table = self.table.assign(abs_difference=self.table["difference"].abs())
        return table.sort_values(["abs_difference"], ascending=False, kind="stable").head(k)


def mad_conformity(mad: float, digits: int) -> str:
    close, acceptable, marginal = MAD_BANDS[digits]
    if mad <= close:
        return "close"
    if mad <= acceptable:
        return "acceptable"
    if mad <= marginal:
        return "marginal"
    return "nonconformity"


def digit_bins(digits: int) -> np.ndarray:
    """The possible leading values: 1..9 for the first digit, 10..99 for the first two."""
    if digits not in MAD_BANDS:
        raise ValueError("digit tests are defined for the first digit (1) and the first two digits (2)")
    return np.arange(10 ** (digits - 1), 10 ** digits)


def mean_absolute_deviation(counts: np.ndarray, digits: int) -> np.ndarray:
    """MAD of count vectors along the last axis (one per digit bin), so many populations are tested at once."""
    counts = np.asarray(counts)
    n = counts.sum(axis=-1, keepdims=True)
    actual = np.divide(counts, n, out=np.zeros(counts.shape), where=n > 0)
    return np.abs(actual - np.log10(1 + 1 / digit_bins(digits))).mean(axis=-1)


def tally(leading: np.ndarray, digits: int) -> DigitTest:
    """The statistics of leading digits already extracted (`leading_digits`)."""
    bins = digit_bins(digits)
    leading = np.asarray(leading, dtype=np.int64)
    n = int(leading.size)
    if not n:
        raise ValueError("a digit test needs at least one amount > 0")
    counts = np.bincount(leading - bins[0], minlength=len(bins))[: len(bins)]
    expected = np.log10(1 + 1 / bins)
    actual = counts / n
    gap = np.abs(actual - expected)
    # Nigrini's continuity correction 1/(2N) applies only when smaller than the gap it corrects.
    correction = 1 / (2 * n)
    z = np.where(correction < gap, gap - correction, gap) / np.sqrt(expected * (1 - expected) / n)
    expected_count = expected * n
    chi = float(((counts - expected_count) ** 2 / expected_count).sum())
    table = pd.DataFrame({"count": counts, "expected_count": expected_count, "actual": actual,
                          "expected": expected, "difference": counts - expected_count, "z": z},
                         index=pd.Index(bins, name="digit"))
    mad = float(mean_absolute_deviation(counts, digits))
    return DigitTest(digits=digits, n=n, table=table, mad=mad, conformity=mad_conformity(mad, digits),
                     chi_square=chi, df=len(bins) - 1)


def digit_test(amounts: Iterable, digits: int = 2) -> DigitTest:
    """First-digit (1) or first-two-digits (2) test of the amounts > 0 among `amounts`."""
    values = exact_integers(amounts)
    return tally(leading_digits(values[values > 0], digits), digits)


def most_duplicated(amounts: Iterable, top: int = 10) -> pd.DataFrame:
    """The amounts that recur most often (columns amount, count), highest count first, ties by amount."""
    counts = pd.Series(list(amounts) if not isinstance(amounts, pd.Series) else amounts).value_counts()
    frame = counts.rename_axis("amount").reset_index(name="count")
    return frame.sort_values(["count", "amount"], ascending=[False, True], kind="stable").head(top) \
        .reset_index(drop=True)
