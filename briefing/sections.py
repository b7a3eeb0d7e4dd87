"""The briefing's text: the seven sections of a 人大财经委 quarterly briefing, written from the Facts.

Every number goes through briefing.numbers; a clause whose figure is not defined (a zero denominator) is left
out rather than written as a dash, and a section without data says so in words.
"""
from __future__ import annotations

import datetime as dt

from alerts.rules import SEVERITIES
from briefing import numbers as n
from briefing.charts import Chart
from briefing.document import Block, Document, Figure, Heading, Paragraph, Table
from briefing.facts import FUND, GENERAL, Facts
from indicators.audit import TOTAL as AUDIT_TOTAL
from indicators.debt import BOND_TYPES
from indicators.debt import TOTAL as DEBT_TOTAL
from indicators.sangong import TOTAL as SANGONG_TOTAL
from indicators.scope import ALL
from ingest.standard import FUND_TYPES

CN = "一二三四五六七八九十"
SHOWN_SEVERITIES = SEVERITIES[:3]  # 红 橙 黄: info is not shown by default (alerts.md)
RED = "红"


def sentence(*clauses: str | None, end: str = "。") -> str:
    """Clauses joined with '，', the undefined ones (None) left out; '' when none is left."""
    kept = [c for c in clauses if c]
    return "，".join(kept) + end if kept else ""


def defined(text: str, value) -> str | None:
    """`text` when its figure is defined, else None (the clause is dropped)."""
    return None if value is None else text


class Composer:
    """Numbers tables and figures in the order they appear (表1, 图1 …) while the sections are written."""

    def __init__(self, pictures: dict[str, tuple[bytes, int, int]], charts: dict[str, Chart]):
        self.blocks: list[Block] = []
        self.pictures, self.charts = pictures, charts
        self.tables = self.figures = 0

    def heading(self, text: str, level: int = 1) -> None:
        self.blocks.append(Heading(text, level))

    def para(self, text: str) -> None:
        if text:
            self.blocks.append(Paragraph(text))

    def table(self, caption: str, header: list[str], rows: list[list[str]]) -> None:
        if rows:
            self.tables += 1
            self.blocks.append(Table(f"表{self.tables} {caption}", tuple(header), tuple(map(tuple, rows))))

    def figure(self, key: str) -> None:
        if key in self.pictures:
            self.figures += 1
            png, w, h = self.pictures[key]
            self.blocks.append(Figure(f"图{self.figures} {self.charts[key].caption}", png, w, h))


def compose(f: Facts, charts: dict[str, Chart], pictures: dict[str, tuple[bytes, int, int]],
            issued: dt.date) -> Document:
    c = Composer(pictures, charts)
    c.para(f"（数据截至{n.date_text(f.day)}）")
    for number, (title, write) in enumerate(SECTIONS):
        c.heading(f"{CN[number]}、{title}")
        write(c, f)
    return Document(issuer=f"{f.top_name}人大财经委", title=f"{f.region_name}{f.quarter.label}预算执行情况简报",
                    issued=issued, as_of=f.day, blocks=c.blocks)


# 一、总体情况 -------------------------------------------------------------------------------------------------
def overall(c: Composer, f: Facts) -> None:
    for number, fund_type in enumerate((GENERAL, FUND)):
        c.heading(f"（{CN[number]}）{fund_type}", 2)
        c.para(fund_paragraph(f, fund_type))
    c.table("分资金性质收支执行情况", *fund_table(f))
    c.figure("revenue_mix")
    c.figure("execution")
    c.figure("revenue")


def fund_paragraph(f: Facts, fund_type: str) -> str:
    rev, exe = f.revenue.get(fund_type), f.execution.get(fund_type)
    if rev is None and exe is None:
        return f"截至{n.date_text(f.day)}，{f.whole}没有{fund_type}收支数据。"
    text = f"截至{n.date_text(f.day)}，"
    if rev is not None:
        text += sentence(
            f"{f.whole}{fund_type}收入{n.amount(rev['collected'])}",
            defined(f"完成预算的{n.percent(rev['completion_rate'])}", rev["completion_rate"]),
            n.change(rev["yoy"]),
            defined(f"其中税收收入占{n.percent(rev['tax_share'])}", rev["tax_share"] if fund_type == GENERAL else None),
            end="；" if exe is not None else "。")
    if exe is not None:
        text += sentence(
            f"{fund_type}支出{n.amount(exe['spent'])}",
            defined(f"为调整后预算{n.amount(exe['adjusted_budget'])}的{n.percent(exe['execution_rate'])}",
                    exe["execution_rate"]),
            defined(f"{n.versus_progress(exe['lag_pp'])}（序时进度{n.percent(exe['time_progress'])}）",
                    exe["lag_pp"]))
    return text


def fund_table(f: Facts) -> tuple[list[str], list[list[str]]]:
    kinds = [ft for ft in FUND_TYPES if ft in f.revenue or ft in f.execution] + [ALL]
    rows = [(ft, f.revenue.get(ft, {}), f.execution.get(ft, {})) for ft in kinds]
    unit = n.amount_unit([r.get(k) for _, rev, exe in rows for r, k in
                          ((rev, "collected"), (exe, "adjusted_budget"), (exe, "spent"))])
    header = ["资金性质", f"收入（{unit}）", "收入完成率（%）", "收入同比（%）", f"调整后预算（{unit}）",
              f"支出（{unit}）", "支出执行率（%）", "进度差（百分点）"]
    body = [["合计" if ft == ALL else ft, n.amount_cell(rev.get("collected"), unit),
             n.percent_cell(rev.get("completion_rate")), n.percent_cell(rev.get("yoy")),
             n.amount_cell(exe.get("adjusted_budget"), unit), n.amount_cell(exe.get("spent"), unit),
             n.percent_cell(exe.get("execution_rate")), n.pp_cell(exe.get("lag_pp"))] for ft, rev, exe in rows]
    return header, body


# 二、部门预算执行 ---------------------------------------------------------------------------------------------
def dept_phrase(r: dict) -> str:
    return f"{r['name']}（执行率{n.percent(r['execution_rate'])}，{n.versus_progress(r['lag_pp'])}）"


def departments(c: Composer, f: Facts) -> None:
    slow, fast = f.slowest(), f.fastest()
    if not slow:
        c.para("本期没有部门预算执行数据。")
        return
    c.para(f"从部门看，执行进度最慢的是{'、'.join(map(dept_phrase, slow))}。"
           + (f"执行进度最快的是{'、'.join(map(dept_phrase, fast))}。" if fast else ""))
    unit = n.amount_unit([r[k] for r in slow + fast for k in ("adjusted_budget", "spent")])
    c.table("执行进度最慢和最快的部门",
            ["", "部门", f"调整后预算（{unit}）", f"支出（{unit}）", "执行率（%）", "进度差（百分点）"],
            [[kind, r["name"], n.amount_cell(r["adjusted_budget"], unit), n.amount_cell(r["spent"], unit),
              n.percent_cell(r["execution_rate"]), n.pp_cell(r["lag_pp"])]
             for kind, rows in (("最慢", slow), ("最快", fast)) for r in rows])
    c.figure("behind")
    c.figure("depts")


# 三、三公经费 ------------------------------------------------------------------------------------------------
def sangong(c: Composer, f: Facts) -> None:
    total = next((r for r in f.sangong if r["category"] == SANGONG_TOTAL), None)
    if total is None or not (total["budget"] or total["spent"] or total["spent_last_year_same_period"]):
        c.para("本期没有三公经费预算和支出数据。")
        return
    parts = [r for r in f.sangong if r["category"] != SANGONG_TOTAL and (r["spent"] or r["budget"])]
    c.para(sentence(f"{f.whole}三公经费预算{n.amount(total['budget'])}", f"支出{n.amount(total['spent'])}",
                    defined(f"执行率{n.percent(total['execution_rate'])}", total["execution_rate"]),
                    n.change(total["yoy"]))
           + ("其中，" + "；".join(sentence(f"{r['category']}支出{n.amount(r['spent'])}", n.change(r["yoy"]), end="")
                                    for r in parts) + "。" if parts else ""))
    unit = n.amount_unit([r[k] for r in f.sangong for k in ("budget", "spent", "spent_last_year_same_period")])
    c.table("三公经费预算执行情况",
            ["类别", f"预算（{unit}）", f"支出（{unit}）", "执行率（%）", f"上年同期支出（{unit}）", "同比（%）"],
            [[r["category"], n.amount_cell(r["budget"], unit), n.amount_cell(r["spent"], unit),
              n.percent_cell(r["execution_rate"]), n.amount_cell(r["spent_last_year_same_period"], unit),
              n.percent_cell(r["yoy"])] for r in f.sangong])
    c.figure("sangong")


# 四、政府债务 ------------------------------------------------------------------------------------------------
def debt(c: Composer, f: Facts) -> None:
    total = f.debt.get(DEBT_TOTAL)
    if total is None or not (total["balance"] or total["limit"]):
        c.para("本期没有政府债务数据。")
        return
    by_type = [f.debt[bt] for bt in BOND_TYPES if bt in f.debt]
    due = [r for r in by_type if r["due_12m"]]
    c.para(sentence(
        f"截至{n.date_text(f.day)}，{f.whole}政府债务余额{n.amount(total['balance'])}"
        + ("（" + "、".join(f"{r['bond_type']}{n.amount(r['balance'])}" for r in by_type) + "）" if by_type else ""),
        f"债务限额{n.amount(total['limit'])}",
        defined(f"限额使用率{n.percent(total['limit_usage'])}", total["limit_usage"]))
        + sentence(defined(f"债务率{n.percent(total['debt_ratio'])}", total["debt_ratio"]),
                   defined(f"利息支出率{n.percent(total['interest_expense_ratio'])}", total["interest_expense_ratio"]),
                   defined(f"偿债保障倍数{n.multiple(total['coverage_multiple'])}", total["coverage_multiple"])))
    c.para(sentence(f"今年以来已偿还本金{n.amount(total['principal_repaid_ytd'])}",
                    f"支付利息{n.amount(total['interest_paid_ytd'])}",
                    f"全年应还本付息{n.amount(total['debt_service_due_y'])}")
           + sentence(f"未来一年内到期本金{n.amount(total['due_12m'])}"
                      + ("，其中" + "、".join(f"{r['bond_type']}{n.amount(r['due_12m'])}" for r in due) if due else "")))
    rows = by_type + [total]
    unit = n.amount_unit([r[k] for r in rows for k in ("balance", "limit", "due_12m")])
    c.table("政府债务规模与风险指标",
            ["债券类型", f"债务余额（{unit}）", f"债务限额（{unit}）", "限额使用率（%）", "债务率（%）",
             "利息支出率（%）", "偿债保障倍数（倍）", f"一年内到期本金（{unit}）"],
            [[r["bond_type"], n.amount_cell(r["balance"], unit), n.amount_cell(r["limit"], unit),
              n.percent_cell(r["limit_usage"]), n.percent_cell(r["debt_ratio"]),
              n.percent_cell(r["interest_expense_ratio"]),
              n.multiple_cell(r["coverage_multiple"]),
              n.amount_cell(r["due_12m"], unit)] for r in rows])
    c.figure("debt")


# 五、国有资产和审计整改 ---------------------------------------------------------------------------------------
def asset_clause(r: dict, period: dt.date) -> str:
    """One category's figures; a category whose latest report is older than the others' says which it is."""
    older = "" if r["period"] == period else f"（{n.date_text(r['period'])}报告）"
    return sentence(f"{r['category']}{older}总额{n.amount(r['total_assets'])}",
                    f"负债总额{n.amount(r['total_liabilities'])}",
                    defined(f"资产负债率{n.percent(r['debt_asset_ratio'])}", r["debt_asset_ratio"]),
                    defined(f"保值增值率{n.percent(r['equity_growth'])}", r["equity_growth"]), end="")


def assets_and_audit(c: Composer, f: Facts) -> None:
    c.heading("（一）国有资产", 2)
    reported = [r for r in f.assets if r["entities"]]  # rows in 元 (亩 and the like are never summed)
    if not reported:
        c.para("截至本期尚无国有资产报告。")
    else:
        period = max(r["period"] for r in reported)
        c.para(f"据{n.date_text(period)}国有资产报告，" + "；".join(asset_clause(r, period) for r in reported) + "。")
        unit = n.amount_unit([r[k] for r in f.assets for k in ("total_assets", "total_liabilities", "equity")])
        c.table("国有资产情况",
                ["类别", "主体数（个）", f"资产总额（{unit}）", f"负债总额（{unit}）", f"所有者权益（{unit}）",
                 "资产负债率（%）", "保值增值率（%）"],
                [[r["category"], n.count(r["entities"]), n.amount_cell(r["total_assets"], unit),
                  n.amount_cell(r["total_liabilities"], unit), n.amount_cell(r["equity"], unit),
                  n.percent_cell(r["debt_asset_ratio"]), n.percent_cell(r["equity_growth"])] for r in reported])
        c.figure("assets")
    c.heading("（二）审计整改", 2)
    total = f.audit.get(AUDIT_TOTAL)
    if total is None or not total["issues"]:
        c.para("截至本期没有审计查出问题的整改数据。")
        return
    c.para(sentence(f"审计查出问题{n.count(total['issues'])}个", f"已整改{n.count(total['rectified_issues'])}个",
                    f"逾期未整改{n.count(total['overdue_issues'])}个", end="；")
           + sentence(f"问题涉及金额{n.amount(total['amount'])}", f"已整改金额{n.amount(total['rectified_amount'])}",
                      defined(f"整改率{n.percent(total['rectification_rate'])}", total["rectification_rate"])))
    rows = [r for r in f.audit.values() if r["issues"]]
    unit = n.amount_unit([r[k] for r in rows for k in ("amount", "rectified_amount")])
    c.table("审计查出问题整改情况",
            ["类别", "问题数（个）", "已整改（个）", "逾期未整改（个）", f"涉及金额（{unit}）",
             f"已整改金额（{unit}）", "整改率（%）"],
            [[r["category"], n.count(r["issues"]), n.count(r["rectified_issues"]), n.count(r["overdue_issues"]),
              n.amount_cell(r["amount"], unit), n.amount_cell(r["rectified_amount"], unit),
              n.percent_cell(r["rectification_rate"])] for r in rows])
    c.figure("audit")


# 六、预警情况 ------------------------------------------------------------------------------------------------
def by_rule(alerts: list[dict]) -> dict[str, dict[str, int]]:
    """Open alerts counted per rule and severity (the listing grouped, as the alerts page's filters do)."""
    out: dict[str, dict[str, int]] = {}
    for a in alerts:
        if a["severity"] in SHOWN_SEVERITIES:
            counts = out.setdefault(a["rule_id"], dict.fromkeys(SHOWN_SEVERITIES, 0))
            counts[a["severity"]] += 1
    return out


def alerts(c: Composer, f: Facts) -> None:
    if f.alerts is None:
        c.para("预警模块尚未启用，本期没有预警数据。")
        return
    counts = f.alert_counts
    c.para(f"截至{n.date_text(f.day)}，{f.whole}未办结的预警中，"
           + "、".join(f"{s}色预警{n.count(counts[s])}条" for s in SHOWN_SEVERITIES) + "。")
    grouped = by_rule(f.alerts)
    c.table("未办结预警（按规则和级别）", ["预警规则", *(f"{s}色（条）" for s in SHOWN_SEVERITIES)],
            [[f.rule_names.get(rule, rule), *(n.count(k[s]) for s in SHOWN_SEVERITIES)]
             for rule, k in sorted(grouped.items(), key=lambda item: [-item[1][s] for s in SHOWN_SEVERITIES])])
    red = [a for a in f.alerts if a["severity"] == RED]
    if not red:
        c.para("本期没有未办结的红色预警。")
        return
    c.para("未办结的红色预警逐条列示如下。")
    c.table("未办结的红色预警", ["预警规则", "对象", "指标值", "阈值", "首次出现", "最近出现", "状态"],
            [[f.rule_names.get(a["rule_id"], a["rule_id"]), a["subject_name"] or a["subject_code"],
              n.alert_figure(a["figure"], f.alert_units.get(a["id"])),
              n.alert_figure(a["threshold"], f.alert_units.get(a["id"])),
              n.date_text(a["first_seen"]), n.date_text(a["last_seen"]), a["status"]] for a in red])


# 七、关注事项与建议 -------------------------------------------------------------------------------------------
def concerns(f: Facts) -> list[str]:
    """One item per matter the figures raise, each citing the figure that raises it."""
    items = []
    behind = [r for r in f.slowest() if n.pp_number(r["lag_pp"]) < 0]
    general = f.execution.get(GENERAL)
    if behind or (general and general["lag_pp"] is not None and n.pp_number(general["lag_pp"]) < 0):
        lead = (f"{f.whole}一般公共预算支出{n.versus_progress(general['lag_pp'])}。"
                if general and general["lag_pp"] is not None and n.pp_number(general["lag_pp"]) < 0 else "")
        items.append(f"加快预算执行进度。{lead}"
                     + (f"{'、'.join(map(dept_phrase, behind))}执行进度明显偏慢。" if behind else "")
                     + "建议督促有关部门分析原因、加快支出进度，防止年底突击花钱。")
    revenue = f.revenue.get(GENERAL)
    if revenue and revenue["yoy"] is not None and n.percent_number(revenue["yoy"]) < 0:
        items.append(f"关注收入形势。一般公共预算收入{n.change(revenue['yoy'])}。"
                     "建议分析减收原因，防止收入下滑影响重点支出。")
    total = next((r for r in f.sangong if r["category"] == SANGONG_TOTAL), None)
    if total and total["yoy"] is not None and n.percent_number(total["yoy"]) > 0:
        items.append(f"严控三公经费。三公经费支出{n.change(total['yoy'])}，不符合只减不增的要求。"
                     "建议有关部门说明原因并压减支出。")
    debt = f.debt.get(DEBT_TOTAL)
    if debt and debt["due_12m"]:
        items.append(sentence(f"防范债务风险。未来一年内到期本金{n.amount(debt['due_12m'])}",
                              defined(f"债务率{n.percent(debt['debt_ratio'])}", debt["debt_ratio"]))
                     + "建议提前落实偿债资金来源，防范集中到期风险。")
    audit = f.audit.get(AUDIT_TOTAL)
    if audit and audit["overdue_issues"]:
        items.append(sentence(f"推进审计整改。逾期未整改问题{n.count(audit['overdue_issues'])}个",
                              defined(f"整改率{n.percent(audit['rectification_rate'])}", audit["rectification_rate"]))
                     + "建议督促责任单位限期整改到位。")
    if f.alert_counts and f.alert_counts.get(RED):
        items.append(f"督办红色预警。未办结的红色预警{n.count(f.alert_counts[RED])}条，"
                     "建议逐条交办、跟踪反馈，按期办结。")
    return items


def suggestions(c: Composer, f: Facts) -> None:
    items = concerns(f)
    if not items:
        c.para("本季度各项指标未见需要特别关注的情况。")
    for number, text in enumerate(items):
        c.para(f"（{CN[number]}）{text}")


SECTIONS = (("总体情况", overall), ("部门预算执行", departments), ("三公经费", sangong), ("政府债务", debt),
            ("国有资产和审计整改", assets_and_audit), ("预警情况", alerts), ("关注事项与建议", suggestions))
