"""The database going away while an ingest loads a big file: a clear Chinese error naming the file, nothing of
that file stored, and the same command run again ends exactly as an uninterrupted run.

PostgreSQL: the server ends the ingest's sessions (pg_terminate_backend, what a server restart or an
administrator does) while the ingest writes the vouchers; a lock the test holds on the voucher table keeps
the ingest at that point until it is killed. SQLite: another process takes the store's write lock
(BEGIN EXCLUSIVE, as a backup tool or the sqlite3 shell does) while the ingest validates the file, and holds it
beyond the ingest's busy timeout.
"""
from __future__ import annotations

import os
import subprocess

from sqlalchemy import func, select, text

from tests.deliveries import D1, D2
from tests.faults import app_env, big_delivery, canonical_dump, ingest_args, ingest_cmd, run_here, wait_for, writes_held
from warehouse.db import open_store
from warehouse.schema import ingest_file, ingest_run, pay

BIG = "PAY_419900_20260303.csv"


def _in_ingest(engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(ingest_run).where(ingest_run.c.status == "running")
                            .where(ingest_run.c.date_from == D2)).scalar() == 1


def _terminated_while_writing(engine, start, app: str) -> subprocess.Popen:
    with writes_held(engine):  # the ingest's COPY of the vouchers waits here
        proc = start()

        def waiting_on_pay() -> bool:
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a "
                                         "AND wait_event_type = 'Lock'"), {"a": app}).scalar() == 1

        wait_for(waiting_on_pay, "the ingest writing the vouchers")
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :a"),
                         {"a": app})
    proc.wait()
    return proc


def _locked_while_loading(engine, start, app: str) -> subprocess.Popen:
    proc = start()
    wait_for(lambda: _in_ingest(engine), "the ingest of the big file started")
    with writes_held(engine):  # held beyond the ingest's busy timeout, until it gave up
        proc.wait()
    return proc


def test_the_store_goes_away_mid_file_then_a_rerun_finishes(store_url, new_store_url, tmp_path):
    inbox = tmp_path / "in"
    big_delivery(inbox, 10_000)
    reference = new_store_url()
    for url in (reference, store_url):
        run_here(ingest_args(url, inbox, "2026-03-02", "2026-03-02"))
    run_here(ingest_args(reference, inbox, "2026-03-03", "2026-03-03"))
    expected = canonical_dump(open_store(reference))

    engine = open_store(store_url)
    app = f"gone-ingest-{os.getpid()}"
    env = app_env(PGAPPNAME=app, BUDGET_SQLITE_BUSY_MS="1000")

    def start():
        return subprocess.Popen(ingest_cmd(store_url, inbox, "2026-03-03", "2026-03-03"), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    fault = _locked_while_loading if engine.dialect.name == "sqlite" else _terminated_while_writing
    proc = fault(engine, start, app)
    err = proc.stderr.read()
    assert proc.returncode == 1
    assert "导入中断" in err and f"正在载入的文件 {BIG} 已整体回滚" in err and "重新运行" in err, err
    assert "Traceback" not in err
    with engine.connect() as conn:  # nothing of the big file; the day before as it was
        assert conn.execute(select(func.count()).select_from(pay).where(pay.c.business_date == D2)).scalar() == 0
        assert conn.execute(select(ingest_file.c.status).where(ingest_file.c.business_date == D2)).all() == []
        assert set(conn.execute(select(ingest_file.c.status).where(ingest_file.c.business_date == D1)).scalars()) \
            == {"loaded"}

    run_here(ingest_args(store_url, inbox, "2026-03-03", "2026-03-03"))
    assert canonical_dump(engine) == expected
