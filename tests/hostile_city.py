"""A delivery carrying hostile text, loaded through the ingest like any other (tests.deliveries): a unit and its
department named with HTML that would run script if rendered as markup, payees whose names are spreadsheet
formulas, a region name with tags, and an alert whose message and notes carry the same.

The XSS and formula-injection tests check that all of it comes back as plain text everywhere.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.deliveries import COUNTY, D1, TOP, base_rows, deliver, voucher

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
SVG = "<svg/onload=alert(3)>"
REGION = "<b>甲县</b><iframe src=javascript:alert(4)>"
FORMULAS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "=HYPERLINK(\"http://x\",\"y\")")
DEPT_FORMULA = "=1+2"  # the city's department name
HOSTILE = (SCRIPT, IMG, SVG, REGION)
UNIT = "012001"  # the county's unit, renamed SCRIPT
ALERT_NOTE = f"已阅 {SCRIPT}"


def load(engine, inbox: Path) -> None:
    """Deliver, ingest and refresh the hostile city; then an alert with hostile text and a note."""
    from ingest.load import ingest_dates
    from pipeline import refresh_after_ingest

    rows = base_rows()
    rows["DM_REGION"][1]["region_name"] = REGION
    rows["DM_UNIT"][0].update(dept_name=DEPT_FORMULA)
    rows["DM_UNIT"][1].update(unit_name=SCRIPT, dept_name=IMG)
    rows["PAY"][1].update(payee_name=IMG, purpose=SVG)
    rows["PAY"] += [voucher(f"VF{n}", UNIT, "Q2", 10 + n, region=COUNTY, payee_name=formula, purpose=formula)
                    for n, formula in enumerate(FORMULAS)]
    deliver(inbox, D1, rows)
    result = ingest_dates(engine, inbox, [D1])
    assert all(f.status == "loaded" for f in result.files), [(f.name, f.status) for f in result.files]
    refresh_after_ingest(engine, result)
    _alert(engine)


def _alert(engine) -> None:
    from alerts import lifecycle
    from alerts.findings import Finding
    from alerts.recording import record
    from alerts.rules import load_rules
    from alerts.tables import alert
    from sqlalchemy import select

    finding = Finding("PAY_OVER_QUOTA", "quota", f"{COUNTY}/Q2", "红", Decimal("1.00"), Decimal("0"), "元",
                      f"{SCRIPT} 累计支付超出指标", (f"{COUNTY}/V2",), subject_name=IMG, region_code=COUNTY,
                      unit_code=UNIT)
    record(engine, D1, {"PAY_OVER_QUOTA": [finding]}, load_rules())
    with engine.connect() as conn:
        alert_id = conn.scalar(select(alert.c.id).where(alert.c.region_code == COUNTY))
    lifecycle.acknowledge(engine, alert_id, SVG, note=ALERT_NOTE, at=dt.datetime(2026, 3, 3, 9, 0))


__all__ = ["COUNTY", "D1", "TOP", "load"]
