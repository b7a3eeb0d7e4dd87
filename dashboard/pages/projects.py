"""The 重大项目 page: each major project's investment this year against its annual plan and 序时进度."""
import dash
from dash import Input, Output, callback

from dashboard import store
from dashboard.components import graph, section, table_section, view_page
from dashboard.exports import exporter
from dashboard.figures.overview import behind_chart, most_behind
from dashboard.figures.registers import PROJECT_FIELDS, family_table
from dashboard.state import parse_view
from indicators.projects import projects

NAME = "重大项目"
TABLE = "projects-table"
BEHIND_N = 15

dash.register_page(__name__, path="/projects", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=7)


def layout(**query):
    view = parse_view(query)
    return view_page(
        NAME, view, "projects-view",
        section(f"投资完成进度最落后的项目（前 {BEHIND_N} 个，进度差 = 投资完成率 − 序时进度）",
                graph("projects-chart", 420)),
        table_section("项目清单（各项目本年最新月报）", TABLE, height=420),
        subtitle="重大项目的年度投资完成进度",
    )


def _rows(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return projects(engine, view.as_of, view.region)


@callback(Output("projects-chart", "figure"), Output(TABLE, "columnDefs"), Output(TABLE, "rowData"),
          Output(f"{TABLE}-note", "children"), Input("projects-view", "data"))
def show_projects(view):
    rows = _rows(store.engine(), view)
    if not rows:
        return {}, [], [], "本区划本年尚无重大项目月报"
    columns, data, unit = family_table("projects", rows, PROJECT_FIELDS)
    return behind_chart(most_behind(rows, BEHIND_N)), columns, data, f"{len(rows)} 个项目；金额单位：{unit}"


@exporter(TABLE)
def export_projects(engine, query, _args):
    return "projects", _rows(engine, query), NAME
