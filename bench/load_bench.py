"""Load benchmark: N simulated users against `python app.py serve --workers W` while a T+1 ingest runs.

    python bench/load_bench.py --db postgresql://postgres@127.0.0.1/budget_s32 \
        --inbox /work/bench-data/s32/inbox --ingest 2026-02-01:2026-02-02 --users 50 --seconds 300 [--think 1-5]

The pages' callback requests are recorded once in a real browser (bench/dashboard_bench.py capture); each
simulated user (bench/load_users.py, run by locust) then loads pages in a loop, as a browser does: the page,
then its callbacks in the recorded order, then a pause to read it (`--think`, none by default), each with an
account of its own (created through auth.users) and its own session, logged in through /login. While they
run, `app.py ingest` loads the next business dates (with its refresh: indicator snapshots and alerts), as the
nightly T+1 job would. Every request's latency is kept with the time it started,
so the figures are given for the whole run and for the part during which the ingest was running.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402

PASSWORD = "Load-bench-2026!"


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def make_accounts(engine, base: str, n: int) -> list[dict]:
    """The simulated users' logged-in sessions (cookies and the CSRF header Dash sends), each logged in through
    /login with an account of its own (a committee member, who may open every page and region), created through
    auth.users the first time."""
    from auth.principal import MEMBER
    from auth.users import add_user, get_user
    from tests.auth_support import http_login

    names = [f"load{i:02d}" for i in range(n)]
    with engine.connect() as conn:
        missing = [name for name in names if get_user(conn, name) is None]
    for name in missing:
        add_user(engine, name, MEMBER, password=PASSWORD)
    return [http_login(base, name, PASSWORD) for name in names]


def run_users(base: str, accounts: list[dict], pages: list[str], query: str, bodies: dict, seconds: float,
              think: tuple[float, float]) -> dict:
    """The users of bench/load_users.py run by locust in a process of its own until the time is up (a page view
    under way then runs to its end); every request as (start, epoch s; seconds; what was asked: the page, or its
    callbacks) and the errors as (start; the error)."""
    with tempfile.TemporaryDirectory() as tmp:
        plan, out = Path(tmp) / "plan.json", Path(tmp) / "samples.jsonl"
        plan.write_text(json.dumps({"base": base, "accounts": accounts, "pages": pages, "query": query,
                                    "bodies": bodies, "think": think}), encoding="utf-8")
        started = time.time()
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
                        "--users", str(len(accounts)), "--spawn-rate", str(len(accounts)), "--run-time",
                        f"{seconds:.0f}s", "--stop-timeout", "120", "--only-summary", "--loglevel", "WARNING"],
                       env=dict(os.environ, LOAD_PLAN=str(plan), LOAD_SAMPLES=str(out)), cwd=ROOT)
        ended = time.time()
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    samples = [(r["at"], r["ms"] / 1000, r["name"]) for r in rows if r["error"] is None]
    errors = [(r["at"], r["error"]) for r in rows if r["error"] is not None]
    return {"samples": samples, "errors": errors, "seconds": ended - started}


def summary(samples: list[tuple[float, float, str]], errors: list, window: tuple[float, float] | None = None) -> dict:
    if window:
        samples = [s for s in samples if window[0] <= s[0] <= window[1]]
        errors = [e for e in errors if window[0] <= e[0] <= window[1]]
    values = [s[1] for s in samples]
    ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
    return {"requests": len(values), "p50_ms": ms(percentile(values, 0.5)), "p95_ms": ms(percentile(values, 0.95)),
            "p99_ms": ms(percentile(values, 0.99)), "max_ms": ms(max(values, default=None)), "errors": len(errors)}


def by_request(samples: list[tuple[float, float, str]]) -> list[dict]:
    """Each kind of request (a page, or a page's callbacks) with its percentiles, slowest p95 first."""
    kinds: dict[str, list] = {}
    for sample in samples:
        kinds.setdefault(sample[2], []).append(sample)
    return sorted(({"name": name, **summary(found, [])} for name, found in kinds.items()),
                  key=lambda r: -r["p95_ms"])


def next_dates_inbox(source: Path, target: Path, dates: list[str]) -> Path:
    """The next business dates for a store loaded from a demo run that ended before them: the same dates of a
    demo run to a later --to, without its refund vouchers (a refund names an original voucher of that longer run,
    which the store's shorter run numbered differently), the manifest's counts and checksums written again."""
    import csv
    import hashlib
    import io
    import shutil
    from decimal import Decimal

    from ingest.reader import decode

    for day in dates:
        folder, out = source / day.replace("-", ""), target / day.replace("-", "")
        if out.exists():
            continue
        shutil.copytree(folder, out)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["files"]:
            if not (entry["name"].startswith("PAY_") and entry["name"].endswith(".csv")):
                continue
            path = out / entry["name"]
            text, encoding = decode(path.read_bytes())
            rows = list(csv.reader(io.StringIO(text)))
            head = rows[0]  # the data standard's Chinese names or its field names
            orig, amount = (next(head.index(n) for n in names if n in head)
                            for names in (("原凭证号", "orig_voucher_no"), ("支付金额", "amount")))
            body = [r for r in rows[1:] if not r[orig]]
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows([head] + body)
            path.write_bytes(buffer.getvalue().encode(encoding))
            entry.update(rows=len(body), sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                         amount_total=f"{sum(Decimal(r[amount]) for r in body):.2f}")
        (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def ingest_in_background(url: str, inbox: Path, dates: list[str], started: float, out: dict) -> threading.Thread:
    """`app.py ingest` of each date in turn (with the refresh after it), timed from the start of the load."""

    def run() -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=tempfile.mkdtemp(prefix="load-quarantine-"))
        out["runs"] = []
        for day in dates:
            at = time.time()
            proc = subprocess.run([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox), "--from",
                                   day, "--to", day, "--db", url, "--quiet"], env=env, capture_output=True, text=True)
            out["runs"].append({"date": day, "start_s": at - started, "seconds": time.time() - at,
                                "returncode": proc.returncode, "tail": (proc.stdout + proc.stderr)[-400:]})

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


TITLES = {False: "## 负载 / Load: concurrent users while the T+1 ingest runs (`python bench/load_bench.py`)",
          True: "## 负载（含浏览间隔）/ Load with think time: concurrent users reading pages while the T+1 ingest runs "
                "(`python bench/load_bench.py --think 1-5`)"}


def _pause(think: tuple[float, float]) -> str:
    if think[1] <= 0:
        return "with no think time (each user asks for the next page as soon as the last has arrived: a stress run)"
    return (f"then reads it for {think[0]:g}–{think[1]:g} s (locust's `between`, uniformly drawn) before the next "
            "page")


def markdown(data: dict) -> str:
    total, during = data["all"], data["during_ingest"]
    runs = data["ingest"]["runs"]
    ingest = "; ".join(f"{r['date']} {r['seconds']:.0f} s from {r['start_s']:.0f} s"
                       + ("" if r["returncode"] == 0 else f" (exit {r['returncode']})") for r in runs)

    def row(name: str, s: dict) -> str:
        return (f"| {name} | {s['requests']:,} | {s['p50_ms']} | **{s['p95_ms']}** | {s['p99_ms']} | {s['max_ms']} | "
                f"**{s['errors']}** |")

    return "\n".join([
        f"{TITLES[data['think'][1] > 0]}: {data['store']}", "",
        f"{data['users']} simulated users for {data['planned_seconds']:.0f} s (the run lasted {data['seconds']:.0f} s: "
        "a page view started before the end runs to its end, each request waiting up to 60 s) against "
        "`python app.py serve --workers "
        f"{data['workers']}` on {data['backend']} ({data['store']}, {data['vouchers']:,} vouchers), view "
        f"{data['query']}; {data['machine']}; load average {data['load_before']:.1f} before, "
        f"{data['load_after']:.1f} after the run. Each user has an account of its own and logs in through "
        "/login before the run (a committee member: every page and region). "
        "Each user loads the ten pages in turn, each page followed by the callback requests its browser makes "
        f"(recorded once in Chromium), {_pause(data['think'])}. The users are run by locust "
        "(FastHttpUser, in a process of its own). Meanwhile `app.py ingest` loads the next business "
        f"dates with its refresh (indicator snapshots and alerts): {ingest}.", "",
        "| requests | n | p50 ms | p95 ms | p99 ms | max ms | errors |", "|---|---:|---:|---:|---:|---:|---:|",
        row("all", total), row("while the ingest ran", during), row("after it", data["after_ingest"]), "",
        f"Goal: p95 ≤ 1,000 ms and no errors. Error samples: {data['error_samples'] or 'none'}.", "",
        "Slowest requests over the whole run (a page's HTML, or its callbacks together):", "",
        "| request | n | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|",
        *(f"| {r['name']} | {r['requests']:,} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} |"
          for r in data["by_request"][:5])])


def record(url: str, query: str, workers: int) -> dict:
    """The callback requests of every page, recorded in Chromium against a server on `url` (bodies hold the
    view's inputs, not the store's data, so a smaller store with the same regions records the same requests)."""
    from bench.dashboard_bench import capture
    from tests.auth_support import temporary_admin
    from tests.browser_support import served
    from warehouse.db import open_store

    print(f"recording the pages' callbacks on {url.rsplit('/', 1)[-1]} …", flush=True)
    with tempfile.TemporaryDirectory() as tmp, served(url, Path(tmp) / "serve.log", workers=workers) as base, \
            temporary_admin(open_store(url)) as login:
        return capture(base, query, login)[0]  # (the full page loads it also times are dashboard_bench's)


def main() -> None:
    from bench.dashboard_bench import PAGES
    from tests.browser_support import served
    from warehouse.db import open_store, resolve_url

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--inbox", type=Path, required=True, help="the T+1 delivery folders to ingest meanwhile")
    ap.add_argument("--ingest", required=True, help="dates to ingest one after the other, FROM:TO")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--section", help="the section of docs/performance.md to write (default: load, or load_think "
                    "with a think time), e.g. one per store")
    ap.add_argument("--think", default="0-0", help="seconds a user reads a page before the next, MIN-MAX "
                    "(default 0-0: a stress run; 1-5 for people reading)")
    ap.add_argument("--date", help="the view's as-of date (default: the newest business date before the ingest)")
    ap.add_argument("--region", help="the view's region (default: the top region)")
    ap.add_argument("--capture-db", help="record the pages' requests on this store (default: --db), e.g. when the "
                    "large store's pages outlast the browser's patience while it is busy")
    args = ap.parse_args()
    url = resolve_url(args.db)
    think = tuple(float(v) for v in args.think.split("-"))

    from sqlalchemy import func, select

    from dashboard.queries.ingest import latest_business_date
    from dashboard.queries.regions import region_tree
    from warehouse.schema import pay

    engine = open_store(url)
    day = args.date or latest_business_date(engine)
    query = f"date={day}&region={args.region or region_tree(engine).top()}"
    with engine.connect() as conn:
        vouchers = conn.scalar(select(func.count()).select_from(pay))
    first, last = (dt.date.fromisoformat(d) for d in args.ingest.split(":"))
    dates = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    bodies = record(resolve_url(args.capture_db or url), query, args.workers)
    with tempfile.TemporaryDirectory() as tmp, served(url, Path(tmp) / "serve.log", workers=args.workers) as base:
        accounts = make_accounts(engine, base, args.users)
        print(f"{args.users} users for {args.seconds:.0f} s with the ingest of {dates} …", flush=True)
        load_before, ingest = os.getloadavg()[0], {}
        started = time.time()
        thread = ingest_in_background(url, args.inbox, dates, started, ingest)
        run = run_users(base, accounts, [p for p, _ in PAGES], query, bodies, args.seconds, think)
        thread.join()
        load_after = os.getloadavg()[0]
    run["samples"] = [(at - started, s, name) for at, s, name in run["samples"]]
    run["errors"] = [(at - started, e) for at, e in run["errors"]]
    runs = ingest["runs"]
    window = (runs[0]["start_s"], runs[-1]["start_s"] + runs[-1]["seconds"])
    data = {"machine": machine(), "backend": "PostgreSQL" if url.startswith("postgresql") else "SQLite",
            "store": url.rsplit("/", 1)[-1], "vouchers": vouchers, "query": query, "users": args.users,
            "seconds": run["seconds"], "planned_seconds": args.seconds, "workers": args.workers, "think": think,
            "load_before": load_before, "load_after": load_after, "ingest": ingest,
            "all": summary(run["samples"], run["errors"]),
            "during_ingest": summary(run["samples"], run["errors"], window),
            "after_ingest": summary(run["samples"], run["errors"], (window[1], float("inf"))),
            "by_request": by_request(run["samples"]), "error_samples": [e[1] for e in run["errors"][:5]],
            "measured_on": dt.date.today().isoformat()}
    write_section(args.section or ("load_think" if think[1] > 0 else "load"), markdown(data), data)
    print(markdown(data))


if __name__ == "__main__":
    main()
