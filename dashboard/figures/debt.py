"""The 政府债务 page: balance against limit per region and bond type, the maturity wall, bonds and schedules."""
from __future__ import annotations

from dashboard.figures.style import base_layout, figure, plain
from dashboard.figures.tables import TWO_DECIMALS, amount_unit, cell, table
from dashboard.format import in_unit, unit_for, yuan_from_fen
from dashboard.theme import SERIES
from indicators.debt import BOND_TYPES
from indicators.export import format_value
from indicators.registry import label

COLOURS = dict(zip(BOND_TYPES, (SERIES[0], SERIES[2])))
LIMIT_COLOUR = "#333333"  # a limit is drawn as a dark tick over its own bar
RISK_FIELDS = ["name", "code", "scope", "bond_type", "balance", "limit", "limit_usage", "debt_ratio",
               "interest_expense_ratio", "coverage_multiple", "repayment_ratio", "due_12m", "fiscal_capacity"]


def balance_chart(rows: list[dict]) -> dict:
    """Per region: balance bars per bond type, each with its limit as a tick beside it."""
    rows = [r for r in rows if r["bond_type"] in BOND_TYPES]
    unit = amount_unit("debt", rows, ["balance", "limit"])
    traces = []
    for bond_type in BOND_TYPES:
        mine = [r for r in rows if r["bond_type"] == bond_type]
        names = [plain(r["name"]) for r in mine]
        traces.append({"type": "bar", "x": names, "y": [cell("debt", "balance", r["balance"], unit) for r in mine],
                       "name": f"{bond_type}余额", "marker": {"color": COLOURS[bond_type]}, "offsetgroup": bond_type,
                       "hovertemplate": "%{x}<br>" + bond_type + "余额 %{y:,.2f} " + unit + "<extra></extra>"})
        traces.append({"type": "scatter", "x": names, "y": [cell("debt", "limit", r["limit"], unit) for r in mine],
                       "mode": "markers", "name": f"{bond_type}限额", "offsetgroup": bond_type,
                       "marker": {"symbol": "line-ew-open", "size": 26, "color": LIMIT_COLOUR,
                                  "line": {"width": 3, "color": LIMIT_COLOUR}},
                       "hovertemplate": "%{x}<br>" + bond_type + "限额 %{y:,.2f} " + unit + "<extra></extra>"})
    return figure(traces, base_layout(barmode="group", height=320, scattermode="group",
                                      yaxis={"title": {"text": f"金额（{unit}）"}, "rangemode": "tozero"},
                                      xaxis={"automargin": True}))


def risk_table(rows: list[dict]) -> tuple[list[dict], list[dict], str]:
    return table("debt", rows, RISK_FIELDS, first={"pinned": "left", "minWidth": 120})


def maturity_chart(wall: list[dict]) -> dict:
    """Principal falling due per month, stacked by bond type."""
    unit = unit_for(yuan_from_fen(r["principal"]) for r in wall)
    bars = [{"type": "bar", "x": [r["month"] for r in mine],
             "y": [float(in_unit(yuan_from_fen(r["principal"]), unit)) for r in mine], "name": bond_type,
             "marker": {"color": COLOURS[bond_type]},
             "hovertemplate": "%{x|%Y年%m月}<br>" + bond_type + "到期本金 %{y:,.2f} " + unit + "<extra></extra>"}
            for bond_type, mine in ((t, [r for r in wall if r["bond_type"] == t]) for t in BOND_TYPES)]
    return figure(bars, base_layout(barmode="stack", height=300, xaxis={"tickformat": "%Y-%m", "dtick": "M3"},
                                    yaxis={"title": {"text": f"到期本金（{unit}）"}, "rangemode": "tozero"}))


def _amount_columns(rows: list[dict], fields: list[str]) -> tuple[str, list[dict]]:
    unit = unit_for(yuan_from_fen(r[f]) for r in rows for f in fields if r.get(f) is not None)
    return unit, [{"field": f, "headerName": f"{label('bonds', f)}（{unit}）", "type": "rightAligned",
                   "valueFormatter": TWO_DECIMALS, "filter": "agNumberColumnFilter"} for f in fields]


BOND_AMOUNTS = ["issued", "repaid", "outstanding"]


def bond_table(bonds: list[dict]) -> tuple[list[dict], list[dict], str]:
    """(columnDefs, rowData, unit) of the bond list; a click opens the bond's schedule."""
    unit, amounts = _amount_columns(bonds, BOND_AMOUNTS)
    text = [{"field": f, "headerName": label("bonds", f)} for f in
            ("bond_name", "bond_code", "region_code", "bond_type", "issue_kind", "issue_date", "maturity_date",
             "coupon_freq")]
    text[0].update(pinned="left", minWidth=160, cellClass="drill-cell")
    columns = [*text, {"field": "coupon_rate", "headerName": label("bonds", "coupon_rate"), "type": "rightAligned",
                       "valueFormatter": {"function": "params.value == null ? '—' : d3.format('.4~f')(params.value)"}},
               *amounts]
    data = [{**{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in b.items() if k not in BOND_AMOUNTS},
             "coupon_rate": None if b["coupon_rate"] is None else float(b["coupon_rate"]),
             **{f: float(in_unit(yuan_from_fen(b[f]), unit)) for f in BOND_AMOUNTS}} for b in bonds]
    return columns, data, unit


def schedule_table(payments) -> tuple[list[dict], list[dict], str]:
    """(columnDefs, rowData, unit) of one bond's scheduled payments."""
    rows = [{"date": p.date, "kind": p.kind, "principal": p.principal, "payment": p.amount} for p in payments]
    unit, amounts = _amount_columns(rows, ["principal", "payment"])
    columns = [{"field": "date", "headerName": "日期"}, {"field": "kind", "headerName": "类型"}, *amounts]
    data = [{"date": r["date"].isoformat(), "kind": r["kind"],
             **{f: float(in_unit(yuan_from_fen(r[f]), unit)) for f in ("principal", "payment")}} for r in rows]
    return columns, data, unit



# Export rows of the lists (amounts in 元, as every export writes them).
def bond_records(bonds: list[dict]) -> list[dict]:
    return [{**b, **{f: format_value("元", b[f]) for f in BOND_AMOUNTS}} for b in bonds]


def schedule_records(bond_code: str, payments) -> list[dict]:
    return [{"bond_code": bond_code, "date": p.date, "kind": p.kind, "principal": format_value("元", p.principal),
             "payment": format_value("元", p.amount)} for p in payments]


def wall_records(wall: list[dict]) -> list[dict]:
    return [{"month": r["month"].strftime("%Y-%m"), "bond_type": r["bond_type"],
             "principal": format_value("元", r["principal"])} for r in wall]
