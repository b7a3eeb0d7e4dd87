"""explain(): the value matches the calculator's, the listed rows add up to each part, and keyset paging walks
every row exactly once in (date, id) order — for every family, on the hand-computed stores of their tests."""
import datetime as dt
from decimal import Decimal

import pytest

from indicators.assets import assets
from indicators.audit import audit
from indicators.debt import debt
from indicators.execution import execution
from indicators.explain import explain
from indicators.export import format_value
from indicators.projects import projects
from indicators.registry import FAMILIES
from indicators.revenue import revenue
from indicators.sangong import sangong
from indicators.scope import ScopeError
from tests import test_assets, test_audit, test_debt, test_execution, test_projects, test_revenue, test_sangong

D = dt.date(2026, 6, 30)


def all_rows(engine, indicator, scope, part, day=D):
    """Every row of one part, page by page (2 a page)."""
    rows, after = [], None
    while True:
        page = explain(engine, indicator, scope, day, page_size=2, after=after, part=part)
        rows += page["rows"]
        after = page["next_after"]
        if after is None:
            return rows


def check(engine, family, rows, indicators, day=D):
    fam = FAMILIES[family]
    for row in rows:
        scope = {"level": row["level"], "code": row["code"], "scope": row["scope"]}
        key = fam.keys[0]
        if key in ("fund_type", "category", "bond_type"):
            scope[key] = row[key]
        for ind in indicators:
            out = explain(engine, f"{family}.{ind}", scope, day, page_size=2)
            assert out["value"] == format_value(fam.get(ind).unit, row[ind]), (row["code"], ind)
            for role in ("numerator", "denominator"):
                if out[role] is None:
                    continue
                total = Decimal(0)
                for part in out[role]["parts"]:
                    listed = all_rows(engine, f"{family}.{ind}", scope, part["indicator"], day)
                    keys = [r["key"] for r in listed]
                    assert keys == sorted(keys) and len(set(map(tuple, keys))) == len(keys)
                    assert listed[:2] == part["rows"]
                    assert sum((r["amount"] for r in listed), Decimal(0)) == Decimal(part["value"])
                    total += part["sign"] * Decimal(part["value"])
                assert total == Decimal(out[role]["value"])


def test_execution_members(store_any):
    test_execution.build(store_any)
    rates = ["execution_rate", "supplement_rate", "quota_balance", "lag_pp", "carryover"]
    check(store_any, "execution", execution(store_any, D), rates)
    for level in ("unit", "dept", "func", "project"):
        check(store_any, "execution", execution(store_any, D, level=level), ["execution_rate"])
    check(store_any, "execution", execution(store_any, D, level="econ", depth=5), ["execution_rate"])
    check(store_any, "execution", execution(store_any, D, level="fund_type"), ["execution_rate"])


def test_debt_members(store_any):
    test_debt.build(store_any)
    rows = [r for r in debt(store_any, D) if r["code"] in ("419900", "419901") and r["bond_type"] != "专项债券"]
    check(store_any, "debt", rows, ["limit_usage", "repayment_ratio", "interest_expense_ratio", "coverage_multiple",
                                    "due_12m"])


def test_other_families(store):
    test_sangong.build(store)
    check(store, "sangong", sangong(store, test_sangong.D, level="unit"), ["execution_rate", "yoy"], test_sangong.D)
    test_revenue.build(store)
    check(store, "revenue", revenue(store, D), ["completion_rate", "tax_share", "yoy"])
    test_assets.build(store)
    check(store, "assets", assets(store, D), ["entities", "debt_asset_ratio", "equity_growth"])
    test_audit.build(store)
    check(store, "audit", audit(store, D), ["issues", "overdue_issues", "rectified_issues", "rectification_rate"])
    test_projects.build(store)
    check(store, "projects", projects(store, D), ["completion_rate", "lag_pp"])


def test_paging_and_shape(store):
    test_execution.build(store)
    out = explain(store, "execution_rate", {"level": "unit", "code": "100001"}, D, page_size=1)
    assert (out["indicator"], out["name"], out["value"]) == ("execution.execution_rate", "执行率", Decimal("0.243478"))
    spent = out["numerator"]["parts"][0]
    assert (spent["source"], spent["value"], [r["voucher_no"] for r in spent["rows"]]) == ("PAY", Decimal("280000.00"),
                                                                                          ["V1"])
    page2 = explain(store, "execution_rate", {"level": "unit", "code": "100001"}, D, page_size=1,
                    after=spent["next_after"], part="spent")
    assert [r["voucher_no"] for r in page2["rows"]] == ["V2"] and page2["rows"][0]["amount"] == Decimal("-20000.00")
    assert page2["next_after"] is None
    budget = out["denominator"]["parts"][0]
    assert budget["source"] == "BGT" and budget["rows"][0]["quota_id"] == "Q1"
    assert [r["amount"] for r in all_rows(store, "adjusted_budget", {"level": "unit", "code": "100001"},
                                                    "adjusted_budget")] == [
        Decimal("1000000.00"), Decimal("200000.00"), Decimal("-50000.00")]
    with pytest.raises(ScopeError):
        explain(store, "execution_rate", {"level": "unit", "code": "100001"}, D, after=["2026-01-01", 0])
