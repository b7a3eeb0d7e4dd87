"""Writing one business date's folder exactly as interface.md §1–2 describe, with the file formats mixed.

Most files are UTF-8 CSV; by date some are UTF-8 with BOM, GB18030 or XLSX, and now and then one has English
headers; a report over PART_ROWS rows is split into parts _001, _002…; most folders carry a manifest.json.
The choice is a function of the date and report only, so the same demo always writes the same bytes.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from demo import days
from demo.city import CITY
from ingest.delivery import file_name, folder, write_manifest, write_report
from ingest.standard import LOAD_ORDER, REPORTS

PART_ROWS = 50_000
DAILY = ("PAY", "INC")  # delivered every day, empty (header only) when nothing happened


def file_format(report: str, day: dt.date) -> tuple[str, str, str]:
    """(extension, encoding, headers) of a report's file on a date."""
    n = day.toordinal()
    if (report == "INC" and day.weekday() == 0) or (report == "PAY" and not days.is_workday(day) and n % 3 == 0) \
            or (report in ("ASSET", "AUDIT", "PROJ") and n % 2 == 0) or (report == "DEBT_FLOW" and n % 5 == 0):
        return "xlsx", "", "cn"
    headers = "en" if n % 23 == 11 and report == ("PAY", "INC", "BGT")[n % 3] else "cn"
    if (report == "PAY" and day.day in (5, 15, 25)) or (report == "BGT" and day.month == 3) or n % 11 == 7:
        return "csv", "gb18030", headers
    if n % 7 == 3:
        return "csv", "utf-8-sig", headers
    return "csv", "utf-8", headers


def with_manifest(day: dt.date) -> bool:
    return day.toordinal() % 19 != 4


class Writer:
    def __init__(self, inbox: Path, part_rows: int = PART_ROWS):
        self.inbox = Path(inbox)
        self.part_rows = part_rows
        self.files = 0

    def write_day(self, day: dt.date, reports: dict[str, list[dict]]) -> None:
        target = folder(self.inbox, day)
        target.mkdir(parents=True, exist_ok=True)
        entries = {}
        for report in LOAD_ORDER:
            rows = reports.get(report, [])
            if not rows and report not in DAILY:
                continue
            ext, encoding, headers = file_format(report, day)
            chunks = [rows[i:i + self.part_rows] for i in range(0, len(rows), self.part_rows)] or [[]]
            for part, chunk in enumerate(chunks, start=1):
                name = file_name(report, CITY, day, part if len(chunks) > 1 else None, ext)
                path = target / name
                if ext == "xlsx":
                    entries[name] = write_report(path, report, _typed(report, chunk), headers=headers)
                    _freeze(path, day)
                else:
                    entries[name] = write_report(path, report, chunk, encoding=encoding, headers=headers)
                self.files += 1
        if with_manifest(day):
            write_manifest(target, day, entries)


def _typed(report: str, rows: list[dict]) -> list[dict]:
    """Rows for an XLSX sheet: amounts as numbers (codes stay text, dates are date cells)."""
    money = [c.field for c in REPORTS[report].columns if c.kind in ("amount", "quantity", "rate")]
    return [{**r, **{f: Decimal(r[f]) for f in money if r.get(f) not in (None, "")}} for r in rows]


_STAMP = re.compile(rb"(<dcterms:(?:created|modified) xsi:type=\"dcterms:W3CDTF\">)[^<]*(</dcterms:)")


def _freeze(path: Path, day: dt.date) -> None:
    """Set the workbook's created/modified stamps to the business date, so the same rows give the same bytes."""
    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    stamp = f"{day:%Y-%m-%d}T00:00:00Z".encode()
    with zipfile.ZipFile(path, "w") as zout:
        for info, data in items:
            if info.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            zout.writestr(info, data)
