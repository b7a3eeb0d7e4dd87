"""The 国有资产 page: each category's assets, liabilities and equity at the latest quarter, their ratios, and the
reporting entities behind the totals."""
import dash
from dash import Input, Output, callback

from dashboard import store
from dashboard.components import graph, section, table_section, view_page
from dashboard.exports import exporter
from dashboard.figures.registers import ASSET_FIELDS, entity_table, family_table, grouped_bars, listed_records
from dashboard.queries.lists import rows_behind
from dashboard.state import parse_view
from indicators.assets import assets
from indicators.registry import RECORD_FIELDS
from indicators.scope import FULL

NAME = "国有资产"
TABLE, ENTITIES = "assets-table", "assets-entities"

dash.register_page(__name__, path="/state-assets", name=NAME, title=f"{NAME} · 预算联网监督分析平台", order=5)


def layout(**query):
    view = parse_view(query)
    return view_page(
        NAME, view, "assets-view",
        section("资产、负债与所有者权益（按类别，最新报告期）", graph("assets-chart", 300)),
        table_section("资产概况（全辖，按类别）", TABLE, height=260),
        table_section("主体清单（最新报告期各主体的资产总额）", ENTITIES, height=380),
        subtitle="各类国有资产的规模、资产负债率与保值增值",
    )


def _rows(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    return [r for r in assets(engine, view.as_of, view.region) if r["code"] == view.region and r["scope"] == FULL]


def _entities(engine, query: dict) -> list[dict]:
    view = parse_view(query)
    scope = {"level": "region", "code": view.region, "region": view.region, "category": "合计"}
    return rows_behind(engine, "assets.total_assets", scope, view.as_of)[0]


@callback(Output("assets-chart", "figure"), Output(TABLE, "columnDefs"), Output(TABLE, "rowData"),
          Output(f"{TABLE}-note", "children"), Input("assets-view", "data"))
def show_summary(view):
    rows = _rows(store.engine(), view)
    if not any(r["entities"] for r in rows):
        return {}, [], [], "本区划尚无国有资产报告"
    columns, data, unit = family_table("assets", rows, ASSET_FIELDS)
    return (grouped_bars("assets", rows, "category", ["total_assets", "total_liabilities", "equity"]), columns, data,
            f"报告期 {rows[0]['period']}；金额单位：{unit}（国有自然资源以实物量计量的不计入金额）")


@callback(Output(ENTITIES, "columnDefs"), Output(ENTITIES, "rowData"), Output(f"{ENTITIES}-note", "children"),
          Input("assets-view", "data"))
def show_entities(view):
    rows = _entities(store.engine(), view)
    columns, data, unit = entity_table(rows)
    return columns, data, f"{len(rows)} 个主体；金额单位：{unit}"


@exporter(TABLE)
def export_summary(engine, query, _args):
    return "assets", _rows(engine, query), NAME


@exporter(ENTITIES)
def export_entities(engine, query, _args):
    return "asset_entities", listed_records(_entities(engine, query), RECORD_FIELDS["asset_entities"],
                                            "total_assets"), f"{NAME}-主体清单"
