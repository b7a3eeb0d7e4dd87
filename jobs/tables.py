"""The job table, on the warehouse's one metadata (Alembic revision 0009).

A job is queued → running → done | failed. A running job is leased: `lease_owner` holds it until
`lease_expires_at`, and the owner's heartbeat pushes the expiry forward while it works. A lease that runs out
means its process died (kill -9, OOM, a restarted server), so the job is queued again; the jobs are written to
be idempotent, so running one again finishes it as an uninterrupted run would have. Times are UTC.
"""
from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text

from warehouse.schema import metadata

job = Table(
    "job", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),  # jobs.kinds.KINDS
    Column("params", JSON, nullable=False),
    Column("status", String(8), nullable=False),  # queued / running / done / failed
    Column("progress", JSON),  # {"done": 2, "total": 5, "step": "绘制图表"}
    Column("result", JSON),
    Column("error", Text),  # why it failed, for the person who asked
    Column("attempts", Integer, nullable=False),  # claims so far (a lease lost to a dead process counts)
    Column("lease_owner", String(96)),
    Column("lease_expires_at", DateTime),
    Column("requested_by", String(64)),
    Column("created_at", DateTime, nullable=False),
    Column("started_at", DateTime),
    Column("heartbeat_at", DateTime),
    Column("finished_at", DateTime),
    Index("ix_job_status", "status", "id"),
)
