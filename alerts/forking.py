"""A rule's span evaluated in a forked process, beside the other rules.

A year re-evaluated is mostly two long, independent runs on one core each: the ML ranking (twelve months
trained and scored) and the other rules. Forked once the span's vouchers are read, in runs of whole months
(parts), the ML ranking uses the machine's other core beside the parent's rules and shares those vouchers
without reading or copying them again.

The parent closes its pooled connections before the fork and the child opens its own engine (SQLite forbids
carrying an open connection into a child; a PostgreSQL session cannot be shared either); the child ends with
os._exit, so it never closes what it inherited. Only a process with a single thread forks: a lock another thread
held at the fork would stay locked in the child. So the command line forks; the scheduler and the job runner,
which have threads, evaluate the same rules in order — with the same findings.
"""
from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import threading
from typing import Callable

import pandas as pd

from warehouse.db import make_engine

log = logging.getLogger("alerts")

MIN_DAYS = 28  # a span shorter than a month: the ML ranking scores it in about a second, not worth a process
PARTS = 2  # forked processes a long span's rule is cut into (parts)


def parts(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The span cut into PARTS runs of whole months, one forked process each: a year's ML ranking is the longest
    of the runs, so two halves beside the parent's rules keep two cores busy (the second half first learns the
    months the first is scoring, a few seconds more)."""
    months = pd.period_range(since, until, freq="M")
    if len(months) < PARTS:
        return [(since, until)]
    cuts = [months[len(months) * k // PARTS].start_time.date() for k in range(1, PARTS)]
    starts, ends = [since, *cuts], [c - dt.timedelta(days=1) for c in cuts] + [until]
    return list(zip(starts, ends))


def worth_forking(days: int) -> bool:
    """BUDGET_ALERT_FORK=0 keeps every rule in one process (a machine with one core, or little memory)."""
    return (days >= MIN_DAYS and os.environ.get("BUDGET_ALERT_FORK", "1") != "0"
            and "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1)


def start(engine, work: Callable) -> Callable:
    """Run work(engine of its own) in a forked process; returns the function that waits for its result (and
    raises what it raised)."""
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child():
        try:
            outcome = ("done", work(make_engine(url)))
        except Exception as e:  # noqa: BLE001 — handed to the parent, which reports it as the rule's error
            log.exception("forked alert evaluation failed")
            outcome = ("failed", e)
        try:
            send.send(outcome)
        except Exception as e:  # noqa: BLE001 — an error that cannot be pickled is handed on as its text
            send.send(("failed", RuntimeError(f"{type(e).__name__}: {e}")))

    process = context.Process(target=child, daemon=True)
    process.start()
    send.close()

    def result():
        try:
            kind, value = receive.recv()
        except EOFError:
            process.join()
            raise RuntimeError(f"并行评估进程意外退出（退出码 {process.exitcode}）/ the forked evaluation died") from None
        finally:
            receive.close()
        process.join()
        if kind == "failed":
            raise value
        return value

    return result
