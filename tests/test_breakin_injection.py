"""SQL injection through the voucher grid — AG Grid's infinite-model filterModel and sortModel — on SQLite and
PostgreSQL, through the running app and through the query functions directly.

A column name outside the whitelists is refused (or, for sorting, ignored in favour of the default order); a
typed value only ever becomes a bound parameter, so it matches literally (a quote, a LIKE wildcard, a SQL
comment match themselves). No answer is a server error or names any SQL, and the store is intact afterwards.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from auth.principal import MEMBER
from auth.tables import app_user
from dashboard import create_app
from dashboard.queries.vouchers import (DATE_FILTERS, NUMBER_FILTERS, SORTABLE, TEXT_FILTERS, FilterError,
                                        VoucherScope, voucher_count, voucher_page)
from indicators.explain import explain
from tests import scope_city as city
from tests.breakin_support import client_as, post_callback
from warehouse import db
from warehouse.schema import dm_region, dm_unit, pay

pytestmark = pytest.mark.long(1)  # minutes of a test worker under the full suite: started first

INJECTIONS = ("' OR '1'='1", "'; DROP TABLE pay; --", '" OR 1=1 --', "1); DELETE FROM pay; --",
              "%' UNION SELECT password_hash, 1 FROM app_user --", "\\'; --", "%", "_", "0 OR 1=1",
              "2026-03-11' OR '1'='1", "1e309", "NaN", "-Infinity", "1; SELECT pg_sleep(5)", "x\x00y",
              "$$; DROP TABLE pay; $$", "a" * 500)
BAD_COLUMNS = ("voucher_no; DROP TABLE pay; --", "1=1", "amount_fen", "id", "pay.amount_fen", "__class__", "")
SQL_WORDS = ("select", "drop", "delete", "union", "sqlite", "psycopg", "syntax", "traceback", "operationalerror",
             "programmingerror", "dataerror")
ALL_ROWS = 12
SCOPE = VoucherScope(city.TOP, city.DAY.replace(month=1, day=1), city.DAY)
PICKS = ("equals", "contains", "startsWith", "endsWith")  # keep rows that hold the text
SKIPS = ("notEqual", "notContains")  # keep rows that do not


@pytest.fixture(scope="module")
def setup(module_store_url):
    engine = db.open_store(module_store_url)
    city.fill(engine)
    app = create_app(module_store_url)
    client = client_as(app, engine, MEMBER, "member")
    yield app, engine, client
    engine.dispose()


def _intact(engine) -> None:
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(pay)) == ALL_ROWS
        assert conn.scalar(select(func.count()).select_from(dm_unit)) == len(city.UNITS)
        assert conn.scalar(select(func.count()).select_from(dm_region)) == 4
        assert conn.scalar(select(func.count()).select_from(app_user)) == 1


def _typed(value) -> list[str]:
    """Every string in what was sent (a refusal may quote it back to the reader)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*_typed(k), *_typed(v))]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _typed(v)]
    return []


def _silent(text: str, sent=None) -> None:
    """No SQL and no database error in what the server says, beyond what the request itself said."""
    for typed in sorted(_typed(sent), key=len, reverse=True):
        text = text.replace(typed, "")
    lowered = text.lower()
    assert not [w for w in SQL_WORDS if w in lowered], text[:300]


def _text_model(kind: str, value) -> dict:
    return {"filterType": "text", "type": kind, "filter": value}


# The query functions -----------------------------------------------------------------------------------------
def _count(engine, model: dict | None = None, sort=("pay_date", "desc")) -> int | None:
    """How many vouchers the filter keeps (page and count agree), None when refused."""
    try:
        rows, _ = voucher_page(engine, SCOPE, sort, model, limit=50)
        counted = voucher_count(engine, SCOPE, model)
    except FilterError as exc:
        _silent(str(exc), [model, sort])
        return None
    assert counted == len(rows)
    return counted


def test_typed_text_is_matched_literally_in_every_text_column(setup):
    _, engine, _ = setup
    for column in TEXT_FILTERS:
        for value in INJECTIONS:
            for kind in PICKS + SKIPS:
                found = _count(engine, {column: _text_model(kind, value)})
                if "\x00" in value or len(value) > 200:
                    assert found is None, (column, kind)
                else:
                    assert found == (0 if kind in PICKS else ALL_ROWS), (column, kind, value, found)
            for joined in ("AND", "OR"):
                model = {"filterType": "text", "operator": joined, "conditions": [
                    _text_model("contains", INJECTIONS[0]), _text_model("notContains", INJECTIONS[1])]}
                assert _count(engine, {column: model}) == (0 if joined == "AND" else ALL_ROWS)
    _intact(engine)


def test_typed_amounts_and_dates_are_numbers_and_dates_or_refused(setup):
    _, engine, _ = setup
    for column in NUMBER_FILTERS:
        for value in INJECTIONS:
            assert _count(engine, {column: {"filterType": "number", "type": "equals", "filter": value}}) is None
        assert _count(engine, {column: {"filterType": "number", "type": "lessThan", "filter": "1000.02"}}) == 4
    for column in DATE_FILTERS:
        for value in INJECTIONS:
            found = _count(engine, {column: {"filterType": "date", "type": "equals", "dateFrom": value}})
            assert found == (len(city.UNITS) if value.startswith("2026-03-11") else None), value  # the date only
    _intact(engine)


def test_unknown_columns_filter_types_and_shapes_are_refused(setup):
    _, engine, _ = setup
    for column in BAD_COLUMNS:
        assert _count(engine, {column: _text_model("equals", "x")}) is None
        assert _count(engine, {column: {"type": "blank"}}) is None
    for kind in ("equals' OR 1=1 --", "like", "__eq__", None, 1):
        assert _count(engine, {"voucher_no": _text_model(kind, "x")}) is None
        assert _count(engine, {"pay_amount": {"filterType": "number", "type": kind, "filter": 1}}) is None
    for model in ("voucher_no", ["voucher_no"], {"voucher_no": "' OR 1=1"}, {"voucher_no": {"operator": "OR"}},
                  {"voucher_no": {"operator": "OR", "conditions": [{"operator": "OR", "conditions": [
                      _text_model("equals", "x")]}]}}, {"voucher_no": {"conditions": "x"}}):
        assert _count(engine, model) is None, model
    for sort in (("amount_fen", "asc"), ("pay_date", "desc; DROP TABLE pay"), ("1=1", "asc"), ("pay_date",)):
        assert _count(engine, None, sort) is None
    _intact(engine)


def test_an_explain_scope_full_of_sql_finds_nothing_and_changes_nothing(setup):
    _, engine, _ = setup
    for value in INJECTIONS[:6]:
        shown = explain(engine, "execution.spent", {"level": "unit", "code": value, "region": city.TOP}, city.DAY)
        assert shown["value"] == 0 and shown["numerator"]["parts"][0]["rows"] == []
    _intact(engine)


# Through the running app -------------------------------------------------------------------------------------
def _ask(app, client, **request):
    scope = {"region": city.TOP, "start": "2026-01-01", "end": city.DAY.isoformat(), "within": {},
             "fund_type": None, "econ_codes": []}
    ask = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}, **request}
    response = post_callback(client, app, "dashboard.voucher_grid.serve_block", [ask], [scope, {}],
                             {"table": "execution-vouchers"})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = json.loads(response.get_data(as_text=True))["response"]
    rows = next(v for k, v in answer.items() if '"vouchers"' in k)["getRowsResponse"]["rowData"]
    note = next((v["children"] for k, v in answer.items() if '"voucher-count"' in k), "")
    _silent(note, request)  # what the reader is told; the rest echoes what was sent (the export's arguments)
    return rows, note


def test_every_grid_filter_and_sort_field_posted_to_the_app_is_bound_or_refused(setup):
    app, engine, client = setup
    everything, note = _ask(app, client)
    assert len(everything) == ALL_ROWS and note == f"共 {ALL_ROWS} 条凭证"
    for column in TEXT_FILTERS:
        for value in INJECTIONS[:8]:
            rows, note = _ask(app, client, filterModel={column: _text_model("contains", value)})
            assert rows == [] and note == "共 0 条凭证", (column, value)
            rows, _ = _ask(app, client, filterModel={column: _text_model("notEqual", value)})
            assert len(rows) == ALL_ROWS
    for column in (*NUMBER_FILTERS, *BAD_COLUMNS):
        rows, note = _ask(app, client, filterModel={column: {"filterType": "number", "type": "equals",
                                                            "filter": INJECTIONS[0]}})
        assert rows == [] and note  # refused with a message for the reader
    for column in (*BAD_COLUMNS, *INJECTIONS[:4]):
        for direction in ("asc", "desc", "desc; DROP TABLE pay"):
            rows, _ = _ask(app, client, sortModel=[{"colId": column, "sort": direction}])
            assert [r["id"] for r in rows] == [r["id"] for r in everything]  # ignored: the default order
    for column in SORTABLE:
        rows, _ = _ask(app, client, sortModel=[{"colId": column, "sort": "asc"}],
                       filterModel={"payee_name": _text_model("equals", "' OR '1'='1")})
        assert rows == []
    _intact(engine)
