"""Indicator benchmark on a loaded store: every report at every level, the daily refresh, explain pages.

    python bench/indicators_bench.py --db sqlite:////tmp/budget-bench/full.db --date 2026-11-20

Each figure is set beside the bare SQL that is its floor (one GROUP BY over the same year of vouchers), measured
in the same run, because absolute seconds on this shared machine are noisy.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

LEVELS = {"execution": ("region", "fund_type", "dept", "unit", "func", "econ", "project"),
          "sangong": ("region", "dept", "unit"), "revenue": ("region", "fund_type"),
          "debt": ("region",), "assets": ("region",), "audit": ("region",), "projects": ("region", "project")}


def timed(fn, *args, **kw) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--date", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--backfill-days", type=int, default=3, help="days before each probe date to store first")
    args = ap.parse_args()

    from sqlalchemy import text

    from indicators import snapshots
    from indicators.explain import explain
    from indicators.reports import report_rows
    from warehouse.db import open_store

    engine = open_store(args.db)
    day = args.date
    with engine.connect() as conn:
        vouchers = conn.execute(text("SELECT COUNT(*) FROM pay")).scalar()
        first_year = conn.execute(text("SELECT MIN(pay_date) FROM pay")).scalar()
    first_year = dt.date.fromisoformat(str(first_year)[:10]).year

    # 1. every report at every level for one date, beside the bare GROUP BY that floors it
    per_report = {}
    for name, levels in LEVELS.items():
        for level in levels:
            try:
                seconds, rows = timed(report_rows, engine, name, day, level=level)
            except Exception as exc:  # a level a report does not take is skipped, and said
                per_report[f"{name}/{level}"] = {"error": str(exc).splitlines()[0]}
                continue
            per_report[f"{name}/{level}"] = {"seconds": seconds, "rows": len(rows)}
    all_seconds = sum(v.get("seconds", 0) for v in per_report.values())
    bare_sql = (f"SELECT unit_code, SUM(amount_fen) FROM pay WHERE pay_date BETWEEN '{day.year}-01-01' AND "
                f"'{day.isoformat()}' GROUP BY unit_code")
    with engine.connect() as conn:
        bare_seconds, _ = timed(lambda: conn.execute(text(bare_sql)).all())

    # 2. the daily refresh, the day before stored, early and late in the history
    refresh = {}
    for probe in (dt.date(first_year, 6, 15), day):
        snapshots.backfill(engine, probe - dt.timedelta(days=args.backfill_days), probe - dt.timedelta(days=1))
        seconds, _ = timed(snapshots.refresh, engine, probe, probe)
        refresh[probe.isoformat()] = seconds

    # 3. explain: the first page, then pages deep in the voucher list by keyset
    region_scope = {"level": "region", "code": None, "scope": "全辖"}
    with engine.connect() as conn:
        top = conn.execute(text("SELECT region_code FROM dm_region WHERE parent_code IS NULL OR parent_code = '' "
                                "ORDER BY region_code LIMIT 1")).scalar()
    region_scope["code"] = top
    first_s, first = timed(explain, engine, "execution.spent", region_scope, day)
    part = first["numerator"]["parts"][0] if first.get("numerator") else None
    pages = []
    after = part["next_after"] if part else None
    for _ in range(20):
        if after is None:
            break
        seconds, page = timed(explain, engine, "execution.spent", region_scope, day, part=part["indicator"].split(".")[-1],
                              after=after)
        pages.append(seconds)
        after = page.get("next_after")
    data = {"machine": machine(), "vouchers": vouchers, "date": day, "reports": per_report,
            "all_reports_seconds": all_seconds, "bare_group_by_seconds": bare_seconds, "refresh_seconds": refresh,
            "explain_first_page_seconds": first_s, "explain_next_pages_p95_seconds":
                (sorted(pages)[int(0.95 * (len(pages) - 1))] if pages else None), "explain_pages": len(pages),
            "measured_on": dt.date.today()}
    (early, early_s), (late, late_s) = list(refresh.items())
    rows_md = "\n".join(f"| {k} | {v['seconds']:.2f} | {v['rows']} |" if "seconds" in v else f"| {k} | – | {v['error']} |"
                        for k, v in per_report.items())
    md = f"""## 指标 / Indicators (`python bench/indicators_bench.py --db … --date {day}`)

Measured {data['measured_on']} on {data['machine']}; store of **{vouchers:,} vouchers**; as of {day}.

- All reports at every level for one date: **{all_seconds:.1f} s** in all (goal ≤ 5 s); the bare
  `GROUP BY unit_code` over the same year of vouchers takes {bare_seconds:.2f} s
  (ratio {all_seconds / bare_seconds:.1f} for {len(per_report)} report/level combinations).
- Daily incremental refresh (day before stored): {early_s:.2f} s on {early} (little history) vs {late_s:.2f} s on
  {late} (full history): ratio **{late_s / early_s:.2f}** (goals ≤ 2 s, flat ± 30 %).
- `explain` of 支出 at the top region: first page (with totals) {first_s * 1000:.0f} ms; next pages by keyset,
  p95 **{(data['explain_next_pages_p95_seconds'] or float('nan')) * 1000:.0f} ms** over {len(pages)} pages (goal ≤ 100 ms).

| report/level | seconds | rows |
|---|---:|---:|
{rows_md}
"""
    write_section("indicators", md, data)
    print(md)


if __name__ == "__main__":
    main()
