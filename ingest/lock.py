"""One ingest at a time per store: a file lock beside an SQLite store, an advisory lock on PostgreSQL.

Both are released by the operating system or the server when the holder dies, so a killed ingest never
leaves a stale lock behind.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, text

from warehouse.db import StoreError

_PG_LOCK_KEY = 421_900_001


class LockHeld(StoreError):
    pass


_HELD = "另一个导入任务正在使用该数据库，请稍后再试 / another ingest is running on this store"


@contextmanager
def ingest_lock(engine: Engine):
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database).with_suffix(".ingest.lock")
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise LockHeld(_HELD) from None
        try:
            yield
        finally:
            lock.release()
        return
    with engine.connect() as conn:
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_LOCK_KEY}).scalar():
            raise LockHeld(_HELD)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK_KEY})
            conn.commit()
