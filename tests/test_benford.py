"""Benford digit tests reproduce the published results for Nigrini's corporate payments data."""
from __future__ import annotations

import gzip
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from alerts.benford import digit_test, exact_integers, leading_digits, mad_conformity, most_duplicated, tally

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "reference" / "benford" / "corporate_payment.csv.gz"


@pytest.fixture(scope="module")
def amounts() -> list[Decimal]:
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        next(f)
        return [Decimal(line.rsplit(",", 1)[1]) for line in f]


@pytest.fixture(scope="module")
def cents(amounts) -> np.ndarray:
    return exact_integers(amounts)


def test_first_two_digits_of_amounts_above_zero(amounts):
    result = digit_test(amounts, 2)
    assert result.n == 185_083 and result.df == 89
    assert result.mad == pytest.approx(0.002336614, abs=5e-10)
    assert result.conformity == "nonconformity" and result.conformity_label == "不符合"
    deviations = result.largest_deviations(5)
    assert deviations.index.tolist() == [50, 11, 10, 14, 98]
    assert deviations["abs_difference"].round(2).tolist() == [5938.25, 3331.98, 2811.92, 1043.68, 889.95]


def test_chi_square_exact_and_as_published(cents):
    """The published 32,094 read 0.29 and 0.58 through floats (0.29 × 100 = 28.999…): same statistic, R's digits."""
    positive = cents[cents > 0]
    exact = leading_digits(positive, 2)
    assert tally(exact, 2).chi_square == pytest.approx(32_100.90, abs=0.01)
    assert int(0.29 * 100) == 28 and int(0.58 * 100) == 57
    as_r_read = np.where(positive == 29, 28, np.where(positive == 58, 57, exact))
    published = tally(as_r_read, 2)
    assert round(published.chi_square) == 32_094
    assert published.mad == pytest.approx(0.002336614, abs=5e-10)  # both moves stay on one side of expectation


def test_amounts_of_ten_and_more(cents):
    ten_plus = cents[cents >= 1000]
    first = digit_test(ten_plus, 1)
    assert first.n == 177_763
    assert first.table["count"].tolist() == [58489, 29140, 19432, 14541, 17706, 10300, 8478, 8438, 11239]
    assert first.mad == pytest.approx(0.014642, abs=5e-7) and first.conformity == "marginal"
    assert digit_test(ten_plus, 2).mad == pytest.approx(0.002430, abs=5e-7)


def test_most_duplicated_amounts(amounts):
    top = most_duplicated([a for a in amounts if a >= 10], 4)
    assert [(Decimal(a), c) for a, c in zip(top["amount"], top["count"])] == [
        (Decimal("50.00"), 6022), (Decimal("1153.35"), 2264), (Decimal("1083.45"), 1185), (Decimal("150.00"), 1056)]


def test_digits_come_from_the_exact_value():
    assert leading_digits([29, 5, 100, 999_999_999_999], 2).tolist() == [29, 50, 10, 99]
    assert leading_digits([Decimal("0.29"), Decimal("0.058"), Decimal("7")], 2).tolist() == [29, 58, 70]
    assert exact_integers([Decimal("1.5"), Decimal("2.25"), 3]).tolist() == [150, 225, 300]
    with pytest.raises(TypeError):
        digit_test([0.29, 1.5])
    with pytest.raises(ValueError):
        leading_digits([0, 12], 1)


def test_refunds_and_zero_are_not_tested():
    assert digit_test([-120, 0, 150, 180], 1).n == 2
    with pytest.raises(ValueError, match="at least one"):
        digit_test([-120, 0], 1)


def test_z_uses_the_continuity_correction_only_when_smaller_than_the_gap():
    n = 1000
    ones = np.array([1] * 301 + [2] * 176 + [9] * 523)  # digit 1: 0.301 vs 0.30103, gap 0.00003 < 1/(2n)
    table = tally(ones, 1).table
    sigma = np.sqrt(table["expected"] * (1 - table["expected"]) / n)
    gap = (table["actual"] - table["expected"]).abs()
    assert table.loc[1, "z"] == pytest.approx(gap[1] / sigma[1])
    assert table.loc[9, "z"] == pytest.approx((gap[9] - 1 / (2 * n)) / sigma[9])


def test_mad_conformity_bands():
    assert [mad_conformity(m, 1) for m in (0.006, 0.0061, 0.012, 0.015, 0.0151)] == [
        "close", "acceptable", "acceptable", "marginal", "nonconformity"]
    assert [mad_conformity(m, 2) for m in (0.0012, 0.0018, 0.0022, 0.00221)] == [
        "close", "acceptable", "marginal", "nonconformity"]
