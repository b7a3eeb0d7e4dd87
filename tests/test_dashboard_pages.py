"""The dashboard's pages on a store with data, in a real browser: every page, the drill-down to a voucher by
clicks, links that reopen a view, an Excel download, an alert's lifecycle, and the phone screen."""
from __future__ import annotations

import time
from urllib.parse import urlparse

import openpyxl
import pytest
from selenium.webdriver.common.by import By

from tests.browser_support import DESKTOP, PHONE, WAIT_S, browser, dashboard_server  # noqa: F401  (fixtures)
from tests.dashboard_data import DAY, DEPT, ECON, FUNC, QUOTA, TOP, UNIT, fill_city
from warehouse.db import open_store

pytestmark = pytest.mark.long(2.5)  # minutes of a test worker under the full suite: started first

VIEW = f"date={DAY}&region={TOP}"
PAGES = [("/", "总览"), ("/execution", "预算执行"), ("/sangong", "三公经费"), ("/debt", "政府债务"),
         ("/revenue", "收入"), ("/state-assets", "国有资产"), ("/audit", "审计整改"), ("/projects", "重大项目"),
         ("/alerts", "预警中心"), ("/ingest", "数据接入")]
ADMIN_PAGES = [("/briefings", "简报"), ("/users", "用户管理"), ("/audit-log", "审计日志")]  # the navigation's last


@pytest.fixture(scope="module")
def dashboard_store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    fill_city(open_store(url))
    return url


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def test_every_page_shows_its_figures_with_no_console_error_and_no_request_off_the_server(browser):
    browser.console_errors(), browser.requested_urls()  # start from a clean log
    every = [*PAGES, *ADMIN_PAGES]
    for path, title in every:
        browser.open(f"{path}?{VIEW}", title)
        browser.reveal_all()  # the parts built only when scrolled to, too
        assert browser.console_errors() == [], path
        assert [a.text for a in browser.driver.find_elements(By.CSS_SELECTOR, ".navbar a")] == [t for _, t in every]
    requested = browser.requested_urls()
    assert any(u.startswith(browser.base + "/_dash-update-component") for u in requested)
    assert [u for u in requested if not u.startswith(browser.base + "/") and not u.startswith("data:")] == []
    assert not [u for u in requested if "plotly.min.js" in u]  # charts drawn by the served partial plotly.js
    browser.open(f"/?{VIEW}", "总览")
    cards = _lines(browser.text("overview-kpis"))
    general = cards.index("一般公共预算执行率")  # 639,000.21 元 of 2,800,000 元
    assert cards[general + 1:general + 3] == ["22.8%", "序时进度 49.6%，-26.8 个百分点"]
    alerts = cards.index("未办结红色 / 橙色预警")
    assert cards[alerts + 1] == "1 / 0"
    assert [r["name"] for r in browser.grid_rows("overview-behind")] == ["卫健委", "教育局", "东县教育局", "西县财政局"]
    browser.open(f"/debt?{VIEW}", "政府债务")
    assert {r["bond_code"] for r in browser.grid_rows("debt-bonds")} == {"B2020", "B2024"}
    browser.open(f"/audit?{VIEW}", "审计整改")
    assert {(r["issue_id"], r["overdue"]) for r in browser.grid_rows("audit-issues")} == {("SJ01", "是"), ("SJ02", "否")}


def test_moving_between_pages_by_the_navigation_draws_each_with_no_console_error(browser):
    """A page drawn by Dash's router (the navigation), where a full load gets it in the first layout."""
    browser.open(f"/?{VIEW}", "总览")
    browser.console_errors()
    for path, title in [*PAGES[1:], PAGES[0]]:
        browser.click(browser.driver.find_element(By.LINK_TEXT, title))
        browser.wait_for_page(title)
        assert urlparse(browser.driver.current_url).path == path
        assert browser.query() == {"date": DAY.isoformat(), "region": TOP}
        browser.reveal_all()
        assert browser.console_errors() == [], path


def test_the_lists_below_the_first_screen_are_built_when_the_reader_scrolls_to_them(browser):
    browser.open(f"/debt?{VIEW}", "政府债务")
    unbuilt = "return [...document.querySelectorAll('.deferred')].filter(b => !b.children.length).length"
    assert browser.driver.execute_script(unbuilt) == 2  # the maturity chart and the bond list
    assert not browser.driver.find_elements(By.CSS_SELECTOR, "[id*='debt-bonds'] .ag-root-wrapper")
    assert {r["bond_code"] for r in browser.grid_rows("debt-bonds")} == {"B2020", "B2024"}  # scrolled to it
    browser.reveal_all()
    assert browser.driver.execute_script(unbuilt) == 0 and browser.console_errors() == []


def test_a_reader_clicks_from_the_overview_down_to_a_single_voucher_and_back_up(browser):
    browser.open(f"/?{VIEW}", "总览")
    browser.click_grid_row("overview-behind", "name", "教育局")
    browser.wait_for_page("预算执行")
    assert browser.query() == {"date": DAY.isoformat(), "region": TOP, "dept": DEPT}
    for level, code, name in (("unit", UNIT, "市教育局"), ("func", FUNC, None), ("econ", ECON, None),
                              ("quota", QUOTA, None)):
        browser.wait(lambda d: code in [r["code"] for r in browser.grid_rows("execution-table")])
        browser.click_grid_row("execution-table", "code", code)
        browser.wait(lambda d: browser.query().get(level) == code)
        browser.wait_idle()
    vouchers = browser.wait(lambda d: [r for r in browser.grid_rows("execution-vouchers") if r.get("voucher_no")])
    assert [r["voucher_no"] for r in vouchers] == [f"V100-0{n}" for n in range(6, 0, -1)]  # newest first
    browser.click_grid_row("execution-vouchers", "voucher_no", "V100-01")
    detail = browser.wait(lambda d: browser.text("voucher-detail"))
    assert "V100-01" in detail and "41,000.01 元" in detail and "供应商1" in detail
    assert browser.query()["voucher"].isdigit()
    crumbs = browser.wait(lambda d: browser.text("execution-crumbs"))  # the reopened page's callback fills them
    assert crumbs.startswith("区划：示范市") and "预算指标：基本支出" in crumbs

    browser.driver.find_element(By.CSS_SELECTOR, "body").send_keys("\ue00c")  # Escape closes the voucher
    browser.wait(lambda d: "voucher" not in browser.query())
    browser.wait_idle()
    browser.click(browser.wait(lambda d: d.find_elements(By.PARTIAL_LINK_TEXT, "部门：教育局"))[0])
    browser.wait(lambda d: browser.query() == {"date": DAY.isoformat(), "region": TOP, "dept": DEPT})
    browser.wait_for_page("预算执行")
    assert {r["code"] for r in browser.grid_rows("execution-table")} == {UNIT}


def test_a_link_with_page_filters_reopens_the_same_view(browser):
    browser.open(f"/execution?{VIEW}&dept={DEPT}&unit={UNIT}&func={FUNC}", "预算执行")
    assert "功能科目：" in browser.text("execution-crumbs")
    assert [r["code"] for r in browser.grid_rows("execution-table")] == [ECON]
    browser.open(f"/sangong?{VIEW}&cat=公务接待费&unit={UNIT}", "三公经费")
    assert browser.value("sangong-category") == "公务接待费"
    assert {r["category"] for r in browser.grid_rows("sangong-units")} == {"公务接待费"}
    rows = browser.wait(lambda d: [r for r in browser.grid_rows("sangong-vouchers") if r.get("voucher_no")])
    assert {r["voucher_no"] for r in rows} == {f"V101-0{m}" for m in range(1, 7)}
    browser.open(f"/alerts?{VIEW}&sev=红&alert=1", "预警中心")
    assert "指标 Q100" in browser.text("alert-facts")
    assert [r["voucher_no"] for r in browser.grid_rows("alerts-evidence")] == ["V100-01", "V100-02"]


def test_an_export_downloads_the_table_as_a_valid_xlsx(browser, tmp_path):
    browser.download_to(tmp_path)
    browser.open(f"/execution?{VIEW}", "预算执行")
    browser.click(browser.driver.find_element(By.CSS_SELECTOR, "button[id*='execution-table'][id*='xlsx']"))
    deadline = time.monotonic() + WAIT_S
    while not list(tmp_path.glob("*.xlsx")) and time.monotonic() < deadline:
        time.sleep(0.2)
    [path] = tmp_path.glob("*.xlsx")
    assert path.name == f"预算执行-部门_{TOP}_{DAY}.xlsx"
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("层级", "编码", "名称", "口径", "日期") and "执行率" in rows[0]
    assert sorted(r[1] for r in rows[1:]) == ["100", "200", "300", "400"]
    spent = rows[0].index("支出")
    assert next(r for r in rows[1:] if r[1] == DEPT)[spent] == 369000.21


def test_an_alert_is_acknowledged_assigned_answered_and_closed(browser):
    browser.open(f"/alerts?{VIEW}&alert=1", "预警中心")
    steps = [("标记已阅", {}, "已阅"), ("交办", {"alerts-dept-to": "教育局", "alerts-deadline": "2099-12-31"}, "已交办"),
             ("记录反馈", {"alerts-note": "已追回超付款项"}, "已反馈"), ("办结", {}, "已办结")]
    for button, fields, status in steps:
        browser.wait(lambda d: d.find_elements(By.ID, "alerts-who"))
        for element_id, text in {"alerts-who": "张委员", **fields}.items():
            browser.driver.find_element(By.ID, element_id).send_keys(text)
        browser.click(next(b for b in browser.driver.find_elements(By.TAG_NAME, "button") if b.text == button))
        browser.wait(lambda d: _lines(browser.text("alert-facts"))[-1:] == [f"当前状态\t{status}"]
                     or _lines(browser.text("alert-facts"))[-2:] == ["当前状态", status])
        browser.wait_idle()
    history = browser.wait(lambda d: browser.grid_rows("alerts-history") if len(browser.grid_rows("alerts-history"))
                           >= 4 else None)
    changes = [r["change"] for r in history]
    assert changes[-4:] == ["新 → 已阅", "已阅 → 已交办", "已交办 → 已反馈", "已反馈 → 已办结"]
    assert next(r for r in history if r["change"] == "已阅 → 已交办")["assigned"] == "教育局 / 2099-12-31"
    assert browser.console_errors() == []


def test_no_page_scrolls_sideways_on_a_phone_and_its_menu_navigates(browser):
    browser.viewport(*PHONE)
    try:
        drilled = f"/execution?dept={DEPT}&unit={UNIT}&func={FUNC}&econ={ECON}&quota={QUOTA}"
        for path, title in [*PAGES, *ADMIN_PAGES, (drilled, "预算执行"), ("/alerts?alert=1", "预警中心")]:
            browser.open(f"{path}{'&' if '?' in path else '?'}{VIEW}", title)
            browser.reveal_all()
            assert browser.horizontal_overflow() <= 0, path
        browser.driver.find_element(By.CSS_SELECTOR, "button[aria-label='导航菜单']").click()
        link = browser.wait(lambda d: next((a for a in d.find_elements(By.LINK_TEXT, "数据接入") if a.is_displayed()),
                                           None))
        link.click()
        browser.wait_for_page("数据接入")
        assert browser.query() == {"date": DAY.isoformat(), "region": TOP}
        assert browser.horizontal_overflow() <= 0
    finally:
        browser.viewport(*DESKTOP)
