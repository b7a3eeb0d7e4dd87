"""Scale benchmark: the ingest, indicator, alert and dashboard figures of the other benches measured on stores of
about 1 M, 10 M and 50 M vouchers, PostgreSQL beside SQLite, and how each cost grows with the store.

    python bench/scale_bench.py measure --label 1m --db postgresql://postgres@127.0.0.1/budget_1m \
        --inbox /work/bench-data/pg/s2.6/inbox --load full          # load the demo inbox, then measure
    python bench/scale_bench.py measure --label 1m --db sqlite:////work/bench-data/pg/s2.6/store.db
    python bench/scale_bench.py write                              # the section, from every store measured

A 50-million-voucher store takes hours to build on this shared 2-core machine, so each store is built and
measured on its own (`measure` saves its figures under bench/out/scale/) and `write` puts them side by side.
The measuring functions are the other benches' own: bench/ingest_bench.py (the full validated load is
`app.py ingest`, the bare load its bare_load, the T+1 batch cost its per_day_costs), bench/indicators_bench.py
measure, bench/alerts_bench.py day_costs / month_end_cost / ml_scoring and bench/dashboard_bench.py capture /
replay / voucher_pages. Every step records the load average of the machine when it ended.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import OUT, machine, write_section  # noqa: E402

SCALE_OUT = OUT / "scale"
STEPS = ("ingest", "indicators", "alerts", "dashboard")


def backend(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


# Building a store --------------------------------------------------------------------------------------------
def load(url: str, inbox: Path, how: str, work: Path) -> dict:
    """Loads the demo inbox into the store: `full` = `app.py ingest` (every check), `bare` = ingest_bench's bare
    load (same reader, same COPY / inserts, no validation); wall seconds and peak memory of the child."""
    from bench.ingest_bench import folders, run_measured

    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(work / "quarantine"))
    days = folders(inbox)
    iso = lambda s: f"{s[:4]}-{s[4:6]}-{s[6:]}"  # noqa: E731
    if how == "full":
        cmd = [sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox), "--from", iso(days[0].name),
               "--to", iso(days[-1].name), "--db", url, "--quiet", "--no-refresh"]
    else:
        cmd = [sys.executable, str(ROOT / "bench" / "ingest_bench.py"), "--bare-only", "--inbox", str(inbox)]
        env["BENCH_URL"] = url
    seconds, rss = run_measured(cmd, env)
    return {"how": how, "seconds": seconds, "peak_rss_mb": rss / 2 ** 20, "load": load_average()}


# Measuring ---------------------------------------------------------------------------------------------------
def ingest_figures(engine, url: str) -> dict:
    """What the store's own records say of its load: every run's time and rows, and a T+1 batch's cost (the
    busiest tenth of the last year's days, as bench/ingest_bench.py reads it) now that history is stored."""
    from sqlalchemy import func, select

    from bench.ingest_bench import per_day_costs
    from warehouse.schema import ingest_file, ingest_run, pay

    with engine.connect() as conn:
        runs = conn.execute(select(ingest_run.c.run_by, ingest_run.c.started_at, ingest_run.c.finished_at)).all()
        rows = int(conn.scalar(select(func.sum(ingest_file.c.rows)).where(ingest_file.c.status == "loaded")) or 0)
        vouchers = conn.scalar(select(func.count()).select_from(pay))
    seconds = sum((f - s).total_seconds() for _, s, f in runs if f is not None)
    costs = per_day_costs(url)
    last_year = max(c["date"].year for c in costs)
    year = sorted((c for c in costs if c["date"].year == last_year), key=lambda c: -c["rows"])
    busy = year[:max(1, len(year) // 10)]
    return {"vouchers": vouchers, "rows_all_reports": rows, "runs": len(runs),
            "bare": all(r == "bench" for r, _, _ in runs),
            "load_seconds_from_records": seconds if all(f is not None for _, _, f in runs) else None,
            "t1_batch_seconds": statistics.median(c["seconds"] for c in busy),
            "t1_batch_rows": statistics.median(c["rows"] for c in busy),
            "t1_us_per_row": statistics.median(c["seconds"] / c["rows"] * 1e6 for c in busy if c["rows"]),
            "load": load_average()}


def indicator_figures(engine, day: dt.date) -> dict:
    from bench.indicators_bench import measure

    data = measure(engine, day)
    return {"all_reports_seconds": data["all_reports_seconds"], "bare_group_by_seconds": data["bare_group_by_seconds"],
            "refresh_seconds": data["refresh_seconds"], "explain_first_s": data["explain_first_page_seconds"],
            "explain_p95_s": data["explain_next_pages_p95_seconds"], "pay_sums_rows": data["pay_sums_rows"],
            "reports": data["reports"], "load": load_average()}


def alert_figures(engine, ml_vouchers: int) -> dict:
    from sqlalchemy import func, select

    from bench.alerts_bench import day_costs, month_end_cost, ml_scoring
    from warehouse.schema import pay

    with engine.connect() as conn:
        late = conn.scalar(select(func.max(pay.c.pay_date))).year
    days = day_costs(engine, late)
    month_end = month_end_cost(engine, late)
    ml = ml_scoring(engine, late, ml_vouchers)
    slowest = sorted(days[-1]["timings"].items(), key=lambda kv: -kv[1])[:3]
    return {"day_seconds": statistics.median(d["seconds"] for d in days), "days": [str(d["date"]) for d in days],
            "errors": {k: v for d in days for k, v in d["errors"].items()}, "month_end_seconds": month_end["seconds"],
            "slowest_steps": slowest, "ml": ml, "load": load_average()}


def dashboard_figures(url: str, day: dt.date, region: str, repeats: int) -> dict:
    from bench.dashboard_bench import capture, replay, voucher_pages
    from tests.browser_support import served

    query = f"date={day}&region={region}"
    with tempfile.TemporaryDirectory() as tmp, served(url, Path(tmp) / "serve.log", workers=2) as base:
        bodies, loads = capture(base, query)
    callbacks = replay(url, bodies, repeats)
    pages = voucher_pages(url, day, region)
    with_sql = [c for c in callbacks if c["sql_p95_ms"] > 0]
    worst = max(callbacks, key=lambda c: c["p95_ms"])
    return {"query": query, "callbacks": callbacks, "callback_p95_max_ms": worst["p95_ms"],
            "callback_p95_max": f"{worst['page']} {worst['callback']}", "callback_sql_p95_of_max_ms": worst["sql_p95_ms"],
            "callback_p95_median_ms": statistics.median(c["p95_ms"] for c in with_sql) if with_sql else None,
            "callbacks_over_300ms": sum(c["p95_ms"] > 300 for c in callbacks),
            "voucher_page_p95_ms": max(v["p95_ms"] for v in pages.values() if isinstance(v, dict)),
            "voucher_pages": pages,
            "page_load_median_s": statistics.median(statistics.median(t) for t in loads.values()),
            "page_load_max_s": max(max(t) for t in loads.values()), "load": load_average()}


def measure(args) -> None:
    from dashboard.queries.ingest import latest_business_date
    from dashboard.queries.regions import region_tree
    from warehouse.db import open_store, resolve_url

    url = resolve_url(args.db)
    path = SCALE_OUT / f"{args.label}-{backend(url)}.json"
    SCALE_OUT.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.update({"label": args.label, "backend": backend(url), "store": url.rsplit("/", 1)[-1],
                 "machine": machine()})

    def save():
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")

    if args.load:
        print(f"{args.load} load of {args.inbox} …", flush=True)
        data["load_run"] = load(url, args.inbox, args.load, args.work)
        save()
    engine = open_store(url)
    day = args.date or latest_business_date(engine)
    region = region_tree(engine).top()
    steps = args.steps.split(",")
    for step in STEPS:
        if step not in steps:
            continue
        print(f"{args.label} {backend(url)}: {step} …", flush=True)
        started = time.monotonic()
        if step == "ingest":
            data["ingest"] = ingest_figures(engine, url)
        elif step == "indicators":
            data["indicators"] = indicator_figures(engine, day)
        elif step == "alerts":
            data["alerts"] = alert_figures(engine, args.ml_vouchers)
        else:
            data["dashboard"] = dashboard_figures(url, day, region, args.repeats)
        data[step]["step_seconds"] = time.monotonic() - started
        data["measured_on"] = dt.date.today().isoformat()
        save()
        print(json.dumps({k: v for k, v in data[step].items() if not isinstance(v, (list, dict))},
                         ensure_ascii=False, default=str), flush=True)


# The section -------------------------------------------------------------------------------------------------
def _get(run: dict, *keys):
    value = run
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _late_refresh(run: dict):
    refresh = _get(run, "indicators", "refresh_seconds")
    return list(refresh.values())[-1] if refresh else None


def _full_load_rate(run: dict):
    """Rows per second of the full validated load (bare loads are shown in their own row)."""
    ingest = run.get("ingest") or {}
    if ingest.get("bare") or not ingest.get("load_seconds_from_records"):
        return None
    return ingest["rows_all_reports"] / ingest["load_seconds_from_records"]


def _bare_load_rate(run: dict):
    ingest = run.get("ingest") or {}
    if not ingest.get("bare") or not ingest.get("load_seconds_from_records"):
        return None
    return ingest["rows_all_reports"] / ingest["load_seconds_from_records"]


# (label, how to read it from a run, format, True when larger is better)
ROWS = [
    ("full validated load, rows/s (`app.py ingest`)", _full_load_rate, "{:,.0f}", True),
    ("bare COPY / insert load, rows/s (no validation)", _bare_load_rate, "{:,.0f}", True),
    ("T+1 batch at the end of the history, s (busiest tenth of days)",
     lambda r: _get(r, "ingest", "t1_batch_seconds"), "{:.1f}", False),
    ("… the same per row, µs", lambda r: _get(r, "ingest", "t1_us_per_row"), "{:.0f}", False),
    ("all indicator reports at every level for a date, s", lambda r: _get(r, "indicators", "all_reports_seconds"),
     "{:.2f}", False),
    ("bare `GROUP BY unit_code` over the year's vouchers, s", lambda r: _get(r, "indicators", "bare_group_by_seconds"),
     "{:.2f}", False),
    ("daily indicator refresh (the newest date), s", _late_refresh, "{:.2f}", False),
    ("`explain` first page, ms", lambda r: (_get(r, "indicators", "explain_first_s") or 0) * 1000 or None,
     "{:.0f}", False),
    ("`explain` next pages p95, ms", lambda r: (_get(r, "indicators", "explain_p95_s") or 0) * 1000 or None,
     "{:.0f}", False),
    ("a day's alert evaluation after its T+1 batch, s (median of 4)", lambda r: _get(r, "alerts", "day_seconds"),
     "{:.1f}", False),
    ("a month end's alert evaluation, s", lambda r: _get(r, "alerts", "month_end_seconds"), "{:.1f}", False),
    ("ML training of a month's model, s", lambda r: _get(r, "alerts", "ml", "training_seconds"), "{:.1f}", False),
    ("dashboard: slowest initial callback p95, ms", lambda r: _get(r, "dashboard", "callback_p95_max_ms"),
     "{:,.0f}", False),
    ("dashboard: median callback p95 (those running SQL), ms",
     lambda r: _get(r, "dashboard", "callback_p95_median_ms"), "{:,.0f}", False),
    ("dashboard: callbacks over 300 ms p95", lambda r: _get(r, "dashboard", "callbacks_over_300ms"), "{}", False),
    ("voucher list page p95 (worst of 3 orders), ms", lambda r: _get(r, "dashboard", "voucher_page_p95_ms"),
     "{:,.0f}", False),
    ("full page load in the browser, median of pages, s", lambda r: _get(r, "dashboard", "page_load_median_s"),
     "{:.2f}", False),
]
ORDER = {"1m": 0, "10m": 1, "50m": 2}


def _fmt(fmt: str, value) -> str:
    return "–" if value is None else fmt.format(value)


def section(runs: list[dict]) -> str:
    runs = sorted(runs, key=lambda r: (ORDER.get(r["label"], 9), r["backend"] != "PostgreSQL"))
    pg = [r for r in runs if r["backend"] == "PostgreSQL" and _get(r, "ingest", "vouchers")]
    head = " | ".join(f"{r['label'].upper()} {r['backend']}<br>{_get(r, 'ingest', 'vouchers') or 0:,} vouchers"
                      for r in runs)
    growth = " → ".join(f"{_get(r, 'ingest', 'vouchers') / 1e6:.1f} M" for r in pg)
    lines = ["## 规模 / Scale: PostgreSQL beside SQLite (`python bench/scale_bench.py`)", "",
             f"{machine()}; PostgreSQL 15 on the same machine (its default settings: shared_buffers 128 MB). "
             "Each figure is the other benches' own measurement, run again on each store; the load average of "
             "the machine (2 cores shared by up to 8 sessions) when each step ended is shown below the table.",
             "", f"| measurement | {head} | PostgreSQL growth {growth} |",
             "|---|" + "---:|" * len(runs) + "---|"]
    for name, read, fmt, _ in ROWS:
        values = [read(r) for r in runs]
        if all(v is None for v in values):
            continue
        pg_values = [read(r) for r in pg]
        steps = [f"×{b / a:.2f}" if a and b is not None else "–" for a, b in zip(pg_values, pg_values[1:])]
        lines.append(f"| {name} | " + " | ".join(_fmt(fmt, v) for v in values) + " | " + " then ".join(steps) + " |")
    vouchers = [_get(r, "ingest", "vouchers") for r in pg]
    lines += ["", "Growth is the PostgreSQL figure at one size over the one below (vouchers grow ×"
              + " then ×".join(f"{b / a:.1f}" for a, b in zip(vouchers, vouchers[1:])) + "): a cost that stays "
              "near ×1 does not grow with the history; one near the voucher growth is proportional to it.", "",
              "Load average when each step ended (ingest / indicators / alerts / dashboard):", ""]
    for r in runs:
        loads = " / ".join(_fmt("{:.1f}", _get(r, step, "load")) for step in STEPS)
        how = r.get("load_run", {}).get("how") or ("bare" if _get(r, "ingest", "bare") else "full")
        lines.append(f"- {r['label'].upper()} {r['backend']} ({r['store']}, {how} load, measured "
                     f"{r.get('measured_on', '–')}): {loads}")
    return "\n".join(lines)


def write(notes: Path | None) -> None:
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCALE_OUT.glob("*.json"))]
    markdown = section(runs)
    if notes and notes.exists():
        markdown += "\n\n" + notes.read_text(encoding="utf-8").strip()
    write_section("scale", markdown, {"runs": runs})
    print(markdown)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="load (optionally) and measure one store")
    m.add_argument("--label", required=True, help="the size it stands for: 1m, 10m or 50m")
    m.add_argument("--db", required=True)
    m.add_argument("--inbox", type=Path, help="the demo inbox to load first (with --load)")
    m.add_argument("--load", choices=("full", "bare"))
    m.add_argument("--work", type=Path, default=Path("/tmp/budget-bench"))
    m.add_argument("--steps", default=",".join(STEPS))
    m.add_argument("--date", type=dt.date.fromisoformat)
    m.add_argument("--repeats", type=int, default=5, help="replays of each dashboard callback")
    m.add_argument("--ml-vouchers", type=int, default=200_000)
    w = sub.add_parser("write", help="write the section from every store measured")
    w.add_argument("--notes", type=Path, default=ROOT / "bench" / "scale_notes.md",
                   help="hand-written findings appended below the table")
    args = ap.parse_args()
    measure(args) if args.command == "measure" else write(args.notes)


if __name__ == "__main__":
    main()
