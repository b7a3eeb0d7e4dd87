"""bench/scale_bench.py's replication of the demo city (PostgreSQL only): the bulk way (PAY's secondary indexes
dropped and created again, the sums' insert trigger standing aside while each copy's sums are inserted grouped)
leaves the store as the triggers would — every sums table equal to PAY grouped, the indexes and triggers back."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from bench.scale_bench import check_sums, replicate, secondary_indexes
from demo import write_demo
from ingest.load import ingest_dates
from warehouse.db import open_store

CLASS = "region_code, quota_id, unit_code, fund_type, func_code, econ_code, project_code"
# each sums table beside PAY grouped the same way (EXCEPT matches NULL class columns as equal)
GROUPED = {
    "pay_day": ("pay_date", f"SELECT pay_date, {CLASS}, sum(amount_fen), count(*) FROM pay GROUP BY pay_date, {CLASS}"),
    "pay_month": ("month", f"SELECT date_trunc('month', pay_date)::date, {CLASS}, sum(amount_fen), count(*) FROM pay "
                           f"GROUP BY 1, {CLASS}"),
    "pay_year": ("year", f"SELECT date_trunc('year', pay_date)::date, {CLASS}, sum(amount_fen), count(*) FROM pay "
                         f"GROUP BY 1, {CLASS}"),
}


def _differences(conn) -> dict[str, int]:
    out = {}
    for table, (period, grouped) in GROUPED.items():
        stored = f"SELECT {period}, {CLASS}, amount_fen, vouchers FROM {table}"
        out[table] = conn.scalar(text(f"SELECT count(*) FROM (({stored} EXCEPT ALL {grouped}) UNION ALL "
                                      f"({grouped} EXCEPT ALL {stored})) d"))
    return out


@pytest.fixture
def city(pg_url, tmp_path):
    inbox = tmp_path / "inbox"
    write_demo(inbox, dt.date(2025, 6, 20), start=dt.date(2025, 6, 2), scale=0.05)
    engine = open_store(pg_url)
    ingest_dates(engine, inbox, sorted(dt.datetime.strptime(p.name, "%Y%m%d").date()
                                       for p in inbox.iterdir() if p.is_dir()))
    return pg_url, engine


def test_bulk_copies_keep_the_sums_the_indexes_and_the_triggers(city):
    url, engine = city
    with engine.connect() as conn:
        vouchers = conn.scalar(text("SELECT count(*) FROM pay"))
        indexes = secondary_indexes(conn)
        triggers = conn.execute(text("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'pay'::regclass "
                                     "AND NOT tgisinternal ORDER BY 1")).all()
    assert vouchers > 100 and set(indexes) >= {"ix_pay_date", "ix_pay_quota", "ix_pay_amount"}
    remembered = []

    done = replicate(url, 1, 2, remember=remembered.append)

    assert remembered == [indexes, {}]  # kept until they were created again
    assert done["bulk"] and done["rows"] == 2 * vouchers and done["vouchers"] == 3 * vouchers
    assert set(done["index_seconds"]) == set(indexes)
    assert done["sums_check"]["mismatched_regions"] == [] and done["sums_check"]["vouchers"] == 3 * vouchers
    with engine.connect() as conn:
        assert _differences(conn) == {"pay_day": 0, "pay_month": 0, "pay_year": 0}
        assert secondary_indexes(conn) == indexes
        assert conn.execute(text("SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'pay'::regclass "
                                 "AND NOT tgisinternal ORDER BY 1")).all() == triggers
        regions = conn.scalars(text("SELECT DISTINCT region_code FROM pay ORDER BY 1")).all()
    assert {r[:4] for r in regions} == {"4197", "4198", "4199"}

    # a copy made the plain way afterwards: the triggers are back and keep the sums on their own
    done = replicate(url, 3, 3, bulk=False)
    assert not done["bulk"] and done["vouchers"] == 4 * vouchers
    with engine.connect() as conn:
        assert _differences(conn) == {"pay_day": 0, "pay_month": 0, "pay_year": 0}


def test_check_sums_finds_a_region_whose_sums_differ(city):
    url, engine = city
    assert check_sums(engine)["mismatched_regions"] == []
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # the triggers stay out of it
        region = conn.scalar(text("UPDATE pay SET amount_fen = amount_fen + 1 WHERE id = (SELECT min(id) FROM pay) "
                                  "RETURNING region_code"))
    assert check_sums(engine)["mismatched_regions"] == [region]
