"""bench/ingest_floor.py: each way of writing a store's vouchers into a fresh SQLite store writes every voucher,
and the ways that keep the sums leave them as the triggers would (every sums table equal to PAY grouped), with
PAY's secondary indexes in place at the end."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from bench.ingest_floor import SECONDARY, fresh_store, write
from demo import write_demo
from ingest.load import ingest_dates
from warehouse.db import open_store

CLASS = "region_code, quota_id, unit_code, fund_type, func_code, econ_code, project_code"
GROUPED = {"pay_day": ("pay_date", "pay_date"), "pay_month": ("month", "date(pay_date, 'start of month')"),
           "pay_year": ("year", "date(pay_date, 'start of year')")}


def _sums_differences(conn) -> dict[str, int]:
    out = {}
    for table, (period, expr) in GROUPED.items():
        stored = f"SELECT {period}, {CLASS}, amount_fen, vouchers FROM {table}"
        grouped = f"SELECT {expr}, {CLASS}, sum(amount_fen), count(*) FROM pay GROUP BY 1, {CLASS}"
        out[table] = conn.scalar(text(f"SELECT count(*) FROM ({stored} EXCEPT {grouped} UNION ALL "
                                      f"{grouped} EXCEPT {stored})"))
    return out


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("floor")
    inbox = tmp / "inbox"
    write_demo(inbox, dt.date(2025, 6, 13), start=dt.date(2025, 6, 2), scale=0.05)
    url = f"sqlite:///{tmp / 'source.db'}"
    engine = open_store(url)
    ingest_dates(engine, inbox, [dt.date(2025, 6, 2) + dt.timedelta(days=i) for i in range(12)])
    with engine.connect() as conn:
        vouchers = conn.scalar(text("SELECT count(*) FROM pay"))
    engine.dispose()
    assert vouchers > 100
    return url, vouchers


@pytest.mark.parametrize("way", ["ingest", "after"])
def test_the_ways_that_keep_sums_leave_them_equal_to_pay_grouped(source, tmp_path, way):
    url, vouchers = source
    engine = fresh_store(tmp_path / f"{way}.db", way)
    result = write(engine, way, url, limit=10_000, size=97)  # batches that split days
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pay")) == vouchers == result["rows"]
        assert _sums_differences(conn) == {"pay_day": 0, "pay_month": 0, "pay_year": 0}
        indexes = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE tbl_name = 'pay' "
                                                   "AND type = 'index'"))}
    assert set(SECONDARY) <= indexes
    assert ("index_wall_s" in result) == (way == "after")
    assert result["wall_s"] >= result["write_wall_s"] > 0


def test_the_rowid_way_writes_every_voucher_into_a_bare_copy(source, tmp_path):
    url, vouchers = source
    engine = fresh_store(tmp_path / "rowid.db", "rowid")
    result = write(engine, "rowid", url, limit=10_000, size=97)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM pay_rowid")) == vouchers == result["rows"]
        assert conn.scalar(text("SELECT count(*) FROM pay")) == 0
        assert conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'pay_rowid' "
                                "AND type IN ('index', 'trigger')")) == 0
