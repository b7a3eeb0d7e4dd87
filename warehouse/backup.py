"""`backup` and `restore`: a consistent copy of the store, and back.

Embedded SQLite: SQLite's online backup API copies the file page by page inside one read transaction, so the
copy is consistent while the dashboard and an ingest keep working (WAL lets the writer go on). The copy is
written under a temporary name, checked, and renamed into place.

Restore never touches the store until the backup has proved sound: the file is checked (format, every page,
the schema revision is one this program knows), copied to a temporary file beside the store and checked again.
Then, for a healthy store, the backup API copies it *into* the live file in one write transaction — atomic
(a failure rolls back to the store as it was) and safe while other processes have the file open; for a store
that is damaged or missing, the temporary file is renamed over it (with the damaged file's stale WAL removed).
An older backup is migrated to the current schema right after.

PostgreSQL: pg_dump / pg_restore in the custom format — see warehouse.pg_backup.
"""
from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from pathlib import Path

from warehouse.db import StoreError, alembic_config, make_engine, migrate, resolve_url, sqlite_path
from warehouse.health import MAGIC, CorruptStoreError, check_header, check_pages

PG_MAGIC = b"PGDMP"


class BackupError(StoreError):
    """A backup or restore refused or failed; the message is for the person at the terminal."""


def known_revisions() -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return {r.revision for r in script.walk_revisions()}, script.get_current_head()


def check_revision(revision: str | None, source: Path | str) -> str:
    """The backup's schema revision, refused when missing (not this system's store) or newer than this program."""
    known, head = known_revisions()
    if revision is None:
        raise BackupError(f"{source} 不是本系统的数据库备份（没有数据库结构版本）/ not a backup of this system's store")
    if revision not in known:
        raise BackupError(f"{source} 的数据库结构版本 {revision} 不是本程序已知的版本（本程序最新为 {head}），"
                          f"可能来自更新的程序版本，请先升级程序 / unknown schema revision {revision}")
    return revision


def file_kind(path: Path) -> str:
    """'sqlite' | 'pg' | 'unknown', from the file's first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head == MAGIC:
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "pg"
    return "unknown"


def default_backup_path(url: str, now: dt.datetime | None = None) -> Path:
    """data/backups/budget-20261121-0730.db (or <database>-….dump) beside the embedded store."""
    from sqlalchemy.engine import make_url

    from warehouse.db import DATA_DIR

    stamp = f"{now or dt.datetime.now():%Y%m%d-%H%M%S}"
    path = sqlite_path(url)
    if path is not None:
        return path.parent / "backups" / f"{path.stem}-{stamp}.db"
    return DATA_DIR / "backups" / f"{make_url(resolve_url(url)).database}-{stamp}.dump"


def temp_beside(path: Path, label: str) -> Path:
    """A hidden temporary name in the same folder (same file system: the final rename is atomic)."""
    return path.with_name(f".{path.name}.{label}-{uuid.uuid4().hex[:8]}.tmp")


def backup(url: str | None, out: Path | None = None) -> Path:
    """Write a backup to `out` (a folder: a timestamped file in it; None: data/backups/); returns its path."""
    url = resolve_url(url)
    out = Path(out) if out else default_backup_path(url)
    if out.is_dir():
        out = out / default_backup_path(url).name
    out.parent.mkdir(parents=True, exist_ok=True)
    if sqlite_path(url) is None:
        from warehouse.pg_backup import pg_backup

        return pg_backup(url, out)
    return _sqlite_backup(sqlite_path(url), out)


def restore(url: str | None, source: Path) -> str:
    """Replace the store's contents by the backup `source`; returns the backup's schema revision."""
    url = resolve_url(url)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source} / no such backup file")
    kind = file_kind(source)
    target = sqlite_path(url)
    wanted = "sqlite" if target is not None else "pg"
    if kind == "unknown":
        raise BackupError(f"{source} 不是数据库备份文件（既非 SQLite 数据库，也非 pg_dump 自定义格式）/ not a backup file")
    if kind != wanted:
        names = {"sqlite": "内嵌 SQLite", "pg": "PostgreSQL（pg_dump）"}
        raise BackupError(f"{source} 是{names[kind]}备份，当前数据库是{names[wanted]}，不能直接恢复 / "
                          f"a {kind} backup cannot be restored into a {wanted} store")
    if target is None:
        from warehouse.pg_backup import pg_restore

        revision = pg_restore(url, source)
    else:
        revision = _sqlite_restore(target, source)
    engine = make_engine(url)  # a fresh engine: an older backup is brought to the current schema now
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return revision


# SQLite ---------------------------------------------------------------------------------------------------------
def _copy(source: Path, target: Path) -> None:
    """The online backup API, in one step: one consistent snapshot of `source` written into `target` in one
    write transaction (other connections to either file may stay open)."""
    src = sqlite3.connect(source)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        dst = sqlite3.connect(target)
        try:
            dst.execute("PRAGMA busy_timeout=30000")
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def sqlite_revision(path: Path) -> str | None:
    conn = sqlite3.connect(path)
    try:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'").fetchone():
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def verify_sqlite(path: Path, label: Path | str | None = None) -> str:
    """Every page sound and a schema revision this program knows; the revision."""
    try:
        check_pages(path)
    except CorruptStoreError as exc:
        raise BackupError(f"备份文件 {label or path} 已损坏（{exc.reason}），不能使用 / the backup file is damaged") from exc
    return check_revision(sqlite_revision(path), label or path)


def _sqlite_backup(store: Path, out: Path) -> Path:
    if not store.exists():
        raise BackupError(f"数据库文件不存在：{store} / no store file to back up")
    check_pages(store)  # a copy of a damaged store would only hide the damage
    temp = temp_beside(out, "backup")
    try:
        _copy(store, temp)
        conn = sqlite3.connect(temp)
        conn.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        conn.close()
        verify_sqlite(temp, out)
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return out


def _healthy(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        check_pages(path)
    except CorruptStoreError:
        return False
    return True


def _sqlite_restore(target: Path, source: Path) -> str:
    verify_sqlite(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_beside(target, "restore")
    try:
        _copy(source, temp)
        revision = verify_sqlite(temp, source)
        if _healthy(target):
            _copy(temp, target)  # atomic: one write transaction into the live file
        else:
            for stale in (Path(f"{target}-wal"), Path(f"{target}-shm")):  # the damaged file's, never to be replayed
                stale.unlink(missing_ok=True)
            os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    check_header(target)
    return revision
