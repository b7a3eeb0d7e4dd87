"""The 审计整改 page: issues found by the audit and how far their rectification has come, per category, with
every issue listed and the overdue ones marked."""
import dash
from dash import Input, Output, callback, html

from dashboard import store
from dashboard.components import (as_content, deferred_output, deferred_table, empty_state, graph, kpi, kpis, section,
                                  table_body, table_section, view_page)
from dashboard.exports import exporter
from dashboard.figures.registers import AUDIT_FIELDS, family_table, grouped_bars, issue_table, listed_records
from dashboard.format import format_amount, format_rate, yuan_from_fen
from dashboard.queries.lists import rows_behind
from dashboard.queries.regional import pick
from dashboard.state import parse_view
from indicators.audit import TOTAL, audit
from indicators.registry import RECORD_FIELDS
from indicators.scope import FULL

NAME = "审计整改"
TABLE, ISSUES = "audit-table", "audit-issues"
ISSUES_HEIGHT = 420

dash.register_page(__name__, path="/audit", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=6)


def layout(**query):
    view = parse_view(query)
    return view_page(
        NAME, view, "audit-view",
        html.Div(id="audit-kpis"),
        section("按问题类别：涉及金额与已整改金额", graph("audit-chart", 300)),
        table_section("整改概况（全辖，按类别）", TABLE, height=320),
        section("问题清单（各问题截至所选日期的最新状态；逾期为未整改且已过整改期限）",
                deferred_table(ISSUES, ISSUES_HEIGHT)),  # built when the reader scrolls to it
        subtitle="审计查出问题的整改进度与逾期情况",
    )


def _rows(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return [r for r in audit(engine, view.as_of, view.region) if r["code"] == view.region and r["scope"] == FULL]


def _issues(engine, query: dict, part: str = "amount") -> list[dict]:
    view = parse_view(query)
    scope = {"level": "region", "code": view.region, "region": view.region, "category": TOTAL}
    return rows_behind(engine, f"audit.{part}", scope, view.as_of)[0]


@callback(Output("audit-kpis", "children"), Output("audit-chart", "figure"), Output(TABLE, "columnDefs"),
          Output(TABLE, "rowData"), Output(f"{TABLE}-note", "children"), Input("audit-view", "data"))
def show_summary(view):
    rows = _rows(store.engine(), view)
    total = pick(rows, view["region"], category=TOTAL)
    if total is None or not total["issues"]:
        return empty_state("本区划尚无审计查出问题"), {}, [], [], ""
    cards = kpis([kpi("问题数", f"{total['issues']:,}"), kpi("已整改", f"{total['rectified_issues']:,}"),
                  kpi("逾期未整改", f"{total['overdue_issues']:,}", "橙" if total["overdue_issues"] else None),
                  kpi("涉及金额", format_amount(yuan_from_fen(total["amount"]))),
                  kpi("已整改金额", format_amount(yuan_from_fen(total["rectified_amount"]))),
                  kpi("整改率", format_rate(total["rectification_rate"]))])
    categories = [r for r in rows if r["category"] != TOTAL]
    columns, data, unit = family_table("audit", rows, AUDIT_FIELDS)
    return (cards, grouped_bars("audit", categories, "category", ["amount", "rectified_amount"]), columns, data,
            f"金额单位：{unit}")


@callback(deferred_output(ISSUES), Input("audit-view", "data"))
def show_issues(view):
    engine = store.engine()
    issues = _issues(engine, view)
    overdue = {r["issue_id"] for r in _issues(engine, view, "overdue_issues")}
    columns, data, unit = issue_table(issues, overdue)
    return as_content(table_body(ISSUES, text=f"{len(issues)} 个问题，其中逾期 {len(overdue)} 个；金额单位：{unit}",
                                 columns=columns, rows=data, height=ISSUES_HEIGHT))


@exporter(TABLE)
def export_summary(engine, query, _args):
    return "audit", _rows(engine, query), NAME


@exporter(ISSUES)
def export_issues(engine, query, _args):
    return "audit_issues", listed_records(_issues(engine, query), RECORD_FIELDS["audit_issues"], "issue_amount"), \
        f"{NAME}-问题清单"
