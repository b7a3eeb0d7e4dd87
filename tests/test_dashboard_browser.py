"""The dashboard in a real browser (headless chromium) against the production server (`app.py serve`), on a store
that holds little but the feed: links, the region choice and the feed page. (Every page, with data, and the
phone screen: test_dashboard_pages.py.)"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By

from tests.browser_support import browser, dashboard_server  # noqa: F401  (fixtures)
from tests.dashboard_store import (COUNTY, D1, D2, DECIMALS_MESSAGE, INFO_MESSAGE, MANIFEST_MESSAGE, REFUSED,
                                   TOP, fill_feed)
from warehouse.db import open_store


@pytest.fixture(scope="module")
def dashboard_store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    fill_feed(open_store(url))
    return url


def test_a_link_without_a_view_is_completed_with_the_latest_date_and_the_top_region(browser):
    browser.open("/ingest", "数据接入")
    assert browser.query() == {"date": D2.isoformat(), "region": TOP}
    assert browser.text("as-of") == D2.isoformat()
    assert browser.value("region") == "示范市"


def test_a_shared_link_reopens_the_same_view_and_navigation_keeps_it(browser):
    browser.open(f"/ingest?date={D1}&region={COUNTY}", "数据接入")
    assert browser.text("as-of") == D1.isoformat()
    assert browser.value("region").strip() == "甲县"
    assert browser.text("ingest-date") == f"业务日期 {D1}"

    browser.driver.find_element(By.LINK_TEXT, "政府债务").click()
    browser.wait_for_page("政府债务")
    assert urlparse(browser.driver.current_url).path == "/debt"
    assert browser.query() == {"date": D1.isoformat(), "region": COUNTY}
    assert browser.text("as-of") == D1.isoformat()


def test_choosing_a_region_writes_it_to_the_url_and_narrows_the_feed(browser):
    browser.open(f"/ingest?date={D2}&region={TOP}", "数据接入")
    files = {r["report"] for r in browser.grid_rows("ingest-reports")}
    assert files == {"BGT", "INC", "PAY"}

    browser.driver.find_element(By.ID, "region").click()
    browser.wait(lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text.strip() == "甲县"])
    next(o for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text.strip() == "甲县").click()
    browser.wait(lambda d: browser.query().get("region") == COUNTY)
    browser.wait_for_page("数据接入")
    browser.wait(lambda d: {r["report"] for r in browser.grid_rows("ingest-reports")} == {"BGT"})
    assert browser.query()["date"] == D2.isoformat()


def test_the_feed_page_lists_findings_with_file_line_column_value_and_expected(browser):
    browser.open(f"/ingest?date={D2}&region={TOP}", "数据接入")
    rows = browser.grid_rows("ingest-findings")
    decimals = next(r for r in rows if r["message"] == DECIMALS_MESSAGE)
    assert decimals == {"severity": "错误", "file": REFUSED, "line": "5", "column": "金额", "value": "12.345",
                        "expected": "最多两位小数", "message": DECIMALS_MESSAGE, "rule_id": "AMOUNT_DECIMALS"}
    messages = [r["message"] for r in rows]
    assert MANIFEST_MESSAGE in messages and INFO_MESSAGE not in messages
    assert [r["severity"] for r in rows] == ["错误", "错误", "错误", "警告"]
    assert browser.text("ingest-findings-note") == "共 4 条"
    refused = next(r for r in browser.grid_rows("ingest-files") if r["name"] == REFUSED)
    assert refused["status"] == "已拒收" and refused["errors"] == "2"
    pay = next(r for r in browser.grid_rows("ingest-reports") if r["report"] == "PAY")
    assert pay["amount"] == "123.46" and pay["rows"] == "120"  # 1,234,567.89 元 in the table's unit, 万元

    browser.click(browser.driver.find_element(By.CSS_SELECTOR, "#ingest-info"))  # the page was scrolled down
    browser.wait(lambda d: browser.query().get("info") == "1")
    browser.wait_for_page("数据接入")
    browser.wait(lambda d: INFO_MESSAGE in [r["message"] for r in browser.grid_rows("ingest-findings")])
    assert browser.console_errors() == []
