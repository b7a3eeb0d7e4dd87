"""Excel / CSV download of any table a page shows, written by indicators.export like every other export.

A page registers, per table, a function of the view (the URL query) that returns the report name and rows the
table shows; the one download callback runs it for the view the user is looking at, so the file holds exactly
the table on screen (for a voucher list also its sort and filters, which the list keeps in its export store).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Callable

import dash_mantine_components as dmc
from dash import MATCH, Input, Output, State, callback, ctx, dcc, no_update

from auth import audit
from dashboard import store
from dashboard.queries.vouchers import FilterError
from dashboard.state import parse_search
from indicators.export import export
from indicators.scope import ScopeError

FORMATS = {"xlsx": "Excel", "csv": "CSV"}
# table id → fn(engine, query, args) → (report name, rows, title of the file)
Exporter = Callable[[object, dict, object], tuple[str, list[dict], str]]
EXPORTERS: dict[str, Exporter] = {}


def exporter(table: str):
    """Registers the function that gives a table's rows for export (decorator)."""
    def register(fn: Exporter) -> Exporter:
        EXPORTERS[table] = fn
        return fn
    return register


def export_buttons(table: str) -> dmc.Group:
    """导出 Excel / CSV buttons of one table, with their downloads and the table's export arguments."""
    items = [dcc.Store(id={"type": "export-args", "table": table})]
    for fmt, label in FORMATS.items():
        items.append(dmc.Button(f"导出 {label}", id={"type": "export", "table": table, "fmt": fmt}, size="compact-xs",
                                variant="light", className="export-button"))
        items.append(dcc.Download(id={"type": "download", "table": table, "fmt": fmt}))
    return dmc.Group(items, gap=6, justify="flex-end", className="export-buttons")


def file_name(title: str, query: dict, fmt: str) -> str:
    """'预算执行_419900_2026-06-30.xlsx' — what, where and as of when, safe on every file system."""
    parts = [title, query.get("region"), query.get("date") or dt.date.today().isoformat()]
    stem = "_".join(p for p in parts if p)
    return re.sub(r'[\\/:*?"<>|\s]+', "-", stem) + f".{fmt}"


@callback(Output({"type": "download", "table": MATCH, "fmt": MATCH}, "data"),
          Input({"type": "export", "table": MATCH, "fmt": MATCH}, "n_clicks"),
          State({"type": "export-args", "table": MATCH}, "data"), State("url", "search"),
          prevent_initial_call=True)
def download(clicks, args, search):
    if not clicks:
        return no_update
    table, fmt = ctx.triggered_id["table"], ctx.triggered_id["fmt"]
    if table not in EXPORTERS or fmt not in FORMATS:
        return no_update
    query = parse_search(search)
    try:  # the view and the arguments come from the browser; a region outside the principal's is RegionDenied (403)
        name, rows, title = EXPORTERS[table](store.engine(), query, args)
    except (FilterError, ScopeError):
        return no_update
    audit.log(store.engine(), audit.EXPORT, target=table, format=fmt, rows=len(rows), view=query, args=args)
    return dcc.send_bytes(export(name, rows, fmt, title, for_people=True), file_name(title, query, fmt))
