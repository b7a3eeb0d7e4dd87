"""Ingest benchmark: the full validated load against a bare bulk load and a hand-written pandas load.

    python bench/ingest_bench.py --scale 25          # ≥ 10 million vouchers (generates the demo inbox if missing)
    python bench/ingest_bench.py --scale 1           # a quick run

All three loads read the same delivery folders on the same machine in one run, so the ratios hold even when the
absolute speed of this shared machine does not. Flatness (a day's batch costs the same whatever the history)
is read off the full load itself: each file's record carries the time it committed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

TO = "2026-11-20"


def run_measured(cmd: list[str], env=None) -> tuple[float, int]:
    """Wall seconds and peak resident memory (bytes) of a child process."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.monotonic() - started, usage.ru_maxrss * 1024


def folders(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.iterdir() if p.is_dir() and p.name.isdigit())


def bare_load(inbox: Path, url: str) -> int:
    """The limit: the same files read by the same reader and inserted the same way, with no validation at all."""
    import pandas as pd
    from ingest.delivery import parse_file_name
    from ingest.load import _day_files
    from ingest.normalise import parse_dates, parse_hundredths, parse_ints
    from ingest.reader import read_file
    from ingest.standard import CODE_TABLES, REPORTS
    from ingest.store_write import insert_rows, upsert_code_rows
    from warehouse.db import open_store

    from sqlalchemy import text

    engine = open_store(url)
    with engine.begin() as conn:  # named parameters: the same statements on SQLite and PostgreSQL
        run_id = conn.execute(text(
            "INSERT INTO ingest_run (started_at, inbox, date_from, date_to, status, run_by, files, rows, "
            "amount_total_fen, errors, warnings) VALUES (:at, :inbox, '2000-01-01', '2000-01-01', 'running', "
            "'bench', 0, 0, 0, 0, 0) RETURNING id"), {"at": dt.datetime.now(), "inbox": str(inbox)}).scalar()
    n = 0
    for folder in folders(inbox):
        day = dt.datetime.strptime(folder.name, "%Y%m%d").date()
        for path in _day_files(folder):
            report = parse_file_name(path.name).report
            raw = read_file(path)
            rep = REPORTS[report]
            index = {h.strip(): j for j, h in enumerate(raw.headers)}
            frame = pd.DataFrame({"line_no": raw.lines})
            for c in rep.columns:
                j = index.get(c.cn, index.get(c.field))
                s = pd.Series(raw.columns[j] if j is not None else [""] * raw.n, dtype="str")
                if c.kind in ("amount", "quantity", "rate"):
                    s = parse_hundredths(s, 4 if c.kind == "rate" else 2)[0]
                elif c.kind == "date":
                    s = parse_dates(s)[0]
                elif c.kind == "int":
                    s = parse_ints(s)[0]
                frame[c.store_name] = s
            with engine.begin() as conn:
                file_id = conn.execute(text(
                    "INSERT INTO ingest_file (run_id, business_date, name, sha256, status, rows, errors, warnings, "
                    "recorded_at) VALUES (:run, :day, :name, '', 'loaded', :rows, 0, 0, :at) RETURNING id"),
                    {"run": run_id, "day": day, "name": path.name, "rows": raw.n, "at": dt.datetime.now()}).scalar()
                (upsert_code_rows if report in CODE_TABLES else insert_rows)(conn, report, frame, file_id, day)
            n += raw.n
    return n


def pandas_load(inbox: Path, db_path: Path, limit_rows: int) -> tuple[int, float]:
    """What a user would write by hand: read_csv / read_excel and DataFrame.to_sql, file after file."""
    import sqlite3

    import pandas as pd
    from ingest.reader import decode

    con = sqlite3.connect(db_path)
    n, started = 0, time.monotonic()
    for folder in folders(inbox):
        for path in sorted(folder.iterdir()):
            if not path.name.startswith("PAY_"):
                continue
            if path.suffix == ".xlsx":
                df = pd.read_excel(path, dtype=str)
            else:
                import io
                df = pd.read_csv(io.StringIO(decode(path.read_bytes())[0]), dtype=str)
            df.to_sql("pay", con, if_exists="append", index=False)
            n += len(df)
        if n >= limit_rows:
            break
    con.commit()
    return n, time.monotonic() - started


def per_day_costs(url: str) -> list[dict]:
    """Seconds per business date of the full load, from the commit time of each file's record."""
    from sqlalchemy import func, select

    from warehouse.db import open_store
    from warehouse.schema import ingest_file

    with open_store(url).connect() as conn:
        rows = conn.execute(select(ingest_file.c.business_date, func.max(ingest_file.c.recorded_at),
                                   func.sum(ingest_file.c.rows))
                            .group_by(ingest_file.c.business_date).order_by(ingest_file.c.business_date)).all()
    out = []
    for (d0, t0, _), (d1, t1, n1) in zip(rows, rows[1:]):
        out.append({"date": d1, "seconds": (t1 - t0).total_seconds(), "rows": int(n1 or 0)})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=25)
    ap.add_argument("--inbox", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/budget-bench"))
    ap.add_argument("--pandas-rows", type=int, default=1_000_000, help="rows for the hand-written pandas load")
    ap.add_argument("--bare-only", action="store_true")
    args = ap.parse_args()
    if args.bare_only:
        print(json.dumps({"rows": bare_load(args.inbox, os.environ["BENCH_URL"])}))
        return
    inbox = args.inbox or args.work / f"inbox-scale{args.scale:g}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(args.work / "quarantine"))
    if not inbox.exists():
        print(f"generating demo inbox at scale {args.scale:g} …", flush=True)
        gen_s, _ = run_measured([sys.executable, str(ROOT / "app.py"), "demo", "--scale", str(args.scale),
                                 "--to", TO, "--inbox", str(inbox)], env)
        print(f"  {gen_s:.0f} s", flush=True)
    days = folders(inbox)
    first, last = days[0].name, days[-1].name
    iso = lambda s: f"{s[:4]}-{s[4:6]}-{s[6:]}"  # noqa: E731
    for name in ("full.db", "bare.db", "pandas.db"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.work / name) + suffix).unlink(missing_ok=True)
    args.work.mkdir(parents=True, exist_ok=True)
    full_url = f"sqlite:///{args.work / 'full.db'}"
    print("full validated load …", flush=True)
    full_s, full_rss = run_measured([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox),
                                     "--from", iso(first), "--to", iso(last), "--db", full_url, "--quiet",
                                     "--no-refresh"], env)
    from sqlalchemy import func, select

    from warehouse.db import open_store
    from warehouse.schema import ingest_file, pay

    with open_store(full_url).connect() as conn:
        total_rows = int(conn.execute(select(func.sum(ingest_file.c.rows)).where(ingest_file.c.status == "loaded")).scalar())
        vouchers = int(conn.execute(select(func.count()).select_from(pay)).scalar())
        refused = int(conn.execute(select(func.count()).select_from(ingest_file).where(ingest_file.c.status == "refused")).scalar())
    print("bare bulk load …", flush=True)
    bare_s, bare_rss = run_measured([sys.executable, __file__, "--bare-only", "--inbox", str(inbox)],
                                    dict(env, BENCH_URL=f"sqlite:///{args.work / 'bare.db'}"))
    print("hand-written pandas load …", flush=True)
    pandas_rows, pandas_s = pandas_load(inbox, args.work / "pandas.db", args.pandas_rows)

    costs = per_day_costs(full_url)
    years = sorted({c["date"].year for c in costs})
    big = sorted(costs, key=lambda c: -c["rows"])
    threshold = big[min(len(big) - 1, len(big) // 10)]["rows"]  # the busiest tenth of days: a real T+1 batch

    def us_per_row(year):
        sample = [c["seconds"] / c["rows"] * 1e6 for c in costs if c["date"].year == year and c["rows"] >= threshold]
        return statistics.median(sample) if sample else None, len(sample)

    first_cost, n_first = us_per_row(years[0])
    last_cost, n_last = us_per_row(years[-1])
    full_rate, bare_rate, pandas_rate = total_rows / full_s, total_rows / bare_s, pandas_rows / pandas_s
    data = {"machine": machine(), "scale": args.scale, "vouchers": vouchers, "rows_all_reports": total_rows,
            "refused_files": refused, "full_seconds": full_s, "full_rows_per_s": full_rate,
            "full_peak_rss_mb": full_rss / 2**20, "bare_seconds": bare_s, "bare_rows_per_s": bare_rate,
            "pandas_rows": pandas_rows, "pandas_rows_per_s": pandas_rate, "ratio_full_vs_bare": full_rate / bare_rate,
            "ratio_full_vs_pandas": full_rate / pandas_rate, "batch_rows_threshold": threshold,
            "us_per_row_first_year": first_cost, "us_per_row_last_year": last_cost,
            "flatness_last_vs_first": (last_cost / first_cost) if first_cost and last_cost else None,
            "days_sampled": [n_first, n_last], "measured_on": dt.date.today().isoformat()}
    md = f"""## 导入 / Ingest (`python bench/ingest_bench.py --scale {args.scale:g}`)

Measured {data['measured_on']} on {data['machine']}; demo city at scale {args.scale:g}: **{vouchers:,} vouchers**,
{total_rows:,} rows of all reports, {len(days)} business dates, {refused} refused files.

| load of the same delivery folders | seconds | rows/s | ratio |
|---|---:|---:|---:|
| full ingest, all validation, SQLite (`app.py ingest`) | {full_s:,.0f} | {full_rate:,.0f} | 1 |
| bare bulk load, same reader and inserts, no validation | {bare_s:,.0f} | {bare_rate:,.0f} | full ÷ bare = **{data['ratio_full_vs_bare']:.2f}** |
| hand-written `read_csv` + `DataFrame.to_sql` (first {pandas_rows:,} PAY rows) | {pandas_s:,.0f} | {pandas_rate:,.0f} | full ÷ pandas = **{data['ratio_full_vs_pandas']:.2f}** |

- Peak memory of the full load: **{data['full_peak_rss_mb']:,.0f} MB** (goal < 2 GB; files are read one at a time).
- A day's T+1 batch as history grows (busiest tenth of days, ≥ {threshold:,} rows): median
  {first_cost or float('nan'):.1f} µs/row in {years[0]} (store nearly empty) vs {last_cost or float('nan'):.1f} µs/row in {years[-1]}
  (store holding {len(years) - 1}+ years): ratio **{(data['flatness_last_vs_first'] or float('nan')):.2f}** (goal 1 ± 0.3).
"""
    write_section("ingest", md, data)
    print(md)


if __name__ == "__main__":
    main()
