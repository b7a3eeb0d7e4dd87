"""Ingest benchmark: the full validated load against a bare bulk load and a hand-written pandas load (section
`ingest`), and one day's T+1 batch on a one-year store and on the full store (section `ingest_batch`).

    python bench/ingest_bench.py --scale 1                                  # a quick run (≈ 320,000 vouchers)
    python bench/ingest_bench.py --inbox /work/bench-data/s32/inbox --to 2026-01-31     # ≈ 10 million vouchers
    python bench/ingest_bench.py --inbox /work/bench-data/s32/inbox --batch-day 2026-02-02 \
        --history-store /tmp/budget-bench/full.db             # the next day's batch on the store the loads left

The demo city has about 320,000 vouchers per unit of `--scale` over 2023-01-01 … 2026-11-20: scale 32 gives
12.8 million, of which `--to 2026-01-31` loads the first 10.2 million. The inbox is generated when missing (about
half an hour at scale 32 on this 2-core machine).

Every load reads the same delivery folders in its own process, one after the other in one run, and reports wall
seconds and CPU seconds (user + system of that process): on a shared machine the wall clock also counts the time
other processes held the cores, so ratios are given on both, with the load average seen during each step.
Flatness (a day's batch costs the same whatever the history) is measured directly — the same day's batch
ingested into a fresh copy of a store holding the year before it and of one holding the whole history, several
times — and read off the full load too (the commit time of each file's record).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402
from ingest.reader import read_file  # noqa: E402

TO = "2026-11-20"


class LoadAverage:
    """The 1-minute load average, sampled every few seconds in the background, summarised per step."""

    def __init__(self, every: float = 5.0):
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        threading.Thread(target=self._run, args=(every,), daemon=True).start()

    def _run(self, every):
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), os.getloadavg()[0]))
            self._stop.wait(every)

    def between(self, start: float, end: float) -> float:
        inside = [v for t, v in self.samples if start <= t <= end] or [os.getloadavg()[0]]
        return statistics.mean(inside)


LOAD: LoadAverage | None = None


def run_measured(cmd: list[str], env=None) -> dict:
    """Wall seconds, CPU seconds, peak resident memory (bytes), mean load average and stdout of a child process."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    end = time.monotonic()
    if status != 0:
        how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
        raise SystemExit(f"failed ({how}, after {end - started:.0f} s): {' '.join(cmd)}\n{out}")
    return {"wall": end - started, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss * 1024,
            "load": LOAD.between(started, end) if LOAD else os.getloadavg()[0], "out": out}


def folders(inbox: Path) -> list[Path]:
    return sorted(p for p in inbox.iterdir() if p.is_dir() and p.name.isdigit())


def day_of(folder: Path) -> dt.date:
    return dt.datetime.strptime(folder.name, "%Y%m%d").date()


def bare_load(inbox: Path, url: str, to: dt.date) -> int:
    """The limit: the same files read by the same reader and inserted the same way, with no validation at all."""
    import pandas as pd
    from ingest.delivery import parse_file_name
    from ingest.load import _day_files
    from ingest.normalise import parse_dates, parse_hundredths, parse_ints
    from ingest.reader import read_file
    from ingest.standard import CODE_TABLES, REPORTS
    from ingest.store_write import insert_rows, upsert_code_rows
    from warehouse.db import open_store

    engine = open_store(url)
    with engine.begin() as conn:
        run_id = conn.exec_driver_sql(
            "INSERT INTO ingest_run (started_at, inbox, date_from, date_to, status, run_by, files, rows, "
            "amount_total_fen, errors, warnings) VALUES (?, ?, '2000-01-01', '2000-01-01', 'running', 'bench', "
            "0, 0, 0, 0, 0) RETURNING id", (dt.datetime.now().isoformat(sep=" "), str(inbox))).scalar()
    n = 0
    for folder in folders(inbox):
        day = day_of(folder)
        if day > to:
            break
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
                file_id = conn.exec_driver_sql(
                    "INSERT INTO ingest_file (run_id, business_date, name, sha256, status, rows, errors, warnings, "
                    "recorded_at) VALUES (?, ?, ?, '', 'loaded', 0, 0, 0, ?) RETURNING id",
                    (run_id, day.isoformat(), path.name, dt.datetime.now().isoformat(sep=" "))).scalar()
                (upsert_code_rows if report in CODE_TABLES else insert_rows)(conn, report, frame, file_id, day)
            n += raw.n
    return n


def pandas_load(inbox: Path, db_path: Path, limit_rows: int) -> int:
    """What a user would write by hand: read_csv / read_excel and DataFrame.to_sql, file after file."""
    import io
    import sqlite3

    import pandas as pd
    from ingest.reader import decode
    from ingest.standard import REPORTS

    warnings.simplefilter("ignore")  # pandas announcing its next default Excel engine
    names = {c.cn: c.field for c in REPORTS["PAY"].columns}  # deliveries head their columns in Chinese or English
    con = sqlite3.connect(db_path)
    n = 0
    for folder in folders(inbox):
        for path in sorted(folder.iterdir()):
            if not path.name.startswith("PAY_"):
                continue
            if path.suffix == ".xlsx":
                df = pd.read_excel(path, dtype=str)
            else:
                df = pd.read_csv(io.StringIO(decode(path.read_bytes())[0]), dtype=str)
            df.rename(columns=lambda h: names.get(h.strip(), h.strip())).to_sql("pay", con, if_exists="append",
                                                                                index=False)
            n += len(df)
        if n >= limit_rows:
            break
    con.commit()
    return n


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
        if (d1 - d0).days == 1:  # a gap is where the full load was split in two processes
            out.append({"date": d1, "seconds": (t1 - t0).total_seconds(), "rows": int(n1 or 0)})
    return out


def copy_store(src: Path, dst: Path) -> None:
    """A closed SQLite store and its write-ahead log, copied file by file."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dst) + suffix)


def remove_store(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", ".ingest.lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def typical_recent_day(days: list[Path], window: int = 60) -> Path:
    """The batch to replay: of the last `window` dates, an ordinary working day (the 75th percentile of bytes
    delivered: weekends are small, the odd catch-up day after a holiday is three times the rest)."""
    by_size = sorted(days[-window:], key=lambda f: sum(p.stat().st_size for p in f.iterdir()))
    return by_size[len(by_size) * 3 // 4]


_DONE = re.compile(r"行 rows (\d+).*?, ([\d.]+)s\s*$", re.S)


def ingest(inbox: Path, url: str, env: dict, start: dt.date, end: dt.date) -> dict:
    cmd = [sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox), "--from", start.isoformat(),
           "--to", end.isoformat(), "--db", url, "--quiet", "--no-refresh"]
    res = run_measured(cmd, env)
    m = _DONE.search(res["out"].strip().splitlines()[0] if res["out"].strip() else "")
    res["rows"], res["ingest_seconds"] = (int(m[1]), float(m[2])) if m else (0, res["wall"])
    return res


def batch_on(store: Path, work: Path, inbox: Path, env: dict, day: dt.date) -> dict:
    """One day's batch ingested into a fresh copy of `store` (the copy is removed afterwards)."""
    target = work / "batch.db"
    copy_store(store, target)
    os.sync()  # the copy's gigabytes are written out before the clock starts, not while the batch is timed
    try:
        return ingest(inbox, f"sqlite:///{target}", env, day, day)
    finally:
        remove_store(target)


def main() -> None:
    global LOAD
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1)
    ap.add_argument("--inbox", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/budget-bench"))
    ap.add_argument("--to", type=dt.date.fromisoformat, help="last date of the side-by-side loads (default: all)")
    ap.add_argument("--pandas-rows", type=int, default=1_000_000, help="rows for the hand-written pandas load")
    ap.add_argument("--batch-day", type=dt.date.fromisoformat,
                    help="measure the day's batch instead of the loads: this date, replayed on --history-store "
                         "and on a one-year store built here")
    ap.add_argument("--history-store", type=Path, help="SQLite file holding every date before the batch day "
                    "(e.g. the full load's store; copied, never changed)")
    ap.add_argument("--batch-repeats", type=int, default=3, help="replays of the day's batch on each store")
    ap.add_argument("--print-only", action="store_true", help="print the section, leave docs/performance.md")
    ap.add_argument("--bare-only", action="store_true")
    ap.add_argument("--pandas-only", action="store_true")
    args = ap.parse_args()
    if args.bare_only:
        print(json.dumps({"rows": bare_load(args.inbox, os.environ["BENCH_URL"], args.to)}))
        return
    if args.pandas_only:
        print(json.dumps({"rows": pandas_load(args.inbox, Path(os.environ["BENCH_DB"]), args.pandas_rows)}))
        return
    LOAD = LoadAverage()
    inbox = args.inbox or args.work / f"inbox-scale{args.scale:g}"
    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(args.work / "quarantine"))
    if not inbox.exists():
        print(f"generating demo inbox at scale {args.scale:g} …", flush=True)
        gen = run_measured([sys.executable, str(ROOT / "app.py"), "demo", "--scale", str(args.scale), "--to", TO,
                            "--inbox", str(inbox), "--quiet"], env)
        print(f"  {gen['wall']:.0f} s", flush=True)
    args.work.mkdir(parents=True, exist_ok=True)
    name, data, text = ("ingest_batch", *measure_batch(args, inbox, env)) if args.batch_day \
        else ("ingest", *measure_loads(args, inbox, env))
    if not args.print_only:
        write_section(name, text, data)
    print(text)


def measure_loads(args, inbox: Path, env: dict) -> tuple[dict, str]:
    """The full validated load, the bare load and the hand-written pandas load of the same folders."""
    days = folders(inbox)
    first, to = day_of(days[0]), args.to or day_of(days[-1])
    paths = {name: args.work / f"{name}.db" for name in ("full", "bare", "pandas")}
    for p in paths.values():
        remove_store(p)
    url = {name: f"sqlite:///{p}" for name, p in paths.items()}

    print(f"full validated load {first} … {to} …", flush=True)
    full = ingest(inbox, url["full"], env, first, to)
    totals = store_totals(url["full"])

    print("bare bulk load …", flush=True)
    bare = run_measured([sys.executable, __file__, "--bare-only", "--inbox", str(inbox), "--to", to.isoformat()],
                        dict(env, BENCH_URL=url["bare"]))
    bare_rows = json.loads(bare["out"].strip().splitlines()[-1])["rows"]
    remove_store(paths["bare"])
    print("hand-written pandas load …", flush=True)
    pand = run_measured([sys.executable, __file__, "--pandas-only", "--inbox", str(inbox), "--pandas-rows",
                         str(args.pandas_rows)], dict(env, BENCH_DB=str(paths["pandas"])))
    pandas_rows = json.loads(pand["out"].strip().splitlines()[-1])["rows"]
    remove_store(paths["pandas"])

    costs = per_day_costs(url["full"])
    years = sorted({c["date"].year for c in costs})
    big = sorted(costs, key=lambda c: -c["rows"])
    threshold = big[min(len(big) - 1, len(big) // 10)]["rows"]  # the busiest tenth of days

    def us_per_row(y):
        sample = [c["seconds"] / c["rows"] * 1e6 for c in costs if c["date"].year == y and c["rows"] >= threshold]
        return statistics.median(sample) if sample else None, len(sample)

    # the first and the last whole year of the load: a year of a few weeks has too few busy days to compare
    whole = [y for y in years if sum(1 for c in costs if c["date"].year == y) > 200] or years
    first_cost, n_first = us_per_row(whole[0])
    last_cost, n_last = us_per_row(whole[-1])
    rows = totals["rows"]
    data = {
        "machine": machine(), "scale": args.scale, "inbox": str(inbox), "from": first, "to": to,
        "command": _command(), "vouchers": totals["vouchers"], "rows_all_reports": rows, "files": totals["files"],
        "refused_files": totals["refused"], "business_dates": sum(1 for f in days if day_of(f) <= to),
        "full": {k: full[k] for k in ("wall", "cpu", "rss", "load")}, "bare": {k: bare[k] for k in ("wall", "cpu", "rss", "load")},
        "bare_rows": bare_rows,
        "pandas": {k: pand[k] for k in ("wall", "cpu", "rss", "load")}, "pandas_rows": pandas_rows,
        "full_rows_per_s": rows / full["wall"], "full_rows_per_cpu_s": rows / full["cpu"],
        "bare_rows_per_s": bare_rows / bare["wall"], "bare_rows_per_cpu_s": bare_rows / bare["cpu"],
        "pandas_rows_per_s": pandas_rows / pand["wall"], "pandas_rows_per_cpu_s": pandas_rows / pand["cpu"],
        "batch_rows_threshold": threshold, "cost_years": [whole[0], whole[-1]],
        "us_per_row_first_year": first_cost, "us_per_row_last_year": last_cost,
        "curve_last_vs_first": (last_cost / first_cost) if first_cost and last_cost else None,
        "days_sampled": [n_first, n_last], "measured_on": dt.date.today().isoformat(),
    }
    data["ratio_full_vs_bare_wall"] = data["full_rows_per_s"] / data["bare_rows_per_s"]
    data["ratio_full_vs_bare_cpu"] = data["full_rows_per_cpu_s"] / data["bare_rows_per_cpu_s"]
    data["ratio_full_vs_pandas_wall"] = data["full_rows_per_s"] / data["pandas_rows_per_s"]
    data["ratio_full_vs_pandas_cpu"] = data["full_rows_per_cpu_s"] / data["pandas_rows_per_cpu_s"]
    return data, markdown(data)


def measure_batch(args, inbox: Path, env: dict) -> tuple[dict, str]:
    """One day's batch replayed on a fresh copy of a store holding the whole history before it and of one
    holding the year before it — from the 1st of January, when the year's quotas are issued, that the vouchers of
    the batch pay from, with the first delivery's code tables, which later deliveries only amend."""
    if not args.history_store:
        raise SystemExit("--batch-day needs --history-store")
    day, first = args.batch_day, day_of(folders(inbox)[0])
    year_store = args.work / "year.db"
    remove_store(year_store)
    year_from = max(first, dt.date((day - dt.timedelta(days=365)).year, 1, 1))
    print(f"one-year store: {first} (code tables) + {year_from} … {day - dt.timedelta(days=1)} …", flush=True)
    ingest(inbox, f"sqlite:///{year_store}", env, first, first)
    ingest(inbox, f"sqlite:///{year_store}", env, year_from, day - dt.timedelta(days=1))
    print(f"day's batch {day} on each store × {args.batch_repeats} …", flush=True)
    on_year, on_full = [], []
    for _ in range(args.batch_repeats):
        on_year.append(batch_on(year_store, args.work, inbox, env, day))
        on_full.append(batch_on(args.history_store, args.work, inbox, env, day))
    if len({r["rows"] for r in on_full + on_year}) != 1:
        raise SystemExit(f"the batch did not load the same rows on both stores: {[r['rows'] for r in on_full + on_year]}")
    d = {"machine": machine(), "command": _command(), "batch_day": day, "year_store_from": year_from,
         "year_store_rows": store_totals(f"sqlite:///{year_store}")["rows"],
         "history_store_rows": store_totals(f"sqlite:///{args.history_store}")["rows"],
         "batch_rows": [r["rows"] for r in on_full + on_year],
         "batch_vouchers": sum(len(read_file(p).lines) for p in (inbox / f"{day:%Y%m%d}").iterdir()
                               if p.name.startswith("PAY_")),
         "measured_on": dt.date.today().isoformat()}
    for name, runs in (("year", on_year), ("full", on_full)):
        for k in ("ingest_seconds", "cpu", "wall", "load"):
            d[f"{name}_{k}"] = [r[k] for r in runs]
    remove_store(year_store)
    median = statistics.median
    d["flatness"] = median(d["full_ingest_seconds"]) / median(d["year_ingest_seconds"])
    d["wall_flatness"] = median(d["full_wall"]) / median(d["year_wall"])
    text = f"""## 导入：一天的批次 / Ingest: one day's T+1 batch (`python bench/ingest_bench.py {d['command']}`)

Measured {d['measured_on']} on {d['machine']}. The batch of {day} ({d['batch_vouchers']:,} vouchers,
{d['batch_rows'][0]:,} rows of all reports loaded each time) ingested {args.batch_repeats} times into a fresh copy of each
store, written out to disk before the clock starts: one holding about the year before it ({d['year_store_rows']:,} rows
from {year_from}, with the first delivery's code tables) and one holding the whole history before it
({d['history_store_rows']:,} rows).

| store | ingest s (median) | runs, s | CPU s of the command (median) | command wall s (median) | load avg |
|---|---:|---|---:|---:|---:|
| the year before | **{median(d['year_ingest_seconds']):.1f}** | {', '.join(f'{x:.1f}' for x in d['year_ingest_seconds'])} | {median(d['year_cpu']):.1f} | {median(d['year_wall']):.1f} | {median(d['year_load']):.1f} |
| the whole history | **{median(d['full_ingest_seconds']):.1f}** | {', '.join(f'{x:.1f}' for x in d['full_ingest_seconds'])} | {median(d['full_cpu']):.1f} | {median(d['full_wall']):.1f} | {median(d['full_load']):.1f} |

Whole history ÷ one year: **{d['flatness']:.2f}** on the ingest's own time (goal 1 ± 0.3), **{d['wall_flatness']:.2f}** on the
command's wall time (its start, the store's header check and the ingest; `--no-refresh`: no downstream refresh).
"""
    return d, text


def _command() -> str:
    return " ".join(a if a.startswith("--") else Path(a).name if "/" in a else a for a in sys.argv[1:])


def store_totals(url: str) -> dict:
    """Rows loaded (all reports), vouchers, files and refused files of a store."""
    from sqlalchemy import func, select

    from warehouse.db import open_store
    from warehouse.schema import ingest_file, pay

    with open_store(url).connect() as conn:
        count = lambda q: int(conn.execute(q).scalar() or 0)  # noqa: E731
        return {"rows": count(select(func.sum(ingest_file.c.rows)).where(ingest_file.c.status == "loaded")),
                "vouchers": count(select(func.count()).select_from(pay)),
                "files": count(select(func.count()).select_from(ingest_file)),
                "refused": count(select(func.count()).select_from(ingest_file).where(ingest_file.c.status == "refused"))}



def markdown(d: dict) -> str:
    f, b, p = d["full"], d["bare"], d["pandas"]
    nan = float("nan")
    return f"""## 导入 / Ingest (`python bench/ingest_bench.py {d['command']}`)

Measured {d['measured_on']} on {d['machine']}, shared with other jobs (mean load average during each step below).
Side-by-side loads of the demo city's deliveries {d['from']} … {d['to']}: **{d['vouchers']:,} vouchers**,
{d['rows_all_reports']:,} rows of all reports in {d['files']:,} files over {d['business_dates']:,} business dates
({d['refused_files']} files refused by validation).

| load of the same delivery folders | wall s | CPU s | rows / wall s | rows / CPU s | load avg |
|---|---:|---:|---:|---:|---:|
| full ingest, all validation, SQLite (`app.py ingest`) | {f['wall']:,.0f} | {f['cpu']:,.0f} | {d['full_rows_per_s']:,.0f} | {d['full_rows_per_cpu_s']:,.0f} | {f['load']:.1f} |
| bare bulk load: same reader and inserts, no validation | {b['wall']:,.0f} | {b['cpu']:,.0f} | {d['bare_rows_per_s']:,.0f} | {d['bare_rows_per_cpu_s']:,.0f} | {b['load']:.1f} |
| hand-written `read_csv` + `DataFrame.to_sql` (first {d['pandas_rows']:,} PAY rows) | {p['wall']:,.0f} | {p['cpu']:,.0f} | {d['pandas_rows_per_s']:,.0f} | {d['pandas_rows_per_cpu_s']:,.0f} | {p['load']:.1f} |

- Full ÷ bare: **{d['ratio_full_vs_bare_wall']:.2f}** on wall time, **{d['ratio_full_vs_bare_cpu']:.2f}** on CPU time (goal ≥ 0.5).
  Full ÷ hand-written pandas: **{d['ratio_full_vs_pandas_wall']:.2f}** (wall), **{d['ratio_full_vs_pandas_cpu']:.2f}** (CPU) —
  `to_sql` appends text columns to a table with no key, index, type or provenance, and checks nothing.
- Goal ≥ 100,000 rows/s: the full load made **{d['full_rows_per_s']:,.0f}** rows per wall second and
  **{d['full_rows_per_cpu_s']:,.0f}** per CPU second of its one process (the load average says how many
  processes shared the 2 cores); the bare load, which only reads and inserts, made {d['bare_rows_per_cpu_s']:,.0f}
  per CPU second: the goal is not met, and not reachable by validating faster alone (see below the section).
- Peak memory of the full load: **{f['rss'] / 2**20:,.0f} MB** (goal < 2 GB; files are read one at a time).
- Cost per row as history grows, read off the full load (commit time of each day's last file): busiest tenth of
  days (≥ {d['batch_rows_threshold']:,} rows) {d['us_per_row_first_year'] or nan:.1f} µs/row in {d['cost_years'][0]} vs
  {d['us_per_row_last_year'] or nan:.1f} µs/row in {d['cost_years'][1]} (median of {d['days_sampled'][0]} and {d['days_sampled'][1]} days):
  ratio {(d['curve_last_vs_first'] or nan):.2f}. The day's batch replayed on two stores: § Ingest: one day's batch.
"""


if __name__ == "__main__":
    main()
