"""Restated reports (INC_BGT, DEBT_LIMIT, FIN_CAP, ASSET, AUDIT, PROJ): the rows in force as of D.

A figure as of D uses, for each key, the row of the latest delivery with business_date ≤ D — never a
restatement delivered after D. Ties inside one business date go to the later loaded row.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select


def latest(table, key: tuple[str, ...], day: dt.date, *where, first=()):
    """Subquery of `table`'s rows in force as of `day` per `key` (all columns of the table); `first` = columns
    ranked before the delivery date (e.g. PROJ's report_date: the latest report, then its latest delivery)."""
    order = [*(c.desc() for c in first), table.c.business_date.desc(), table.c.id.desc()]
    rank = func.row_number().over(partition_by=[table.c[k] for k in key], order_by=order).label("rank_")
    ranked = select(*table.c, rank).where(table.c.business_date <= day, *where).subquery()
    return select(*[ranked.c[c.name] for c in table.c]).where(ranked.c.rank_ == 1).subquery()
