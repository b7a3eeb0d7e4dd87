"""The demo city's deliveries, day by day: every report of one business date is produced and written before the
next date starts, so memory stays bounded at any scale."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable

import numpy as np

from demo import days
from demo.anomalies import Anomalies, GroundTruth
from demo.assets_audit_projects import Assets, Audit, Projects
from demo.budget import Budget, apply
from demo.city import Cast
from demo.code_tables import CodeTables
from demo.debt import Debt
from demo.payments import Payments
from demo.revenue import Revenue
from demo.writer import Writer

TRUTH_FILE = "ground_truth.csv"
_FOLDER = re.compile(r"^\d{8}$")


class DemoError(RuntimeError):
    """The demo cannot be written (the message is for the person at the terminal)."""


def default_start(to: dt.date) -> dt.date:
    """Three full past years before the year of `to`."""
    return dt.date(to.year - 3, 1, 1)


def write_demo(inbox: Path, to: dt.date, seed: int = 42, scale: float = 1.0, start: dt.date | None = None,
               progress: Callable[[dt.date], None] | None = None) -> dict:
    """Write the demo city's delivery folders for business dates `start` … `to`, and its ground truth.

    `start` defaults to 1 January three years before `to`'s year. Same arguments, same bytes. Returns a summary:
    files, rows per report, planted anomalies by type (ground truth rows), plants that found no place, and the
    subjects of the background that the unit-level rules would flag (per rule; should be 0 or close).
    """
    start = start or default_start(to)
    if start > to:
        raise DemoError(f"起始日期 {start} 晚于截止日期 {to} / start is after to")
    if scale <= 0:
        raise DemoError("--scale 必须大于 0 / scale must be > 0")
    inbox = Path(inbox)
    _prepare(inbox)
    began = time.monotonic()
    cast = Cast(seed, scale)
    truth = GroundTruth()
    budget = Budget(cast, seed, scale)
    payments = Payments(cast, seed, scale)
    codes = CodeTables(cast, start)
    anomalies = Anomalies(cast, seed, start, to, truth)
    projects = Projects(cast, seed, budget.projects)
    feeds = [codes, Revenue(seed, start, to), Debt(seed, start, to), Assets(cast, seed, start, to),
             Audit(cast, seed, start, to, truth, codes.retired_in(to.year)), projects]
    writer = Writer(inbox)
    rows: Counter = Counter()
    day, year = start, None
    while day <= to:
        if day.year != year:
            year, cal = day.year, days.year(day.year)
            active = [u for u in cast.units if u.code not in codes.retired_in(year)]
            plans = anomalies.unit_plans(year, active)
            quotas, events = budget.plan(year, active, plans)
            payments.begin_year(year, quotas, events, plans, start)
            anomalies.begin_year(year, quotas, events, payments, active)
            next_event = 0
            rng = np.random.default_rng([seed, 13, year])
        out: dict[str, list] = defaultdict(list)
        for feed in feeds:
            feed.add(day, out)
        index = cal.index(day)
        while next_event < len(events) and events[next_event].day <= index:
            row = apply(events[next_event], cal)
            if row:
                out["BGT"].append(row)
            next_event += 1
        payments.start_day(day)
        payments.background(rng)
        anomalies.run(day)
        out["PAY"] = payments.rows
        anomalies.end_day(day)
        if (day + dt.timedelta(days=1)).day == 1:
            projects.month_end(day, quotas)
        writer.write_day(day, out)
        rows.update({report: len(r) for report, r in out.items()})
        if progress:
            progress(day)
        day += dt.timedelta(days=1)
    truth.write(inbox / TRUTH_FILE)
    return {"inbox": str(inbox), "from": start.isoformat(), "to": to.isoformat(), "seed": seed, "scale": scale,
            "days": (to - start).days + 1, "files": writer.files, "rows": dict(sorted(rows.items())),
            "planted": truth.counts(), "plants_not_placed": dict(anomalies.misses),
            "background_hits": dict(anomalies.background_hits), "seconds": round(time.monotonic() - began, 1)}


def _prepare(inbox: Path) -> None:
    """An empty inbox, or one a previous demo wrote (its date folders and ground truth are replaced)."""
    if inbox.exists():
        entries = list(inbox.iterdir())
        if entries and not (inbox / TRUTH_FILE).exists():
            raise DemoError(f"{inbox} 不是空目录，也不是演示数据目录 / inbox is neither empty nor a demo inbox")
        for entry in entries:
            if entry.is_dir() and _FOLDER.match(entry.name):
                shutil.rmtree(entry)
            elif entry.name == TRUTH_FILE:
                entry.unlink()
    inbox.mkdir(parents=True, exist_ok=True)
    GroundTruth().write(inbox / TRUTH_FILE)  # marks the inbox as the demo's even if this run is interrupted
