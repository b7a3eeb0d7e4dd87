"""The daily T+1 job: which dates are due, that it loads them, and that the scheduler fires at the set time."""
from __future__ import annotations

import datetime as dt

from cli.schedule_cmd import build_scheduler
from pipeline import dates_due, run_daily_job
from tests.deliveries import D1, D2, base_rows, deliver, voucher


def test_first_run_loads_yesterday_then_catches_up_missed_dates(store, tmp_path):
    assert dates_due(store, D2) == [D1]
    deliver(tmp_path / "in", D1, base_rows())
    result = run_daily_job(store, tmp_path / "in", today=D2)
    assert result.count("loaded") == 4
    # the server was down for three days: every missed date is due, in order
    later = D2 + dt.timedelta(days=3)
    assert dates_due(store, later) == [D2 + dt.timedelta(days=i) for i in range(3)]
    deliver(tmp_path / "in", D2, {"PAY": [voucher("V3", "101001", "Q1", 10, day=D2)]})
    assert run_daily_job(store, tmp_path / "in", today=later).count("loaded") == 1


def test_scheduler_fires_daily_at_the_set_time():
    scheduler = build_scheduler(lambda: None, "07:30", blocking=False)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("t_plus_1")
        fire = job.next_run_time
        assert (fire.hour, fire.minute) == (7, 30) and str(fire.tzinfo) == "Asia/Shanghai"
    finally:
        scheduler.shutdown(wait=False)


def test_refresh_starts_at_the_first_business_date_not_at_an_old_bond(store, tmp_path, monkeypatch):
    """A bond issued in 2015 is loaded with the first delivery: figures are refreshed from that delivery on."""
    import pipeline
    from ingest.load import ingest_dates
    from tests.deliveries import all_reports

    rows = all_reports()
    rows["DEBT_BOND"][0].update(issue_date=dt.date(2015, 6, 1), maturity_date=dt.date(2030, 6, 1))
    deliver(tmp_path / "in", D1, rows)
    result = ingest_dates(store, tmp_path / "in", [D1])
    assert result.earliest_touched == dt.date(2015, 6, 1)
    calls = []
    monkeypatch.setattr(pipeline, "_steps", lambda: [lambda engine, since, until: calls.append((since, until))])
    pipeline.refresh_after_ingest(store, result)
    assert calls == [(D1, D1)]
