"""Every rule of the validation catalogue, provoked by a bad delivery: a clear finding, nothing valid lost.

Each case writes a delivery that breaks exactly one rule and says which file carries the finding and where.
A test checks that the cases cover the whole catalogue, so a new rule cannot be added untested.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingest.delivery import file_name, sha256_of, write_report
from ingest.load import ingest_dates
from ingest.rules import RULES
from tests.deliveries import D1, D2, TOP, all_reports, base_rows, deliver, quota, voucher
from warehouse.db import open_store
from warehouse.schema import finding, ingest_file, pay

pytestmark = pytest.mark.long(1.3)  # minutes of a test worker under the full suite: started first

CASES: dict[str, callable] = {}


def case(rule_id: str, file: str, line: int | None = None, column: str | None = None, value: str | None = None,
         says: str | None = None):
    """Register a builder: it writes the inbox and returns the business dates to ingest. `value` is the cell as
    written in `column`; `says`, what the message must also name (the key, quota, voucher or bond judged)."""
    def register(fn):
        CASES[rule_id] = (fn, file, line, column, value, says)
        return fn
    return register


def _with(report: str, edit, day=D1, **kw):
    def build(inbox: Path):
        rows = base_rows()
        edit(rows[report]) if report in rows else None
        deliver(inbox, day, rows, **kw)
        return [day]
    return build


def _csv(inbox: Path, day: dt.date, name: str, text: str | bytes, encoding="utf-8"):
    folder = inbox / f"{day:%Y%m%d}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode(encoding))


def _first_day_then(report_rows: dict, day=D2):
    """Deliver the base city on D1, then `report_rows` on `day`."""
    def build(inbox: Path):
        deliver(inbox, D1, base_rows())
        deliver(inbox, day, report_rows)
        return [D1, day]
    return build


PAY_D1 = f"PAY_{TOP}_20260302.csv"
BGT_D1 = f"BGT_{TOP}_20260302.csv"


@case("FILE_NAME", "pay-today.csv")
def _(inbox):
    deliver(inbox, D1, base_rows())
    _csv(inbox, D1, "pay-today.csv", "a,b\n1,2\n")
    return [D1]


@case("FILE_REPORT_UNKNOWN", f"SALARY_{TOP}_20260302.csv", value="SALARY")
def _(inbox):
    deliver(inbox, D1, base_rows())
    _csv(inbox, D1, f"SALARY_{TOP}_20260302.csv", "a,b\n1,2\n")
    return [D1]


@case("FILE_DATE_MISMATCH", f"PAY_{TOP}_20260301.csv", value="2026-03-01")
def _(inbox):
    deliver(inbox, D1, base_rows())
    folder = inbox / "20260302"
    (folder / PAY_D1).rename(folder / f"PAY_{TOP}_20260301.csv")
    (folder / "manifest.json").unlink()
    return [D1]


@case("FILE_REGION_UNKNOWN", f"PAY_429900_20260302.csv", value="429900")
def _(inbox):
    deliver(inbox, D1, base_rows(), manifest=False)
    folder = inbox / "20260302"
    (folder / PAY_D1).rename(folder / "PAY_429900_20260302.csv")
    return [D1]


@case("FILE_ENCODING", PAY_D1)
def _(inbox):
    deliver(inbox, D1, base_rows(), manifest=False)
    path = inbox / "20260302" / PAY_D1
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return [D1]


@case("FILE_PARSE", f"PAY_{TOP}_20260302.xlsx")
def _(inbox):
    deliver(inbox, D1, base_rows(), manifest=False, ext={"PAY": "xlsx"})
    path = inbox / "20260302" / f"PAY_{TOP}_20260302.xlsx"
    path.write_bytes(path.read_bytes()[:700])  # truncated in transfer
    return [D1]


@case("FILE_TOO_LARGE", PAY_D1)
def _(inbox):
    deliver(inbox, D1, base_rows(), manifest=False)
    with open(inbox / "20260302" / PAY_D1, "r+b") as fh:
        fh.truncate(1 << 30)  # a 1 GB file (sparse: costs no disk)
    return [D1]


@case("QUARANTINE_WRITE", PAY_D1)
def _(inbox):
    """A refused file whose quarantine copy cannot be written (a file stands where the quarantine folder should
    be; a full disk is tests/test_fault_disk_full.py) keeps its findings, plus this one, and no copy."""
    rows = base_rows()
    rows["PAY"][1]["amount"] = "abc"
    deliver(inbox, D1, rows)
    (inbox.parent / "quarantine").write_text("not a folder")
    return [D1]


@case("FILE_EMPTY", PAY_D1, 1)
def _(inbox):  # not even a header (a header-only file is valid: nothing today)
    deliver(inbox, D1, base_rows(), manifest=False)
    (inbox / "20260302" / PAY_D1).write_bytes(b"")
    return [D1]


@case("HEADER_MISSING", PAY_D1, 1, "支付金额")
def _(inbox):
    rows = base_rows()
    folder = deliver(inbox, D1, {k: v for k, v in rows.items() if k != "PAY"}, manifest=False)
    cols = [c for c in ("voucher_no", "pay_date", "region_code", "unit_code", "quota_id", "payee_name",
                        "payee_account", "pay_method")]
    write_report(folder / PAY_D1, "PAY", rows["PAY"], columns=cols)
    return [D1]


@case("HEADER_DUPLICATE", PAY_D1, 1, "凭证号")
def _(inbox):
    deliver(inbox, D1, base_rows(), manifest=False)
    path = inbox / "20260302" / PAY_D1
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [ln + ("," + ln.split(",")[0]) for ln in lines]
    lines[0] = lines[0].rsplit(",", 1)[0] + ",凭证号"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [D1]


@case("ROW_FIELD_COUNT", PAY_D1, 3)
def _(inbox):
    deliver(inbox, D1, base_rows(), manifest=False)
    path = inbox / "20260302" / PAY_D1
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2] + ",多余"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [D1]


@case("HEADER_EXTRA", PAY_D1, 1, "备注")
def _(inbox):
    rows = base_rows()
    for r in rows["PAY"]:
        r["remark"] = "x"
    folder = deliver(inbox, D1, {k: v for k, v in rows.items() if k != "PAY"}, manifest=False)
    path = folder / PAY_D1
    write_report(path, "PAY", rows["PAY"])
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",备注"] + [ln + ",随便" for ln in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [D1]


@case("REQUIRED", PAY_D1, 2, "收款人名称")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(payee_name="  "))(inbox)


@case("AMOUNT_FORMAT", PAY_D1, 2, "支付金额", "一千元")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(amount="一千元"))(inbox)


@case("AMOUNT_DECIMALS", PAY_D1, 3, "支付金额", "12.345")
def _(inbox):
    return _with("PAY", lambda r: r[1].update(amount="12.345"))(inbox)


@case("AMOUNT_SIGN", PAY_D1, 2, "支付金额", "0")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(amount="0"))(inbox)


@case("NUMBER_FORMAT", BGT_D1, 2, "预算年度", "二〇二六")
def _(inbox):
    return _with("BGT", lambda r: r[0].update(year="二〇二六"))(inbox)


@case("DATE_FORMAT", PAY_D1, 2, "支付日期", "2026-02-30")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(pay_date="2026-02-30"))(inbox)


@case("ENUM", PAY_D1, 2, "支付方式", "网银支付")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(pay_method="网银支付"))(inbox)


@case("CODE_FORMAT", BGT_D1, 2, "功能分类编码", "20502")
def _(inbox):
    return _with("BGT", lambda r: r[0].update(func_code="20502"))(inbox)


@case("CODE_LEADING_ZERO", PAY_D1, 3, "单位编码", "12001")
def _(inbox):
    return _with("PAY", lambda r: r[1].update(unit_code="12001"))(inbox)


@case("CELL_PRECISION", f"PAY_{TOP}_20260302.xlsx", 2, "收款人账号", "6222020200112233")
def _(inbox):  # a 16-digit card number in a number cell: Excel keeps 15 digits (19 would read 6222…000)
    return _with("PAY", lambda r: r[0].update(payee_account=6222020200112233), ext={"PAY": "xlsx"})(inbox)


@case("CODE_UNKNOWN", BGT_D1, 2, "部门经济分类编码", "30298")
def _(inbox):
    return _with("BGT", lambda r: r[0].update(econ_code="30298"))(inbox)


@case("KEY_DUPLICATE_IN_FILE", PAY_D1, 3, "凭证号", "V1", says=f"区划编码={TOP}，凭证号=V1")
def _(inbox):
    return _with("PAY", lambda r: r[1].update(voucher_no="V1", region_code=TOP, unit_code="101001", quota_id="Q1"))(inbox)


@case("KEY_DUPLICATE_STORED", f"PAY_{TOP}_20260303.csv", 2, "凭证号", "V1", says=PAY_D1)
def _(inbox):
    return _first_day_then({"PAY": [voucher("V1", "101001", "Q1", 10, day=D2)]})(inbox)


@case("DATE_AFTER_BUSINESS_DATE", PAY_D1, 2, "支付日期", "2026-03-03")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(pay_date=D2))(inbox)


@case("REGION_PARENT_UNKNOWN", f"DM_REGION_{TOP}_20260302.csv", 3, "上级区划编码", "418800")
def _(inbox):
    return _with("DM_REGION", lambda r: r[1].update(parent_code="418800"))(inbox)


@case("FUNC_PARENT_UNKNOWN", f"DM_FUNC_{TOP}_20260302.csv", 2, "科目编码", "2990101")
def _(inbox):
    rows = base_rows()
    rows["DM_FUNC"] = [dict(code="2990101", name="虚构项", year=2026)]
    deliver(inbox, D1, rows)
    return [D1]


@case("BGT_YEAR_MISMATCH", BGT_D1, 2, "下达日期", "2025-12-30")
def _(inbox):
    return _with("BGT", lambda r: r[0].update(issued_date=dt.date(2025, 12, 30)))(inbox)


@case("BGT_PROJECT_REQUIRED", BGT_D1, 2, "项目名称")
def _(inbox):  # only the name is required of a 项目支出 (interface.md): a missing code is no finding
    return _with("BGT", lambda r: (r[0].update(exp_type="项目支出", project_code="P1"),
                                   r[1].update(exp_type="项目支出", project_name="某项目")))(inbox)


@case("BGT_ORIG_REQUIRED", BGT_D1, 4, "原指标编号")
def _(inbox):
    return _with("BGT", lambda r: r.append(quota("Q3", "101001", "2050201", "30201", 10, "调减")))(inbox)


@case("BGT_ORIG_UNKNOWN", BGT_D1, 4, "原指标编号", "Q9")
def _(inbox):
    return _with("BGT", lambda r: r.append(quota("Q3", "101001", "2050201", "30201", 10, "调减", orig="Q9")))(inbox)


@case("BGT_ORIG_MISMATCH", BGT_D1, 4, "部门经济分类编码", "30202")
def _(inbox):
    return _with("BGT", lambda r: r.append(quota("Q3", "101001", "2050201", "30202", 10, "追加", orig="Q1")))(inbox)


@case("BGT_REDUCE_BELOW_ZERO", f"BGT_{TOP}_20260303.csv", 2, "金额", "1000000.01", says="原指标 Q1")
def _(inbox):
    return _first_day_then({"BGT": [quota("Q3", "101001", "2050201", "30201", 1_000_000.01, "调减", orig="Q1",
                                          issued=D2)]})(inbox)


@case("PAY_LATE", f"PAY_{TOP}_20260303.csv", 2, "支付日期", "2026-02-20")
def _(inbox):
    return _first_day_then({"PAY": [voucher("V9", "101001", "Q1", 10, day=dt.date(2026, 2, 20))]})(inbox)


@case("PAY_QUOTA_UNKNOWN", PAY_D1, 2, "指标编号", "Q404")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(quota_id="Q404"))(inbox)


@case("PAY_QUOTA_MISMATCH", PAY_D1, 2, "部门经济分类编码", "30202")
def _(inbox):
    return _with("PAY", lambda r: r[0].update(econ_code="30202"))(inbox)


@case("PAY_REFUND_ORIG_REQUIRED", PAY_D1, 4, "原凭证号")
def _(inbox):
    return _with("PAY", lambda r: r.append(voucher("V3", "101001", "Q1", -10)))(inbox)


@case("PAY_REFUND_ORIG_UNKNOWN", PAY_D1, 4, "原凭证号", "V404")
def _(inbox):
    return _with("PAY", lambda r: r.append(voucher("V3", "101001", "Q1", -10, orig_voucher_no="V404")))(inbox)


@case("PAY_REFUND_ORIG_UNIT", f"PAY_{TOP}_20260303.csv", 2, "原凭证号", "V1")
def _(inbox):
    return _first_day_then({"DM_UNIT": [dict(unit_code="101002", unit_name="市教育局直属", dept_code="101",
                                             dept_name="市教育局", region_code=TOP, unit_type="事业单位")],
                            "PAY": [voucher("V3", "101002", "Q1", -10, day=D2, orig_voucher_no="V1")]})(inbox)


@case("PAY_REFUND_EXCEEDS", f"PAY_{TOP}_20260303.csv", 3, "支付金额", "-234.57", says="原凭证 V1")
def _(inbox):
    return _first_day_then({"PAY": [voucher("V3", "101001", "Q1", -1000, day=D2, orig_voucher_no="V1"),
                                    voucher("V4", "101001", "Q1", -234.57, day=D2, orig_voucher_no="V1")]})(inbox)


@case("PAY_OVER_QUOTA", PAY_D1, 4, "支付金额", "998765.45", says="指标 Q1")
def _(inbox):
    return _with("PAY", lambda r: r.append(voucher("V3", "101001", "Q1", 998_765.45)))(inbox)


@case("DEBT_MATURITY_ORDER", f"DEBT_BOND_{TOP}_20260302.csv", 2, "到期日期", "2026-01-01")
def _(inbox):
    rows = all_reports()
    rows["DEBT_BOND"][0]["maturity_date"] = dt.date(2026, 1, 1)
    deliver(inbox, D1, rows)
    return [D1]


@case("DEBT_BOND_UNKNOWN", f"DEBT_FLOW_{TOP}_20260302.csv", 2, "债券编码", "B404")
def _(inbox):
    rows = all_reports()
    rows["DEBT_FLOW"][0]["bond_code"] = "B404"
    deliver(inbox, D1, rows)
    return [D1]


@case("DEBT_REPAY_EXCEEDS", f"DEBT_FLOW_{TOP}_20260303.csv", 3, "金额", "40000000.01", says="债券 B1")
def _(inbox):
    deliver(inbox, D1, all_reports())
    deliver(inbox, D2, {"DEBT_FLOW": [dict(flow_id="F2", bond_code="B1", date=D2, kind="还本", amount=60_000_000),
                                      dict(flow_id="F3", bond_code="B1", date=D2, kind="还本", amount=40_000_000.01)]})
    return [D1, D2]


@case("ASSET_PERIOD", f"ASSET_{TOP}_20260302.csv", 2, "报告期", "2025-12-30")
def _(inbox):
    rows = all_reports()
    rows["ASSET"][0]["period"] = dt.date(2025, 12, 30)
    deliver(inbox, D1, rows)
    return [D1]


@case("AUDIT_RECTIFIED_EXCEEDS", f"AUDIT_{TOP}_20260302.csv", 2, "已整改金额", "100000.01")
def _(inbox):
    rows = all_reports()
    rows["AUDIT"][0]["rectified_amount"] = 100000.01
    deliver(inbox, D1, rows)
    return [D1]


def _edit_manifest(inbox: Path, edit):
    path = inbox / "20260302" / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _pay_entry(data):
    return next(f for f in data["files"] if f["name"] == PAY_D1)


@case("MANIFEST_PARSE", "manifest.json")
def _(inbox):
    deliver(inbox, D1, base_rows())
    (inbox / "20260302" / "manifest.json").write_text("{not json", encoding="utf-8")
    return [D1]


@case("MANIFEST_DATE", "manifest.json", value="2026-03-01")
def _(inbox):
    deliver(inbox, D1, base_rows())
    _edit_manifest(inbox, lambda d: d.update(business_date="2026-03-01"))
    return [D1]


@case("MANIFEST_ROWS", PAY_D1, value="2")
def _(inbox):
    deliver(inbox, D1, base_rows())
    _edit_manifest(inbox, lambda d: _pay_entry(d).update(rows=3))
    return [D1]


@case("MANIFEST_AMOUNT", PAY_D1, value="2234.55")
def _(inbox):
    deliver(inbox, D1, base_rows())
    _edit_manifest(inbox, lambda d: _pay_entry(d).update(amount_total="2234.56"))
    return [D1]


@case("MANIFEST_SHA256", PAY_D1)
def _(inbox):
    deliver(inbox, D1, base_rows())
    path = inbox / "20260302" / PAY_D1
    path.write_bytes(path.read_bytes().replace("办公用品".encode(), "办公耗材".encode(), 1))
    return [D1]


@case("MANIFEST_FILE_MISSING", "manifest.json", value=f"INC_{TOP}_20260302.csv")
def _(inbox):
    deliver(inbox, D1, base_rows())
    _edit_manifest(inbox, lambda d: d["files"].append({"name": f"INC_{TOP}_20260302.csv", "rows": 1, "sha256": "0"}))
    return [D1]


@case("MANIFEST_FILE_UNLISTED", PAY_D1)
def _(inbox):
    deliver(inbox, D1, base_rows())
    _edit_manifest(inbox, lambda d: d.update(files=[f for f in d["files"] if f["name"] != PAY_D1]))
    return [D1]


def test_every_catalogue_rule_has_a_case():
    assert set(CASES) == set(RULES)


# Refused by the reader before the store is asked anything, and costly (the 1 GB file is hashed): one backend.
READER_ONLY = {"FILE_TOO_LARGE"}


@pytest.mark.parametrize("rule_id", sorted(set(CASES) - READER_ONLY))
def test_bad_input_gives_a_clear_finding(rule_id, store, tmp_path, monkeypatch):
    _gives_a_clear_finding(rule_id, store, tmp_path, monkeypatch)


@pytest.mark.parametrize("rule_id", sorted(READER_ONLY))
def test_bad_input_refused_by_the_reader(rule_id, sqlite_url, tmp_path, monkeypatch):
    _gives_a_clear_finding(rule_id, open_store(sqlite_url), tmp_path, monkeypatch)


def _gives_a_clear_finding(rule_id, store, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "quarantine"))
    build, file, line, column, value, says = CASES[rule_id]
    inbox = tmp_path / "inbox"
    days = build(inbox)
    ingest_dates(store, inbox, days)
    with store.connect() as conn:
        hits = conn.execute(select(finding).where(finding.c.rule_id == rule_id)).mappings().all()
        assert hits, f"no {rule_id} finding"
        hit = next((h for h in hits if h["file"] == file), None)
        assert hit is not None, f"{rule_id} findings are on {[h['file'] for h in hits]}, not {file}"
        assert hit["severity"] == RULES[rule_id].severity
        assert hit["message"] and "{" not in hit["message"]
        if line is not None:
            assert hit["line"] == line
        if column is not None:
            assert hit["column"] == column
        if value is not None:
            assert hit["value"] == value
        if says is not None:
            assert says in hit["message"], hit["message"]
        if file == "manifest.json":
            return
        record = conn.execute(select(ingest_file).where(ingest_file.c.name == file)
                              .order_by(ingest_file.c.id.desc())).mappings().first()
        if RULES[rule_id].severity == "error":
            assert record["status"] == "refused"
            if rule_id == "QUARANTINE_WRITE":
                assert record["quarantine_path"] is None
            else:
                assert Path(record["quarantine_path"]).exists()
            if file.startswith("PAY"):
                stored = conn.execute(select(func.count()).select_from(pay).where(pay.c.file_id == record["id"])).scalar()
                assert stored == 0
        else:
            assert record["status"] == "loaded"
        # the valid files of the batch still loaded
        others = conn.execute(select(ingest_file.c.status).where(ingest_file.c.name != file,
                                                                 ingest_file.c.name.like("DM_REGION%"))).scalars().all()
        assert all(s == "loaded" for s in others)


def test_refused_file_loses_nothing_else(store, tmp_path, monkeypatch):
    """A bad PAY file is refused whole, while the day's other files load completely."""
    monkeypatch.setenv("BUDGET_QUARANTINE", str(tmp_path / "q"))
    rows = base_rows()
    rows["PAY"][1]["amount"] = "abc"
    deliver(tmp_path / "in", D1, rows)
    result = ingest_dates(store, tmp_path / "in", [D1])
    status = {f.report: f.status for f in result.files}
    assert status == {"DM_REGION": "loaded", "DM_UNIT": "loaded", "BGT": "loaded", "PAY": "refused"}
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(pay)).scalar() == 0
    assert sha256_of(tmp_path / "q" / "20260302" / PAY_D1) == sha256_of(tmp_path / "in" / "20260302" / PAY_D1)
    assert (tmp_path / "q" / "20260302" / f"{PAY_D1}.findings.json").exists()


def test_empty_file_means_nothing_today(store, tmp_path):
    rows = base_rows()
    rows["PAY"] = []
    deliver(tmp_path / "in", D1, rows)
    result = ingest_dates(store, tmp_path / "in", [D1])
    pay_file = next(f for f in result.files if f.report == "PAY")
    assert (pay_file.status, pay_file.rows, pay_file.amount_total_fen) == ("loaded", 0, 0)


def test_zero_byte_file_is_refused_with_one_finding_and_no_total(store, tmp_path):
    deliver(tmp_path / "in", D1, base_rows(), manifest=False)
    (tmp_path / "in" / "20260302" / PAY_D1).write_bytes(b"")
    result = ingest_dates(store, tmp_path / "in", [D1])
    pay_file = next(f for f in result.files if f.report == "PAY")
    assert (pay_file.status, pay_file.errors, pay_file.amount_total_fen) == ("refused", 1, None)


def test_a_date_that_is_no_date_says_only_that(store, tmp_path):
    """A voucher dated 2026-02-30 is a DATE_FORMAT error, not also an unknown code: which year's code table
    applies cannot be told."""
    build = CASES["DATE_FORMAT"][0]
    ingest_dates(store, tmp_path / "in", build(tmp_path / "in"))
    with store.connect() as conn:
        rules = conn.execute(select(finding.c.rule_id).where(finding.c.file == PAY_D1)).scalars().all()
    assert rules == ["DATE_FORMAT"]


def test_numeric_xlsx_code_that_is_known_loads_as_that_code(store, tmp_path):
    """An XLSX numeric cell 101001 is the known unit 101001; 12001 (lost zero of 012001) is refused with a hint."""
    rows = base_rows()
    rows["PAY"][0]["unit_code"] = 101001
    deliver(tmp_path / "in", D1, rows, ext={"PAY": "xlsx"})
    result = ingest_dates(store, tmp_path / "in", [D1])
    assert next(f for f in result.files if f.report == "PAY").status == "loaded"
    rows["PAY"] = [voucher("V7", 12001, "Q2", 5, region="419901")]
    deliver(tmp_path / "in", D2, {"PAY": rows["PAY"]}, ext={"PAY": "xlsx"})
    ingest_dates(store, tmp_path / "in", [D2])
    with store.connect() as conn:
        hit = conn.execute(select(finding).where(finding.c.rule_id == "CODE_LEADING_ZERO")).mappings().one()
    assert hit["value"] == "12001" and hit["expected"] == "012001" and "前导零" in hit["message"]
