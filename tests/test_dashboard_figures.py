"""The pages' figures and tables as pure functions of indicator rows: units stated, values rounded once from
the exact figures, the drill codes carried, severity colours only where severity is meant."""
import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction as F
from pathlib import Path

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs_version

from dashboard.exports import file_name
from dashboard.figures.alerts import alert_rows, history_rows
from dashboard.figures.debt import balance_chart, bond_table, maturity_chart, schedule_records
from dashboard.figures.execution import level_table, treemap
from dashboard.figures.overview import behind_chart, most_behind
from dashboard.figures.progress import progress_curve
from dashboard.figures.registers import grouped_bars
from dashboard.figures.revenue import composition_chart, rate_chart
from dashboard.figures.sangong import category_chart
from dashboard.figures.style import TRACE_TYPES, base_layout, figure
from dashboard.figures.tables import table
from dashboard.figures.vouchers import detail, grid_rows, records
from dashboard.format import format_multiple, format_pp, format_rate, rate_percent
from dashboard.state import choice, digits, token
from dashboard.theme import SEVERITY
from indicators.debt import Payment

TP = F(181, 365)
ROOT = Path(__file__).resolve().parent.parent


def execution_row(code, name, budget_fen, spent_fen, supplement=F(0)):
    rate = F(spent_fen, budget_fen) if budget_fen else None
    return {"level": "dept", "code": code, "name": name, "scope": "全辖", "date": dt.date(2026, 6, 30),
            "fund_type": "全部", "initial_budget": budget_fen, "adjusted_budget": budget_fen, "spent": spent_fen,
            "execution_rate": rate, "initial_execution_rate": rate, "time_progress": TP,
            "lag_pp": None if rate is None else (rate - TP) * 100, "supplement_rate": supplement,
            "carryover": 0, "quota_balance": budget_fen - spent_fen}


ROWS = [execution_row("100", "教育局", 1_600_000_000_00, 369_000_21), execution_row("200", "卫健委", 800_000_00, 120_000_00),
        execution_row("900", "空部门", 0, 0)]


def test_rates_and_points_round_once_half_up_from_the_exact_fraction():
    assert format_rate(F(4544999, 10 ** 7)) == "45.4%"  # not 45.5% (rounding 0.454500 again)
    assert rate_percent(F(1, 3)) == Decimal("33.33") and format_rate(None) == "—"
    assert format_pp(F(-44, 10)) == "-4.4 个百分点" and format_pp(F(2)) == "+2.0 个百分点"
    assert format_multiple(F(7, 3)) == "2.33 倍"


def test_a_table_states_one_amount_unit_and_keeps_each_members_code():
    columns, data, unit = level_table(ROWS)
    assert unit == "亿元"
    headers = {c["field"]: c["headerName"] for c in columns}
    assert headers["adjusted_budget"] == "调整后预算（亿元）" and headers["execution_rate"] == "执行率（%）"
    assert headers["lag_pp"] == "进度差（百分点）" and columns[0]["pinned"] == "left"
    first = data[0]
    assert (first["code"], first["adjusted_budget"], first["spent"]) == ("100", 16.0, 0.0)  # 369,000.21 元 is 0.00 亿元
    assert first["execution_rate"] == 0.02 and data[2]["execution_rate"] is None
    _, small, unit = table("execution", ROWS[1:], ["name", "spent"])
    assert unit == "万元" and small[0]["spent"] == 12.0


def test_the_treemap_sizes_tiles_by_budget_shades_them_by_rate_and_names_their_codes():
    fig = go.Figure(treemap(ROWS, "部门"))  # figures are plotly's JSON as dicts: this validates them too
    tiles = fig.data[0]
    assert list(tiles.ids) == ["100", "200"]  # nothing to draw for a member without a budget
    assert list(tiles.values) == [16.0, 0.01] and (tiles.marker.cmin, tiles.marker.cmax) == (0.02, 15.0)
    assert [c[1] for c in tiles.customdata] == [0.02, 15.0]
    assert not set(str(c[1]).upper() for c in tiles.marker.colorscale) & set(SEVERITY.values())
    assert most_behind(ROWS, 1)[0]["code"] == "100" and len(most_behind(ROWS)) == 2


def test_the_progress_curve_draws_last_year_on_this_years_dates_and_the_forecast_band():
    this = [(dt.date(2026, 1, 31), F(1, 10)), (dt.date(2026, 6, 30), F(2, 5))]
    last = [(dt.date(2025, 1, 31), F(1, 20)), (dt.date(2025, 12, 31), F(19, 20))]
    fig = go.Figure(progress_curve(this, last, dt.date(2026, 6, 30), "执行率", {"rate": F(9, 10), "low": F(4, 5),
                                                                             "high": 1}))
    names = [t.name for t in fig.data]
    assert names == ["序时进度", "上年（2025）", "本年（2026）", "年末预测区间", "年末预测"]
    assert list(fig.data[1].x) == [dt.date(2026, 1, 31), dt.date(2026, 12, 31)] and list(fig.data[1].y) == [5.0, 95.0]
    assert list(fig.data[3].y) == [40.0, 100.0, 80.0, 40.0] and list(fig.data[4].y) == [40.0, 90.0]
    assert [t.name for t in go.Figure(progress_curve(this, [], dt.date(2026, 6, 30), "执行率")).data] == [
        "序时进度", "上年（2025）", "本年（2026）"]


def test_every_chart_is_a_valid_plotly_figure_with_plotlys_own_look():
    """Charts are built as plotly's JSON (dicts), not validated as they are built: plotly checks them here."""
    sangong = [{"category": c, "budget": 100_00, "spent": 50_00, "spent_last_year_same_period": None}
               for c in ("公务接待费", "合计")]
    revenue = [{"fund_type": "一般公共预算", "collected": 10 ** 9, "budget": 2 * 10 ** 9, "yoy": None,
                "collected_last_year_same_period": 9 * 10 ** 8, "completion_rate": F(1, 2), "tax_share": F(3, 4)}]
    debt = [{"name": "<b>示范市</b>", "bond_type": t, "balance": 10 ** 10, "limit": 2 * 10 ** 10}
            for t in ("一般债券", "专项债券", "合计")]
    assets = [{"category": "企业", "total_assets": 10 ** 10, "total_liabilities": 6 * 10 ** 9, "equity": 4 * 10 ** 9}]
    charts = [behind_chart(most_behind(ROWS)), category_chart(sangong), composition_chart(revenue),
              rate_chart(revenue), balance_chart(debt),
              grouped_bars("assets", assets, "category", ["total_assets", "total_liabilities", "equity"])]
    for chart in charts:
        checked = go.Figure(chart)  # raises on a property plotly does not know
        assert checked.layout.template == go.Figure().layout.template and len(checked.data) == len(chart["data"])
    assert go.Figure(charts[4]).data[0].x == ("&lt;b&gt;示范市&lt;/b&gt;",)  # names drawn as written
    wall = [{"month": dt.date(2026, 6, 1), "bond_type": "一般债券", "principal": 10 ** 10}]
    charts += [treemap(ROWS, "部门"), progress_curve([], [], dt.date(2026, 6, 30), "执行率",
                                                   {"rate": F(9, 10), "low": F(4, 5), "high": F(1)}),
               maturity_chart(wall)]
    assert {t["type"] for chart in charts for t in chart["data"]} <= set(TRACE_TYPES)  # what plotly.js is served


def test_the_served_plotly_js_draws_the_figures_trace_types_and_is_served_from_here():
    """dashboard/assets holds a plotly.js with the trace types the figures use (scatter is always in it)."""
    vendor = ROOT / "dashboard" / "vendor" / "plotly"
    assert set(re.findall(r"require\('\./(\w+)'\)", (vendor / "index.js").read_text())) == \
        {"core", *TRACE_TYPES} - {"scatter"}
    bundle = (ROOT / "dashboard" / "assets" / "plotly-dashboard.min.js").read_text()
    version = re.search(r"^PLOTLY_JS=(\S+)$", (vendor / "build.sh").read_text(), re.M).group(1)
    assert bundle.startswith(f"/** plotly.js v{version} partial bundle") and "MIT license" in bundle[:400]
    assert version == get_plotlyjs_version()  # the version the pinned plotly ships, which dcc.Graph expects


def test_a_figures_own_axis_settings_keep_the_shared_ones():
    layout = base_layout(xaxis={"automargin": True, "ticklabeloverflow": "hide past div"})
    assert layout["xaxis"] == {"automargin": True, "ticklabeloverflow": "hide past div"}
    assert layout["yaxis"] == {"ticklabeloverflow": "allow"}  # tick labels drawn as they are, never measured
    assert go.Figure(figure([], base_layout())).layout.yaxis.ticklabeloverflow == "allow"


def test_vouchers_show_in_yuan_to_the_fen_and_export_under_their_own_headers():
    row = {"id": 7, "voucher_no": "V1", "pay_date": dt.date(2026, 3, 1), "region_code": "419900",
           "unit_code": "100001", "unit_name": None, "quota_id": "Q1", "fund_type": "一般公共预算",
           "func_code": "2050201", "econ_code": "30201", "project_code": None, "payee_name": "某公司",
           "payee_account": "6222", "payee_bank": None, "amount_fen": 123456789, "pay_method": "直接支付",
           "purpose": "=cmd", "orig_voucher_no": None}
    [cells] = grid_rows([row])
    assert (cells["id"], cells["pay_amount"], cells["unit_name"]) == ("7", 1234567.89, "100001")
    [record] = records([row])
    assert record["pay_amount"] == Decimal("1234567.89") and "amount_fen" not in record and "id" not in record
    shown = dict(detail(row))
    assert shown["支付金额"] == "1,234,567.89 元" and shown["项目编码"] == "—" and shown["用途"] == "=cmd"


def test_debt_lists_state_their_unit():
    bonds = [{"bond_code": "B1", "bond_name": "债券B1", "region_code": "419900", "bond_type": "一般债券",
              "issue_kind": "新增债券", "issue_date": dt.date(2020, 7, 1), "maturity_date": dt.date(2027, 7, 1),
              "coupon_rate": Decimal("3.1000"), "coupon_freq": "按年付息", "issued": 10 ** 9,
              "repaid": 2 * 10 ** 8, "outstanding": 8 * 10 ** 8}]
    columns, data, unit = bond_table(bonds)
    assert unit == "万元" and data[0]["outstanding"] == 800.0 and data[0]["issue_date"] == "2020-07-01"
    assert "未偿本金（万元）" in [c["headerName"] for c in columns]
    wall = [{"month": dt.date(2026, 6, 1), "bond_type": "一般债券", "principal": 2 * 10 ** 10},
            {"month": dt.date(2026, 6, 1), "bond_type": "专项债券", "principal": 0}]
    assert go.Figure(maturity_chart(wall)).layout.yaxis.title.text == "到期本金（亿元）"
    assert schedule_records("B1", [Payment(dt.date(2027, 7, 1), "B1", "本金", 100, 100)]) == [
        {"bond_code": "B1", "date": dt.date(2027, 7, 1), "kind": "本金", "principal": Decimal("1.00"),
         "payment": Decimal("1.00")}]


def test_alert_rows_and_history_read_as_changes():  # the filters (SQL): tests/test_alert_list.py
    alerts = [{"id": 1, "severity": "红", "category": "合法性", "rule_id": "PAY_OVER_QUOTA", "dept_code": "100",
               "current_status": "新"},
              {"id": 2, "severity": "info", "category": "风险", "rule_id": "PAYEE_CONCENTRATION", "dept_code": "200",
               "current_status": "已阅"}]
    rows = alert_rows([{**alerts[0], "subject_name": None, "subject_code": "419900/Q1", "figure": Decimal("1.5"),
                        "threshold": None, "first_seen": dt.date(2026, 6, 1), "last_seen": dt.date(2026, 6, 30),
                        "message": "m"}])
    assert rows[0]["severity"] == "红色" and rows[0]["subject_name"] == "419900/Q1" and rows[0]["id"] == "1"
    event = {"at": dt.datetime(2026, 7, 1, 9, 30), "who": "张委员", "from_status": "已阅", "to_status": "已交办",
             "assigned_dept": "教育局", "deadline": dt.date(2026, 7, 31), "note": None}
    assert history_rows([event]) == [{"at": "2026-07-01 09:30", "who": "张委员", "change": "已阅 → 已交办",
                                      "assigned": "教育局 / 2026-07-31", "note": None}]


def test_page_parameters_are_read_tolerantly_and_files_are_named_by_what_where_and_when():
    assert token("Q2026-01") == "Q2026-01" and token("x' or 1") is None and token(None) is None
    assert digits("2050201", (7,)) == "2050201" and digits("20502", (7,)) is None
    assert choice("公务接待费", ("公务接待费",)) == "公务接待费" and choice("其他", ()) is None
    assert file_name("预算执行-部门", {"region": "419900", "date": "2026-06-30"}, "xlsx") == \
        "预算执行-部门_419900_2026-06-30.xlsx"
    assert file_name("a/b: c", {}, "csv").startswith("a-b-c_")
