"""Shared fixtures: a real, migrated store, and every test that asks for one runs on both databases.

`store` (an Engine) and `store_url` are parametrized over the backends: the embedded SQLite file and
PostgreSQL (the server at 127.0.0.1:5432, database `test`, trust auth, which the test command starts).
`BUDGET_TEST_BACKENDS=sqlite` (or `postgresql`) narrows a local run to one backend; CI runs both.

Fresh stores must be cheap, since most tests get one: SQLite copies a migrated template file; PostgreSQL
migrates one schema per session (a migration costs ~1.5 s) and empties it before each test (every table
deleted, the template's seeded rows put back, sequences set back) in a few tens of milliseconds. A test that
needs more stores beside that one (a faulted store and its reference) asks `new_store_url()` for another
empty store on the same backend.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from warehouse import db

PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = tuple(os.environ.get("BUDGET_TEST_BACKENDS", "sqlite,postgresql").split(","))


def pytest_collection_modifyitems(items):
    """Modules marked `long(minutes)` run first, longest first: the test workers take whole modules in the order
    collected (scripts/test.sh: --no-loadscope-reorder), so the long ones start at once on different workers
    instead of one of them ending the run alone."""
    def minutes(item) -> float:
        mark = item.get_closest_marker("long")
        return mark.args[0] if mark else 0

    items.sort(key=lambda item: -minutes(item))  # a stable sort: otherwise as collected


@pytest.fixture(autouse=True)
def _quarantine_in_tmp(tmp_path_factory, monkeypatch):
    """Refused files go to a temporary quarantine, never into the repository's data/quarantine."""
    if "BUDGET_QUARANTINE" not in os.environ:
        monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path_factory.mktemp("quarantine")))


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "store.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(tmp_path, _sqlite_template):
    path = tmp_path / "store.db"
    shutil.copy(_sqlite_template, path)
    return f"sqlite:///{path}"


# The test sessions' commits do not wait for the server's disk: what a commit makes visible and atomic is the same,
# only a crash of the server itself, which no test causes, could lose the last ones. A quarter of a PostgreSQL
# ingest's time here.
_NO_DISK_WAIT = "-csynchronous_commit%3Doff"


def _schema_url(schema: str) -> str:
    """A store in its own schema."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}%20{_NO_DISK_WAIT}"


def _schema_of(url: str) -> str:
    return re.search(r"search_path%3D(\w+)", url).group(1)


class _PgSchemas:
    """Migrated schemas on the test server: one reused (emptied per test) and any made for a single test."""

    def __init__(self):
        self.admin = db.make_engine(f"{PG_URL}?options={_NO_DISK_WAIT}")
        self.made: list[str] = []
        self.shared: str | None = None
        self.template: dict = {}  # the just-migrated shared schema's copy (its seeded rows)

    def new(self) -> str:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        self.made.append(schema)
        db.open_store(_schema_url(schema))
        return schema

    def copy(self, schema: str, name: str) -> dict:
        """What a schema holds now (the rows of every table that has any, the sequences' positions), kept in a
        schema beside it, to be put back into any schema of the same migration."""
        copy = f"{schema}_{name}"
        with self.admin.begin() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = :s "
                                       "AND tablename <> 'alembic_version' ORDER BY 1"), {"s": schema}).scalars().all()
            seqs = conn.execute(text("SELECT sequencename, COALESCE(last_value, start_value), last_value IS NOT NULL "
                                     "FROM pg_sequences WHERE schemaname = :s"), {"s": schema}).all()
            conn.execute(text(f'CREATE SCHEMA "{copy}"'))
            filled = []
            for t in tables:
                if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{schema}"."{t}")')).scalar():
                    conn.execute(text(f'CREATE TABLE "{copy}"."{t}" AS SELECT * FROM "{schema}"."{t}"'))
                    filled.append(t)
        self.made.append(copy)
        return {"schema": copy, "tables": tables, "filled": filled, "seqs": seqs}

    def put_back(self, schema: str, copy: dict) -> None:
        with self.admin.begin() as conn:
            conn.execute(text("SET LOCAL lock_timeout = '5s'"))
            conn.execute(text("SET LOCAL session_replication_role = replica"))  # no triggers, no FK order
            for table in copy["tables"]:
                conn.execute(text(f'DELETE FROM "{schema}"."{table}"'))
            for table in copy["filled"]:
                conn.execute(text(f'INSERT INTO "{schema}"."{table}" SELECT * FROM "{copy["schema"]}"."{table}"'))
            for seq, value, called in copy["seqs"]:
                conn.execute(text("SELECT setval(:q, :v, :c)"), {"q": f'"{schema}"."{seq}"', "v": value, "c": called})

    def fresh_shared(self) -> str:
        """The reused schema, emptied; a new one if something still holds a lock on it."""
        if self.shared is not None:
            try:
                self.put_back(self.shared, self.template)
                return self.shared
            except OperationalError:
                self.shared = None
        self.shared = self.new()
        self.template = self.copy(self.shared, "tpl")
        return self.shared

    def drop_all(self) -> None:
        with self.admin.begin() as conn:
            for schema in self.made:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def _pg_schemas():
    schemas = _PgSchemas()
    yield schemas
    schemas.drop_all()


@pytest.fixture
def pg_url(_pg_schemas):
    """An empty, migrated PostgreSQL store (the session's reused schema)."""
    return _schema_url(_pg_schemas.fresh_shared())


@pytest.fixture(params=BACKENDS)
def store_url(request):
    """The URL of an empty migrated store, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def store(store_url):
    """A migrated store: the test runs on the embedded SQLite store and on PostgreSQL."""
    engine = db.open_store(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def new_store_url(store_url, tmp_path, _sqlite_template, _pg_schemas):
    """A factory of further empty stores on the backend of `store_url`."""
    def make() -> str:
        if store_url.startswith("sqlite"):
            path = tmp_path / f"store-{uuid.uuid4().hex[:8]}.db"
            shutil.copy(_sqlite_template, path)
            return f"sqlite:///{path}"
        return _schema_url(_pg_schemas.new())
    return make


@pytest.fixture
def store_any(store):
    """Older name of `store` (both backends)."""
    return store


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_url(request, tmp_path_factory, _sqlite_template, _pg_schemas):
    """A store of its own for a module whose tests only read what its fixture built, on each backend."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module") / "store.db"
        shutil.copy(_sqlite_template, path)
        return f"sqlite:///{path}"
    return _schema_url(_pg_schemas.new())


@pytest.fixture(scope="session")
def built_once(tmp_path_factory, _pg_schemas):
    """`built_once(store_url, name, build)`: the store as `build()` leaves it, built only the first time a worker
    asks for `name` on that backend and copied into the test's empty store after that — for modules whose tests
    each need the same costly store (a demo city ingested and refreshed: tens of seconds; a copy: under one)."""
    copies: dict[tuple[bool, str], object] = {}  # (on SQLite?, name) → the copy's file or schema

    def fill(store_url: str, name: str, build) -> None:
        sqlite = store_url.startswith("sqlite")
        key = (sqlite, name)
        if sqlite:
            path = store_url.removeprefix("sqlite:///")
            if key in copies:
                _sqlite_copy(copies[key], path)
            else:
                build()
                copies[key] = tmp_path_factory.mktemp("built") / f"{name}.db"
                _sqlite_copy(path, copies[key])
        else:
            schema = _schema_of(store_url)
            if key in copies:
                _pg_schemas.put_back(schema, copies[key])
            else:
                build()
                copies[key] = _pg_schemas.copy(schema, name)

    return fill


def _sqlite_copy(source, target) -> None:
    """A whole SQLite store into another file, open connections or not (the backup API takes its locks)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
