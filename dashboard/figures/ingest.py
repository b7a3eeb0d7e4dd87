"""The 数据接入 page's chart and grids, shaped from the rows of dashboard.queries.ingest."""
from __future__ import annotations

import datetime as dt

from dashboard.figures.style import base_layout, figure, severity_cells
from dashboard.format import format_amount, in_unit, unit_for, yuan_from_fen
from dashboard.theme import FINDING_SEVERITY, NEUTRAL, SERIES, SEVERITY
from ingest.standard import REPORTS

STATUS_LABELS = {"loaded": "已载入", "refused": "已拒收", "superseded": "已被替换", "unchanged": "重复交付（未变）"}
STATUS_COLOURS = {"loaded": SERIES[0], "refused": SEVERITY["红"], "superseded": NEUTRAL, "unchanged": SERIES[1]}
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
_WHEN_ANY_RED = severity_cells(("params.value > 0", "红"))
_WHEN_ANY_ORANGE = severity_cells(("params.value > 0", "橙"))


def status_chart(daily: list[dict], until: dt.date, days: int = 30) -> dict:
    """Stacked files per business date and status; every date of the window is on the axis, gaps included."""
    dates = [until - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    counts = {(r["business_date"], r["status"]): r["files"] for r in daily}
    bars = [{"type": "bar", "x": dates, "y": [counts.get((d, status), 0) for d in dates], "name": label,
             "marker": {"color": STATUS_COLOURS[status]},
             "hovertemplate": "%{x|%Y-%m-%d}<br>" + label + "：%{y} 个文件<extra></extra>"}
            for status, label in STATUS_LABELS.items()]
    layout = base_layout(barmode="stack", height=260, xaxis={"tickformat": "%m-%d"},
                         yaxis={"title": {"text": "文件数"}, "rangemode": "tozero"})
    layout["legend"] = {**layout["legend"], "traceorder": "normal"}
    return figure(bars, layout)


def _amount_column(unit: str) -> dict:
    return {"field": "amount", "headerName": f"金额（{unit}）", "type": "rightAligned",
            "valueFormatter": {"function": "params.value == null ? '—' : d3.format(',.2f')(params.value)"}}


def _amount(fen: int | None, unit: str) -> float | None:
    """Grid cells carry numbers so they sort; the exact Decimal is rounded to the cent of the unit first."""
    return None if fen is None else float(in_unit(yuan_from_fen(fen), unit))


def _table_unit(rows: list[dict], key: str) -> str:
    return unit_for(yuan_from_fen(r[key]) for r in rows if r[key] is not None)


def report_table(summary: list[dict]) -> tuple[list[dict], list[dict]]:
    """(columnDefs, rowData) of the per-report table."""
    unit = _table_unit(summary, "amount_fen")
    columns = [
        {"field": "report", "headerName": "报表", "pinned": "left", "minWidth": 90},
        {"field": "title", "headerName": "报表名称"},
        {"field": "region_code", "headerName": "区划"},
        {"field": "arrived", "headerName": "到达文件", "type": "rightAligned"},
        {"field": "loaded", "headerName": "已载入", "type": "rightAligned"},
        {"field": "refused", "headerName": "已拒收", "type": "rightAligned", "cellStyle": _WHEN_ANY_RED},
        {"field": "rows", "headerName": "载入行数", "type": "rightAligned"},
        _amount_column(unit),
        {"field": "errors", "headerName": "错误", "type": "rightAligned", "cellStyle": _WHEN_ANY_RED},
        {"field": "warnings", "headerName": "警告", "type": "rightAligned", "cellStyle": _WHEN_ANY_ORANGE},
    ]
    rows = [{**{k: r[k] for k in ("report", "region_code", "arrived", "loaded", "refused", "rows", "errors",
                                 "warnings")},
             "report": r["report"] or "（无法识别）",
             "title": REPORTS[r["report"]].title if r["report"] in REPORTS else "—",
             "amount": _amount(r["amount_fen"], unit)} for r in summary]
    return columns, rows


def file_table(files: list[dict]) -> tuple[list[dict], list[dict]]:
    """(columnDefs, rowData) of the per-file table."""
    unit = _table_unit(files, "amount_total_fen")
    columns = [
        {"field": "name", "headerName": "文件", "minWidth": 230},
        {"field": "status", "headerName": "状态",
         "cellStyle": severity_cells((f"params.value == '{STATUS_LABELS['refused']}'", "红"))},
        {"field": "rows", "headerName": "行数", "type": "rightAligned"},
        _amount_column(unit),
        {"field": "errors", "headerName": "错误", "type": "rightAligned", "cellStyle": _WHEN_ANY_RED},
        {"field": "warnings", "headerName": "警告", "type": "rightAligned", "cellStyle": _WHEN_ANY_ORANGE},
        {"field": "recorded_at", "headerName": "记录时间", "minWidth": 160},
    ]
    rows = [{"name": f["name"], "status": STATUS_LABELS.get(f["status"], f["status"]), "rows": f["rows"],
             "amount": _amount(f["amount_total_fen"], unit), "errors": f["errors"], "warnings": f["warnings"],
             "recorded_at": f["recorded_at"].strftime("%Y-%m-%d %H:%M:%S") if f["recorded_at"] else None}
            for f in files]
    return columns, rows


_SEVERITY_CELLS = severity_cells(*((f"params.value == '{SEVERITY_LABELS[s]}'", severity)
                                    for s, severity in FINDING_SEVERITY.items()))

FINDING_COLUMNS = [
    {"field": "severity", "headerName": "级别", "pinned": "left", "width": 80, "cellStyle": _SEVERITY_CELLS},
    {"field": "file", "headerName": "文件", "minWidth": 230},
    {"field": "line", "headerName": "行", "type": "rightAligned", "minWidth": 70, "maxWidth": 90},
    {"field": "column", "headerName": "列", "minWidth": 100},
    {"field": "value", "headerName": "提供值", "minWidth": 120},
    {"field": "expected", "headerName": "应为", "minWidth": 120},
    {"field": "message", "headerName": "说明", "minWidth": 320, "wrapText": True, "autoHeight": True},
    {"field": "rule_id", "headerName": "规则", "minWidth": 190},
]


def finding_rows(findings: list[dict]) -> list[dict]:
    return [{**f, "severity": SEVERITY_LABELS.get(f["severity"], f["severity"])} for f in findings]


RULE_COLUMNS = [
    {"field": "id", "headerName": "规则", "minWidth": 190},
    {"field": "severity", "headerName": "级别", "width": 80, "flex": 0},
    {"field": "reports", "headerName": "适用报表"},
    {"field": "cross_file", "headerName": "跨文件", "width": 90, "flex": 0},
    {"field": "message", "headerName": "说明", "minWidth": 320, "wrapText": True, "autoHeight": True},
]


def rule_rows(rules: list[dict]) -> list[dict]:
    return [{**r, "severity": SEVERITY_LABELS.get(r["severity"], r["severity"]),
             "reports": "全部" if r["reports"] == "*" else r["reports"],
             "cross_file": "是" if r["cross_file"] else "否"} for r in rules]
