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
    columns: list  # one sequence of cell texts per header (a list, a tuple or a pyarrow array)
    lines: list[int]  # the line on which each record starts (header = line 1)
    numeric: list[set[int]] = field(default_factory=list)  # per record: column indexes that were XLSX numbers
    encoding: str = ""
    ragged: list[tuple[int, int]] = field(default_factory=list)  # (line, fields) of records whose width differs

    @property
    def n(self) -> int:
        return len(self.lines)

    @classmethod
    def from_rows(cls, headers: list[str], rows: list[list[str]], lines: list[int], **kw) -> "RawTable":
        width = len(headers)
        ragged = [(ln, len(r)) for r, ln in zip(rows, lines) if len(r) != width]
        if ragged:
            rows = [(r + [""] * width)[:width] for r in rows]
        columns = [list(c) for c in zip(*rows)] if rows else [[] for _ in range(width)]
        return cls(headers, columns, lines, ragged=ragged, **kw)


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
    fast = _read_csv_arrow(text, encoding)
    return fast if fast is not None else _read_csv_python(text, encoding)


def _read_csv_arrow(text: str, encoding: str) -> RawTable | None:
    """The fast path for the common file: one physical line per record, no blank lines, equal widths.

    Returns None whenever line numbers could not be derived from row positions, and the exact reader runs.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    body = text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text
    lone_cr = "\r" in body and "\r" in body.replace("\r\n", "\n")  # the replace only when there is a CR at all
    if not body or lone_cr or '"' in body and "\n" in _quoted_newline_probe(body):
        return None
    header_line = body.split("\n", 1)[0].rstrip("\r")
    headers = next(csv.reader([header_line]))
    width = len(headers)
    physical = body.count("\n") + 1
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, skip_rows=1, block_size=1 << 24,
                                           use_threads=False),  # threads cost more CPU than they save here
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(width)},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return None
    if table.num_columns != width or table.num_rows != physical - 1:
        return None
    columns = [table.column(i) for i in range(width)]
    if table.num_rows and any(col.null_count for col in columns):
        return None
    return RawTable(headers, columns, list(range(2, table.num_rows + 2)), [], encoding)


def _quoted_newline_probe(body: str) -> str:
    """Text inside double quotes: where a record could span lines."""
    return "".join(body.split('"')[1::2])


def _read_csv_python(text: str, encoding: str) -> RawTable:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    headers: list[str] | None = None
    start = 1
    try:
        for rec in reader:
            if headers is None:
                headers = rec
            elif rec and (rec[0].strip() or "".join(rec).strip()):
                rows.append(rec)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ReadError("FILE_PARSE", f"第 {reader.line_num} 行 CSV 格式错误（{exc}）")
    return RawTable.from_rows(headers or [], rows, lines, encoding=encoding)


def _cell_text(v) -> tuple[str, bool]:
    if v is None or v == "":
        return "", False
    if isinstance(v, bool):
        return ("是" if v else "否"), False
    if isinstance(v, (int, float)):
        if isinstance(v, float) and v.is_integer() and abs(v) < 2 ** 53:  # every digit of such a float is exact
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
    return RawTable.from_rows(headers, rows, lines, numeric=numeric, encoding="xlsx")
