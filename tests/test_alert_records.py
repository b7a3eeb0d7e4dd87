"""`report alerts --date D`: the alerts open as of D, each once, with what was known on D."""
from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from alerts import lifecycle
from alerts.records import alert_records
from alerts.tables import alert
from indicators.registry import RECORD_FIELDS
from tests.alert_support import evaluate_days
from tests.builders import Builder, city


@pytest.fixture
def history(store_any):
    """Quota QS overpaid on 1 June, the alert closed on 2 June, reopened by another payment on 3 June;
    a just-below-threshold voucher on 2 June left open."""
    b = city(Builder(store_any))
    b.quota("QS", "100001", 1_000_000, "2026-01-05")
    b.pay("OV1", "QS", 1_100_000, "2026-06-01", account="A1")
    b.quota("QB", "200001", 90_000_000, "2026-01-05")
    b.pay("JB", "QB", 960_000, "2026-06-02", account="A2")
    evaluate_days(store_any, "2026-06-01")
    with store_any.connect() as conn:
        over = conn.scalar(select(alert.c.id).where(alert.c.rule_id == "PAY_OVER_QUOTA"))
    at = dt.datetime(2026, 6, 2, 17)
    lifecycle.dismiss(store_any, over, "王科长", "已追回", at=at)
    b.pay("OV2", "QS", 50_000, "2026-06-03", account="A3")
    evaluate_days(store_any, "2026-06-02", "2026-06-03")
    return store_any


def rows_by_rule(engine, day):
    return {r["rule_id"]: r for r in alert_records(engine, dt.date.fromisoformat(day))
            if r["rule_id"] in ("PAY_OVER_QUOTA", "JUST_BELOW")}


def test_open_as_of_each_date_with_what_was_known_then(history):
    assert rows_by_rule(history, "2026-05-31") == {}
    first = rows_by_rule(history, "2026-06-01")["PAY_OVER_QUOTA"]
    assert (first["status"], first["first_seen"], first["last_seen"]) == ("新", dt.date(2026, 6, 1), dt.date(2026, 6, 1))
    assert first["figure"] == Decimal("100000.00") and first["threshold"] == Decimal("0.00")
    assert first["evidence"] == ["419900/OV1"] and first["subject_code"] == "419900/2026/QS"
    assert set(rows_by_rule(history, "2026-06-02")) == {"JUST_BELOW"}  # dismissed on 2 June
    again = rows_by_rule(history, "2026-06-03")["PAY_OVER_QUOTA"]
    assert (again["status"], again["first_seen"], again["last_seen"]) == ("新", dt.date(2026, 6, 1), dt.date(2026, 6, 3))
    assert again["figure"] == Decimal("150000.00") and again["evidence"] == ["419900/OV1", "419900/OV2"]
    assert again["severity"] == "红" and again["category"] == "合法性" and again["basis"] == "预算法 第13条"
    assert list(again) == list(RECORD_FIELDS["alerts"])
    rules = [r["rule_id"] for r in alert_records(history, dt.date(2026, 6, 3))]
    assert rules.index("PAY_OVER_QUOTA") < rules.index("JUST_BELOW")  # most severe first


def test_the_report_command_in_every_format(store, tmp_path):
    b = city(Builder(store))
    b.quota("QB", "200001", 90_000_000, "2026-01-05")
    b.pay("JB", "QB", 960_000, "2026-06-02", account="A2")
    evaluate_days(store, "2026-06-02")
    from cli import main

    url = str(store.url)
    run = CliRunner().invoke
    out = run(main, ["report", "alerts", "--date", "2026-06-02", "--db", url])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    jb = next(r for r in rows if r["rule_id"] == "JUST_BELOW")
    assert jb["figure"] == 960000.0 and jb["evidence"] == ["419900/JB"] and jb["first_seen"] == "2026-06-02"
    assert list(jb) == list(RECORD_FIELDS["alerts"])
    out = run(main, ["report", "alerts", "--date", "2026-06-02", "--format", "csv", "--db", url])
    header, *lines = out.output.lstrip("\ufeff").splitlines()
    assert header.split(",") == list(RECORD_FIELDS["alerts"]) and any("419900/JB" in line for line in lines)
    target = tmp_path / "alerts.xlsx"
    out = run(main, ["report", "alerts", "--date", "2026-06-02", "--format", "xlsx", "--out", str(target), "--db", url])
    assert out.exit_code == 0, out.output
    import openpyxl
    sheet = openpyxl.load_workbook(io.BytesIO(target.read_bytes())).active
    assert [c.value for c in sheet[1]] == list(RECORD_FIELDS["alerts"])
    assert any(row[1] == "JUST_BELOW" for row in sheet.iter_rows(min_row=2, values_only=True))
