"""Voucher lists over millions of rows: keyset pages with the grid's sorting and filtering done in SQL.

Which vouchers a list holds is the indicator layer's definition: the classified voucher rows of
indicators.facts.pay_source and the member conditions of indicators.explain.level_where, so the vouchers listed
under a member are exactly those its `spent` sums. A page is found by key — the sort value and the row id of
the last row already shown — never by OFFSET, so page 10,000 costs what page 1 costs where an index serves the
sort. Sort columns and filter columns come from the whitelists below; every value the user typed reaches the
database as a bound parameter.

How long a list is, and whether it is long enough to walk the amount index rather than sort its rows, comes from
the sums the indicator layer keeps per voucher class (facts.pay_class_sums: a `vouchers` count per class), under
the same member conditions: exact, and read from thousands of rows instead of counting millions.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.engine import Engine

from auth import scope as access
from indicators.explain import level_where
from indicators.facts import as_int, pay_class_sums, pay_source, pay_sums, region_in
from indicators.scope import Regions, open_scope
from indicators.tables import pay_year
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
        """The scope a page gave the browser, as it comes back (FilterError when it is not one: the browser may
        send anything; which regions it may name is the query's check, auth.scope through open_scope)."""
        try:
            within, econ_codes = data.get("within") or {}, data.get("econ_codes") or []
            texts = [data["region"], *within.values(), *econ_codes, data.get("fund_type") or ""]
            if not isinstance(within, dict) or not isinstance(econ_codes, list) \
                    or not all(isinstance(v, str) for v in texts):
                raise TypeError(data)
            return cls(data["region"], dt.date.fromisoformat(data["start"]), dt.date.fromisoformat(data["end"]),
                       dict(within), data.get("fund_type"), tuple(econ_codes))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise FilterError("凭证列表的范围无效，请重新打开页面") from exc


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


def _where(conn, scope: VoucherScope, cols: dict, dates_indexed: bool = True) -> list:
    """The list's conditions; the region's through facts.region_in, so that the planner walks the date or unit
    index (which gives the rows in date order) instead of collecting the region's vouchers to sort them.
    dates_indexed=False: the dates likewise, on SQLite (whose planner then walks the amount index)."""
    date = cols["date"]
    if not dates_indexed and conn.dialect.name == "sqlite":
        date = date.concat("")  # dates are ISO text on SQLite: the comparison is the same, no index serves it
    return [date >= scope.start, date <= scope.end, *_member(conn, scope, cols)]


def _member(conn, scope: VoucherScope, cols: dict) -> list:
    """The member's conditions (all but the dates), on voucher rows or on sums per voucher class alike."""
    sc = open_scope(conn, "execution", scope.end, scope.region, within=scope.within)
    where = [region_in(cols["region_code"], sc.codes)]
    where += [level_where(sc, level, code, cols) for level, code in sc.within.items()]
    if scope.fund_type:
        where.append(level_where(sc, "fund_type", scope.fund_type, cols))
    if scope.econ_codes:
        where.append(cols["econ_code"].in_(list(scope.econ_codes)))
    return where


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_condition(col, kind: str, value: str):
    value = _text(value)
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


MAX_TEXT = 200  # a filter text longer than any column it is compared with
MAX_FEN = 10 ** 17  # beyond any amount the store can hold (and within a 64-bit integer)


def _text(value) -> str:
    """A typed filter text as the bound parameter it becomes; refused when no column could hold it (a NUL,
    which PostgreSQL text refuses, or more than MAX_TEXT characters)."""
    if isinstance(value, (dict, list)):
        raise FilterError("筛选值无效")
    text = str(value)
    if "\x00" in text or len(text) > MAX_TEXT:
        raise FilterError("筛选值无效")
    return text


def _fen(value) -> int:
    try:
        yuan = Decimal(_text(value))
    except InvalidOperation as exc:
        raise FilterError(f"金额筛选值无效：{value}") from exc
    if not yuan.is_finite() or abs(yuan) * 100 >= MAX_FEN:
        raise FilterError(f"金额筛选值无效：{value}")
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
        return dt.date.fromisoformat(_text(value)[:10])
    except ValueError as exc:
        raise FilterError(f"日期筛选值无效：{value}") from exc


def _condition(field_name: str, model: dict, shown: dict, joined: bool = True):
    if not isinstance(model, dict):
        raise FilterError(f"筛选条件无效：{field_name}")
    if "conditions" in model or "operator" in model:  # two conditions joined by AND / OR (one level, as AG Grid)
        conditions = model.get("conditions")
        if not joined or not isinstance(conditions, list) or not conditions:
            raise FilterError(f"筛选条件无效：{field_name}")
        parts = [_condition(field_name, m, shown, joined=False) for m in conditions]
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
    """The grid's filterModel as SQL conditions: only the whitelisted columns, every value a bound parameter;
    anything else is refused with FilterError (whose message names no SQL)."""
    if not filter_model:
        return []
    if not isinstance(filter_model, dict):
        raise FilterError("筛选条件无效")
    return [_condition(name, model, shown) for name, model in filter_model.items()]


def sort_of(sort_model: list | None) -> tuple[str, str]:
    """(grid column, asc|desc) of the first sorted column the list can sort by; the default otherwise."""
    for item in sort_model if isinstance(sort_model, list) else ():
        if isinstance(item, dict) and item.get("colId") in SORTABLE and item.get("sort") in ("asc", "desc"):
            return item["colId"], item["sort"]
    return DEFAULT_SORT


def _cursor_value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _from_cursor(column: str, after) -> tuple:
    """(sort value, row id) of a key the browser sent back; FilterError for one this list never gave out."""
    try:
        value, last_id = after
        if isinstance(last_id, bool) or not isinstance(last_id, int) or abs(last_id) >= 2 ** 63:
            raise TypeError(last_id)
        if column == "pay_date":
            return dt.date.fromisoformat(value), last_id
        if column == "amount_fen":
            if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= MAX_FEN:
                raise TypeError(value)
            return value, last_id
        if value is not None and (not isinstance(value, str) or "\x00" in value):
            raise TypeError(value)
        return value, last_id
    except (TypeError, ValueError) as exc:
        raise FilterError("翻页位置无效，请重新打开列表") from exc


def voucher_page(engine: Engine, scope: VoucherScope, sort: tuple[str, str] = DEFAULT_SORT,
                 filter_model: dict | None = None, after: list | None = None,
                 limit: int = PAGE_ROWS) -> tuple[list[dict], list | None]:
    """(up to `limit` vouchers after the key `after`, the key of the last one when more follow, else None).

    Rows carry the stored amount in 分 (`amount_fen`); the key is [sort value, id] as JSON can carry it.
    """
    if len(sort) != 2 or sort[0] not in SORTABLE or sort[1] not in ("asc", "desc"):
        raise FilterError("排序条件无效")
    column = SORTABLE[sort[0]]
    joined, cols, shown = _columns(scope.start.year)
    key, ident = shown[column], shown["id"]
    with engine.connect() as conn:
        through, dates_indexed = _plan(conn, scope, column, limit)
        where = _where(conn, scope, cols, dates_indexed) + through + filter_conditions(filter_model, shown)
        if after is not None:  # written as a range on the key (from the key on), which an index serves
            value, last_id = _from_cursor(column, after)
            if sort[1] == "asc":
                where += [key >= value, or_(key > value, ident > last_id)]
            else:
                where += [key <= value, or_(key < value, ident < last_id)]
        order = [key.asc(), ident.asc()] if sort[1] == "asc" else [key.desc(), ident.desc()]
        stmt = (select(*(c.label(n) for n, c in shown.items())).select_from(joined).where(*where)
                .order_by(*order).limit(limit + 1))
        rows = [dict(r) for r in conn.execute(stmt).mappings()]
    more = len(rows) > limit
    rows = rows[:limit]
    last = [_cursor_value(rows[-1][column]), rows[-1]["id"]] if more and rows else None
    return rows, last


def _summed(conn, scope: VoucherScope, whole_years: bool = False, by_quota: bool = False):
    """How many vouchers the list holds without the grid's filters, from the sums per voucher class of its window
    (whole_years: of the whole years the window falls in, read from pay_year alone); by_quota: [(region, quota,
    vouchers)]. A member named by codes a voucher may take from its quota (fund type, 功能/经济科目, project) is
    tested on the classes as classified (facts.pay_source); the others on the sums' own columns, without the
    quota lookup."""
    start, end = scope.start, scope.end
    if whole_years:
        start, end = dt.date(start.year, 1, 1), dt.date(end.year, 12, 31)
    if scope.fund_type or scope.econ_codes or {"func", "econ", "project"} & set(scope.within):
        econ = {"econ_code": scope.econ_codes} if scope.econ_codes else None  # (the 三公 codes: few classes)
        rows, cols = pay_source(scope.start.year, pay_class_sums(start, end, unless_empty=econ))
    else:
        rows = pay_sums(start, end)
        cols = dict(rows.c)
    where = _member(conn, scope, cols)
    if by_quota:
        quota = (cols["region_code"], cols["quota_id"])
        return conn.execute(select(*quota, func.sum(cols["vouchers"])).select_from(rows).where(*where)
                            .group_by(*quota)).all()
    return as_int(conn.scalar(select(func.sum(cols["vouchers"])).select_from(rows).where(*where)))


def _plan(conn, scope: VoucherScope, column: str, limit: int) -> tuple[list, bool]:
    """How a page finds its rows: (redundant conditions to add, whether the dates may use their index).

    Walking an index in key order and keeping the list's rows reads about (limit + 1) × N ÷ n vouchers (the
    list's n among N); collecting the list's n vouchers and sorting them reads about n. So (as explain() does,
    counted over the window's whole years) a list of few vouchers, n² ≤ (limit + 1) × N, is collected through
    its quotas (the conditions region ∈ its quotas' regions and quota ∈ their ids, which the quota index
    serves); a list sorted by amount with n² > (limit + 1) × N_all walks the amount index (which holds every
    year's N_all vouchers), its dates then kept off their index; any other walks the date (or unit) index. A
    unit's list is walked by the unit index in either order of date, and sorted when by amount; a region's
    whole list (no member below it) is dense enough to walk in date order: no plan for either."""
    if "unit" in scope.within or (column == "pay_date" and not (scope.within or scope.econ_codes
                                                                or scope.fund_type)):
        return [], True
    n = _summed(conn, scope, whole_years=True)
    y = pay_year.c
    in_years = and_(y.year >= dt.date(scope.start.year, 1, 1), y.year <= scope.end)
    years, everyone = (as_int(v) for v in conn.execute(select(
        func.sum(case((in_years, y.vouchers), else_=0)), func.sum(y.vouchers))).one())
    if n * n <= (limit + 1) * years:
        quotas = _summed(conn, scope, whole_years=True, by_quota=True)
        return [pay.c.region_code.in_(sorted({r for r, _, _ in quotas})),
                pay.c.quota_id.in_(sorted({q for _, q, _ in quotas}))], True
    return [], not (column == "amount_fen" and n * n > (limit + 1) * everyone)


def voucher_count(engine: Engine, scope: VoucherScope, filter_model: dict | None = None,
                  cap: int = COUNT_CAP) -> int:
    """How many vouchers the list holds, no more than `cap` + 1 (with the grid's filters, counting stops there)."""
    joined, cols, shown = _columns(scope.start.year)
    with engine.connect() as conn:
        if not filter_model:
            return min(_summed(conn, scope), cap + 1)
        where = _where(conn, scope, cols) + filter_conditions(filter_model, shown)
        inner = select(pay.c.id).select_from(joined).where(*where).limit(cap + 1).subquery()
        return conn.scalar(select(func.count()).select_from(inner))


def _yours(conn) -> list:
    """The condition keeping the vouchers the principal may open one by one (auth.scope.voucher_filter)."""
    mine = access.voucher_filter(Regions.load(conn), pay.c.region_code, pay.c.unit_code)
    return [] if mine is None else [mine]


def voucher(engine: Engine, voucher_id: int) -> dict | None:
    """One voucher with its classified columns (as its budget year classifies it) and unit name; None for an
    unknown id and for a voucher the principal may not see (a tampered id of another region)."""
    with engine.connect() as conn:
        yours = _yours(conn)
        paid = conn.scalar(select(pay.c.pay_date).where(pay.c.id == voucher_id, *yours))
        if paid is None:
            return None
        joined, _, shown = _columns(paid.year)
        row = conn.execute(select(*(c.label(n) for n, c in shown.items())).select_from(joined)
                           .where(pay.c.id == voucher_id, *yours)).mappings().first()
    return dict(row) if row else None


def vouchers_by_ref(engine: Engine, refs: list[tuple[str, str]], limit: int = 5_000) -> list[dict]:
    """The vouchers named (region_code, voucher_no) — an alert's evidence — in date order (those the principal
    may see)."""
    if not refs:
        return []
    rows = []
    with engine.connect() as conn:
        yours = _yours(conn)
        for start in range(0, min(len(refs), limit), 500):
            part = refs[start:start + 500]
            years = {r[0] for r in conn.execute(select(pay.c.pay_date).where(
                tuple_(pay.c.region_code, pay.c.voucher_no).in_(part), *yours))}
            for year in sorted({y.year for y in years}):
                joined, _, shown = _columns(year)
                stmt = (select(*(c.label(n) for n, c in shown.items())).select_from(joined)
                        .where(tuple_(pay.c.region_code, pay.c.voucher_no).in_(part), *yours,
                               pay.c.pay_date >= dt.date(year, 1, 1), pay.c.pay_date <= dt.date(year, 12, 31)))
                rows += [dict(r) for r in conn.execute(stmt).mappings()]
    return sorted(rows, key=lambda r: (r["pay_date"], r["id"]))
