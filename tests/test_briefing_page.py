"""The 简报 page in a real browser: 生成 writes the quarter's briefing in the background with a progress bar, and
the written files are listed and download as they are on disk.

The server is deployed as in production: two gunicorn workers that leave jobs to a separate `worker` process,
so a poll lands on either worker and reads the job's progress from the store — and still does after both
workers were killed and respawned mid-briefing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By

from briefing.archive import ENV, list_briefings
from tests import briefing_city
from tests.browser_support import ROOT, WAIT_S, browser, served  # noqa: F401  (fixtures)
from warehouse import db

pytestmark = pytest.mark.long(1)  # minutes of a test worker under the full suite: started first

VIEW = "?date=2026-10-08&region=419900"  # the first working day after 2026Q3


@pytest.fixture(scope="module")
def briefing_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("briefings")
    before = os.environ.get(ENV)
    os.environ[ENV] = str(folder)  # the server started after this reads it
    yield folder
    if before is None:
        os.environ.pop(ENV)
    else:
        os.environ[ENV] = before


@pytest.fixture(scope="module")
def dashboard_store_url(tmp_path_factory, briefing_dir):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    engine = db.open_store(url)
    briefing_city.build(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def job_worker(dashboard_store_url, tmp_path_factory):
    """`python app.py worker`, the process that runs the jobs the page queues."""
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py", "worker", "--poll", "0.2", "--db", dashboard_store_url],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    proc.log = log
    yield proc
    proc.terminate()  # SIGTERM: gives an unfinished job back to the queue and exits
    proc.wait(WAIT_S)


@pytest.fixture(scope="module")
def dashboard_server(dashboard_store_url, tmp_path_factory, job_worker):
    before = os.environ.get("BUDGET_SERVE_JOBS")
    os.environ["BUDGET_SERVE_JOBS"] = "0"  # serve --no-jobs: the worker process runs them
    try:
        with served(dashboard_store_url, tmp_path_factory.mktemp("server") / "serve.log", workers=2) as base:
            yield base
    finally:
        if before is None:
            os.environ.pop("BUDGET_SERVE_JOBS")
        else:
            os.environ["BUDGET_SERVE_JOBS"] = before


def gunicorn_workers(base: str) -> list[int]:
    """The pids of the server's worker processes (children of the gunicorn master listening on `base`)."""
    bind = base.removeprefix("http://")
    pids = {}
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            stat = (proc / "stat").read_text()
        except (FileNotFoundError, ProcessLookupError, PermissionError, NotADirectoryError):
            continue
        if b"gunicorn" in b" ".join(cmdline) and bind.encode() in cmdline:
            pids[int(proc.name)] = int(stat.rsplit(")", 1)[1].split()[1])  # pid → parent pid
    return [pid for pid, parent in pids.items() if parent in pids]


def wait_for_the_briefing(browser, job_worker) -> None:
    """The job draws its charts in a browser of its own: on a machine busy with the rest of the suite that can take
    longer than a page takes to answer, so this wait is more patient, and says what the page and the worker said."""
    try:
        browser.wait(lambda d: "已生成" in (browser.text("briefing-status") or ""), timeout=4 * WAIT_S)
    except TimeoutException:
        raise AssertionError(f"the briefing was not finished; the page says {browser.text('briefing-status')!r}, "
                             f"the worker's log ends {job_worker.log.read_text()[-2000:]!r}") from None


def test_generate_shows_progress_then_lists_the_files_for_download(browser, briefing_dir, job_worker, tmp_path):
    browser.open("/briefings" + VIEW, "简报")
    assert browser.console_errors() == []
    assert "尚未生成简报" in browser.text("briefing-list")
    assert browser.value("briefing-quarter") == "2026年第三季度"
    browser.driver.find_element(By.ID, "briefing-generate").click()
    browser.wait(lambda d: "正在" in (browser.text("briefing-status") or ""), "no progress shown")
    wait_for_the_briefing(browser, job_worker)
    assert [b.quarter for b in list_briefings(briefing_dir)] == ["2026Q3"]
    listed = browser.text("briefing-list")
    assert "示范市2026年第三季度预算执行情况简报" in listed and "DOCX" in listed and "PDF" in listed

    browser.download_to(tmp_path)
    next(b for b in browser.driver.find_elements(By.CSS_SELECTOR, "#briefing-list button") if b.text == "PDF").click()
    on_disk = next(p for p in list_briefings(briefing_dir)[0].files.values() if p.suffix == ".pdf")
    browser.wait(lambda d: (tmp_path / on_disk.name).exists(), "no download")
    time.sleep(0.5)  # chromium renames the finished download into place
    assert (tmp_path / on_disk.name).read_bytes() == on_disk.read_bytes()
    assert browser.console_errors() == []


def test_progress_survives_the_server_workers_being_killed(browser, briefing_dir, dashboard_server, job_worker):
    browser.open("/briefings" + VIEW, "简报")
    browser.driver.find_element(By.ID, "briefing-generate").click()
    browser.wait(lambda d: "正在" in (browser.text("briefing-status") or ""), "no progress shown")
    workers = gunicorn_workers(dashboard_server)
    assert len(workers) == 2
    for pid in workers:  # kill -9 both: the master starts new ones, which know nothing of the click
        os.kill(pid, signal.SIGKILL)
    browser.wait(lambda d: set(gunicorn_workers(dashboard_server)).isdisjoint(workers)
                 and len(gunicorn_workers(dashboard_server)) == 2, "the workers were not respawned")
    wait_for_the_briefing(browser, job_worker)
    assert [b.quarter for b in list_briefings(briefing_dir)] == ["2026Q3"]
    assert not [p for p in briefing_dir.iterdir() if p.name.startswith(".") and p.is_file()]  # no temporary left
