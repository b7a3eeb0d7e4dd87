"""Voucher lists on a real store: keyset pages that add up to the whole sorted list, the grid's filters as
bound parameters, the capped count, the vouchers an alert names — and the list under a member is exactly
the vouchers its `spent` sums."""
import datetime as dt
from decimal import Decimal

import pytest

from dashboard.queries.vouchers import (FilterError, VoucherScope, sort_of, voucher, voucher_count, voucher_page,
                                        vouchers_by_ref)
from indicators.execution import execution
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)
TOP, START = "419900", dt.date(2026, 1, 1)


def build(engine) -> None:
    b = city(Builder(engine))
    b.quota("Q1", "100001", "9000000", "2026-01-05", func_code="2050201", econ_code="30201")
    b.quota("Q2", "300001", "9000000", "2026-01-05", func_code="2120101", econ_code="30217")
    b.quota("Q0", "100001", "100", "2025-01-05")
    amounts = ["100.00", "250.50", "250.50", "99.99", "1000000.00", "7.07", "250.50", "12.34"]
    for n, amount in enumerate(amounts):
        b.pay(f"A{n}", "Q1", amount, f"2026-0{1 + n % 6}-{10 + n:02d}", payee=f"甲公司{n % 3}")
    b.pay("B%_1", "Q2", "500", "2026-03-03", payee="乙_公司%")  # LIKE wildcards in the data
    b.pay("OLD", "Q0", "50", "2025-12-31")  # last year
    b.pay("LATE", "Q1", "60", "2026-07-01")  # after D


def walk(engine, scope, sort=("pay_date", "desc"), filters=None, size=3):
    """Every page of the list, by key; returns voucher numbers page by page."""
    pages, after = [], None
    while True:
        rows, after = voucher_page(engine, scope, sort, filters, after, limit=size)
        pages.append([r["voucher_no"] for r in rows])
        if after is None:
            return pages


def test_keyset_pages_add_up_to_the_whole_list_in_every_sort_order(store_any):
    build(store_any)
    scope = VoucherScope(TOP, START, D)
    pages = walk(store_any, scope)
    assert [len(p) for p in pages] == [3, 3, 3]
    assert [v for p in pages for v in p] == ["A5", "A4", "A3", "A2", "B%_1", "A7", "A1", "A6", "A0"]
    by_amount = [v for p in walk(store_any, scope, ("pay_amount", "asc"), size=2) for v in p]
    assert by_amount == ["A5", "A7", "A3", "A0", "A1", "A2", "A6", "B%_1", "A4"]  # ties (250.50) by row id
    down = [v for p in walk(store_any, scope, ("pay_amount", "desc"), size=2) for v in p]
    assert down == list(reversed(by_amount))
    assert voucher_count(store_any, scope) == 9 and voucher_count(store_any, scope, cap=4) == 5


def test_a_short_list_found_through_its_quotas_and_a_long_one_by_the_amount_index_page_alike(store_any):
    """dashboard.queries.vouchers plans a page from the per-class voucher counts: a list of few vouchers among
    many is collected through its quotas, a long one sorted by amount walks the amount index. Either way the
    pages are the list in key order, and the count is the list's length."""
    build(store_any)
    short = VoucherScope(TOP, START, D, econ_codes=("30217",))  # 1 of 9 vouchers: through quota Q2
    assert [v for p in walk(store_any, short, size=1) for v in p] == ["B%_1"]
    assert [v for p in walk(store_any, short, ("pay_amount", "desc"), size=1) for v in p] == ["B%_1"]
    assert voucher_count(store_any, short) == 1
    long = VoucherScope(TOP, START, D, fund_type="一般公共预算")  # all 9: 9² > 2 × 10, walks the amounts
    down = [v for p in walk(store_any, long, ("pay_amount", "desc"), size=1) for v in p]
    assert down == ["A4", "B%_1", "A6", "A2", "A1", "A0", "A3", "A7", "A5"] and voucher_count(store_any, long) == 9


def test_the_list_under_a_member_is_what_its_spent_sums(store_any):
    build(store_any)
    for within in ({"unit": "300001"}, {"dept": "100", "unit": "100001", "func": "2050201", "econ": "30201",
                                        "quota": "Q1"}):
        rows, _ = voucher_page(store_any, VoucherScope(TOP, START, D, within), limit=1000)
        level = "quota" if "quota" in within else "unit"
        [member] = [r for r in execution(store_any, D, TOP, level, within={k: v for k, v in within.items()
                                                                             if k != level})
                    if r["code"] == within[level]]
        assert sum(r["amount_fen"] for r in rows) == member["spent"]
    rows, _ = voucher_page(store_any, VoucherScope("419901", START, D), limit=1000)
    assert [r["voucher_no"] for r in rows] == ["B%_1"]
    rows, _ = voucher_page(store_any, VoucherScope(TOP, START, D, econ_codes=("30217",)), limit=1000)
    assert [r["voucher_no"] for r in rows] == ["B%_1"]


def test_filters_reach_the_database_as_values_and_refuse_what_they_cannot_do(store_any):
    build(store_any)
    scope = VoucherScope(TOP, START, D)

    def numbers(model):
        return sorted(v for p in walk(store_any, scope, filters=model, size=50) for v in p)

    assert numbers({"payee_name": {"filterType": "text", "type": "contains", "filter": "_公司%"}}) == ["B%_1"]
    assert numbers({"payee_name": {"filterType": "text", "type": "startsWith", "filter": "甲公司1"}}) == ["A1", "A4", "A7"]
    assert numbers({"pay_amount": {"filterType": "number", "type": "inRange", "filter": 99.99,
                                   "filterTo": "250.5"}}) == ["A0", "A1", "A2", "A3", "A6"]
    assert numbers({"pay_amount": {"filterType": "number", "operator": "OR", "conditions": [
        {"type": "lessThan", "filter": 10}, {"type": "greaterThanOrEqual", "filter": 1000000}]}}) == ["A4", "A5"]
    assert numbers({"pay_date": {"filterType": "date", "type": "equals", "dateFrom": "2026-03-03 00:00:00"}}) == [
        "B%_1"]
    assert numbers({"voucher_no": {"filterType": "text", "type": "equals", "filter": "x' OR '1'='1"}}) == []
    with pytest.raises(FilterError):
        voucher_page(store_any, scope, filter_model={"amount_fen": {"type": "equals", "filter": 1}})
    with pytest.raises(FilterError):
        voucher_page(store_any, scope, filter_model={"pay_amount": {"type": "equals", "filter": "1e"}})
    assert sort_of([{"colId": "payee_account; DROP TABLE pay", "sort": "asc"}]) == ("pay_date", "desc")
    assert sort_of([{"colId": "pay_amount", "sort": "asc"}]) == ("pay_amount", "asc")


def test_a_voucher_and_the_vouchers_an_alert_names(store_any):
    build(store_any)
    rows, _ = voucher_page(store_any, VoucherScope(TOP, START, D), filter_model={
        "voucher_no": {"filterType": "text", "type": "equals", "filter": "A4"}})
    one = voucher(store_any, rows[0]["id"])
    assert (one["voucher_no"], one["amount_fen"], one["unit_name"], one["econ_code"]) == (
        "A4", fen("1000000.00"), "市教育局", "30201")
    assert voucher(store_any, 10 ** 9) is None
    named = vouchers_by_ref(store_any, [(TOP, "A4"), ("419901", "B%_1"), (TOP, "OLD"), (TOP, "nope")])
    assert [r["voucher_no"] for r in named] == ["OLD", "B%_1", "A4"]
    assert Decimal(named[0]["amount_fen"]) == 5000
