"""Alerts benchmark: a day's evaluation after its T+1 batch (in the first and the last year of the store, to
show it does not grow with history), a full re-evaluation of a year through the command line
(`python app.py refresh --only alerts --from Y-01-01 --to Y-12-31`), and ML scoring of many vouchers.

    python bench/alerts_bench.py --db sqlite:////path/to/copy-of-10M-store.db   # the 10-million-voucher store
    python bench/alerts_bench.py --scale 0.2                                     # a quick run on a demo it writes

Uses the store given (--db: evaluate on a copy, never on a store others read), else writes the demo inbox for the
scale and ingests it (--no-refresh). Before measuring it computes what the daily pipeline would have left: the
indicator snapshots of the measured days, and the ML month pieces of the year before the re-evaluated one (each
month's, computed once by the daily pipeline: their cost is reported per month), so that the alert step is
measured alone. Writes its section of docs/performance.md.
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

    from alerts.ml_rule import model_for
    from alerts.rules import load_rules

    out = []
    days = working_days(year)
    snapshots(engine, days[0] - dt.timedelta(days=1), days[-1])
    model_for(engine, days[0], load_rules().param("procurement_limit_yuan"))  # trained once a month, timed below
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
    """Train the model of July from the stored month pieces and June's vouchers, then score `n` vouchers (days of
    the year before repeated under new voucher numbers until there are n) as one day."""
    import pandas as pd

    from sqlalchemy import select

    from alerts import ml
    from alerts.ml_rule import train_month
    from alerts.tables import alert_model
    from alerts.vouchers import read_window

    month = dt.date(year, 7, 1)
    started = time.monotonic()
    model = train_month(engine, month, 100_000_000)
    trained = time.monotonic() - started
    with engine.connect() as conn:  # the vouchers of its twelve months, as the model's record counts them
        training_vouchers = conn.scalar(select(alert_model.c.vouchers).where(alert_model.c.month == month))
    tail = read_window(engine, dt.date(year, 6, 1), month - dt.timedelta(days=1))
    pool = tail[tail["amount_fen"] > 0]
    if pool.empty:
        raise SystemExit(f"no vouchers in the store in the month before {month}")
    copies = []
    while sum(len(c) for c in copies) < n:
        k = len(copies)
        copies.append(pool.assign(voucher_no=pool["voucher_no"].astype(str) + f"#{k}"))
    new = pd.concat(copies, ignore_index=True).head(n)
    new["pay_date"] = pd.Timestamp(month)
    started = time.monotonic()
    scored = ml.score_vouchers(model, new, explain_top=50)
    return {"training_vouchers": training_vouchers, "training_seconds": trained, "scored": len(scored),
            "scoring_seconds": time.monotonic() - started}


def pipeline_leftovers(engine, year: int) -> dict:
    """What the daily pipeline leaves before a year is re-evaluated: the year's indicator snapshots, and the ML
    pieces of the months before it (the re-evaluation computes its own months' again)."""
    from alerts.ml_rule import _months_before, piece_of
    from indicators.snapshots import refresh as snapshots

    from sqlalchemy import delete

    from alerts.tables import alert_ml_month

    snapshots(engine, dt.date(year, 1, 1), dt.date(year, 12, 31))
    months = _months_before(dt.date(year, 1, 1), 12)
    with engine.begin() as conn:  # computed here, not found stored by an earlier run on this store
        conn.execute(delete(alert_ml_month).where(alert_ml_month.c.month.in_(months)))
    started = time.monotonic()
    for m in months:
        piece_of(engine, m)
    return {"piece_seconds": (time.monotonic() - started) / len(months)}


def refresh_year(url: str, year: int, fork: bool = True) -> float:
    """The year re-evaluated by the command line, timed from outside; fork=False: every rule in one process
    (BUDGET_ALERT_FORK=0, alerts.forking)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_ALERT_FORK="1" if fork else "0")
    started = time.monotonic()
    subprocess.run([sys.executable, str(ROOT / "app.py"), "refresh", "--only", "alerts", "--from", f"{year}-01-01",
                    "--to", f"{year}-12-31", "--db", url], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=25)
    ap.add_argument("--db", help="an ingested demo store (a copy: the alerts are written into it)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/budget-bench"))
    ap.add_argument("--ml-vouchers", type=int, default=1_000_000)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    from sqlalchemy import func, select

    from alerts.tables import alert_run
    from warehouse.db import open_store
    from warehouse.schema import pay

    url = prepare(args)
    engine = open_store(url)
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(pay.c.pay_date), func.max(pay.c.pay_date))).one()
        vouchers = conn.scalar(select(func.count()).select_from(pay))
    # the first year has no year before it to learn from; the days measured are in June, so the last year is
    # the last whose June the store holds, and the year re-evaluated the last full year before it or it
    early, late = first.year + 1, last.year if last >= dt.date(last.year, 7, 1) else last.year - 1
    print("a day's evaluation …", flush=True)
    early_days, late_days = day_costs(engine, early), day_costs(engine, late)
    month_end = month_end_cost(engine, late)
    year = last.year - 1 if last < dt.date(last.year, 12, 31) else last.year
    print(f"a year re-evaluated ({year}) …", flush=True)
    leftovers = pipeline_leftovers(engine, year)
    with engine.connect() as conn:
        year_vouchers = conn.scalar(select(func.count()).select_from(pay).where(
            pay.c.pay_date >= dt.date(year, 1, 1), pay.c.pay_date <= dt.date(year, 12, 31)))
    year_seconds = refresh_year(url, year)
    year_one_process = refresh_year(url, year, fork=False)  # side by side: what the forked ML ranking gains
    with engine.connect() as conn:
        runs = conn.execute(select(alert_run.c.errors).where(alert_run.c.date >= dt.date(year, 1, 1),
                                                             alert_run.c.date <= dt.date(year, 12, 31))).scalars().all()
    print("ML scoring …", flush=True)
    scoring = ml_scoring(engine, late, args.ml_vouchers)
    median = lambda days: statistics.median(d["seconds"] for d in days)  # noqa: E731
    slowest = sorted(late_days[-1]["timings"].items(), key=lambda kv: -kv[1])[:5]
    data = {"machine": machine(), "scale": args.scale, "store": url, "vouchers": vouchers, "span": [first, last],
            "day_seconds_early": median(early_days), "day_seconds_late": median(late_days),
            "flatness_late_vs_early": median(late_days) / median(early_days), "days": early_days + late_days,
            "month_end": month_end, "year": year, "year_vouchers": year_vouchers, "year_seconds": year_seconds,
            "year_one_process_seconds": year_one_process,
            "year_errors": {k: v for errors in runs for k, v in (errors or {}).items()}, "ml": scoring,
            "ml_piece_seconds": leftovers["piece_seconds"], "load_average": os.getloadavg()[0],
            "measured_on": dt.date.today().isoformat()}
    source = f"--db {url}" if args.db else f"--scale {args.scale:g}"
    md = f"""## 预警 / Alerts (`python bench/alerts_bench.py {source}`)

Measured {data['measured_on']} on {data['machine']}, load average {data['load_average']:.1f} at the end of the run
(the machine is shared: absolute times are noisy, ratios measured side by side are not);
demo store: **{vouchers:,} vouchers** ({first} to {last}), SQLite.

| measurement | seconds | goal |
|---|---:|---|
| a day's evaluation after its T+1 batch, {late} (median of {N_DAYS} working days) | **{median(late_days):.1f}** | ≤ 10 |
| the same days of {early} (the store holding {early - first.year} year(s) of history before them, not {late - first.year}) | {median(early_days):.1f} | ratio {data['flatness_late_vs_early']:.2f} (flat: ≈ 1) |
| a month end ({month_end['date']}: the year statistics too) | {month_end['seconds']:.1f} | |
| full re-evaluation of {year}: `app.py refresh --only alerts` ({year_vouchers:,} vouchers, 365 dates, every rule, its 12 ML models trained again; the ML ranking forked beside the other rules) | **{year_seconds:,.0f}** | ≤ 120 |
| … the same again with every rule in one process (`BUDGET_ALERT_FORK=0`), measured right after | {year_one_process:,.0f} | ratio {year_seconds / year_one_process:.2f} |
| ML scoring of {scoring['scored']:,} vouchers (features, scores, reasons of the top 50) | **{scoring['scoring_seconds']:.1f}** | ≤ 60 |
| ML training of a month's model (twelve stored month pieces, {scoring['training_vouchers']:,} vouchers, and the month before's vouchers) | {scoring['training_seconds']:.1f} | once a month |
| ML month piece (what a month of vouchers adds to the models: computed once per month) | {leftovers['piece_seconds']:.1f} | once a month |

Slowest steps of a {late} day: {', '.join(f'{k} {v:.2f} s' for k, v in slowest)}. A day reads its dates' vouchers
and the 30 days its windows look back over; the unit, department and region rules read the indicator layer (its
snapshots where it keeps them, its calculators otherwise), so their cost follows the number of units and projects,
not of vouchers. A year is evaluated as one span: its vouchers read once, each voucher rule run on the dates and
vouchers that can make a finding, the indicator figures of all its dates read at once (`indicators.series`), each
month's vouchers scored in one pass, and all its findings recorded together.
"""
    write_section("alerts", md, data)
    print(md)


if __name__ == "__main__":
    main()
