"""Job kinds for the job-runner tests, and a runner process to start, stop and kill -9 from a test.

    python -m tests.job_support URL LEASE_SECONDS [--drain] [--go FILE]

Each run of a job appends one line "n owner" (n: the number the test gave the job) to the file its params name
(O_APPEND: whole lines from several processes), so a test counts how often each job ran and by whom.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

from jobs.kinds import JobError

KINDS = {"probe": "tests.job_support:probe", "wait": "tests.job_support:wait", "boom": "tests.job_support:boom",
         "refused": "tests.job_support:refused"}
WAIT_S = 60  # a safety net for a test that failed to release a waiting job


def _record(params: dict) -> None:
    line = f"{params['n']} {os.environ.get('JOB_OWNER', os.getpid())}\n".encode()
    fd = os.open(params["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def probe(engine, params, progress):
    progress(0, 1, "记录")
    _record(params)
    time.sleep(params.get("sleep", 0))
    progress(1, 1, "完成")
    return {"n": params["n"]}


def wait(engine, params, progress):
    """Reports step 1 of 2, says it started, and waits for the test to release it."""
    progress(1, 2, "等待")
    Path(params["started"]).touch()
    deadline = time.monotonic() + WAIT_S
    while not Path(params["release"]).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    _record(params)
    return {"n": params["n"]}


def boom(engine, params, progress):
    raise ZeroDivisionError("意外错误")


def refused(engine, params, progress):
    raise JobError("季度尚未结束，不能生成")


def runs(log: Path) -> list[tuple[int, str]]:
    """(n, owner) of every run recorded in `log`."""
    if not log.exists():
        return []
    return [(int(job), owner) for job, owner in (line.split() for line in log.read_text().splitlines())]


def main(argv: list[str]) -> None:
    from cli.worker_cmd import run_until_stopped
    from jobs.runner import Runner
    from warehouse.db import open_store

    url, lease = argv[0], float(argv[1])
    if "--go" in argv:  # a start line: every runner of the test starts claiming at once
        go = Path(argv[argv.index("--go") + 1])
        while not go.exists():
            time.sleep(0.02)
    runner = Runner(open_store(url), KINDS, lease=dt.timedelta(seconds=lease), poll=0.05,
                    owner=os.environ.get("JOB_OWNER"))
    if "--drain" in argv:
        runner.drain()
    else:
        run_until_stopped(runner)  # as `python app.py worker` runs


if __name__ == "__main__":
    main(sys.argv[1:])
