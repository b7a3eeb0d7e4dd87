"""`python app.py report`: the spec's field names, exported numbers, CSV/XLSX that never turn text into
formulas, clean one-line failures (of the ingest's arguments too)."""
import json
from decimal import Decimal

import openpyxl
from click.testing import CliRunner

from cli import main
from indicators.registry import fields, label
from tests import test_execution
from tests.builders import Builder

ARGS = ["report", "execution", "--date", "2026-06-30"]


def run(url, *args):
    return CliRunner().invoke(main, [*args, "--db", url], catch_exceptions=False)


def build(url):
    from warehouse.db import open_store
    engine = open_store(url)
    test_execution.build(engine)
    b = Builder(engine)
    b.unit("500001", "=1+1", "500", "@SUM(A1)", "419900")  # names a spreadsheet would evaluate
    b.quota("X1", "500001", "10", "2026-01-02")
    return engine


def test_json_fields_and_numbers(store_url):
    build(store_url)
    result = run(store_url, *ARGS)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout, parse_float=Decimal)
    assert all(list(r) == fields("execution") for r in rows)
    top = rows[0]
    assert (top["code"], top["scope"], top["fund_type"], top["date"]) == ("419900", "全辖", "全部", "2026-06-30")
    assert '"adjusted_budget": 2450010.00' in result.stdout and '"execution_rate": 0.257142' in result.stdout
    assert top["lag_pp"] == Decimal("-23.87") and rows[-1]["execution_rate"] is None
    units = json.loads(run(store_url, *ARGS, "--level", "unit", "--fund-type", "政府性基金预算").stdout)
    assert [(r["code"], r["fund_type"]) for r in units] == [("100002", "政府性基金预算"), ("300001", "政府性基金预算")]


def test_csv_and_xlsx_keep_text_as_text(store_url, tmp_path):
    build(store_url)
    result = CliRunner().invoke(main, [*ARGS, "--level", "dept", "--format", "csv", "--db", store_url])
    data = result.stdout_bytes
    assert not data.startswith("\ufeff".encode()) and result.exit_code == 0  # for programs: no byte-order mark
    lines = data.decode("utf-8").splitlines()
    assert lines[0] == ",".join(fields("execution"))
    assert any(line.startswith("dept,500,'@SUM(A1),全辖,2026-06-30,全部,10.00,10.00,0.00,0.000000") for line in lines)

    out = tmp_path / "execution.xlsx"
    assert run(store_url, *ARGS, "--level", "unit", "--format", "xlsx", "--out", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet, named = book.worksheets
    header = [c.value for c in sheet[1]]
    assert header == list(fields("execution"))  # the field names, as in JSON and CSV
    assert [tuple(r) for r in named.iter_rows(min_row=2, max_row=4, values_only=True)] == [
        ("level", "层级", None), ("code", "编码", None), ("name", "名称", None)]
    assert ("adjusted_budget", label("execution", "adjusted_budget"), "元") in set(named.iter_rows(values_only=True))
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "500001")
    assert (row[2].value, row[2].data_type) == ("=1+1", "s")
    assert row[header.index("date")].value == "2026-06-30"  # as in JSON and CSV
    budget = row[header.index("adjusted_budget")]
    assert budget.value == 10 and budget.number_format == "#,##0.00"


def test_failures_are_one_line(store_url, tmp_path):
    build(store_url)
    for args in ([*ARGS, "--region", "999999"], ["report", "debt", "--date", "2026-06-30", "--fund-type", "一般公共预算"],
                 ["report", "debt", "--date", "2026-06-30", "--level", "unit"]):
        result = CliRunner().invoke(main, [*args, "--db", store_url])
        assert result.exit_code != 0 and len(result.output.strip().splitlines()) == 1, result.output
    assert run(store_url, *ARGS, "--format", "xlsx").exit_code != 0  # xlsx needs --out
    assert run(store_url, "report", "execution", "--date", "2026-13-01").exit_code != 0


def test_usage_errors_are_one_line_too(store_url, tmp_path):
    """cli.md: a command that cannot do its job exits non-zero with a one-line reason — a bad argument too, not
    click's usage block."""
    for args in (["report", "nonsense", "--date", "2026-06-30"], ["report", "execution"],
                 ["report", "execution", "--date", "2026-13-01"], [*ARGS, "--format", "xlsx"],
                 ["ingest", "--inbox", str(tmp_path / "absent"), "--date", "2026-06-30"],
                 ["ingest", "--inbox", str(tmp_path), "--from", "2026-06-30", "--to", "2026-06-01"],
                 ["no-such-command"]):
        result = CliRunner().invoke(main, [*args, "--db", store_url])
        assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1, (args, result.output)


def test_a_store_that_cannot_be_opened_is_one_line_and_none_is_made(tmp_path):
    for url in ("notaurl", "sqlite:///", f"sqlite:///{tmp_path}/absent/budget.db"):
        result = CliRunner().invoke(main, [*ARGS, "--db", url])
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, (url, result.output)
    assert not (tmp_path / "absent").exists()  # a mistyped path is not answered with a new, empty store


def test_a_date_without_a_delivery_folder_is_said(store_url, tmp_path):
    (tmp_path / "20260629").mkdir()
    result = run(store_url, "ingest", "--inbox", str(tmp_path), "--from", "2026-06-29", "--to", "2026-06-30",
                 "--quiet", "--no-refresh")
    assert result.exit_code == 0 and "无交付文件夹 / no delivery folder: 20260630" in result.output, result.output


def test_every_indicator_report_and_records(store_url):
    build(store_url)
    for name in ("sangong", "revenue", "debt", "assets", "audit", "projects", "forecast"):
        result = run(store_url, "report", name, "--date", "2026-06-30")
        assert result.exit_code == 0, (name, result.output)
        rows = json.loads(result.stdout)
        assert all(list(r) == fields(name) for r in rows)
    ingest = run(store_url, "report", "ingest", "--date", "2026-06-30", "--format", "csv")
    assert ingest.exit_code == 0 and ingest.stdout.lstrip("\ufeff").splitlines() == [",".join(fields("ingest"))]
