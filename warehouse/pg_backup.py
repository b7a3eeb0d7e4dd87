"""PostgreSQL backup and restore with the server's own tools, pg_dump and pg_restore (custom format).

The store is the schema the URL's connection works in (`current_schema()`: public unless the URL sets a
search_path), so one database can hold several stores and a backup holds exactly one.

pg_dump takes its snapshot in one transaction: the copy is consistent while the app keeps writing.

Restore is all or nothing. First the archive is read in full into a plain SQL script (pg_restore fails on a
damaged or foreign file, before anything is touched) and its schema revision is checked. Then psql runs, in one
transaction: drop the store's schema, create the backup's schema afresh, the script (everything in it), and —
when the backup came from a schema of another name — a rename to the store's. Any error rolls the whole
transaction back, leaving the store as it was. A whole-database pg_dump of a store kept in `public` restores
the same way.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from warehouse.db import first_line, make_engine

TOOLS = ("pg_dump", "pg_restore", "psql")


def _error(message: str):
    from warehouse.backup import BackupError

    return BackupError(message)


def _quote(value) -> str:
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


def conninfo(url: str) -> tuple[str, dict]:
    """A libpq connection string for the command-line tools and the environment holding the password (kept off
    the command line, where `ps` would show it)."""
    u = make_url(url)
    parts = {"host": u.host, "port": u.port, "user": u.username, "dbname": u.database}
    for key, value in u.query.items():  # options (search_path), sslmode …
        parts[key] = value if isinstance(value, str) else value[-1]
    info = " ".join(f"{k}={_quote(v)}" for k, v in parts.items() if v is not None)
    env = {**os.environ}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return info, env


def _run(argv: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    if shutil.which(argv[0]) is None:
        raise _error(f"找不到 {argv[0]}：请安装与服务器同版本的 PostgreSQL 客户端（Debian：apt install postgresql-client）"
                     f" / {argv[0]} not found")
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise _error(f"{what}失败：{first_line(RuntimeError(done.stderr or done.stdout))} / {argv[0]} failed")
    return done


def store_schema(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT current_schema()")).scalar_one()
    finally:
        engine.dispose()


def pg_backup(url: str, out: Path) -> Path:
    from warehouse.backup import temp_beside

    info, env = conninfo(url)
    schema = store_schema(url)
    temp = temp_beside(out, "backup")
    try:
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--schema={schema}",
              f"--file={temp}", f"--dbname={info}"], env, "pg_dump 备份")
        archive_schema(archive_listing(temp, env), out)  # the archive reads back and is a store
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return out


_TABLE = re.compile(r"^\d+; \d+ \d+ TABLE (?P<schema>\S+) alembic_version ", re.M)
_SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ SCHEMA - ")


def archive_listing(path: Path, env: dict) -> str:
    return _run(["pg_restore", "--list", str(path)], env, f"读取备份 {path} ").stdout


def archive_schema(listing: str, path: Path) -> str:
    """The schema a custom-format archive holds a store in (its alembic_version table's)."""
    found = _TABLE.search(listing)
    if found is None:
        raise _error(f"{path} 不是本系统的数据库备份（没有数据库结构版本表）/ not a backup of this system's store")
    return found["schema"]


def without_schema_entries(listing: str) -> str:
    """The archive's table of contents minus CREATE SCHEMA: the restore creates the schema itself, so a dump
    of one schema (which has the entry) and of a whole database (where public has none) restore alike."""
    return "".join(line for line in listing.splitlines(keepends=True) if not _SCHEMA_ENTRY.match(line))


def archive_revision(path: Path, env: dict) -> str | None:
    data = _run(["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(path)], env,
                f"读取备份 {path} ").stdout
    lines = data.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("COPY ") and "alembic_version" in line), None)
    if start is None or start + 1 >= len(lines) or lines[start + 1] == "\\.":
        return None
    return lines[start + 1].strip()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_restore(url: str, source: Path) -> str:
    from warehouse.backup import check_revision, temp_beside

    info, env = conninfo(url)
    listing = archive_listing(source, env)
    source_schema = archive_schema(listing, source)
    revision = check_revision(archive_revision(source, env), source)
    target = store_schema(url)
    if source_schema != target and _schema_exists(url, source_schema):
        raise _error(f"备份来自模式 {source_schema}，该模式在本数据库中另有用途，不能恢复到 {target} / "
                     f"schema {source_schema} of the backup is in use here")
    folder = Path(source).resolve().parent
    if not os.access(folder, os.W_OK):
        folder = Path(os.environ.get("TMPDIR", "/tmp"))
    toc, script = temp_beside(folder / Path(source).name, "toc"), temp_beside(folder / Path(source).name, "sql")
    try:
        toc.write_text(without_schema_entries(listing), encoding="utf-8")
        # Reads every block of the archive: a damaged one fails here, before the store is touched.
        _run(["pg_restore", "--no-owner", "--no-privileges", f"--use-list={toc}", f"--file={script}", str(source)],
             env, f"读取备份 {source} ")
        steps = ["-c", f"DROP SCHEMA IF EXISTS {_ident(target)} CASCADE",
                 "-c", f"CREATE SCHEMA {_ident(source_schema)}", "-f", str(script)]
        if source_schema != target:
            steps += ["-c", f"ALTER SCHEMA {_ident(source_schema)} RENAME TO {_ident(target)}"]
        _run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", f"--dbname={info}",
              *steps], env, "恢复（已整体回滚，数据库未改变）")
    finally:
        toc.unlink(missing_ok=True)
        script.unlink(missing_ok=True)
    return revision


def _schema_exists(url: str, name: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": name}).first() is not None
    finally:
        engine.dispose()
