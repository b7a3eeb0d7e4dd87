"""Formatting and writing report rows: JSON, CSV and XLSX, for the `report` command and the dashboard downloads.

The calculators return exact values (integer 分, Fraction rates); here they become the numbers every page and
briefing shows: amounts in 元 to 0.01, rates and multiples to 6 places, lag_pp to 0.01, half-up, null where a
figure is not defined. Spreadsheet cells never turn into formulas: text is written as text in XLSX (and a text
cell starting with = + - @ or tab / carriage return carries Excel's quote prefix, so editing the cell keeps it
text), and in CSV such a text cell is prefixed with a single quote — unless it is a plain number (a refund's
amount as delivered, -234.57), which no spreadsheet evaluates.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal
from fractions import Fraction

from indicators.registry import FAMILIES
from indicators.registry import fields as report_fields
from indicators.registry import UNITS, label, unit_of

PLACES = {"元": 2, "ratio": 6, "multiple": 6, "pp": 2, "count": 0}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = ("json", "csv", "xlsx")


def round_half_up(value: Fraction, places: int) -> Decimal:
    """In integers — floor(|value| × 10^places + 1/2) — since charts round hundreds of points per request."""
    if not isinstance(value, (Fraction, int)):
        value = Fraction(value)
    scaled, den = abs(value.numerator) * 10 ** places, value.denominator
    n = (2 * scaled + den) // (2 * den)
    return Decimal(-n if value < 0 else n).scaleb(-places)


def format_value(unit: str, value):
    """A calculator value as exported: 元 from 分, rounded rates; text passes through."""
    if value is None or unit not in PLACES:
        return value
    if unit == "count":
        return int(value)
    if unit == "元":
        value = Fraction(value) / 100
    return round_half_up(Fraction(value), PLACES[unit])


def format_rows(name: str, rows: list[dict]) -> list[dict]:
    """Rows of report NAME with exactly its columns; indicator rows formatted for export (record rows from the
    ingest and the alerts come formatted: amounts already in 元)."""
    cols = report_fields(name)
    if name not in FAMILIES:
        return [{f: r.get(f) for f in cols} for r in rows]
    return [{f: format_value(unit_of(name, f), r.get(f)) for f in cols} for r in rows]


# JSON -------------------------------------------------------------------------------------------------------
def _json(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)  # exact: a Decimal is written as the number it is, never through a float
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return json.dumps(value.isoformat())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_json(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value), ensure_ascii=False)


def to_json(rows: list[dict]) -> bytes:
    body = ",\n".join("  " + _json(r) for r in rows)
    return (("[\n" + body + "\n]\n") if rows else "[]\n").encode("utf-8")


# CSV --------------------------------------------------------------------------------------------------------
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")  # e.g. a refund's amount as delivered: no formula to guard


def formula_like(text: str) -> bool:
    """Text a spreadsheet would run as a formula: the CSV prefix and the XLSX quote prefix guard the same texts."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def safe_text(text: str) -> str:
    return "'" + text if formula_like(text) else text


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    return safe_text(str(value))


def to_csv(rows: list[dict], cols: list[str], for_people: bool = False) -> bytes:
    """UTF-8 with a header of field names; for_people (a download Excel opens): with a byte-order mark, without
    which Excel reads UTF-8 as the local code page."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(cols)
    for r in rows:
        writer.writerow([_csv_cell(r.get(c)) for c in cols])
    return (("\ufeff" if for_people else "") + out.getvalue()).encode("utf-8")


# XLSX -------------------------------------------------------------------------------------------------------
NUMBER_FORMATS = {"元": "#,##0.00", "ratio": "0.000000", "multiple": "0.000000", "pp": "0.00", "count": "0"}


def to_xlsx(rows: list[dict], cols: list[str], name: str, title: str | None = None, for_people: bool = False) -> bytes:
    """The rows as JSON and CSV give them (indicators.md § Exports: field names, dates as YYYY-MM-DD text) with a
    second sheet naming each field in Chinese and its unit; for_people (a download from the dashboard): Chinese
    names as the header and dates as date cells instead."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet((title or name)[:31])
    bold = book.add_format({"bold": True})
    formats = {u: book.add_format({"num_format": f}) for u, f in NUMBER_FORMATS.items()}
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    quoted = book.add_format({"quote_prefix": True})  # what Excel stores for text typed as '=…'

    def write_text(i, j, text: str):
        sheet.write_string(i, j, text, quoted if formula_like(text) else None)

    units = [unit_of(name, c) for c in cols]
    for j, c in enumerate(cols):
        header = label(name, c) if for_people else c
        sheet.write_string(0, j, header, bold)
        sheet.set_column(j, j, max(10, 2 * len(label(name, c)) + 2))
    for i, r in enumerate(rows, start=1):
        for j, (c, unit) in enumerate(zip(cols, units)):
            value = r.get(c)
            if value is None:
                sheet.write_blank(i, j, None)
            elif isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
                sheet.write_number(i, j, float(value), formats.get(unit))
            elif isinstance(value, dt.date) and not for_people:
                sheet.write_string(i, j, value.isoformat())
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(i, j, value, date_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date_format)
            elif isinstance(value, (list, tuple)):
                write_text(i, j, " ".join(str(v) for v in value))
            else:
                write_text(i, j, str(value))
    sheet.freeze_panes(1, 0)
    if not for_people:
        fields = book.add_worksheet("字段说明")
        for j, text in enumerate(("字段 field", "名称", "单位 unit")):
            fields.write_string(0, j, text, bold)
        for i, (c, unit) in enumerate(zip(cols, units), start=1):
            for j, text in enumerate((c, label(name, c), UNITS.get(unit))):
                if text:
                    fields.write_string(i, j, text)
        fields.set_column(0, 1, 28)
    book.close()
    return buf.getvalue()


def export(name: str, rows: list[dict], fmt: str, title: str | None = None, for_people: bool = False) -> bytes:
    """Report NAME's calculator rows (or record rows) as a file in `fmt` (json | csv | xlsx); for_people: a
    download from the dashboard (see to_csv, to_xlsx), else the `report` command's files for programs."""
    cols = report_fields(name)
    formatted = format_rows(name, rows)
    if fmt == "json":
        return to_json(formatted)
    if fmt == "csv":
        return to_csv(formatted, cols, for_people)
    if fmt == "xlsx":
        return to_xlsx(formatted, cols, name, title, for_people)
    raise ValueError(f"unknown format {fmt}")
