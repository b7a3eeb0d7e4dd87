"""Machinery of the fault tests: running the real command in a subprocess, a delivery big enough to interrupt,
and a canonical dump of a store to compare a faulted store with an uninterrupted one.

The dump is what a reader of the store can see: every business table (report tables, voucher sums), the
indicator snapshots and the alerts, each file's outcome (its latest record other than `unchanged`, with its
findings) — without surrogate ids, wall-clock times, durations and how a snapshot day was computed, which
differ between any two runs.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select, text

from alerts.tables import alert, alert_event, alert_evidence, alert_payee, alert_sighting
from indicators.tables import indicator_snapshot, indicator_snapshot_day, pay_day, pay_month, pay_year
from tests.deliveries import D1, D2, base_rows, deliver, quota, voucher
from warehouse.db import ROOT
from warehouse.schema import REPORT_TABLES, finding, ingest_file

APP = [sys.executable, str(ROOT / "app.py")]


def app_env(**extra) -> dict:
    """The environment of a command run by a test (the quarantine is the test's, see conftest)."""
    return dict(os.environ, PYTHONPATH=str(ROOT), **extra)


def ingest_args(url: str, inbox: Path, first="2026-03-02", last="2026-03-03") -> list[str]:
    return ["ingest", "--inbox", str(inbox), "--from", first, "--to", last, "--db", url, "--quiet"]


def ingest_cmd(url: str, inbox: Path, first="2026-03-02", last="2026-03-03") -> list[str]:
    """The ingest as a process of its own (to be killed, or to run beside another)."""
    return [*APP, *ingest_args(url, inbox, first, last)]


def run_app(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=app_env(**env), capture_output=True, text=True)


def run_here(args: list[str]) -> str:
    """A command run in this process (setting a store up, a reference run): it must succeed."""
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def big_delivery(inbox: Path, n: int = 30_000) -> None:
    """D1: the tiny city and a large quota; D2: n vouchers on it (a file that takes a while to load), to as
    many payees, each once (not thousands of duplicate-payment alerts)."""
    rows = base_rows()
    rows["BGT"].append(quota("QB", "101001", "2050201", "30201", 10 ** 10, "年初预算"))
    deliver(inbox, D1, rows)
    deliver(inbox, D2, {"PAY": [voucher(f"B{i:07d}", "101001", "QB", 100 + i, day=D2, payee_name=f"公司{i}",
                                        payee_account=f"6222{i:012d}") for i in range(n)],
                        "INC": [dict(date=D2, region_code="419900", code="10101", fund_type="一般公共预算",
                                     collector="税务", amount=5)]})


@contextmanager
def writes_held(engine):
    """Until the block ends no other process writes the vouchers of the store (SQLite: its write lock, as a
    backup tool or the sqlite3 shell holds it; PostgreSQL: the voucher table's EXCLUSIVE lock) — the point a
    writer is held at while the test does something to it."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(engine.url.database, isolation_level=None, timeout=600)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with engine.connect() as holder:
        holder.execute(text("LOCK TABLE pay IN EXCLUSIVE MODE"))  # readers pass, writers wait
        try:
            yield
        finally:
            holder.rollback()


def wait_for(condition, what: str, limit_s: float = 600) -> None:
    """Poll until condition() holds (a process reached the point a fault is injected at)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def _rows(conn, stmt) -> list[tuple]:
    return sorted(tuple("" if v is None else str(v) for v in r) for r in conn.execute(stmt))


def _without(table, *names):
    return [c for c in table.c if c.name not in names]


def canonical_dump(engine, history: bool = True) -> dict[str, list[tuple]]:
    """The store as its readers see it; `history=False` leaves out the alerts' history (every evidence set an
    alert was seen with, and its events), for a fault that rightly left a trace there."""
    out = {}
    alert_key = (alert.c.rule_id, alert.c.subject_level, alert.c.subject_code)
    latest = (select(func.max(ingest_file.c.id)).where(ingest_file.c.status != "unchanged")
              .group_by(ingest_file.c.business_date, ingest_file.c.name))
    with engine.connect() as conn:
        for name, table in REPORT_TABLES.items():
            out[name] = _rows(conn, select(*_without(table, "id", "file_id")))
        for table in (pay_day, pay_month, pay_year):
            out[table.name] = _rows(conn, select(table).where(table.c.vouchers != 0))
        out["indicator_snapshot"] = _rows(conn, select(*_without(indicator_snapshot, "id")))
        out["indicator_snapshot_day"] = _rows(conn, select(indicator_snapshot_day.c.date, indicator_snapshot_day.c.rows))
        out["alert"] = _rows(conn, select(*_without(alert, "id", "updated_at")))
        out["alert_sighting"] = _rows(conn, select(*alert_key, *_without(alert_sighting, "id", "alert_id"))
                                      .join(alert, alert.c.id == alert_sighting.c.alert_id))
        if history:
            out["alert_evidence"] = _rows(conn, select(*alert_key, *_without(alert_evidence, "id", "alert_id"))
                                          .join(alert, alert.c.id == alert_evidence.c.alert_id))
            out["alert_event"] = _rows(conn, select(*alert_key, *_without(alert_event, "id", "alert_id", "at"))
                                       .join(alert, alert.c.id == alert_event.c.alert_id))
        out["alert_payee"] = _rows(conn, select(alert_payee))
        out["ingest_file"] = _rows(conn, select(*_without(ingest_file, "id", "run_id", "recorded_at", "superseded_by",
                                                          "row_id_first", "row_id_last", "quarantine_path"))
                                   .where(ingest_file.c.id.in_(latest)))
        out["finding"] = _rows(conn, select(*_without(finding, "id", "run_id", "file_id"))
                               .where(finding.c.file_id.in_(latest) | finding.c.file_id.is_(None)))
    return out


def pg_backends(engine, app: str) -> int:
    """Server sessions of the program named `app` (PGAPPNAME): a killed client's are gone once this is 0."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"), {"a": app}).scalar()

