"""预算执行 along a drill path (indicators.execution `within`, the quota level, explain with a path) and the
dashboard's drill-down rows on top of it, on a hand-computed store."""
import datetime as dt

import pytest

from dashboard.queries.execution import Drill, drill_from, level_rows, member_row, path_names
from indicators.execution import execution
from indicators.explain import explain
from indicators.scope import ScopeError
from indicators.snapshots import refresh
from tests.builders import Builder, city, fen

D = dt.date(2026, 6, 30)
TOP = "419900"
FUND = "政府性基金预算"


def build(engine) -> None:
    b = city(Builder(engine))
    b.quota("Q1", "100001", "1000000", "2026-01-05", func_code="2050201", econ_code="30201")
    b.quota("Q2", "100001", "200000", "2026-03-01", kind="追加", orig="Q1")
    b.quota("Q3", "100001", "50000", "2026-04-01", kind="调减", orig="Q1")
    b.quota("Q4", "100002", "500000", "2026-01-05", func_code="2050202", econ_code="30101")
    b.quota("Q5", "100002", "100000", "2026-05-10", kind="追加", fund_type=FUND, func_code="2120101",
            econ_code="31002", project="P9", project_name="校舍维修")
    b.quota("Q6", "200001", "300000", "2026-01-10", func_code="2100101", econ_code="30201")
    b.quota("Q8", "100001", "999", "2026-07-01")  # issued after D
    b.pay("V1", "Q1", "300000", "2026-02-01")
    b.pay("V2", "Q1", "-20000", "2026-02-05", orig="V1")
    b.pay("V3", "Q4", "100000", "2026-06-30")
    b.pay("V4", "Q1", "50000", "2026-07-01")  # after D
    b.pay("V8", "Q5", "30000", "2026-06-01")
    b.pay("V9", "Q6", "70000", "2026-05-01", func_code=None, econ_code=None)  # classified by its quota


def figures(rows):
    return {r["code"]: (r["name"], r["adjusted_budget"], r["spent"]) for r in rows}


def test_a_drill_path_keeps_the_rows_of_its_members(store_any):
    build(store_any)
    assert figures(execution(store_any, D, level="unit", within={"dept": "100"})) == {
        "100001": ("市教育局", fen("1150000"), fen("280000")), "100002": ("市第一中学", fen("600000"), fen("130000"))}
    assert figures(execution(store_any, D, level="func", depth=7, within={"unit": "100002"})) == {
        "2050202": ("小学教育", fen("500000"), fen("100000")), "2120101": ("行政运行", fen("100000"), fen("30000"))}
    assert figures(execution(store_any, D, level="econ", depth=5, within={"unit": "100002", "func": "2120101"})) == {
        "31002": ("办公设备购置", fen("100000"), fen("30000"))}
    assert figures(execution(store_any, D, level="func", within={"unit": "100002", "func": "212"})) == {
        "212": ("城乡社区支出", fen("100000"), fen("30000"))}  # a 类 in the path matches its 项 by prefix
    assert figures(execution(store_any, D, level="econ", depth=5, within={"dept": "200"})) == {
        "30201": ("办公费", fen("300000"), fen("70000"))}  # V9 classified by its quota's econ code


def test_a_quota_counts_its_own_amount_the_adjustments_naming_it_and_its_vouchers(store_any):
    build(store_any)
    [q1] = execution(store_any, D, level="quota", within={"unit": "100001"})
    assert (q1["code"], q1["name"]) == ("Q1", "基本支出")
    assert (q1["initial_budget"], q1["adjusted_budget"], q1["spent"]) == (fen("1000000"), fen("1150000"), fen("280000"))
    assert q1["supplement_rate"] == pytest.approx(0.15)
    names = {r["code"]: r["name"] for r in execution(store_any, D, level="quota", within={"unit": "100002"})}
    assert names == {"Q4": "基本支出", "Q5": "校舍维修"}
    with pytest.raises(ScopeError, match="指定单位"):
        execution(store_any, D, level="quota")
    with pytest.raises(ScopeError, match="编码长度"):
        execution(store_any, D, level="econ", within={"unit": "100001", "func": "2050"})
    with pytest.raises(ScopeError, match="下钻路径"):
        execution(store_any, D, level="econ", within={"region": TOP})


def test_explain_lists_the_rows_a_path_member_sums(store_any):
    build(store_any)
    scope = {"level": "quota", "code": "Q1", "within": {"unit": "100001"}}
    out = explain(store_any, "execution.execution_rate", scope, D)
    spent, budget = out["numerator"]["parts"][0], out["denominator"]["parts"][0]
    assert [r["voucher_no"] for r in spent["rows"]] == ["V1", "V2"] and spent["value"] == 280000
    assert [r["quota_id"] for r in budget["rows"]] == ["Q1", "Q2", "Q3"] and budget["value"] == 1150000


def test_the_dashboard_reads_the_top_region_from_the_snapshot_and_a_path_from_the_calculator(store_any):
    build(store_any)
    refresh(store_any, D, D)
    top = Drill(TOP)
    assert top.level == "dept" and top.down("100").level == "unit"
    assert level_rows(store_any, D, top, TOP) == execution(store_any, D, TOP, "dept")
    in_dept = top.down("100")
    assert level_rows(store_any, D, in_dept, TOP) == execution(store_any, D, TOP, "unit", within={"dept": "100"})
    county = Drill("419901")
    assert level_rows(store_any, D, county, TOP) == execution(store_any, D, "419901", "dept") == []
    quota = drill_from(TOP, None, {"dept": "100", "unit": "100001", "func": "2050201", "econ": "30201", "quota": "Q1"})
    assert quota.level == "voucher" and level_rows(store_any, D, quota, TOP) == []
    assert member_row(store_any, D, quota, TOP)["spent"] == fen("280000")
    assert [name for _, _, name in path_names(store_any, D, quota)] == ["示范市", "教育局", "市教育局", "学前教育",
                                                                       "办公费", "基本支出"]
    assert drill_from(TOP, FUND, {"unit": "100001"}).path == ()  # a unit without its department is no path
