"""Every route the server has and every callback the app registers, enumerated — so a page, route or callback
added later cannot forget the login or the roles:

- without a session each answers 401 (or redirects a page to /login), never data;
- each page and server callback is declared in the role registry (dashboard.roles), and the guard refuses
  every role the registry does not name, for every callback, download table and page.
"""
from __future__ import annotations

import re

import dash
import pytest

from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER
from auth.web import PUBLIC_ENDPOINTS
from dashboard import create_app
from dashboard.exports import EXPORTERS
from dashboard.roles import PAGE_ROLES, callback_key, callback_roles
from tests.auth_support import csrf, dash_body, download_body, logged_in, router_body
from warehouse.db import open_store

ROLES = (ADMIN, MEMBER, DEPUTY, LIAISON)
SAMPLE = {"path": "x", "filename": "app.css", "package_name": "dash", "fingerprinted_path": "dash.js",
          "token": "x" * 43}


@pytest.fixture(scope="module")
def app(module_store_url):
    return create_app(module_store_url)


@pytest.fixture(scope="module")
def clients(app, module_store_url):
    engine = open_store(module_store_url)
    return {role: logged_in(app, engine, role) for role in ROLES}


def _url(rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: SAMPLE[m.group(1)], rule.rule)


def _server_callbacks(app) -> dict[str, str]:
    """module.function → the callback map key, for every callback that runs on the server."""
    return {callback_key(v): k for k, v in app.callback_map.items() if callback_key(v)}


def test_every_route_refuses_a_request_without_a_session(app):
    client = app.server.test_client()
    rules = list(app.server.url_map.iter_rules())
    assert len(rules) >= 10
    for rule in rules:
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            response = client.open(_url(rule), method=method, json={} if method == "POST" else None)
            if response.status_code == 302:
                assert response.headers["Location"].startswith("/login?next="), rule.rule
            else:
                assert response.status_code == 401, (rule.rule, method, response.status_code)
                assert response.get_json()["error"] == "unauthenticated"


def test_only_the_login_pages_and_the_icon_are_public(app):
    public = {rule.rule for rule in app.server.url_map.iter_rules() if rule.endpoint in PUBLIC_ENDPOINTS}
    assert public == {"/login", "/login/qr/<token>", "/_favicon.ico"}


def test_every_server_callback_refuses_a_request_without_a_session(app):
    client = app.server.test_client()
    callbacks = _server_callbacks(app)
    assert len(callbacks) >= 40
    for key, output in callbacks.items():
        response = client.post("/_dash-update-component", json=dash_body(output))
        assert response.status_code == 401, key


def test_every_page_and_every_server_callback_is_in_the_role_registry(app):
    pages = {p["path"] for p in dash.page_registry.values()}
    assert pages == set(PAGE_ROLES), "a page without declared roles, or roles of a page that is gone"
    for key in _server_callbacks(app):
        body = download_body("execution-table") if key == "dashboard.exports.download" else router_body("/")
        assert callback_roles(key, body), f"callback {key} is not in dashboard.roles"
    for table in EXPORTERS:
        assert callback_roles("dashboard.exports.download", download_body(table)), f"export table {table}"
    assert callback_roles("dashboard.exports.download", download_body("no-such-table")) is None


def test_the_guard_refuses_each_role_every_callback_the_registry_does_not_give_it(app, clients):
    refused = 0
    for key, output in _server_callbacks(app).items():
        if key in ("dashboard.exports.download", "dash.dash.update"):
            continue  # decided per request: below
        allowed = callback_roles(key, {})
        for role in set(ROLES) - allowed:
            client = clients[role]
            response = client.post("/_dash-update-component", json=dash_body(output), headers=csrf(client))
            assert response.status_code == 403, (role, key)
            refused += 1
    assert refused >= 40


def test_the_guard_refuses_each_role_the_pages_and_downloads_it_may_not_have(clients):
    for path, allowed in PAGE_ROLES.items():
        for role in set(ROLES) - allowed:
            client = clients[role]
            drawn = client.post("/_dash-update-component", json=router_body(path), headers=csrf(client))
            assert drawn.status_code == 403, (role, path)
            opened = client.get(path)
            assert opened.status_code in (302, 403), (role, path)  # "/" sends a liaison to their own page
    for table in EXPORTERS:
        allowed = callback_roles("dashboard.exports.download", download_body(table))
        for role in set(ROLES) - allowed:
            client = clients[role]
            response = client.post("/_dash-update-component", json=download_body(table), headers=csrf(client))
            assert response.status_code == 403, (role, table)


def test_a_callback_that_is_not_registered_is_refused_even_to_an_admin(clients):
    client = clients[ADMIN]
    for output in ("no-such.children", "shell.navbar"):  # unknown; clientside (never runs on the server)
        response = client.post("/_dash-update-component", json=dash_body(output), headers=csrf(client))
        assert response.status_code == 403, output
