"""Writing validated rows: the bulk path of each database (executemany on SQLite, COPY on PostgreSQL).

Rows go in through the caller's connection, inside the file's transaction.
"""
from __future__ import annotations

import datetime as dt
from contextlib import nullcontext

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from ingest.standard import REPORTS
from warehouse import pay_sums
from warehouse.schema import REPORT_TABLES

_CODE_KEYS = {"DM_REGION": ("region_code",), "DM_UNIT": ("unit_code",), "DM_FUNC": ("code", "year"),
              "DM_ECON": ("code", "kind", "year")}


def _columns(report: str) -> list[str]:
    return [c.store_name for c in REPORTS[report].columns]


def _as_lists(frame: pd.DataFrame, cols: list[str]) -> list[list]:
    """Column values as Python objects with None for empty (empty text is stored as NULL).

    Converted a column at a time by pyarrow / numpy, not value by value: this runs on every row loaded.
    """
    return [py_values(frame[c]) for c in cols]


def py_values(s: pd.Series) -> list:
    """A column as a list of plain Python values (str / int), None where missing or empty text."""
    if s.dtype == "str" or s.dtype == object:
        try:
            arr = pa.array(s, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # an object column of mixed values: one by one
            arr = None
        if arr is not None and (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr).to_pylist()
        return [None if (v is None or v == "" or v is pd.NA or (isinstance(v, float) and v != v)) else v
                for v in s.tolist()]
    return s.to_numpy(dtype=object, na_value=None).tolist() if s.dtype == "Int64" else \
        [None if pd.isna(v) else int(v) for v in s.tolist()]


def rows_for(frame: pd.DataFrame, report: str, file_id: int, day: dt.date) -> tuple[list[str], list[tuple]]:
    cols = _columns(report)
    values = _as_lists(frame, cols)
    n = len(frame)
    values += [[file_id] * n, frame["line_no"].astype(int).tolist(), [day.isoformat()] * n]
    return cols + ["file_id", "line_no", "business_date"], list(zip(*values))


def insert_rows(conn: Connection, report: str, frame: pd.DataFrame, file_id: int, day: dt.date) -> tuple[int, int] | None:
    """Insert the rows; returns the (first, last) surrogate id they received (the ingest lock makes them ours)."""
    if frame.empty:
        return None
    table = REPORT_TABLES[report].name
    before = conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar()
    vouchers = report == "PAY"  # they go into pay_day/month/year per class in one go, not row by row
    with pay_sums.deferred(conn) if vouchers else nullcontext():
        _insert(conn, table, *rows_for(frame, report, file_id, day))
        span = before + 1, conn.exec_driver_sql(f"SELECT MAX(id) FROM {table}").scalar()
        if vouchers:
            pay_sums.apply(conn, file_id, span, 1)
    return span


def _insert(conn: Connection, table: str, cols: list[str], rows: list[tuple]) -> None:
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in cols)
    conn.exec_driver_sql(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)


def upsert_code_rows(conn: Connection, report: str, frame: pd.DataFrame, file_id: int, day: dt.date) -> None:
    """Code tables are upserts: a new key is added, a known key updated, an absent key stays."""
    if frame.empty:
        return
    table = REPORT_TABLES[report]
    cols, rows = rows_for(frame, report, file_id, day)
    records = [dict(zip(cols, r)) for r in rows]
    for rec in records:
        rec["business_date"] = day
    keys = _CODE_KEYS[report]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                      set_={c: stmt.excluded[c] for c in cols if c not in keys})
    conn.execute(stmt, records)
