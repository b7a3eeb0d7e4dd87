"""How fast SQLite takes vouchers from Python at all: the floor under the ingest's 100,000 rows/s goal
(section `ingest_floor`).

    python bench/ingest_floor.py --source postgresql://postgres@127.0.0.1/budget_s32 --rows 10000000

The vouchers of a loaded store, already typed (no file read, nothing checked), are written into a fresh SQLite
store made by the warehouse's migrations, with the pragmas of warehouse.db, in transactions of `--batch` rows
(a file of the demo city at scale 32 holds about 9,000), three ways one after the other:

- **as the ingest writes them**: PAY with its primary key, its unique voucher key and its five secondary indexes,
  the sums' triggers standing aside and the batch added to pay_day / pay_month / pay_year grouped
  (warehouse.pay_sums), as ingest.store_write.insert_rows does;
- **keys only, the rest after**: PAY with its primary and unique keys, the sums' triggers standing aside and
  nothing added to the sums per batch; after the last row the five secondary indexes are created and the sums
  built from PAY in runs of a million vouchers (pay_sums.apply) — what a first load of years of history into an
  empty store could do at best;
- **rowid only**: a copy of PAY's columns with no key, index or trigger: executemany and commit, nothing else.

Only the writing is timed (the reading of the source is not), each as wall and CPU seconds of this process.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import machine, write_section  # noqa: E402
from warehouse.schema import pay  # noqa: E402

SECONDARY = tuple(index.name for index in pay.indexes)  # PAY's indexes beside its primary and unique keys
WAYS = {"ingest": "as the ingest writes them (every key and index, sums grouped per batch)",
        "after": "keys only; the five secondary indexes and the sums made after the last row",
        "rowid": "rowid only: no key, index or trigger"}


def columns() -> list[str]:
    return [c.name for c in pay.columns if c.name != "id"]


def batches(source: str, limit: int, size: int):
    """The source store's vouchers in id order, `size` at a time, as tuples of plain values."""
    from sqlalchemy import select

    from warehouse.db import open_store

    engine = open_store(source)
    cols = columns()
    stmt = select(*[pay.c[c] for c in cols]).order_by(pay.c.id).limit(limit)
    with engine.connect().execution_options(stream_results=True, yield_per=size) as conn:
        for part in conn.execute(stmt).partitions(size):
            yield [tuple(v.isoformat() if isinstance(v, dt.date) else v for v in row) for row in part]
    engine.dispose()


def fresh_store(path: Path, way: str):
    """A SQLite store from the migrations, PAY shaped for `way`."""
    from warehouse.db import open_store

    engine = open_store(f"sqlite:///{path}")
    with engine.begin() as conn:
        if way == "after":
            for name in SECONDARY:
                conn.exec_driver_sql(f"DROP INDEX {name}")
        elif way == "rowid":
            cols = ", ".join(columns())
            conn.exec_driver_sql(f"CREATE TABLE pay_rowid AS SELECT {cols} FROM pay WHERE 0")
    return engine


@contextmanager
def clocked(out: dict, part: str):
    """Add the block's wall and CPU seconds (of this process) to out[f"{part}_wall_s"] and out[f"{part}_cpu_s"]."""
    w, c = time.perf_counter(), time.process_time()
    yield
    out[f"{part}_wall_s"] = out.get(f"{part}_wall_s", 0.0) + time.perf_counter() - w
    out[f"{part}_cpu_s"] = out.get(f"{part}_cpu_s", 0.0) + time.process_time() - c


def write(engine, way: str, source: str, limit: int, size: int) -> dict:
    """Every batch written `way`; seconds spent writing (wall, CPU) and rows."""
    from ingest.load import _insert_file_record, _start_run
    from warehouse import pay_sums

    cols = columns()
    table = "pay_rowid" if way == "rowid" else "pay"
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    day = dt.date(2000, 1, 1)
    run = _start_run(engine, Path(source), [day], "bench")
    with engine.begin() as conn:  # the batches' provenance: one file record, as the loader writes for each file
        file_id = _insert_file_record(conn, run, day, "bench", "PAY", None, "", "loaded", 0, None, 0, 0, [])
    position = cols.index("file_id")
    out = {"rows": 0, "write_wall_s": 0.0, "write_cpu_s": 0.0}
    for batch in batches(source, limit, size):
        batch = [row[:position] + (file_id,) + row[position + 1:] for row in batch]
        with clocked(out, "write"), engine.begin() as conn:
            if way == "rowid":
                conn.exec_driver_sql(sql, batch)
            else:
                first = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) + 1 FROM pay").scalar()
                with pay_sums.deferred(conn):
                    conn.exec_driver_sql(sql, batch)
                    if way == "ingest":
                        pay_sums.apply(conn, file_id, (first, first + len(batch) - 1), 1)
        out["rows"] += len(batch)
    if way == "after":
        after(engine, file_id, out)
    parts = ("write", "index", "sums")
    out["wall_s"] = sum(out.get(f"{part}_wall_s", 0.0) for part in parts)
    out["cpu_s"] = sum(out.get(f"{part}_cpu_s", 0.0) for part in parts)
    return out


def after(engine, file_id: int, out: dict, run: int = 1_000_000) -> None:
    """The secondary indexes created and the sums built from PAY, timed apart into `out`."""
    from warehouse import pay_sums

    with clocked(out, "index"), engine.begin() as conn:
        for index in pay.indexes:
            index.create(conn)
    with clocked(out, "sums"), engine.begin() as conn, pay_sums.deferred(conn):  # else pay_month's triggers would
        last = conn.exec_driver_sql("SELECT MAX(id) FROM pay").scalar() or 0  # add to pay_year a second time
        for first in range(1, last + 1, run):
            pay_sums.apply(conn, file_id, (first, min(last, first + run - 1)), 1)


def markdown(d: dict) -> str:
    lines = ["## 导入的下限 / Ingest floor: how fast SQLite takes vouchers from Python (`python bench/ingest_floor.py`)",
             "",
             f"Measured {d['measured_on']} on {d['machine']}, load average {d['load_before']:.1f} at the start and "
             f"{d['load_after']:.1f} at the end (the machine is shared). {d['rows']:,} vouchers of {d['source']}, "
             f"already typed in memory, written into a fresh SQLite store in transactions of {d['batch']:,} rows "
             "(nothing read from files, nothing checked; only the writing is timed).", "",
             "| way | wall s | CPU s | rows / wall s | rows / CPU s |", "|---|---:|---:|---:|---:|"]
    for way, label in WAYS.items():
        r = d["ways"][way]
        extra = (f" (of which the indexes {r['index_wall_s']:,.0f} s, the sums {r['sums_wall_s']:,.0f} s)"
                 if "index_wall_s" in r else "")
        lines.append(f"| {label} | {r['wall_s']:,.0f}{extra} | {r['cpu_s']:,.0f} | {r['rows'] / r['wall_s']:,.0f} | "
                     f"{r['rows'] / r['cpu_s']:,.0f} |")
    lines += ["", "Goal of the full validated load (§ 导入): ≥ 100,000 rows per second on this machine."]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="a loaded store whose vouchers are written")
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ingest-floor")
    ap.add_argument("--ways", default=",".join(WAYS), help="which ways, comma-separated")
    args = ap.parse_args()
    from warehouse.db import resolve_url

    d = {"machine": machine(), "source": resolve_url(args.source).rsplit("/", 1)[-1], "batch": args.batch,
         "load_before": os.getloadavg()[0], "measured_on": dt.date.today().isoformat(), "ways": {}}
    for way in args.ways.split(","):
        shutil.rmtree(args.work, ignore_errors=True)
        args.work.mkdir(parents=True)
        engine = fresh_store(args.work / f"{way}.db", way)
        print(f"{way} …", flush=True)
        d["ways"][way] = write(engine, way, args.source, args.rows, args.batch)
        print(d["ways"][way], flush=True)
        engine.dispose()
    shutil.rmtree(args.work, ignore_errors=True)
    d["rows"] = max(r["rows"] for r in d["ways"].values())
    d["load_after"] = os.getloadavg()[0]
    if set(d["ways"]) == set(WAYS):
        write_section("ingest_floor", markdown(d), d)
    print(markdown(d) if set(d["ways"]) == set(WAYS) else d)


if __name__ == "__main__":
    main()
