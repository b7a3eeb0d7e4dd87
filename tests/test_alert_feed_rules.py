"""Data-quality alerts from the ingest's own records: a daily report that stops arriving, a refused file."""
from __future__ import annotations

import datetime as dt

from ingest.load import ingest_dates
from tests.alert_support import evaluate_days, fired_on
from tests.deliveries import TOP, base_rows, deliver, voucher

FEEDS = ("FEED_MISSING", "FEED_REFUSED")
DAYS = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(7)]


def inc(day, k):
    return dict(date=day, region_code=TOP, code="10101", fund_type="一般公共预算", collector="税务", amount=1000 + k)


def test_a_missing_daily_report_and_a_refused_file(store, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "quarantine"))
    for k, day in enumerate(DAYS):
        rows = base_rows() if k == 0 else {"PAY": [voucher(f"D{k}", "101001", "Q1", 100 + k, day=day)]}
        if k < 6:
            rows["INC"] = [inc(day, k)]  # INC arrives six days running, then not on the seventh
        else:
            rows["PAY"].append(voucher("BAD", "101001", "NO-SUCH-QUOTA", 5, day=day))
        deliver(tmp_path / "inbox", day, rows)
    result = ingest_dates(store, tmp_path / "inbox", DAYS)
    assert [f.status for f in result.files if f.business_date == DAYS[-1]] == ["refused"]
    evaluate_days(store, DAYS[-2], DAYS[-1])
    assert fired_on(store, DAYS[-2], FEEDS) == {}
    fired = fired_on(store, DAYS[-1], FEEDS)
    assert set(fired) == {("FEED_MISSING", f"{TOP}|INC"), ("FEED_REFUSED", "PAY_419900_20260308.csv")}
    refused = fired[("FEED_REFUSED", "PAY_419900_20260308.csv")]
    assert refused["severity"] == "橙" and refused["category"] == "数据质量"
    assert any("PAY_QUOTA_UNKNOWN" in e for e in refused["evidence"])
    missing = fired[("FEED_MISSING", f"{TOP}|INC")]
    assert missing["severity"] == "黄" and "收入日报" in missing["subject_name"]


def test_a_date_not_yet_delivered_is_not_reported_missing(store, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "quarantine"))
    for k, day in enumerate(DAYS[:6]):
        rows = base_rows() if k == 0 else {"PAY": [voucher(f"D{k}", "101001", "Q1", 100 + k, day=day)]}
        rows["INC"] = [inc(day, k)]
        deliver(tmp_path / "inbox", day, rows)
    ingest_dates(store, tmp_path / "inbox", DAYS[:6])
    evaluate_days(store, DAYS[6])
    assert fired_on(store, DAYS[6], FEEDS) == {}
