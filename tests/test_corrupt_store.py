"""A damaged SQLite store is stopped at the door with a message that names the file and the way out
(`python app.py restore`), and restoring a backup brings back exactly the rows the store held.

Damage is done to a copy of a real store, as a disk or a cut-short copy would: the header overwritten, the file
truncated, one page in the middle of the voucher table overwritten with garbage."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from cli import main
from cli.common import db_option, fails_cleanly
from cli.schedule_cmd import daily_job
from ingest.load import RunResult
from tests.backup_support import (VOUCHERS, close_sqlite, every_row, fill, middle_leaf_of, overwrite_page, page_size,
                                  truncate)
from tests.deliveries import D1, deliver, voucher
from warehouse import db
from warehouse.health import CorruptStoreError, check_header, check_pages


@pytest.fixture
def original(sqlite_url):
    """A closed, checkpointed store file with a few thousand vouchers, and every row it holds (damage is an
    embedded-store matter: PostgreSQL guards its own pages)."""
    store = db.open_store(sqlite_url)
    fill(store)
    rows = every_row(store)
    close_sqlite(store)
    return db.sqlite_path(sqlite_url), rows


@pytest.fixture
def damaged(original, tmp_path):
    """A copy of the store to damage, and its URL."""
    path = tmp_path / "damaged" / "budget.db"
    path.parent.mkdir()
    shutil.copy(original[0], path)
    return path, f"sqlite:///{path}"


def assert_names_the_way_out(message: str, path) -> None:
    assert "数据库文件已损坏" in message and str(path) in message
    assert "python app.py restore" in message and "python app.py backup" in message


def test_the_check_passes_a_sound_store(original):
    check_header(original[0])
    check_pages(original[0])


def test_a_damaged_header_stops_every_command_at_open(damaged):
    path, url = damaged
    with open(path, "r+b") as fh:
        fh.write(b"\x00" * 16)
    with pytest.raises(CorruptStoreError) as caught:
        db.open_store(url)
    assert_names_the_way_out(str(caught.value), path)
    assert "文件头不是 SQLite 数据库格式" in str(caught.value)
    result = CliRunner().invoke(main, ["report", "execution", "--date", "2026-03-31", "--db", url])
    assert result.exit_code == 1
    assert_names_the_way_out(result.output, path)


def test_a_truncated_file_is_named_as_cut_short(damaged):
    path, url = damaged
    size, page = path.stat().st_size, page_size(path)
    truncate(path, (size // page // 2) * page)  # whole pages missing at the end
    with pytest.raises(CorruptStoreError, match="文件被截断"):
        db.open_store(url)
    truncate(path, path.stat().st_size - 100)  # a copy cut mid-page
    with pytest.raises(CorruptStoreError, match="不是页大小 4096 的整数倍"):
        db.open_store(url)


def test_a_checkpoint_cut_off_after_its_first_page_is_not_taken_for_a_truncated_file(sqlite_url, tmp_path):
    """kill -9 during a checkpoint: page 1 (whose header counts the pages) is written back first, the pages
    after the file's end are still only in the WAL — the store is sound and SQLite finishes from the WAL."""
    store = db.open_store(sqlite_url)
    close_sqlite(store)  # the empty store, in its file alone
    path = db.sqlite_path(sqlite_url)
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    fill(db.open_store(sqlite_url))  # every new page in the WAL only
    rows = every_row(db.open_store(sqlite_url))
    killed = tmp_path / "killed" / "budget.db"
    killed.parent.mkdir()
    shutil.copy(path, killed)
    shutil.copy(f"{path}-wal", f"{killed}-wal")
    writer.close()
    wal, page = Path(f"{killed}-wal").read_bytes(), page_size(killed)
    frames = [wal[32 + i * (24 + page):32 + (i + 1) * (24 + page)] for i in range((len(wal) - 32) // (24 + page))]
    first_page = [f[24:] for f in frames if int.from_bytes(f[:4], "big") == 1][-1]
    with open(killed, "r+b") as fh:  # the cut checkpoint: page 1 written back, nothing else
        fh.write(first_page)
    assert int.from_bytes(first_page[28:32], "big") * page > killed.stat().st_size
    check_pages(killed)
    assert every_row(db.open_store(f"sqlite:///{killed}")) == rows


def test_a_damaged_page_in_the_middle_stops_backup(damaged, tmp_path):
    path, url = damaged
    overwrite_page(path, middle_leaf_of(path))
    check_header(path)  # the header cannot see it …
    with pytest.raises(CorruptStoreError) as caught:  # … reading every page does
        check_pages(path)
    assert "SQLite 完整性检查" in str(caught.value)
    result = CliRunner().invoke(main, ["backup", "--out", str(tmp_path / "b.db"), "--db", url])
    assert result.exit_code == 1, result.output
    assert_names_the_way_out(result.output, path)
    assert not (tmp_path / "b.db").exists()


def test_an_ingest_that_meets_a_damaged_page_stops_with_the_way_out(damaged, tmp_path):
    """`ingest` reads only what the day's files touch (its cost must not grow with the file); a damaged page among
    them — here the voucher-number index where the day's voucher goes — stops it with the same message."""
    path, url = damaged
    overwrite_page(path, middle_leaf_of(path, "sqlite_autoindex_pay_1"))
    deliver(tmp_path / "in", D1, {"PAY": [voucher(f"PZ{VOUCHERS // 2:06d}A", "100001", "Q1", 12.5)]})
    result = CliRunner().invoke(main, ["ingest", "--inbox", str(tmp_path / "in"), "--date", f"{D1}", "--db", url])
    assert result.exit_code == 1, result.output
    assert_names_the_way_out(result.output, path)
    assert "Traceback" not in result.output


def test_the_scheduled_run_reads_every_page_after_its_ingest_and_stops_writing_a_damaged_store(original, damaged,
                                                                                                 tmp_path, monkeypatch):
    import pipeline

    path, url = damaged
    overwrite_page(path, middle_leaf_of(path))
    runs = []
    monkeypatch.setattr(pipeline, "run_daily_job", lambda engine, inbox: runs.append(inbox) or RunResult(0))
    echoed = []
    monkeypatch.setattr(click, "echo", lambda message="", err=False: echoed.append((message, err)))
    job = daily_job(db.open_store(url), tmp_path, url)
    job()  # the day is loaded, then the check finds the damage
    assert len(runs) == 1 and echoed[-1][1] and "数据库检查未通过" in echoed[-1][0]
    assert_names_the_way_out(echoed[-1][0], path)
    job()  # the next day: checked first, not written
    assert len(runs) == 1 and "T+1 未运行" in echoed[-1][0]
    shutil.copy(original[0], path)  # restored
    job()
    assert len(runs) == 2


def test_a_query_that_meets_a_damaged_page_gets_the_same_message(damaged):
    path, url = damaged
    overwrite_page(path, middle_leaf_of(path))

    @click.command()
    @db_option
    @fails_cleanly
    def scan(db_url):
        with db.open_store(db_url).connect() as conn:
            conn.execute(text("SELECT group_concat(payee_name) FROM pay")).scalar()

    result = CliRunner().invoke(scan, ["--db", url])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert_names_the_way_out(result.output, path)
    assert "malformed" in result.output


@pytest.mark.parametrize("damage", ["middle page", "truncated"])
def test_restore_from_a_backup_gives_back_the_original_rows(original, damaged, tmp_path, damage):
    source, rows = original
    path, url = damaged
    backup_file = tmp_path / "backup.db"
    made = CliRunner().invoke(main, ["backup", "--out", str(backup_file), "--db", f"sqlite:///{source}"])
    assert made.exit_code == 0, made.output
    if damage == "middle page":
        overwrite_page(path, middle_leaf_of(path))
    else:
        truncate(path, path.stat().st_size // 2)
    restored = CliRunner().invoke(main, ["restore", str(backup_file), "--yes", "--db", url])
    assert restored.exit_code == 0, restored.output
    check_pages(path)
    engine = db.make_engine(url)
    try:
        assert every_row(engine) == rows
    finally:
        engine.dispose()
