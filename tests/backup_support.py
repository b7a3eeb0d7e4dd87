"""Helpers for the backup, restore and damaged-store tests: a store with enough rows to span many pages, every
row of every table for comparing two stores, and damage done to a copy of an SQLite file."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import insert, select

from tests.builders import Builder, city
from warehouse import schema
from warehouse.models import metadata

VOUCHERS = 3000


def fill(engine, vouchers: int = VOUCHERS) -> None:
    """The test city, one quota and `vouchers` payments on it (one transaction)."""
    b = city(Builder(engine))
    b.quota("Q1", "100001", 90_000_000, "2026-01-05")
    template = b.pay("PZ000000", "Q1", "10.00", "2026-03-02")
    rows = [{**template, "voucher_no": f"PZ{i:06d}", "amount_fen": 1000 + i, "payee_name": f"收款单位{i % 37}号"}
            for i in range(1, vouchers)]
    with engine.begin() as conn:
        conn.execute(insert(schema.pay), rows)


def every_row(engine) -> dict[str, list[tuple]]:
    """Every row of every table of the store, in a stable order."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
    return out


def close_sqlite(engine) -> None:
    """Checkpoint the WAL into the main file and close every connection: the file alone is the store."""
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def page_size(path: Path) -> int:
    return int.from_bytes(Path(path).read_bytes()[16:18], "big")


def middle_leaf_of(path: Path, table: str = "pay") -> int:
    """The page number of the middle leaf page of `table`'s b-tree (sqlite's dbstat view)."""
    conn = sqlite3.connect(path)
    try:
        pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' "
                                            "ORDER BY pageno", (table,))]
    finally:
        conn.close()
    assert len(pages) > 10, pages
    return pages[len(pages) // 2]


def overwrite_page(path: Path, pageno: int, fill: bytes = b"\xff") -> None:
    """Overwrite one whole page (numbered from 1) with garbage, as a failing disk sector would."""
    size = page_size(path)
    with open(path, "r+b") as fh:
        fh.seek((pageno - 1) * size)
        fh.write(fill * size)


def truncate(path: Path, length: int) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(length)
