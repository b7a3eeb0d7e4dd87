"""What each role may open and do, as the issue states it: 管理员 everything including 用户管理; 财经委委员 every
page but 用户管理, and the alert lifecycle; 人大代表 reads (no lifecycle changes, no briefing runs, no
ingest or user pages); 部门联络员 only the 预警中心, where they record replies. Links a role cannot open are not
shown."""
from __future__ import annotations

import pytest

from alerts import lifecycle
from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER, Principal
from dashboard import create_app
from dashboard.roles import alert_changes, home
from tests.auth_support import callback_output, components, csrf, dash_body, download_body, logged_in
from tests.dashboard_store import COUNTY, D2, TOP, fill_feed
from warehouse.db import open_store

VIEW = f"?date={D2}&region={TOP}"
DEPUTY_VIEW = f"?date={D2}&region={COUNTY}"  # the deputy's own county (tests.auth_support.GRANTS)
EVERY_PAGE = ["/", "/execution", "/sangong", "/debt", "/revenue", "/state-assets", "/audit", "/projects", "/alerts",
              "/ingest", "/briefings", "/users", "/audit-log"]
OPENS = {
    ADMIN: set(EVERY_PAGE),
    MEMBER: set(EVERY_PAGE) - {"/users"},
    DEPUTY: set(EVERY_PAGE) - {"/users", "/audit-log", "/ingest"},
    LIAISON: {"/alerts"},
}


@pytest.fixture(scope="module")
def app(module_store_url):
    fill_feed(open_store(module_store_url))
    return create_app(module_store_url)


@pytest.fixture(scope="module")
def clients(app, module_store_url):
    engine = open_store(module_store_url)
    return {role: logged_in(app, engine, role) for role in OPENS}


def _nav_links(layout) -> list[str]:
    return [c["props"]["href"] for c in components(layout) if c["type"] == "NavLink"]


@pytest.mark.parametrize("role", list(OPENS))
def test_each_role_opens_exactly_its_pages_and_sees_links_to_only_those(clients, role):
    client = clients[role]
    for path in EVERY_PAGE:
        response = client.get(path + (DEPUTY_VIEW if role == DEPUTY else VIEW))
        if path in OPENS[role]:
            assert response.status_code == 200, (role, path)
        elif path == "/":
            assert response.status_code == 302 and response.headers["Location"] == "/alerts"
        else:
            assert response.status_code == 403 and "无权" in response.get_data(as_text=True), (role, path)
    assert set(_nav_links(client.get("/_dash-layout").get_json())) == OPENS[role]


def test_a_role_lands_on_its_first_page():
    assert home(Principal("l", LIAISON, dept_code="D01")) == "/alerts"
    assert home(Principal("d", DEPUTY, ("419901",))) == "/"


def test_deputies_cannot_change_alerts_or_write_briefings_and_liaisons_cannot_page_vouchers(app, clients):
    refused = {DEPUTY: ["dashboard.pages.alerts.act", "dashboard.pages.briefings.generate",
                        "dashboard.pages.ingest.show_feed", "dashboard.pages.users.add"],
               MEMBER: ["dashboard.pages.users.act"],
               LIAISON: ["dashboard.voucher_grid.serve_block", "dashboard.pages.execution.show_level",
                         "dashboard.pages.briefings.download"]}
    for role, keys in refused.items():
        client = clients[role]
        for key in keys:
            body = dash_body(callback_output(app, key))
            assert client.post("/_dash-update-component", json=body, headers=csrf(client)).status_code == 403, \
                (role, key)


def test_a_liaison_may_export_the_alert_list_but_not_another_pages_table(clients):
    client = clients[LIAISON]
    assert client.post("/_dash-update-component", json=download_body("execution-table"),
                       headers=csrf(client)).status_code == 403
    allowed = client.post("/_dash-update-component", json=download_body("alerts-list", search=VIEW),
                          headers=csrf(client))
    assert allowed.status_code != 403


def test_a_liaison_only_records_replies_and_a_deputy_changes_nothing():
    every = lifecycle.NEXT[lifecycle.REPLIED] + lifecycle.NEXT[lifecycle.ASSIGNED]
    assert set(alert_changes(Principal("l", LIAISON, dept_code="D01"), every)) == {lifecycle.REPLIED}
    assert alert_changes(Principal("d", DEPUTY, ("419901",)), every) == ()
    assert alert_changes(Principal("m", MEMBER), every) == every
    assert alert_changes(None, every) == ()
