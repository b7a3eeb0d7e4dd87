"""The view a page shows — as-of date and region — read from and written to the URL query string.

The URL is the only place the view lives, so a link sent to a colleague reopens exactly the same view.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import parse_qsl, urlencode

DATE = "date"
REGION = "region"
_REGION_CODE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class View:
    as_of: dt.date | None = None
    region: str | None = None


def parse_view(query: Mapping[str, object]) -> View:
    """Tolerant: a malformed date or region in a hand-edited link means 'not chosen', never an error page."""
    raw_date, raw_region = query.get(DATE), query.get(REGION)
    try:
        as_of = dt.date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        as_of = None
    region = raw_region if isinstance(raw_region, str) and _REGION_CODE.fullmatch(raw_region) else None
    return View(as_of, region)


def view_params(view: View) -> dict[str, str]:
    params = {}
    if view.as_of:
        params[DATE] = view.as_of.isoformat()
    if view.region:
        params[REGION] = view.region
    return params


def parse_search(search: str | None) -> dict[str, str]:
    """'?a=1&b=2' → {'a': '1', 'b': '2'} (the last value wins for a repeated key)."""
    return dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=False))


def to_search(params: Mapping[str, object]) -> str:
    """{'a': '1', 'b': None} → '?a=1' (empty values are dropped; '' when nothing is left)."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def merge_search(search: str | None, **changes: object) -> str:
    """The query string with `changes` applied; a change to None or '' removes that key."""
    return to_search({**parse_search(search), **changes})


# Page filters: each page reads its own parameters from the same query string, as tolerantly as the view.
_TOKEN = re.compile(r"[0-9A-Za-z_.\-]{1,64}")


def token(value: object, pattern: re.Pattern = _TOKEN) -> str | None:
    """A code-like parameter (unit code, quota id, bond code …) or None when absent or malformed."""
    return value if isinstance(value, str) and pattern.fullmatch(value) else None


def digits(value: object, lengths: tuple[int, ...]) -> str | None:
    """A numeric code of one of the given lengths (功能科目 7, 经济科目 5 …) or None."""
    return value if isinstance(value, str) and value.isdigit() and len(value) in lengths else None


def choice(value: object, allowed) -> str | None:
    """One of a fixed set of values (a fund type, a severity …) or None."""
    return value if isinstance(value, str) and value in allowed else None
