"""The dashboard without a browser: amount formatting, the URL view, the queries and figures of the 数据接入
page on a real store, the served HTML (nothing fetched from outside), the first layout (the page a full load
opens drawn in it) and the `serve` command."""
from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import plotly.graph_objects as go
import pytest
from click.testing import CliRunner

from auth import audit
from auth.principal import DEPUTY, MEMBER
from cli.serve_cmd import gunicorn_argv, serve
from dashboard import create_app
from dashboard.figures.ingest import file_table, finding_rows, report_table, rule_rows, status_chart
from dashboard.format import WAN, YI, format_amount, in_unit, unit_for, yuan_from_fen
from dashboard.queries import ingest as q
from dashboard.queries.regions import choices, covered, region_tree
from dashboard.state import View, merge_search, parse_search, parse_view, to_search
from tests.auth_support import components, logged_in
from tests.dashboard_store import COUNTY, D1, D2, INFO_MESSAGE, MANIFEST_MESSAGE, OTHER, REFUSED, TOP, fill_feed
from warehouse.db import open_store


# -- amounts -----------------------------------------------------------------------------------------------------

def test_amounts_are_shown_in_wan_or_yi_yuan_with_the_unit_and_rounded_half_up_once():
    assert yuan_from_fen(123_456_789) == Decimal("1234567.89") and yuan_from_fen(None) is None
    assert format_amount(Decimal("1234567.89")) == "123.46 万元"
    assert format_amount(Decimal("123456789012.34")) == "1,234.57 亿元"
    assert format_amount(Decimal("99999999.99")) == "10,000.00 万元"  # below 1 亿 stays in 万元
    assert format_amount(50) == "0.01 万元"  # 0.005 rounds half up, not to even
    assert format_amount(-10) == "0.00 万元"  # never "-0.00"
    assert format_amount(Decimal("-250000000")) == "-2.50 亿元"
    assert format_amount(1234567.89, YI) == "0.01 亿元"
    assert format_amount(None) == "—"


def test_one_unit_serves_a_whole_column():
    assert unit_for([Decimal(5), Decimal("-100000000"), None]) == YI
    assert unit_for([Decimal("99999999.99")]) == WAN
    assert unit_for([]) == WAN
    assert in_unit(Decimal("123456789"), WAN) == Decimal("12345.68")


# -- the view in the URL -----------------------------------------------------------------------------------------

def test_the_view_reads_from_the_query_string_and_ignores_what_is_malformed():
    assert parse_view({"date": "2026-03-03", "region": TOP}) == View(D2, TOP)
    assert parse_view({"date": "2026-02-30", "region": "41990"}) == View(None, None)
    assert parse_view({"date": ["2026-03-03", "x"]}) == View(None, None)
    assert parse_view({}) == View()


def test_changing_the_query_string_keeps_the_other_parameters():
    assert parse_search("?date=2026-03-03&info=1") == {"date": "2026-03-03", "info": "1"}
    assert merge_search("?date=2026-03-03&info=1", region=COUNTY) == f"?date=2026-03-03&info=1&region={COUNTY}"
    assert merge_search("?date=2026-03-03&info=1", info=None) == "?date=2026-03-03"
    assert merge_search(None, date=None) == ""
    assert to_search({"region": "419900", "date": ""}) == "?region=419900"


# -- queries on a real store -------------------------------------------------------------------------------------

@pytest.fixture
def feed(store_any):
    fill_feed(store_any)
    return store_any


def test_regions_come_each_under_its_parent_and_a_region_covers_those_below_it(feed):
    tree = region_tree(feed)
    assert [(c.code, c.name, c.depth) for c in choices(tree)] == [(TOP, "示范市", 0), (COUNTY, "甲县", 1),
                                                                  (OTHER, "乙县", 1)]
    assert tree.top() == TOP
    assert covered(tree, TOP) == {TOP, COUNTY, OTHER}
    assert covered(tree, COUNTY) == {COUNTY}
    assert covered(tree, "000000") == set()
    assert covered(tree, None) is None


def test_the_feed_summary_counts_files_per_report_and_region(feed):
    summary = q.report_summary(feed, D2)
    assert [(r["report"], r["region_code"], r["arrived"], r["loaded"], r["refused"], r["rows"], r["amount_fen"],
             r["errors"], r["warnings"]) for r in summary] == [
        ("BGT", COUNTY, 1, 0, 1, 0, None, 2, 0),
        ("INC", OTHER, 1, 1, 0, 5, 5_000_000_000, 0, 1),
        ("PAY", TOP, 1, 1, 0, 120, 123_456_789, 0, 0),
    ]
    assert [r["report"] for r in q.report_summary(feed, D2, {COUNTY})] == ["BGT"]
    assert [f["name"] for f in q.files(feed, D2, {TOP, OTHER})] == ["INC_419902_20260303.csv",
                                                                     "PAY_419900_20260303.csv"]
    assert q.latest_business_date(feed) == D2
    assert q.last_run(feed)["status"] == "completed"


def test_findings_come_errors_first_without_info_unless_asked_and_keep_batch_findings(feed):
    total, shown = q.findings(feed, D2)
    assert total == 4
    assert [(f["severity"], f["file"], f["line"]) for f in shown] == [
        ("error", REFUSED, 5), ("error", REFUSED, 7), ("error", "manifest.json", None),
        ("warning", "INC_419902_20260303.csv", 3)]
    total, shown = q.findings(feed, D2, {OTHER}, q.SEVERITIES, limit=2)
    assert total == 3 and [f["rule_id"] for f in shown] == ["MANIFEST_FILE_MISSING", "INC_LATE"]
    assert INFO_MESSAGE in [f["message"] for f in q.findings(feed, D2, None, q.SEVERITIES)[1]]
    assert q.findings(feed, D1) == (0, [])


def test_daily_status_counts_files_per_date_and_status_in_the_window(feed):
    assert [(r["business_date"], r["status"], r["files"]) for r in q.daily_status(feed, D2)] == [
        (D1, "loaded", 1), (D2, "loaded", 2), (D2, "refused", 1)]
    assert q.daily_status(feed, D2, days=1) == [r for r in q.daily_status(feed, D2) if r["business_date"] == D2]


def test_an_empty_store_has_no_default_date_and_no_run(store):
    assert q.latest_business_date(store) is None
    assert q.last_run(store) is None
    assert region_tree(store).top() is None


# -- figures -----------------------------------------------------------------------------------------------------

def test_the_status_chart_has_every_day_of_the_window_and_one_stack_per_status(feed):
    fig = go.Figure(status_chart(q.daily_status(feed, D2), D2, days=7))  # (a dict: validated here)
    assert [t.name for t in fig.data] == ["已载入", "已拒收", "已被替换", "重复交付（未变）"]
    loaded, refused = fig.data[0], fig.data[1]
    assert list(loaded.x) == [D2 - dt.timedelta(days=n) for n in range(6, -1, -1)]
    assert list(loaded.y)[-2:] == [1, 2] and list(refused.y)[-1] == 1


def test_the_report_table_states_its_unit_and_rounds_amounts_into_it(feed):
    columns, rows = report_table(q.report_summary(feed, D2))
    assert next(c for c in columns if c["field"] == "amount")["headerName"] == "金额（万元）"
    assert {r["report"]: (r["title"], r["amount"]) for r in rows} == {
        "BGT": ("预算指标", None), "INC": ("收入日报", 5000.0), "PAY": ("支付凭证", 123.46)}
    big = [{**r, "amount_fen": 20_000_000_000} for r in q.report_summary(feed, D2)]
    columns, rows = report_table(big)
    assert next(c for c in columns if c["field"] == "amount")["headerName"] == "金额（亿元）"
    assert rows[0]["amount"] == 2.0


def test_files_findings_and_rules_are_labelled_in_chinese(feed):
    _, files = file_table(q.files(feed, D2))
    assert {f["name"]: f["status"] for f in files}[REFUSED] == "已拒收"
    rows = finding_rows(q.findings(feed, D2)[1])
    assert [r["severity"] for r in rows] == ["错误", "错误", "错误", "警告"]
    assert rows[2]["message"] == MANIFEST_MESSAGE
    rules = rule_rows([{"id": "X", "severity": "warning", "reports": "*", "cross_file": True, "message": "m"}])
    assert rules == [{"id": "X", "severity": "警告", "reports": "全部", "cross_file": "是", "message": "m"}]


# -- the served app ----------------------------------------------------------------------------------------------

class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.lang = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        self.links += [attrs[a] for a in ("src", "href") if attrs.get(a)]


@pytest.fixture
def client(store_url):
    engine = open_store(store_url)
    fill_feed(engine)
    return logged_in(create_app(store_url), engine)


def test_the_page_html_loads_everything_from_this_server(client):
    response = client.get(f"/ingest?date={D2}&region={TOP}")
    assert response.status_code == 200
    page = _Links()
    page.feed(response.get_data(as_text=True))
    assert page.lang == "zh-CN"
    assert page.links and all(link.startswith("/") and not link.startswith("//") for link in page.links)
    scripts = re.findall(r'<script src="([^"]+)"', response.get_data(as_text=True))
    assert any("dash_mantine_components" in s for s in scripts) and any("dash_ag_grid" in s for s in scripts)
    for link in page.links:
        assert client.get(link).status_code == 200, link


def test_a_link_without_date_or_region_is_redirected_to_the_exact_view(client):
    response = client.get("/ingest?info=1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ingest?info=1&date={D2}&region={TOP}"
    assert client.get(f"/debt?date={D1}").headers["Location"] == f"/debt?date={D1}&region={TOP}"
    assert client.get(f"/debt?date={D1}&region={COUNTY}").status_code == 200
    assert client.get("/_dash-layout").status_code == 200  # only pages are redirected


def _layout_for(client, page: str | None) -> dict:
    """The layout the browser asks for when it loads `page` (its Referer), as {component id: props}."""
    headers = {"Referer": f"http://localhost{page}"} if page else {}
    response = client.get("/_dash-layout", headers=headers)
    assert response.status_code == 200
    return {json.dumps(c["props"]["id"], sort_keys=True) if isinstance(c["props"].get("id"), dict)
            else c["props"].get("id"): c["props"] for c in components(response.get_json())}


def _page_views(engine) -> list[tuple]:
    return [(r["username"], r["target"], r["params"]) for r in audit.search(engine, action=audit.PAGE_VIEW)[1]]


def test_a_page_load_gets_its_page_in_the_first_layout_with_the_view_in_the_controls_and_links(store_url):
    engine = open_store(store_url)
    fill_feed(engine)
    client = logged_in(create_app(store_url), engine, MEMBER, "li")
    search = f"?date={D1}&region={COUNTY}"
    drawn = _layout_for(client, f"/ingest{search}")
    assert drawn["_pages_location"]["pathname"] == "/ingest" and drawn["_pages_location"]["search"] == search
    assert (drawn["url"]["pathname"], drawn["url"]["search"]) == ("/ingest", search)  # the router has nothing to do
    assert drawn["page-title"]["children"] == "数据接入" and drawn["ingest-date"]["children"] == f"业务日期 {D1}"
    assert drawn["_pages_store"]["data"] == {"title": "数据接入 · 预算联网监督分析平台"}
    assert (drawn["as-of"]["value"], drawn["region"]["value"]) == (D1.isoformat(), COUNTY)
    links = {props["id"]["index"]: props for props in drawn.values() if isinstance(props.get("id"), dict)
             and props["id"].get("type") == "nav"}
    assert links["/debt"]["href"] == f"/debt{search}" and links["/ingest"]["active"] and not links["/debt"]["active"]
    assert _page_views(engine) == [("li", "/ingest", {"search": search})]  # recorded as the router records it

    plain = _layout_for(client, None)  # no Referer: the router draws the page, as before
    assert "page-title" not in plain and plain["_pages_content"].get("children") is None
    assert "pathname" not in plain["_pages_location"] and "pathname" not in plain["url"]
    assert len(_page_views(engine)) == 1


def test_the_first_layout_draws_no_page_its_user_may_not_open(store_url):
    engine = open_store(store_url)
    fill_feed(engine)
    deputy = logged_in(create_app(store_url), engine, DEPUTY, "dai")  # 甲县 (tests.auth_support.GRANTS)
    assert "page-title" in _layout_for(deputy, f"/debt?date={D2}&region={COUNTY}")
    for page in (f"/ingest?date={D2}&region={COUNTY}", f"/debt?date={D2}&region={OTHER}",
                 f"/debt?date={D2}&region={TOP}", "/login", "/nowhere"):
        layout = _layout_for(deputy, page)
        assert "page-title" not in layout and "pathname" not in layout["_pages_location"], page
    assert [target for _, target, _ in _page_views(engine)] == ["/debt"]


def test_an_empty_store_serves_pages_without_a_view(store_url):
    client = logged_in(create_app(store_url), open_store(store_url))
    assert client.get("/").status_code == 200


def test_serve_runs_gunicorn_on_the_wsgi_module_and_fails_cleanly_without_a_store():
    argv = gunicorn_argv("127.0.0.1", 8050, 3)
    assert argv[1:3] == ["-m", "gunicorn"] and argv[-1] == "dashboard.wsgi:server"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8050" and argv[argv.index("--workers") + 1] == "3"
    result = CliRunner().invoke(serve, ["--db", "postgresql://postgres@127.0.0.1:1/none"])
    assert result.exit_code != 0 and "无法打开数据库" in result.output
