"""A killed ingest leaves the store as it was before the file it was loading; rerunning finishes the job
(SQLite and PostgreSQL).

Also: one ingest at a time per store, and arbitrary bytes never crash the reader or the validator.
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from indicators.tables import indicator_snapshot, indicator_snapshot_day
from ingest.load import ingest_dates
from ingest.lock import LockHeld, ingest_lock
from ingest.reader import ReadError, read_csv_bytes
from pipeline import REFRESH_DUE
from tests.deliveries import D1, D2, base_rows, deliver, voucher
from tests.faults import (app_env, big_delivery, canonical_dump, ingest_args, ingest_cmd, pg_backends, run_app, run_here,
                          wait_for)
from warehouse.db import ROOT, open_store
from warehouse.schema import ingest_file, pay, store_meta

pytestmark = pytest.mark.long(3)  # minutes of a test worker under the full suite: started first


def test_kill_at_random_points_then_rerun(store_url, new_store_url, tmp_path):
    """kill -9 while loading or refreshing, at random moments: all of a file or nothing of it is stored, and a
    rerun ends exactly as one uninterrupted run (rows, sums, snapshots, alerts, file outcomes)."""
    inbox = tmp_path / "in"
    big_delivery(inbox, 20_000)
    started = time.monotonic()
    done = run_app(ingest_cmd(store_url, inbox))
    assert done.returncode == 0, done.stderr
    full = time.monotonic() - started  # the kills land between 30 % and 90 % of an uninterrupted run
    expected = canonical_dump(open_store(store_url))
    rng = random.Random(7)
    for attempt in range(3 if store_url.startswith("sqlite") else 2):  # a new PostgreSQL schema costs more
        url, app = new_store_url(), f"killed-ingest-{os.getpid()}-{attempt}"
        proc = subprocess.Popen(ingest_cmd(url, inbox), env=app_env(PGAPPNAME=app), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 0.9) * full)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        engine = open_store(url)
        if engine.dialect.name == "postgresql":  # the server ends the killed client's sessions, and their locks
            wait_for(lambda: pg_backends(engine, app) == 0, "the killed ingest's sessions ended")
        with engine.connect() as conn:  # all of a file or nothing of it
            loaded = conn.execute(select(ingest_file.c.id, ingest_file.c.rows).where(
                ingest_file.c.report == "PAY", ingest_file.c.status == "loaded")).all()
            stored = conn.execute(select(func.count()).select_from(pay)).scalar()
        assert stored == sum(r for _, r in loaded)
        rerun = run_app(ingest_cmd(url, inbox))
        assert rerun.returncode == 0, rerun.stderr
        assert canonical_dump(engine) == expected


def test_a_load_whose_refresh_never_ran_is_refreshed_by_the_next_ingest(store, store_url, tmp_path):
    """A process killed between its load and its refresh: the next ingest, though it has nothing new to load,
    computes the figures the load changed (the load left them due in the store). `ingest --no-refresh` leaves
    the recomputing to its caller: nothing stays due."""
    deliver(tmp_path / "in", D1, base_rows())
    ingest_dates(store, tmp_path / "in", [D1])  # committed; the refresh that follows it never ran
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(indicator_snapshot_day)).scalar() == 0
    assert "未变 unchanged 4" in run_here(ingest_args(store_url, tmp_path / "in", "2026-03-02", "2026-03-02"))
    with store.connect() as conn:
        assert conn.execute(select(indicator_snapshot_day.c.date)).scalars().all() == [D1]
        assert conn.execute(select(func.count()).select_from(indicator_snapshot)).scalar() > 0
    due = select(store_meta.c.value).where(store_meta.c.key == REFRESH_DUE)
    with store.connect() as conn:
        assert conn.execute(due).all() == []
    deliver(tmp_path / "in", D2, {"PAY": [voucher("V3", "101001", "Q1", 10, day=D2)]})
    ingest_dates(store, tmp_path / "in", [D2])
    with store.connect() as conn:
        assert conn.execute(due).scalars().all() == ["2026-03-03"]
    run_here([*ingest_args(store_url, tmp_path / "in", "2026-03-03", "2026-03-03"), "--no-refresh"])
    with store.connect() as conn:
        assert conn.execute(due).all() == []


def test_second_ingest_on_the_same_store_is_refused(store, tmp_path):
    deliver(tmp_path / "in", D1, base_rows())
    with ingest_lock(store):
        with pytest.raises(LockHeld):
            ingest_dates(store, tmp_path / "in", [D1])
    assert ingest_dates(store, tmp_path / "in", [D1]).count("loaded") == 4


def test_cli_exit_codes(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(tmp_path / "q"))
    deliver(tmp_path / "in", D1, base_rows())
    url = f"sqlite:///{tmp_path / 's.db'}"
    ok = subprocess.run([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(tmp_path / "in"),
                         "--date", "2026-03-02", "--db", url], env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and "载入 loaded 4" in ok.stdout
    bad_args = subprocess.run([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(tmp_path / "in"),
                               "--date", "2026-13-02", "--db", url], env=env, capture_output=True, text=True)
    assert bad_args.returncode != 0 and "YYYY-MM-DD" in bad_args.stderr
    (tmp_path / "not-a-db").write_bytes(b"garbage" * 1000)
    unreachable = subprocess.run([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(tmp_path / "in"),
                                  "--date", "2026-03-02", "--db", f"sqlite:///{tmp_path / 'not-a-db'}"],
                                 env=env, capture_output=True, text=True)
    # a file that is not a store is named as damaged, with the way out
    assert unreachable.returncode != 0 and "数据库文件已损坏" in unreachable.stderr
    assert "python app.py restore" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_reader(data):
    try:
        read_csv_bytes(data)
    except ReadError as exc:
        assert exc.rule in ("FILE_ENCODING", "FILE_PARSE")


# Any text a reader can hand over: the CSV reader refuses a NUL character (FILE_PARSE) and XML (XLSX) cannot
# hold one, so no cell ever carries it (PostgreSQL could not store it either).
_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cells, min_size=0, max_size=20), max_size=8), st.sampled_from(["PAY", "BGT", "INC", "ASSET"]))
def test_arbitrary_cells_never_crash_validation(store, rows, report):
    import datetime as dt
    from ingest import lookup
    from ingest.reader import RawTable
    from ingest.standard import REPORTS
    from ingest.validate import FileContext, validate

    headers = [c.cn for c in REPORTS[report].columns]
    raw = RawTable.from_rows(headers, rows, list(range(2, len(rows) + 2)))
    with store.connect() as conn:
        checked = validate(raw, report, FileContext(conn, lookup.read_code_tables(conn), dt.date(2026, 3, 2)))
    assert all(f["message"] and f["rule_id"] for f in checked.findings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=3000))
def test_arbitrary_bytes_as_a_delivered_file_are_refused_or_loaded(tmp_path_factory, _sqlite_template, data):
    tmp = tmp_path_factory.mktemp("fuzz")
    shutil.copy(_sqlite_template, tmp / "s.db")  # a migrated store (migrating one per example would cost more)
    engine = open_store(f"sqlite:///{tmp / 's.db'}")
    folder = deliver(tmp / "in", D1, base_rows(), manifest=False)
    (folder / "PAY_419900_20260302.xlsx").write_bytes(b"PK\x03\x04" + data)
    (folder / "PAY_419900_20260302.csv").write_bytes(data)
    result = ingest_dates(engine, tmp / "in", [D1])
    assert all(f.status in ("loaded", "refused") for f in result.files)
    engine.dispose()
