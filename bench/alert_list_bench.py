"""The 预警中心 list on a store of many alerts (`python bench/alert_list_bench.py [--alerts 50000]`).

Builds a PostgreSQL schema of N alerts (ten rules, four severities, 200 units in ten regions), each seen on 20
consecutive days, two in five dismissed, and times what the page asks through the dashboard's engine
(warehouse.db.interactive_store): the first page of the list, a filtered page, the grouped count and filter
choices, the overview's count cards, one alert opened, and the export of every row — as of the last date and as
of a past date (when most alerts were seen again later). Writes the `alert_list` section of docs/performance.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench.report import machine, write_section  # noqa: E402
from warehouse import db  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SCHEMA = "bench_alert_list"
START = dt.date(2026, 1, 1)


def build(url: str, n: int) -> None:
    admin = db.make_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    with db.open_store(url).begin() as conn:
        conn.execute(text("""
            INSERT INTO alert(id, rule_id, subject_level, subject_code, subject_name, region_code, unit_code,
                              category, basis, severity, figure, threshold, unit, message, evidence, evidence_hash,
                              first_seen, last_seen, status, updated_at)
            SELECT i, 'RULE_' || (i % 10), 'voucher', 'S' || i, '对象' || i, '4199' || lpad((i % 10 + 1)::text, 2, '0'),
                   lpad((100000 + i % 200)::text, 6, '0'), '合法性', '依据', (ARRAY['红','橙','黄','info'])[1 + i % 4],
                   '12.34', '0', '元', '说明' || i, '["419901/V1","419901/V2"]', 'h' || i,
                   :start + (i % 200), :start + (i % 200) + 19,
                   CASE WHEN i % 5 < 2 THEN '已忽略' ELSE '新' END, now()
            FROM generate_series(1, :n) i"""), {"n": n, "start": START})
        conn.execute(text("""
            INSERT INTO alert_sighting(alert_id, date, severity, figure, threshold, unit, message, evidence_hash)
            SELECT a.id, a.first_seen + k, a.severity, '12.34', '0', '元', a.message, a.evidence_hash
            FROM alert a, generate_series(0, 19) k"""))
        conn.execute(text("""INSERT INTO alert_evidence(alert_id, evidence_hash, evidence)
                             SELECT id, evidence_hash, evidence::json FROM alert"""))
        conn.execute(text("""INSERT INTO alert_event(alert_id, at, as_of, who, from_status, to_status, severity,
                                                     evidence_hash)
                             SELECT id, now(), first_seen, '系统', NULL, '新', severity, evidence_hash FROM alert"""))
        conn.execute(text("""INSERT INTO alert_event(alert_id, at, as_of, who, from_status, to_status, note, severity,
                                                     evidence_hash)
                             SELECT id, now(), last_seen, '王科长', '新', '已忽略', '已核实', severity, evidence_hash
                             FROM alert WHERE status = '已忽略'"""))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('alert', 'id'), :n + 1)"), {"n": n})
    with db.open_store(url).connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def timed(fn, runs: int = 3) -> tuple[float, int]:
    """(median seconds, rows) of `runs` calls."""
    seconds, rows = [], 0
    for _ in range(runs):
        started = time.monotonic()
        rows = len(fn())
        seconds.append(time.monotonic() - started)
    return statistics.median(seconds), rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alerts", type=int, default=50_000)
    args = parser.parse_args()
    url = f"{PG}?options=-csearch_path%3D{SCHEMA}"
    build(url, args.alerts)
    from dashboard.queries.alerts import alert_groups, open_alert_counts, open_alerts

    engine = db.interactive_store(url)
    grouped = ("severity", "category", "rule_id", "unit_code", "current_status")
    steps = {
        "first page (1,000 rows, default severities)": lambda d: open_alerts(engine, d, evidence=False, filters={},
                                                                             limit=1000),
        "filtered page (a rule and a severity)": lambda d: open_alerts(engine, d, evidence=False, limit=1000,
                                                                       filters={"rule": "RULE_3", "severities": ["橙"]}),
        "count and filter choices (grouped)": lambda d: alert_groups(engine, d, None, grouped, {}),
        "overview count cards": lambda d: list(open_alert_counts(engine, d).items()),
        "one alert opened, with evidence": lambda d: open_alerts(engine, d, alert_id=3),
        "export: every row the filters keep, with evidence": lambda d: open_alerts(engine, d, filters={}),
    }
    days = {"last date": START + dt.timedelta(days=218), "a past date": START + dt.timedelta(days=90)}
    results = {step: {label: timed(lambda: fn(day)) for label, day in days.items()} for step, fn in steps.items()}
    lines = [f"## 预警列表 / Alert list on {args.alerts:,} alerts (`python bench/alert_list_bench.py`)", "",
             f"PostgreSQL, a synthetic store of {args.alerts:,} alerts seen on 20 days each "
             f"({20 * args.alerts:,} sightings, two in five dismissed), through the dashboard's engine "
             f"(statement timeout, no JIT); median of 3; {machine()}. The list's former query (every sighting "
             "grouped, each alert's latest event from a window over every event, joined row by row) was still "
             "running after 11 minutes on such a store when it was cancelled (2026-11-21).", "",
             "| request | " + " | ".join(f"{label} s (rows)" for label in days) + " |",
             "|---|" + "---:|" * len(days)]
    for step, by_day in results.items():
        lines.append(f"| {step} | " + " | ".join(f"{s:.2f} ({n:,})" for s, n in by_day.values()) + " |")
    write_section("alert_list", "\n".join(lines), {"alerts": args.alerts, "results": results})
    print("\n".join(lines))
    admin = db.make_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))


if __name__ == "__main__":
    main()
