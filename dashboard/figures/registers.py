"""国有资产, 审计整改, 重大项目: each page's chart and its lists (the rows explain() gives behind a figure)."""
from __future__ import annotations

from dashboard.figures.style import base_layout, figure, plain, severity_cells
from dashboard.figures.tables import TWO_DECIMALS, amount_unit, cell, table
from dashboard.format import in_unit, unit_for
from dashboard.theme import SERIES
from indicators.registry import label

ASSET_FIELDS = ["category", "entities", "total_assets", "total_liabilities", "equity", "debt_asset_ratio",
                "equity_growth", "period"]
AUDIT_FIELDS = ["category", "issues", "rectified_issues", "overdue_issues", "amount", "rectified_amount",
                "rectification_rate"]
PROJECT_FIELDS = ["name", "code", "region_code", "unit_code", "report_date", "annual_plan", "ytd_completed",
                  "completion_rate", "time_progress", "lag_pp"]


def grouped_bars(family: str, rows: list[dict], x: str, fields: list[str], height: int = 300) -> dict:
    """One bar per row and figure, grouped by `x` (amounts in one unit for the chart)."""
    unit = amount_unit(family, rows, fields)
    bars = [{"type": "bar", "x": [plain(r[x]) for r in rows], "y": [cell(family, field, r[field], unit) for r in rows],
             "name": name, "marker": {"color": colour},
             "hovertemplate": "%{x}<br>" + name + " %{y:,.2f} " + unit + "<extra></extra>"}
            for field, colour, name in ((f, c, label(family, f)) for f, c in zip(fields, SERIES))]
    return figure(bars, base_layout(barmode="group", height=height, xaxis={"automargin": True},
                                    yaxis={"title": {"text": f"金额（{unit}）"}, "rangemode": "tozero"}))


def family_table(family: str, rows: list[dict], fields: list[str]) -> tuple[list[dict], list[dict], str]:
    return table(family, rows, fields, first={"pinned": "left", "minWidth": 130})


def listed_table(family: str, rows: list[dict], text: list[str], amount: str,
                 amount_label: str) -> tuple[list[dict], list[dict], str]:
    """(columnDefs, rowData, unit) of rows explain() listed: text columns, then the amount (元) in 万元/亿元."""
    unit = unit_for(r["amount"] for r in rows)
    columns = [{"field": f, "headerName": label(family, f)} for f in text]
    columns[0].update(pinned="left", minWidth=120)
    columns.append({"field": amount, "headerName": f"{amount_label}（{unit}）", "type": "rightAligned",
                    "valueFormatter": TWO_DECIMALS, "filter": "agNumberColumnFilter"})
    data = [{**{f: (r[f].isoformat() if hasattr(r[f], "isoformat") else r[f]) for f in text},
             amount: None if r["amount"] is None else float(in_unit(r["amount"], unit))} for r in rows]
    return columns, data, unit


OVERDUE_CELLS = severity_cells(("params.value == '是'", "橙"))


def issue_table(issues: list[dict], overdue_ids: set[str]) -> tuple[list[dict], list[dict], str]:
    """The audit issues, each marked 逾期 when explain() lists it behind overdue_issues."""
    columns, data, unit = listed_table("audit_issues", issues, ["issue_id", "unit_code", "category", "status",
                                                                "deadline", "updated_date", "description"],
                                       "issue_amount", "涉及金额")
    columns.insert(4, {"field": "overdue", "headerName": "逾期", "width": 80, "flex": 0, "cellStyle": OVERDUE_CELLS})
    for d in data:
        d["overdue"] = "是" if d["issue_id"] in overdue_ids else "否"
    return columns, data, unit


def entity_table(entities: list[dict]) -> tuple[list[dict], list[dict], str]:
    return listed_table("asset_entities", entities, ["entity_name", "entity_code", "category", "period",
                                                     "unit_of_measure"], "total_assets", "资产总额")


def listed_records(rows: list[dict], fields: tuple[str, ...], amount: str) -> list[dict]:
    """explain() rows as list exports: their fields, the amount (元) under the list's own name."""
    return [{**{f: r.get(f) for f in fields if f != amount}, amount: r["amount"]} for r in rows]
