"""Vouchers as a grid shows them, as a file exports them and as the detail panel lists them.

A single voucher is read to the 分, so voucher amounts are shown in 元 (the header says so) rather than in the
万元 of the summary tables.
"""
from __future__ import annotations

from indicators.export import format_value
from indicators.registry import FIELD_LABELS

AMOUNT_FORMAT = {"function": "params.value == null ? '' : d3.format(',.2f')(params.value)"}
_TEXT = {"filter": "agTextColumnFilter",
         "filterParams": {"filterOptions": ["contains", "equals", "startsWith", "notContains", "blank"],
                          "maxNumConditions": 2}}
_NO_FILTER = {"filter": False, "sortable": False}

VOUCHER_COLUMNS = [
    {"field": "voucher_no", "headerName": "凭证号", "minWidth": 190, "pinned": "left", **_TEXT},
    {"field": "pay_date", "headerName": "支付日期", "minWidth": 110, "filter": "agDateColumnFilter",
     "filterParams": {"filterOptions": ["equals", "lessThan", "greaterThan", "inRange"], "maxNumConditions": 1}},
    {"field": "pay_amount", "headerName": "金额（元）", "type": "rightAligned", "minWidth": 120,
     "valueFormatter": AMOUNT_FORMAT, "filter": "agNumberColumnFilter",
     "filterParams": {"filterOptions": ["equals", "greaterThan", "greaterThanOrEqual", "lessThan",
                                        "lessThanOrEqual", "inRange"], "maxNumConditions": 2}},
    {"field": "payee_name", "headerName": "收款人", "minWidth": 140, **_TEXT},
    {"field": "payee_account", "headerName": "收款账号", "minWidth": 140, "sortable": False, **_TEXT},
    {"field": "unit_name", "headerName": "单位", "minWidth": 130, "sortable": False, **_TEXT},
    {"field": "quota_id", "headerName": "指标编号", "minWidth": 120, "sortable": False, **_TEXT},
    {"field": "func_code", "headerName": "功能科目", "minWidth": 100, "sortable": False, **_TEXT},
    {"field": "econ_code", "headerName": "经济科目", "minWidth": 100, "sortable": False, **_TEXT},
    {"field": "fund_type", "headerName": "资金性质", "minWidth": 110, "sortable": False, **_TEXT},
    {"field": "purpose", "headerName": "用途", "minWidth": 140, "sortable": False, **_TEXT},
    {"field": "pay_method", "headerName": "支付方式", "minWidth": 100, **_NO_FILTER},
]


def _yuan(fen):
    return format_value("元", fen)


def grid_rows(rows: list[dict]) -> list[dict]:
    """Voucher rows for the grid: dates as text, amounts as numbers in 元 (exact to the 分)."""
    return [{"id": str(r["id"]), "voucher_no": r["voucher_no"], "pay_date": r["pay_date"].isoformat(),
             "pay_amount": float(_yuan(r["amount_fen"])), "payee_name": r["payee_name"],
             "payee_account": r["payee_account"], "unit_name": r["unit_name"] or r["unit_code"],
             "quota_id": r["quota_id"], "func_code": r["func_code"], "econ_code": r["econ_code"],
             "fund_type": r["fund_type"], "purpose": r["purpose"], "pay_method": r["pay_method"]} for r in rows]


def records(rows: list[dict]) -> list[dict]:
    """Voucher rows as the `vouchers` list exports them (amounts in 元)."""
    return [{**{k: v for k, v in r.items() if k not in ("id", "amount_fen")}, "pay_amount": _yuan(r["amount_fen"])}
            for r in rows]


DETAIL_FIELDS = ("voucher_no", "pay_date", "pay_amount", "region_code", "unit_code", "unit_name", "quota_id",
                 "fund_type", "func_code", "econ_code", "project_code", "payee_name", "payee_account", "payee_bank",
                 "pay_method", "purpose", "orig_voucher_no")


def detail(row: dict) -> list[tuple[str, str]]:
    """(label, text) of every field of one voucher, the amount in 元 with its unit."""
    record = records([row])[0]
    out = []
    for name in DETAIL_FIELDS:
        value = record.get(name)
        if name == "pay_amount":
            text = f"{value:,.2f} 元"
        elif value is None or value == "":
            text = "—"
        else:
            text = str(value)
        out.append((FIELD_LABELS[name], text))
    return out
