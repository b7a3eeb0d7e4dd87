"""The ingest and findings record exports (indicators.md § Exports: `report ingest|findings`)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Engine, select

from warehouse.schema import finding, ingest_file


def _yuan(fen):
    return None if fen is None else Decimal(fen).scaleb(-2)


def ingest_records(engine: Engine, date: dt.date) -> list[dict]:
    """One row per file record of business date `date`, in the order they were recorded."""
    q = select(ingest_file).where(ingest_file.c.business_date == date).order_by(ingest_file.c.id)
    with engine.connect() as conn:
        return [{"business_date": r["business_date"].isoformat(), "file": r["name"], "report": r["report"],
                 "status": r["status"], "rows": r["rows"], "amount_total": _yuan(r["amount_total_fen"]),
                 "errors": r["errors"], "warnings": r["warnings"]}
                for r in conn.execute(q).mappings()]


def finding_records(engine: Engine, date: dt.date) -> list[dict]:
    q = select(finding).where(finding.c.business_date == date).order_by(finding.c.id)
    with engine.connect() as conn:
        return [{"business_date": r["business_date"].isoformat(), "file": r["file"], "rule_id": r["rule_id"],
                 "severity": r["severity"], "line": r["line"], "column": r["column"], "value": r["value"],
                 "expected": r["expected"], "message": r["message"]}
                for r in conn.execute(q).mappings()]
