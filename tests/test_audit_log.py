"""The audit log: logins (and failed ones), logouts, page views, exports, ingest runs and user changes are
recorded with who, when, from where and with what; the 审计日志 page searches them by user, action and date
and exports them formula-safe through the same writer as every export."""
from __future__ import annotations

import base64
import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from auth import audit
from auth.principal import ADMIN, MEMBER
from auth.tables import audit_log
from dashboard import create_app
from ingest.load import ingest_dates
from tests import deliveries
from tests.auth_support import csrf, download_body, login, logged_in, make_user, router_body
from tests.dashboard_store import D2, TOP, fill_feed
from warehouse.db import open_store

VIEW = f"?date={D2}&region={TOP}"


@pytest.fixture
def engine(store_url):
    engine = open_store(store_url)
    fill_feed(engine)
    return engine


@pytest.fixture
def app(store_url, engine):
    return create_app(store_url)


def _rows(engine, action: str) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.action == action)
                                              .order_by(audit_log.c.id)).mappings()]


def _download(client, table: str, fmt: str, search: str = "") -> bytes:
    response = client.post("/_dash-update-component", json=download_body(table, fmt, search), headers=csrf(client))
    assert response.status_code == 200, response.get_data(as_text=True)
    sent = response.get_json()["response"][f'{{"fmt":"{fmt}","table":"{table}","type":"download"}}']["data"]
    return base64.b64decode(sent["content"])


def test_logins_failed_logins_and_logouts_are_recorded_with_who_and_where(app, engine):
    make_user(engine, MEMBER, "li")
    client = app.server.test_client()
    login(client, "li", "Wrong-password-1")
    login(client, "li")
    client.post("/logout", headers=csrf(client))
    failed, = _rows(engine, audit.LOGIN_FAILED)
    assert failed["username"] == "li" and failed["params"] == {"reason": "wrong_password"}
    assert failed["ip"] == "127.0.0.1"
    logged, = _rows(engine, audit.LOGIN)
    assert (logged["username"], logged["role"]) == ("li", MEMBER)
    out, = _rows(engine, audit.LOGOUT)
    assert out["username"] == "li" and out["at"] >= logged["at"]


def test_page_views_and_exports_are_recorded_with_their_parameters(app, engine):
    client = logged_in(app, engine, MEMBER, "li")
    drawn = client.post("/_dash-update-component", json=router_body("/ingest", VIEW), headers=csrf(client))
    assert drawn.status_code == 200
    view, = _rows(engine, audit.PAGE_VIEW)
    assert (view["username"], view["target"], view["params"]) == ("li", "/ingest", {"search": VIEW})
    file = _download(client, "ingest-files", "csv", VIEW)
    assert file.decode("utf-8-sig").startswith("business_date,")
    export, = _rows(engine, audit.EXPORT)
    assert export["target"] == "ingest-files" and export["username"] == "li"
    assert export["params"]["format"] == "csv" and export["params"]["rows"] == 3
    assert export["params"]["view"] == {"date": D2.isoformat(), "region": TOP}


def test_an_ingest_run_is_recorded_whoever_started_it(store_url, tmp_path):
    engine = open_store(store_url)
    deliveries.deliver(tmp_path / "inbox", deliveries.D1, deliveries.base_rows())
    result = ingest_dates(engine, tmp_path / "inbox", [deliveries.D1], run_by="clerk")
    run, = _rows(engine, audit.INGEST)
    assert run["username"] == "clerk" and run["params"]["run_id"] == result.run_id
    assert run["params"]["status"] == "completed" and run["params"]["loaded"] == result.count("loaded") > 0
    assert run["params"]["date_from"] == deliveries.D1.isoformat()


def test_the_log_is_searched_by_user_action_and_date_range(engine):
    day = dt.datetime(2026, 5, 10, 9, 30)
    audit.record(engine, audit.LOGIN, username="li", at=day)
    audit.record(engine, audit.EXPORT, username="li", target="debt-bonds", at=day + dt.timedelta(days=1))
    audit.record(engine, audit.LOGIN, username="wang", at=day + dt.timedelta(days=2))
    assert audit.search(engine, username="li")[0] == 2
    assert [r["username"] for r in audit.search(engine, action=audit.LOGIN)[1]] == ["wang", "li"]  # newest first
    total, rows = audit.search(engine, date_from=dt.date(2026, 5, 11), date_to=dt.date(2026, 5, 11))
    assert total == 1 and rows[0]["target"] == "debt-bonds"
    assert audit.search(engine, username="li", action=audit.LOGIN, date_to=dt.date(2026, 5, 9)) == (0, [])
    assert audit.usernames(engine) == ["li", "wang"]


def test_the_export_holds_every_match_and_no_cell_becomes_a_formula(app, engine):
    client = app.server.test_client()
    login(client, "=HYPERLINK(\"http://x\")", "Wrong-password-1")  # a name typed to attack the spreadsheet
    member = logged_in(app, engine, MEMBER, "li")
    with engine.begin() as conn:  # the failed login happened long ago: outside a search of today
        conn.execute(update(audit_log).where(audit_log.c.action == audit.LOGIN_FAILED)
                     .values(at=dt.datetime(2026, 1, 2, 3, 4, 5)))
    text = _download(member, "audit-log-table", "csv", "?action=login_failed").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["username"] for r in rows] == ["'=HYPERLINK(\"http://x\")"]
    assert rows[0]["action"] == "登录失败" and rows[0]["at"] == "2026-01-02 03:04:05"
    book = load_workbook(io.BytesIO(_download(member, "audit-log-table", "xlsx", "?user=li")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header == ["时间", "用户", "角色", "操作", "对象", "参数", "地址"]
    actions = [sheet.cell(row=i, column=4).value for i in range(2, sheet.max_row + 1)]
    assert actions == ["导出", "登录"]  # newest first: the CSV export just made is in the log too
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    nothing = _download(member, "audit-log-table", "csv", "?action=login_failed&from=2026-02-01&to=2026-12-31")
    assert nothing.decode("utf-8-sig").strip() == "at,username,role,action,target,params,ip"


def test_only_admins_and_members_read_the_log(app, engine):
    admin = logged_in(app, engine, ADMIN)
    assert admin.get("/audit-log" + VIEW).status_code == 200
    from auth.principal import DEPUTY
    deputy = logged_in(app, engine, DEPUTY)
    assert deputy.post("/_dash-update-component", json=download_body("audit-log-table"),
                       headers=csrf(deputy)).status_code == 403
