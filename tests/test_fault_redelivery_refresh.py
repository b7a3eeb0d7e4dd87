"""Redelivered files arriving while their dates are being recomputed: `python app.py refresh` runs over the dates
while an ingest of redelivered PAY files for three of them commits. Both finish, and the store — indicators and
alerts included — ends as after the sequential run (the refresh, then the redelivery).

Loading and recomputing hold the store's work lock (ingest/lock.py), so whichever comes second waits. Without
it, a refresh that read the vouchers before the redelivery committed goes on from figures of the replaced rows,
and on SQLite each writer can make the other fail with "database is locked".
"""
from __future__ import annotations

import datetime as dt
import subprocess

from sqlalchemy import select

from tests.deliveries import base_rows, deliver, voucher
from tests.faults import APP, app_env, canonical_dump, ingest_args, run_here
from warehouse.db import open_store
from warehouse.schema import file_change, pay

DAYS = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(14)]
REDELIVERED = (DAYS[2], DAYS[5], DAYS[8])


def _pays(k: int, day: dt.date) -> list[dict]:
    """Twenty vouchers a day to five payees."""
    return [voucher(f"P{k:02d}{j:03d}", "101001", "Q1", 100 + 7 * k + j, day=day, payee_name=f"供应商{j % 5}",
                    payee_account=f"6222{j % 5:012d}") for j in range(20)]


def _deliveries(inbox, redelivery):
    for k, day in enumerate(DAYS):
        rows = base_rows() if k == 0 else {}
        rows["PAY"] = rows.get("PAY", []) + _pays(k, day)
        deliver(inbox, day, rows)
    for day in REDELIVERED:
        changed = _pays(DAYS.index(day), day)
        changed[0].update(amount=changed[5]["amount"])  # now the same payment to the same payee twice
        changed[1].update(amount=88_000)
        changed[2].update(amount=1.5)
        deliver(redelivery, day, {"PAY": changed})


def _refresh_args(url: str) -> list[str]:
    return ["refresh", "--from", DAYS[0].isoformat(), "--to", DAYS[-1].isoformat(), "--db", url]


def test_a_redelivery_while_its_date_is_recomputed(store_url, new_store_url, tmp_path):
    inbox, redelivery = tmp_path / "in", tmp_path / "redelivered"
    _deliveries(inbox, redelivery)
    first, last = REDELIVERED[0].isoformat(), REDELIVERED[-1].isoformat()
    sequential = new_store_url()
    for url in (sequential, store_url):  # the history, its figures left to the refresh
        run_here([*ingest_args(url, inbox, DAYS[0].isoformat(), DAYS[-1].isoformat()), "--no-refresh"])
    run_here(_refresh_args(sequential))
    run_here(ingest_args(sequential, redelivery, first, last))
    expected = canonical_dump(open_store(sequential))

    env = app_env(PYTHONUNBUFFERED="1")
    refresh = subprocess.Popen([*APP, *_refresh_args(store_url)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = refresh.stdout.readline()
    assert "refreshing" in line, line + refresh.stderr.read()  # the refresh is at work on the dates
    ingest = subprocess.Popen([*APP, *ingest_args(store_url, redelivery, first, last)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert refresh.poll() is None  # the redelivery arrives while the recomputation runs
    out, err = ingest.communicate()
    assert ingest.returncode == 0, err
    assert "载入 loaded 3" in out
    rest, err = refresh.communicate()
    assert refresh.returncode == 0, err
    assert "完成 / done" in rest

    engine = open_store(store_url)
    with engine.connect() as conn:  # each redelivery did replace three vouchers
        change = conn.execute(select(file_change.c.rows_changed)).scalars().all()
        amount = conn.execute(select(pay.c.amount_fen).where(pay.c.voucher_no == "P08001")).scalar()
    assert change == [3, 3, 3] and amount == 8_800_000
    assert canonical_dump(engine) == expected
