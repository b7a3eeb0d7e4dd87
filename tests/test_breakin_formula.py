"""CSV / Excel formula injection: text that a spreadsheet would run as a formula (= + - @, a leading tab) —
payee names and purposes arriving through the ingest — is written as inert text in every export: prefixed with
a single quote in CSV, a text cell with Excel's quote prefix (never a formula) in XLSX.
"""
from __future__ import annotations

import base64
import csv
import io
import json
import zipfile

import openpyxl
import pytest

from auth.principal import MEMBER
from dashboard import create_app
from indicators.export import FORMULA_START, export, to_csv, to_xlsx
from tests import hostile_city as hostile
from tests.breakin_support import client_as, post_callback
from warehouse import db

FORMULAS = (*hostile.FORMULAS, "=1+2", "\r=1+1")


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))


def _cells(data: bytes) -> list:
    return [c for row in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2) for c in row]


def test_csv_prefixes_every_formula_start_and_leaves_numbers_and_plain_text_alone():
    rows = [{"text": f, "n": -5} for f in FORMULAS] + [{"text": t, "n": 1} for t in ("普通文本 =1", "-234.57", "+5")]
    lines = list(csv.reader(io.StringIO(to_csv(rows, ["text", "n"]).decode("utf-8"))))
    assert [line[0] for line in lines[1:]] == [f"'{f}" for f in FORMULAS] + ["普通文本 =1", "-234.57", "+5"]
    assert [line[1] for line in lines[1:]] == ["-5"] * len(FORMULAS) + ["1"] * 3


def test_xlsx_writes_formula_text_as_quoted_text_cells_never_as_formulas():
    written = [f for f in FORMULAS if not f.startswith("\r")]  # a carriage return comes back as _x000D_
    data = to_xlsx([{"voucher_no": f, "payee_name": "普通文本"} for f in FORMULAS]
                   + [{"voucher_no": "V1", "payee_name": t} for t in ("-234.57", "+5")], ["voucher_no", "payee_name"],
                   "vouchers")
    assert "<f>" not in _sheet_xml(data)  # no formula anywhere in the sheet
    cells = _cells(data)
    texts = [c for c in cells if c.column == 1 and c.value != "V1"]
    assert [c.value for c in texts][:len(written)] == written
    assert all(c.data_type == "s" and c.quotePrefix for c in texts)
    assert not any(c.quotePrefix for c in cells if c.column == 2)  # plain text and plain numbers keep their look


@pytest.fixture(scope="module")
def setup(module_store_url, tmp_path_factory):
    engine = db.open_store(module_store_url)
    hostile.load(engine, tmp_path_factory.mktemp("inbox"))
    app = create_app(module_store_url)
    yield app, client_as(app, engine, MEMBER, "member")
    engine.dispose()


def _download(app, client, table: str, fmt: str, args=None, **query) -> bytes:
    search = "?" + "&".join(f"{k}={v}" for k, v in {"date": hostile.D1.isoformat(), "region": hostile.COUNTY,
                                                     **query}.items())
    response = post_callback(client, app, "dashboard.exports.download", [1], [args, search],
                             {"table": table, "fmt": fmt})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = json.loads(response.get_data(as_text=True))["response"]
    return base64.b64decode(next(iter(answer.values()))["data"]["content"])


def _voucher_args() -> dict:
    scope = {"region": hostile.COUNTY, "start": "2026-01-01", "end": hostile.D1.isoformat(), "within": {},
             "fund_type": None, "econ_codes": []}
    return {"scope": scope, "sort": ["pay_date", "desc"], "filter": {}}


def test_downloaded_voucher_lists_neutralise_formula_payees_and_purposes(setup):
    app, client = setup
    data = _download(app, client, "execution-vouchers", "csv", _voucher_args())
    assert data.startswith("\ufeff".encode())  # a download Excel opens: marked as UTF-8
    text = data.decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    shown = {r["payee_name"] for r in table} | {r["purpose"] for r in table}
    stored = {f.lstrip("\t") for f in hostile.FORMULAS}  # the ingest trims a leading tab
    assert {f"'{f}" for f in stored} <= shown
    assert not [v for r in table for v in r.values() if v.startswith(FORMULA_START)]

    data = _download(app, client, "execution-vouchers", "xlsx", _voucher_args())
    assert "<f>" not in _sheet_xml(data)
    formulas = [c for c in _cells(data) if isinstance(c.value, str) and c.value.startswith(FORMULA_START)]
    assert {c.value for c in formulas} == stored and all(c.data_type == "s" and c.quotePrefix for c in formulas)


def test_a_department_named_as_a_formula_is_inert_in_the_execution_export(setup):
    app, client = setup
    for fmt in ("csv", "xlsx"):
        data = _download(app, client, "execution-table", fmt, region=hostile.TOP)
        if fmt == "csv":
            assert f"'{hostile.DEPT_FORMULA}" in data.decode("utf-8-sig")
        else:
            assert "<f>" not in _sheet_xml(data)
            cells = [c for c in _cells(data) if c.value == hostile.DEPT_FORMULA]
            assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_every_export_format_of_the_report_command_is_as_safe():
    rows = [{"voucher_no": f} for f in FORMULAS]
    assert b"'=cmd" in export("vouchers", rows, "csv")
    assert "<f>" not in _sheet_xml(export("vouchers", rows, "xlsx"))
    assert json.loads(export("vouchers", rows, "json"))[0]["voucher_no"] == FORMULAS[0]  # JSON is data, kept as is
