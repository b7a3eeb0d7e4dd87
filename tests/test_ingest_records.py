"""`report ingest|findings`: the run and finding records, with exactly the fields of indicators.md § Exports."""
from __future__ import annotations

import json

from click.testing import CliRunner

from cli import main
from ingest.load import ingest_dates
from ingest.validate import MAX_FINDINGS_PER_RULE
from tests.deliveries import D1, base_rows, deliver, voucher

INGEST_FIELDS = ["business_date", "file", "report", "status", "rows", "amount_total", "errors", "warnings"]
FINDING_FIELDS = ["business_date", "file", "rule_id", "severity", "line", "column", "value", "expected", "message"]


def _report(url, *args):
    result = CliRunner().invoke(main, ["report", *args, "--db", url])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_ingest_and_findings_exports(store, store_url, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "q"))
    rows = base_rows()
    rows["PAY"][1]["amount"] = "12.345"
    deliver(tmp_path / "in", D1, rows)
    ingest_dates(store, tmp_path / "in", [D1])
    files = json.loads(_report(store_url, "ingest", "--date", "2026-03-02", "--format", "json"))
    assert [list(f) for f in files] == [INGEST_FIELDS] * 4
    pay = next(f for f in files if f["report"] == "PAY")
    bgt = next(f for f in files if f["report"] == "BGT")
    assert (pay["status"], pay["rows"], pay["errors"]) == ("refused", 2, 2)  # the bad cell, and so the total
    assert bgt["status"] == "loaded" and bgt["amount_total"] == 1050000.00
    found = json.loads(_report(store_url, "findings", "--date", "2026-03-02", "--format", "json"))
    decimals = next(f for f in found if f["rule_id"] == "AMOUNT_DECIMALS")
    assert list(decimals) == FINDING_FIELDS
    assert (decimals["file"], decimals["line"], decimals["column"], decimals["value"], decimals["expected"],
            decimals["severity"]) == ("PAY_419900_20260302.csv", 3, "支付金额", "12.345", "最多 2 位小数", "error")
    # the manifest's declared total no longer matches either: a second finding on the same file
    assert {f["rule_id"] for f in found} == {"AMOUNT_DECIMALS", "MANIFEST_AMOUNT"}
    csv_text = _report(store_url, "findings", "--date", "2026-03-02", "--format", "csv").lstrip("\ufeff")
    assert csv_text.splitlines()[0] == ",".join(FINDING_FIELDS)


def test_a_rule_hit_on_many_rows_lists_a_hundred_and_counts_them_all(store, store_url, tmp_path):
    rows = base_rows()
    rows["PAY"] = [voucher(f"V{i}", "101001", "Q1", "1,00") for i in range(MAX_FINDINGS_PER_RULE + 50)]
    deliver(tmp_path / "in", D1, rows, manifest=False)
    ingest_dates(store, tmp_path / "in", [D1])
    [pay] = [f for f in json.loads(_report(store_url, "ingest", "--date", "2026-03-02")) if f["report"] == "PAY"]
    assert (pay["status"], pay["errors"]) == ("refused", MAX_FINDINGS_PER_RULE + 50)
    found = [f for f in json.loads(_report(store_url, "findings", "--date", "2026-03-02")) if f["rule_id"] == "AMOUNT_FORMAT"]
    assert len(found) == MAX_FINDINGS_PER_RULE + 1 and found[0]["expected"] == "以元为单位的金额，如 1234567.89"
    assert [f["line"] for f in found if "另有 50 行" in f["message"]] == [None]
