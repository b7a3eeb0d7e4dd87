"""The locks that keep one store's pipeline in order.

- `ingest_lock`: one ingest at a time per store; a second one is refused at once with a clear message.
- `work_lock`: loading rows and recomputing what depends on them (indicator snapshots, alerts) never overlap.
  A refresh that read the rows before a redelivery committed would otherwise write figures from replaced rows
  over the ones the redelivery's own refresh wrote, and on SQLite the two writers would make each other fail
  with "database is locked". Whoever comes second waits (up to BUDGET_LOCK_WAIT seconds, default an hour).

SQLite: a file lock beside the store file. PostgreSQL: a session advisory lock keyed by the lock and the
store's schema, so stores in different schemas of one database do not block each other. Both are released by
the operating system or the server when the holder dies, so a killed process never leaves a stale lock
behind. A thread that holds the work lock may take it again; a second ingest is refused even from the thread
of the first.
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from warehouse.db import StoreError

_PG_KEYS = {"ingest": 421_900_001, "work": 421_900_002}
_POLL_S = 0.2


class LockHeld(StoreError):
    pass


_HELD = "另一个导入任务正在使用该数据库，请稍后再试 / another ingest is running on this store"
_BUSY = ("另一个导入或指标/预警刷新任务已运行超过 {s} 秒仍未结束，请稍后再试（等待时间由 BUDGET_LOCK_WAIT 设置）"
         " / another load or refresh is still running on this store")

_mine = threading.local()


def lock_wait_s() -> float:
    return float(os.environ.get("BUDGET_LOCK_WAIT", "3600"))


@contextmanager
def ingest_lock(engine: Engine):
    """Refuse at once if another ingest holds the store."""
    with _lock(engine, "ingest", 0, _HELD, reentrant=False):
        yield


@contextmanager
def work_lock(engine: Engine, wait_s: float | None = None):
    """Wait for a running load or refresh of the store to finish, then hold the store for ours."""
    wait_s = lock_wait_s() if wait_s is None else wait_s
    with _lock(engine, "work", wait_s, _BUSY.format(s=int(wait_s)), reentrant=True):
        yield


@contextmanager
def _lock(engine: Engine, name: str, wait_s: float, message: str, reentrant: bool):
    held = _mine.__dict__.setdefault("held", {})
    key = (engine.url.render_as_string(hide_password=False), name)
    if reentrant and held.get(key):
        held[key] += 1
        try:
            yield
        finally:
            held[key] -= 1
        return
    take = _file_lock if engine.dialect.name == "sqlite" else _advisory_lock
    with take(engine, name, wait_s, message):
        held[key] = 1
        try:
            yield
        finally:
            del held[key]


@contextmanager
def _file_lock(engine: Engine, name: str, wait_s: float, message: str):
    lock = FileLock(str(Path(engine.url.database).with_suffix(f".{name}.lock")))
    try:
        lock.acquire(timeout=wait_s, poll_interval=_POLL_S)
    except Timeout:
        raise LockHeld(message) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _advisory_lock(engine: Engine, name: str, wait_s: float, message: str):
    args = {"k": _PG_KEYS[name]}
    deadline = time.monotonic() + wait_s
    with engine.connect() as conn:
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k, hashtext(current_schema()))"), args).scalar():
            conn.rollback()
            if time.monotonic() >= deadline:
                raise LockHeld(message)
            time.sleep(_POLL_S)
        conn.commit()  # the lock belongs to the session: no transaction stays open while it is held
        try:
            yield
        finally:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k, hashtext(current_schema()))"), args)
                conn.commit()
            except DBAPIError:
                pass  # the session is gone (server restarted, connection killed), and the lock went with it
