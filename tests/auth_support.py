"""Logging in from tests: users made directly in the store, a Flask test client logged in through the real
/login form (so its cookies are the ones a browser gets), and the same for the selenium browser."""
from __future__ import annotations

from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER
from auth.users import add_user
from auth.web import CSRF_COOKIE, CSRF_HEADER, LOGIN_CSRF_COOKIE, SESSION_COOKIE

PASSWORD = "Test-password-42"
GRANTS = {ADMIN: {}, MEMBER: {}, DEPUTY: {"regions": ["419901"]}, LIAISON: {"dept_code": "D01"}}


def make_user(engine, role: str = ADMIN, username: str | None = None, **grants) -> str:
    """A user of `role` with PASSWORD (a deputy of 419901 and a liaison of D01 unless told otherwise)."""
    username = username or f"{role}-user"
    add_user(engine, username, role, password=PASSWORD, **(grants or GRANTS[role]))
    return username


def login(client, username: str, password: str = PASSWORD, next_path: str = ""):
    """POST the login form as a browser does (the form's CSRF token from its cookie); returns the response."""
    client.get("/login")
    token = client.get_cookie(LOGIN_CSRF_COOKIE).value
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token,
                                       "next": next_path})


def logged_in(app, engine, role: str = ADMIN, username: str | None = None, **grants):
    """A test client of `app` with a live session of a new user of `role`."""
    client = app.server.test_client()
    response = login(client, make_user(engine, role, username, **grants))
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def csrf(client) -> dict:
    """The header Dash's renderer sends with every request of a logged-in page."""
    return {CSRF_HEADER: client.get_cookie(CSRF_COOKIE).value}


def session_cookie(client) -> str:
    return client.get_cookie(SESSION_COOKIE).value


def browser_login(browser, engine, role: str = ADMIN, username: str | None = None, **grants) -> str:
    """Creates a user and logs the selenium browser in through the login page; returns the username."""
    from selenium.webdriver.common.by import By

    username = make_user(engine, role, username, **grants)
    browser.driver.get(browser.base + "/login")
    browser.driver.find_element(By.ID, "username").send_keys(username)
    browser.driver.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.driver.find_element(By.ID, "login-submit").click()
    browser.wait(lambda d: "/login" not in d.current_url, "login did not finish")
    return username
