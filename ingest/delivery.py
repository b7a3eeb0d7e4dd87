"""Delivery folders and file names of the data standard (interface.md §1), for reading and for writing.

The demo city and the tests write deliveries with the same functions the ingest uses to read their names,
so the two cannot drift apart.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Iterable, Sequence

from ingest.standard import REPORTS

FILE_RE = re.compile(r"^(?P<report>[A-Z_]+?)_(?P<region>\d{6})_(?P<date>\d{8})(?:_(?P<part>\d{3}))?\.(?P<ext>csv|xlsx)$",
                     re.IGNORECASE)


@dataclass(frozen=True)
class FileName:
    report: str
    region: str
    date: dt.date
    part: str | None
    ext: str


def parse_file_name(name: str) -> FileName | None:
    """The parts of a delivery file name, or None when the name does not follow the standard."""
    m = FILE_RE.match(name)
    if not m:
        return None
    try:
        day = dt.datetime.strptime(m["date"], "%Y%m%d").date()
    except ValueError:
        return None
    return FileName(m["report"].upper(), m["region"], day, m["part"], m["ext"].lower())


def file_name(report: str, region: str, day: dt.date, part: int | None = None, ext: str = "csv") -> str:
    suffix = f"_{part:03d}" if part else ""
    return f"{report}_{region}_{day:%Y%m%d}{suffix}.{ext}"


def folder(inbox: Path, day: dt.date) -> Path:
    return Path(inbox) / f"{day:%Y%m%d}"


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _decimal(v) -> Decimal:
    """The exact value of an amount cell; a deliberately bad cell (tests write them) counts as 0."""
    try:
        return Decimal(str(v).replace(",", "").strip())
    except ArithmeticError:
        return Decimal("0")


def counts_in_total(report: str, row: dict) -> bool:
    """Whether a row's ★ amount counts in the manifest total (ASSET counts only rows measured in 元)."""
    rep = REPORTS[report]
    if row.get(rep.amount) in (None, ""):
        return False
    return report != "ASSET" or str(row.get("unit_of_measure") or "元").strip() == "元"


def write_report(path: Path, report: str, rows: Iterable[dict], *, encoding: str = "utf-8",
                 headers: str = "cn", columns: Sequence[str] | None = None) -> tuple[int, Decimal | None]:
    """Write one report file (CSV in `encoding`, or XLSX by the path's suffix) from rows keyed by field name.

    Returns (data rows, sum of the ★ amount column) for the manifest.
    """
    rep = REPORTS[report]
    fields = list(columns or [c.field for c in rep.columns])
    head = [rep.cols[f].cn if headers == "cn" and f in rep.cols else f for f in fields]
    rows = list(rows)
    total = sum((_decimal(r[rep.amount]) for r in rows if counts_in_total(report, r)),
                Decimal("0")) if rep.amount else None
    path = Path(path)
    if path.suffix == ".xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
        ws = wb.add_worksheet("data")
        date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, head)
        for i, r in enumerate(rows, start=1):
            for j, f in enumerate(fields):
                v = r.get(f)
                if isinstance(v, dt.date):
                    ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(i, j, v)
                elif isinstance(v, Decimal):
                    ws.write_number(i, j, float(v))
                else:
                    ws.write_string(i, j, _cell(v))
        wb.close()
    else:
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(head)
        for r in rows:
            w.writerow([_cell(r.get(f)) for f in fields])
        path.write_bytes(buf.getvalue().encode(encoding))
    return len(rows), total


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_manifest(day_folder: Path, day: dt.date, entries: dict[str, tuple[int, Decimal | None]]) -> Path:
    """manifest.json for the files named in `entries` (name -> (rows, amount_total))."""
    files = []
    for name, (rows, total) in sorted(entries.items()):
        item = {"name": name, "rows": rows, "sha256": sha256_of(Path(day_folder) / name)}
        if total is not None:
            item["amount_total"] = f"{total:.2f}"
        files.append(item)
    path = Path(day_folder) / "manifest.json"
    path.write_text(json.dumps({"business_date": day.isoformat(), "files": files}, ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return path
