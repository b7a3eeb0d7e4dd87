"""Loading business dates from an inbox: one transaction per file, idempotent, redelivery-aware.

A file either loads whole or is refused whole (copied to quarantine with its findings). The file's record,
its findings, the rows it replaces and its own rows commit together, so a crash at any moment leaves the
store as it was before that file, and running the same ingest again finishes the job.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import InterfaceError, OperationalError

from ingest import lookup
from ingest.delivery import parse_file_name, sha256_of
from ingest.reader import ReadError, read_file
from ingest.rules import RULES, message
from ingest.standard import CODE_TABLES, LOAD_ORDER, REPORTS
from ingest.store_write import insert_rows, upsert_code_rows
from ingest.validate import Checked, FileContext, count, validate
from ingest.lock import ingest_lock, work_lock
from warehouse import pay_sums
from pipeline import mark_refresh_due
from warehouse.db import DATA_DIR, StoreError, first_line
from warehouse.schema import REPORT_TABLES, file_change, finding, ingest_file, ingest_run

# The own date of a transaction row: a late or redelivered row changes the figures from that date on.
OWN_DATE = {"BGT": "issued_date", "PAY": "pay_date", "INC": "date", "DEBT_BOND": "issue_date", "DEBT_FLOW": "date"}


@dataclass
class FileOutcome:
    business_date: dt.date
    name: str
    report: str | None
    status: str
    rows: int = 0
    amount_total_fen: int | None = None
    errors: int = 0
    warnings: int = 0
    earliest_own_date: dt.date | None = None


@dataclass
class RunResult:
    run_id: int
    files: list[FileOutcome] = field(default_factory=list)
    batch_findings: int = 0
    seconds: float = 0.0
    loading: str | None = None  # the file being loaded, named when the store goes away mid-file
    missing: list[dt.date] = field(default_factory=list)  # dates asked for that have no delivery folder

    @property
    def earliest_touched(self) -> dt.date | None:
        days = [f.earliest_own_date for f in self.files if f.earliest_own_date and f.status == "loaded"]
        return min(days) if days else None

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def quarantine_dir() -> Path:
    return Path(os.environ.get("BUDGET_QUARANTINE", DATA_DIR / "quarantine"))


def ingest_dates(engine: Engine, inbox: Path, days: list[dt.date], *, run_by: str | None = None,
                 progress: Callable[[str], None] | None = None) -> RunResult:
    """Load the business dates given, in order, under the store's ingest lock."""
    inbox = Path(inbox)
    who = run_by or _who()
    with ingest_lock(engine), work_lock(engine):
        result = RunResult(0)
        started = time.monotonic()
        try:
            result.run_id = _start_run(engine, inbox, days, who)
            for day in days:
                _ingest_day(engine, inbox, day, result, progress)
        except BaseException as exc:
            if result.run_id and _best_effort(_finish_run, engine, result, "failed", time.monotonic() - started):
                _best_effort(_audit, engine, who, inbox, days, result, "failed")
            if _store_gone(engine, exc):
                raise StoreError(_gone(exc, result)) from exc
            raise
        result.seconds = time.monotonic() - started
        _finish_run(engine, result, "completed", result.seconds)
        refresh_statistics(engine, written_tables(result))
    _audit(engine, who, inbox, days, result, "completed")
    return result


def written_tables(result: RunResult) -> list[str]:
    """The tables the run's loaded files wrote (PAY's sums with it)."""
    reports = {f.report for f in result.files if f.status == "loaded" and f.report}
    return sorted({REPORT_TABLES[r].name for r in reports} | (set(pay_sums.TIERS) if "PAY" in reports else set()))


def refresh_statistics(engine: Engine, tables: list[str]) -> None:
    """PostgreSQL plans from table statistics that only ANALYZE (or autovacuum, which a server may run
    without) refreshes; after a big first load a voucher page planned on none read 125,000 rows instead of 100
    (docs/performance.md § scale). ANALYZE samples a fixed number of rows, so it costs the same on any size of
    table. SQLite's plans here do not use statistics: nothing to do there."""
    if engine.dialect.name != "postgresql" or not tables:
        return
    with engine.begin() as conn:
        conn.exec_driver_sql(f"ANALYZE {', '.join(tables)}")


def _audit(engine: Engine, who: str, inbox: Path, days: list[dt.date], result: RunResult, status: str) -> None:
    """Every ingest run in the audit log, whoever started it (command line, scheduler, job runner)."""
    from auth import audit

    audit.record(engine, audit.INGEST, username=who, target=str(inbox), run_id=result.run_id, status=status,
                 date_from=min(days), date_to=max(days), files=len(result.files), loaded=result.count("loaded"),
                 refused=result.count("refused"))


def _best_effort(record, engine: Engine, *args) -> bool:
    """Record a failed run if the store still answers; the store being gone is what is reported, not this."""
    try:
        record(engine, *args)
        return True
    except Exception as exc:
        if _store_gone(engine, exc):
            return False
        raise


def _store_gone(engine: Engine, exc: BaseException) -> bool:
    """The connection was lost or the store cannot be written (locked, read-only, full): an operational error,
    raised through SQLAlchemy or straight from the driver (COPY on PostgreSQL)."""
    dbapi = engine.dialect.dbapi
    return isinstance(exc, (OperationalError, InterfaceError, dbapi.OperationalError, dbapi.InterfaceError))


def _gone(exc: BaseException, result: RunResult) -> str:
    where = f"正在载入的文件 {result.loading} 已整体回滚，" if result.loading else ""
    return (f"导入中断：数据库连接断开或数据库不可写（{first_line(getattr(exc, 'orig', None) or exc)}）。{where}"
            f"此前已载入的文件保持不变。"
            f"请在数据库恢复后重新运行同一导入命令完成导入 / the store went away mid-ingest: the file being loaded was "
            f"rolled back, files loaded before it are kept; rerun the same command")


def _who() -> str:
    return os.environ.get("BUDGET_USER") or getpass.getuser()


def _start_run(engine: Engine, inbox: Path, days: list[dt.date], who: str) -> int:
    with engine.begin() as conn:
        conn.execute(update(ingest_run).where(ingest_run.c.status == "running").values(status="interrupted"))
        return conn.execute(insert(ingest_run).values(
            started_at=dt.datetime.now(), inbox=str(inbox), date_from=min(days), date_to=max(days),
            status="running", run_by=who, files=0, rows=0, amount_total_fen=0, errors=0, warnings=0,
        ).returning(ingest_run.c.id)).scalar_one()


def _finish_run(engine: Engine, result: RunResult, status: str, seconds: float) -> None:
    loaded = [f for f in result.files if f.status == "loaded"]
    with engine.begin() as conn:
        conn.execute(update(ingest_run).where(ingest_run.c.id == result.run_id).values(
            finished_at=dt.datetime.now(), status=status, files=len(result.files),
            rows=sum(f.rows for f in loaded), amount_total_fen=sum(f.amount_total_fen or 0 for f in loaded),
            errors=sum(f.errors for f in result.files) + result.batch_findings,
            warnings=sum(f.warnings for f in result.files), duration_s=int(round(seconds))))


@dataclass
class _Manifest:
    entries: dict[str, dict]
    findings: list[dict]
    present: bool


def _read_manifest(folder: Path, day: dt.date) -> _Manifest:
    path = folder / "manifest.json"
    if not path.exists():
        return _Manifest({}, [], False)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
        files = data["files"]
        entries = {str(f["name"]): f for f in files}
    except (ValueError, KeyError, TypeError) as exc:
        return _Manifest({}, [_finding("MANIFEST_PARSE", value=str(exc)[:200])], False)
    out = []
    if str(data.get("business_date", day.isoformat())) != day.isoformat():
        out.append(_finding("MANIFEST_DATE", value=data.get("business_date"), expected=day.isoformat()))
    return _Manifest(entries, out, True)


def _finding(rule_id: str, line=None, column=None, value=None, expected=None) -> dict:
    value = "" if value is None else str(value)
    expected = "" if expected is None else str(expected)
    return {"rule_id": rule_id, "severity": RULES[rule_id].severity, "line": line, "column": column,
            "value": value, "expected": expected,
            "message": message(rule_id, value=value, expected=expected, column=column or "")}


def _day_files(folder: Path) -> list[Path]:
    files = [p for p in folder.iterdir() if p.is_file() and p.name != "manifest.json" and not p.name.startswith((".", "~$"))]

    def order(p: Path):
        fn = parse_file_name(p.name)
        rank = LOAD_ORDER.index(fn.report) if fn and fn.report in REPORTS else len(LOAD_ORDER)
        return rank, p.name

    return sorted(files, key=order)


def _ingest_day(engine: Engine, inbox: Path, day: dt.date, result: RunResult, progress) -> None:
    folder = inbox / f"{day:%Y%m%d}"
    if not folder.is_dir():
        result.missing.append(day)
        if progress:
            progress(f"{day} 无交付文件夹 / no delivery folder")
        return
    manifest = _read_manifest(folder, day)
    batch = list(manifest.findings)
    files = _day_files(folder)
    names = {p.name for p in files}
    for name in manifest.entries:
        if name not in names:
            batch.append(_finding("MANIFEST_FILE_MISSING", value=name))
    with engine.connect() as conn:
        codes = lookup.read_code_tables(conn)
    for path in files:
        result.loading = path.name
        outcome = _ingest_file(engine, path, day, result.run_id, manifest, codes)
        result.loading = None
        result.files.append(outcome)
        if outcome.status == "loaded" and outcome.report in CODE_TABLES:
            with engine.connect() as conn:
                codes = lookup.read_code_tables(conn)
        if progress:
            progress(f"{day} {path.name} {outcome.status}")
    _record_batch_findings(engine, result.run_id, day, batch)
    result.batch_findings += sum(1 for f in batch if f["severity"] == "error")


def _record_batch_findings(engine: Engine, run_id: int, day: dt.date, batch: list[dict]) -> None:
    """Findings of the batch as a whole (file = manifest.json) reflect the latest run of that date."""
    with engine.begin() as conn:
        conn.execute(delete(finding).where(finding.c.business_date == day, finding.c.file_id.is_(None)))
        if batch:
            conn.execute(insert(finding), [dict(f, run_id=run_id, file_id=None, business_date=day,
                                                file="manifest.json") for f in batch])


def _previous(conn: Connection, day: dt.date, name: str):
    """The latest record of this file name for this business date, and the loaded one it would supersede."""
    rows = conn.execute(select(ingest_file).where(ingest_file.c.business_date == day, ingest_file.c.name == name)
                        .order_by(ingest_file.c.id.desc())).mappings().all()
    latest = rows[0] if rows else None
    loaded = next((r for r in rows if r["status"] == "loaded"), None)
    return latest, loaded


def _ingest_file(engine: Engine, path: Path, day: dt.date, run_id: int, manifest: _Manifest,
                 codes: lookup.CodeTables) -> FileOutcome:
    name = path.name
    sha = sha256_of(path)
    fn = parse_file_name(name)
    report = fn.report if fn and fn.report in REPORTS else None
    with engine.connect() as conn:
        latest, loaded = _previous(conn, day, name)
    if loaded is not None and loaded["sha256"] == sha:
        with engine.begin() as conn:
            return _record_unchanged(conn, run_id, day, name, report, sha, loaded)
    with engine.begin() as conn:
        findings, checked, rows, total = _check_file(conn, path, fn, report, day, sha, manifest, codes,
                                                     loaded["id"] if loaded else None)
        errors, warnings = count(findings, "error"), count(findings, "warning")
        if errors:
            if latest is not None and latest["status"] == "refused" and latest["sha256"] == sha \
                    and latest["quarantine_path"] and _same_findings(conn, latest["id"], findings):
                return _record_unchanged(conn, run_id, day, name, report, sha, latest)
            qpath, unwritten = _quarantine(path, day, findings)
            if unwritten:
                findings, errors = findings + [unwritten], errors + 1
            _insert_file_record(conn, run_id, day, name, report, fn, sha, "refused", rows, total, errors, warnings,
                                findings, quarantine_path=str(qpath) if qpath else None)
            mark_refresh_due(conn, day)  # the day's data-quality alerts read the refusals
            return FileOutcome(day, name, report, "refused", rows, total, errors, warnings)
        file_id = _insert_file_record(conn, run_id, day, name, report, fn, sha, "loaded", rows, total, errors,
                                      warnings, findings)
        earliest = _load_rows(conn, report, checked, file_id, day, loaded)
        conn.execute(update(ingest_file).where(  # earlier refused versions: this one is their answer
            ingest_file.c.business_date == day, ingest_file.c.name == name, ingest_file.c.status == "refused")
            .values(status="superseded", superseded_by=file_id))
        if earliest is not None:
            mark_refresh_due(conn, earliest)
        return FileOutcome(day, name, report, "loaded", rows, total, errors, warnings, earliest)


def _record_unchanged(conn, run_id, day, name, report, sha, previous) -> FileOutcome:
    """The same file again: its record carries the counts of the version it repeats (a refused file still
    shows its errors); nothing is loaded, and the run found nothing new in it."""
    conn.execute(insert(ingest_file).values(
        run_id=run_id, business_date=day, name=name, report=report, region_code=previous["region_code"],
        sha256=sha, status="unchanged", rows=previous["rows"], amount_total_fen=previous["amount_total_fen"],
        errors=previous["errors"], warnings=previous["warnings"], recorded_at=dt.datetime.now()))
    return FileOutcome(day, name, report, "unchanged", previous["rows"], previous["amount_total_fen"])


def _same_findings(conn: Connection, file_id: int, findings: list[dict]) -> bool:
    keys = ("rule_id", "line", "column", "value", "expected")
    old = conn.execute(select(*[finding.c[k] for k in keys]).where(finding.c.file_id == file_id)).all()
    return sorted(map(tuple, old), key=str) == sorted((tuple(f[k] for k in keys) for f in findings), key=str)


def _check_file(conn, path, fn, report, day, sha, manifest, codes, replacing_id):
    """All findings of one file, its typed rows, its record count and its ★ total (分)."""
    if fn is None:
        return [_finding("FILE_NAME", value=path.name)], None, 0, None
    if report is None:
        return [_finding("FILE_REPORT_UNKNOWN", value=fn.report)], None, 0, None
    findings = []
    if fn.date != day:
        findings.append(_finding("FILE_DATE_MISMATCH", value=fn.date.isoformat(), expected=day.isoformat()))
    if report not in ("DM_REGION",) and fn.region not in codes.regions:
        findings.append(_finding("FILE_REGION_UNKNOWN", value=fn.region))
    try:
        raw = read_file(path)
    except ReadError as exc:
        return findings + [_finding(exc.rule, value=exc.value, expected=exc.expected)], None, 0, None
    ctx = FileContext(conn, codes, day, replacing_id)
    checked: Checked = validate(raw, report, ctx)
    findings += checked.findings
    rows = raw.n
    total = _amount_total(report, checked.frame)
    findings += _manifest_findings(path.name, manifest, rows, total, sha)
    return findings, checked, rows, total


def _amount_total(report: str, frame: pd.DataFrame) -> int | None:
    rep = REPORTS[report]
    if not rep.amount or frame is None or not len(frame.columns):  # no ★ column, or no rows could be read
        return None
    col = frame[f"{rep.amount}_fen"]
    if report == "ASSET":
        col = col[frame["unit_of_measure"].fillna("元").isin(("元", ""))]
    return int(col.dropna().sum())


def _manifest_findings(name: str, manifest: _Manifest, rows: int, total: int | None, sha: str) -> list[dict]:
    if not manifest.present:
        return []
    entry = manifest.entries.get(name)
    if entry is None:
        return [_finding("MANIFEST_FILE_UNLISTED", value=name)]
    out = []
    if "rows" in entry and str(entry["rows"]) != str(rows):
        out.append(_finding("MANIFEST_ROWS", value=rows, expected=entry["rows"]))
    if entry.get("amount_total") is not None and total is not None:
        try:
            declared = int((Decimal(str(entry["amount_total"]).replace(",", "")) * 100).to_integral_exact())
        except (InvalidOperation, ArithmeticError):
            declared = None
        if declared != total:
            out.append(_finding("MANIFEST_AMOUNT", value=f"{Decimal(total) / 100:.2f}", expected=entry["amount_total"]))
    if entry.get("sha256") and str(entry["sha256"]).lower() != sha:
        out.append(_finding("MANIFEST_SHA256", value=sha, expected=entry["sha256"]))
    return out


def _quarantine(path: Path, day: dt.date, findings: list[dict]) -> tuple[Path | None, dict | None]:
    """Copy the refused file and its findings aside. Both are written under temporary names and renamed only
    once both are whole, so a crash or a full disk leaves no half-written file (and an earlier copy as it was).
    Returns the copy's path, or None and a QUARANTINE_WRITE finding when the copy could not be written."""
    target = quarantine_dir() / f"{day:%Y%m%d}"
    dest, report = target / path.name, target / f"{path.name}.findings.json"
    temps = [target / f".{dest.name}.tmp", target / f".{report.name}.tmp"]
    try:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, temps[0])
        temps[1].write_text(json.dumps(findings, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temps[0], dest)
        os.replace(temps[1], report)
    except OSError as exc:
        for tmp in temps:
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
        return None, _finding("QUARANTINE_WRITE", value=exc.strerror or type(exc).__name__, expected=str(target))
    return dest, None


def _insert_file_record(conn, run_id, day, name, report, fn, sha, status, rows, total, errors, warnings, findings,
                        quarantine_path=None) -> int:
    file_id = conn.execute(insert(ingest_file).values(
        run_id=run_id, business_date=day, name=name, report=report, region_code=fn.region if fn else None,
        sha256=sha, status=status, rows=rows, amount_total_fen=total, errors=errors, warnings=warnings,
        recorded_at=dt.datetime.now(), quarantine_path=quarantine_path).returning(ingest_file.c.id)).scalar_one()
    if findings:
        conn.execute(insert(finding), [dict({k: v for k, v in f.items() if k != "more"}, run_id=run_id,
                                            file_id=file_id, business_date=day, file=name) for f in findings])
    return file_id


def _load_rows(conn: Connection, report: str, checked: Checked, file_id: int, day: dt.date, previous) -> dt.date | None:
    """Write the file's rows, replacing exactly those of the version it supersedes; returns the earliest own date."""
    table = REPORT_TABLES[report]
    frame = checked.frame
    earliest = _earliest(report, frame, day)
    if previous is not None:
        rows_of_previous = _rows_of(table, previous)
        old = pd.read_sql(select(table).where(rows_of_previous), conn)
        earliest = min(filter(None, [earliest, _earliest(report, old, day)]), default=None)
        _record_change(conn, report, old, frame, file_id, previous["id"])
        if report == "PAY":
            with pay_sums.deferred(conn):  # out of pay_day/month/year per class, not row by row
                pay_sums.apply(conn, previous["id"], _span(previous), -1)
                conn.execute(delete(table).where(rows_of_previous))
        elif report not in CODE_TABLES:
            conn.execute(delete(table).where(rows_of_previous))
        conn.execute(update(ingest_file).where(ingest_file.c.id == previous["id"])
                     .values(status="superseded", superseded_by=file_id))
    if report in CODE_TABLES:
        upsert_code_rows(conn, report, frame, file_id, day)
        return earliest
    span = insert_rows(conn, report, frame, file_id, day)
    if span:
        conn.execute(update(ingest_file).where(ingest_file.c.id == file_id)
                     .values(row_id_first=span[0], row_id_last=span[1]))
    return earliest


def _span(record) -> tuple[int, int] | None:
    return None if record["row_id_first"] is None else (record["row_id_first"], record["row_id_last"])


def _rows_of(table, record):
    """The rows a file record loaded: by id range where known (no file_id index needed), else by file_id."""
    if record["row_id_first"] is None:
        return table.c.file_id == record["id"]
    return table.c.id.between(record["row_id_first"], record["row_id_last"]) & (table.c.file_id == record["id"])


def _earliest(report: str, frame: pd.DataFrame, day: dt.date) -> dt.date | None:
    if frame is None or frame.empty:
        return None
    col = OWN_DATE.get(report)
    if col is None:
        return day
    values = frame[col].dropna()
    if values.empty:
        return None
    first = values.min()
    return first if isinstance(first, dt.date) else dt.date.fromisoformat(str(first)[:10])


def _record_change(conn, report, old: pd.DataFrame, new: pd.DataFrame, file_id: int, previous_id: int) -> None:
    rep = REPORTS[report]
    key_cols = [rep.cols[k].store_name for k in rep.key] or ["line_no"]
    value_cols = [c.store_name for c in rep.columns]

    def keyed(frame: pd.DataFrame) -> dict:
        if frame.empty:
            return {}
        norm = frame[value_cols].astype(object).where(frame[value_cols].notna(), None)
        out = {}
        for rec in norm.itertuples(index=False, name=None):
            row = dict(zip(value_cols, (_norm_value(v) for v in rec)))
            out[tuple(row[k] for k in key_cols)] = row
        return out

    a, b = keyed(old), keyed(new)
    added = [k for k in b if k not in a]
    removed = [k for k in a if k not in b]
    changed = [k for k in b if k in a and a[k] != b[k]]
    detail = {"added": ["|".join(map(str, k)) for k in added[:1000]],
              "removed": ["|".join(map(str, k)) for k in removed[:1000]],
              "changed": ["|".join(map(str, k)) for k in changed[:1000]]}
    conn.execute(insert(file_change).values(
        file_id=file_id, previous_file_id=previous_id, changed_by=_who(), changed_at=dt.datetime.now(),
        rows_added=len(added), rows_removed=len(removed), rows_changed=len(changed),
        detail=json.dumps(detail, ensure_ascii=False)))


def _norm_value(v):
    """Compare stored and fresh values alike: dates as ISO text, numbers as int, empty text as None."""
    if v is None or v == "":
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v
