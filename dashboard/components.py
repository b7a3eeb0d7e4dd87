"""Building blocks every page uses, so pages look alike and hold only what is their own."""
from __future__ import annotations

import json

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import Output, dcc, html
from plotly.io.json import to_json_plotly

from dashboard.exports import export_buttons
from dashboard.figures.style import BLANK, PLOT_CONFIG
from dashboard.theme import SEVERITY

NO_DATA = "暂无数据"

# AG Grid speaks English unless told otherwise; these are the texts a user of this app can meet.
GRID_LOCALE = {
    "noRowsToShow": NO_DATA, "loadingOoo": "加载中…", "page": "页", "of": "共", "to": "至", "more": "更多",
    "filterOoo": "筛选…", "equals": "等于", "notEqual": "不等于", "contains": "包含", "notContains": "不包含",
    "startsWith": "开头是", "endsWith": "结尾是", "blank": "为空", "notBlank": "不为空",
    "lessThan": "小于", "greaterThan": "大于", "lessThanOrEqual": "小于等于", "greaterThanOrEqual": "大于等于",
    "inRange": "介于", "andCondition": "且", "orCondition": "或", "applyFilter": "应用", "resetFilter": "重置",
    "clearFilter": "清除", "selectAll": "全选", "searchOoo": "搜索…",
    "firstPage": "首页", "previousPage": "上一页", "nextPage": "下一页", "lastPage": "末页",
    "pageSizeSelectorLabel": "每页行数：", "ariaPageSizeSelectorLabel": "每页行数",
}


def page(title: str, *children, subtitle: str | None = None) -> dmc.Stack:
    """A page: its title (with what it is about) above its sections."""
    head = [dmc.Title(title, order=2, id="page-title")]
    if subtitle:
        head.append(dmc.Text(subtitle, c="dimmed", size="sm", id="page-subtitle"))
    return dmc.Stack([dmc.Stack(head, gap=2), *children], gap="md")


NO_VIEW = "请选择截至日期和区划"


def view_page(title: str, view, store_id: str, *children, subtitle: str | None = None, **choices) -> dmc.Stack:
    """A page of one as-of date and region: its view (with the page's own `choices`) in a store its callbacks
    read, or a request to pick the date and region when the URL lacks them."""
    if not view.as_of or not view.region:
        return page(title, empty_state(NO_VIEW))
    data = {"date": view.as_of.isoformat(), "region": view.region, **choices}
    return page(title, dcc.Store(id=store_id, data=data), *children, subtitle=subtitle)


def section(title: str, *children) -> dmc.Paper:
    return dmc.Paper([dmc.Title(title, order=4, mb="xs"), *children], withBorder=True, p="sm", radius="sm",
                     className="section")


def empty_state(detail: str | None = None) -> dmc.Center:
    """What a section shows when it has nothing to show: a plain 暂无数据 with the reason beneath."""
    lines = [dmc.Text(NO_DATA, fw=600, c="dimmed")]
    if detail:
        lines.append(dmc.Text(detail, size="sm", c="dimmed", ta="center"))
    return dmc.Center(dmc.Stack(lines, gap=4, align="center"), mih=120, className="empty-state")


def pending_page(title: str, subtitle: str, sections: tuple[str, ...],
                 detail: str = "本页指标尚未生成：数据载入并完成指标计算后显示。") -> dmc.Stack:
    """A page whose figures come from a later layer: its sections in place, each saying 暂无数据."""
    return page(title, *(section(name, empty_state(detail)) for name in sections), subtitle=subtitle)


def kpi(label: str, value: str, severity: str | None = None, detail: str | None = None) -> dmc.Paper:
    """A headline number (with a line of context beneath, e.g. the 序时进度 it compares with); a severity
    (红/橙/黄) marks the card's edge, the number itself stays dark and legible."""
    edge = {"style": {"borderLeft": f"4px solid {SEVERITY[severity]}"}} if severity else {}
    lines = [dmc.Text(label, size="xs", c="dimmed"), dmc.Text(value, fw=700, size="lg", className="kpi-value")]
    if detail:
        lines.append(dmc.Text(detail, size="xs", c="dimmed", className="kpi-detail"))
    return dmc.Paper(lines, withBorder=True, p="xs", radius="sm", className="kpi", **edge)



# Columns share the grid's width (flex), each at least minWidth wide, wider than that only by a column's own
# flex weight; a column with a fixed "width" says "flex": 0. AG Grid computes flex widths itself as it lays the
# columns out, where Dash's columnSize="responsiveSizeToFit" resized every column again after each draw and
# each resize of the page (each resize re-measuring every wrapped header): a grid's draw cost twice as much.
_COLUMN_DEFAULTS = {"sortable": True, "filter": True, "resizable": True, "minWidth": 104, "flex": 1,
                    "wrapHeaderText": True, "autoHeaderHeight": True}


def _grid_options(options: dict) -> dict:
    return {"localeText": GRID_LOCALE, "enableCellTextSelection": True, "ensureDomOrder": True,
            "suppressColumnVirtualisation": True, **options}


def grid(grid_id, columns: list[dict] | None = None, rows: list[dict] | None = None,
         height: int = 360, row_id: str | None = None, **options) -> html.Div:
    """A client-side AG Grid with Chinese texts, sortable/filterable columns and a fixed height; `row_id`
    names the field that identifies a row (a click then reports it as rowId)."""
    extra = {"getRowId": f"params.data.{row_id}"} if row_id else {}  # the field must hold text
    return _sized(dag.AgGrid(
        id=grid_id,
        columnDefs=columns or [],
        rowData=rows or [],
        defaultColDef=_COLUMN_DEFAULTS,
        dashGridOptions=_grid_options(options),
        style={"height": height, "width": "100%"},
        className="grid",
        **extra,
    ), height)


def _sized(component, height: int) -> html.Div:
    """A grid in a box of its height from the first frame (the grid itself is drawn once its code has loaded)."""
    return html.Div(component, style={"minHeight": height})


def infinite_grid(grid_id, columns: list[dict], height: int = 420, block: int = 100, **options) -> html.Div:
    """A server-side AG Grid (infinite row model): the server sorts, filters and sends rows one block at a time.

    Blocks are asked for one at a time, so each request follows the block before it and can continue from
    that block's last key (keyset paging, see dashboard.queries.vouchers)."""
    return _sized(dag.AgGrid(
        id=grid_id,
        columnDefs=columns,
        rowModelType="infinite",
        defaultColDef={**_COLUMN_DEFAULTS, "filterParams": {"maxNumConditions": 2}},
        getRowId="params.data.id",  # rows carry their id as text
        dashGridOptions=_grid_options({"cacheBlockSize": block, "maxConcurrentDatasourceRequests": 1,
                                       "infiniteInitialRowCount": 1, "maxBlocksInCache": 20, **options}),
        style={"height": height, "width": "100%"},
        className="grid",
    ), height)


def note(text: str, **props) -> dmc.Text:
    return dmc.Text(text, size="xs", c="dimmed", **props)


def kpis(cards: list) -> dmc.SimpleGrid:
    """A row of headline numbers: two across on a phone, more on wider screens."""
    return dmc.SimpleGrid(cards, cols={"base": 2, "sm": 3, "lg": min(len(cards), 6) or 1}, spacing="xs")


def graph(graph_id, height: int = 300, figure: dict | None = None) -> html.Div:
    """A chart: its figure given, or blank until its callback brings it. The box around it has the chart's
    height from the first frame (the chart itself is drawn once plotly has loaded), so the page below does not
    move while it loads."""
    return html.Div(dcc.Graph(id=graph_id, figure=figure or BLANK, config=PLOT_CONFIG, style={"height": height},
                              className="graph"), style={"minHeight": height})


def table_body(table_id: str, *above, text: str = "", columns: list[dict] | None = None,
               rows: list[dict] | None = None, height: int = 360, row_id: str | None = None) -> list:
    """What a table's section holds: its note (the unit …) and export buttons above the grid."""
    return [dmc.Group([note(text, id=f"{table_id}-note"), export_buttons(table_id)], justify="space-between",
                      gap="xs", mb=4),
            *above, grid(table_id, columns, rows, height=height, row_id=row_id)]


def table_section(title: str, table_id: str, *above, height: int = 360, row_id: str | None = None,
                  columns: list[dict] | None = None):
    """A section holding one grid, its unit note and its export buttons (registered by the page); the page's
    callback fills the grid and the note."""
    return section(title, *table_body(table_id, *above, columns=columns, height=height, row_id=row_id))


# -- parts of a page drawn when they come near the screen --------------------------------------------------------
DEFERRED, DEFERRED_SHOWN, DEFERRED_BOX = "deferred", "deferred-shown", "deferred-box"
NOTE_HEIGHT = 34  # a table's note and export buttons above its grid


def deferred(key: str, height: int, content=None) -> html.Div:
    """Part of a section below the first screen, built only when it comes near the screen: assets/defer.js sets
    its `shown` store, and a clientside callback (dashboard.shell) moves its content into its box. Until then
    the box keeps the height it will have, so the page does not jump. `content` is what it shows, given here or
    written by the page's callback to `deferred_output(key)` — computed with the page's other figures, built in
    the browser only when seen. The grids and charts at the bottom of a long page were a third of its load."""
    shown = {"type": DEFERRED_SHOWN, "key": key}
    return html.Div([
        dcc.Store(id={"type": DEFERRED, "key": key}, data=None if content is None else as_content(content)),
        dcc.Store(id=shown, data=False),
        html.Div(id={"type": DEFERRED_BOX, "key": key}, style={"minHeight": height}, className="deferred",
                 **{"data-defer": json.dumps(shown, sort_keys=True, separators=(",", ":"))}),
    ])


def deferred_output(key: str) -> Output:
    """Where a page's callback writes the content of `deferred(key, …)` (as_content of its components)."""
    return Output({"type": DEFERRED, "key": key}, "data")


def as_content(components) -> dict | list:
    """Components as the JSON a store holds (and the box, once shown, draws)."""
    return json.loads(to_json_plotly(components))


def deferred_table(table_id: str, height: int = 360) -> html.Div:
    """A table (note, export buttons, grid) drawn when it comes near the screen; its callback writes
    `table_body(...)` to deferred_output(table_id)."""
    return deferred(table_id, height + NOTE_HEIGHT)
