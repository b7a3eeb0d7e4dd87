"""Phone login: an admin issues a one-time QR code on the 用户管理 page; opening its link on the phone and
confirming logs the user in; the same code again, an expired one, a forged one or one of a disabled user is
refused; only the token's hash is stored."""
from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from auth import qr
from auth.principal import ADMIN, DEPUTY, MEMBER
from auth.settings import Settings
from auth.tables import login_token
from auth.users import UserError, set_disabled
from auth.web import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from dashboard import create_app
from tests.auth_support import callback_output, components, csrf, dash_body, logged_in, make_user
from warehouse.db import open_store


@pytest.fixture
def engine(store_url):
    return open_store(store_url)


@pytest.fixture
def app(store_url):
    return create_app(store_url)


def _phone_login(app, link: str):
    """What the phone does: open the link, then press 确认登录 (the form posts back with its CSRF token)."""
    phone = app.server.test_client()
    path = link.split("://", 1)[-1].split("/", 1)[1]
    page = phone.get("/" + path)
    if page.status_code != 200:
        return phone, page
    token = phone.get_cookie(LOGIN_CSRF_COOKIE).value
    return phone, phone.post("/" + path, data={"csrf_token": token})


def _issue_on_the_users_page(app, admin, username: str) -> str:
    """The admin picks the user and clicks 生成手机登录二维码; returns the link the QR code holds."""
    output = callback_output(app, "dashboard.pages.users.act")
    button = {"action": "qr", "type": "user-action"}
    others = [{"id": {"action": a, "type": "user-action"}, "property": "n_clicks", "value": None}
              for a in ("disable", "enable", "reset")]
    body = dash_body(output, inputs=[[*others, {"id": button, "property": "n_clicks", "value": 1}]],
                     state=[{"id": "users-selected", "property": "data", "value": username},
                            {"id": "users-changed", "property": "data", "value": 0}],
                     outputs=[{"id": "users-result", "property": "children"},
                              {"id": "users-changed", "property": "data"}],
                     changed=['{"action":"qr","type":"user-action"}.n_clicks'])
    response = admin.post("/_dash-update-component", json=body, headers=csrf(admin))
    assert response.status_code == 200, response.get_data(as_text=True)
    shown = _props(response.get_json())
    image = base64.b64decode(shown["users-qr"]["src"].removeprefix("data:image/svg+xml;base64,"))
    assert b"<svg" in image and b"href" not in image  # drawn here, nothing fetched
    link = shown["users-qr-link"]["children"]
    assert re.fullmatch(r"http://localhost/login/qr/[A-Za-z0-9_\-]{43}", link)
    return link


def _props(tree) -> dict:
    """id → props of every component in a callback's response."""
    return {c["props"]["id"]: c["props"] for c in components(tree) if isinstance(c["props"].get("id"), str)}


def test_an_admin_issues_a_code_that_logs_the_deputy_in_on_the_phone_once(app, engine):
    make_user(engine, DEPUTY, "wang")
    admin = logged_in(app, engine, ADMIN)
    link = _issue_on_the_users_page(app, admin, "wang")
    phone = app.server.test_client()
    confirm = phone.get(link.replace("http://localhost", ""))
    assert confirm.status_code == 200 and "wang" in confirm.get_data(as_text=True)
    phone, response = _phone_login(app, link)
    assert response.status_code == 303 and phone.get_cookie(SESSION_COOKIE) is not None
    assert phone.get("/_dash-layout").status_code == 200
    _, replayed = _phone_login(app, link)  # the same code again, from any device
    assert replayed.status_code == 410 and "无效" in replayed.get_data(as_text=True)


def test_only_the_hash_of_the_token_is_stored(engine):
    make_user(engine, DEPUTY, "wang")
    issued = qr.issue(engine, "wang", "admin", Settings())
    with engine.connect() as conn:
        rows = conn.execute(select(login_token)).mappings().all()
    assert len(rows) == 1 and all(issued.token not in str(v) for v in rows[0].values())


def test_an_expired_code_is_refused(app, engine):
    make_user(engine, DEPUTY, "wang")
    issued = qr.issue(engine, "wang", "admin", Settings(qr_minutes=10))
    with engine.begin() as conn:
        conn.execute(update(login_token).values(expires_at=dt.datetime.now() - dt.timedelta(seconds=1)))
    phone, response = _phone_login(app, qr.link("http://localhost", issued.token))
    assert response.status_code == 410 and phone.get_cookie(SESSION_COOKIE) is None


def test_a_code_issued_ten_minutes_ago_is_no_longer_valid(engine):
    make_user(engine, DEPUTY, "wang")
    issued = qr.issue(engine, "wang", "admin", Settings(qr_minutes=10),
                      now=dt.datetime.now() - dt.timedelta(minutes=10, seconds=1))
    assert qr.peek(engine, issued.token) is None and qr.redeem(engine, issued.token) is None


def test_a_forged_code_and_a_disabled_users_code_are_refused(app, engine):
    make_user(engine, DEPUTY, "wang")
    issued = qr.issue(engine, "wang", "admin", Settings())
    set_disabled(engine, "wang")
    for token in ("x" * 43, issued.token):
        _, response = _phone_login(app, qr.link("http://localhost", token))
        assert response.status_code == 410


def test_the_confirmation_needs_its_form_token(app, engine):
    make_user(engine, DEPUTY, "wang")
    issued = qr.issue(engine, "wang", "admin", Settings())
    response = app.server.test_client().post(qr.PATH + issued.token, data={})
    assert response.status_code == 410
    assert qr.peek(engine, issued.token) == "wang"  # a refused confirmation does not use the code up


def test_admins_get_no_code_and_only_admins_may_issue_one(app, engine):
    make_user(engine, ADMIN, "root")
    with pytest.raises(UserError):
        qr.issue(engine, "root", "root", Settings())
    member = logged_in(app, engine, MEMBER)
    body = dash_body(callback_output(app, "dashboard.pages.users.act"))
    assert member.post("/_dash-update-component", json=body, headers=csrf(member)).status_code == 403
