"""Turning text cells into typed, exact values, column at a time (vectorised over pandas string columns).

Each parser returns the typed column and the boolean mask of cells it refused, with the rule to cite.
Accepted silently (interface.md §2): surrounding white space, full-width digits and punctuation, thousands
separators in amounts, three date spellings.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

_FULL = "０１２３４５６７８９．，－／：＋（）"
_HALF = "0123456789.,-/:+()"
_FW_TABLE = str.maketrans(_FULL, _HALF)

_AMOUNT_RE = r"^([+-]?)(\d{1,15})(?:\.(\d*))?$"
_THOUSANDS_RE = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"


def clean_text(s: pd.Series) -> pd.Series:
    return s.str.strip()


def clean_number_text(s: pd.Series) -> pd.Series:
    """Codes, amounts and dates: trimmed, full-width digits and punctuation made half-width."""
    s = s.str.strip()
    if s.str.contains(r"[\uff01-\uff5e]", regex=True).any():
        s = s.str.translate(_FW_TABLE).str.strip()
    return s


def parse_hundredths(s: pd.Series, max_decimals: int = 2) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Amount text → exact integer hundredths (分), with masks of bad format and of too many decimals.

    Empty cells give <NA> and are not refused here (required-ness is checked separately).
    """
    s = clean_number_text(s)
    thousands = s.str.match(_THOUSANDS_RE)
    if thousands.any():
        s = s.where(~thousands, s.str.replace(",", "", regex=False))
    parts = s.str.extract(_AMOUNT_RE)
    empty = s == ""
    bad_format = parts[1].isna() & ~empty
    frac = parts[2].fillna("")
    too_many = ~bad_format & ~empty & (frac.str.len() > max_decimals)
    ok = ~bad_format & ~too_many & ~empty
    whole = pd.to_numeric(parts[1].where(ok), errors="coerce").astype("Int64")
    cents = pd.to_numeric(frac.where(ok).str.ljust(max_decimals, "0").str.slice(0, max_decimals).replace("", "0"),
                          errors="coerce").astype("Int64")
    value = whole * (10 ** max_decimals) + cents
    value = value.where(parts[0] != "-", -value)
    return value, bad_format, too_many


_DATE_RE = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$|^(\d{4})(\d{2})(\d{2})$"


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Date text → ISO 'YYYY-MM-DD' strings (<NA> for empty), with the mask of invalid dates."""
    s = clean_number_text(s)
    empty = s == ""
    m = s.str.extract(_DATE_RE)
    y = m[0].fillna(m[3])
    mo = m[1].fillna(m[4])
    d = m[2].fillna(m[5])
    iso = y + "-" + mo.str.zfill(2) + "-" + d.str.zfill(2)
    parsed = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & ~empty
    return iso.where(parsed.notna()), bad


def parse_ints(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    s = clean_number_text(s)
    empty = s == ""
    ok = s.str.fullmatch(r"\d{1,9}")
    bad = ~ok & ~empty
    return pd.to_numeric(s.where(ok), errors="coerce").astype("Int64"), bad


def code_length_ok(s: pd.Series, digits: tuple[int, ...]) -> pd.Series:
    ok = s.str.fullmatch(r"\d+")
    if digits:
        ok &= s.str.len().isin(digits)
    return ok | (s == "")


def to_numpy_bool(mask: pd.Series) -> np.ndarray:
    return mask.fillna(False).to_numpy(dtype=bool)
