"""Scale benchmark: the ingest, indicator, alert and dashboard figures of the other benches measured on stores of
about 1 M, 10 M and 50 M vouchers, PostgreSQL beside SQLite, and how each cost grows with the store.

    # the demo inbox (app.py demo --scale 32 … ≈ 10 M vouchers) loaded by `app.py ingest`, then measured
    python bench/scale_bench.py measure --label 10m --db postgresql://postgres@127.0.0.1/budget_s32 \
        --inbox /work/bench-data/s32/inbox --load full --to 2026-01-31 --steps ingest
    python bench/scale_bench.py measure --label 10m --db postgresql://postgres@127.0.0.1/budget_s32 --vacuum \
        --date 2025-11-20 --steps trigger,indicators,alerts,dashboard
    # 50 M: a copy of that database (CREATE DATABASE budget_50m TEMPLATE budget_s32) and four copies of the city
    python bench/scale_bench.py replicate --label 50m --db postgresql://postgres@127.0.0.1/budget_50m --copies 1-4
    python bench/scale_bench.py measure --label 50m --db postgresql://postgres@127.0.0.1/budget_50m --vacuum \
        --date 2025-11-20 --steps ingest,trigger,indicators,alerts,dashboard
    python bench/scale_bench.py write                              # the section, from every store measured

Loading and measuring a store of tens of millions of vouchers takes most of a session on this shared 2-core
machine, so each store is built and measured on its own (`measure` saves its figures under bench/results/scale/,
tracked in git so that they outlive the machine they were measured on) and `write` puts them side by side.
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

from bench.report import machine, write_section  # noqa: E402

SCALE_OUT = ROOT / "bench" / "results" / "scale"  # tracked: each store takes hours to build and measure
STEPS = ("ingest", "trigger", "indicators", "alerts", "dashboard", "t1")


def backend(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


# Building a store --------------------------------------------------------------------------------------------
def load(url: str, inbox: Path, how: str, work: Path, to: dt.date | None = None) -> dict:
    """Loads the demo inbox into the store, up to `to` (default: its last business date): `full` = `app.py
    ingest` (every check), `bare` = ingest_bench's bare load (same reader, same COPY / inserts, no validation);
    wall seconds and peak memory of the child."""
    from bench.ingest_bench import folders, run_measured

    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(work / "quarantine"))
    days = [d for d in folders(inbox) if to is None or d.name <= to.strftime("%Y%m%d")]
    iso = lambda s: f"{s[:4]}-{s[4:6]}-{s[6:]}"  # noqa: E731
    if how == "full":
        cmd = [sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox), "--from", iso(days[0].name),
               "--to", iso(days[-1].name), "--db", url, "--quiet", "--no-refresh"]
    else:
        cmd = [sys.executable, str(ROOT / "bench" / "ingest_bench.py"), "--bare-only", "--inbox", str(inbox),
               "--to", iso(days[-1].name)]
        env["BENCH_URL"] = url
    run = run_measured(cmd, env)
    return {"how": how, "from": iso(days[0].name), "to": iso(days[-1].name), "seconds": run["wall"],
            "cpu_seconds": run["cpu"], "peak_rss_mb": run["rss"] / 2 ** 20, "load": load_average()}


PROVINCE = ("410000", "示范省")
# What a copy of the city changes, per table: the region and everything named within it (units, departments,
# projects); voucher and quota numbers are unique per region, so they stay.
RENAMED = {"dm_region": {"region_code": "{r}", "region_name": "region_name || :tag",
                         "parent_code": "CASE WHEN region_code = :city THEN :province ELSE {p} END"},
           "dm_unit": {"region_code": "{r}", "unit_code": "unit_code || :suffix", "dept_code": "dept_code || :suffix",
                       "unit_name": "unit_name || :tag"},
           **{t: {"region_code": "{r}", "unit_code": "unit_code || :suffix", "project_code": "project_code || :suffix"}
              for t in ("bgt", "pay")}}


SUM_CLASS = ("region_code", "quota_id", "unit_code", "fund_type", "func_code", "econ_code", "project_code")


def secondary_indexes(conn) -> dict[str, str]:
    """PAY's indexes that back no constraint, name → its CREATE INDEX (the primary key and uq_pay_voucher, which
    the app relies on, are not among them)."""
    from sqlalchemy import text

    return dict(conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() AND tablename = 'pay' "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
        "format('%I.%I', i.schemaname, i.indexname)::regclass) ORDER BY indexname")).all())


def create_indexes(engine, definitions: dict[str, str]) -> dict[str, float]:
    """Creates those of `definitions` that are missing, each over the whole table in one pass (sorted with
    maintenance_work_mem raised for the session): seconds per index."""
    from sqlalchemy import text

    out = {}
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("SET maintenance_work_mem = '1GB'"))
        present = secondary_indexes(conn)
        for name, ddl in definitions.items():
            if name in present:
                continue
            started = time.monotonic()
            conn.execute(text(ddl))
            out[name] = time.monotonic() - started
            print(f"index {name}: {out[name]:.0f} s (load average {load_average()})", flush=True)
    return out


def copy_sums(conn, after_id: int) -> None:
    """Adds the vouchers written after `after_id` (one copy of the city, under regions that have no sums yet) to
    pay_day and pay_month, grouped per class, as revision 0006's insert trigger would (pay_month's own trigger
    of revision 0007 then adds them to pay_year)."""
    from sqlalchemy import text

    cls = ", ".join(SUM_CLASS)
    conn.execute(text(f"CREATE TEMP TABLE copied_day ON COMMIT DROP AS SELECT pay_date, {cls}, "
                      f"sum(amount_fen) AS amount_fen, count(*) AS vouchers FROM pay WHERE id > :after "
                      f"GROUP BY pay_date, {cls}"), {"after": after_id})
    clash = conn.scalar(text("SELECT count(*) FROM pay_year WHERE region_code IN "
                             "(SELECT DISTINCT region_code FROM copied_day)"))
    if clash:  # the triggers would have added to these rows rather than inserted new ones
        raise SystemExit(f"the copy's regions already have {clash} rows in pay_year")
    conn.execute(text(f"INSERT INTO pay_day (pay_date, {cls}, amount_fen, vouchers) "
                      f"SELECT pay_date, {cls}, amount_fen, vouchers FROM copied_day"))
    conn.execute(text(f"INSERT INTO pay_month (month, {cls}, amount_fen, vouchers) "
                      f"SELECT date_trunc('month', pay_date)::date, {cls}, sum(amount_fen), sum(vouchers) "
                      f"FROM copied_day GROUP BY 1, {cls}"))


def check_sums(engine) -> dict:
    """pay_day, pay_month and pay_year summed per region beside PAY itself (amount and vouchers): the regions
    where any differs."""
    from sqlalchemy import text

    tiers = {t: f"SELECT region_code, sum(amount_fen) AS a, sum(vouchers) AS n FROM {t} GROUP BY region_code"
             for t in ("pay_day", "pay_month", "pay_year")}
    started = time.monotonic()
    with engine.connect() as conn:
        rows = conn.execute(text(
            "WITH p AS (SELECT region_code, sum(amount_fen) AS a, count(*) AS n FROM pay GROUP BY region_code), "
            + ", ".join(f"{t} AS ({sql})" for t, sql in tiers.items())
            + " SELECT region_code, p.a, p.n, " + ", ".join(f"{t}.a, {t}.n" for t in tiers)
            + " FROM p " + " ".join(f"FULL JOIN {t} USING (region_code)" for t in tiers))).all()
    wrong = [r.region_code for r in rows if len({(r[1], r[2]), (r[3], r[4]), (r[5], r[6]), (r[7], r[8])}) > 1]
    return {"regions": len(rows), "vouchers": sum(r[2] or 0 for r in rows), "mismatched_regions": wrong,
            "seconds": time.monotonic() - started, "load": load_average()}


def replicate(url: str, first: int, last: int, bulk: bool = True, pending: dict | None = None,
              remember=lambda pending: None) -> dict:
    """Grows a loaded PostgreSQL store of the demo city into a province: copies first…last of the city (regions
    41kk00…, their units, quotas and vouchers) under a new top region 示范省, each copy one INSERT … SELECT per
    table inside PostgreSQL. This is how the 10 M and 50 M stores are built: generating and loading 50 M demo
    rows through Python takes longer than a session on this shared machine. Revenue, debt, assets, audit and
    project feeds stay the city's own.

    bulk (the default), as bulk loads into PostgreSQL are made fast: PAY's secondary indexes are dropped before
    the copies and created again after them over the whole table (`remember` is given their definitions first,
    so that an interrupted run can create them again), and within each copy's transaction the sums' insert
    trigger on PAY stands aside while the copy's vouchers are added to pay_day / pay_month in one grouped
    INSERT … SELECT each (pay_year by pay_month's trigger). Not bulk: the triggers and indexes work on each copy
    as in any load (about 7,000 vouchers/s here at 10–20 M). `pending`: indexes an interrupted bulk run dropped,
    created again at the end. Either way the sums are checked against PAY per region at the end (`sums_check`)."""
    from sqlalchemy import text

    from warehouse.db import open_store

    engine = open_store(url)
    with engine.begin() as conn:
        city = conn.scalar(text("SELECT region_code FROM dm_region WHERE parent_code IS NULL OR parent_code = '' "
                                "OR parent_code = :p ORDER BY parent_code NULLS FIRST LIMIT 1"), {"p": PROVINCE[0]})
        if city == PROVINCE[0]:
            city = conn.scalar(text("SELECT region_code FROM dm_region WHERE parent_code = :p ORDER BY region_code "
                                    "DESC LIMIT 1"), {"p": PROVINCE[0]})
        conn.execute(text("INSERT INTO dm_region (region_code, region_name, parent_code, level) SELECT "
                          "CAST(:code AS varchar), :name, NULL, '省' WHERE NOT EXISTS (SELECT 1 FROM dm_region "
                          "WHERE region_code = :code)"),
                     {"code": PROVINCE[0], "name": PROVINCE[1]})
        conn.execute(text("UPDATE dm_region SET parent_code = :p WHERE region_code = :city"),
                     {"p": PROVINCE[0], "city": city})
        before = conn.scalar(text("SELECT count(*) FROM pay"))
        columns = {t: [c for c in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = :t AND column_name <> 'id' ORDER BY ordinal_position"), {"t": t}).scalars()]
            for t in RENAMED}
        present = secondary_indexes(conn) if bulk else {}
    indexes = {**(pending or {}), **present}
    region = f"'41' || lpad((99 - :k)::text, 2, '0') || right({{0}}, 2)"  # the city's 4199xx → 41(99-k)xx
    started_all = time.monotonic()
    dropped = 0.0
    if indexes:
        remember(indexes)
        with engine.begin() as conn:
            for name in present:
                conn.execute(text(f"DROP INDEX {name}"))
        dropped = time.monotonic() - started_all
    timings, sums = [], []
    try:
        for k in range(first, last + 1):
            started = time.monotonic()
            params = {"k": k, "suffix": f"-{k}", "tag": f"（{k}）", "city": city, "province": PROVINCE[0]}
            with engine.begin() as conn:
                if bulk:  # undone with the transaction if the copy fails
                    conn.execute(text("ALTER TABLE pay DISABLE TRIGGER pay_sums_insert"))
                    conn.execute(text("SET LOCAL work_mem = '256MB'"))
                    after_id = conn.scalar(text("SELECT coalesce(max(id), 0) FROM pay"))
                for table, renamed in RENAMED.items():
                    where = "region_code LIKE :prefix"
                    exprs = [renamed.get(c, c).format(r=region.format("region_code"), p=region.format("parent_code"))
                             for c in columns[table]]
                    conn.execute(text(f"INSERT INTO {table} ({', '.join(columns[table])}) SELECT {', '.join(exprs)} "
                                      f"FROM {table} WHERE {where}"), dict(params, prefix=city[:4] + "%"))
                if bulk:
                    at = time.monotonic()
                    copy_sums(conn, after_id)
                    conn.execute(text("ALTER TABLE pay ENABLE TRIGGER pay_sums_insert"))
                    sums.append(time.monotonic() - at)
            timings.append(time.monotonic() - started)
            print(f"copy {k}: {timings[-1]:.0f} s (load average {load_average()})", flush=True)
    finally:
        index_seconds = create_indexes(engine, indexes) if indexes else {}
    seconds = time.monotonic() - started_all  # the copies with the indexes' drop and creation
    if indexes:
        remember({})
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text(f"ANALYZE {', '.join(RENAMED)}, pay_day, pay_month, pay_year"))
        vouchers = conn.scalar(text("SELECT count(*) FROM pay"))
    check = check_sums(engine)
    print(f"sums checked: {check}", flush=True)
    out = {"copies": [first, last], "from_vouchers": before, "bulk": bulk, "seconds": seconds,
           "per_copy_seconds": timings, "vouchers": vouchers, "rows": vouchers - before, "load": load_average(),
           "sums_check": check}
    if bulk:
        out.update(drop_indexes_seconds=dropped, sums_seconds_per_copy=sums, index_seconds=index_seconds)
    return out


# Partitioning by year, measured before deciding ---------------------------------------------------------------
PARTITION_QUERIES = {  # what reads PAY itself rather than its sums (name: SQL on table {t})
    "a year's vouchers by unit (the indicators' floor, ML training)":
        "SELECT unit_code, SUM(amount_fen) FROM {t} WHERE pay_date BETWEEN '2026-01-01' AND '2026-11-20' "
        "GROUP BY unit_code",
    "a day and its 30-day window (the alert rules)":
        "SELECT region_code, COUNT(*), SUM(amount_fen) FROM {t} WHERE pay_date BETWEEN '2026-10-21' AND "
        "'2026-11-20' GROUP BY region_code",
    "the voucher list's first page (the year, newest first)":
        "SELECT * FROM {t} WHERE pay_date BETWEEN '2026-01-01' AND '2026-11-20' ORDER BY pay_date DESC, id DESC "
        "LIMIT 101",
    "a unit's year": "SELECT SUM(amount_fen) FROM {t} WHERE unit_code = (SELECT min(unit_code) FROM dm_unit) "
                     "AND pay_date BETWEEN '2026-01-01' AND '2026-11-20'",
    "a voucher by its number (duplicate checks)":
        "SELECT id FROM {t} WHERE region_code = '419900' AND voucher_no IN (SELECT voucher_no FROM {t} "
        "WHERE pay_date = '2026-11-20' LIMIT 200)",
    "a day's batch of vouchers written again under new numbers (then rolled back)":
        "INSERT INTO {t} ({cols}) SELECT {renumbered} FROM {t} WHERE pay_date = '2026-11-20'",
}


def partitioning(url: str, repeats: int = 3) -> dict:
    """A copy of PAY partitioned by year (the unique key must then hold pay_date) beside PAY itself: the median
    seconds of the statements that read or write the vouchers themselves."""
    from sqlalchemy import text

    from warehouse.db import open_store

    engine = open_store(url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        years = range(conn.scalar(text("SELECT min(pay_date) FROM pay")).year,
                      conn.scalar(text("SELECT max(pay_date) FROM pay")).year + 2)
        started = time.monotonic()
        conn.execute(text("DROP TABLE IF EXISTS pay_by_year"))
        conn.execute(text("CREATE TABLE pay_by_year (LIKE pay INCLUDING DEFAULTS) PARTITION BY RANGE (pay_date)"))
        for y in years:
            conn.execute(text(f"CREATE TABLE pay_by_year_{y} PARTITION OF pay_by_year FOR VALUES FROM "
                              f"('{y}-01-01') TO ('{y + 1}-01-01')"))
        conn.execute(text("INSERT INTO pay_by_year SELECT * FROM pay"))
        for ddl in ("ALTER TABLE pay_by_year ADD PRIMARY KEY (id, pay_date)",
                    "ALTER TABLE pay_by_year ADD UNIQUE (region_code, voucher_no, pay_date)",
                    "CREATE INDEX ON pay_by_year (pay_date)", "CREATE INDEX ON pay_by_year (unit_code, pay_date)",
                    "CREATE INDEX ON pay_by_year (region_code, quota_id, amount_fen)", "VACUUM ANALYZE pay_by_year",
                    "VACUUM ANALYZE pay"):
            conn.execute(text(ddl))
        build = time.monotonic() - started
        cols = conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'pay' AND "
                                 "column_name <> 'id' ORDER BY ordinal_position")).scalars().all()
    out = {}
    for name, sql in PARTITION_QUERIES.items():
        times = {}
        for table in ("pay", "pay_by_year"):
            runs = []
            for _ in range(repeats):
                with engine.connect() as conn:
                    if table == "pay" and sql.startswith("INSERT"):  # the triggers of the sums stay out of it
                        conn.execute(text("SET LOCAL session_replication_role = replica"))
                    at = time.perf_counter()
                    result = conn.execute(text(sql.format(t=table, cols=", ".join(cols), renumbered=", ".join(
                        "voucher_no || 'r'" if c == "voucher_no" else c for c in cols))))
                    if result.returns_rows:
                        result.all()
                    runs.append(time.perf_counter() - at)
                    conn.rollback()
            times[table] = statistics.median(runs)
        out[name] = times
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("DROP TABLE pay_by_year"))
    return {"build_seconds": build, "queries": out, "load": load_average()}


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

    def busiest(year: int) -> list[dict]:
        days = sorted((c for c in costs if c["date"].year == year and c["rows"]), key=lambda c: -c["rows"])
        return days[:max(1, len(days) // 10)]

    busy, first = busiest(max(c["date"].year for c in costs)), busiest(min(c["date"].year for c in costs))
    return {"vouchers": vouchers, "rows_all_reports": rows, "runs": len(runs),
            "bare": all(r == "bench" for r, _, _ in runs),
            "load_seconds_from_records": seconds if all(f is not None for _, _, f in runs) else None,
            "t1_batch_seconds": statistics.median(c["seconds"] for c in busy),
            "t1_batch_rows": statistics.median(c["rows"] for c in busy),
            "t1_us_per_row": statistics.median(c["seconds"] / c["rows"] * 1e6 for c in busy),
            "t1_us_per_row_first_year": statistics.median(c["seconds"] / c["rows"] * 1e6 for c in first),
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
        newest = conn.scalar(select(func.max(pay.c.pay_date)))
    # the newest year whose June and July are stored: its June days, its month end and its July model are measured
    late = newest.year if newest >= dt.date(newest.year, 7, 1) else newest.year - 1
    days = day_costs(engine, late)
    month_end = month_end_cost(engine, late)
    ml = ml_scoring(engine, late, ml_vouchers)
    slowest = sorted(days[-1]["timings"].items(), key=lambda kv: -kv[1])[:3]
    return {"day_seconds": statistics.median(d["seconds"] for d in days), "days": [str(d["date"]) for d in days],
            "errors": {k: v for d in days for k, v in d["errors"].items()}, "month_end_seconds": month_end["seconds"],
            "slowest_steps": slowest, "ml": ml, "year": late, "load": load_average()}


def dashboard_figures(engine, url: str, day: dt.date, region: str, repeats: int) -> dict:
    from bench.dashboard_bench import capture, replay, voucher_pages
    from tests.auth_support import temporary_admin
    from tests.browser_support import served

    query = f"date={day}&region={region}"
    with tempfile.TemporaryDirectory() as tmp, served(url, Path(tmp) / "serve.log", workers=2) as base, \
            temporary_admin(engine) as login:
        bodies, loads = capture(base, query, login)
        callbacks = replay(url, bodies, repeats, login)
    pages = voucher_pages(url, day, region)
    with_sql = [c for c in callbacks if c["sql_p95_ms"] > 0]
    worst = max(callbacks, key=lambda c: c["p95_ms"])
    return {"query": query, "callbacks": callbacks, "callback_p95_max_ms": worst["p95_ms"],
            "callback_p95_max": f"{worst['page']} {worst['callback']}",
            "callback_sql_p95_of_max_ms": worst["sql_p95_ms"],
            "callback_p95_median_ms": statistics.median(c["p95_ms"] for c in with_sql) if with_sql else None,
            "callbacks_over_300ms": sum(c["p95_ms"] > 300 for c in callbacks),
            "voucher_page_p95_ms": max(v["p95_ms"] for v in pages.values() if isinstance(v, dict)),
            "voucher_pages": pages,
            "page_load_median_s": statistics.median(statistics.median(t for t, _ in v) for v in loads.values()),
            "page_load_max_s": max(t for v in loads.values() for t, _ in v),
            "page_busy_median_s": statistics.median(statistics.median(b for _, b in v) for v in loads.values()),
            "load": load_average()}


def t1_figures(engine, url: str, inbox: Path, day: str, work: Path) -> dict:
    """The nightly job on the full store: `app.py ingest` of the next business date with its refresh (indicator
    snapshots and alerts), timed; the load part is the ingest run's own record, the rest is the refresh.

    The store is first brought to where the nights before would have left it: the month before the date is
    refreshed with the payees' first payments read afresh from the whole history (the other steps evaluate
    dates of an earlier year, leaving a gap no daily operation leaves) and that month's ML model trained. That
    warm-up is a store's first evaluation after a load without refresh, timed apart: measured as part of the night,
    it made the night's refresh some ten times what a night costs."""
    from sqlalchemy import func, select

    import pipeline
    from alerts import payees
    from bench.ingest_bench import run_measured
    from warehouse.schema import ingest_file, ingest_run

    first_of_month = dt.date.fromisoformat(day).replace(day=1)
    month_before = (first_of_month - dt.timedelta(days=1)).replace(day=1)
    started = time.monotonic()
    with engine.begin() as conn:
        payees.forget_from(conn, dt.date.min, dt.date.max)
    pipeline.refresh_range(engine, month_before, first_of_month - dt.timedelta(days=1))
    warm_up = time.monotonic() - started
    env = dict(os.environ, PYTHONPATH=str(ROOT), BUDGET_QUARANTINE=str(work / "quarantine"))
    run = run_measured([sys.executable, str(ROOT / "app.py"), "ingest", "--inbox", str(inbox), "--from", day,
                        "--to", day, "--db", url, "--quiet"], env)
    seconds, rss = run["wall"], run["rss"]
    with engine.connect() as conn:
        started, finished = conn.execute(select(ingest_run.c.started_at, ingest_run.c.finished_at)
                                         .order_by(ingest_run.c.id.desc()).limit(1)).one()
        rows = conn.scalar(select(func.sum(ingest_file.c.rows)).where(
            ingest_file.c.business_date == dt.date.fromisoformat(day), ingest_file.c.status == "loaded"))
    load_s = (finished - started).total_seconds()
    return {"date": day, "rows": int(rows or 0), "total_seconds": seconds, "load_seconds": load_s,
            "refresh_seconds": seconds - load_s, "peak_rss_mb": rss / 2 ** 20, "warm_up_seconds": warm_up,
            "warm_up_month": f"{month_before:%Y-%m}", "load": load_average()}


EMPTY_INDEXES = ("CREATE INDEX ix_pay_day_empty ON pay_day (pay_date) WHERE vouchers = 0",
                 "CREATE INDEX ix_pay_month_empty ON pay_month (month) WHERE vouchers = 0",
                 "CREATE INDEX ix_pay_year_empty ON pay_year (year) WHERE vouchers = 0")


def vacuum_analyze(engine) -> dict:
    """VACUUM ANALYZE after a bulk load or replication, as autovacuum would do on a production server (the
    server of this machine runs with autovacuum off, for the test suite): without statistics the planner takes
    the newest dates for empty and reads whole ranges; without the visibility map no index-only scan."""
    from sqlalchemy import text

    started = time.monotonic()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    return {"seconds": time.monotonic() - started, "load": load_average()}


def trigger_figures(engine, day: dt.date, rows: int = 300, repeats: int = 3) -> dict:
    """What the sums' triggers add to one file's insert of `rows` vouchers on the full store (PostgreSQL): that
    many of `day`'s vouchers (the measured date: the newest stored may be a weekend's handful) written again under
    new numbers, without and with revision 0011's partial indexes (created inside the measuring transaction, so
    nothing stays); every run is rolled back."""
    from sqlalchemy import text

    with engine.connect() as conn:
        cols = conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = 'pay' AND "
                                 "column_name <> 'id' ORDER BY ordinal_position")).scalars().all()
        present = conn.scalar(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_pay_day_empty'"))
    insert = (f"INSERT INTO pay ({', '.join(cols)}) SELECT "
              + ", ".join("voucher_no || 't'" if c == "voucher_no" else c for c in cols)
              + f" FROM pay WHERE pay_date = :day LIMIT {rows}")
    out = {}
    for case, ddl in (("without", ()), ("with", () if present else EMPTY_INDEXES)):
        if case == "without" and present:
            continue
        runs = []
        for _ in range(repeats):
            with engine.connect() as conn:
                for statement in ddl:
                    conn.execute(text(statement))
                at = time.perf_counter()
                inserted = conn.execute(text(insert), {"day": day}).rowcount
                runs.append(time.perf_counter() - at)
                conn.rollback()
        out[f"{case}_partial_index_s"] = statistics.median(runs)
    return dict(out, rows=inserted, date=day, load=load_average())


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _update(path: Path, changes: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**_read(path), **changes}, ensure_ascii=False, indent=1, default=str),
                    encoding="utf-8")


def measure(args) -> None:
    from dashboard.queries.ingest import latest_business_date
    from dashboard.queries.regions import region_tree
    from warehouse.db import open_store, resolve_url

    url = resolve_url(args.db)
    path = SCALE_OUT / f"{args.label}-{backend(url)}.json"
    data = {"label": args.label, "backend": backend(url), "store": url.rsplit("/", 1)[-1], "machine": machine()}

    def save():  # into what the file holds now: other commands may have added to it meanwhile
        _update(path, data)

    if args.load:
        print(f"{args.load} load of {args.inbox} …", flush=True)
        data["load_run"] = load(url, args.inbox, args.load, args.work, args.to)
        save()
    engine = open_store(url)
    if backend(url) == "PostgreSQL" and args.vacuum:
        data["vacuum_analyze"] = vacuum_analyze(engine)
        save()
    day = args.date or latest_business_date(engine)
    region = region_tree(engine).top()
    steps = args.steps.split(",")
    for step in STEPS:
        if step not in steps or (step == "trigger" and backend(url) != "PostgreSQL"):
            continue
        print(f"{args.label} {backend(url)}: {step} …", flush=True)
        started = time.monotonic()
        if step == "ingest":
            data["ingest"] = ingest_figures(engine, url)
        elif step == "indicators":
            data["indicators"] = indicator_figures(engine, day)
        elif step == "alerts":
            data["alerts"] = alert_figures(engine, args.ml_vouchers)
        elif step == "trigger":
            data["trigger"] = trigger_figures(engine, day)
        elif step == "dashboard":
            data["dashboard"] = dashboard_figures(engine, url, day, region, args.repeats)
        else:
            data["t1"] = t1_figures(engine, url, args.t1_inbox, args.t1_date, args.work)
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


def _loaded(run: dict) -> dict:
    """The store's ingest figures when it was loaded from its inbox (a replicated store's records are the
    city's it was grown from)."""
    return {} if run.get("replicated") else (run.get("ingest") or {})


def _replication_rate(run: dict):
    done = run.get("replicated")
    if not done:
        return None
    return sum(d["rows"] for d in done) / sum(d["seconds"] for d in done) if all("rows" in d for d in done) else None


def _full_load_rate(run: dict):
    """Rows per second of the full validated load (bare loads are shown in their own row)."""
    ingest = _loaded(run)
    if ingest.get("bare") or not ingest.get("load_seconds_from_records"):
        return None
    return ingest["rows_all_reports"] / ingest["load_seconds_from_records"]


def _bare_load_rate(run: dict):
    ingest = _loaded(run)
    if not ingest.get("bare") or not ingest.get("load_seconds_from_records"):
        return None
    return ingest["rows_all_reports"] / ingest["load_seconds_from_records"]


# (label, how to read it from a run, format, True when larger is better)
ROWS = [
    ("full validated load, rows/s (`app.py ingest`)", _full_load_rate, "{:,.0f}", True),
    ("bare COPY / insert load, rows/s (no validation)", _bare_load_rate, "{:,.0f}", True),
    ("during that load: a busy day's batch in the last year, s (busiest tenth of days)",
     lambda r: _loaded(r).get("t1_batch_seconds"), "{:.1f}", False),
    ("… the same per row, µs", lambda r: _loaded(r).get("t1_us_per_row"), "{:.0f}", False),
    ("… per row in the first year (store nearly empty), µs",
     lambda r: _loaded(r).get("t1_us_per_row_first_year"), "{:.0f}", False),
    ("replication of the city inside PostgreSQL (`INSERT … SELECT`; bulk: PAY's secondary indexes created after "
     "the copies, included), vouchers/s", _replication_rate, "{:,.0f}", True),
    ("one file of 300 vouchers inserted on the full store, with the sums' triggers, s (before 0011)",
     lambda r: _get(r, "trigger", "without_partial_index_s"), "{:.2f}", False),
    ("one file of 300 vouchers inserted on the full store with the sums' triggers and the partial indexes of "
     "revision 0011, ms", lambda r: (_get(r, "trigger", "with_partial_index_s") or 0) * 1000 or None, "{:.1f}", False),
    ("first evaluation of the store, loaded without refresh: the month before the next business date refreshed, s",
     lambda r: _get(r, "t1", "warm_up_seconds"), "{:.1f}", False),
    ("the next business date on the full store: `app.py ingest`, load part, s",
     lambda r: _get(r, "t1", "load_seconds"), "{:.1f}", False),
    ("… its refresh (indicator snapshots + alerts), s", lambda r: _get(r, "t1", "refresh_seconds"), "{:.1f}", False),
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
ORDER = {"1m": 0, "10m": 1, "20m": 2, "50m": 3}


def _size(run: dict) -> str:
    """'10m' → '10 M'."""
    return f"{run['label'][:-1]} {run['label'][-1].upper()}"


def _fmt(fmt: str, value) -> str:
    return "–" if value is None else fmt.format(value)


def section(runs: list[dict]) -> str:
    runs = sorted(runs, key=lambda r: (ORDER.get(r["label"], 9), r["backend"] != "PostgreSQL"))
    pg = [r for r in runs if r["backend"] == "PostgreSQL" and _get(r, "ingest", "vouchers")]
    head = " | ".join(f"{_size(r)} {r['backend']}<br>{_get(r, 'ingest', 'vouchers') or 0:,} vouchers" for r in runs)
    growth = " → ".join(f"{_get(r, 'ingest', 'vouchers') / 1e6:.1f} M" for r in pg)
    lines = ["## 规模 / Scale: PostgreSQL beside SQLite (`python bench/scale_bench.py`)", "",
             f"{machine()}; PostgreSQL 15 on the same machine (its default settings: shared_buffers 128 MB). "
             "Each figure is the other benches' own measurement, run again on each store; the load average of "
             "the machine (2 cores, shared with other sessions' jobs) when each step ended is shown below the table.",
             "", f"| measurement | {head} | PostgreSQL growth {growth} |",
             "|---|" + "---:|" * len(runs) + "---|"]
    for name, read, fmt, _ in ROWS:
        values = [read(r) for r in runs]
        if all(v is None for v in values):
            continue
        pg_values = [read(r) for r in pg]
        steps = [f"×{b / a:.2f}" if a and b is not None else "–" for a, b in zip(pg_values, pg_values[1:])]
        growth = " then ".join(steps) if any(x != "–" for x in steps) else ""
        lines.append(f"| {name} | " + " | ".join(_fmt(fmt, v) for v in values) + f" | {growth} |")
    vouchers = [_get(r, "ingest", "vouchers") for r in pg]
    lines += ["", "Growth is the PostgreSQL figure at one size over the one below (vouchers grow ×"
              + " then ×".join(f"{b / a:.1f}" for a, b in zip(vouchers, vouchers[1:])) + "): a cost that stays "
              "near ×1 does not grow with the history; one near the voucher growth is proportional to it."]
    for r in (r for r in runs if r.get("partitioning")):
        part = r["partitioning"]
        lines += ["", f"### 按年分区？/ Partitioning PAY by year, measured on the {_size(r)} store",
                  f"A copy of PAY partitioned by year (built in {part['build_seconds']:.0f} s; its unique key and "
                  "primary key must then include pay_date) beside PAY itself; median of 3 runs, load average "
                  f"{part['load']:.1f}.", "", "| statement | PAY ms | partitioned ms | ratio |", "|---|---:|---:|---:|"]
        for name, t in part["queries"].items():
            lines.append(f"| {name} | {t['pay'] * 1000:,.1f} | {t['pay_by_year'] * 1000:,.1f} | "
                         f"{t['pay_by_year'] / t['pay']:.2f} |")
    lines += ["", "Load average when each step ended (ingest records / triggers / indicators / alerts / dashboard / "
              "next date):", ""]
    for r in runs:
        loads = " / ".join(_fmt("{:.1f}", _get(r, step, "load")) for step in STEPS)
        how = (f"the {r['replicated'][0].get('from_vouchers', 1e6) / 1e6:.0f} M store and copies of its city"
               if r.get("replicated") else
               f"{(r.get('load_run') or {}).get('how') or ('bare' if _get(r, 'ingest', 'bare') else 'full')} load")
        lines.append(f"- {_size(r)} {r['backend']} ({r['store']}: {how}; measured "
                     f"{r.get('measured_on', '–')}): {loads}")
    return "\n".join(lines)


def write() -> None:
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCALE_OUT.glob("*.json"))]
    markdown = section(runs)
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
    m.add_argument("--to", type=dt.date.fromisoformat, help="the last business date of --inbox to load (default: "
                   "its last; later dates can then be the next business date of step t1)")
    m.add_argument("--work", type=Path, default=Path("/tmp/budget-bench"))
    m.add_argument("--steps", default=",".join(STEPS))
    m.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE first (PostgreSQL; autovacuum is off here)")
    m.add_argument("--date", type=dt.date.fromisoformat)
    m.add_argument("--repeats", type=int, default=5, help="replays of each dashboard callback")
    m.add_argument("--ml-vouchers", type=int, default=200_000)
    m.add_argument("--t1-inbox", type=Path, help="the next business dates' delivery folders (step t1)")
    m.add_argument("--t1-date", default="2026-11-23", help="the date of --t1-inbox to ingest (step t1)")
    pt = sub.add_parser("partition", help="PAY partitioned by year beside PAY itself (PostgreSQL)")
    pt.add_argument("--label", required=True)
    pt.add_argument("--db", required=True)
    r = sub.add_parser("replicate", help="grow a loaded PostgreSQL store of the city into a province of copies")
    r.add_argument("--label", required=True)
    r.add_argument("--db", required=True)
    r.add_argument("--copies", type=lambda s: tuple(int(x) for x in s.split("-")), required=True,
                   help="first-last copy numbers, e.g. 1-8")
    r.add_argument("--plain", action="store_true", help="keep PAY's indexes and the sums' triggers during the "
                   "copies (as any load; the default drops and recreates the indexes and adds each copy's sums "
                   "in one grouped insert)")
    sub.add_parser("write", help="write the section from every store measured")
    args = ap.parse_args()
    if args.command in ("replicate", "partition"):
        from warehouse.db import resolve_url

        url = resolve_url(args.db)
        path = SCALE_OUT / f"{args.label}-{backend(url)}.json"
        if args.command == "replicate":
            done = replicate(url, *args.copies, bulk=not args.plain, pending=_read(path).get("pending_indexes"),
                             remember=lambda pending: _update(path, {"pending_indexes": pending}))
            _update(path, {"replicated": _read(path).get("replicated", []) + [done]})
            if done["sums_check"]["mismatched_regions"]:
                raise SystemExit(f"the sums differ from PAY in regions {done['sums_check']['mismatched_regions']}")
        else:
            _update(path, {"partitioning": partitioning(url)})
    else:
        measure(args) if args.command == "measure" else write()


if __name__ == "__main__":
    main()
