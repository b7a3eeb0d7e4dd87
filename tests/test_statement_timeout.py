"""One slow query cannot hold the server: the dashboard's statements are cancelled after
BUDGET_STATEMENT_TIMEOUT_MS (warehouse.db.interactive_store), the page then says so in Chinese, and the
connection serves the next request. Jobs (ingest, refresh, briefings) keep open_store's engine, without a limit."""
from __future__ import annotations

import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from dashboard import create_app, store
from warehouse import db

# A statement that runs for hours: PostgreSQL sleeps, SQLite counts to 10^12.
SLOW = {"postgresql": "SELECT pg_sleep(3600)",
        "sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000000) "
                  "SELECT count(*) FROM n"}


def test_a_slow_statement_is_cancelled_and_the_connection_serves_the_next(store_url):
    engine = db.limit_statements(db.make_engine(store_url), 200)
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            conn.execute(text(SLOW[engine.dialect.name]))
        assert db.timed_out(caught.value)
        conn.rollback()
        assert conn.scalar(text("SELECT 1")) == 1
    with engine.begin() as conn:  # a write commits after a statement that ran alone
        assert conn.scalar(text("SELECT count(*) FROM alert")) == 0
    engine.dispose()


# SQLite: a statement of about half a second, far beyond the short limit set below.
BRIEF = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) "
         "SELECT count(*) FROM n")


def test_the_dashboard_has_the_limit_and_the_jobs_do_not(store_url, monkeypatch):
    """PostgreSQL: the dashboard's sessions carry the limit (the cancelling itself is the first test's);
    SQLite: the dashboard's statement is interrupted, the job's runs to its end."""
    monkeypatch.delenv(db.TIMEOUT_ENV, raising=False)
    assert db.statement_timeout_ms() == 30_000
    monkeypatch.setenv(db.TIMEOUT_ENV, "20")
    # uncached: the dashboards of earlier tests keep the engine interactive_store made for this URL
    dashboard, jobs = db.interactive_store.__wrapped__(store_url), db.open_store(store_url)
    if db.is_sqlite(jobs):
        with dashboard.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                conn.execute(text(BRIEF))
            assert db.timed_out(caught.value)
        with jobs.connect() as conn:
            conn.execute(text(BRIEF)).all()
    else:
        with dashboard.connect() as conn:
            assert conn.scalar(text("SHOW statement_timeout")) == "20ms" and conn.scalar(text("SHOW jit")) == "off"
        with jobs.connect() as conn:
            assert conn.scalar(text("SHOW statement_timeout")) == "0"
    dashboard.dispose()


class _Clock:
    """time for warehouse.db whose every reading is an hour after the one before: every deadline has passed."""
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        self.now += 3600
        return self.now


def test_the_alert_page_says_the_query_timed_out_and_then_works_again(store_url, monkeypatch):
    app = create_app(store_url)
    if db.is_sqlite(db.open_store(store_url)):  # the alert query outlives its deadline, however short it is
        monkeypatch.setattr(db, "PROGRESS_STEPS", 1)
        monkeypatch.setattr(db, "time", _Clock())
    engine = db.limit_statements(db.make_engine(store_url), 300)
    store.attach(app.server, engine)
    page = sys.modules["dashboard.pages.alerts"]
    view = {"date": "2026-03-31", "region": None, "severities": [], "category": None, "rule": None, "dept": None,
            "status": None, "alert": "1"}
    holder = db.open_store(store_url).connect()
    if not db.is_sqlite(engine):  # the alert query waits for a lock held by another session (part of the statement)
        holder.execute(text("LOCK TABLE alert IN ACCESS EXCLUSIVE MODE"))
    with app.server.test_request_context():
        columns, rows, note, *choices = page.show_list(view, 0)
        assert rows == [] and note == db.TIMEOUT_MESSAGE and note.startswith("查询超时")
        assert db.TIMEOUT_MESSAGE in str(page.show_detail(view, 0))
    holder.rollback()
    holder.close()
    monkeypatch.undo()  # SQLite: the same connections, their deadlines read from the real clock again
    with app.server.test_request_context():
        columns, rows, note, *choices = page.show_list(view, 0)
        assert rows == [] and note == "没有符合条件的预警" and choices == [[], [], [], []]
        assert "所选预警不在当前区划与日期的预警中" in str(page.show_detail(view, 0))
    engine.dispose()


def test_any_callback_whose_query_timed_out_says_so_above_the_page(pg_url):
    """PostgreSQL: a callback's query waits on a lock past its limit, its login check does not (on SQLite every
    statement of the request shares the forced deadline of the test above, the login's too)."""
    from auth.principal import MEMBER
    from tests.breakin_support import client_as, post_callback

    store_url = pg_url
    app = create_app(store_url)
    engine = db.limit_statements(db.make_engine(store_url), 300)
    store.attach(app.server, engine)
    client = client_as(app, db.open_store(store_url), MEMBER, "member")
    view = {"date": "2026-03-31", "region": None, "alert": "1"}
    with db.open_store(store_url).connect() as holder:
        holder.execute(text("LOCK TABLE alert IN ACCESS EXCLUSIVE MODE"))
        response = post_callback(client, app, "dashboard.pages.alerts.show_history", [[]], [view])
        holder.rollback()
    assert response.status_code == 200
    notice = response.get_json()["sideUpdate"]["query-notice"]["children"]["props"]
    assert (notice["title"], notice["children"]) == ("查询超时", db.TIMEOUT_MESSAGE)
    refused = post_callback(client, app, "dashboard.pages.alerts.show_history", [[]], [view])
    assert refused.status_code == 403  # any other error as before: no alert 1, so a refusal
    engine.dispose()
