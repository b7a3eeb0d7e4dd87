"""The 数据接入 page: for the data clerk, what arrived for a business date, what was loaded or refused, and why.

The business date is the global as-of date; the region selector narrows to that region and those below it.
"""
import datetime as dt

import dash
import dash_mantine_components as dmc
from dash import Input, Output, State, callback, dcc, html

from dashboard import store
from dashboard.components import (as_content, deferred, deferred_output, deferred_table, empty_state, graph, grid, kpi,
                                  note, page, section, table_body)
from dashboard.exports import export_buttons, exporter
from dashboard.figures.ingest import (FINDING_COLUMNS, RULE_COLUMNS, file_table, finding_rows, report_table,
                                      rule_rows, status_chart)
from dashboard.queries import ingest as q
from dashboard.queries.regions import covered, region_tree
from dashboard.state import merge_search, parse_view
from indicators.export import format_value

NAME = "数据接入"
TREND_DAYS = 30
INFO = "info"  # query parameter: also show info findings
FILES_HEIGHT, FINDINGS_HEIGHT, RULES_HEIGHT = 300, 420, 420

dash.register_page(__name__, path="/ingest", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=9)


def _rule_catalogue():
    try:
        from ingest.rules import VALIDATION_RULES
    except ImportError:  # the catalogue ships with the ingest; without it the page still serves the feed
        return empty_state("校验规则目录尚未提供")
    return grid("ingest-rules", RULE_COLUMNS, rule_rows(VALIDATION_RULES), height=RULES_HEIGHT)


def layout(date=None, region=None, info=None, **_query):
    view = parse_view({"date": date, "region": region})
    show_info = info == "1"
    heading = f"业务日期 {view.as_of.isoformat()}" if view.as_of else "未选择业务日期"
    return page(
        NAME,
        dcc.Store(id="ingest-view", data={"date": view.as_of and view.as_of.isoformat(), "region": view.region,
                                          "info": show_info}),
        dmc.Group([dmc.Text(heading, fw=600, id="ingest-date"),
                   dmc.Switch(id="ingest-info", label="显示提示类问题", checked=show_info, size="sm")],
                  justify="space-between", gap="sm"),
        note("", id="ingest-last-run"),
        html.Div(id="ingest-kpis"),
        section(f"近 {TREND_DAYS} 个业务日的文件状态", graph("ingest-trend", 260)),
        section("按报表", grid("ingest-reports", height=300)),
        # Below the first screen: built when the reader scrolls to them (components.deferred).
        section("文件明细", export_buttons("ingest-files"), deferred("ingest-files", FILES_HEIGHT)),
        section("问题清单", deferred_table("ingest-findings", FINDINGS_HEIGHT)),
        section("校验规则目录", deferred("ingest-rules", RULES_HEIGHT, content=_rule_catalogue())),
        subtitle="每个业务日各报表的到达、载入与拒收情况，以及校验发现的问题（文件、行、列、提供值、应为值）",
    )


def _kpis(summary: list[dict]):
    if not summary:
        return empty_state("该业务日没有收到文件")
    total = {k: sum(r[k] for r in summary) for k in ("arrived", "loaded", "refused", "rows", "errors", "warnings")}
    return dmc.SimpleGrid([
        kpi("到达文件", f"{total['arrived']:,}"),
        kpi("已载入", f"{total['loaded']:,}"),
        kpi("已拒收", f"{total['refused']:,}", "红" if total["refused"] else None),
        kpi("载入行数", f"{total['rows']:,}"),
        kpi("错误", f"{total['errors']:,}", "红" if total["errors"] else None),
        kpi("警告", f"{total['warnings']:,}", "橙" if total["warnings"] else None),
    ], cols={"base": 2, "sm": 3, "lg": 6}, spacing="xs")


def _last_run_text(run: dict | None) -> str:
    if run is None:
        return "尚无接入记录"
    status = {"completed": "已完成", "failed": "失败", "running": "进行中"}.get(run["status"], run["status"])
    return (f"最近一次接入：{run['started_at']:%Y-%m-%d %H:%M} {status}（业务日期 {run['date_from']} 至 "
            f"{run['date_to']}，{run['files']} 个文件，错误 {run['errors']}，警告 {run['warnings']}）")


def _files(columns: list[dict], rows: list[dict]):
    return as_content(grid("ingest-files", columns, rows, height=FILES_HEIGHT))


def _findings(rows: list[dict], text: str):
    return as_content(table_body("ingest-findings", text=text, columns=FINDING_COLUMNS, rows=rows,
                                 height=FINDINGS_HEIGHT))


@callback(Output("ingest-kpis", "children"), Output("ingest-trend", "figure"),
          Output("ingest-reports", "columnDefs"), Output("ingest-reports", "rowData"),
          deferred_output("ingest-files"), deferred_output("ingest-findings"), Output("ingest-last-run", "children"),
          Input("ingest-view", "data"))
def show_feed(view: dict):
    engine = store.engine()
    last_run = _last_run_text(q.last_run(engine))
    if not view["date"]:
        return empty_state("请选择业务日期"), {}, [], [], _files([], []), _findings([], ""), last_run
    day = dt.date.fromisoformat(view["date"])
    regions = covered(region_tree(engine), view["region"])
    summary = q.report_summary(engine, day, regions)
    severities = q.SEVERITIES if view["info"] else q.SHOWN_SEVERITIES
    total, found = q.findings(engine, day, regions, severities)
    shown = f"共 {total:,} 条" + (f"，显示前 {len(found):,} 条" if total > len(found) else "")
    return (_kpis(summary), status_chart(q.daily_status(engine, day, TREND_DAYS, regions), day, TREND_DAYS),
            *report_table(summary), _files(*file_table(q.files(engine, day, regions))),
            _findings(finding_rows(found), shown), last_run)


@callback(Output("url", "search", allow_duplicate=True), Input("ingest-info", "checked"), State("url", "search"),
          prevent_initial_call=True)
def toggle_info(checked, search):
    return merge_search(search, **{INFO: "1" if checked else None})


def _export_view(engine, query: dict):
    view = parse_view(query)
    return view.as_of, covered(region_tree(engine), view.region)


@exporter("ingest-files")
def export_files(engine, query, _args):
    """The files on screen as the `ingest` record export writes them (amounts in 元)."""
    day, regions = _export_view(engine, query)
    rows = q.files(engine, day, regions) if day else []
    return "ingest", [{"business_date": day, "file": f["name"], "report": f["report"], "status": f["status"],
                       "rows": f["rows"], "amount_total": format_value("元", f["amount_total_fen"]),
                       "errors": f["errors"], "warnings": f["warnings"]} for f in rows], "数据接入-文件明细"


@exporter("ingest-findings")
def export_findings(engine, query, _args):
    """The findings on screen (info included when shown) as the `findings` record export writes them."""
    day, regions = _export_view(engine, query)
    severities = q.SEVERITIES if query.get(INFO) == "1" else q.SHOWN_SEVERITIES
    found = q.findings(engine, day, regions, severities)[1] if day else []
    return "findings", [{"business_date": day, **f} for f in found], "数据接入-问题清单"
