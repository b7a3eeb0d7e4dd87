"""Loading: every report lands exactly (SQLite and PostgreSQL), reruns change nothing, redeliveries replace."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from dashboard.queries.ingest import report_summary
from indicators.reports import report_rows
from ingest.load import ingest_dates
from ingest.records import finding_records, ingest_records
from ingest.standard import REPORTS
from tests.deliveries import D1, D2, TOP, all_reports, base_rows, deliver, quota, voucher
from warehouse.schema import REPORT_TABLES, asset, bgt, dm_unit, file_change, inc, ingest_file, pay


def _snapshot(engine) -> dict:
    """Every report table's rows, without surrogate ids: what 'the store' holds."""
    out = {}
    with engine.connect() as conn:
        for name, table in REPORT_TABLES.items():
            cols = [c for c in table.c if c.name not in ("id", "file_id")]
            out[name] = sorted(tuple(str(v) for v in r) for r in conn.execute(select(*cols)))
    return out


def test_every_report_loads_exactly(store_any, tmp_path):
    deliver(tmp_path / "in", D1, all_reports(), ext={"INC": "xlsx", "ASSET": "xlsx"}, encoding={"PAY": "gb18030"})
    result = ingest_dates(store_any, tmp_path / "in", [D1])
    assert {f.report for f in result.files} == set(REPORTS)
    assert all(f.status == "loaded" for f in result.files), [(f.name, f.status) for f in result.files]
    with store_any.connect() as conn:
        for name, table in REPORT_TABLES.items():
            n = conn.execute(select(func.count()).select_from(table).where(table.c.file_id.is_not(None))).scalar()
            assert n == len(all_reports()[name]), name
        # money exact to the 分, thousands separators accepted, negative 退库 kept
        assert sorted(conn.execute(select(inc.c.amount_fen)).scalars()) == [-10000, 123456789]
        assert conn.execute(select(pay.c.amount_fen).where(pay.c.voucher_no == "V1")).scalar() == 123456
        # leading zeros kept in codes; provenance on every row
        unit = conn.execute(select(dm_unit).where(dm_unit.c.unit_code == "012001")).mappings().one()
        assert unit["region_code"] == "419901" and unit["file_id"] is not None and unit["line_no"] == 3
        row = conn.execute(select(pay.c.pay_date, pay.c.line_no, pay.c.business_date).where(pay.c.voucher_no == "V2")).one()
        assert row == (D1, 3, D1)
        # ASSET: the 亩 row is stored but not summed with 元
        areas = conn.execute(select(asset.c.total_assets_fen).where(asset.c.unit_of_measure == "亩")).scalar()
        assert areas == 1_200_000
    totals = {r["report"]: r["amount_total"] for r in ingest_records(store_any, D1)}
    assert (totals["ASSET"], totals["PAY"], totals["INC"]) == (Decimal("5000000000.00"), Decimal("2234.55"), Decimal("1234467.89"))


def test_english_headers_bom_crlf_and_column_order(store, tmp_path):
    folder = deliver(tmp_path / "in", D1, {k: v for k, v in base_rows().items() if k != "PAY"}, manifest=False)
    from ingest.delivery import write_report
    fields = [c.field for c in REPORTS["PAY"].columns][::-1]
    write_report(folder / f"PAY_{TOP}_20260302.csv", "PAY", base_rows()["PAY"], encoding="utf-8-sig",
                 headers="en", columns=fields)
    result = ingest_dates(store, tmp_path / "in", [D1])
    assert all(f.status == "loaded" for f in result.files)


def test_normalisation_full_width_and_date_spellings(store, tmp_path):
    rows = base_rows()
    rows["PAY"][0].update(amount="１，２３４．５６", pay_date="2026/3/2", unit_code=" 101001 ")
    rows["PAY"][1].update(pay_date="20260302")
    deliver(tmp_path / "in", D1, rows, manifest=False)
    ingest_dates(store, tmp_path / "in", [D1])
    with store.connect() as conn:
        got = conn.execute(select(pay.c.voucher_no, pay.c.unit_code, pay.c.amount_fen, pay.c.pay_date)
                           .order_by(pay.c.voucher_no)).all()
    assert got == [("V1", "101001", 123456, D1), ("V2", "012001", 99999, D1)]


def test_same_folder_twice_changes_nothing(store_any, tmp_path):
    deliver(tmp_path / "in", D1, all_reports())
    ingest_dates(store_any, tmp_path / "in", [D1])
    before = _snapshot(store_any)
    second = ingest_dates(store_any, tmp_path / "in", [D1])
    assert {f.status for f in second.files} == {"unchanged"}
    assert _snapshot(store_any) == before
    statuses = [r["status"] for r in ingest_records(store_any, D1)]
    assert statuses.count("loaded") == len(REPORTS) and statuses.count("unchanged") == len(REPORTS)


def test_redelivery_replaces_exactly_the_earlier_rows(store_any, tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGET_USER", "数据管理员")
    rows = base_rows()
    rows["PAY"] += [voucher(f"V{i}", "101001", "Q1", 100 + i) for i in range(3, 8)]
    deliver(tmp_path / "in", D1, rows)
    ingest_dates(store_any, tmp_path / "in", [D1])
    # the provider corrects three vouchers, drops one and adds one
    for r in rows["PAY"]:
        if r["voucher_no"] in ("V3", "V4", "V5"):
            r["amount"] = 200
    rows["PAY"] = [r for r in rows["PAY"] if r["voucher_no"] != "V7"] + [voucher("V8", "101001", "Q1", 8)]
    deliver(tmp_path / "again", D1, rows)
    result = ingest_dates(store_any, tmp_path / "again", [D1])
    assert {f.report: f.status for f in result.files}["PAY"] == "loaded"
    with store_any.connect() as conn:
        vouchers = dict(conn.execute(select(pay.c.voucher_no, pay.c.amount_fen)).all())
        change = conn.execute(select(file_change)).mappings().one()
        files = conn.execute(select(ingest_file.c.status).where(ingest_file.c.name.like("PAY%"))
                             .order_by(ingest_file.c.id)).scalars().all()
    assert vouchers == {"V1": 123456, "V2": 99999, "V3": 20000, "V4": 20000, "V5": 20000, "V6": 10600, "V8": 800}
    assert (change["rows_added"], change["rows_removed"], change["rows_changed"]) == (1, 1, 3)
    assert change["changed_by"] == "数据管理员"
    assert sorted(json.loads(change["detail"])["changed"]) == ["419900|V3", "419900|V4", "419900|V5"]
    assert files == ["superseded", "loaded"]


def test_voucher_delivered_again_on_a_later_day_is_refused(store, tmp_path):
    deliver(tmp_path / "in", D1, base_rows())
    deliver(tmp_path / "in", D2, {"PAY": [voucher("V1", "101001", "Q1", 5, day=D2)]})
    result = ingest_dates(store, tmp_path / "in", [D1, D2])
    assert [f.status for f in result.files if f.business_date == D2] == ["refused"]
    found = finding_records(store, D2)
    assert found[0]["rule_id"] == "KEY_DUPLICATE_STORED" and PAY_NAME(D1) in found[0]["expected"]


def PAY_NAME(day: dt.date) -> str:
    return f"PAY_{TOP}_{day:%Y%m%d}.csv"


def test_refused_then_fixed_dependency_loads_on_rerun(store, tmp_path):
    """A PAY refused because its quota's BGT was refused loads once the BGT is redelivered fixed."""
    rows = base_rows()
    rows["BGT"][0]["amount"] = "abc"
    deliver(tmp_path / "in", D1, rows, manifest=False)
    first = ingest_dates(store, tmp_path / "in", [D1])
    assert {f.report: f.status for f in first.files}["PAY"] == "refused"
    rows["BGT"][0]["amount"] = 1_000_000
    deliver(tmp_path / "in", D1, rows, manifest=False)
    second = ingest_dates(store, tmp_path / "in", [D1])
    assert {f.report: f.status for f in second.files} == {"DM_REGION": "unchanged", "DM_UNIT": "unchanged",
                                                          "BGT": "loaded", "PAY": "loaded"}
    records = [(r["report"], r["status"]) for r in ingest_records(store, D1) if r["report"] in ("BGT", "PAY")]
    assert sorted(records) == [("BGT", "loaded"), ("BGT", "superseded"), ("PAY", "loaded"), ("PAY", "superseded")]


def test_a_refused_file_delivered_again_unchanged_still_shows_its_errors(store, tmp_path):
    rows = base_rows()
    rows["PAY"][0]["amount"] = "abc"
    deliver(tmp_path / "in", D1, rows)
    ingest_dates(store, tmp_path / "in", [D1])
    again = ingest_dates(store, tmp_path / "in", [D1])
    assert {f.report: f.status for f in again.files}["PAY"] == "unchanged"
    assert sum(f.errors for f in again.files) == 0  # the run found nothing new
    pay_records = [(r["status"], r["errors"]) for r in ingest_records(store, D1) if r["report"] == "PAY"]
    assert pay_records == [("refused", 1), ("unchanged", 1)]
    assert len(finding_records(store, D1)) == 1  # its finding is not repeated
    [summary] = [r for r in report_summary(store, D1) if r["report"] == "PAY"]  # the data clerk's page
    assert (summary["arrived"], summary["refused"], summary["errors"]) == (2, 1, 1)


def test_a_delivered_classification_adds_to_the_shipped_one(store, tmp_path):
    """DM_FUNC / DM_ECON are upserts onto the shipped tables: a code the delivery does not list stays known."""
    deliver(tmp_path / "in", D1, base_rows())
    deliver(tmp_path / "in", D2, {
        "DM_FUNC": [dict(code="2050299", name="其他普通教育支出", year=2026)],
        "DM_ECON": [dict(code="30298", name="其他商品和服务支出（地方）", kind="部门", year=2026)],
        "BGT": [quota("Q5", "101001", "2050201", "30201", 10, "年初预算", issued=D2),
                quota("Q6", "101001", "2050299", "30298", 10, "年初预算", issued=D2)]})
    result = ingest_dates(store, tmp_path / "in", [D1, D2])
    assert {f.report: f.status for f in result.files if f.business_date == D2} == {
        "DM_FUNC": "loaded", "DM_ECON": "loaded", "BGT": "loaded"}
    assert finding_records(store, D2) == []  # 2050299's parent 20502 is in the shipped table


def test_an_audit_issue_may_come_twice_in_one_file_the_later_row_in_force(store, tmp_path):
    rows = all_reports()
    rows["AUDIT"].append(dict(rows["AUDIT"][0], status="已整改", rectified_amount=100000))
    deliver(tmp_path / "in", D1, rows)
    result = ingest_dates(store, tmp_path / "in", [D1])
    assert {f.report: f.status for f in result.files}["AUDIT"] == "loaded"
    [top] = [r for r in report_rows(store, "audit", D1) if (r["code"], r["scope"], r["category"]) == (TOP, "全辖", "合计")]
    assert (top["issues"], top["rectified_issues"], top["rectified_amount"]) == (1, 1, 10_000_000)


def test_dates_in_order_and_code_table_upsert(store, tmp_path):
    deliver(tmp_path / "in", D1, base_rows())
    deliver(tmp_path / "in", D2, {"DM_UNIT": [dict(unit_code="101001", unit_name="市教育局机关", dept_code="101",
                                                   dept_name="市教育局", region_code=TOP, unit_type="行政单位", active="否")]})
    ingest_dates(store, tmp_path / "in", [D1, D2])
    with store.connect() as conn:
        units = dict(conn.execute(select(dm_unit.c.unit_code, dm_unit.c.active)).all())
        names = conn.execute(select(dm_unit.c.unit_name).where(dm_unit.c.unit_code == "101001")).scalar()
    assert units == {"101001": "否", "012001": "是"} and names == "市教育局机关"


def test_bgt_reduction_and_supplement_in_one_file(store, tmp_path):
    rows = base_rows()
    rows["BGT"] += [quota("Q3", "101001", "2050201", "30201", 200_000, "追加", orig="Q1"),
                    quota("Q4", "101001", "2050201", "30201", 1_200_000, "调减", orig="Q1")]
    deliver(tmp_path / "in", D1, rows)
    result = ingest_dates(store, tmp_path / "in", [D1])
    assert {f.report: f.status for f in result.files}["BGT"] == "loaded"
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(bgt)).scalar() == 4


@pytest.mark.parametrize("fmt", ["xlsx", "gb18030"])
def test_formats_give_identical_rows(store, tmp_path, fmt):
    ext = {k: "xlsx" for k in REPORTS} if fmt == "xlsx" else {}
    enc = {k: "gb18030" for k in REPORTS} if fmt == "gb18030" else {}
    deliver(tmp_path / "a", D1, all_reports())
    deliver(tmp_path / "b", D1, all_reports(), ext=ext, encoding=enc)
    from warehouse.db import open_store
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    ingest_dates(store, tmp_path / "a", [D1])
    ingest_dates(other, tmp_path / "b", [D1])
    assert _snapshot(store) == _snapshot(other)


def test_postgresql_statistics_are_fresh_after_a_load(pg_url, tmp_path):
    """The planner's statistics of the tables a run wrote are renewed by the run itself, so a server running
    without autovacuum does not plan the voucher pages on an empty table's statistics."""
    from warehouse.db import open_store

    engine = open_store(pg_url)
    with engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT clock_timestamp()").scalar()
    deliver(tmp_path / "in", D1, base_rows())
    ingest_dates(engine, tmp_path / "in", [D1])
    with engine.connect() as conn:
        analysed = dict(conn.exec_driver_sql(
            "SELECT relname, coalesce(last_analyze >= %(t)s, false) FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname IN ('pay', 'pay_day', 'bgt', 'inc')", {"t": before}).all())
        stats = conn.exec_driver_sql("SELECT count(*) FROM pg_stats WHERE schemaname = current_schema() "
                                     "AND tablename = 'pay'").scalar()
    engine.dispose()
    assert analysed == {"pay": True, "pay_day": True, "bgt": True, "inc": False}  # INC: not in the delivery
    assert stats > 0
