"""The demo city: deterministic, well-formed T+1 deliveries whose planted anomalies are really in the files.

One whole year at a small scale is generated once and read back with the ingest's own reader; a short window
across the turn of a year is generated twice (same bytes) and ingested into a real store (no errors).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import statistics
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from alerts import payment_tests
from demo import DemoError, write_demo
from demo.days import is_workday
from demo.writer import Writer
from ingest.delivery import parse_file_name
from ingest.load import ingest_dates
from ingest.reader import read_file
from ingest.standard import REPORTS
from warehouse.db import DATA_DIR
from warehouse.schema import finding

pytestmark = pytest.mark.long(1.2)  # minutes of a test worker under the full suite: started first

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))  # a whole year: every kind of plant can happen in it
WINDOW = (dt.date(2025, 12, 27), dt.date(2026, 1, 6))  # the turn of a year: closing days, then January budgets
LIMIT = Decimal("1000000")


def _text(column) -> list[str]:
    return column.to_pylist() if hasattr(column, "to_pylist") else list(column)


def _read(path: Path) -> pd.DataFrame:
    """A delivered file as text columns named by field, whichever header language it uses."""
    report = parse_file_name(path.name).report
    by_header = {h: c.field for c in REPORTS[report].columns for h in (c.cn, c.field)}
    raw = read_file(path)
    return pd.DataFrame({by_header[h]: _text(col) for h, col in zip(raw.headers, raw.columns)}, dtype=object)


def _files(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.glob("*/*") if p.name != "manifest.json")


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("demo") / "inbox"
    summary = write_demo(inbox, YEAR[1], start=YEAR[0], scale=0.02)
    files = {path: _read(path) for path in _files(inbox)}
    frames = defaultdict(list)
    for path, frame in files.items():
        frames[parse_file_name(path.name).report].append(frame)
    data = {report: pd.concat(parts, ignore_index=True) for report, parts in frames.items()}
    for report in ("PAY", "BGT", "AUDIT"):
        data[report]["cents"] = data[report]["amount"].map(lambda a: int(Decimal(a) * 100))
    truth = pd.read_csv(inbox / "ground_truth.csv", dtype=str, keep_default_na=False)
    return inbox, summary, data, truth, files


def _planted(truth: pd.DataFrame, rule: str) -> pd.DataFrame:
    return truth[truth["rule_id"] == rule]


def _frame_for_tests(pay: pd.DataFrame) -> pd.DataFrame:
    """PAY rows in the shape the payment tests read (amount_fen)."""
    return pay.assign(amount_fen=pay["cents"], pay_date=pd.to_datetime(pay["pay_date"]))


# -- determinism and delivery format ----------------------------------------------------------------------

def _tree(inbox: Path) -> dict[str, bytes]:
    return {str(p.relative_to(inbox)): p.read_bytes() for p in sorted(inbox.rglob("*")) if p.is_file()}


def test_same_arguments_give_the_same_bytes(tmp_path):
    first = write_demo(tmp_path / "a", WINDOW[1], start=WINDOW[0], scale=0.05)
    write_demo(tmp_path / "b", WINDOW[1], start=WINDOW[0], scale=0.05)
    write_demo(tmp_path / "c", WINDOW[1], start=WINDOW[0], scale=0.05, seed=7)
    a, b, c = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert a == b
    assert any(name.endswith(".xlsx") for name in a)  # workbooks too: their timestamps are the business date
    assert a["20260105/PAY_419900_20260105.csv"] != c["20260105/PAY_419900_20260105.csv"]
    assert first["rows"]["PAY"] > 500 and first["days"] == 11
    # writing again over a previous demo replaces it
    write_demo(tmp_path / "a", WINDOW[1], start=WINDOW[0], scale=0.05)
    assert _tree(tmp_path / "a") == b


def test_file_names_formats_and_daily_feeds(year):
    inbox, summary = year[0], year[1]
    folders = sorted(p for p in inbox.iterdir() if p.is_dir())
    assert [f.name for f in folders] == [f"{YEAR[0] + dt.timedelta(days=i):%Y%m%d}" for i in range(365)]
    encodings, headers, suffixes = set(), set(), set()
    for folder in folders:
        reports = set()
        for path in folder.iterdir():
            if path.name == "manifest.json":
                continue
            name = parse_file_name(path.name)
            assert name is not None, path
            assert (name.region, f"{name.date:%Y%m%d}", name.part) == ("419900", folder.name, None)
            reports.add(name.report)
            suffixes.add(name.ext)
            if name.ext == "csv":
                data = path.read_bytes()
                assert data.count(b"\r\n") == data.count(b"\n")  # CRLF line ends
                encoding = "bom" if data.startswith(b"\xef\xbb\xbf") else _utf8_or_gb18030(data)
                encodings.add(encoding)
                head = data.split(b"\r\n", 1)[0].decode("utf-8-sig" if encoding == "bom" else encoding)
                headers.add(head.split(",")[0].isascii())
        assert {"PAY", "INC"} <= reports, folder  # delivered every day, empty on quiet days
    assert suffixes == {"csv", "xlsx"} and encodings == {"bom", "utf-8", "gb18030"} and headers == {True, False}
    assert 0 < sum(not (f / "manifest.json").exists() for f in folders) < 30
    assert summary["days"] == 365 and set(summary["rows"]) == set(REPORTS) - {"DM_FUNC", "DM_ECON"}


def _utf8_or_gb18030(data: bytes) -> str:
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        data.decode("gb18030")
        return "gb18030"


def test_manifests_match_their_files(year):
    inbox, files = year[0], year[4]
    checked = 0
    for manifest in sorted(inbox.glob("*/manifest.json")):
        content = json.loads(manifest.read_text(encoding="utf-8"))
        folder = manifest.parent
        assert content["business_date"] == f"{folder.name[:4]}-{folder.name[4:6]}-{folder.name[6:]}"
        assert sorted(f["name"] for f in content["files"]) == sorted(p.name for p in _files(folder.parent)
                                                                     if p.parent == folder)
        for item in content["files"]:
            path = folder / item["name"]
            rep = REPORTS[parse_file_name(path.name).report]
            frame = files[path]
            assert item["rows"] == len(frame)
            assert item["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
            if rep.amount is None:
                assert "amount_total" not in item
                continue
            counted = frame if rep.name != "ASSET" else frame[frame["unit_of_measure"] == "元"]
            total = sum((Decimal(v) for v in counted[rep.amount] if v), Decimal(0)) if len(counted) else Decimal(0)
            assert Decimal(item["amount_total"]) == total
            checked += 1
    assert checked > 700


def test_values_follow_the_data_standard(year):
    data = year[2]
    with open(DATA_DIR / "classification" / "func_class_kuan_xiang.csv", encoding="utf-8") as fh:
        func = {r["code"] for r in csv.DictReader(fh) if len(r["code"]) == 7}
    with open(DATA_DIR / "classification" / "econ_class_dept_301_399.csv", encoding="utf-8") as fh:
        econ = {r["code"] for r in csv.DictReader(fh) if len(r["code"]) == 5}
    with open(DATA_DIR / "classification" / "revenue_class_top.csv", encoding="utf-8") as fh:
        revenue = {r["code"] for r in csv.DictReader(fh)}
    for report, frame in data.items():
        for col in REPORTS[report].columns:
            values = frame[col.field] if col.field in frame else pd.Series([""] * len(frame))
            if col.required:
                assert (values != "").all(), (report, col.field)
            if col.enum:
                assert set(values) - {""} <= set(col.enum), (report, col.field)
            if col.kind == "amount":
                assert values.map(lambda v: v == "" or Decimal(v).as_tuple().exponent >= -2).all(), (report, col.field)
    units = set(data["DM_UNIT"]["unit_code"])
    assert any(u.startswith("0") for u in units) and {len(u) for u in units} <= set(range(6, 13))
    regions = data["DM_REGION"].set_index("region_code")
    assert regions.loc["419900", "level"] == "市" and regions.loc["419900", "parent_code"] == ""
    assert (regions.drop("419900")["parent_code"] == "419900").all() and len(regions) >= 5
    for report in ("BGT", "PAY"):
        frame = data[report]
        assert set(frame["unit_code"]) <= units and set(frame["func_code"]) <= func and set(frame["econ_code"]) <= econ
    assert {"30212", "30217", "30231"} <= set(data["BGT"]["econ_code"])
    assert set(data["BGT"]["econ_code"]) & {"30913", "31013"}
    assert set(data["INC"]["code"]) <= revenue and set(data["INC_BGT"]["code"]) <= revenue
    assert (data["PAY"]["cents"] != 0).all()
    assert set(data["BGT"]["kind"]) == {"年初预算", "追加", "调减", "结转"}
    assert set(data["BGT"]["fund_type"]) == set(REPORTS["BGT"].cols["fund_type"].enum)
    assert set(data["DEBT_BOND"]["coupon_freq"]) == set(REPORTS["DEBT_BOND"].cols["coupon_freq"].enum)
    assert set(data["ASSET"]["unit_of_measure"]) == {"元", "亩"}
    assert set(data["AUDIT"]["status"]) == {"未整改", "整改中", "已整改"}
    rates = data["DEBT_BOND"]["coupon_rate"].map(Decimal)
    assert rates.min() >= 2 and rates.max() <= Decimal("4.2")


def test_turn_of_the_year_ingests_without_errors(store, tmp_path):
    inbox = tmp_path / "inbox"
    write_demo(inbox, WINDOW[1], start=WINDOW[0], scale=0.05)
    days = [WINDOW[0] + dt.timedelta(days=i) for i in range((WINDOW[1] - WINDOW[0]).days + 1)]
    result = ingest_dates(store, inbox, days)
    assert {f.status for f in result.files} == {"loaded"} and result.batch_findings == 0
    assert sum(f.errors for f in result.files) == 0
    truth = pd.read_csv(inbox / "ground_truth.csv", dtype=str, keep_default_na=False)
    over = set(_planted(truth, "PAY_OVER_QUOTA")["subject_code"])
    with store.connect() as conn:
        warnings = conn.execute(select(finding.c.rule_id, finding.c.message)).all()
    quotas = [re.search(r"指标 (\S+) 累计支付", message) for _, message in warnings]  # the quota judged
    assert warnings and {rule for rule, _ in warnings} == {"PAY_OVER_QUOTA"} and all(q and q[1] in over for q in quotas)


# -- what the money looks like -------------------------------------------------------------------------------

def test_spending_has_a_seasonal_shape(year):
    pay = year[2]["PAY"]
    month = pay["pay_date"].str[5:7]
    by_month = pay.groupby(month)["cents"].sum()
    assert by_month["12"] > 1.3 * by_month["01"] and by_month["12"] == by_month.max()
    assert pay.groupby(month).size()["12"] > pay.groupby(month).size()["01"]
    off = pay[~pd.to_datetime(pay["pay_date"]).dt.date.map(is_workday)]
    assert 0 < len(off) < 0.01 * len(pay)  # weekends and holidays almost empty …
    planted = set(" ".join(_planted(year[3], "OFF_DAY_PAY")["voucher_nos"]).split())
    assert set(off[off["cents"] >= 5_000_000]["voucher_no"]) == planted  # … and large there only where planted
    assert pay["amount"].str.endswith("0000.00").sum() < 0.01 * len(pay)  # ordinary amounts are not round


def test_refunds_name_an_earlier_voucher_of_the_unit_and_never_exceed_it(year):
    pay = year[2]["PAY"]
    refunds = pay[pay["cents"] < 0]
    assert len(refunds) >= 10 and (refunds["orig_voucher_no"] != "").all()
    originals = pay.set_index("voucher_no")
    orig = originals.loc[refunds["orig_voucher_no"]]
    assert (orig["unit_code"].to_numpy() == refunds["unit_code"].to_numpy()).all()
    assert (orig["pay_date"].to_numpy() < refunds["pay_date"].to_numpy()).all()
    refunded = (-refunds["cents"]).groupby(refunds["orig_voucher_no"]).sum()
    assert (refunded <= originals.loc[refunded.index, "cents"]).all()


def test_payments_stay_within_their_quotas_unless_planted(year):
    data, truth = year[2], year[3]
    bgt, pay = data["BGT"], data["PAY"]
    sign = bgt["kind"].map({"调减": -1}).fillna(1).astype(int)
    quota = bgt["orig_quota_id"].where(bgt["orig_quota_id"] != "", bgt["quota_id"])
    changes = pd.DataFrame({"quota_id": quota, "date": bgt["issued_date"], "cents": sign * bgt["cents"], "budget": True})
    paid = pd.DataFrame({"quota_id": pay["quota_id"], "date": pay["pay_date"], "cents": -pay["cents"], "budget": False,
                         "voucher_no": pay["voucher_no"]})
    events = pd.concat([changes, paid]).sort_values(["quota_id", "date", "budget"], ascending=[True, True, False],
                                                    kind="stable")
    events["left"] = events.groupby("quota_id")["cents"].cumsum()
    crossing = events[~events["budget"] & (events["left"] < 0) & (events["left"] - events["cents"] >= 0)]
    planted = _planted(truth, "PAY_OVER_QUOTA")
    assert len(planted) >= 20
    assert set(crossing["voucher_no"]) == set(" ".join(planted["voucher_nos"]).split())
    assert set(crossing["quota_id"]) == set(planted["subject_code"])
    same = pay.merge(bgt[bgt["kind"] == "年初预算"], on="quota_id", suffixes=("", "_q"))
    assert (same[["func_code", "econ_code", "fund_type", "unit_code"]].to_numpy()
            == same[["func_code_q", "econ_code_q", "fund_type_q", "unit_code_q"]].to_numpy()).all()


# -- the ground truth ----------------------------------------------------------------------------------------

def test_voucher_plants_are_what_the_payment_tests_find(year):
    """Each per-voucher rule finds exactly the planted cases: all of them, and nothing in the background."""
    pay, truth = _frame_for_tests(year[2]["PAY"]), year[3]
    found = {
        "DUP_PAY": payment_tests.duplicate_payments(pay, window_days=30, min_amount_fen=100_000),
        "SPLIT_PAY": payment_tests.split_payments(pay, limit_fen=100_000_000, window_days=7, min_vouchers=2),
        "JUST_BELOW": payment_tests.just_below(pay, limit_fen=100_000_000, share="0.95"),
        "OFF_DAY_PAY": payment_tests.off_day_payments(pay, min_amount_fen=5_000_000),
        "NEW_PAYEE_LARGE": payment_tests.new_payee_large(pay, min_amount_fen=500_000_000),
    }
    for rule, findings in found.items():
        planted = _planted(truth, rule)
        assert len(planted) >= 20, rule
        assert set(findings["subject_code"]) == set(planted["subject_code"]), rule
        evidence = {v.split("/")[1] for refs in findings["evidence"] for v in refs}
        assert evidence == set(" ".join(planted["voucher_nos"]).split()), rule


def test_amount_spikes_are_many_times_the_payees_usual(year):
    pay, truth = year[2]["PAY"], year[3]
    spikes = truth[truth["anomaly_type"] == "PAYEE_AMOUNT_SPIKE"]
    assert len(spikes) >= 20 and set(spikes["rule_id"]) == {"ML_OUTLIER"}
    by_no = pay.set_index("voucher_no")
    for no in spikes["voucher_nos"]:
        spike = by_no.loc[no]
        earlier = pay[(pay["payee_account"] == spike["payee_account"]) & (pay["pay_date"] < spike["pay_date"])
                      & (pay["econ_code"] == "30107")]  # the person's monthly pay
        assert len(earlier) >= 3 and spike["cents"] >= 20 * statistics.median(earlier["cents"])


def _before(pay: pd.DataFrame, voucher) -> pd.DataFrame:
    """The positive payments to the voucher's payee made before it (earlier days, or earlier that day)."""
    same = pay[(pay["payee_account"] == voucher["payee_account"]) & (pay["cents"] > 0)]
    return same[(same["pay_date"] < voucher["pay_date"])
                | ((same["pay_date"] == voucher["pay_date"]) & (same["voucher_no"] < voucher["voucher_no"]))]


def test_ml_plants_are_what_an_auditor_would_question_and_no_rule_sees(year):
    """Amounts ≥ 10 times the payee's usual, payees paid under an economic class they are (almost) never paid
    under, and runs of ordinary payments to one supplier: planted with their own types, each holding on the files
    (no rule fires on them: the payment-test check above finds exactly the rules' own plants)."""
    pay, truth = year[2]["PAY"], year[3]
    by_no = pay.set_index("voucher_no")
    ml_rows = truth[truth["rule_id"] == "ML_OUTLIER"]
    counts = ml_rows["anomaly_type"].value_counts()
    assert counts.get("ML_AMOUNT_OUTLIER", 0) >= 40 and counts.get("ML_ECON_MISMATCH", 0) >= 20
    assert counts.get("ML_REPEAT_PAYMENT", 0) >= 10
    for row in ml_rows[ml_rows["anomaly_type"] == "ML_AMOUNT_OUTLIER"].itertuples():
        v = by_no.loc[row.voucher_nos].copy()
        v["voucher_no"] = row.voucher_nos
        usual = _before(pay, v)["cents"].tail(8)
        assert len(usual) >= 3 and v["cents"] >= 10 * statistics.median_high(usual), row
    for row in ml_rows[ml_rows["anomaly_type"] == "ML_ECON_MISMATCH"].itertuples():
        v = by_no.loc[row.voucher_nos].copy()
        v["voucher_no"] = row.voucher_nos
        earlier = _before(pay, v)
        same_class = (earlier["econ_code"].str[:3] == v["econ_code"][:3]).sum()
        assert len(earlier) >= 3 and same_class <= 0.1 * len(earlier), row
    for row in ml_rows[ml_rows["anomaly_type"] == "ML_REPEAT_PAYMENT"].itertuples():
        run = by_no.loc[row.voucher_nos.split()]
        assert len(run) >= 2 and run["unit_code"].nunique() == 1 and run["payee_account"].nunique() == 1, row
        days = pd.to_datetime(run["pay_date"])
        assert days.is_unique and (days.max() - days.min()).days <= 8 and run["cents"].sum() < LIMIT * 100, row


def test_unit_plants_hold_on_the_files(year):
    data, truth = year[2], year[3]
    pay, bgt = data["PAY"], data["BGT"]
    for rule, fn in (("ROUND_AMOUNT", lambda v: payment_tests.round_amounts(
            v, min_amount_fen=10_000_000, round_fen=1_000_000, multiple=3)),
                     ("PAYEE_CONCENTRATION", lambda v: payment_tests.payee_concentration(
                         v, hhi=2500, min_vouchers=20, min_spent_fen=1_000_000_000))):
        for row in _planted(truth, rule).itertuples():
            upto = _frame_for_tests(pay[pay["pay_date"] <= row.business_date])
            assert row.subject_code in set(fn(upto)["subject_code"]), (rule, row.subject_code)
    units = data["DM_UNIT"].set_index("unit_code")
    lagging = _planted(truth, "EXEC_LAG")
    assert {"unit", "project"} <= set(lagging["subject_level"])
    for row in lagging.itertuples():
        column = {"unit": "unit_code", "project": "project_code", "dept": "dept_code"}[row.subject_level]
        b = bgt.assign(dept_code=bgt["unit_code"].map(units["dept_code"]))
        p = pay.assign(dept_code=pay["unit_code"].map(units["dept_code"]))
        b = b[(b[column] == row.subject_code) & (b["issued_date"] <= row.business_date)]
        p = p[(p[column] == row.subject_code) & (p["pay_date"] <= row.business_date)]
        budget = (b["cents"] * b["kind"].map({"调减": -1}).fillna(1)).sum()
        day = dt.date.fromisoformat(row.business_date)
        progress = (day.timetuple().tm_yday) / 365
        assert budget >= 100_000_000 and (p["cents"].sum() / budget - progress) * 100 < -10, row
    for row in _planted(truth, "SUPPLEMENT_HIGH").itertuples():
        b = bgt[(bgt["unit_code"] == row.subject_code) & (bgt["issued_date"] <= row.business_date)]
        added = b[b["kind"] == "追加"]
        assert len(added) >= 3 or added["cents"].sum() > 0.2 * b[b["kind"] == "年初预算"]["cents"].sum()
    for row in _planted(truth, "SANGONG_OVER").itertuples():
        econ = "30217"  # the plants use 公务接待费
        b = bgt[(bgt["unit_code"] == row.subject_code) & (bgt["econ_code"] == econ)]
        p = pay[(pay["unit_code"] == row.subject_code) & (pay["econ_code"] == econ) & (pay["pay_date"] <= row.business_date)]
        spent, budget = p["cents"].sum(), b["cents"].sum()
        assert spent > budget or (spent >= 0.9 * budget and row.business_date < f"{YEAR[0].year}-10-01"), row
    audit = data["AUDIT"]
    overdue = _planted(truth, "AUDIT_OVERDUE")
    assert len(overdue) >= 1
    for row in overdue.itertuples():
        rows = audit[(audit["issue_id"] == row.subject_code) & (audit["updated_date"] <= row.business_date)]
        latest = rows.sort_values("updated_date").iloc[-1]
        assert latest["status"] != "已整改" and latest["deadline"] < row.business_date


def test_every_voucher_and_budget_rule_has_plants(year):
    counts = year[1]["planted"]
    for rule in ("DUP_PAY", "SPLIT_PAY", "JUST_BELOW", "OFF_DAY_PAY", "NEW_PAYEE_LARGE", "PAY_OVER_QUOTA",
                 "PAYEE_AMOUNT_SPIKE→ML_OUTLIER", "ML_AMOUNT_OUTLIER→ML_OUTLIER", "ML_ECON_MISMATCH→ML_OUTLIER"):
        assert counts.get(rule, 0) >= 20, rule
    for rule in ("EXEC_LAG", "SUPPLEMENT_HIGH", "SANGONG_OVER", "ROUND_AMOUNT", "PAYEE_CONCENTRATION"):
        assert counts.get(rule, 0) >= 1, rule


# -- writing ---------------------------------------------------------------------------------------------

def test_a_large_report_is_split_into_parts(tmp_path, year):
    pay = year[2]["PAY"].drop(columns="cents")
    day = dt.date(2025, 6, 30)
    rows = pay[pay["pay_date"] == day.isoformat()].to_dict("records")
    Writer(tmp_path, part_rows=len(rows) // 3 + 1).write_day(day, {"PAY": rows})
    folder = tmp_path / "20250630"
    parts = sorted(p.name for p in folder.glob("PAY_*"))
    assert parts == [f"PAY_419900_20250630_{i:03d}.csv" for i in (1, 2, 3)]
    listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert sum(f["rows"] for f in listed if f["name"].startswith("PAY")) == len(rows)
    assert pd.concat([_read(folder / p) for p in parts])["voucher_no"].tolist() == [r["voucher_no"] for r in rows]


def test_command_line(tmp_path):
    from cli import main

    runner = CliRunner()
    done = runner.invoke(main, ["demo", "--from", "2026-03-02", "--to", "2026-03-04", "--scale", "0.05",
                                "--inbox", str(tmp_path / "inbox"), "--quiet"])
    assert done.exit_code == 0, done.output
    assert "完成 / done: 3" in done.output and (tmp_path / "inbox" / "ground_truth.csv").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("not a demo")
    refused = runner.invoke(main, ["demo", "--to", "2026-03-04", "--inbox", str(tmp_path / "other"), "--quiet"])
    assert refused.exit_code != 0 and "不是空目录" in refused.output
    with pytest.raises(DemoError):
        write_demo(tmp_path / "x", dt.date(2026, 1, 1), start=dt.date(2026, 2, 1))
