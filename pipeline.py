"""What follows a T+1 ingest: the stages downstream of the warehouse, refreshed for the dates it touched."""
from __future__ import annotations

from sqlalchemy import Engine


def refresh_after_ingest(engine: Engine, result) -> None:
    """Recompute what depends on the loaded rows from the earliest date they touched to the last date loaded."""
    since = result.earliest_touched
    if since is None:
        return
    until = max(f.business_date for f in result.files)
    for step in _STEPS:
        step(engine, since, until)


_STEPS: list = []
