"""The briefing as a background job: the dashboard's 生成 click queues it, a job runner writes it, and the page
polls its progress from the job table — so any worker process can answer the poll, and a worker restarted
mid-briefing does not lose it (the job is run again; write_briefing renames its files into place only when
both are complete, so a second run leaves what one run would have).
"""
from __future__ import annotations

import warnings
from pathlib import Path

from auth import scope as access
from briefing.quarter import BriefingError
from indicators.scope import Regions
from briefing.write import STEPS, write_briefing
from jobs import queue
from jobs.kinds import BRIEFING, JobError

QUEUED, RUNNING, DONE, FAILED = queue.QUEUED, queue.RUNNING, queue.DONE, queue.FAILED


def enqueue(engine, quarter: str, region: str | None, out_dir: Path | str, requested_by: str | None = None) -> int:
    """Queue the briefing of `quarter` for `region` into `out_dir`; the job id to poll with `status`. The region
    is checked here against the principal asking (auth.scope: another's is RegionDenied, none means theirs),
    since the runner writes the job's briefing as the system, whoever asked."""
    with engine.connect() as conn:
        region = access.resolve_region(Regions.load(conn), region)
    params = {"quarter": quarter, "region": region, "out_dir": str(out_dir)}
    return queue.enqueue(engine, BRIEFING, params, requested_by)


def run(engine, params: dict, progress) -> dict:
    """The job's handler: {"files": [names written], "warnings": [e.g. a font fallback]}."""
    total = len(STEPS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            paths = write_briefing(engine, params["quarter"], params["region"], params["out_dir"],
                                   progress=lambda done, step: progress(done, total, step))
        except BriefingError as exc:
            raise JobError(str(exc)) from exc
    return {"files": [p.name for p in paths], "warnings": sorted({str(w.message) for w in caught})}


def status(engine, job_id: int) -> dict | None:
    """{state, done, total, step, message, files, attempts, stalled} of a briefing job; None for an unknown id."""
    row = queue.get(engine, job_id)
    if row is None or row["kind"] != BRIEFING:
        return None
    progress = row["progress"] or {}
    result = row["result"] or {}
    return {"state": row["status"], "done": progress.get("done", 0), "total": progress.get("total", len(STEPS)),
            "step": progress.get("step", ""), "message": row["error"] or "", "files": result.get("files", []),
            "warnings": result.get("warnings", []), "attempts": row["attempts"], "stalled": queue.stalled(row)}
