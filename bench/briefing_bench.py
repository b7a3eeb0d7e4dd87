"""Briefing benchmark: one quarterly briefing, charts included, written from an existing store, step by step.

    python bench/briefing_bench.py --db URL --quarter 2026Q3     # e.g. the 10-million-voucher store
    python bench/briefing_bench.py --db sqlite:///data/budget.db # the latest quarter over in the store

The store must have been loaded by the ingest (indicator snapshots and alerts refreshed), as the daily job
leaves it. The target (issue 6) is ≤ 20 s on the 10-million-voucher store.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

TARGET_SECONDS = 20


def store_size(engine) -> dict:
    from sqlalchemy import func, select

    from warehouse.schema import bgt, inc, pay

    with engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(table))
                for name, table in (("PAY", pay), ("BGT", bgt), ("INC", inc))}


def _charts_in(docx) -> int:
    """The pictures in the Word file: the charts the briefing holds."""
    import zipfile

    with zipfile.ZipFile(docx) as z:
        return sum(name.startswith("word/media/") for name in z.namelist())


def latest_quarter(engine):
    from briefing.quarter import Quarter
    from dashboard.queries.ingest import latest_business_date

    newest = latest_business_date(engine)
    if newest is None:
        raise SystemExit("the store holds no loaded business date")
    return Quarter.containing(newest + dt.timedelta(days=1)).previous()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="store URL")
    parser.add_argument("--quarter", help="2026Q3 (default: the latest quarter over in the store)")
    parser.add_argument("--region", help="region code (default: the top region)")
    args = parser.parse_args()

    from briefing.quarter import Quarter
    from briefing.write import write_briefing
    from warehouse.db import open_store, safe_url

    engine = open_store(args.db)
    quarter = Quarter.parse(args.quarter) if args.quarter else latest_quarter(engine)
    size = store_size(engine)
    marks: list[tuple[str, float]] = []
    load_start = os.getloadavg()[0]
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as out, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        paths = write_briefing(engine, quarter, args.region, out, today=quarter.end + dt.timedelta(days=8),
                               progress=lambda done, step: marks.append((step, time.monotonic() - started)))
        sizes = {p.suffix[1:]: p.stat().st_size for p in paths}
        charts = _charts_in(paths[0])
    total = time.monotonic() - started
    load = os.getloadavg()[0]  # the machine is shared: a busy one stretches every step
    steps = [(name, round(end - begin, 2)) for (name, begin), (_, end) in zip(marks, marks[1:])]
    data = {"store": safe_url(args.db), "quarter": quarter.code, "rows": size, "seconds": round(total, 2),
            "steps": dict(steps), "bytes": sizes, "charts": charts, "machine": machine(),
            "load_average_start": round(load_start, 1), "load_average": round(load, 1),
            "target_seconds": TARGET_SECONDS}
    rows = "\n".join(f"| {name} | {seconds:.2f} |" for name, seconds in steps)
    markdown = f"""## 季度简报 / Quarterly briefing (`bench/briefing_bench.py`)

One briefing ({quarter.code}, docx + pdf, {charts} charts drawn by the system Chromium) from a store of
{size['PAY']:,} vouchers, {size['BGT']:,} quota rows and {size['INC']:,} revenue rows; {machine()}, load average
{load_start:.1f} at the start and {load:.1f} at the end (the machine is shared).
Total **{total:.1f} s** (target ≤ {TARGET_SECONDS} s on the 10-million-voucher store).
Chromium starts while the figures are read; 绘制图表 includes waiting for it to be up, the charts drawn one after
another in its one tab, and closing it. WeasyPrint is imported while the charts are drawn.

| step | seconds |
|---|---:|
{rows}

Reproduce: `python bench/briefing_bench.py --db URL [--quarter 2026Q3]`.
"""
    write_section("briefing", markdown, data)
    print(markdown)


if __name__ == "__main__":
    main()
