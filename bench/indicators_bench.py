"""Indicator benchmark on a loaded store: every report at every level, the daily refresh, explain pages.

    python bench/indicators_bench.py --db sqlite:////tmp/budget-bench/full.db --date 2026-11-20 \
        [--baseline earlier-run.json]

Each figure is set beside the bare SQL that is its floor (one GROUP BY over the same year of vouchers), measured
in the same run, because absolute seconds on this shared machine are noisy. explain() is paged from the start,
from mid-year and from the last month (keyset: any depth costs the same), at the top region and for a member
of middling size at each level below. --baseline puts an earlier run's figures (its bench/out JSON) beside.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

LEVELS = {"execution": ("region", "fund_type", "dept", "unit", "func", "econ", "project"),
          "sangong": ("region", "dept", "unit"), "revenue": ("region", "fund_type"),
          "debt": ("region",), "assets": ("region",), "audit": ("region",), "projects": ("region", "project"),
          "forecast": ("unit", "region")}
EXPLAIN_LEVELS = ("dept", "unit", "func", "econ", "project")  # a member of middling size of each, paged too
PAGES = 20


def timed(fn, *args, **kw) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def p95(values: list[float]) -> float | None:
    return sorted(values)[int(0.95 * (len(values) - 1))] if values else None


def walk(engine, scope: dict, day: dt.date, after, pages: int = PAGES) -> list[float]:
    """Seconds of up to `pages` pages of 支出 rows by keyset, from the key `after` on."""
    from indicators.explain import explain

    out = []
    while after is not None and len(out) < pages:
        seconds, page = timed(explain, engine, "execution.spent", scope, day, part="spent", after=after)
        out.append(seconds)
        after = page["next_after"]
    return out


def explain_pages(engine, scope: dict, day: dt.date) -> dict:
    """The first page (with totals), then pages from the start, from mid-year and from the last month: keyset
    paging costs the same at any depth."""
    from indicators.explain import explain

    first_s, first = timed(explain, engine, "execution.spent", scope, day)
    part = first["numerator"]["parts"][0]
    pages = walk(engine, scope, day, part["next_after"])
    for deep in (dt.date(day.year, 7, 1), day.replace(day=1)):
        past = [(deep - dt.timedelta(days=1)).isoformat(), 2**31 - 1]  # after any id (an integer on PostgreSQL)
        pages += walk(engine, scope, day, past)
    return {"first_s": first_s, "pages": len(pages), "p95_s": p95(pages), "max_s": max(pages, default=None)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--date", type=dt.date.fromisoformat, required=True)
    ap.add_argument("--backfill-days", type=int, default=3, help="days before each probe date to store first")
    ap.add_argument("--baseline", type=Path, help="an earlier run's bench/out JSON, shown beside this one")
    args = ap.parse_args()
    from warehouse.db import open_store

    data = measure(open_store(args.db), args.date, args.backfill_days)
    markdown_section(data, json.loads(args.baseline.read_text(encoding="utf-8")) if args.baseline else None)


def measure(engine, day: dt.date, backfill_days: int = 3) -> dict:
    """Every figure of the section, measured on the store (also run by bench/scale_bench.py at each size)."""
    from sqlalchemy import text

    from indicators import snapshots
    from indicators.execution import execution
    from indicators.reports import report_rows

    with engine.connect() as conn:
        vouchers = conn.execute(text("SELECT COUNT(*) FROM pay")).scalar()
        first_year = conn.execute(text("SELECT MIN(pay_date) FROM pay")).scalar()
        sums_rows = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                     for t in ("pay_day", "pay_month", "pay_year")}
        top = conn.execute(text("SELECT region_code FROM dm_region WHERE parent_code IS NULL OR parent_code = '' "
                                "ORDER BY region_code LIMIT 1")).scalar()
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
        snapshots.backfill(engine, probe - dt.timedelta(days=backfill_days), probe - dt.timedelta(days=1))
        seconds, _ = timed(snapshots.refresh, engine, probe, probe)
        refresh[probe.isoformat()] = seconds

    # 3. explain: the top region, then a member of middling size at each level below
    explain = {"region": explain_pages(engine, {"level": "region", "code": top, "scope": "全辖"}, day)}
    for level in EXPLAIN_LEVELS:
        members = sorted(execution(engine, day, level=level), key=lambda r: (r["spent"], r["code"]))
        member = members[len(members) // 2]
        explain[f"{level} {member['code']}"] = explain_pages(engine, {"level": level, "code": member["code"]}, day)
    all_pages = explain["region"]["pages"]

    data = {"machine": machine(), "vouchers": vouchers, "pay_sums_rows": sums_rows, "date": day,
            "reports": per_report, "all_reports_seconds": all_seconds, "bare_group_by_seconds": bare_seconds,
            "refresh_seconds": refresh, "explain": explain,
            "explain_first_page_seconds": explain["region"]["first_s"],
            "explain_next_pages_p95_seconds": explain["region"]["p95_s"], "explain_pages": all_pages,
            "measured_on": dt.date.today()}
    return data


def markdown_section(data: dict, base: dict | None) -> None:
    """Writes the section from measure()'s figures (and an earlier run's beside them)."""
    day, per_report, explain, refresh = data["date"], data["reports"], data["explain"], data["refresh_seconds"]
    vouchers, sums_rows, all_pages = data["vouchers"], data["pay_sums_rows"], data["explain_pages"]
    all_seconds, bare_seconds = data["all_reports_seconds"], data["bare_group_by_seconds"]
    (early, early_s), (late, late_s) = list(refresh.items())

    def before(key: str, fmt: str = "{:.2f}") -> str:
        got = (base or {}).get("reports", {}).get(key, {}).get("seconds")
        return f" {fmt.format(got)} |" if got is not None else " – |"

    head = "| report/level |" + (" before (s) |" if base else "") + " seconds | rows |"
    rule = "|---|" + ("---:|" if base else "") + "---:|---:|"
    rows_md = "\n".join(
        f"| {k} |" + (before(k) if base else "") + (f" {v['seconds']:.2f} | {v['rows']} |" if "seconds" in v
                                                    else f" – | {v['error']} |")
        for k, v in per_report.items())
    explain_md = "\n".join(
        f"| {k} | {v['first_s'] * 1000:.0f} | {v['pages']} | {(v['p95_s'] or float('nan')) * 1000:.0f} | "
        f"{(v['max_s'] or float('nan')) * 1000:.0f} |" for k, v in explain.items())
    was = ""
    if base:
        was = (f"\n\nBefore (the same store, summing the vouchers themselves, {base.get('measured_on')}): "
               f"all reports {base['all_reports_seconds']:.1f} s beside a bare GROUP BY of "
               f"{base['bare_group_by_seconds']:.2f} s; refresh "
               + " / ".join(f"{v:.2f} s" for v in base["refresh_seconds"].values())
               + f"; explain first page {base['explain_first_page_seconds'] * 1000:.0f} ms, next pages p95 "
               f"{(base['explain_next_pages_p95_seconds'] or float('nan')) * 1000:.0f} ms.")
    md = f"""## 指标 / Indicators (`python bench/indicators_bench.py --db … --date {day}`)

Measured {data['measured_on']} on {data['machine']}; store of **{vouchers:,} vouchers**, summed per voucher class
in pay_day {sums_rows['pay_day']:,} / pay_month {sums_rows['pay_month']:,} / pay_year {sums_rows['pay_year']:,} rows;
as of {day}.

- All reports at every level for one date: **{all_seconds:.1f} s** in all (goal ≤ 5 s); the bare
  `GROUP BY unit_code` over the same year of vouchers takes {bare_seconds:.2f} s
  (ratio {all_seconds / bare_seconds:.1f} for {len(per_report)} report/level combinations).
- Daily incremental refresh (day before stored): {early_s:.2f} s on {early} (little history) vs {late_s:.2f} s on
  {late} (full history): ratio **{late_s / early_s:.2f}** (goals ≤ 2 s, flat ± 30 %).
- `explain` of 支出 at the top region: first page (with totals) {explain['region']['first_s'] * 1000:.0f} ms; next
  pages by keyset, p95 **{(explain['region']['p95_s'] or float('nan')) * 1000:.0f} ms** over {all_pages} pages from the
  start, mid-year and the last month (goal ≤ 100 ms).{was}

{head}
{rule}
{rows_md}

| explain 支出 of | first page ms | pages | p95 ms | max ms |
|---|---:|---:|---:|---:|
{explain_md}
"""
    write_section("indicators", md, data)
    print(md)


if __name__ == "__main__":
    main()
