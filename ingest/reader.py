"""Reading one delivered file into text columns, whatever its format, without ever crashing.

Every cell becomes text (codes keep their leading zeros); XLSX numbers and dates are rendered exactly and
remembered as numeric so a code that lost its leading zero can be told apart. Each record keeps the line on
which it starts, because findings point at lines.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

MAX_FILE_BYTES = int(os.environ.get("BUDGET_MAX_FILE_MB", "200")) * 1024 * 1024

csv.field_size_limit(1 << 24)


class ReadError(Exception):
    """The file cannot be read at all; `rule` and `value` make its finding."""

    def __init__(self, rule: str, value: str, expected: str = ""):
        super().__init__(value)
        self.rule, self.value, self.expected = rule, value, expected


@dataclass
class RawTable:
    headers: list[str]
    rows: list[list[str]]  # data records, cells as text
    lines: list[int]  # the line on which each record starts (header = line 1)
    numeric: list[set[int]] = field(default_factory=list)  # per record: column indexes that were XLSX numbers
    encoding: str = ""


def read_file(path: Path) -> RawTable:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ReadError("FILE_TOO_LARGE", f"{size / 1048576:.0f} MB", f"{MAX_FILE_BYTES // 1048576} MB")
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    return read_csv_bytes(path.read_bytes())


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ReadError("FILE_ENCODING", f"UTF-8 BOM 后第 {exc.start + 3} 字节无效")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise ReadError("FILE_ENCODING", f"第 {exc.start} 字节起无法识别")


def read_csv_bytes(data: bytes) -> RawTable:
    text, encoding = decode(data)
    if "\x00" in text:
        raise ReadError("FILE_PARSE", "含有空字符（NUL），不是文本 CSV 文件")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    headers: list[str] | None = None
    start = 1
    try:
        for rec in reader:
            if headers is None:
                headers = rec
            elif rec and any(cell.strip() for cell in rec):
                rows.append(rec)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ReadError("FILE_PARSE", f"第 {reader.line_num} 行 CSV 格式错误（{exc}）")
    if headers is None:
        headers = []
    return RawTable(headers, rows, lines, [], encoding)


def _cell_text(v) -> tuple[str, bool]:
    if v is None or v == "":
        return "", False
    if isinstance(v, bool):
        return ("是" if v else "否"), False
    if isinstance(v, (int, float)):
        if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
            return str(int(v)), True
        return format(Decimal(repr(v)), "f"), True
    if isinstance(v, dt.datetime):
        return v.date().isoformat(), False
    if isinstance(v, dt.date):
        return v.isoformat(), False
    return str(v), False


def _read_xlsx(path: Path) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        if not wb.sheet_names:
            raise ReadError("FILE_PARSE", "工作簿中没有工作表")
        data = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except ReadError:
        raise
    except Exception as exc:  # calamine raises its own error types for corrupt or truncated workbooks
        raise ReadError("FILE_PARSE", f"XLSX 文件损坏或不完整（{str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__}）")
    if not data:
        return RawTable([], [], [], [], "xlsx")
    headers = [_cell_text(v)[0] for v in data[0]]
    rows, lines, numeric = [], [], []
    for i, rec in enumerate(data[1:], start=2):
        cells = [_cell_text(v) for v in rec]
        if not any(t.strip() for t, _ in cells):
            continue
        rows.append([t for t, _ in cells])
        numeric.append({j for j, (_, n) in enumerate(cells) if n})
        lines.append(i)
    return RawTable(headers, rows, lines, numeric, "xlsx")
