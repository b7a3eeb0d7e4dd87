"""The 简报 page in a real browser: 生成 writes the quarter's briefing in the background with a progress bar, and
the written files are listed and download as they are on disk."""
from __future__ import annotations

import os
import time

import pytest
from selenium.webdriver.common.by import By

from briefing.archive import ENV, list_briefings
from tests import briefing_city
from tests.browser_support import browser, dashboard_server  # noqa: F401  (fixtures)
from warehouse import db

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


def test_generate_shows_progress_then_lists_the_files_for_download(browser, briefing_dir, tmp_path):
    browser.open("/briefings" + VIEW, "简报")
    assert browser.console_errors() == []
    assert "尚未生成简报" in browser.text("briefing-list")
    assert browser.value("briefing-quarter") == "2026年第三季度"
    browser.driver.find_element(By.ID, "briefing-generate").click()
    browser.wait(lambda d: "正在" in (browser.text("briefing-status") or ""), "no progress shown")
    browser.wait(lambda d: "已生成" in (browser.text("briefing-status") or ""), "the briefing was not written")
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
