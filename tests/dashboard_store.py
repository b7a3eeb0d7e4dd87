"""The store the dashboard tests read: a region tree and two business dates of feed bookkeeping.

Rows go straight into ingest_run / ingest_file / finding (as the ingest records them), so these tests are
about what the dashboard shows, not about the ingest.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from warehouse.schema import dm_region, finding, ingest_file, ingest_run

TOP, COUNTY, OTHER = "419900", "419901", "419902"
D1, D2 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
REFUSED = "BGT_419901_20260303.csv"
DECIMALS_MESSAGE = "“金额”超过两位小数：12.345（金额以元为单位，最多保留到分）"
INFO_MESSAGE = "未定义的列“备注”已忽略"
MANIFEST_MESSAGE = "清单列出的文件 PROJ_419900_20260303.csv 未交付"


def fill_feed(engine) -> None:
    at = dt.datetime(2026, 3, 4, 2, 0)
    with engine.begin() as conn:
        conn.execute(insert(dm_region), [
            dict(region_code=TOP, region_name="示范市", parent_code=None, level="市"),
            dict(region_code=COUNTY, region_name="甲县", parent_code=TOP, level="县"),
            dict(region_code=OTHER, region_name="乙县", parent_code=TOP, level="县"),
        ])
        run = conn.execute(insert(ingest_run).values(
            started_at=at, finished_at=at + dt.timedelta(minutes=3), inbox="/srv/inbox", date_from=D1, date_to=D2,
            status="completed", run_by="clerk", files=5, rows=138, amount_total_fen=0, errors=2,
            warnings=1)).inserted_primary_key[0]

        def add_file(day, name, status, rows, amount_fen, errors=0, warnings=0):
            report, region = name.split("_")[:2]
            return conn.execute(insert(ingest_file).values(
                run_id=run, business_date=day, name=name, report=report, region_code=region, sha256="0" * 64,
                status=status, rows=rows, amount_total_fen=amount_fen, errors=errors, warnings=warnings,
                recorded_at=at)).inserted_primary_key[0]

        add_file(D1, "PAY_419900_20260302.csv", "loaded", 10, 123_456)
        add_file(D2, "PAY_419900_20260303.csv", "loaded", 120, 123_456_789)
        refused = add_file(D2, REFUSED, "refused", 3, None, errors=2)
        inc = add_file(D2, "INC_419902_20260303.csv", "loaded", 5, 5_000_000_000, warnings=1)

        def add_finding(file_id, file, severity, rule, line, column, value, expected, message):
            conn.execute(insert(finding).values(
                run_id=run, file_id=file_id, business_date=D2, file=file, rule_id=rule, severity=severity,
                line=line, column=column, value=value, expected=expected, message=message))

        add_finding(refused, REFUSED, "error", "AMOUNT_DECIMALS", 5, "金额", "12.345", "最多两位小数",
                    DECIMALS_MESSAGE)
        add_finding(refused, REFUSED, "error", "CODE_LEADING_ZERO", 7, "单位编码", "12001", "012001",
                    "“单位编码”编码 12001 不存在，可能丢失了前导零（应为 012001）")
        add_finding(inc, "INC_419902_20260303.csv", "warning", "INC_LATE", 3, "入库日期", "2026-02-20",
                    "2026-02-24 之后", "迟报收入")
        add_finding(inc, "INC_419902_20260303.csv", "info", "HEADER_EXTRA", 1, "备注", "备注", None, INFO_MESSAGE)
        add_finding(None, "manifest.json", "error", "MANIFEST_FILE_MISSING", None, None,
                    "PROJ_419900_20260303.csv", None, MANIFEST_MESSAGE)
