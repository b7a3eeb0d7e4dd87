"""The kinds of job a runner knows, each a handler named by import path so that a runner imports heavy
machinery (a browser for charts, the alert engine) only when it runs such a job.

A handler is `fn(engine, params: dict, progress) -> dict` (the result kept on the job), where
`progress(done, total, step)` reports how far it got. Handlers must be idempotent: a job whose process died is
run again from the start, and the second run must leave what an uninterrupted run would have left.
"""
from __future__ import annotations

import datetime as dt
import importlib
from typing import Callable

Progress = Callable[[int, int, str], None]
Handler = Callable[[object, dict, Progress], dict]

BRIEFING, REFRESH = "briefing", "refresh"
KINDS: dict[str, str] = {
    BRIEFING: "briefing.jobs:run",  # the quarterly briefing (docx + pdf written under temporary names, then renamed)
    REFRESH: "jobs.kinds:refresh",  # a backfill: indicator snapshots and/or alert re-evaluation for a date range
}
LABELS = {BRIEFING: "季度简报", REFRESH: "补算指标与预警"}


class JobError(Exception):
    """A job that cannot be done as asked; the message is for the person who asked, in Chinese."""


def resolve(path: str) -> Handler:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def refresh(engine, params: dict, progress: Progress) -> dict:
    """params {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD", "only": "indicators" | "alerts" | null}."""
    from pipeline import refresh_range

    start, end = dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"])
    if end < start:
        raise JobError(f"截止日期 {end} 早于起始日期 {start}")
    done = refresh_range(engine, start, end, params.get("only"), progress=progress)
    return {"stages": done}
