"""The rows behind a figure, as lists: indicators.explain pages walked by key to the end (or a limit).

A page that lists "the audit issues" or "the reporting entities" lists exactly the rows its figure is summed
from, because explain() is the one place that says which rows those are.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from indicators.explain import explain

PAGE = 1000
LIMIT = 20_000


def rows_behind(engine: Engine, indicator: str, scope: dict, day: dt.date,
                limit: int = LIMIT) -> tuple[list[dict], bool]:
    """(the rows of the figure's single summed part, whether more were left out beyond `limit`)."""
    rows, after, part = [], None, indicator.rpartition(".")[2]
    while True:
        page = explain(engine, indicator, scope, day, page_size=min(PAGE, limit - len(rows)), after=after, part=part)
        rows += page["rows"]
        after = page["next_after"]
        if after is None:
            return rows, False
        if len(rows) >= limit:
            return rows, True
