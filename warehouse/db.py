"""Opening the store: SQLite file under data/ by default, PostgreSQL when DATABASE_URL or --db says so.

Opening migrates the schema to the newest Alembic revision and seeds the shipped classification tables, so
every command works on an empty store.
"""
from __future__ import annotations

import csv
import os
import time
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event, insert, select, func
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_URL = f"sqlite:///{DATA_DIR / 'budget.db'}"


class StoreError(RuntimeError):
    """The store cannot be opened or used; the message is for the person at the terminal."""


def resolve_url(url: str | None = None) -> str:
    url = url or os.environ.get("DATABASE_URL") or DEFAULT_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn, _record):
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions start (see _sqlite_begin), so that DDL
    # and the whole of a file's load are inside one transaction.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # How long a write waits for another process's write lock before "database is locked" (default 30 s).
    cur.execute(f"PRAGMA busy_timeout={int(os.environ.get('BUDGET_SQLITE_BUSY_MS', '30000'))}")
    cur.execute("PRAGMA cache_size=-200000")
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def _sqlite_begin(conn):
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


IMMEDIATE = "budget_write_lock_at_begin"


def writing(engine: Engine) -> Engine:
    """The engine for a transaction that reads, then writes what it read (a status change, a queue entry).

    SQLite in WAL mode refuses, without waiting, to let a transaction that began by reading write once another
    connection has committed since ("database is locked") — with several server processes, two people acting at
    once would see that error. On SQLite this transaction takes the write lock at BEGIN (waiting its turn like
    any writer); PostgreSQL is unchanged (its callers lock the rows they read)."""
    return engine.execution_options(**{IMMEDIATE: True})


def make_engine(url: str | None = None) -> Engine:
    url = resolve_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


TIMEOUT_ENV = "BUDGET_STATEMENT_TIMEOUT_MS"
TIMEOUT_MESSAGE = "查询超时：本次查询超过时限已被取消，请缩小范围（区划、日期或筛选条件）后重试"
_DEADLINE = "budget_statement_deadline"
PROGRESS_STEPS = 1000  # SQLite virtual machine steps between two looks at a statement's deadline


def statement_timeout_ms() -> int:
    """How long one statement of the dashboard may run (BUDGET_STATEMENT_TIMEOUT_MS, default 30 s; 0: no limit)."""
    return int(os.environ.get(TIMEOUT_ENV, "30000"))


def limit_statements(engine: Engine, ms: int) -> Engine:
    """Cancel every statement of `engine` that runs longer than `ms` (0: no limit), so that one slow query
    fails alone (timed_out) instead of holding a server thread. PostgreSQL: the session's statement_timeout,
    and no JIT compilation (the dashboard's queries are short: compiling one cost 0.6 s of a 1.0 s alert count
    on 50,000 alerts). SQLite: a progress handler that interrupts the statement once its deadline has passed
    (set when a statement starts, cleared when its transaction ends, so a COMMIT or ROLLBACK is never cut)."""
    if not is_sqlite(engine):
        @event.listens_for(engine, "connect")
        def _session(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET statement_timeout = {max(int(ms), 0)}")
                cur.execute("SET jit = off")
            dbapi_conn.commit()  # a setting made in a transaction rolled back would not stay
        return engine
    if ms <= 0:
        return engine

    @event.listens_for(engine, "connect")
    def _progress_handler(dbapi_conn, record):
        deadline = record.info[_DEADLINE] = [None]
        dbapi_conn.set_progress_handler(lambda: deadline[0] is not None and time.monotonic() > deadline[0],
                                        PROGRESS_STEPS)

    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, *_):
        conn.info[_DEADLINE][0] = time.monotonic() + ms / 1000

    def _clear(conn):
        conn.info[_DEADLINE][0] = None

    @event.listens_for(engine.pool, "reset")
    def _returned(dbapi_connection, connection_record, reset_state):
        connection_record.info[_DEADLINE][0] = None

    event.listen(engine, "commit", _clear)
    event.listen(engine, "rollback", _clear)
    return engine


def timed_out(exc: BaseException) -> bool:
    """Whether a database error is a statement cancelled by limit_statements (PostgreSQL's query_canceled,
    SQLite's interrupt)."""
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) == "57014" or str(orig) == "interrupted"


@lru_cache(maxsize=8)
def interactive_store(url: str | None = None) -> Engine:
    """The engine the dashboard's requests use: open_store's store, on connections of its own whose statements
    are cancelled after statement_timeout_ms(). Ingest, refresh, briefing and other jobs keep open_store's
    engine, without a limit: they are long by nature and hold no request."""
    url = resolve_url(url)
    open_store(url)  # migrated and seeded, header checked
    return limit_statements(make_engine(url), statement_timeout_ms())


def alembic_config():
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "warehouse" / "migrations"))
    return cfg


def migrate(engine: Engine) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    seed_classification(engine)


def sqlite_path(url: str) -> Path | None:
    """The file of an embedded store's URL; None for a server database."""
    url = resolve_url(url)
    return Path(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else None


@lru_cache(maxsize=8)
def _open(url: str) -> Engine:
    from warehouse.health import check_header

    try:
        path = sqlite_path(url)
        if path is not None:
            check_header(path)  # a damaged file is named as such, not as "cannot open"
        engine = make_engine(url)
        migrate(engine)
    except StoreError:
        raise
    except Exception as exc:  # not a store URL, a folder where the file should be, unreachable, not a database
        raise StoreError(f"无法打开数据库 {_shown(url)}：{first_line(exc)} / cannot open the store") from exc
    return engine


def _shown(url: str) -> str:
    try:
        return safe_url(url)
    except Exception:  # noqa: BLE001 — not a URL at all: shown as given
        return repr(url)


@lru_cache(maxsize=8)
def _pages_checked(url: str) -> None:
    from warehouse.health import check_pages_of

    check_pages_of(url)


def open_store(url: str | None = None, *, check: bool = False, create: bool = True) -> Engine:
    """The engine for a migrated, seeded store (one per URL per process). An embedded store's file header is
    checked on every open; `check` also reads every page once per process (warehouse.health: for the commands
    that run long or write); without `create`, an embedded store that does not exist is an error (a command
    that only reads it: a mistyped path should not answer with an empty store)."""
    url = resolve_url(url)
    path = sqlite_path(url)
    if not create and path is not None and not path.exists():
        raise StoreError(f"数据库文件不存在：{path} / no store at this path")
    if check:
        _pages_checked(url)
    return _open(url)


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def seed_classification(engine: Engine) -> None:
    """Ship the default DM_FUNC / DM_ECON (year 0 = the default for any year with no delivered table)."""
    from warehouse.schema import dm_econ, dm_func

    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(dm_func).where(dm_func.c.year == 0)).scalar():
            return
        conn.execute(insert(dm_func), [dict(code=r["code"], name=r["name"], year=0) for r in default_func_rows()])
        conn.execute(insert(dm_econ), [dict(code=r["code"], name=r["name"], kind=k, year=0)
                                       for k, rows in (("部门", _csv("econ_class_dept_301_399.csv")),
                                                       ("政府", _csv("econ_class_gov_501_599.csv")))
                                       for r in rows])


def _csv(name: str) -> list[dict]:
    with open(DATA_DIR / "classification" / name, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def default_func_rows() -> list[dict]:
    """类 from the public reference plus the realistic 款/项 subset the product ships."""
    rows = {r["code"]: r for r in _csv("func_class_expenditure_lei.csv")}
    for r in _csv("func_class_kuan_xiang.csv"):
        rows[r["code"]] = r
    return sorted(rows.values(), key=lambda r: r["code"])
