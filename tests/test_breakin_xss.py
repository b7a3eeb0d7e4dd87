"""XSS: unit, department and region names, payee names and purposes arriving through the ingest, and an
alert's message and notes, all carrying HTML that would run script if rendered as markup (tests.hostile_city).

The callbacks' JSON hands them to components that render text only — no Markdown, no raw HTML, no iframe, no
grid cell renderer — and figure labels escaped so plotly draws them as written; in a real browser no dialog
opens, no injected element appears, and the text reads literally.
"""
from __future__ import annotations

import json

import pytest
from selenium.common.exceptions import NoAlertPresentException
from sqlalchemy import select

from auth.principal import ADMIN
from dashboard import create_app
from tests import hostile_city as hostile
from tests.breakin_support import client_as, post_callback
from tests.browser_support import browser, dashboard_server  # noqa: F401  (fixtures)
from warehouse import db
from warehouse.schema import pay

DAY = hostile.D1.isoformat()
VIEW = f"date={DAY}&region={hostile.COUNTY}"
MARKUP_TYPES = {"Markdown", "Iframe", "Script", "Embed", "ObjectEl", "Base"}
MARKUP_PROPS = {"dangerously_allow_html", "dangerouslySetInnerHTML", "srcDoc", "dangerously_allow_code"}
RAW_TAGS = ("<script", "<img", "<svg", "<b>", "<iframe")


@pytest.fixture(scope="module")
def dashboard_store_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    hostile.load(db.open_store(url), tmp_path_factory.mktemp("inbox"))
    return url


@pytest.fixture(scope="module")
def app_client(dashboard_store_url):
    app = create_app(dashboard_store_url)
    return app, client_as(app, db.open_store(dashboard_store_url), ADMIN, "admin-xss")


def _ids(url: str) -> tuple[int, int]:
    from alerts.tables import alert

    with db.open_store(url).connect() as conn:
        return (conn.scalar(select(pay.c.id).where(pay.c.voucher_no == "V2")),
                conn.scalar(select(alert.c.id).where(alert.c.region_code == hostile.COUNTY)))


def _walk(node, found: dict) -> None:
    """Every component type, property name, figure trace text and grid column definition in a JSON answer."""
    if isinstance(node, dict):
        if "type" in node and "namespace" in node and "props" in node:
            found["types"].add(node["type"])
        for key, value in node.items():
            found["props"].add(key)
            if key == "data" and isinstance(value, list) and value and isinstance(value[0], dict) \
                    and "type" in value[0] and isinstance(value[0]["type"], str):  # plotly traces
                for trace in value:
                    for field in ("labels", "x", "y", "text", "ids", "customdata"):
                        found["figure_text"] += [v for v in trace.get(field) or [] if isinstance(v, str)]
            if key == "columnDefs" and isinstance(value, list):
                found["columns"] += value
            _walk(value, found)
    elif isinstance(node, list):
        for item in node:
            _walk(item, found)
    elif isinstance(node, str):
        found["strings"].append(node)


def _inspect(response) -> dict:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = {"types": set(), "props": set(), "figure_text": [], "columns": [], "strings": []}
    _walk(json.loads(response.get_data(as_text=True)), found)
    assert not found["types"] & MARKUP_TYPES, found["types"]
    assert not found["props"] & MARKUP_PROPS
    assert not [c for c in found["columns"] if "cellRenderer" in c or "cellRendererSelector" in c]
    assert not [t for t in found["figure_text"] if any(tag in t for tag in RAW_TAGS)], found["figure_text"]
    return found


def test_callbacks_hand_hostile_names_to_text_only_components(app_client, dashboard_store_url):
    app, client = app_client
    voucher_id, alert_id = _ids(dashboard_store_url)
    seen: list[str] = []
    figures: list[str] = []
    for path, search in (("/execution", VIEW), ("/execution", f"{VIEW}&dept=012"),
                         ("/execution", f"{VIEW}&voucher={voucher_id}"), ("/alerts", f"{VIEW}&alert={alert_id}")):
        found = _inspect(post_callback(client, app, "dash.dash.update", [path, f"?{search}"]))
        seen += found["strings"]
    for dept in (None, "012"):
        view = {"date": DAY, "region": hostile.COUNTY, "fund_type": None, "path": [["dept", dept]] if dept else []}
        for function in ("dashboard.pages.execution.show_level", "dashboard.pages.execution.show_member"):
            found = _inspect(post_callback(client, app, function, [view]))
            seen += found["strings"]
            figures += found["figure_text"]
    overview = _inspect(post_callback(client, app, "dashboard.pages.overview.show_behind",
                                      [{"date": DAY, "region": hostile.COUNTY}]))
    figures += overview["figure_text"]
    alerts_view = {"date": DAY, "region": hostile.COUNTY, "severities": [], "category": None, "rule": None,
                   "dept": None, "status": None, "alert": str(alert_id)}
    for function, inputs, state in (("dashboard.pages.alerts.show_list", [alerts_view, 0], []),
                                    ("dashboard.pages.alerts.show_detail", [alerts_view, 0], []),
                                    ("dashboard.pages.alerts.show_history", [[]], [alerts_view])):
        seen += _inspect(post_callback(client, app, function, inputs, state))["strings"]
    scope = {"region": hostile.COUNTY, "start": "2026-01-01", "end": DAY, "within": {}, "fund_type": None,
             "econ_codes": []}
    seen += _inspect(post_callback(client, app, "dashboard.voucher_grid.serve_block", [
        {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}], [scope, {}],
        {"table": "execution-vouchers"}))["strings"]
    seen += _inspect(client.get("/_dash-layout"))["strings"]
    for text in (*hostile.HOSTILE, hostile.ALERT_NOTE):  # each arrives whole, as a plain string value
        assert any(text in s for s in seen), text
    escaped = {hostile.SCRIPT.replace("<", "&lt;").replace(">", "&gt;"),
               hostile.IMG.replace("<", "&lt;").replace(">", "&gt;")}
    assert escaped <= set(figures)  # figure labels: escaped, so plotly draws them as written


# In a real browser -------------------------------------------------------------------------------------------
def _no_dialog(browser) -> None:
    """No alert dialog opened and no element was made from the hostile text."""
    try:
        text = browser.driver.switch_to.alert.text
    except NoAlertPresentException:
        assert _injected(browser) == 0
        return
    pytest.fail(f"a dialog opened: {text}")


def _injected(browser) -> int:
    """Elements the hostile text would have made had it been parsed as HTML."""
    return browser.driver.execute_script(
        "return document.querySelectorAll('img[src=\"x\"], iframe, svg[onload]').length"
        " + Array.from(document.scripts).filter(s => s.textContent.includes('alert(')).length"
        " + Array.from(document.querySelectorAll('b')).filter(b => b.textContent === '甲县').length;")


def _plot_text(browser) -> list[str]:
    return browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('.js-plotly-plot text')).map(t => t.textContent);")


def test_a_browser_runs_none_of_it_and_shows_it_literally(browser, dashboard_store_url):
    voucher_id, alert_id = _ids(dashboard_store_url)
    browser.open(f"/execution?{VIEW}", "预算执行")
    _no_dialog(browser)
    assert [r["name"] for r in browser.grid_rows("execution-table")] == [hostile.IMG]
    assert any(t.startswith(hostile.IMG) for t in _plot_text(browser))
    assert browser.value("region").strip() == hostile.REGION

    browser.open(f"/execution?{VIEW}&dept=012", "预算执行")
    _no_dialog(browser)
    assert [r["name"] for r in browser.grid_rows("execution-table")] == [hostile.SCRIPT]
    assert any(t.startswith(hostile.SCRIPT) for t in _plot_text(browser))
    rows = browser.grid_rows("execution-vouchers")
    assert {r["unit_name"] for r in rows} == {hostile.SCRIPT}
    assert {hostile.IMG, hostile.FORMULAS[0]} <= {r["payee_name"] for r in rows}
    assert hostile.SVG in {r["purpose"] for r in rows}

    browser.open(f"/execution?{VIEW}&dept=012&voucher={voucher_id}", "预算执行")
    _no_dialog(browser)
    detail = browser.text("voucher-detail")
    assert hostile.IMG in detail and hostile.SVG in detail and hostile.SCRIPT in detail

    browser.open(f"/?{VIEW}", "总览")
    _no_dialog(browser)
    assert hostile.IMG in _plot_text(browser)

    browser.open(f"/alerts?{VIEW}&alert={alert_id}", "预警中心")
    _no_dialog(browser)
    facts = browser.text("alert-facts")
    assert hostile.SCRIPT in facts and hostile.IMG in facts
    history = browser.grid_rows("alerts-history")
    assert any(hostile.ALERT_NOTE in " ".join(r.values()) for r in history)
    assert any(hostile.SVG in " ".join(r.values()) for r in history)  # who made the change
    assert browser.console_errors() == []
