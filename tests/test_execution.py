"""预算执行 on a hand-computed store: 追加, 调减, 结转, a refund, rows after D and of another year, a voucher
that leaves its classification to its quota, an empty county; then the roll-up properties on random data."""
import datetime as dt
from decimal import Decimal
from fractions import Fraction as F

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from indicators.execution import execution, execution_groups
from indicators.export import format_rows
from indicators.scope import ScopeError, open_scope
from tests.builders import Builder, city, fen
from warehouse import schema

D = dt.date(2026, 6, 30)
TP = F(181, 365)
GEN, FUND = "一般公共预算", "政府性基金预算"


def build(engine) -> Builder:
    b = city(Builder(engine))
    b.quota("Q1", "100001", "1000000", "2026-01-05", func_code="2050201", econ_code="30201")
    b.quota("Q2", "100001", "200000", "2026-03-01", kind="追加", orig="Q1")
    b.quota("Q3", "100001", "50000", "2026-04-01", kind="调减", orig="Q1")
    b.quota("Q4", "100002", "500000", "2026-01-05", func_code="2050202", econ_code="30101")
    b.quota("Q5", "100002", "100000", "2026-05-10", kind="追加", fund_type=FUND, func_code="2120101",
            econ_code="31002")
    b.quota("Q6", "200001", "300000", "2026-01-10", kind="结转", func_code="2100101", econ_code="30201")
    b.quota("Q7", "300001", "400000", "2026-01-06", fund_type=FUND, func_code="2120101", econ_code="31001",
            project="P001", project_name="东县污水管网")
    b.quota("Q8", "100001", "999", "2026-07-01")  # issued after D
    b.quota("Q9", "100001", "777", "2025-01-05")  # another year
    b.pay("V1", "Q1", "300000", "2026-02-01")
    b.pay("V2", "Q1", "-20000", "2026-02-05", orig="V1")
    b.pay("V3", "Q4", "100000", "2026-06-30")  # on D
    b.pay("V4", "Q1", "50000", "2026-07-01")  # after D
    b.pay("V5", "Q6", "120000", "2026-03-03", fund_type=None, func_code=None, econ_code=None)  # the quota's
    b.pay("V6", "Q7", "100000", "2026-04-04")
    b.pay("V7", "Q9", "5000", "2025-12-31")  # last year
    b.pay("V8", "Q5", "30000", "2026-06-01")
    return b


def amounts(r):
    return tuple(r[k] for k in ("initial_budget", "adjusted_budget", "spent", "carryover"))


def y(*values):
    return tuple(fen(v) for v in values)


def test_region_rows_hand_computed(store_any):
    build(store_any)
    rows = execution(store_any, D)
    assert [(r["code"], r["scope"], r["fund_type"]) for r in rows] == [
        ("419900", "全辖", "全部"), ("419900", "全辖", GEN), ("419900", "全辖", FUND),
        ("419900", "本级", "全部"), ("419900", "本级", GEN), ("419900", "本级", FUND),
        ("419901", "全辖", "全部"), ("419901", "全辖", FUND),
        ("419902", "全辖", "全部")]
    top = rows[0]
    assert top["name"] == "示范市" and top["level"] == "region" and top["date"] == D
    assert amounts(top) == y(1900000, 2450000, 630000, 300000)
    assert top["execution_rate"] == F(630000, 2450000)
    assert top["initial_execution_rate"] == F(630000, 1900000)
    assert top["supplement_rate"] == F(250000, 1900000)
    assert top["quota_balance"] == fen(1820000)
    assert top["time_progress"] == TP
    assert top["lag_pp"] == (F(9, 35) - TP) * 100
    assert amounts(rows[1]) == y(1500000, 1950000, 500000, 300000)  # 全辖 一般 (V5 counted by its quota)
    assert amounts(rows[2]) == y(400000, 500000, 130000, 0)
    assert amounts(rows[3]) == y(1500000, 2050000, 530000, 300000)  # 本级
    assert amounts(rows[5]) == y(0, 100000, 30000, 0)
    assert rows[5]["initial_execution_rate"] is None and rows[5]["supplement_rate"] is None
    empty = rows[-1]
    assert amounts(empty) == (0, 0, 0, 0)
    assert empty["execution_rate"] is None and empty["lag_pp"] is None and empty["supplement_rate"] is None


def test_exported_numbers(store_any):
    build(store_any)
    top = format_rows("execution", execution(store_any, D))[0]
    assert str(top["adjusted_budget"]) == "2450000.00"
    assert str(top["execution_rate"]) == "0.257143"
    assert str(top["initial_execution_rate"]) == "0.331579"
    assert str(top["time_progress"]) == "0.495890"
    assert str(top["lag_pp"]) == "-23.87"


def test_lower_levels(store_any):
    build(store_any)
    units = {r["code"]: r for r in execution(store_any, D, level="unit")}
    assert set(units) == {"100001", "100002", "200001", "300001"}
    assert {r["fund_type"] for r in units.values()} == {"全部"}
    assert amounts(units["100001"]) == y(1000000, 1150000, 280000, 0)
    assert units["100001"]["supplement_rate"] == F(150000, 1000000)
    assert units["100001"]["name"] == "市教育局" and units["100001"]["scope"] == "全辖"
    assert amounts(units["100002"]) == y(500000, 600000, 130000, 0)
    depts = {r["code"]: r for r in execution(store_any, D, level="dept")}
    assert amounts(depts["100"]) == y(1500000, 1750000, 410000, 0)
    assert depts["100"]["name"] == "教育局"
    county = execution(store_any, D, region="419901", level="unit")
    assert [r["code"] for r in county] == ["300001"]
    funds = execution(store_any, D, level="fund_type")
    assert [(r["code"], r["fund_type"], r["spent"]) for r in funds] == [(GEN, GEN, fen(500000)),
                                                                        (FUND, FUND, fen(130000))]
    only_fund = execution(store_any, D, level="unit", fund_type=FUND)
    assert [(r["code"], r["fund_type"], r["spent"]) for r in only_fund] == [("100002", FUND, fen(30000)),
                                                                           ("300001", FUND, fen(100000))]
    projects = execution(store_any, D, level="project")
    assert [(r["code"], r["name"], r["adjusted_budget"]) for r in projects] == [("P001", "东县污水管网", fen(400000))]


def test_classification_levels_and_names(store_any):
    b = build(store_any)
    lei = {r["code"]: r for r in execution(store_any, D, level="func")}
    assert set(lei) == {"205", "210", "212"}
    assert lei["205"]["name"] == "教育支出" and lei["205"]["spent"] == fen(380000)
    assert lei["210"]["spent"] == fen(120000)  # V5 had no func_code: its quota's
    xiang = {r["code"]: r for r in execution(store_any, D, level="func", depth=7)}
    assert xiang["2050202"]["name"] == "小学教育" and xiang["2050202"]["spent"] == fen(100000)
    b.func_name("20502", "普通教育（2026 年报送名称）", 2026)
    kuan = {r["code"]: r["name"] for r in execution(store_any, D, level="func", depth=5)}
    assert kuan["20502"] == "普通教育（2026 年报送名称）" and kuan["21201"] == "城乡社区管理事务"
    econ = {r["code"]: r for r in execution(store_any, D, level="econ")}
    assert set(econ) == {"301", "302", "310"} and econ["302"]["spent"] == fen(400000)
    with pytest.raises(ScopeError):
        execution(store_any, D, level="econ", depth=7)


def test_empty_store_and_unknown_region(store_any):
    assert execution(store_any, D) == []
    city(Builder(store_any))
    rows = execution(store_any, D, region="419902")
    assert [(r["code"], r["scope"], r["execution_rate"]) for r in rows] == [("419902", "全辖", None),
                                                                           ("419902", "本级", None)]
    with pytest.raises(ScopeError):
        execution(store_any, D, region="999999")
    with pytest.raises(ScopeError):
        execution(store_any, D, level="bond")


def test_leap_year_time_progress(store):
    b = city(Builder(store))
    b.quota("L1", "100001", "366", "2028-01-01")
    b.pay("LV", "L1", "60", "2028-02-29")
    top = execution(store, dt.date(2028, 2, 29))[0]
    assert top["time_progress"] == F(60, 366) and top["execution_rate"] == F(60, 366) and top["lag_pp"] == 0


# Properties on random stores ----------------------------------------------------------------------------------
TREE = {"419900": None, "419901": "419900", "419902": "419900", "419903": "419901", "419904": "419901"}
UNITS = {"u1": ("d1", "419900"), "u2": ("d1", "419900"), "u3": ("d2", "419901"), "u4": ("d2", "419903"),
         "u5": ("d3", "419904"), "u6": ("d3", "419902")}
quota_st = st.tuples(st.sampled_from(sorted(UNITS)), st.sampled_from((GEN, FUND)), st.integers(1, 10**9),
                     st.integers(1, 180))
pay_st = st.tuples(st.integers(0, 10**8), st.integers(1, 181), st.booleans())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quotas=st.lists(quota_st, min_size=1, max_size=8), pays=st.lists(pay_st, max_size=20), data=st.data())
def test_rollups_add_up(store, quotas, pays, data):
    with store.begin() as conn:
        for t in (schema.pay, schema.bgt, schema.dm_unit, schema.dm_region):
            conn.execute(delete(t))
    b = Builder(store)
    for code, parent in TREE.items():
        b.region(code, code, parent)
    for code, (dept, region) in UNITS.items():
        b.unit(code, code, dept, dept, region)
    start = dt.date(2026, 1, 1)
    for i, (unit, fund, amount, day) in enumerate(quotas):
        b.quota(f"Q{i}", unit, Decimal(amount).scaleb(-2), start + dt.timedelta(days=day - 1), fund_type=fund)
    for i, (amount, day, refund) in enumerate(pays):
        q = data.draw(st.integers(0, len(quotas) - 1))
        b.pay(f"V{i}", f"Q{q}", Decimal(-amount if refund else amount).scaleb(-2), start + dt.timedelta(days=day - 1))

    rows = execution(store, D)
    full = {(r["code"], r["fund_type"]): r for r in rows if r["scope"] == "全辖"}
    for parent in ("419900", "419901"):
        children = [c for c, p in TREE.items() if p == parent]
        own = next(r for r in execution(store, D, region=parent) if r["scope"] == "本级" and r["fund_type"] == "全部")
        for key in ("initial_budget", "adjusted_budget", "spent", "carryover", "quota_balance"):
            assert full[(parent, "全部")][key] == own[key] + sum(full[(c, "全部")][key] for c in children)
    top = full[("419900", "全部")]
    for level in ("unit", "dept", "fund_type", "func", "econ"):
        members = execution(store, D, level=level)
        for key in ("adjusted_budget", "spent"):
            assert sum(r[key] for r in members) == top[key], (level, key)
    for fund in (GEN, FUND):
        if (("419900", fund)) in full:
            assert full[("419900", fund)]["spent"] == sum(
                r["spent"] for r in execution(store, D, level="unit", fund_type=fund))
    with store.connect() as conn:
        sc = open_scope(conn, "execution", D, level="region")
        days = {start + dt.timedelta(days=day - 1) for _, day, _ in pays} | {start, D}
        by_day = sum(parts.get("spent", 0) for day in days for bucket in execution_groups(sc, day, day).values()
                     for parts in bucket.values())
    assert by_day == top["spent"]
