"""Logging in and out: argon2 hashes only, cookie flags, session expiry (idle and absolute), the login form's
CSRF token, CSRF on every state-changing request, lockout after repeated failures and the per-address limit —
on SQLite and PostgreSQL, the state in the store where every server worker sees it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from auth.principal import ADMIN, DEPUTY
from auth.tables import app_session, app_user, login_attempt
from auth.web import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from dashboard import create_app
from tests.auth_support import PASSWORD, csrf, login, logged_in, make_user, router_body
from warehouse.db import open_store


@pytest.fixture
def engine(store_url):
    return open_store(store_url)


@pytest.fixture
def app(store_url, monkeypatch):
    for name in ("BUDGET_COOKIE_SECURE", "BUDGET_TRUST_PROXY", "BUDGET_LOGIN_IP_MAX_FAILURES"):
        monkeypatch.delenv(name, raising=False)
    return create_app(store_url)


def _cookies(response) -> dict[str, str]:
    """name → the whole Set-Cookie header of that cookie."""
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_passwords_are_stored_as_argon2id_hashes_and_never_in_plain_text(engine):
    make_user(engine, ADMIN, "alice")
    with engine.connect() as conn:
        row = conn.execute(select(app_user).where(app_user.c.username == "alice")).mappings().one()
    assert row["password_hash"].startswith("$argon2id$")
    assert all(PASSWORD not in str(value) for value in row.values())


def test_a_login_sets_an_httponly_lax_session_cookie_and_a_readable_strict_csrf_cookie(app, engine):
    make_user(engine, ADMIN, "alice")
    client = app.server.test_client()
    response = login(client, "alice")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookies = _cookies(response)
    session, token = cookies[SESSION_COOKIE], cookies[CSRF_COOKIE]
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session
    assert "HttpOnly" not in token and "SameSite=Strict" in token  # the page's script copies it into a header
    with engine.connect() as conn:
        stored = conn.execute(select(app_session.c.id_hash)).scalars().all()
    raw = client.get_cookie(SESSION_COOKIE).value
    assert len(stored) == 1 and raw not in stored  # only its hash is kept


def test_cookies_are_secure_when_configured(store_url, engine, monkeypatch):
    monkeypatch.setenv("BUDGET_COOKIE_SECURE", "1")
    make_user(engine, ADMIN, "alice")
    client = create_app(store_url).server.test_client()
    cookies = _cookies(login(client, "alice"))
    assert "Secure" in cookies[SESSION_COOKIE] and "Secure" in cookies[CSRF_COOKIE]


def test_without_a_session_pages_redirect_to_login_and_endpoints_answer_401(app):
    client = app.server.test_client()
    page = client.get("/execution?date=2026-03-03&region=419900")
    assert page.status_code == 302
    assert page.headers["Location"] == "/login?next=/execution%3Fdate%3D2026-03-03%26region%3D419900"
    for path in ("/_dash-layout", "/_dash-dependencies", "/assets/app.css"):
        assert client.get(path).status_code == 401, path
    assert client.post("/_dash-update-component", json=router_body("/")).status_code == 401
    login_page = client.get("/login")
    assert login_page.status_code == 200 and 'lang="zh-CN"' in login_page.get_data(as_text=True)
    assert 'name="viewport"' in login_page.get_data(as_text=True)  # readable on a phone
    assert "http" not in login_page.get_data(as_text=True).split("<body>")[0]  # nothing fetched from elsewhere


def test_a_wrong_password_is_refused_with_one_message_for_wrong_name_and_wrong_password(app, engine):
    make_user(engine, ADMIN, "alice")
    client = app.server.test_client()
    wrong_password = login(client, "alice", "Not-the-password-1")
    wrong_name = login(client, "nobody", "Not-the-password-1")
    assert wrong_password.status_code == wrong_name.status_code == 401
    assert "用户名或密码错误" in wrong_password.get_data(as_text=True)
    assert "用户名或密码错误" in wrong_name.get_data(as_text=True)
    assert client.get_cookie(SESSION_COOKIE) is None


def test_the_login_form_needs_its_own_csrf_token(app, engine):
    make_user(engine, ADMIN, "alice")
    client = app.server.test_client()
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400 and client.get_cookie(SESSION_COOKIE) is None
    other = app.server.test_client()  # a cross-site form post carries no login cookie at all
    assert other.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 400


def test_after_login_only_addresses_on_this_server_are_followed(app, engine):
    make_user(engine, ADMIN, "alice")
    assert login(app.server.test_client(), "alice", next_path="/debt?x=1").headers["Location"] == "/debt?x=1"
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        assert login(app.server.test_client(), "alice", next_path=evil).headers["Location"] == "/"


def test_every_state_changing_request_needs_the_sessions_csrf_token(app, engine):
    client = logged_in(app, engine)
    body = router_body("/ingest", "?date=2026-03-03&region=419900")
    assert client.post("/_dash-update-component", json=body).status_code == 403
    assert client.post("/_dash-update-component", json=body, headers={CSRF_HEADER: "forged"}).status_code == 403
    assert client.post("/_dash-update-component", json=body, headers=csrf(client)).status_code == 200
    assert client.post("/logout").status_code == 403  # logging out is a change too


def test_logout_ends_the_session_in_the_store(app, engine):
    client = logged_in(app, engine)
    cookie = client.get_cookie(SESSION_COOKIE).value
    response = client.post("/logout", headers=csrf(client))
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    other = app.server.test_client()
    other.set_cookie(SESSION_COOKIE, cookie)  # the old cookie, kept by someone
    assert other.get("/_dash-layout").status_code == 401


def test_an_idle_session_and_an_old_session_expire(app, engine):
    idle, old = logged_in(app, engine, username="idle"), logged_in(app, engine, username="old")
    now = dt.datetime.now()
    with engine.begin() as conn:
        conn.execute(update(app_session).where(app_session.c.user_id == _id(conn, "idle"))
                     .values(last_seen=now - dt.timedelta(minutes=31)))
        conn.execute(update(app_session).where(app_session.c.user_id == _id(conn, "old"))
                     .values(expires_at=now - dt.timedelta(seconds=1)))
    for client in (idle, old):
        assert client.get("/_dash-layout").status_code == 401
        page = client.get("/debt")
        assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    with engine.connect() as conn:
        assert conn.execute(select(app_session)).all() == []  # ended, not only refused


def test_a_recent_session_is_kept_alive_by_use(app, engine):
    client = logged_in(app, engine, username="busy")
    ago = dt.datetime.now() - dt.timedelta(minutes=29)
    with engine.begin() as conn:
        conn.execute(update(app_session).values(last_seen=ago))
    assert client.get("/_dash-layout").status_code == 200
    with engine.connect() as conn:
        assert conn.execute(select(app_session.c.last_seen)).scalar() > ago + dt.timedelta(minutes=28)


def test_disabling_a_user_ends_their_session_at_once(app, engine):
    from auth.users import set_disabled

    client = logged_in(app, engine, DEPUTY, username="wang")
    set_disabled(engine, "wang")
    assert client.get("/_dash-layout").status_code == 401
    assert login(app.server.test_client(), "wang").status_code == 401


def _id(conn, username: str) -> int:
    return conn.execute(select(app_user.c.id).where(app_user.c.username == username)).scalar()


def test_five_failures_lock_the_account_even_for_the_right_password_until_the_lock_ends(app, engine):
    make_user(engine, ADMIN, "alice")
    client = app.server.test_client()
    statuses = [login(client, "alice", f"Wrong-password-{i}").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = login(client, "alice")
    assert locked.status_code == 429 and "锁定" in locked.get_data(as_text=True)
    assert client.get_cookie(SESSION_COOKIE) is None
    with engine.begin() as conn:  # the lock's time is over
        conn.execute(update(app_user).values(locked_until=dt.datetime.now() - dt.timedelta(seconds=1)))
    assert login(client, "alice").status_code == 303


def test_a_name_that_is_no_account_locks_the_same_way(app):
    client = app.server.test_client()
    statuses = [login(client, "nobody", f"Wrong-password-{i}").status_code for i in range(6)]
    assert statuses[:4] == [401] * 4
    assert "锁定" in login(client, "nobody").get_data(as_text=True)  # indistinguishable from a real account


def test_one_address_failing_on_many_names_is_refused_even_with_a_right_password(store_url, engine, monkeypatch):
    monkeypatch.setenv("BUDGET_LOGIN_IP_MAX_FAILURES", "3")
    make_user(engine, ADMIN, "alice")
    client = create_app(store_url).server.test_client()
    for name in ("a1", "a2", "a3"):
        assert login(client, name, "Wrong-password-1").status_code == 401
    assert login(client, "alice").status_code == 429
    with engine.connect() as conn:  # counted in the store, so every worker refuses it too
        assert len(conn.execute(select(login_attempt).where(login_attempt.c.success.is_(False))).all()) == 3
