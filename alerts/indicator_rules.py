"""The rules on units, departments, projects and regions: every figure comes from the indicator layer.

Execution, 三公, debt and audit figures are the rows the indicator layer gives for the top region's 全辖 — the
very numbers the reports show — read from its daily snapshots where it keeps them (they give the calculator's
rows without re-summing the year) and from its calculators otherwise; a rule only compares them with its
thresholds. Region rules read 全辖 rows.
"""
from __future__ import annotations

import datetime as dt
import statistics
from fractions import Fraction

from sqlalchemy import func, select

from alerts.context import DAILY, Context, Evaluator, Skipped, Span
from alerts.findings import Finding, graded
from alerts.payment_tests import yuan
from alerts.rules import Rule
from indicators.audit import audit_source, conditions
from indicators.debt import BOND_TYPES, TOTAL, debt
from indicators.execution import execution
from indicators.formula import ratio
from indicators.sangong import sangong
from indicators.scope import FULL, ScopeError, open_scope
from indicators.series import rows_by_day
from indicators.snapshots import snapshot_rows
from warehouse.schema import audit, bgt, pay


DECEMBER = "12 月的每个业务日"


def pct(value) -> str:
    return "—" if value is None else f"{float(value):.2%}"


def indicator_rows(ctx: Context, family: str, level: str, calculate, day: dt.date | None = None) -> list[dict]:
    """The rows of an indicator family at `level` for the top region as of `day` (default D): the stored daily
    snapshot when the indicator layer keeps one for that family, level and day, else its calculator. Inside a
    span, the rows of this and every later date of the span are read at once (indicators.series)."""
    day = day or ctx.day
    if (family, level, day) not in ctx.cache and day in ctx.span_days and ctx.span_days[-1] > day:
        later = [d for d in ctx.span_days if d >= day]
        for d, rows in rows_by_day(ctx.engine, family, level, later, calculate).items():
            ctx.cache[(family, level, d)] = rows

    def compute():
        try:
            rows = snapshot_rows(ctx.engine, family, day, level)
        except ScopeError:  # no snapshot kept at this level
            rows = []
        return rows or calculate(ctx.engine, day, level=level)
    return ctx.once((family, level, day), compute)


def execution_rows(ctx: Context, level: str, day: dt.date | None = None) -> list[dict]:
    """Execution rows (fund type 全部) of every member at `level`."""
    return indicator_rows(ctx, "execution", level, execution, day)


def _subject(ctx: Context, level: str, code: str, name: str) -> dict:
    unit = ctx.names.units.get(code) if level == "unit" else None
    region = code if level == "region" else (unit.region_code if unit else None)
    return dict(subject_name=name, region_code=region, unit_code=code if level == "unit" else None)


def _kept(findings) -> list[Finding]:
    return [f for f in findings if f is not None]


# --- execution ---------------------------------------------------------------------------------------------

def exec_lag(ctx: Context, rule: Rule) -> list[Finding]:
    start = dt.date(ctx.day.year, rule.param("start_month"), 1)
    if ctx.day < start:
        raise Skipped(f"每年 {start.month} 月 1 日起评估（start_month）")
    floor = rule.param("min_adjusted_budget_yuan")
    out = []
    for level in rule.subjects:
        for r in execution_rows(ctx, level):
            if r["adjusted_budget"] < floor or r["lag_pp"] is None:
                continue
            message = lambda r=r: (f"执行率 {pct(r['execution_rate'])}，序时进度 {pct(r['time_progress'])}，进度差 "  # noqa: E731
                                   f"{float(r['lag_pp']):.2f} 个百分点（调整后预算 {yuan(r['adjusted_budget'])} 元，"
                                   f"已支出 {yuan(r['spent'])} 元）")
            out.append(graded(rule, level, r["code"], message, [f"execution/{level}/{r['code']}"],
                              {"lag_pp": r["lag_pp"]}, **_subject(ctx, level, r["code"], r["name"])))
    return _kept(out)


def supplement_high(ctx: Context, rule: Rule) -> list[Finding]:
    """The rate is execution's supplement_rate; the count is the unit's 追加 rows of year Y issued by D."""
    added: dict[str, list[str]] = {}
    for unit, region, quota_id, issued in ctx.once(("supplements", ctx.day.year), lambda: _supplements(ctx)):
        if issued <= ctx.day:
            added.setdefault(unit, []).append(f"{region}/{quota_id}")
    out = []
    for r in execution_rows(ctx, "unit"):
        quotas = added.get(r["code"], [])
        message = lambda r=r, quotas=quotas: (  # noqa: E731
            f"本年追加 {len(quotas)} 笔，追加率 {pct(r['supplement_rate'])}（年初预算 {yuan(r['initial_budget'])} 元，"
            f"调整后预算 {yuan(r['adjusted_budget'])} 元）")
        out.append(graded(rule, "unit", r["code"], message, quotas or [f"execution/unit/{r['code']}"],
                          {"supplement_rate_pct": r["supplement_rate"], "supplement_count": len(quotas)},
                          **_subject(ctx, "unit", r["code"], r["name"])))
    return _kept(out)


def _supplements(ctx: Context) -> list[tuple]:
    """The 追加 rows of year Y (unit, region, quota, issued date), in the order they were issued."""
    with ctx.engine.connect() as conn:
        return conn.execute(select(bgt.c.unit_code, bgt.c.region_code, bgt.c.quota_id, bgt.c.issued_date)
                            .where(bgt.c.year == ctx.day.year, bgt.c.kind == "追加")
                            .order_by(bgt.c.issued_date, bgt.c.quota_id)).all()


def year_end_surge(ctx: Context, rule: Rule) -> list[Finding]:
    """December spending so far ÷ the adjusted budget, and its multiple of the unit's median December share of
    prior years (each year's December spending ÷ that year's adjusted budget)."""
    day = ctx.day
    if day.month != 12:
        raise Skipped(f"{DECEMBER}评估")
    shares = _december_shares(ctx, day)
    with ctx.engine.connect() as conn:
        first = conn.scalar(select(func.min(pay.c.pay_date)))
    prior: dict[str, list[Fraction]] = {}
    for year in range(first.year if first else day.year, day.year):
        for code, (share, _) in _december_shares(ctx, dt.date(year, 12, 31)).items():
            if share is not None:
                prior.setdefault(code, []).append(share)
    out = []
    for code, (share, r) in shares.items():
        if share is None:
            continue
        history = prior.get(code, [])
        median = statistics.median(history) if len(history) >= rule.param("min_prior_years_count") else None
        multiple = ratio(share, median) if median else None
        message = (f"12 月已支出 {yuan(r['dec_spent'])} 元，占调整后预算 {pct(share)}"
                   + (f"，以往年度 12 月占比中位数 {pct(median)}（{len(history)} 年）" if median is not None else ""))
        out.append(graded(rule, "unit", code, message, [f"execution/unit/{code}/{day.year}-12"],
                          {"december_share_pct": share, "december_share_multiple": multiple},
                          **_subject(ctx, "unit", code, r["name"])))
    return _kept(out)


def _december_shares(ctx: Context, day: dt.date) -> dict[str, tuple[Fraction | None, dict]]:
    november = {r["code"]: r for r in execution_rows(ctx, "unit", dt.date(day.year, 11, 30))}
    out = {}
    for r in execution_rows(ctx, "unit", day):
        dec_spent = r["spent"] - (november[r["code"]]["spent"] if r["code"] in november else 0)
        out[r["code"]] = (ratio(dec_spent, r["adjusted_budget"]), {**r, "dec_spent": dec_spent})
    return out


# --- 三公经费 ------------------------------------------------------------------------------------------------

def sangong_rows(ctx: Context, rule: Rule) -> list[dict]:
    """Unit and region (全辖) rows of every category and 合计, for the subject levels the rule keeps."""
    rows = [r for level in ("unit", "region") if level in rule.subjects
            for r in indicator_rows(ctx, "sangong", level, sangong)]
    return [r for r in rows if r["scope"] == FULL]


def _sangong_finding(ctx, rule, r, message, figures):
    code = f"{r['code']}|{r['category']}"
    return graded(rule, r["level"], code, message, [f"sangong/{r['level']}/{code}"], figures,
                  **{**_subject(ctx, r["level"], r["code"], r["name"]), "subject_name": f"{r['name']}（{r['category']}）"})


def sangong_over(ctx: Context, rule: Rule) -> list[Finding]:
    """Spent > budget; or ≥ the yellow share of budget before the cut-off month (a category with no budget has
    no rate and is not judged here)."""
    early = ctx.day < dt.date(ctx.day.year, rule.param("cutoff_month"), 1)
    out = []
    for r in sangong_rows(ctx, rule):
        if not r["budget"]:
            continue
        message = lambda r=r: (f"{r['category']}：预算 {yuan(r['budget'])} 元，已支出 {yuan(r['spent'])} 元，"  # noqa: E731
                               f"执行率 {pct(r['execution_rate'])}")
        out.append(_sangong_finding(ctx, rule, r, message, {"usage_pct": r["execution_rate"],
                                                           "usage_before_cutoff_pct": r["execution_rate"] if early else None}))
    return _kept(out)


def sangong_yoy(ctx: Context, rule: Rule) -> list[Finding]:
    out = []
    for r in sangong_rows(ctx, rule):
        message = lambda r=r: (f"{r['category']}：已支出 {yuan(r['spent'])} 元，"  # noqa: E731
                               f"上年同期 {yuan(r['spent_last_year_same_period'])} 元，同比 {pct(r['yoy'])}")
        out.append(_sangong_finding(ctx, rule, r, message, {"yoy_pct": r["yoy"]}))
    return _kept(out)


# --- 政府债务 ------------------------------------------------------------------------------------------------

def debt_rows(ctx: Context, bond_types) -> list[dict]:
    return [r for r in indicator_rows(ctx, "debt", "region", debt) if r["scope"] == FULL and r["bond_type"] in bond_types]


def _debt_finding(ctx, rule, r, message, figures) -> Finding | None:
    per_type = r["bond_type"] != TOTAL
    level = "bond_type" if per_type else "region"
    code = f"{r['code']}|{r['bond_type']}" if per_type else r["code"]
    name = f"{r['name']}（{r['bond_type']}）" if per_type else r["name"]
    return graded(rule, level, code, message, [f"debt/region/{r['code']}/{r['bond_type']}"], figures,
                  subject_name=name, region_code=r["code"])


def debt_ratio(ctx: Context, rule: Rule) -> list[Finding]:
    return _kept(_debt_finding(ctx, rule, r, f"债务余额 {yuan(r['balance'])} 元，综合财力 {yuan(r['fiscal_capacity'])} 元，"
                               f"债务率 {pct(r['debt_ratio'])}", {"debt_ratio_pct": r["debt_ratio"]})
                 for r in debt_rows(ctx, (TOTAL,)))


def debt_limit(ctx: Context, rule: Rule) -> list[Finding]:
    """Per bond type, where a limit for year Y has been delivered."""
    return _kept(_debt_finding(ctx, rule, r, f"{r['bond_type']}余额 {yuan(r['balance'])} 元，限额 {yuan(r['limit'])} 元，"
                               f"限额使用率 {pct(r['limit_usage'])}",
                               {"over_limit_yuan": r["balance"] - r["limit"], "limit_usage_pct": r["limit_usage"]})
                 for r in debt_rows(ctx, BOND_TYPES) if r["limit"])


def interest_ratio(ctx: Context, rule: Rule) -> list[Finding]:
    return _kept(_debt_finding(ctx, rule, r, f"{r['bond_type']}本年已付利息 {yuan(r['interest_paid_ytd'])} 元，"
                               f"利息支出率 {pct(r['interest_expense_ratio'])}",
                               {"interest_expense_ratio_pct": r["interest_expense_ratio"]})
                 for r in debt_rows(ctx, BOND_TYPES))


def maturity_wall(ctx: Context, rule: Rule) -> list[Finding]:
    out = []
    for r in debt_rows(ctx, (TOTAL,)):
        share = ratio(r["due_12m"], r["fiscal_capacity"])
        out.append(_debt_finding(ctx, rule, r, f"未来 12 个月到期本金 {yuan(r['due_12m'])} 元，占综合财力 {pct(share)}",
                                 {"due_12m_to_capacity_pct": share}))
    return _kept(out)


# --- 审计整改 ------------------------------------------------------------------------------------------------

def audit_overdue(ctx: Context, rule: Rule) -> list[Finding]:
    """Each issue the audit figures count as overdue (its latest state as of D: not 已整改, deadline < D)."""
    return _overdue(ctx, rule, _open_issues(ctx.engine, ctx.day, ctx.day))


def audit_overdue_span(span: Span, rule: Rule):
    """An issue's latest state changes only on the dates audit rows are delivered: the open issues are read once
    per run of dates between deliveries, and each date keeps those past their deadline by then."""
    with span.engine.connect() as conn:
        delivered = set(conn.execute(select(audit.c.business_date).where(
            audit.c.business_date > span.since, audit.c.business_date <= span.until).distinct()).scalars())
    starts = [day for day in span.days if day == span.since or day in delivered]
    found = {}
    for start, end in zip(starts, [d - dt.timedelta(days=1) for d in starts[1:]] + [span.until]):
        issues = _open_issues(span.engine, start, end)
        for i in range((end - start).days + 1):
            ctx = span.context(start + dt.timedelta(days=i))
            found[ctx.day] = _overdue(ctx, rule, issues)
    return found, {}


def _open_issues(engine, as_of: dt.date, before: dt.date) -> list:
    """The issues in their latest state as of `as_of` that are not 已整改 and whose deadline is before `before`
    (the audit figures' overdue condition as of `before`), by issue id."""
    with engine.connect() as conn:
        sc = open_scope(conn, "audit", as_of)
        if not sc.region:
            return []
        rows = audit_source(sc)
        stmt = select(rows).where(conditions(rows, before)["overdue_issues"], rows.c.region_code.in_(sc.codes))
        return conn.execute(stmt.order_by(rows.c.issue_id)).mappings().all()


def _overdue(ctx: Context, rule: Rule, issues) -> list[Finding]:
    out = []
    for r in issues:
        if r["deadline"] >= ctx.day:
            continue
        late = (ctx.day - r["deadline"]).days
        name = ctx.names.unit(r["unit_code"]) if r["unit_code"] else ctx.names.region(r["region_code"])
        message = (f"{name}：{r['description']}（{r['category'] or '其他'}，涉及 {yuan(r['amount_fen'] or 0)} 元），"
                   f"整改期限 {r['deadline']} 已过 {late} 天，状态 {r['status'] or '未填写'}")
        out.append(Finding(rule.id, "audit_issue", r["issue_id"], rule.severity, late, 0, "days", message,
                           (r["issue_id"],), subject_name=name, region_code=r["region_code"], unit_code=r["unit_code"]))
    return out


EVALUATORS = {
    "EXEC_LAG": Evaluator(exec_lag, "预算执行（部门、单位、项目）：调整后预算、进度差 lag_pp",
                          f"{DAILY}，每年 start_month 月 1 日起"),
    "SUPPLEMENT_HIGH": Evaluator(supplement_high, "预算执行（单位）：追加率 supplement_rate；本年追加指标笔数", DAILY),
    "SANGONG_OVER": Evaluator(sangong_over, "三公经费（单位、区划全辖，各类别及合计）：预算、支出、执行率", DAILY),
    "SANGONG_YOY": Evaluator(sangong_yoy, "三公经费（单位、区划全辖，各类别及合计）：同比 yoy", DAILY),
    "YEAR_END_SURGE": Evaluator(year_end_surge, "预算执行（单位）：12 月支出（当日与 11 月 30 日支出之差）、调整后预算，以往各年同口径",
                                DECEMBER),
    "DEBT_RATIO": Evaluator(debt_ratio, "政府债务（区划全辖，合计）：债务率 debt_ratio", DAILY),
    "DEBT_LIMIT": Evaluator(debt_limit, "政府债务（区划全辖，分债券类型）：余额、限额、限额使用率", DAILY),
    "INTEREST_RATIO": Evaluator(interest_ratio, "政府债务（区划全辖，分债券类型）：利息支出率", DAILY),
    "MATURITY_WALL": Evaluator(maturity_wall, "政府债务（区划全辖，合计）：未来 12 个月到期本金 ÷ 综合财力", DAILY),
    "AUDIT_OVERDUE": Evaluator(audit_overdue, "审计整改：各问题截至当日的最新状态与整改期限", DAILY, audit_overdue_span),
}
