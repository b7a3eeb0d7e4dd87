"""The background job queue on SQLite and PostgreSQL: every job is claimed by exactly one of several concurrent
runners (threads and processes), a runner killed with kill -9 mid-job loses the job to another runner which
finishes it, a failing job records why, progress is visible from any connection while a job runs, and the
`worker` command and `refresh --queue` use the same queue."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import update

from cli import main
from jobs import queue
from jobs.runner import Runner
from jobs.tables import job
from tests.job_support import KINDS, runs

ROOT = Path(__file__).resolve().parent.parent
WAIT_S = 90  # how long a test waits for a process before it fails (never a measure of speed)


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _runner_process(engine, lease_s: float, *args, owner: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.job_support", _url(engine), str(lease_s), *args], cwd=ROOT,
                            env={**os.environ, "JOB_OWNER": owner})


def _wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _probes(engine, log: Path, n: int, sleep: float = 0.0) -> list[int]:
    return [queue.enqueue(engine, "probe", {"n": i, "log": str(log), "sleep": sleep}) for i in range(n)]


# Exclusive claims ------------------------------------------------------------------------------------------------
def test_concurrent_runner_threads_each_job_runs_exactly_once(store_any, tmp_path):
    log = tmp_path / "runs.log"
    ids = _probes(store_any, log, 30, sleep=0.02)
    runners = [Runner(store_any, KINDS, owner=f"thread-{i}", poll=0.05) for i in range(4)]
    threads = [threading.Thread(target=r.drain) for r in runners]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_S)
    assert sorted(n for n, _ in runs(log)) == list(range(30))  # each once: none twice, none lost
    ended = [queue.get(store_any, i) for i in ids]
    assert {r["status"] for r in ended} == {queue.DONE} and {r["attempts"] for r in ended} == {1}
    assert [r["result"] for r in ended] == [{"n": i} for i in range(30)]


def test_concurrent_runner_processes_each_job_runs_exactly_once(store_any, tmp_path):
    log, go = tmp_path / "runs.log", tmp_path / "go"
    _probes(store_any, log, 40, sleep=0.1)
    procs = [_runner_process(store_any, 30, "--drain", "--go", str(go), owner=f"proc-{i}") for i in range(2)]
    go.touch()  # both start claiming at the same moment
    for p in procs:
        assert p.wait(WAIT_S) == 0
    seen = runs(log)
    assert sorted(n for n, _ in seen) == list(range(40))
    assert {owner for _, owner in seen} == {"proc-0", "proc-1"}  # both took part: the claims really raced


# A runner killed mid-job ---------------------------------------------------------------------------------------
def test_a_job_whose_runner_is_killed_is_run_again_to_completion(store_any, tmp_path):
    started, release, log = tmp_path / "started", tmp_path / "release", tmp_path / "runs.log"
    job_id = queue.enqueue(store_any, "wait", {"n": 7, "log": str(log), "started": str(started),
                                                "release": str(release)}, requested_by="张三")
    victim = _runner_process(store_any, 1.0, owner="victim")
    try:
        _wait_for(started.exists, "the job to start")
        running = queue.get(store_any, job_id)  # progress is visible from another process's connection
        assert (running["status"], running["lease_owner"], running["attempts"]) == (queue.RUNNING, "victim", 1)
        assert running["progress"] == {"done": 1, "total": 2, "step": "等待"}
        os.kill(victim.pid, signal.SIGKILL)
    finally:
        victim.kill()
        victim.wait()
    assert runs(log) == []  # it never finished
    release.touch()
    rescuer = Runner(store_any, KINDS, owner="rescuer", lease=dt.timedelta(seconds=1))
    _wait_for(lambda: rescuer.run_one() or queue.get(store_any, job_id)["status"] == queue.DONE, "the lease to run out")
    ended = queue.get(store_any, job_id)
    assert (ended["status"], ended["attempts"], ended["result"], ended["error"]) == (queue.DONE, 2, {"n": 7}, None)
    assert ended["requested_by"] == "张三" and ended["lease_owner"] is None and ended["finished_at"] is not None
    assert runs(log) == [(7, str(os.getpid()))]  # run again, here, once


def test_a_runner_that_lost_its_lease_cannot_overwrite_the_new_holder(store_any):
    job_id = queue.enqueue(store_any, "probe", {"n": 1})
    assert queue.claim(store_any, "slow", ["probe"])["id"] == job_id
    with store_any.begin() as conn:  # the slow runner stalled past its lease
        conn.execute(update(job).values(lease_expires_at=queue.utcnow() - dt.timedelta(seconds=1)))
    assert queue.claim(store_any, "fresh", ["probe"])["attempts"] == 2
    assert not queue.heartbeat(store_any, job_id, "slow")
    assert not queue.finish(store_any, job_id, "slow", {"stale": True})
    assert queue.finish(store_any, job_id, "fresh", {"n": 1})
    assert queue.get(store_any, job_id)["result"] == {"n": 1}


def test_a_job_that_keeps_killing_its_process_is_given_up(store_any):
    job_id = queue.enqueue(store_any, "probe", {"n": 1})
    for attempt in range(1, queue.MAX_ATTEMPTS + 1):
        assert queue.claim(store_any, f"r{attempt}", ["probe"])["attempts"] == attempt
        with store_any.begin() as conn:
            conn.execute(update(job).values(lease_expires_at=queue.utcnow() - dt.timedelta(seconds=1)))
    assert queue.claim(store_any, "last", ["probe"]) is None
    given_up = queue.get(store_any, job_id)
    assert given_up["status"] == queue.FAILED and "中断 3 次" in given_up["error"]


def test_a_worker_stopped_with_sigterm_gives_its_job_back_at_once(store_any, tmp_path):
    started, release = tmp_path / "started", tmp_path / "release"
    job_id = queue.enqueue(store_any, "wait", {"n": 1, "log": str(tmp_path / "log"), "started": str(started),
                                                "release": str(release)})
    worker = _runner_process(store_any, 600, owner="stopping")  # a lease far longer than the test
    try:
        _wait_for(started.exists, "the job to start")
        worker.send_signal(signal.SIGTERM)  # systemctl stop
        assert worker.wait(WAIT_S) == 0
    finally:
        worker.kill()
        worker.wait()
    back = queue.get(store_any, job_id)
    assert (back["status"], back["attempts"], back["lease_owner"]) == (queue.QUEUED, 0, None)
    assert runs(tmp_path / "log") == []


def test_a_stopped_runner_gives_its_job_back(store_any, tmp_path):
    started, release = tmp_path / "started", tmp_path / "release"
    job_id = queue.enqueue(store_any, "wait", {"n": 1, "log": str(tmp_path / "log"), "started": str(started),
                                                "release": str(release)})
    runner = Runner(store_any, KINDS, owner="polite")
    thread = threading.Thread(target=runner.run_one)
    thread.start()
    _wait_for(started.exists, "the job to start")
    runner.stop()
    back = queue.get(store_any, job_id)
    assert (back["status"], back["attempts"], back["lease_owner"]) == (queue.QUEUED, 0, None)
    release.touch()
    thread.join(WAIT_S)
    assert queue.get(store_any, job_id)["status"] == queue.QUEUED  # its late finish did not count


# Failures, reuse, kinds ------------------------------------------------------------------------------------------
def test_a_failing_job_records_its_error(store_any):
    crash = queue.enqueue(store_any, "boom", {})
    refused = queue.enqueue(store_any, "refused", {})
    runner = Runner(store_any, KINDS)
    assert runner.drain() == 2
    crashed, said_no = queue.get(store_any, crash), queue.get(store_any, refused)
    assert crashed["status"] == queue.FAILED and crashed["error"] == "执行出错（ZeroDivisionError）：意外错误"
    assert said_no["status"] == queue.FAILED and said_no["error"] == "季度尚未结束，不能生成"
    assert crashed["finished_at"] is not None and crashed["result"] is None


def test_the_same_job_asked_twice_while_under_way_is_one_job(store_any):
    first = queue.enqueue(store_any, "probe", {"n": 1})
    assert queue.enqueue(store_any, "probe", {"n": 1}) == first
    assert queue.enqueue(store_any, "probe", {"n": 2}) != first
    queue.claim(store_any, "r", ["probe"])
    assert queue.enqueue(store_any, "probe", {"n": 1}) == first  # running: still the same
    queue.finish(store_any, first, "r", {})
    assert queue.enqueue(store_any, "probe", {"n": 1}) != first  # done: a new one


def test_a_runner_leaves_kinds_it_does_not_know(store_any):
    job_id = queue.enqueue(store_any, "probe", {"n": 1})
    assert Runner(store_any, {"other": "tests.job_support:boom"}).run_one() is None
    assert queue.get(store_any, job_id)["status"] == queue.QUEUED


# Several server processes acting at once (SQLite) -----------------------------------------------------------------
def _while_another_writes(sqlite_url, act) -> list:
    """Run `act(engine)` on a second engine (another process's pool) while a first connection has read, holds the
    write lock and then writes; what `act` returned, or the error it raised."""
    from sqlalchemy import select

    from warehouse import db
    from warehouse.db import writing

    store, other = db.open_store(sqlite_url), db.make_engine(sqlite_url)
    outcome = []

    def second():
        try:
            outcome.append(act(other))
        except Exception as exc:  # noqa: BLE001 — the test reports it
            outcome.append(exc)

    try:
        with writing(store).begin() as first:
            first.execute(select(job.c.id)).all()
            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(0.3)  # the second has begun and read by now (with a plain BEGIN it would fail below)
            first.execute(job.insert().values(kind="probe", params={"n": 0}, status=queue.QUEUED, attempts=0,
                                              created_at=queue.utcnow()))
        thread.join(WAIT_S)
    finally:
        other.dispose()
    return outcome


def test_two_processes_queueing_at_once_both_succeed_on_sqlite(sqlite_url):
    outcome = _while_another_writes(sqlite_url, lambda engine: queue.enqueue(engine, "probe", {"n": 1}))
    assert len(outcome) == 1 and isinstance(outcome[0], int), outcome


def test_two_people_changing_alerts_at_once_both_succeed_on_sqlite(sqlite_url):
    from decimal import Decimal

    from alerts import lifecycle
    from alerts.findings import Finding
    from alerts.recording import record
    from alerts.tables import alert
    from sqlalchemy import select

    from tests.alert_support import DEFAULTS
    from warehouse import db

    found = Finding("JUST_BELOW", "voucher", "419900/JB", "黄", Decimal("960000.00"), Decimal("950000.00"), "元",
                    "支付 960,000.00 元，处于采购限额下方", ("419900/JB",), subject_name="市教育局")
    store = db.open_store(sqlite_url)
    record(store, dt.date(2026, 6, 10), {"JUST_BELOW": [found]}, DEFAULTS)
    with store.connect() as conn:
        alert_id = conn.scalar(select(alert.c.id))
    outcome = _while_another_writes(sqlite_url, lambda engine: lifecycle.acknowledge(engine, alert_id, "李四"))
    assert len(outcome) == 1 and isinstance(outcome[0], dict), outcome
    assert outcome[0]["to_status"] == lifecycle.READ


# Commands --------------------------------------------------------------------------------------------------------
def test_refresh_queue_and_worker_once_run_a_backfill(store_any):
    url = _url(store_any)
    queued = CliRunner().invoke(main, ["refresh", "--from", "2026-03-01", "--to", "2026-03-02", "--only", "alerts",
                                       "--queue", "--db", url])
    assert queued.exit_code == 0, queued.output
    job_id = int(queued.output.split("job")[-1])
    assert queue.get(store_any, job_id)["params"] == {"from": "2026-03-01", "to": "2026-03-02", "only": "alerts"}
    ran = CliRunner().invoke(main, ["worker", "--once", "--db", url])
    assert ran.exit_code == 0, ran.output
    assert "jobs run: 1" in ran.output
    ended = queue.get(store_any, job_id)
    assert (ended["status"], ended["result"]) == (queue.DONE, {"stages": ["alerts"]}), ended["error"]
    assert ended["progress"] == {"done": 1, "total": 1, "step": "完成"}


def test_the_dashboard_workers_run_queued_jobs(store_any, tmp_path):
    """`serve` without --no-jobs: its gunicorn workers take jobs from the queue (the only runner here)."""
    from tests.browser_support import served

    with served(_url(store_any), tmp_path / "serve.log", workers=2):
        job_id = queue.enqueue(store_any, "refresh", {"from": "2026-03-01", "to": "2026-03-01", "only": "indicators"})
        ended = _wait_for(lambda: (row := queue.get(store_any, job_id))["status"] in (queue.DONE, queue.FAILED) and row,
                          "a dashboard worker to run the job")
    assert (ended["status"], ended["result"], ended["attempts"]) == (queue.DONE, {"stages": ["indicators"]}, 1)


def test_the_job_commands_have_chinese_and_english_help():
    for name in ("worker", "schedule", "serve"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "后台任务" in result.output and "job" in result.output


def test_stalled_means_running_past_the_lease():
    past = queue.utcnow() - dt.timedelta(seconds=5)
    assert queue.stalled({"status": queue.RUNNING, "lease_expires_at": past})
    assert not queue.stalled({"status": queue.QUEUED, "lease_expires_at": past})
    assert not queue.stalled({"status": queue.RUNNING, "lease_expires_at": past + dt.timedelta(minutes=1)})
