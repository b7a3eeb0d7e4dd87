"""Traceability: any figure of any member down to the rows it is computed from, page by page.

explain() lists the same rows the calculators sum: the sources below reuse the calculators' row definitions
(facts.pay_source / bgt_source, the restated "latest" subqueries, the debt schedule), the value is derived from
the listed rows' totals by the same registry recipes, and a test checks both against the calculators.

Paging is by key (`after` = the last key of the previous page: [date, id]), never OFFSET, so page n costs the
same as page 1 on an index. The first call gives totals and the first page of every part; later pages are asked
for one part at a time (`part=` its id) and carry no totals.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import case, func, literal, or_, select

from auth import scope as access
from indicators import assets as assets_mod
from indicators import audit as audit_mod
from indicators import debt as debt_mod
from indicators import revenue as revenue_mod
from indicators.export import format_value
from indicators.facts import BUDGET_PARTS, as_int, bgt_source, pay_class_sums, pay_source, region_in
from indicators.formula import derive
from indicators.projects import project_source
from indicators.registry import FAMILIES, indicator as lookup
from indicators.sangong import CATEGORY_OF
from indicators.scope import ALL, FULL, Scope, ScopeError, open_scope, unit_depts
from indicators.tables import pay_year
from indicators.time import last_year_window, same_day_last_year
from warehouse.schema import inc, pay

TOTALS = (ALL, "合计")


@dataclass
class Rows:
    """One part's rows: a FROM clause, named columns (id, date and amount among them), conditions."""
    source: str  # the report the rows come from
    cols: dict
    where: list = field(default_factory=list)
    show: tuple[str, ...] = ()
    from_: object = None
    window: tuple | None = None  # PAY: [start, end] of the vouchers' dates (a page adds the conditions, see _page)


@dataclass
class Listed:
    """Rows computed in Python (the debt schedule), already in key order."""
    source: str
    rows: list[dict]  # each with "key" and "amount" (分)


def explain(engine, indicator: str, scope: dict, date: dt.date, page_size: int = 50, after=None,
            part: str | None = None) -> dict:
    """Numerator, denominator, value and the rows behind a figure.

    indicator: "family.id" or a bare id (execution first). scope: {"level", "code", "scope" (全辖/本级),
    "region" (the asked region below region level), "fund_type" / "category" / "bond_type" (the breakdown row),
    "depth" (func/econ), "within" (a drill path: {level: code}, as execution() takes it)}. With `part` (and
    `after`), returns only the next page of that part's rows.
    """
    ind = lookup(indicator)
    fam = FAMILIES[ind.family]
    with engine.connect() as conn:
        sc = open_scope(conn, fam.id, date, scope.get("region"), scope.get("level"), scope.get("depth"),
                        within=scope.get("within"))
        member = _member(sc, fam, scope)
        if part is not None or after is not None:
            part = part or _single_part(fam, ind.id)
            return {"indicator": f"{fam.id}.{ind.id}", "part": part, **_page(sc, fam.id, part, member, page_size, after)}
        terms = _terms(fam, ind.id)
        totals = {pid: _total(sc, fam.id, pid, member)
                  for tid in terms.values() for pid, _ in _flatten(fam, tid)}
        values = derive(fam.id, totals, sc.tp)

        def term(tid, role):
            t = fam.get(tid)
            return {"role": role, "indicator": tid, "name": t.name, "unit": t.unit,
                    "value": format_value(t.unit, values[tid]),
                    "parts": [{"indicator": pid, "name": fam.get(pid).name, "sign": sign,
                               "value": format_value(fam.get(pid).unit, totals[pid]),
                               **_page(sc, fam.id, pid, member, page_size, None)}
                              for pid, sign in _flatten(fam, tid)]}

        out = {"indicator": f"{fam.id}.{ind.id}", "name": ind.name, "unit": ind.unit, "formula": ind.formula,
               "date": date, "scope": member, "value": format_value(ind.unit, values[ind.id]),
               "numerator": None, "denominator": None}
        for role, tid in terms.items():
            out[role] = term(tid, role) if tid else None
        if ind.recipe[0] in ("lag", "time"):
            out["time_progress"] = format_value("ratio", sc.tp)
        return out


# Which parts a figure is made of ----------------------------------------------------------------------------
def _terms(fam, ind_id: str) -> dict:
    """{"numerator": id, "denominator": id} of a figure (a lag explains its rate; an amount is its own)."""
    recipe = fam.get(ind_id).recipe
    if recipe[0] == "lag":
        return _terms(fam, recipe[1])
    if recipe[0] in ("ratio", "growth"):
        return {"numerator": recipe[1], "denominator": recipe[2]}
    if recipe[0] == "time":
        return {}
    return {"numerator": ind_id}


def _flatten(fam, ind_id: str, sign: int = 1) -> list[tuple[str, int]]:
    """The summed parts of a figure with their signs (a difference subtracts its second term)."""
    recipe = fam.get(ind_id).recipe
    if recipe[0] == "part":
        return [(ind_id, sign)]
    if recipe[0] in ("sum", "diff"):
        return _flatten(fam, recipe[1], sign) + _flatten(fam, recipe[2], sign * (1 if recipe[0] == "sum" else -1))
    raise ScopeError(f"{ind_id} 不是金额或计数 / not an amount")


def _single_part(fam, ind_id: str) -> str:
    parts = [p for tid in _terms(fam, ind_id).values() for p, _ in _flatten(fam, tid)]
    if len(parts) != 1:
        raise ScopeError(f"{ind_id} 由多个部分组成，请用 part= 指定：{', '.join(parts)} / name the part to page")
    return parts[0]


# The member asked for ---------------------------------------------------------------------------------------
BREAKDOWN_DEFAULT = {"fund_type": ALL, "category": "合计", "bond_type": "合计"}


def _member(sc: Scope, fam, scope: dict) -> dict:
    code = scope.get("code") or (sc.region if sc.level == "region" and fam.id != "projects" else None)
    if not code:
        raise ScopeError("请指定成员编码 code / scope needs a member code")
    level = "project" if fam.id == "projects" else sc.level  # projects are listed per project at any level
    if level == "region":  # the member's own regions are listed, not the asked region's: both are checked
        access.require_regions(sc.regions, [code])
    member = {"level": level, "code": code, "scope": scope.get("scope", FULL), "region": sc.region}
    if sc.depth:
        member["depth"] = sc.depth
    key = fam.keys[0] if fam.keys and fam.keys[0] in BREAKDOWN_DEFAULT else None
    if key:
        value = code if (sc.level == "fund_type" and key == "fund_type") else scope.get(key, BREAKDOWN_DEFAULT[key])
        if value is None:
            raise ScopeError(f"请指定 {key} / scope needs {key}")
        member[key] = value
    return member


def _member_where(sc: Scope, member: dict, cols: dict) -> list:
    """Conditions that keep the member's rows: its regions, then its level's code and the drill path's. Regions
    and a department's units are tested so that no index serves the test (facts.region_in): they hold many
    rows, met on the walk along the date index, or found through their quotas when few (_through_quotas)."""
    level, code = member["level"], member["code"]
    unindexed = {**cols, "unit_code": cols["unit_code"].concat("")} if "unit_code" in cols else cols

    def test(lvl, c):
        return level_where(sc, lvl, c, unindexed if lvl == "dept" else cols)

    if level == "region":
        regions = sc.regions.subtree(code) if member["scope"] == FULL else [code]
        where = [region_in(cols["region_code"], regions)]
    else:
        where = [region_in(cols["region_code"], sc.codes), test(level, code)]
    return where + [test(lvl, c) for lvl, c in sc.within.items()]


def level_where(sc: Scope, level: str, code: str, cols: dict):
    """The condition keeping the rows of one member below region level (also the dashboard's voucher lists)."""
    if level == "fund_type":
        return cols["fund_type"] == code
    if level == "dept":
        return cols["unit_code"].in_([u for u, d in unit_depts(sc.conn).items() if d == code])
    if level == "unit":
        return cols["unit_code"] == code
    if level in ("func", "econ"):
        return cols[f"{level}_code"].startswith(code)
    if level == "quota":  # the quota a row counts toward (facts: a budget row's original quota, else its own)
        if "orig_quota_id" in cols:
            return func.coalesce(cols["orig_quota_id"], cols["quota_id"]) == code
        return cols["quota_id"] == code
    return cols["project_code"] == code  # project (execution's budget projects and the PROJ report alike)


def _narrow(member: dict, key: str, col) -> list:
    """The breakdown condition (a fund type, category or bond type row; 全部/合计 keeps all)."""
    value = member.get(key)
    return [] if value is None or value in TOTALS else [col == value]


# Row sources per family and part ----------------------------------------------------------------------------
PAY_SHOW = ("voucher_no", "pay_date", "unit_code", "quota_id", "fund_type", "func_code", "econ_code",
            "project_code", "payee_name", "payee_account", "orig_voucher_no", "purpose")
BGT_SHOW = ("quota_id", "kind", "issued_date", "unit_code", "fund_type", "func_code", "econ_code", "project_code",
            "orig_quota_id", "doc_no")


def _spending(sc, member, start, end, summed: str | None) -> Rows:
    """Vouchers dated in [start, end]. summed "window": the same as sums per voucher class (facts.pay_class_sums),
    which the member's conditions select alike and which add up to the same total from far fewer rows; "years":
    the sums of the whole years the window falls in (a superset, for estimates)."""
    if summed:
        joined, cols = pay_source(start.year, pay_class_sums(start, end, whole_years=summed == "years"))
    else:
        joined, cols = pay_source(start.year)
    return Rows("PAY", cols, [], PAY_SHOW, joined, (start, end))


def _budget(sc, member, kinds, *where) -> Rows:
    table, cols = bgt_source()
    return Rows("BGT", cols, [cols["year"] == sc.year, cols["date"] <= sc.day, cols["kind"].in_(kinds), *where],
                BGT_SHOW, table)


def _execution(sc, pid, member, summed) -> Rows:
    if pid == "spent":
        rows = _spending(sc, member, sc.start, sc.day, summed)
    else:
        rows = _budget(sc, member, BUDGET_PARTS[pid])
    rows.where += _narrow(member, "fund_type", rows.cols["fund_type"])
    return rows


def _sangong(sc, pid, member, summed) -> Rows:
    cat = member["category"]
    codes = [c for c, k in CATEGORY_OF.items() if cat in TOTALS or k == cat]
    if pid == "budget":
        rows = _budget(sc, member, BUDGET_PARTS["adjusted_budget"])
    elif pid == "spent":
        rows = _spending(sc, member, sc.start, sc.day, summed)
    else:
        rows = _spending(sc, member, *last_year_window(sc.day), summed)
    rows.where.append(rows.cols["econ_code"].in_(codes))
    return rows


def _revenue(sc, pid, member, _summed) -> Rows:
    if pid == "budget":
        sub = revenue_mod.budget_source(sc)
        cols = {**sub.c, "date": sub.c.business_date, "amount": sub.c.amount_fen}
        rows = Rows("INC_BGT", cols, [], ("year", "code", "fund_type", "kind", "business_date"), sub)
    else:
        start, end = last_year_window(sc.day) if pid == "collected_last_year_same_period" else (sc.start, sc.day)
        cols = {**inc.c, "amount": inc.c.amount_fen}
        where = [inc.c.date >= start, inc.c.date <= end]
        if pid == "tax_collected":
            where.append(inc.c.code.startswith(revenue_mod.TAX_PREFIX))
        rows = Rows("INC", cols, where, ("date", "code", "fund_type", "collector"), inc)
    rows.where += _narrow(member, "fund_type", rows.cols["fund_type"])
    return rows


def _debt(sc, pid, member, summed):
    bond_type = member["bond_type"]
    if pid == "debt_service_due_y":
        regions = set(_regions(sc, member))
        payments = [p for b in debt_mod.scheduled_bonds(sc) if b.region_code in regions
                    and bond_type in (*TOTALS, b.bond_type) for p in b.service_in(sc.year)]
        payments.sort(key=lambda p: (p.date, p.bond_code, p.kind))
        return Listed("DEBT_BOND", [{"key": [p.date.isoformat(), f"{p.bond_code}|{p.kind}"], "date": p.date,
                                     "bond_code": p.bond_code, "kind": p.kind, "principal_fen": p.principal,
                                     "amount": p.amount} for p in payments])
    if pid == "interest_base_spent":
        types = [debt_mod.INTEREST_BASE[b] for b in debt_mod.BOND_TYPES if bond_type in (*TOTALS, b)]
        rows = _spending(sc, member, sc.start, sc.day, summed)
        rows.where.append(rows.cols["fund_type"].in_(types))
        return rows
    if pid in ("balance", "due_12m"):
        sub = debt_mod.bond_source(sc)
        where = [] if pid == "balance" else [sub.c.maturity_date > sc.day,
                                             sub.c.maturity_date <= sc.day + dt.timedelta(days=365)]
        cols = {**sub.c, "date": sub.c.issue_date, "amount": sub.c.outstanding_fen, "issued_fen": sub.c.amount_fen}
        rows = Rows("DEBT_BOND", cols, where, ("bond_code", "bond_name", "issue_date", "maturity_date", "coupon_freq",
                                                "issued_fen", "repaid_fen"), sub)
    elif pid in ("principal_repaid_ytd", "interest_paid_ytd"):
        sub = debt_mod.flow_source(sc)
        kind = {v: k for k, v in debt_mod.FLOW_PARTS.items()}[pid]
        cols = {**sub.c, "amount": sub.c.amount_fen}
        rows = Rows("DEBT_FLOW", cols, [sub.c.kind == kind], ("flow_id", "bond_code", "bond_name", "kind"), sub)
    elif pid == "limit":
        sub = debt_mod.limit_source(sc)
        cols = {**sub.c, "date": sub.c.business_date, "amount": sub.c.amount_fen}
        rows = Rows("DEBT_LIMIT", cols, [], ("year", "bond_type", "business_date"), sub)
    else:  # fiscal_capacity: the region's, whatever the bond type
        sub = debt_mod.fincap_source(sc)
        cols = {**sub.c, "date": sub.c.business_date, "amount": sub.c.amount_fen}
        return Rows("FIN_CAP", cols, [], ("year", "item", "business_date"), sub)
    rows.where += _narrow(member, "bond_type", rows.cols["bond_type"])
    return rows


def _assets(sc, pid, member, _summed) -> Rows:
    period = assets_mod.member_period(sc, _regions(sc, member), member["category"])
    if pid == "equity_last_year" and period is not None:
        period = same_day_last_year(period)
    sub = assets_mod.asset_source(sc, period)
    column = {"equity_last_year": "equity_fen"}.get(pid, assets_mod.AMOUNTS.get(pid))
    amount = case((assets_mod.in_yuan(sub), literal(1) if pid == "entities" else sub.c[column]), else_=0)
    cols = {**sub.c, "date": sub.c.period, "amount": amount}
    return Rows("ASSET", cols, _narrow(member, "category", sub.c.category),
                ("period", "category", "entity_code", "entity_name", "unit_of_measure", "business_date"), sub)


def _audit(sc, pid, member, _summed) -> Rows:
    sub = audit_mod.audit_source(sc)
    category = func.coalesce(sub.c.category, audit_mod.OTHER)
    counts = audit_mod.conditions(sub, sc.day)
    where = _narrow(member, "category", category)
    if pid in counts:
        amount = literal(1)
        if counts[pid] is not None:
            where.append(counts[pid])
    else:
        amount = sub.c[f"{pid}_fen"]
    cols = {**sub.c, "date": sub.c.business_date, "amount": amount}
    return Rows("AUDIT", cols, where, ("issue_id", "unit_code", "category", "status", "deadline", "updated_date",
                                       "description"), sub)


def _projects(sc, pid, member, _summed) -> Rows:
    sub = project_source(sc)
    cols = {**sub.c, "date": sub.c.report_date, "amount": sub.c[f"{pid}_fen"]}
    return Rows("PROJ", cols, [], ("project_code", "project_name", "unit_code", "report_date"), sub)


SOURCES = {"execution": _execution, "sangong": _sangong, "revenue": _revenue, "debt": _debt, "assets": _assets,
           "audit": _audit, "projects": _projects}


def _regions(sc: Scope, member: dict) -> list[str]:
    if member["level"] == "region":
        return sc.regions.subtree(member["code"]) if member["scope"] == FULL else [member["code"]]
    return sc.codes


def _source(sc, family, pid, member, summed: str | None = None):
    """The rows of one part with the member's conditions; summed ("window" / "years", see _spending): PAY rows
    as sums per voucher class (for a total, where a year of vouchers need not be read one by one)."""
    if family not in SOURCES:
        raise ScopeError(f"{family} 不提供明细 / no rows to explain")
    rows = SOURCES[family](sc, pid, member, summed)
    if isinstance(rows, Rows):
        rows.where += _member_where(sc, member, rows.cols)
    return rows


# Totals and pages ---------------------------------------------------------------------------------------------
def _total(sc, family, pid, member) -> int:
    rows = _source(sc, family, pid, member, summed="window")
    if isinstance(rows, Listed):
        return sum(r["amount"] for r in rows.rows)
    stmt = select(func.sum(rows.cols["amount"])).select_from(rows.from_).where(*rows.where)
    return as_int(sc.conn.scalar(stmt))


def _page(sc, family, pid, member, page_size: int, after) -> dict:
    unit = FAMILIES[family].get(pid).unit
    rows = _source(sc, family, pid, member)
    if isinstance(rows, Listed):
        items = [r for r in rows.rows if after is None or r["key"] > list(after)][:page_size + 1]
        listed = [_present(r, unit) for r in items[:page_size]]
        return {"source": rows.source, "rows": listed,
                "next_after": listed[-1]["key"] if len(items) > page_size else None}
    cols = rows.cols
    select_cols = [cols["id"].label("id"), cols["date"].label("date_"), *(cols[c].label(c) for c in rows.show),
                   cols["amount"].label("amount")]
    where = list(rows.where) + (_through_quotas(sc, family, pid, member, page_size) if rows.source == "PAY" else [])
    low = None
    if rows.window:
        low, high = rows.window
        where.append(cols["date"] <= high)
    if after is not None:  # one lower bound on the date, the later one, so that the index range starts at the key
        day, last_id = dt.date.fromisoformat(after[0]), after[1]
        low = day if low is None else max(low, day)
        where.append(or_(cols["date"] > day, cols["id"] > last_id))
    if low is not None:
        where.append(cols["date"] >= low)
    stmt = (select(*select_cols).select_from(rows.from_).where(*where)
            .order_by(cols["date"], cols["id"]).limit(page_size + 1))
    items = [dict(r) for r in sc.conn.execute(stmt).mappings()]
    listed = []
    for r in items[:page_size]:
        day = r.pop("date_")
        listed.append(_present({"key": [day.isoformat(), r["id"]], **r}, unit))
    return {"source": rows.source, "rows": listed, "next_after": listed[-1]["key"] if len(items) > page_size else None}


def _through_quotas(sc, family, pid, member, page_size: int) -> list:
    """How a page of vouchers is found. Walking the date index in key order and keeping the member's rows reads
    about (page size + 1) × N ÷ n vouchers (n of the member's among N); fetching the member's vouchers through
    the quota index and sorting them reads about n. So a member outside one unit (the unit index walks its rows
    in key order) with n² ≤ (page size + 1) × N — both counted over the window's whole year(s) in pay_year —
    gets the redundant conditions region ∈ its quotas' regions and quota ∈ their ids, which the quota index
    serves. The member's own conditions still decide which rows it has."""
    if member["level"] == "unit" or "unit" in sc.within:
        return []
    rows = _source(sc, family, pid, member, summed="years")
    quota = (rows.cols["region_code"], rows.cols["quota_id"])
    found = sc.conn.execute(select(*quota, func.sum(rows.cols["vouchers"])).select_from(rows.from_)
                            .where(*rows.where).group_by(*quota)).all()
    start, end = rows.window
    everyone = sc.conn.scalar(select(func.sum(pay_year.c.vouchers))
                              .where(pay_year.c.year >= dt.date(start.year, 1, 1), pay_year.c.year <= end))
    if sum(n for _, _, n in found) ** 2 > (page_size + 1) * as_int(everyone):
        return []
    regions, quotas = sorted({r for r, _, _ in found}), sorted({q for _, q, _ in found})
    return [pay.c.region_code.in_(regions), pay.c.quota_id.in_(quotas)]


def _present(row: dict, unit: str) -> dict:
    """A listed row with its amounts in 元; `amount` is the row's contribution to the part (in the part's unit:
    元, or 1 for a counted row)."""
    out = {}
    for k, v in row.items():
        if k.endswith("_fen"):
            out[k[:-4]] = format_value("元", v)
        elif k == "amount":
            out[k] = format_value(unit, v)
        else:
            out[k] = v
    return out

