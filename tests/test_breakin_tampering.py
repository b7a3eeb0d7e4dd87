"""A deputy of 东县 tries to read 西县 and the city through the running app: tampered callback inputs, page
links (`?region=`, `?voucher=`), voucher-list scopes and cursors, export parameters, alert ids and briefing
file names. Logged in through the real /login form (tests.auth_support); every request goes through
create_app()'s server as a browser's would.

Every way in must answer 403 or nothing: no response may carry a name of 西县's (its region, unit, payee)
or of the city's own unit.
"""
from __future__ import annotations

import base64
import datetime as dt
import json
import os

import dash
import pytest
from flask import g

from auth.principal import DEPUTY, LIAISON, MEMBER, Principal
from dashboard import create_app, roles
from tests import scope_city as city
from tests.breakin_support import Wildcard, client_as, entry_of, post_callback
from warehouse import db

FOREIGN = ("西县", city.NAMES[city.WEST], city.PAYEES[city.WEST], city.NAMES[city.TOP], city.PAYEES[city.TOP])
DAY = city.DAY.isoformat()


@pytest.fixture(scope="module")
def setup(module_store_url, tmp_path_factory):
    url = module_store_url
    engine = db.open_store(url)
    city.fill(engine)
    folder = tmp_path_factory.mktemp("briefings")
    for region in (city.EAST, city.WEST):
        (folder / f"2026Q1_{region}_预算执行情况简报.docx").write_bytes(f"briefing of {region}".encode())
    before, os.environ["BUDGET_BRIEFING_DIR"] = os.environ.get("BUDGET_BRIEFING_DIR"), str(folder)
    app = create_app(url)
    deputy = client_as(app, engine, DEPUTY, "east-deputy", regions=[city.EAST])
    member = client_as(app, engine, MEMBER, "member")
    yield app, engine, deputy, member
    if before is None:
        os.environ.pop("BUDGET_BRIEFING_DIR", None)
    else:
        os.environ["BUDGET_BRIEFING_DIR"] = before
    engine.dispose()


def _text(response) -> str:
    """The response as text with its JSON unescaped, so a Chinese name is found as written."""
    text = response.get_data(as_text=True)
    try:
        return json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return text


def _no_foreign(response) -> str:
    text = _text(response)
    leaked = [name for name in FOREIGN if name in text]
    assert not leaked, (leaked, text[:500])
    return text


def _nothing(response) -> None:
    """Dash's answer to a callback that updates nothing: 204, or an empty response."""
    assert response.status_code == 204 or (response.status_code == 200 and json.loads(
        response.get_data(as_text=True))["response"] == {}), response.get_data(as_text=True)[:300]


def _refused(response) -> None:
    assert response.status_code == 403, response.get_data(as_text=True)[:300]
    _no_foreign(response)


# Callback inputs ------------------------------------------------------------------------------------------------
REGIONLESS = {"dashboard.pages.debt.show_schedule"}  # reads the view's bond only (test_a_bond_of_another_region…)


def _deputy_pages() -> list[dict]:
    return [p for p in dash.page_registry.values() if DEPUTY in roles.PAGE_ROLES.get(p["path"], ())]


def _view_callbacks(app) -> list[tuple[str, str, str]]:
    """(page path, view store id, callback) of every callback a deputy's page drives from its view store."""
    out = []
    for page in _deputy_pages():
        for entry in app.callback_map.values():
            fn = entry.get("callback")
            ids = [i["id"] for i in entry["inputs"]]
            if fn is not None and fn.__module__ == page["module"] and ids[0].endswith("-view"):
                out.append((page["path"], ids[0], f"{fn.__module__}.{fn.__name__}"))
    return out


def _view_of(app, path: str, store_id: str, region: str, **query) -> dict:
    """The view a page puts in its store for the link `path?date=DAY&region=…` (as a member opens it)."""
    page = next(p for p in dash.page_registry.values() if p["path"] == path)
    with app.server.test_request_context("/"):
        g.principal = Principal("member", MEMBER)
        layout = page["layout"](date=DAY, region=region, **query)
    found = [c for c in layout._traverse() if getattr(c, "id", None) == store_id]
    assert found, (path, store_id)
    return found[0].data


def test_every_view_callback_of_a_deputys_pages_refuses_another_region(setup):
    app, engine, deputy, _ = setup
    query = {"/alerts": {"alert": str(city.alert_ids(engine)[city.EAST])}}  # a view with an alert open
    callbacks = _view_callbacks(app)
    assert {path for path, _, _ in callbacks} >= {"/", "/execution", "/sangong", "/debt", "/revenue", "/audit",
                                                   "/state-assets", "/projects", "/alerts"}
    for path, store_id, function in callbacks:
        extra = [0] * (len(entry_of(app, function)[1]["inputs"]) - 1)  # e.g. the alerts' change counter
        state = [None] * len(entry_of(app, function)[1].get("state", []))
        view = _view_of(app, path, store_id, city.EAST, **query.get(path, {}))
        own = post_callback(deputy, app, function, [view, *extra], state)
        assert own.status_code in (200, 204), (function, own.get_data(as_text=True)[:300])
        _no_foreign(own)
        for other in (city.WEST, city.TOP):
            tampered = {**view, "region": other}
            response = post_callback(deputy, app, function, [tampered, *extra], state)
            if function in REGIONLESS:
                assert response.status_code in (200, 204) and _no_foreign(response)
            else:
                _refused(response)


def test_the_same_callbacks_answer_a_member_for_every_region(setup):
    app, _, _, member = setup
    response = post_callback(member, app, "dashboard.pages.overview.show_kpis",
                             [_view_of(app, "/", "overview-view", city.WEST)])
    assert response.status_code == 200
    response = post_callback(member, app, "dashboard.pages.execution.show_level",
                             [_view_of(app, "/execution", "execution-view", city.WEST)])
    assert city.NAMES[city.WEST] in _text(response)


def test_a_drill_path_naming_another_regions_unit_or_department_is_refused(setup):
    app, _, deputy, _ = setup
    for level, code in (("dept", city.DEPTS[city.WEST]), ("dept", city.DEPTS[city.TOP])):
        view = {**_view_of(app, "/execution", "execution-view", city.EAST), "path": [[level, code]]}
        for function in ("dashboard.pages.execution.show_member", "dashboard.pages.execution.show_level"):
            _refused(post_callback(deputy, app, function, [view]))


def test_a_bond_of_another_region_has_no_schedule(setup):
    app, _, deputy, _ = setup
    view = _view_of(app, "/debt", "debt-view", city.EAST, bond=f"B{city.WEST}")
    response = post_callback(deputy, app, "dashboard.pages.debt.show_schedule", [view])
    assert response.status_code == 200
    assert json.loads(_no_foreign(response))["response"]["debt-schedule"]["rowData"] == []


# Page links ------------------------------------------------------------------------------------------------------
def test_a_link_naming_another_region_is_refused_and_no_region_means_the_deputys(setup):
    app, _, deputy, _ = setup
    for path in ("/", "/execution", "/debt", "/alerts", "/briefings"):
        _refused(deputy.get(f"{path}?date={DAY}&region={city.WEST}"))
        _refused(deputy.get(f"{path}?date={DAY}&region={city.TOP}"))
        assert deputy.get(f"{path}?date={DAY}&region={city.TOWN}").status_code == 200
    response = deputy.get("/execution")
    assert response.status_code == 302 and f"region={city.EAST}" in response.headers["Location"]


def test_the_region_selector_offers_only_the_deputys_regions(setup):
    app, _, deputy, _ = setup
    layout = deputy.get("/_dash-layout")
    assert layout.status_code == 200
    text = _text(layout)
    assert city.EAST in text and city.TOWN in text and city.WEST not in text and "示范市" not in text


def test_the_page_router_draws_no_voucher_of_another_region_named_in_the_link(setup):
    app, engine, deputy, member = setup
    ids = city.voucher_ids(engine)
    for region in (city.WEST, city.TOP):
        search = f"?date={DAY}&region={city.EAST}&voucher={ids[region]}"
        response = post_callback(deputy, app, "dash.dash.update", ["/execution", search])
        assert response.status_code == 200
        _no_foreign(response)
        assert '"opened": true' not in _text(response)
    own = post_callback(deputy, app, "dash.dash.update", ["/execution", f"?date={DAY}&region={city.EAST}"
                                                          f"&voucher={ids[city.TOWN]}"])
    assert city.PAYEES[city.TOWN] in _text(own)


# Voucher lists: scope, cursors, block parameters ------------------------------------------------------------------
TABLE = {"table": "execution-vouchers"}


def _scope(region: str, **extra) -> dict:
    return {"region": region, "start": "2026-01-01", "end": DAY, "within": {}, "fund_type": None,
            "econ_codes": [], **extra}


def _block(client, app, scope: dict, cursors: dict | None = None, **request):
    ask = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}, **request}
    return post_callback(client, app, "dashboard.voucher_grid.serve_block", [ask], [scope, cursors or {}], TABLE)


def _regions(rows: list[dict]) -> set[str]:
    """The regions of the grid's voucher rows (by their unit's name)."""
    return {next(r for r, name in city.NAMES.items() if name == row["unit_name"]) for row in rows}


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = json.loads(response.get_data(as_text=True))["response"]
    return next(v for k, v in answer.items() if '"vouchers"' in k)["getRowsResponse"]["rowData"]


def test_a_voucher_list_scope_of_another_region_is_refused(setup):
    app, _, deputy, _ = setup
    assert _regions(_rows(_block(deputy, app, _scope(city.EAST)))) == {city.EAST, city.TOWN}
    for scope in (_scope(city.WEST), _scope(city.TOP), _scope(city.EAST, within={"unit": city.UNITS[city.WEST]}),
                  _scope(city.EAST, within={"dept": city.DEPTS[city.TOP]})):
        _refused(_block(deputy, app, scope))


def test_a_cursor_or_filter_aimed_at_another_regions_vouchers_finds_none_of_them(setup):
    app, engine, deputy, _ = setup
    ids = city.voucher_ids(engine)
    west_no = f"V{city.UNITS[city.WEST]}-1"
    cursors = {"query": None, "cursors": {"100": ["2026-01-01", ids[city.WEST]]}}
    for request in ({"startRow": 100, "endRow": 200}, {"filterModel": {"voucher_no": {
            "filterType": "text", "type": "equals", "filter": west_no}}}):
        response = _block(deputy, app, _scope(city.EAST), cursors, **request)
        assert _regions(_rows(response)) <= {city.EAST, city.TOWN}
        _no_foreign(response)
    key = json.dumps([_scope(city.EAST), ["pay_date", "desc"], {}], sort_keys=True, ensure_ascii=False)
    forged = {"query": key, "cursors": {"1": ["2026-12-31", ids[city.WEST]]}}  # a key of 西县's voucher
    response = _block(deputy, app, _scope(city.EAST), forged, startRow=1, endRow=101)
    assert _regions(_rows(response)) == {city.EAST, city.TOWN}


def test_malformed_block_parameters_are_answered_with_a_message_not_an_error(setup):
    app, _, deputy, _ = setup
    for request in ({"startRow": "x"}, {"startRow": -5}, {"endRow": 10 ** 12}, {"filterModel": ["voucher_no"]},
                    {"filterModel": {"voucher_no": "x"}}):
        response = _block(deputy, app, _scope(city.EAST), **request)
        assert _rows(response) == []
    tolerated = _rows(_block(deputy, app, _scope(city.EAST), sortModel="pay_date"))  # the default order
    assert _regions(tolerated) == {city.EAST, city.TOWN}
    for scope in ({"region": [city.WEST]}, {**_scope(city.EAST), "start": "yesterday"}, {"oops": 1},
                  _scope(city.EAST, within=[["unit", city.UNITS[city.WEST]]])):
        response = _block(deputy, app, scope)
        assert response.status_code == 200 and _rows(response) == []
    for cursors in ({"query": "x", "cursors": {"abc": 1}}, ["not", "a", "dict"],
                    {"query": json.dumps([_scope(city.EAST), ["pay_date", "desc"], {}], sort_keys=True,
                                         ensure_ascii=False), "cursors": {"1": ["not-a-date", "1 OR 1=1"]}}):
        response = _block(deputy, app, _scope(city.EAST), cursors, startRow=1, endRow=50)
        assert _regions(_rows(response)) <= {city.EAST, city.TOWN}


# Exports ---------------------------------------------------------------------------------------------------------
def _download(client, app, table: str, args, search: str, fmt: str = "csv"):
    return post_callback(client, app, "dashboard.exports.download", [1], [args, search],
                         {"table": table, "fmt": fmt})


def _file(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    data = json.loads(response.get_data(as_text=True))["response"]
    return base64.b64decode(next(iter(data.values()))["data"]["content"]).decode("utf-8-sig")


def test_export_parameters_naming_another_region_are_refused(setup):
    app, _, deputy, _ = setup
    own = f"?date={DAY}&region={city.EAST}"
    text = _file(_download(deputy, app, "execution-table", None, own))
    assert city.NAMES[city.EAST] in text and not any(name in text for name in FOREIGN)
    vouchers = {"scope": _scope(city.EAST), "sort": ["pay_date", "desc"], "filter": {}}
    assert city.PAYEES[city.TOWN] in _file(_download(deputy, app, "execution-vouchers", vouchers, own))
    for table, args in (("execution-table", None), ("overview-behind", None), ("debt-bonds", None),
                        ("alerts-list", None), ("audit-issues", None), ("projects-table", None)):
        for region in (city.WEST, city.TOP):
            _refused(_download(deputy, app, table, args, f"?date={DAY}&region={region}"))
    for scope in (_scope(city.WEST), _scope(city.EAST, within={"unit": city.UNITS[city.WEST]})):
        _refused(_download(deputy, app, "execution-vouchers", {**vouchers, "scope": scope}, own))


def test_malformed_export_parameters_give_no_file(setup):
    app, _, deputy, _ = setup
    own = f"?date={DAY}&region={city.EAST}"
    for args in ({"scope": _scope(city.EAST), "sort": ["amount; DROP TABLE pay", "asc"]}, {"scope": "x"},
                 {"scope": _scope(city.EAST), "sort": 7}, ["x"]):
        _nothing(_download(deputy, app, "execution-vouchers", args, own))
    assert _download(deputy, app, "no-such-table", None, own).status_code == 403  # no page's table: no role


# Alerts ----------------------------------------------------------------------------------------------------------
def _alerts_view(app, alert: int | None) -> dict:
    return {**_view_of(app, "/alerts", "alerts-view", city.EAST), "alert": None if alert is None else str(alert)}


def test_an_alert_of_another_region_named_by_id_shows_nothing(setup):
    app, engine, deputy, _ = setup
    ids = city.alert_ids(engine)
    detail = post_callback(deputy, app, "dashboard.pages.alerts.show_detail", [_alerts_view(app, ids[city.WEST]), 0])
    assert detail.status_code == 200 and "所选预警不在当前区划与日期的预警中" in _no_foreign(detail)
    _refused(post_callback(deputy, app, "dashboard.pages.alerts.show_history", [[]],
                           [_alerts_view(app, ids[city.WEST])]))
    own = post_callback(deputy, app, "dashboard.pages.alerts.show_history", [[]], [_alerts_view(app, ids[city.EAST])])
    assert own.status_code == 200 and "1 条记录" in _text(own)
    export = _file(_download(deputy, app, "alerts-history", None,
                             f"?date={DAY}&region={city.EAST}&alert={ids[city.WEST]}"))
    assert export.count("\n") == 1  # the header only


def test_a_liaison_records_a_reply_to_their_departments_alert_only(setup):
    from alerts import lifecycle

    app, engine, _, _ = setup
    ids = city.alert_ids(engine)
    at = dt.datetime(2026, 4, 1, 9, 0)
    for region in (city.EAST, city.WEST):
        lifecycle.acknowledge(engine, ids[region], "委员甲", at=at)
    lifecycle.assign(engine, ids[city.WEST], "委员甲", city.DEPTS[city.WEST], dt.date(2026, 4, 30), at=at)
    lifecycle.assign(engine, ids[city.EAST], "委员甲", city.DEPTS[city.EAST], dt.date(2026, 4, 30), at=at)
    liaison = client_as(app, engine, LIAISON, "west-liaison", dept_code=city.DEPTS[city.WEST])
    listed = post_callback(liaison, app, "dashboard.pages.alerts.show_list", [_alerts_view(app, None), 0])
    rows = json.loads(listed.get_data(as_text=True))["response"]["alerts-list"]["rowData"]
    assert [str(r["id"]) for r in rows] == [str(ids[city.WEST])]

    def reply(alert_id):
        return post_callback(liaison, app, "dashboard.pages.alerts.act",
                             [Wildcard(({"to": lifecycle.REPLIED}, 1))],
                             ["联络员乙", "已整改", None, None, _alerts_view(app, alert_id), 0])

    _refused(reply(ids[city.EAST]))
    assert lifecycle.history(engine, ids[city.EAST])[-1]["to_status"] == lifecycle.ASSIGNED  # nothing recorded
    assert reply(ids[city.WEST]).status_code == 200
    assert lifecycle.history(engine, ids[city.WEST])[-1]["to_status"] == lifecycle.REPLIED
    from auth import audit

    _, changes = audit.search(engine, action=audit.ALERT_CHANGE)
    assert [(c["username"], c["target"]) for c in changes] == [("west-liaison", f"alert {ids[city.WEST]}")]


# Briefings -------------------------------------------------------------------------------------------------------
def test_a_briefing_of_another_region_is_neither_listed_nor_downloaded(setup):
    app, _, deputy, _ = setup
    page = post_callback(deputy, app, "dash.dash.update", ["/briefings", f"?date={DAY}&region={city.EAST}"])
    assert f"2026Q1_{city.EAST}_" in page.get_data(as_text=True)
    assert f"2026Q1_{city.WEST}_" not in page.get_data(as_text=True)

    def download(name):
        return post_callback(deputy, app, "dashboard.pages.briefings.download",
                             [Wildcard(({"name": name}, 1))], [], {"name": name})

    own = download(f"2026Q1_{city.EAST}_预算执行情况简报.docx")
    assert own.status_code == 200 and base64.b64encode(f"briefing of {city.EAST}".encode()).decode() in \
        own.get_data(as_text=True)
    other = download(f"2026Q1_{city.WEST}_预算执行情况简报.docx")
    _nothing(other)
