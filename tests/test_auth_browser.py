"""Logging in and out in a real browser (headless chromium, production server): the login page on a phone,
the way back to the page first asked for, the 退出 button, and a page whose session ends while it is open
going to the login page by itself."""
from __future__ import annotations

from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import delete

from auth.principal import DEPUTY
from auth.tables import app_session
from tests.auth_support import PASSWORD, make_user
from tests.browser_support import PHONE, Browser, dashboard_server  # noqa: F401  (fixtures)
from tests.dashboard_store import COUNTY, D2, TOP, fill_feed
from warehouse.db import open_store


@pytest.fixture(scope="module")
def dashboard_store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    engine = open_store(url)
    fill_feed(engine)
    make_user(engine, DEPUTY, "wang")
    return url


@pytest.fixture(scope="module")
def phone(dashboard_server):
    b = Browser(dashboard_server)
    b.viewport(*PHONE)
    yield b
    b.quit()


def _submit(browser, username: str, password: str) -> None:
    for field, text in (("username", username), ("password", password)):
        element = browser.driver.find_element(By.ID, field)
        element.clear()
        element.send_keys(text)
    browser.driver.find_element(By.ID, "login-submit").click()


def test_a_deputy_logs_in_on_a_phone_and_lands_on_the_page_first_asked_for(phone):
    wanted = f"/debt?date={D2}&region={COUNTY}"
    phone.driver.get(phone.base + wanted)
    phone.wait(lambda d: urlparse(d.current_url).path == "/login")
    assert phone.horizontal_overflow() <= 0 and phone.console_errors() == []
    _submit(phone, "wang", "Wrong-password-1")
    phone.wait(lambda d: d.find_elements(By.ID, "login-error"))
    assert phone.text("login-error") == "用户名或密码错误"
    phone.console_errors()  # the refusal's own 401 is logged; nothing after it may be
    _submit(phone, "wang", PASSWORD)
    phone.wait_for_page("政府债务")
    assert phone.driver.current_url == phone.base + wanted
    assert phone.console_errors() == []


def test_logout_returns_to_the_login_page_and_pages_need_a_login_again(phone):
    phone.viewport(1280, 900)  # the account name and 退出 sit in the header
    phone.open(f"/debt?date={D2}&region={COUNTY}", "政府债务")
    assert phone.text("account-name") == "wang（人大代表）"
    phone.click(phone.driver.find_element(By.ID, "logout"))
    phone.wait(lambda d: urlparse(d.current_url).path == "/login")
    phone.driver.get(phone.base + f"/debt?date={D2}&region={COUNTY}")
    phone.wait(lambda d: urlparse(d.current_url).path == "/login")


def test_an_open_page_whose_session_ends_goes_to_the_login_page(phone, dashboard_store_url):
    phone.driver.get(phone.base + "/login")
    _submit(phone, "wang", PASSWORD)
    phone.wait_for_page("总览")
    with open_store(dashboard_store_url).begin() as conn:  # ended elsewhere: expired, disabled, logged out
        conn.execute(delete(app_session))
    phone.driver.find_element(By.LINK_TEXT, "政府债务").click()  # the next callback gets 401
    phone.wait(lambda d: urlparse(d.current_url).path == "/login")
    assert "next=" in phone.driver.current_url and TOP not in phone.driver.current_url.split("next=")[0]
