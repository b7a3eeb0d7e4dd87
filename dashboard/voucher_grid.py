"""The voucher list every page uses: an infinite AG Grid whose blocks are keyset pages of dashboard.queries.vouchers.

AG Grid asks for rows by position (startRow); the list answers by key. The grid asks for one block at a time,
each after the one before, so the key that ends each block is kept in the browser (the cursor store) and the
next request continues from it. A request for a block whose key is unknown (the reader dragged the scrollbar
far ahead) walks forward from the nearest known key, page by page, still by key. A new sort or filter starts
over from the top.
"""
from __future__ import annotations

import json

import dash_mantine_components as dmc
from dash import ALL, MATCH, Input, Output, State, callback, ctx, dcc, html, no_update

from dashboard import store
from dashboard.components import NOTE_HEIGHT, deferred, grid, infinite_grid, note
from dashboard.exports import export_buttons, exporter
from dashboard.figures.vouchers import VOUCHER_COLUMNS, detail, grid_rows, records
from dashboard.queries.vouchers import (COUNT_CAP, PAGE_ROWS, FilterError, VoucherScope, sort_of, voucher,
                                        voucher_count, voucher_page)
from dashboard.state import merge_search
from indicators.scope import ScopeError

EXPORT_CAP = 50_000  # rows in one downloaded file; a larger list is narrowed by its filters first
GRID, SCOPE, CURSORS, COUNT = "vouchers", "voucher-scope", "voucher-cursors", "voucher-count"
ROWS = "voucher-rows"  # a short voucher list sent whole (an alert's evidence)
PARAM = "voucher"  # query parameter: the voucher (row id) whose detail is open
MODAL = "voucher-modal"
LIST_NOTE_HEIGHT = 22  # the line under the list


def register(table: str) -> str:
    """Declares a voucher list's table id (at import, so every server process can export it)."""
    exporter(table)(export_vouchers)
    return table


def voucher_list(table: str, scope: VoucherScope, height: int = 420) -> html.Div:
    """The list of the vouchers in `scope`, its count, and its export buttons (`table` from `register`). It is
    built, and its first rows asked for, when it comes near the screen (components.deferred): a list at the
    bottom of a page costs nothing, in the browser or in the store, until the reader scrolls to it."""
    return deferred(table, height + NOTE_HEIGHT + LIST_NOTE_HEIGHT, content=html.Div([
        dcc.Store(id={"type": SCOPE, "table": table}, data=scope.to_data()),
        dcc.Store(id={"type": CURSORS, "table": table}, data={}),
        dmc.Group([note("", id={"type": COUNT, "table": table}), export_buttons(table)],
                  justify="space-between", gap="xs", mb=4),
        infinite_grid({"type": GRID, "table": table}, VOUCHER_COLUMNS, height=height, block=PAGE_ROWS),
        note(f"点击一行查看凭证详情；可按列排序、筛选（服务器端处理）。导出最多 {EXPORT_CAP:,} 条。", mt=4),
    ]))


def voucher_rows(table: str, rows: list[dict], height: int = 300):
    """A short list of vouchers sent whole to the browser; a click opens a voucher like in the long lists."""
    return grid({"type": ROWS, "table": table}, VOUCHER_COLUMNS, grid_rows(rows), height=height, row_id="id")


def _query_key(scope: dict, sort: tuple, filter_model: dict | None) -> str:
    return json.dumps([scope, list(sort), filter_model or {}], sort_keys=True, ensure_ascii=False)


def _count_text(n: int) -> str:
    return f"超过 {COUNT_CAP:,} 条凭证" if n > COUNT_CAP else f"共 {n:,} 条凭证"


@callback(Output({"type": GRID, "table": MATCH}, "getRowsResponse"),
          Output({"type": CURSORS, "table": MATCH}, "data"),
          Output({"type": COUNT, "table": MATCH}, "children"),
          Output({"type": "export-args", "table": MATCH}, "data"),
          Input({"type": GRID, "table": MATCH}, "getRowsRequest"),
          State({"type": SCOPE, "table": MATCH}, "data"),
          State({"type": CURSORS, "table": MATCH}, "data"))
def serve_block(request, scope_data, cursors):
    if not request or not scope_data:
        return no_update, no_update, no_update, no_update
    engine = store.engine()
    try:  # everything below comes from the browser: malformed parts are refused (FilterError), never used
        scope = VoucherScope.from_data(scope_data)
        sort, filter_model = sort_of(request.get("sortModel")), request.get("filterModel") or {}
        start, size = _block(request)
        key = _query_key(scope_data, sort, filter_model)
    except (AttributeError, FilterError, TypeError) as exc:
        return {"rowData": [], "rowCount": 0}, {}, str(exc) if isinstance(exc, FilterError) else "请求无效", no_update
    known = cursors.get("cursors", {}) if isinstance(cursors, dict) and cursors.get("query") == key else {}
    export_args = {"scope": scope_data, "sort": list(sort), "filter": filter_model}
    try:
        position, after = _nearest(known, start)
        while position < start:  # walk forward by key to a block whose key was never seen
            skipped, after = voucher_page(engine, scope, sort, filter_model, after, limit=min(size, start - position))
            position += len(skipped)
            if after is None:
                return {"rowData": [], "rowCount": position}, {"query": key, "cursors": known}, no_update, \
                    export_args
        rows, last = voucher_page(engine, scope, sort, filter_model, after, limit=size)
        count = _count_text(voucher_count(engine, scope, filter_model)) if start == 0 else no_update
    except (FilterError, ScopeError) as exc:
        return {"rowData": [], "rowCount": 0}, {}, str(exc), no_update
    if last is not None:
        known = {**known, str(start + len(rows)): last}
    response = {"rowData": grid_rows(rows)}
    if last is None:
        response["rowCount"] = start + len(rows)
    return response, {"query": key, "cursors": known}, count, export_args


MAX_BLOCK, MAX_START = 1_000, 10_000_000


def _block(request: dict) -> tuple[int, int]:
    """(first row, rows) of the block AG Grid asks for, within what a grid asks (FilterError otherwise)."""
    try:
        start = int(request.get("startRow") or 0)
        size = int(request.get("endRow") or start + PAGE_ROWS) - start
    except (TypeError, ValueError) as exc:
        raise FilterError("请求的行范围无效") from exc
    if not 0 <= start <= MAX_START or not 0 < size <= MAX_BLOCK:
        raise FilterError("请求的行范围无效")
    return start, size


def _nearest(known: dict, start: int) -> tuple[int, list | None]:
    """The closest position at or before `start` whose key is known (0: the top, no key); a position that is
    not a number is ignored (the key itself is checked by the query)."""
    if not isinstance(known, dict):
        return 0, None
    positions = [int(p) for p in known if isinstance(p, str) and p.isdigit() and int(p) <= start]
    if not positions:
        return 0, None
    best = max(positions)
    return best, known[str(best)]


def export_vouchers(engine, _query: dict, args: dict | None):
    """The list as sorted and filtered on screen, up to EXPORT_CAP rows, walked page by page by key."""
    if not args:
        return "vouchers", [], "支付凭证"
    try:
        scope = VoucherScope.from_data(args["scope"])
        sort, filter_model = tuple(args["sort"]), args.get("filter") or {}
    except (AttributeError, KeyError, TypeError) as exc:
        raise FilterError("导出参数无效") from exc
    rows, after = [], None
    while len(rows) < EXPORT_CAP:
        page, after = voucher_page(engine, scope, sort, filter_model, after,
                                   limit=min(5_000, EXPORT_CAP - len(rows)))
        rows += page
        if after is None:
            break
    return "vouchers", records(rows), "支付凭证"


def voucher_id(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) <= 18 else None


def voucher_modal(voucher_no: int | None):
    """The detail of the voucher the URL names, in a dialog; nothing when it names none (or an unknown one)."""
    row = voucher(store.engine(), voucher_no) if voucher_no is not None else None
    if row is None:
        return dmc.Modal(id=MODAL, opened=False, title="支付凭证")
    lines = [html.Tr([html.Th(label, className="detail-label"), html.Td(text)]) for label, text in detail(row)]
    return dmc.Modal(html.Table(html.Tbody(lines), className="detail-table", id="voucher-detail"),
                     id=MODAL, opened=True, title=f"支付凭证 {row['voucher_no']}", size="lg", centered=True)


@callback(Output("url", "search", allow_duplicate=True), Input({"type": GRID, "table": ALL}, "cellClicked"),
          Input({"type": ROWS, "table": ALL}, "cellClicked"), State("url", "search"), prevent_initial_call=True)
def open_voucher(_long, _short, search):
    """A click on a voucher opens its detail, and the link then names it."""
    clicked = ctx.triggered[0]["value"] if ctx.triggered else None
    if not clicked or clicked.get("rowId") is None:
        return no_update
    return merge_search(search, **{PARAM: clicked["rowId"]})


@callback(Output("url", "search", allow_duplicate=True), Input(MODAL, "opened"), State("url", "search"),
          prevent_initial_call=True)
def close_voucher(opened, search):
    return no_update if opened else merge_search(search, **{PARAM: None})
