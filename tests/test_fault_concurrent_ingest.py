"""Two ingests started at once on one store: one loads, the other is refused at once with a clear message and
leaves no trace, and the store ends as one run leaves it.

The two processes start together while the test holds the store's writes (tests/faults.py `writes_held`), so
whichever takes the ingest lock first is still loading when the other asks for it — however the machine
schedules them — and finishes once the test lets go.
"""
from __future__ import annotations

import subprocess

from sqlalchemy import select

from tests.faults import app_env, big_delivery, canonical_dump, ingest_args, ingest_cmd, run_here, wait_for, \
    writes_held
from warehouse.db import open_store
from warehouse.schema import ingest_run


def test_two_ingests_started_at_once(store_url, new_store_url, tmp_path):
    inbox = tmp_path / "in"
    big_delivery(inbox, 5_000)
    reference = new_store_url()
    run_here(ingest_args(reference, inbox))
    expected = canonical_dump(open_store(reference))

    engine = open_store(store_url)
    env = app_env(BUDGET_SQLITE_BUSY_MS="600000")  # the winner waits for the test's lock, however long
    with writes_held(engine):
        procs = [subprocess.Popen(ingest_cmd(store_url, inbox), env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
        # the loser gives up at once; the winner, holding the ingest lock, waits for the test
        wait_for(lambda: any(p.poll() is not None for p in procs), "one of the two ingests ended")
    outputs = [p.communicate() for p in procs]
    outcomes = [(p.returncode, out, err) for p, (out, err) in zip(procs, outputs)]
    assert sorted(code for code, _, _ in outcomes) == [0, 1], outcomes
    _, _, refused = next(o for o in outcomes if o[0] == 1)
    assert "另一个导入任务正在使用该数据库，请稍后再试" in refused and "Traceback" not in refused
    _, done, _ = next(o for o in outcomes if o[0] == 0)
    assert "载入 loaded 6" in done
    with engine.connect() as conn:
        assert conn.execute(select(ingest_run.c.status)).scalars().all() == ["completed"]
    assert canonical_dump(engine) == expected
