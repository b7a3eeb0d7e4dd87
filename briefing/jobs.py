"""Generation off the request thread: a dashboard click starts a background thread and polls its progress.

Progress lives in a small JSON file per job in the briefing folder's `.jobs/`, written atomically, so every
worker process of the server (gunicorn runs several) can report on a job another one started.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from pathlib import Path

from briefing.quarter import BriefingError
from briefing.write import STEPS, write_briefing

RUNNING, DONE, FAILED = "running", "done", "failed"
log = logging.getLogger(__name__)


def _status_path(out_dir: Path | str, job_id: str) -> Path:
    return Path(out_dir) / ".jobs" / f"{job_id}.json"


def _save(out_dir, job_id: str, **status) -> None:
    path = _status_path(out_dir, job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(f".{os.getpid()}.tmp")
    temp.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, path)


def status(out_dir: Path | str, job_id: str) -> dict | None:
    """{state, done, total, step, message, files}; None for an unknown job."""
    try:
        return json.loads(_status_path(out_dir, job_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def start(engine, quarter: str, region: str | None, out_dir: Path | str) -> str:
    """Start writing a briefing in a background thread; returns the job id to poll with `status`."""
    job_id = uuid.uuid4().hex
    total = len(STEPS)
    _save(out_dir, job_id, state=RUNNING, done=0, total=total, step="排队", message="", files=[])

    def progress(done: int, step: str) -> None:
        _save(out_dir, job_id, state=RUNNING, done=done, total=total, step=step, message="", files=[])

    def run() -> None:
        try:
            paths = write_briefing(engine, quarter, region, out_dir, progress=progress)
        except BriefingError as exc:
            _save(out_dir, job_id, state=FAILED, done=0, total=total, step="", message=str(exc), files=[])
        except Exception as exc:  # the user sees why the job stopped; the log keeps the trace
            log.exception("briefing job %s failed", job_id)
            _save(out_dir, job_id, state=FAILED, done=0, total=total, step="",
                  message=f"生成失败：{exc}", files=[])
        else:
            _save(out_dir, job_id, state=DONE, done=total, total=total, step="完成", message="",
                  files=[p.name for p in paths])

    threading.Thread(target=run, name=f"briefing-{job_id[:8]}", daemon=True).start()
    return job_id
