"""The job runner: claims a job, runs its handler while a heartbeat keeps the lease, records the outcome.

One runner runs one job at a time; run as many runners as there are jobs to do at once (each `worker` process,
the `schedule` process and each dashboard worker run one). A runner stopped politely (Ctrl+C, SIGTERM) gives its
job back to the queue; a runner killed outright loses its lease when it expires, and another runner takes the
job up again from the start.
"""
from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import socket
import threading
import uuid

from sqlalchemy.exc import DBAPIError

from jobs import queue
from jobs.kinds import KINDS, JobError, resolve

POLL_S = 2.0
SERVE_ENV = "BUDGET_SERVE_JOBS"  # "0": the dashboard's workers leave jobs to a `worker` service
log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    """The error kept on a failed job: a JobError's own words, else the exception's type and first line."""
    if isinstance(exc, JobError):
        return str(exc)
    lines = str(exc).strip().splitlines()
    return f"执行出错（{type(exc).__name__}）：{lines[0] if lines else ''}"


class Runner:
    def __init__(self, engine, kinds: dict[str, str] | None = None, *, lease: dt.timedelta = queue.LEASE,
                 poll: float = POLL_S, owner: str | None = None):
        self.engine, self.kinds, self.lease, self.poll = engine, dict(kinds or KINDS), lease, poll
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.stopping = threading.Event()
        self.current: int | None = None

    def run_one(self) -> dict | None:
        """Claim and run one job; the job as it ended, or None when nothing was queued."""
        row = queue.claim(self.engine, self.owner, self.kinds, self.lease)
        if row is None:
            return None
        self.current = row["id"]
        log.info("job %s (%s) started by %s, attempt %s", row["id"], row["kind"], self.owner, row["attempts"])
        try:
            self._execute(row)
        except BaseException:  # interrupted (SystemExit from SIGTERM, Ctrl+C): the job goes back to the queue
            queue.release(self.engine, row["id"], self.owner)
            raise
        finally:
            self.current = None
        ended = queue.get(self.engine, row["id"])
        log.info("job %s (%s): %s %s", row["id"], row["kind"], ended["status"], ended["error"] or "")
        return ended

    def drain(self) -> int:
        """Run jobs until none is queued; how many ran."""
        count = 0
        while not self.stopping.is_set() and self.run_one() is not None:
            count += 1
        return count

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                if self.run_one() is None:
                    self.stopping.wait(self.poll)
            except DBAPIError as exc:  # the store is busy or away for a moment: try again later
                log.warning("job runner %s: %s", self.owner, exc)
                self.stopping.wait(self.poll * 5)

    def stop(self) -> None:
        """Stop taking jobs and give the one under way back to the queue (for a runner on another thread; a
        runner interrupted on its own thread gives its job back itself)."""
        self.stopping.set()
        current = self.current
        if current is not None and queue.release(self.engine, current, self.owner):
            log.info("job %s released by %s", current, self.owner)

    def _execute(self, row: dict) -> None:
        job_id = row["id"]
        beat = _Heartbeat(self, job_id)

        def progress(done: int, total: int, step: str) -> None:
            if not queue.heartbeat(self.engine, job_id, self.owner, self.lease,
                                   progress={"done": done, "total": total, "step": step}):
                beat.lost.set()

        beat.start()
        try:
            result = resolve(self.kinds[row["kind"]])(self.engine, row["params"], progress)
        except Exception as exc:  # noqa: BLE001 — every failure is recorded on the job; the log keeps the trace
            beat.stop()
            if not isinstance(exc, JobError):
                log.exception("job %s (%s) failed", job_id, row["kind"])
            queue.fail(self.engine, job_id, self.owner, describe(exc))
            return
        beat.stop()
        if not queue.finish(self.engine, job_id, self.owner, result):
            log.warning("job %s: lease lost while running; its result is left to the runner that took it over", job_id)


class _Heartbeat(threading.Thread):
    """Renews the lease every third of its length while a handler runs (a handler may be silent for minutes)."""

    def __init__(self, runner: Runner, job_id: int):
        super().__init__(name=f"job-{job_id}-heartbeat", daemon=True)
        self.runner, self.job_id = runner, job_id
        self.done, self.lost = threading.Event(), threading.Event()

    def run(self) -> None:
        r = self.runner
        while not self.done.wait(r.lease.total_seconds() / 3):
            try:
                if not queue.heartbeat(r.engine, self.job_id, r.owner, r.lease):
                    self.lost.set()
                    return
            except DBAPIError as exc:  # busy for a moment: the next beat tries again
                log.warning("job %s heartbeat: %s", self.job_id, exc)

    def stop(self) -> None:
        self.done.set()
        self.join()


def start_background(engine, **options) -> Runner:
    """A runner on a daemon thread of this process (the dashboard's workers, `schedule`); it gives its job back
    when the process exits normally."""
    runner = Runner(engine, **options)
    threading.Thread(target=runner.run_forever, name="job-runner", daemon=True).start()
    atexit.register(runner.stop)
    return runner
