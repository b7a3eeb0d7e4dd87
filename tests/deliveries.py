"""A tiny valid city to build test deliveries from, written with the same writer as the demo.

Tests start from `base_rows()` and bend one thing to make the bad input they are about.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ingest.delivery import file_name, write_manifest, write_report

TOP = "419900"
COUNTY = "419901"
D1 = dt.date(2026, 3, 2)
D2 = dt.date(2026, 3, 3)


def base_rows() -> dict[str, list[dict]]:
    return {
        "DM_REGION": [
            dict(region_code=TOP, region_name="示范市", parent_code="", level="市"),
            dict(region_code=COUNTY, region_name="甲县", parent_code=TOP, level="县"),
        ],
        "DM_UNIT": [
            dict(unit_code="101001", unit_name="市教育局本级", dept_code="101", dept_name="市教育局", region_code=TOP,
                 unit_type="行政单位", active="是"),
            dict(unit_code="012001", unit_name="甲县第一中学", dept_code="012", dept_name="甲县教育局",
                 region_code=COUNTY, unit_type="事业单位", active="是"),
        ],
        "BGT": [
            quota("Q1", "101001", "2050201", "30201", 1_000_000, "年初预算", TOP),
            quota("Q2", "012001", "2050203", "30217", 50_000, "年初预算", COUNTY),
        ],
        "PAY": [
            voucher("V1", "101001", "Q1", 1234.56),
            voucher("V2", "012001", "Q2", 999.99, region=COUNTY),
        ],
    }


def quota(qid, unit, func, econ, amount, kind, region=TOP, orig="", issued=dt.date(2026, 1, 5), **kw) -> dict:
    row = dict(quota_id=qid, year=2026, region_code=region, unit_code=unit, func_code=func, econ_code=econ,
               fund_type="一般公共预算", fund_source="本级财力", kind=kind, orig_quota_id=orig, exp_type="基本支出",
               project_code="", project_name="", amount=amount, issued_date=issued, doc_no="示财预〔2026〕1号")
    row.update(kw)
    return row


def voucher(no, unit, qid, amount, region=TOP, day=D1, **kw) -> dict:
    row = dict(voucher_no=no, pay_date=day, region_code=region, unit_code=unit, quota_id=qid, func_code="",
               econ_code="", fund_type="", project_code="", payee_name="某某公司", payee_account="6222000011112222",
               payee_bank="示范银行", amount=amount, orig_voucher_no="", pay_method="直接支付", purpose="办公用品",
               handler="张三")
    row.update(kw)
    return row


def deliver(inbox: Path, day: dt.date, reports: dict[str, list[dict]], *, manifest: bool = True,
            ext: dict[str, str] | None = None, encoding: dict[str, str] | None = None) -> Path:
    """Write one business date's folder; returns it."""
    folder = Path(inbox) / f"{day:%Y%m%d}"
    folder.mkdir(parents=True, exist_ok=True)
    entries = {}
    for report, rows in reports.items():
        name = file_name(report, TOP, day, ext=(ext or {}).get(report, "csv"))
        entries[name] = write_report(folder / name, report, rows, encoding=(encoding or {}).get(report, "utf-8"))
    if manifest:
        write_manifest(folder, day, entries)
    return folder


def all_reports() -> dict[str, list[dict]]:
    """One valid delivery holding every report of the standard."""
    rows = base_rows()
    rows["DM_FUNC"] = [dict(code="205", name="教育支出", year=2026), dict(code="20502", name="普通教育", year=2026),
                       dict(code="2050201", name="学前教育", year=2026), dict(code="2050203", name="初中教育", year=2026)]
    rows["DM_ECON"] = [dict(code="302", name="商品和服务支出", kind="部门", year=2026),
                       dict(code="30201", name="办公费", kind="部门", year=2026),
                       dict(code="30217", name="公务接待费", kind="部门", year=2026)]
    rows["INC"] = [dict(date=D1, region_code=TOP, code="10101", fund_type="一般公共预算", collector="税务", amount="1,234,567.89"),
                   dict(date=D1, region_code=TOP, code="10101", fund_type="一般公共预算", collector="财政", amount=-100)]
    rows["INC_BGT"] = [dict(year=2026, region_code=TOP, code="101", fund_type="一般公共预算", kind="年初预算", amount=5e8)]
    rows["DEBT_BOND"] = [dict(bond_code="B1", bond_name="2026年示范市一般债券（一期）", region_code=TOP, bond_type="一般债券",
                              issue_kind="新增债券", issue_date=dt.date(2026, 2, 1), maturity_date=dt.date(2031, 2, 1),
                              coupon_rate="2.35", coupon_freq="按年付息", amount=100_000_000, project_name="")]
    rows["DEBT_FLOW"] = [dict(flow_id="F1", bond_code="B1", date=D1, kind="发行费", amount=1000)]
    rows["DEBT_LIMIT"] = [dict(year=2026, region_code=TOP, bond_type="一般债券", amount=2e9)]
    rows["FIN_CAP"] = [dict(year=2026, region_code=TOP, item="一般公共预算收入", amount=3e9)]
    rows["ASSET"] = [dict(period=dt.date(2025, 12, 31), region_code=TOP, category="企业国有资产", entity_code="E1",
                          entity_name="示范市城投集团", total_assets=5e9, total_liabilities=3e9, equity=2e9, revenue=1e8,
                          profit=1e7, unit_of_measure="元"),
                     dict(period=dt.date(2025, 12, 31), region_code=TOP, category="国有自然资源", entity_code="N1",
                          entity_name="国有林地", total_assets=12000, total_liabilities="", equity="", revenue="",
                          profit="", unit_of_measure="亩")]
    rows["AUDIT"] = [dict(issue_id="A1", region_code=TOP, unit_code="101001", category="预算管理", description="预算编制不细化",
                          amount=100000, found_date=dt.date(2025, 9, 1), deadline=dt.date(2026, 3, 1), status="整改中",
                          rectified_amount=40000, updated_date=D1)]
    rows["PROJ"] = [dict(project_code="P1", project_name="示范大道改造", region_code=TOP, unit_code="101001",
                         total_investment=8e8, annual_plan=2e8, ytd_completed=3e7, cum_completed=4e8, report_date=D1)]
    return rows
