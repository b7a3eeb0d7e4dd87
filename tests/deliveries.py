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
