"""The queue's operations on the job table: enqueue, claim, heartbeat, finish, fail, release, and re-queue the
jobs whose lease ran out.

Claiming is one statement, so two runners never get the same job: on PostgreSQL the candidate row is locked
with FOR UPDATE SKIP LOCKED (a second runner skips it and takes the next); on SQLite the UPDATE … WHERE id =
(SELECT …) runs under the database's single write lock. Every change a runner makes to a job it holds is
conditional on still holding the lease, so a runner that lost its job (it stalled past the expiry and another
took over) cannot overwrite the other's outcome.

Idle polling only reads: the UPDATE runs only when a read saw something to do, so an idle runner never waits
for, or holds, SQLite's write lock while an ingest is writing.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, select, update

from jobs.tables import job
from warehouse.db import writing

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)
LEASE = dt.timedelta(seconds=120)
MAX_ATTEMPTS = 3  # claims before a job whose process keeps dying is given up


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def enqueue(engine, kind: str, params: dict, requested_by: str | None = None, *, reuse: bool = True) -> int:
    """Queue a job; with `reuse`, the id of an equal job (same kind and params) still queued or running instead,
    so a second click or a second user asking for the same briefing waits for the one already under way."""
    with writing(engine).begin() as conn:
        if reuse:
            active = conn.execute(select(job.c.id, job.c.params).where(job.c.kind == kind, job.c.status.in_(ACTIVE))
                                  .order_by(job.c.id)).all()
            same = next((row.id for row in active if row.params == params), None)
            if same is not None:
                return same
        return conn.execute(job.insert().values(kind=kind, params=params, status=QUEUED, attempts=0,
                                                requested_by=requested_by, created_at=utcnow())
                            .returning(job.c.id)).scalar_one()


def get(engine, job_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(job).where(job.c.id == job_id)).mappings().first()
    return dict(row) if row else None


def recent(engine, limit: int = 20) -> list[dict]:
    """The newest jobs first."""
    with engine.connect() as conn:
        rows = conn.execute(select(job).order_by(job.c.id.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]


def stalled(row: dict, at: dt.datetime | None = None) -> bool:
    """A running job whose holder stopped renewing its lease (its process is gone or hung)."""
    expires = row["lease_expires_at"]
    return row["status"] == RUNNING and expires is not None and expires < (at or utcnow())


def reap(engine, at: dt.datetime | None = None) -> int:
    """Re-queue the running jobs whose lease ran out (a job already claimed MAX_ATTEMPTS times fails instead);
    returns how many jobs changed."""
    at = at or utcnow()
    expired = and_(job.c.status == RUNNING, job.c.lease_expires_at < at)
    with engine.connect() as conn:
        if conn.execute(select(job.c.id).where(expired).limit(1)).first() is None:
            return 0
    released = dict(lease_owner=None, lease_expires_at=None)
    with engine.begin() as conn:
        failed = conn.execute(update(job).where(expired, job.c.attempts >= MAX_ATTEMPTS).values(
            status=FAILED, finished_at=at, error=f"执行进程已中断 {MAX_ATTEMPTS} 次，任务放弃 / the job's process died "
                                                 f"{MAX_ATTEMPTS} times", **released)).rowcount
        requeued = conn.execute(update(job).where(expired).values(status=QUEUED, **released)).rowcount
    return failed + requeued


def claim(engine, owner: str, kinds, lease: dt.timedelta = LEASE) -> dict | None:
    """Take the oldest queued job of one of `kinds` for `owner` (after re-queueing expired leases); None when
    there is none. Exactly one of several concurrent callers gets a given job."""
    kinds = list(kinds)
    reap(engine)
    waiting = and_(job.c.status == QUEUED, job.c.kind.in_(kinds))
    with engine.connect() as conn:
        if conn.execute(select(job.c.id).where(waiting).limit(1)).first() is None:
            return None
    candidate = job.alias("candidate")
    pick = (select(candidate.c.id).where(candidate.c.status == QUEUED, candidate.c.kind.in_(kinds))
            .order_by(candidate.c.id).limit(1))
    if engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    at = utcnow()
    stmt = (update(job).where(job.c.id == pick.scalar_subquery(), job.c.status == QUEUED)
            .values(status=RUNNING, lease_owner=owner, lease_expires_at=at + lease, attempts=job.c.attempts + 1,
                    started_at=at, heartbeat_at=at, error=None)
            .returning(*job.c))
    with engine.begin() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def _held(job_id: int, owner: str):
    return and_(job.c.id == job_id, job.c.status == RUNNING, job.c.lease_owner == owner)


def _change(engine, job_id: int, owner: str, **values) -> bool:
    with engine.begin() as conn:
        return conn.execute(update(job).where(_held(job_id, owner)).values(**values)).rowcount == 1


def heartbeat(engine, job_id: int, owner: str, lease: dt.timedelta = LEASE, progress: dict | None = None) -> bool:
    """Extend the lease (and record progress); False when the lease is no longer `owner`'s."""
    at = utcnow()
    values = dict(lease_expires_at=at + lease, heartbeat_at=at)
    if progress is not None:
        values["progress"] = progress
    return _change(engine, job_id, owner, **values)


def finish(engine, job_id: int, owner: str, result: dict | None) -> bool:
    return _change(engine, job_id, owner, status=DONE, result=result, finished_at=utcnow(), lease_owner=None,
                   lease_expires_at=None)


def fail(engine, job_id: int, owner: str, error: str) -> bool:
    return _change(engine, job_id, owner, status=FAILED, error=error, finished_at=utcnow(), lease_owner=None,
                   lease_expires_at=None)


def release(engine, job_id: int, owner: str) -> bool:
    """Give a job back to the queue (its runner is shutting down); the interrupted claim does not count."""
    return _change(engine, job_id, owner, status=QUEUED, attempts=job.c.attempts - 1, lease_owner=None,
                   lease_expires_at=None)
