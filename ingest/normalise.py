"""Turning text cells into typed, exact values, column at a time (vectorised over pandas string columns).

Each parser returns the typed column and the boolean mask of cells it refused, with the rule to cite.
Accepted silently (interface.md §2): surrounding white space, full-width digits and punctuation, thousands
separators in amounts, three date spellings.
"""
from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_FULL = "０１２３４５６７８９．，－／：＋（）"
_HALF = "0123456789.,-/:+()"
_FW_TABLE = str.maketrans(_FULL, _HALF)

_THOUSANDS_RE = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"


def clean_text(s: pd.Series) -> pd.Series:
    return s.str.strip()


def clean_number_text(s: pd.Series) -> pd.Series:
    """Codes, amounts and dates: trimmed, full-width digits and punctuation made half-width."""
    s = s.str.strip()
    if not _all_ascii(s) and s.str.contains(r"[\uff01-\uff5e]", regex=True).any():
        s = s.str.translate(_FW_TABLE).str.strip()
    return s


def _all_ascii(s: pd.Series) -> bool:
    """True when no cell has a non-ASCII character (a byte scan in pyarrow: the usual case, decided at once)."""
    if s.dtype != "str" or s.empty:
        return s.empty
    return bool(pc.all(pc.string_is_ascii(pa.array(s, from_pandas=True))).as_py() is not False)


def parse_hundredths(s: pd.Series, max_decimals: int = 2) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    """Amount text → exact integer hundredths (分), with masks of bad format, of too many decimals, and of empty.

    Empty cells give <NA> and are not refused here (required-ness is checked separately).
    """
    s = clean_number_text(s)
    plain = _plain_hundredths(s, max_decimals)
    if plain is not None:
        return plain
    thousands = s.str.match(_THOUSANDS_RE)
    if thousands.any():
        s = s.where(~thousands, s.str.replace(",", "", regex=False))
    empty = s == ""
    good = s.str.fullmatch(r"[+-]?\d{1,15}(\.\d*)?")
    bad_format = ~good & ~empty
    frac = s.str.replace(r"^[+-]?\d+\.?", "", regex=True).where(good, "")
    too_many = good & (frac.str.len() > max_decimals)
    ok = good & ~too_many
    whole = pd.to_numeric(s.str.replace(r"^[+-]?(\d+).*$", r"\1", regex=True).where(ok), errors="coerce").astype("Int64")
    cents = pd.to_numeric(frac.where(ok).str.pad(max_decimals, side="right", fillchar="0"), errors="coerce").astype("Int64")
    value = whole * (10 ** max_decimals) + cents
    value = value.where(~s.str.startswith("-"), -value)
    return value, bad_format, too_many, empty


def _plain_hundredths(s: pd.Series, max_decimals: int):
    """The usual column — every cell empty or plain `-123.45` (no sign +, no separators, ≤ max decimals) — parsed
    in a few pyarrow passes: the digits without the point, times 10 per missing decimal. None: use the general path."""
    if s.dtype != "str" or s.empty:
        return None
    arr = pa.array(s, from_pandas=True)
    if arr.null_count:
        return None
    empty = pc.equal(arr, "")
    whole = min(15, 17 - max_decimals)  # the value stays within int64
    plain = pc.match_substring_regex(arr, rf"^-?\d{{1,{whole}}}(\.\d{{1,{max_decimals}}})?$")
    if not pc.all(pc.or_(empty, plain)).as_py():
        return None
    digits = pc.cast(pc.if_else(empty, "0", pc.replace_substring(arr, ".", "")), pa.int64())
    point = pc.find_substring(arr, ".")
    decimals = pc.if_else(pc.less(point, 0), 0, pc.subtract(pc.subtract(pc.utf8_length(arr), point), 1))
    scale = pc.power(pa.scalar(10, pa.int64()), pc.cast(pc.subtract(max_decimals, decimals), pa.int64()))
    value = pc.multiply(digits, scale)
    missing = empty.to_numpy(zero_copy_only=False)
    index = s.index
    false = pd.Series(False, index=index)
    values = pc.fill_null(value, 0).to_numpy(zero_copy_only=False).astype("int64", copy=False)
    return (pd.Series(pd.arrays.IntegerArray(values, missing.copy()), index=index),
            false, false.copy(), pd.Series(missing, index=index))


_DATE_RE = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$|^(\d{4})(\d{2})(\d{2})$"


def parse_dates(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Date text → ISO 'YYYY-MM-DD' strings (<NA> for empty), with the masks of invalid and of empty dates.

    A file holds few distinct dates (a day's vouchers share one or two): each distinct text is parsed once.
    """
    s = clean_number_text(s)
    codes, uniques = pd.factorize(s)
    iso = np.array([_iso_date(t) for t in uniques] + [None], dtype=object)[codes]  # code -1 (missing): None
    iso = pd.Series(iso, index=s.index, dtype="str")
    empty = s == ""
    return iso, iso.isna() & ~empty, empty


_DATE_SPELLINGS = re.compile(_DATE_RE, re.ASCII)


def _iso_date(text: str) -> str | None:
    """'YYYY-MM-DD', 'YYYY/M/D', 'YYYY-M-D' or 'YYYYMMDD' of a real calendar day → ISO; anything else → None."""
    m = _DATE_SPELLINGS.fullmatch(text)
    if not m:
        return None
    y, mo, d = (int(m[i] or m[i + 3]) for i in (1, 2, 3))
    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def parse_ints(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    s = clean_number_text(s)
    empty = s == ""
    ok = s.str.fullmatch(r"\d{1,9}")
    bad = ~ok & ~empty
    return pd.to_numeric(s.where(ok), errors="coerce").astype("Int64"), bad, empty


def code_length_ok(s: pd.Series, digits: tuple[int, ...]) -> pd.Series:
    if s.dtype == "str" and not s.empty:  # in pyarrow directly: this runs on every code column of every file
        arr = pa.array(s, from_pandas=True)
        ok = pc.match_substring_regex(arr, r"^\d+$")
        if digits:
            ok = pc.and_(ok, pc.is_in(pc.utf8_length(arr), value_set=pa.array(digits, pa.int32())))
        ok = pc.fill_null(pc.or_(ok, pc.equal(arr, "")), False)
        return pd.Series(ok.to_numpy(zero_copy_only=False), index=s.index)
    ok = s.str.fullmatch(r"\d+")
    if digits:
        ok &= s.str.len().isin(digits)
    return ok | (s == "")


def to_numpy_bool(mask: pd.Series) -> np.ndarray:
    return mask.fillna(False).to_numpy(dtype=bool)
