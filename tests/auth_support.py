"""Logging in from tests: users made directly in the store, a Flask test client logged in through the real
/login form (so its cookies are the ones a browser gets), and the same for the selenium browser."""
from __future__ import annotations

import contextlib
import secrets

from auth.passwords import random_password
from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER
from auth.users import add_user, set_disabled
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


def login_browser(browser, username: str, password: str = PASSWORD) -> None:
    """Logs the selenium browser in through the login page, as a person would."""
    from selenium.webdriver.common.by import By

    browser.driver.get(browser.base + "/login")
    browser.driver.find_element(By.ID, "username").send_keys(username)
    browser.driver.find_element(By.ID, "password").send_keys(password)
    browser.driver.find_element(By.ID, "login-submit").click()
    browser.wait(lambda d: "/login" not in d.current_url, "login did not finish")


def browser_login(browser, engine, role: str = ADMIN, username: str | None = None, **grants) -> str:
    """Creates a user and logs the selenium browser in as them; returns the username."""
    username = make_user(engine, role, username, **grants)
    login_browser(browser, username)
    return username


@contextlib.contextmanager
def temporary_admin(engine):
    """An admin with a random name and password for a script run against a real store (screenshots, bench),
    disabled afterwards; yields (username, password)."""
    username, password = f"script-{secrets.token_hex(4)}", random_password()
    add_user(engine, username, ADMIN, password=password)
    try:
        yield username, password
    finally:
        set_disabled(engine, username)


def http_login(base: str, username: str, password: str = PASSWORD) -> dict:
    """Logs in over HTTP (urllib, no browser); returns the headers a logged-in page's requests carry (its
    cookies and the CSRF header)."""
    import http.cookiejar
    import urllib.parse
    import urllib.request

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(base + "/login", timeout=60).read()
    token = next(c.value for c in jar if c.name == LOGIN_CSRF_COOKIE)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    opener.open(base + "/login", data=form, timeout=60).read()
    cookies = {c.name: c.value for c in jar}
    if SESSION_COOKIE not in cookies:
        raise RuntimeError(f"login as {username} failed")
    return {"Cookie": f"{SESSION_COOKIE}={cookies[SESSION_COOKIE]}; {CSRF_COOKIE}={cookies[CSRF_COOKIE]}",
            CSRF_HEADER: cookies[CSRF_COOKIE]}


def callback_output(app, key: str) -> str:
    """The callback map's key (Dash's `output` string) of the callback named module.function."""
    from dashboard.roles import callback_key

    return next(k for k, v in app.callback_map.items() if callback_key(v) == key)


def dash_body(output: str, inputs=(), state=(), outputs=None, changed=()) -> dict:
    """A `/_dash-update-component` request body as the renderer sends it."""
    return {"output": output, "outputs": outputs if outputs is not None else [], "inputs": list(inputs),
            "state": list(state), "changedPropIds": list(changed)}


def router_body(pathname: str, search: str = "") -> dict:
    """The page router's request: draw the page at `pathname`."""
    return dash_body(".._pages_content.children..._pages_store.data..",
                     inputs=[{"id": "_pages_location", "property": "pathname", "value": pathname},
                             {"id": "_pages_location", "property": "search", "value": search}],
                     outputs=[{"id": "_pages_content", "property": "children"},
                              {"id": "_pages_store", "property": "data"}],
                     changed=["_pages_location.pathname"])


def download_body(table: str, fmt: str = "csv", search: str = "", args=None) -> dict:
    """A click on a table's 导出 button."""
    button = {"fmt": fmt, "table": table, "type": "export"}
    return dash_body('{"fmt":["MATCH"],"table":["MATCH"],"type":"download"}.data',
                     inputs=[{"id": button, "property": "n_clicks", "value": 1}],
                     state=[{"id": {"table": table, "type": "export-args"}, "property": "data", "value": args},
                            {"id": "url", "property": "search", "value": search}],
                     outputs={"id": {"fmt": fmt, "table": table, "type": "download"}, "property": "data"},
                     changed=['{"fmt":"%s","table":"%s","type":"export"}.n_clicks' % (fmt, table)])


def components(tree) -> list[dict]:
    """Every Dash component (type, props) in a layout or a callback's response, depth first."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if "type" in node and isinstance(node.get("props"), dict):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(tree)
    return found
