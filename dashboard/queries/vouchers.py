"""Voucher lists over millions of rows: keyset pages with the grid's sorting and filtering done in SQL.

Which vouchers a list holds is the indicator layer's definition: the classified voucher rows of
indicators.facts.pay_source and the member conditions of indicators.explain.level_where, so the vouchers listed
under a member are exactly those its `spent` sums. A page is found by key — the sort value and the row id of
the last row already shown — never by OFFSET, so page 10,000 costs what page 1 costs where an index serves the
sort. Sort columns and filter columns come from the whitelists below; every value the user typed reaches the
database as a bound parameter.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, func, or_, select, tuple_
from sqlalchemy.engine import Engine

from indicators.explain import level_where
from indicators.facts import pay_source, region_in
from indicators.scope import open_scope
from warehouse.schema import dm_unit, pay

PAGE_ROWS = 100
COUNT_CAP = 100_000  # counting stops here: "more than 100,000" is all a reader needs to know
DEFAULT_SORT = ("pay_date", "desc")


@dataclass(frozen=True)
class VoucherScope:
    """The vouchers of a member: region (全辖), [start, end] by pay date, drill path, fund type, econ codes."""
    region: str
    start: dt.date
    end: dt.date
    within: dict = field(default_factory=dict)
    fund_type: str | None = None
    econ_codes: tuple[str, ...] = ()  # e.g. the 三公 codes of a category

    def to_data(self) -> dict:
        return {"region": self.region, "start": self.start.isoformat(), "end": self.end.isoformat(),
                "within": self.within, "fund_type": self.fund_type, "econ_codes": list(self.econ_codes)}

    @classmethod
    def from_data(cls, data: dict) -> "VoucherScope":
        return cls(data["region"], dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]),
                   dict(data.get("within") or {}), data.get("fund_type"), tuple(data.get("econ_codes") or ()))


def _columns(year: int):
    joined, cols = pay_source(year)
    joined = joined.outerjoin(dm_unit, dm_unit.c.unit_code == pay.c.unit_code)
    shown = {
        "id": pay.c.id, "voucher_no": pay.c.voucher_no, "pay_date": pay.c.pay_date,
        "region_code": pay.c.region_code, "unit_code": pay.c.unit_code, "unit_name": dm_unit.c.unit_name,
        "quota_id": pay.c.quota_id, "fund_type": cols["fund_type"], "func_code": cols["func_code"],
        "econ_code": cols["econ_code"], "project_code": cols["project_code"], "payee_name": pay.c.payee_name,
        "payee_account": pay.c.payee_account, "payee_bank": pay.c.payee_bank, "amount_fen": pay.c.amount_fen,
        "pay_method": pay.c.pay_method, "purpose": pay.c.purpose, "orig_voucher_no": pay.c.orig_voucher_no,
    }
    return joined, cols, shown


# Grid column → what the user may sort and filter by (only these names ever reach SQL).
SORTABLE = {"pay_date": "pay_date", "pay_amount": "amount_fen", "voucher_no": "voucher_no",
            "payee_name": "payee_name", "unit_code": "unit_code"}
TEXT_FILTERS = {"voucher_no": "voucher_no", "payee_name": "payee_name", "payee_account": "payee_account",
                "purpose": "purpose", "unit_code": "unit_code", "unit_name": "unit_name", "quota_id": "quota_id",
                "func_code": "func_code", "econ_code": "econ_code", "fund_type": "fund_type",
                "pay_method": "pay_method"}
NUMBER_FILTERS = {"pay_amount": "amount_fen"}  # typed in 元, compared in 分
DATE_FILTERS = {"pay_date": "pay_date"}


class FilterError(ValueError):
    """A filter the list cannot apply (the message is for the user)."""


def _where(conn, scope: VoucherScope, cols: dict) -> list:
    """The list's conditions; the region's through facts.region_in, so that the planner walks the date or unit
    index (which gives the rows in date order) instead of collecting the region's vouchers to sort them."""
    sc = open_scope(conn, "execution", scope.end, scope.region, within=scope.within)
    where = [cols["date"] >= scope.start, cols["date"] <= scope.end, region_in(cols["region_code"], sc.codes)]
    where += [level_where(sc, level, code, cols) for level, code in sc.within.items()]
    if scope.fund_type:
        where.append(level_where(sc, "fund_type", scope.fund_type, cols))
    if scope.econ_codes:
        where.append(cols["econ_code"].in_(list(scope.econ_codes)))
    return where


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_condition(col, kind: str, value: str):
    value = str(value)
    if kind == "equals":
        return col == value
    if kind == "notEqual":
        return or_(col != value, col.is_(None))
    if kind == "contains":
        return col.like(f"%{_like(value)}%", escape="\\")
    if kind == "notContains":
        return or_(~col.like(f"%{_like(value)}%", escape="\\"), col.is_(None))
    if kind == "startsWith":
        return col.like(f"{_like(value)}%", escape="\\")
    if kind == "endsWith":
        return col.like(f"%{_like(value)}", escape="\\")
    raise FilterError(f"不支持的文本筛选：{kind}")


def _fen(value) -> int:
    try:
        yuan = Decimal(str(value))
    except InvalidOperation as exc:
        raise FilterError(f"金额筛选值无效：{value}") from exc
    return int((yuan * 100).to_integral_value())


_COMPARE = {"equals": "__eq__", "notEqual": "__ne__", "lessThan": "__lt__", "lessThanOrEqual": "__le__",
            "greaterThan": "__gt__", "greaterThanOrEqual": "__ge__"}


def _ordered_condition(col, kind: str, low, high):
    if kind in _COMPARE:
        return getattr(col, _COMPARE[kind])(low)
    if kind == "inRange":
        return and_(col >= low, col <= high)
    raise FilterError(f"不支持的筛选条件：{kind}")


def _date(value) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise FilterError(f"日期筛选值无效：{value}") from exc


def _condition(field_name: str, model: dict, shown: dict):
    if "conditions" in model or "operator" in model:  # two conditions joined by AND / OR
        parts = [_condition(field_name, m, shown) for m in model.get("conditions", ())]
        return (or_ if model.get("operator") == "OR" else and_)(*parts)
    kind = model.get("type")
    if kind == "blank":
        return shown[_filter_column(field_name)].is_(None)
    if kind == "notBlank":
        return shown[_filter_column(field_name)].is_not(None)
    if field_name in TEXT_FILTERS:
        return _text_condition(shown[TEXT_FILTERS[field_name]], kind, model.get("filter", ""))
    if field_name in NUMBER_FILTERS:
        col = shown[NUMBER_FILTERS[field_name]]
        high = model.get("filterTo")
        return _ordered_condition(col, kind, _fen(model.get("filter")), None if high is None else _fen(high))
    if field_name in DATE_FILTERS:
        col = shown[DATE_FILTERS[field_name]]
        high = model.get("dateTo")
        return _ordered_condition(col, kind, _date(model.get("dateFrom")), None if high is None else _date(high))
    raise FilterError(f"该列不能筛选：{field_name}")


def _filter_column(field_name: str) -> str:
    for table in (TEXT_FILTERS, NUMBER_FILTERS, DATE_FILTERS):
        if field_name in table:
            return table[field_name]
    raise FilterError(f"该列不能筛选：{field_name}")


def filter_conditions(filter_model: dict | None, shown: dict) -> list:
    return [_condition(name, model, shown) for name, model in (filter_model or {}).items()]


def sort_of(sort_model: list | None) -> tuple[str, str]:
    """(grid column, asc|desc) of the first sorted column the list can sort by; the default otherwise."""
    for item in sort_model or ():
        if item.get("colId") in SORTABLE and item.get("sort") in ("asc", "desc"):
            return item["colId"], item["sort"]
    return DEFAULT_SORT


def _cursor_value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _from_cursor(column: str, value):
    return dt.date.fromisoformat(value) if column == "pay_date" else value


def voucher_page(engine: Engine, scope: VoucherScope, sort: tuple[str, str] = DEFAULT_SORT,
                 filter_model: dict | None = None, after: list | None = None,
                 limit: int = PAGE_ROWS) -> tuple[list[dict], list | None]:
    """(up to `limit` vouchers after the key `after`, the key of the last one when more follow, else None).

    Rows carry the stored amount in 分 (`amount_fen`); the key is [sort value, id] as JSON can carry it.
    """
    column = SORTABLE[sort[0]]
    joined, cols, shown = _columns(scope.start.year)
    key, ident = shown[column], shown["id"]
    with engine.connect() as conn:
        where = _where(conn, scope, cols) + filter_conditions(filter_model, shown)
        if after is not None:
            value, last_id = _from_cursor(column, after[0]), after[1]
            beyond = (key > value) if sort[1] == "asc" else (key < value)
            tie = (ident > last_id) if sort[1] == "asc" else (ident < last_id)
            where.append(or_(beyond, and_(key == value, tie)))
        order = [key.asc(), ident.asc()] if sort[1] == "asc" else [key.desc(), ident.desc()]
        stmt = (select(*(c.label(n) for n, c in shown.items())).select_from(joined).where(*where)
                .order_by(*order).limit(limit + 1))
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    last = [_cursor_value(rows[-1][column]), rows[-1]["id"]] if more and rows else None
    return rows, last


def voucher_count(engine: Engine, scope: VoucherScope, filter_model: dict | None = None,
                  cap: int = COUNT_CAP) -> int:
    """How many vouchers the list holds, counting no further than `cap` + 1."""
    joined, cols, shown = _columns(scope.start.year)
    with engine.connect() as conn:
        where = _where(conn, scope, cols) + filter_conditions(filter_model, shown)
        inner = select(pay.c.id).select_from(joined).where(*where).limit(cap + 1).subquery()
        return conn.scalar(select(func.count()).select_from(inner))


def voucher(engine: Engine, voucher_id: int) -> dict | None:
    """One voucher with its classified columns (as its budget year classifies it) and unit name."""
    with engine.connect() as conn:
        paid = conn.scalar(select(pay.c.pay_date).where(pay.c.id == voucher_id))
        if paid is None:
            return None
        joined, _, shown = _columns(paid.year)
        row = conn.execute(select(*(c.label(n) for n, c in shown.items())).select_from(joined)
                           .where(pay.c.id == voucher_id)).mappings().first()
    return dict(row) if row else None


def vouchers_by_ref(engine: Engine, refs: list[tuple[str, str]], limit: int = 5_000) -> list[dict]:
    """The vouchers named (region_code, voucher_no) — an alert's evidence — in date order."""
    if not refs:
        return []
    rows = []
    with engine.connect() as conn:
        for start in range(0, min(len(refs), limit), 500):
            part = refs[start:start + 500]
            years = {r[0] for r in conn.execute(select(pay.c.pay_date).where(
                tuple_(pay.c.region_code, pay.c.voucher_no).in_(part)))}
            for year in sorted({y.year for y in years}):
                joined, _, shown = _columns(year)
                stmt = (select(*(c.label(n) for n, c in shown.items())).select_from(joined)
                        .where(tuple_(pay.c.region_code, pay.c.voucher_no).in_(part),
                               pay.c.pay_date >= dt.date(year, 1, 1), pay.c.pay_date <= dt.date(year, 12, 31)))
                rows += [dict(r) for r in conn.execute(stmt).mappings()]
    return sorted(rows, key=lambda r: (r["pay_date"], r["id"]))
