"""Alerts benchmark: a day's evaluation after its T+1 batch (in the first and the last year of the store, to
show it does not grow with history), a full re-evaluation of a year, and ML scoring of many vouchers.

    python bench/alerts_bench.py --scale 25          # the 10-million-voucher store (demo + ingest if missing)
    python bench/alerts_bench.py --scale 0.2         # a quick run

Uses the store of `bench/ingest_bench.py` when given (--db), else writes the demo inbox for the scale and
ingests it (--no-refresh), then computes the indicator snapshots of the measured days, as the daily pipeline
would have, so that the alert step is measured alone. Writes its section of docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

TO = dt.date(2026, 11, 20)
N_DAYS = 4


def working_days(year: int) -> list[dt.date]:
    """The first ordinary working days of June (no month end, no season of its own)."""
    from alerts.calendar import is_working_day

    days = [dt.date(year, 6, 2) + dt.timedelta(days=i) for i in range(14)]
    return [d for d in days if is_working_day(d)][:N_DAYS]


def prepare(args) -> str:
    """The store URL: --db, or the demo at --scale written and ingested under --work."""
    if args.db:
        return args.db
    inbox, path = args.work / f"inbox-scale{args.scale:g}", args.work / f"alerts-scale{args.scale:g}.db"
    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(args.work / "quarantine"))
    if not inbox.exists():
        print(f"writing the demo inbox at scale {args.scale:g} …", flush=True)
        code = (f"import datetime as dt; from demo import write_demo; write_demo({str(inbox)!r}, dt.date({TO.year}, "
                f"{TO.month}, {TO.day}), scale={args.scale})")
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
    if not path.exists():
        print("ingesting …", flush=True)
        folders = sorted(p.name for p in inbox.iterdir() if p.is_dir() and p.name.isdigit())
        iso = lambda s: f"{s[:4]}-{s[4:6]}-{s[6:]}"  # noqa: E731
        subprocess.run([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox), "--from",
                        iso(folders[0]), "--to", iso(folders[-1]), "--db", f"sqlite:///{path}", "--quiet",
                        "--no-refresh"], env=env, check=True)
    return f"sqlite:///{path}"


def day_costs(engine, year: int) -> list[dict]:
    from alerts.engine import evaluate
    from indicators.snapshots import refresh as snapshots

    out = []
    days = working_days(year)
    snapshots(engine, days[0] - dt.timedelta(days=1), days[-1])
    for day in days:
        started = time.monotonic()
        summary = evaluate(engine, day)
        out.append({"date": day, "seconds": time.monotonic() - started, "fired": summary.fired,
                    "timings": summary.timings, "errors": summary.errors})
    return out


def month_end_cost(engine, year: int) -> dict:
    from alerts.engine import evaluate
    from indicators.snapshots import refresh as snapshots

    day = dt.date(year, 6, 30)
    snapshots(engine, day, day)
    started = time.monotonic()
    summary = evaluate(engine, day)
    return {"date": day, "seconds": time.monotonic() - started, "timings": summary.timings}


def ml_scoring(engine, year: int, n: int) -> dict:
    """Train the model of July on the year before it, then score `n` vouchers (days of that year repeated under
    new voucher numbers until there are n)."""
    import pandas as pd

    from alerts import ml
    from alerts.vouchers import read_window

    month = dt.date(year, 7, 1)
    history = read_window(engine, month - dt.timedelta(days=365), month - dt.timedelta(days=1))
    started = time.monotonic()
    model = ml.train_model(history, limit_fen=100_000_000)
    trained = time.monotonic() - started
    pool = history[history["amount_fen"] > 0]
    copies = []
    while sum(len(c) for c in copies) < n:
        k = len(copies)
        copies.append(pool.assign(voucher_no=pool["voucher_no"].astype(str) + f"#{k}"))
    new = pd.concat(copies, ignore_index=True).head(n)
    new["pay_date"] = pd.Timestamp(month)
    started = time.monotonic()
    scored = ml.score_vouchers(model, new, explain_top=50)
    return {"training_vouchers": len(history), "training_seconds": trained, "scored": len(scored),
            "scoring_seconds": time.monotonic() - started}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=25)
    ap.add_argument("--db", help="an ingested demo store (e.g. bench/ingest_bench.py's full.db)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/budget-bench"))
    ap.add_argument("--ml-vouchers", type=int, default=1_000_000)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    from sqlalchemy import func, select

    from alerts.engine import backfill
    from warehouse.db import open_store
    from warehouse.schema import pay

    engine = open_store(prepare(args))
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(pay.c.pay_date), func.max(pay.c.pay_date))).one()
        vouchers = conn.scalar(select(func.count()).select_from(pay))
    early, late = first.year + 1, last.year  # the first year has no year before it to learn from
    print("a day's evaluation …", flush=True)
    early_days, late_days = day_costs(engine, early), day_costs(engine, late)
    month_end = month_end_cost(engine, late)
    print("a year re-evaluated …", flush=True)
    from indicators.snapshots import refresh as snapshots
    snapshots(engine, dt.date(late - 1, 1, 1), dt.date(late - 1, 12, 31))  # as the daily pipeline left them
    started = time.monotonic()
    summaries = backfill(engine, late - 1)
    year_seconds = time.monotonic() - started
    print("ML scoring …", flush=True)
    scoring = ml_scoring(engine, late, args.ml_vouchers)
    median = lambda days: statistics.median(d["seconds"] for d in days)  # noqa: E731
    slowest = sorted(late_days[-1]["timings"].items(), key=lambda kv: -kv[1])[:5]
    data = {"machine": machine(), "scale": args.scale, "vouchers": vouchers, "store": [first, last],
            "day_seconds_early": median(early_days), "day_seconds_late": median(late_days),
            "flatness_late_vs_early": median(late_days) / median(early_days), "days": early_days + late_days,
            "month_end": month_end, "year": late - 1, "year_days": len(summaries), "year_seconds": year_seconds,
            "year_errors": {k: v for s in summaries for k, v in s.errors.items()}, "ml": scoring,
            "load_average": os.getloadavg()[0], "measured_on": dt.date.today().isoformat()}
    md = f"""## 预警 / Alerts (`python bench/alerts_bench.py --scale {args.scale:g}`)

Measured {data['measured_on']} on {data['machine']}, load average {data['load_average']:.1f} at the end of the run;
demo store at scale {args.scale:g}: **{vouchers:,} vouchers** ({first} to {last}), SQLite.

| measurement | seconds | goal |
|---|---:|---|
| a day's evaluation after its T+1 batch, {late} (median of {N_DAYS} working days) | **{median(late_days):.1f}** | ≤ 10 |
| the same days of {early} (the store holding less history before them) | {median(early_days):.1f} | ratio {data['flatness_late_vs_early']:.2f} (flat: ≈ 1) |
| a month end ({month_end['date']}: the year statistics too) | {month_end['seconds']:.1f} | |
| full re-evaluation of {late - 1} ({len(summaries)} dates, one read of the year's vouchers, its 12 models trained again) | **{year_seconds:,.0f}** | ≤ 120 |
| ML scoring of {scoring['scored']:,} vouchers (features, scores, reasons of the top 50) | **{scoring['scoring_seconds']:.1f}** | ≤ 60 |
| ML training of a month's model ({scoring['training_vouchers']:,} vouchers of the year before) | {scoring['training_seconds']:.1f} | once a month |

Slowest steps of a {late} day: {', '.join(f'{k} {v:.2f} s' for k, v in slowest)}. The day's voucher rules read the
day and its 30-day window; the unit, department and region rules read the indicator layer (its snapshots where it
keeps them, its calculators otherwise), so their cost is the indicator layer's.
"""
    write_section("alerts", md, data)
    print(md)


if __name__ == "__main__":
    main()
