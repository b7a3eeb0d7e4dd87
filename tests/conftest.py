"""Shared fixtures: a real, migrated store on SQLite and, for `store_any`, on PostgreSQL too.

PostgreSQL is the server at 127.0.0.1:5432 (database `test`, trust auth) that the test command starts; each
test gets its own schema there, so tests never see each other's rows.
"""
from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import text

from warehouse import db

PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


@pytest.fixture
def pg_url():
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = db.make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def store(sqlite_url):
    """A migrated SQLite store (the embedded default)."""
    engine = db.open_store(sqlite_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_any(request):
    """The same test on the embedded SQLite store and on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    engine = db.open_store(url)
    yield engine
    engine.dispose()
