"""Indicator rows as grid columns and cells: headers and units from the registry, one amount unit per table.

Cells carry numbers (so the grid sorts them) already rounded for display: amounts in the table's 万元 or 亿元,
rates in percent, percentage points and multiples to 2 decimals. The exact values stay in the indicator rows,
which is what the exports write.
"""
from __future__ import annotations

from dashboard.format import in_unit, rate_percent, unit_for, yuan_from_fen
from indicators.export import round_half_up
from indicators.registry import label, unit_of

TWO_DECIMALS = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}
PERCENT = {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value) + '%'"}
PP = {"function": "params.value == null ? '—' : d3.format('+,.2f')(params.value)"}
INTEGER = {"function": "params.value == null ? '—' : d3.format(',')(params.value)"}


def amount_unit(family: str, rows: list[dict], fields: list[str]) -> str:
    """The one unit (万元 / 亿元) of every amount column of a table."""
    return unit_for(yuan_from_fen(r[f]) for r in rows for f in fields
                    if unit_of(family, f) == "元" and r.get(f) is not None)


def column(family: str, field: str, unit: str, **extra) -> dict:
    """One grid column of a figure (or a key field) with its header and its unit in the header."""
    kind = unit_of(family, field)
    name = label(family, field)
    spec = {"field": field, "headerName": name}
    if kind == "元":
        spec.update(headerName=f"{name}（{unit}）", type="rightAligned", valueFormatter=TWO_DECIMALS,
                    filter="agNumberColumnFilter")
    elif kind == "ratio":
        spec.update(headerName=f"{name}（%）", type="rightAligned", valueFormatter=PERCENT,
                    filter="agNumberColumnFilter")
    elif kind == "pp":
        spec.update(headerName=f"{name}（百分点）", type="rightAligned", valueFormatter=PP,
                    filter="agNumberColumnFilter")
    elif kind == "multiple":
        spec.update(headerName=f"{name}（倍）", type="rightAligned", valueFormatter=TWO_DECIMALS,
                    filter="agNumberColumnFilter")
    elif kind == "count":
        spec.update(type="rightAligned", valueFormatter=INTEGER, filter="agNumberColumnFilter")
    return {**spec, **extra}


def cell(family: str, field: str, value, unit: str):
    """A figure as a sortable number for the grid (text fields as text, dates as ISO text)."""
    if value is None:
        return None
    kind = unit_of(family, field)
    if kind == "元":
        return float(in_unit(yuan_from_fen(value), unit))
    if kind == "ratio":
        return float(rate_percent(value))
    if kind in ("pp", "multiple"):
        return float(round_half_up(value, 2))
    if kind == "count":
        return int(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def table(family: str, rows: list[dict], fields: list[str], first: dict | None = None,
          unit: str | None = None) -> tuple[list[dict], list[dict], str]:
    """(columnDefs, rowData, amount unit) of indicator rows; `first` overrides the first column's spec (e.g.
    pinned, a link style). Every row keeps its `code` so a click can say which member it was."""
    unit = unit or amount_unit(family, rows, fields)
    columns = [column(family, f, unit) for f in fields]
    if first:
        columns[0] = {**columns[0], **first}
    data = [{"code": r.get("code"), **{f: cell(family, f, r.get(f), unit) for f in fields}} for r in rows]
    return columns, data, unit
