"""`backup` and `restore` on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore, custom format):
a restore gives back exactly the rows backed up, a backup taken while a writer is mid-transaction holds the
committed state only, and a file that is not a sound backup of this system is refused with the store left
exactly as it was."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, text, update

from cli import main
from tests.backup_support import every_row, fill
from warehouse import db, schema
from warehouse.backup import file_kind, known_revisions

SUFFIX = {"sqlite": ".db", "postgresql": ".dump"}


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _backup(engine, tmp_path, name: str = "backup"):
    out = tmp_path / f"{name}{SUFFIX[engine.dialect.name]}"
    result = CliRunner().invoke(main, ["backup", "--out", str(out), "--db", _url(engine)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output
    return out


def _restore(engine, path, *more, input=None):
    return CliRunner().invoke(main, ["restore", str(path), *more, "--db", _url(engine)], input=input)


def _change(engine) -> None:
    """What happens after a backup: vouchers deleted, one added, one amended."""
    with engine.begin() as conn:
        conn.execute(delete(schema.pay).where(schema.pay.c.voucher_no.like("PZ0001%")))
        conn.execute(update(schema.pay).where(schema.pay.c.voucher_no == "PZ000002").values(amount_fen=1))
        conn.execute(insert(schema.pay), [dict(voucher_no="LATE", pay_date=db_date(), region_code="419900",
                                               unit_code="100001", quota_id="Q1", amount_fen=77, payee_name="迟到",
                                               payee_account="1", fund_type="一般公共预算", pay_method="直接支付",
                                               business_date=db_date())])


def db_date():
    import datetime as dt

    return dt.date(2026, 3, 3)


@pytest.fixture
def filled(store):
    fill(store)
    return store, every_row(store)


def test_restore_gives_back_exactly_the_rows_backed_up(filled, tmp_path):
    store, rows = filled
    backup = _backup(store, tmp_path)
    assert file_kind(backup) == {"sqlite": "sqlite", "postgresql": "pg"}[store.dialect.name]
    _change(store)
    assert every_row(store) != rows
    result = _restore(store, backup, "--yes")
    assert result.exit_code == 0, result.output
    assert "已恢复" in result.output and known_revisions()[1] in result.output  # the backup's schema revision
    assert every_row(store) == rows  # the running app's own engine sees the restored store


def test_a_backup_taken_while_a_writer_is_mid_transaction_holds_the_committed_state(filled, tmp_path):
    store, rows = filled
    writer = db.make_engine(_url(store))
    try:
        with writer.connect() as conn:
            tx = conn.begin()
            conn.execute(delete(schema.pay).where(schema.pay.c.voucher_no.like("PZ000%")))
            backup = _backup(store, tmp_path)  # the delete is not committed yet
            tx.commit()
    finally:
        writer.dispose()
    assert every_row(store) != rows
    assert _restore(store, backup, "--yes").exit_code == 0
    assert every_row(store) == rows


def _refusals(store, tmp_path, backup) -> dict:
    """Files restore must refuse, by what is wrong with them."""
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all " * 100)
    half = tmp_path / f"half{backup.suffix}"
    half.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    other = tmp_path / "other-kind"
    if store.dialect.name == "sqlite":
        other.write_bytes(b"PGDMP" + b"\0" * 200)
    else:
        sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.close()
    cases = {"不是数据库备份文件": junk, "不能直接恢复": other, ("已损坏", "失败"): half}
    if store.dialect.name == "sqlite":
        foreign = tmp_path / "foreign.db"
        sqlite3.connect(foreign).execute("CREATE TABLE t (a)").connection.close()
        newer = tmp_path / "newer.db"
        shutil.copy(backup, newer)
        with sqlite3.connect(newer) as conn:
            conn.execute("UPDATE alembic_version SET version_num = '9999'")
        cases |= {"不是本系统的数据库备份": foreign, "不是本程序已知的版本": newer}
    return cases


def test_restore_refuses_what_is_not_a_sound_backup_and_leaves_the_store_untouched(filled, tmp_path):
    store, rows = filled
    backup = _backup(store, tmp_path)
    for expected, path in _refusals(store, tmp_path, backup).items():
        result = _restore(store, path, "--yes")
        assert result.exit_code == 1, (path, result.output)
        wanted = expected if isinstance(expected, tuple) else (expected,)
        assert any(w in result.output for w in wanted), (path, result.output)
        assert "Traceback" not in result.output
        assert every_row(store) == rows, path
    missing = _restore(store, tmp_path / "nowhere.db", "--yes")
    assert missing.exit_code != 0 and every_row(store) == rows


def test_restore_asks_before_replacing_the_store(filled, tmp_path):
    store, rows = filled
    backup = _backup(store, tmp_path)
    _change(store)
    changed = every_row(store)
    declined = _restore(store, backup, input="n\n")
    assert declined.exit_code == 1 and "确定吗" in declined.output
    assert every_row(store) == changed
    assert _restore(store, backup, input="y\n").exit_code == 0
    assert every_row(store) == rows


def test_backup_without_out_writes_beside_the_embedded_store_and_into_a_folder_given(sqlite_url, tmp_path):
    store = db.open_store(sqlite_url)
    result = CliRunner().invoke(main, ["backup", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    written = list((db.sqlite_path(sqlite_url).parent / "backups").glob("store-*.db"))
    assert len(written) == 1 and file_kind(written[0]) == "sqlite"
    assert not list(written[0].parent.glob(".*"))  # no temporary left behind
    folder = tmp_path / "nightly"
    folder.mkdir()
    assert CliRunner().invoke(main, ["backup", "--out", str(folder), "--db", sqlite_url]).exit_code == 0
    assert [p.suffix for p in folder.iterdir()] == [".db"] and next(folder.iterdir()).name.startswith("store-")
    store.dispose()


def test_a_backup_restores_into_another_store(store, new_store_url, tmp_path):
    source = db.open_store(new_store_url())
    fill(source)
    rows = every_row(source)
    backup = _backup(source, tmp_path)
    fill(store, vouchers=10)
    if store.dialect.name == "postgresql":  # the backup's schema is another store's, alive in this database
        refused = _restore(store, backup, "--yes")
        assert refused.exit_code == 1 and "另有用途" in refused.output
        assert len(every_row(store)["pay"]) == 10
        with source.begin() as conn:  # gone (as when moving to another server): the backup's schema is renamed
            conn.execute(text(f'DROP SCHEMA "{conn.execute(text("SELECT current_schema()")).scalar_one()}" CASCADE'))
    source.dispose()
    assert _restore(store, backup, "--yes").exit_code == 0
    assert every_row(store) == rows
