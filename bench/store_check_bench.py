"""Store-check benchmark: what the corrupt-SQLite checks and the online backup cost on a multi-GB file.

    python bench/store_check_bench.py --file /tmp/big.db --rows 12000000   # builds the file when missing
    python bench/store_check_bench.py --file data/budget.db                 # a real store

The synthetic file is one voucher-like table (17 columns, the four PAY indexes), the shape that makes up
almost all of a province's store. Measured side by side in one run: the header check (every open), PRAGMA
quick_check with the file evicted from the page cache and again warm, and the backup API copy. The figures
decide which commands read every page at start (warehouse.health).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

BUILD = """
CREATE TABLE pay (id INTEGER PRIMARY KEY, region_code TEXT, voucher_no TEXT, pay_date TEXT, unit_code TEXT,
 quota_id TEXT, amount_fen INTEGER, payee_name TEXT, payee_account TEXT, func_code TEXT, econ_code TEXT,
 fund_type TEXT, project_code TEXT, orig_voucher_no TEXT, file_id INTEGER, line_no INTEGER, business_date TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows})
INSERT INTO pay SELECT i, '4199' || printf('%02d', i % 97), 'PZ' || printf('%012d', i),
 date('2023-01-01', '+' || (i % 1400) || ' days'), printf('%06d', i % 4003), 'ZB' || printf('%010d', i % 200003),
 (i * 7919) % 10000000, '收款单位名称' || (i % 50021), '6222' || printf('%015d', (i * 31) % 999999937),
 '2010' || printf('%03d', i % 301), '30' || printf('%03d', i % 99), '一般公共预算', NULL, NULL, i / 100000,
 i % 100000, date('2023-01-01', '+' || (i % 1400) || ' days') FROM n;
CREATE UNIQUE INDEX uq_pay_voucher ON pay (region_code, voucher_no);
CREATE INDEX ix_pay_date ON pay (pay_date);
CREATE INDEX ix_pay_unit_date ON pay (unit_code, pay_date);
CREATE INDEX ix_pay_quota ON pay (region_code, quota_id, amount_fen);
"""


def build(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-400000;")
    conn.executescript(BUILD.format(rows=rows))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def evict(path: Path) -> None:
    """Drop this file's pages from the OS cache (what a cold start after a reboot sees)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", required=True, type=Path, help="SQLite file (built when missing)")
    parser.add_argument("--rows", type=int, default=12_000_000, help="voucher rows when building")
    args = parser.parse_args()

    from warehouse.backup import _copy
    from warehouse.health import check_header, check_pages

    if not args.file.exists():
        build(args.file, args.rows)
    size = args.file.stat().st_size
    figures = {"header check": timed(lambda: check_header(args.file))}
    evict(args.file)
    figures["quick_check, cold cache"] = timed(lambda: check_pages(args.file))
    figures["quick_check, warm cache"] = timed(lambda: check_pages(args.file))
    with tempfile.TemporaryDirectory(dir=args.file.parent) as folder:
        figures["backup API copy, warm cache"] = timed(lambda: _copy(args.file, Path(folder) / "copy.db"))
    load = os.getloadavg()[0]
    warm = figures["quick_check, warm cache"]
    rows = "\n".join(f"| {name} | {seconds * 1000:,.3f} | {seconds / warm:.6f} |" for name, seconds in figures.items())
    markdown = f"""## 数据库文件检查与备份 / Store check and backup (`bench/store_check_bench.py`)

A {size / 1e9:.2f} GB SQLite file ({args.file.name}); {machine()}, load average {load:.1f} during the run.

| step | milliseconds | × quick_check (warm) |
|---|---:|---:|
{rows}

Reading every page costs about as much as copying the file, so `PRAGMA quick_check` runs where the whole file is
read or written anyway — `backup`, `restore` — and in each daily run of `schedule` after its ingest (the morning's
figures do not wait for it); every open checks the header and length (one 100-byte read: milliseconds at most,
whatever the size). `ingest`, `serve` and `worker` start with the header check only, so a day's ingest costs what its
files cost; a damaged page met by a statement later is reported with the same message (an ingest's file rolls back).

Reproduce: `python bench/store_check_bench.py --file /tmp/big.db --rows {args.rows}`.
"""
    write_section("store_check", markdown, {"bytes": size, "seconds": figures, "load": load})
    print(markdown)


if __name__ == "__main__":
    main()
