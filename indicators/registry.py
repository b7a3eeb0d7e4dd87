"""The registry of indicator definitions: the one place where a figure has its id, name, formula and unit.

The calculators derive every ratio from the registry's recipes (indicators/formula.py), the exports take their
Chinese headers and number formats from it, explain() reads its recipes to name a figure's numerator and
denominator, and docs/indicators.md is generated from it — so a definition cannot differ between two places.

Ids are the field names of shared/spec/indicators.md. The same id may appear in several families (e.g. `spent`
in 预算执行 and 三公经费) with a family-specific definition; a definition is addressed as (family, id).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

# Units decide formatting: 元 amounts are exact integer 分 inside and 0.01 元 in exports; ratio and multiple are
# fractions rounded to 6 places; pp (percentage points) to 0.01; count is an integer.
UNITS = {"元": "元", "ratio": "比率", "multiple": "倍数", "pp": "百分点", "count": "个数"}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str  # Chinese, as headers and the UI show it
    unit: str  # a key of UNITS
    formula: str  # the definition in words (Chinese)
    sources: tuple[str, ...]  # reports the figure is computed from
    family: str = ""
    # How the figure is obtained: ("part",) is an amount or count summed from source rows (explain() lists
    # them); ("ratio", a, b) = a ÷ b, null when b is 0; ("growth", a, b) = a ÷ b − 1; ("diff", a, b) = a − b;
    # ("sum", a, b) = a + b; ("lag", rate) = (rate − time_progress) × 100; ("time",) = 序时进度.
    recipe: tuple = ("part",)
    export: bool = True  # False: an intermediate figure kept for explain() and snapshots, not a report column


@dataclass(frozen=True)
class Family:
    id: str
    name: str
    keys: tuple[str, ...]  # the member fields after level, code, name, scope, date (e.g. fund_type)
    levels: tuple[str, ...]  # levels the family is defined at (the first is the default)
    indicators: tuple[Indicator, ...]

    @property
    def fields(self) -> list[str]:
        """Report columns, in order."""
        return [*COMMON_FIELDS, *self.keys, *(i.id for i in self.indicators if i.export)]

    def get(self, ind_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == ind_id:
                return ind
        raise KeyError(f"{self.id}.{ind_id}")


LEVELS = ("region", "fund_type", "dept", "unit", "func", "econ", "project", "quota")
LEVEL_NAMES = {"region": "区划", "fund_type": "资金性质", "dept": "主管部门", "unit": "预算单位",
               "func": "功能分类", "econ": "经济分类", "project": "项目", "quota": "预算指标（单位内）"}
COMMON_FIELDS = ("level", "code", "name", "scope", "date")

# Labels of the fields that are not figures (member keys and the record exports' columns).
FIELD_LABELS = {
    "level": "层级", "code": "编码", "name": "名称", "scope": "口径", "date": "日期",
    "fund_type": "资金性质", "category": "类别", "bond_type": "债券类型", "period": "报告期",
    "region_code": "区划编码", "unit_code": "单位编码", "report_date": "报告日期",
    "basis": "预测依据", "years": "样本年数",
    # record exports (ingest / findings / alerts)
    "business_date": "业务日期", "file": "文件", "report": "报表", "status": "状态", "rows": "行数",
    "amount_total": "金额合计", "errors": "错误数", "warnings": "警告数", "rule_id": "规则编号",
    "severity": "级别", "line": "行号", "column": "列", "value": "值", "expected": "应为", "message": "说明",
    "id": "编号", "subject_level": "对象层级", "subject_code": "对象编码", "subject_name": "对象名称",
    "figure": "指标值", "threshold": "阈值", "first_seen": "首次出现", "last_seen": "最近出现",
    "evidence": "证据",
    # the dashboard's lists (vouchers, bonds, audit issues, asset entities)
    "voucher_no": "凭证号", "pay_date": "支付日期", "unit_name": "单位名称", "quota_id": "指标编号",
    "func_code": "功能分类编码", "econ_code": "经济分类编码", "project_code": "项目编码", "payee_name": "收款人名称",
    "payee_account": "收款人账号", "payee_bank": "收款人开户行", "pay_amount": "支付金额", "pay_method": "支付方式",
    "purpose": "用途", "orig_voucher_no": "原凭证号",
    "bond_code": "债券编码", "bond_name": "债券名称", "issue_kind": "发行类型", "issue_date": "发行日期",
    "maturity_date": "到期日期", "coupon_rate": "票面利率（%）", "coupon_freq": "付息方式", "issued": "发行金额",
    "repaid": "已还本金", "outstanding": "未偿本金", "kind": "类型", "principal": "本金", "payment": "应付金额",
    "month": "月份",
    "issue_id": "问题编号", "deadline": "整改期限", "updated_date": "更新日期", "description": "问题描述",
    "issue_amount": "涉及金额", "entity_code": "主体编码", "entity_name": "主体名称", "unit_of_measure": "计量单位",
    "total_assets": "资产总额",
    "at": "时间", "who": "经办人", "from_status": "原状态", "to_status": "新状态", "note": "说明或理由",
    "assigned_dept": "承办部门",
    # the audit log (who did what)
    "username": "用户", "role": "角色", "action": "操作", "target": "对象", "params": "参数", "ip": "地址",
}

# Record exports are lists the ingest and the alerts write; only their columns are defined here.
RECORD_FIELDS = {
    "ingest": ("business_date", "file", "report", "status", "rows", "amount_total", "errors", "warnings"),
    "findings": ("business_date", "file", "rule_id", "severity", "line", "column", "value", "expected", "message"),
    "alerts": ("id", "rule_id", "severity", "category", "subject_level", "subject_code", "subject_name", "figure",
               "threshold", "status", "first_seen", "last_seen", "basis", "evidence"),
    # lists the dashboard shows and exports (rows as the lists give them, amounts in 元)
    "vouchers": ("voucher_no", "pay_date", "region_code", "unit_code", "unit_name", "quota_id", "fund_type",
                 "func_code", "econ_code", "project_code", "payee_name", "payee_account", "payee_bank", "pay_amount",
                 "pay_method", "purpose", "orig_voucher_no"),
    "bonds": ("bond_code", "bond_name", "region_code", "bond_type", "issue_kind", "issue_date", "maturity_date",
              "coupon_rate", "coupon_freq", "issued", "repaid", "outstanding"),
    "bond_schedule": ("bond_code", "date", "kind", "principal", "payment"),
    "maturity_wall": ("month", "bond_type", "principal"),
    "audit_issues": ("issue_id", "unit_code", "category", "status", "deadline", "updated_date", "description",
                     "issue_amount"),
    "asset_entities": ("period", "category", "entity_code", "entity_name", "unit_of_measure", "total_assets"),
    "alert_history": ("id", "at", "who", "from_status", "to_status", "note", "assigned_dept", "deadline"),
    "audit_log": ("at", "username", "role", "action", "target", "params", "ip"),
}
RECORD_UNITS = {f: "元" for f in ("amount_total", "pay_amount", "issued", "repaid", "outstanding", "principal",
                                  "payment", "issue_amount", "total_assets")}



def _family(fid: str, name: str, keys: tuple, levels: tuple, inds: tuple) -> Family:
    return Family(fid, name, keys, levels, tuple(replace(i, family=fid) for i in inds))


I = Indicator
_TP = I("time_progress", "序时进度", "ratio", "D 在当年的天数 ÷ 当年天数（2026-06-30 → 181/365）", (), recipe=("time",))

EXECUTION = _family("execution", "预算执行", ("fund_type",), LEVELS, (
    I("initial_budget", "年初预算", "元", "Σ预算指标金额：指标类型=年初预算，预算年度=Y，下达日期≤D", ("BGT",)),
    I("adjusted_budget", "调整后预算", "元", "年初预算 + Σ追加 − Σ调减 + Σ结转（预算年度=Y，下达日期≤D）", ("BGT",)),
    I("spent", "支出", "元", "Σ支付金额：支付日期在 Y-01-01 至 D（退款为负，冲减支出）", ("PAY",)),
    I("execution_rate", "执行率", "ratio", "支出 ÷ 调整后预算（分母为 0 时为空）", ("BGT", "PAY"),
      recipe=("ratio", "spent", "adjusted_budget")),
    I("initial_execution_rate", "年初预算执行率", "ratio", "支出 ÷ 年初预算（分母为 0 时为空）", ("BGT", "PAY"),
      recipe=("ratio", "spent", "initial_budget")),
    _TP,
    I("lag_pp", "进度差", "pp", "(执行率 − 序时进度) × 100，单位百分点；负数为慢于序时进度", ("BGT", "PAY"),
      recipe=("lag", "execution_rate")),
    I("supplement", "追加净额", "元", "Σ追加 − Σ调减（预算年度=Y，下达日期≤D）", ("BGT",), export=False),
    I("supplement_rate", "追加率", "ratio", "(Σ追加 − Σ调减) ÷ 年初预算", ("BGT",),
      recipe=("ratio", "supplement", "initial_budget")),
    I("carryover", "结转", "元", "Σ结转指标金额（预算年度=Y，下达日期≤D）", ("BGT",)),
    I("quota_balance", "指标余额", "元", "调整后预算 − 支出（直接相减；超指标支付由 PAY_OVER_QUOTA 预警）", ("BGT", "PAY"),
      recipe=("diff", "adjusted_budget", "spent")),
))

SANGONG = _family("sangong", "三公经费", ("category",), ("region", "dept", "unit"), (
    I("budget", "三公预算", "元", "该类别部门经济分类科目的调整后预算（年初+追加−调减+结转，下达日期≤D）", ("BGT",)),
    I("spent", "三公支出", "元", "该类别科目的 Σ支付金额，支付日期在 Y-01-01 至 D", ("PAY",)),
    I("execution_rate", "执行率", "ratio", "三公支出 ÷ 三公预算（预算为 0 时为空）", ("BGT", "PAY"),
      recipe=("ratio", "spent", "budget")),
    I("spent_last_year_same_period", "上年同期支出", "元",
      "该类别科目的 Σ支付金额，支付日期在 (Y−1)-01-01 至 D 的上年同日（2 月 29 日取 2 月 28 日）", ("PAY",)),
    I("yoy", "同比增长", "ratio", "三公支出 ÷ 上年同期支出 − 1（上年同期为 0 时为空）", ("PAY",),
      recipe=("growth", "spent", "spent_last_year_same_period")),
))

REVENUE = _family("revenue", "收入", ("fund_type",), ("region", "fund_type"), (
    I("collected", "收入", "元", "Σ入库金额：入库日期在 Y-01-01 至 D（退库为负）", ("INC",)),
    I("budget", "收入预算", "元",
      "按（区划、科目、资金性质）取业务日期≤D 的最新调整预算，无调整预算时取年初预算（预算年度=Y），再求和", ("INC_BGT",)),
    I("completion_rate", "完成率", "ratio", "收入 ÷ 收入预算（预算为 0 时为空）", ("INC", "INC_BGT"),
      recipe=("ratio", "collected", "budget")),
    I("tax_collected", "税收收入", "元", "收入科目编码以 101 开头的收入", ("INC",), export=False),
    I("tax_share", "税收占比", "ratio", "税收收入（科目 101 开头）÷ 收入", ("INC",),
      recipe=("ratio", "tax_collected", "collected")),
    I("collected_last_year_same_period", "上年同期收入", "元",
      "Σ入库金额：入库日期在 (Y−1)-01-01 至 D 的上年同日（2 月 29 日取 2 月 28 日）", ("INC",)),
    I("yoy", "同比增长", "ratio", "收入 ÷ 上年同期收入 − 1（上年同期为 0 时为空）", ("INC",),
      recipe=("growth", "collected", "collected_last_year_same_period")),
))

DEBT = _family("debt", "政府债务", ("bond_type",), ("region",), (
    I("balance", "债务余额", "元", "Σ发行日期≤D 的债券发行金额 − Σ日期≤D 的还本", ("DEBT_BOND", "DEBT_FLOW")),
    I("limit", "债务限额", "元", "Y 年债务限额（业务日期≤D 的最新报送）；合计为两类之和", ("DEBT_LIMIT",)),
    I("limit_usage", "限额使用率", "ratio", "债务余额 ÷ 债务限额", ("DEBT_BOND", "DEBT_FLOW", "DEBT_LIMIT"),
      recipe=("ratio", "balance", "limit")),
    I("fiscal_capacity", "综合财力", "元", "Y 年综合财力各项目最新报送之和（各债券类型行相同）", ("FIN_CAP",)),
    I("debt_ratio", "债务率", "ratio", "债务余额 ÷ 综合财力", ("DEBT_BOND", "DEBT_FLOW", "FIN_CAP"),
      recipe=("ratio", "balance", "fiscal_capacity")),
    I("principal_repaid_ytd", "本年已还本金", "元", "Σ还本流水，日期在 Y-01-01 至 D", ("DEBT_FLOW",)),
    I("interest_paid_ytd", "本年已付利息", "元", "Σ付息流水，日期在 Y-01-01 至 D", ("DEBT_FLOW",)),
    I("debt_service_paid_ytd", "本年已还本付息", "元", "本年已还本金 + 本年已付利息", ("DEBT_FLOW",),
      recipe=("sum", "principal_repaid_ytd", "interest_paid_ytd"), export=False),
    I("repayment_ratio", "偿债率", "ratio", "(本年已还本金 + 本年已付利息) ÷ 综合财力", ("DEBT_FLOW", "FIN_CAP"),
      recipe=("ratio", "debt_service_paid_ytd", "fiscal_capacity")),
    I("interest_base_spent", "利息支出率分母", "元",
      "一般债券：一般公共预算本年支出；专项债券：政府性基金预算本年支出；合计：两者之和", ("PAY",), export=False),
    I("interest_expense_ratio", "利息支出率", "ratio",
      "本年已付利息 ÷ 对应预算本年支出（一般债券对一般公共预算，专项债券对政府性基金预算，合计对两者之和）",
      ("DEBT_FLOW", "PAY"), recipe=("ratio", "interest_paid_ytd", "interest_base_spent")),
    I("debt_service_due_y", "本年应还本付息", "元",
      "按每只发行日期≤D 债券的票面条款推算的 Y 年到期本金 + Y 年应付利息：按年付息每个发行周年日付 本金×利率；"
      "半年付息每 6 个月付 本金×利率÷2；到期一次还本付息到期日付 本金×利率×整年期限；本金为该日尚未偿还的本金"
      "（扣除该日之前且≤D 的还本流水），每笔利息四舍五入到分", ("DEBT_BOND", "DEBT_FLOW")),
    I("coverage_multiple", "偿债保障倍数", "multiple", "综合财力 ÷ 本年应还本付息", ("FIN_CAP", "DEBT_BOND", "DEBT_FLOW"),
      recipe=("ratio", "fiscal_capacity", "debt_service_due_y")),
    I("due_12m", "未来12个月到期本金", "元", "到期日在 (D, D+365 天] 的债券本金，扣除≤D 已还本金", ("DEBT_BOND", "DEBT_FLOW")),
))

ASSETS = _family("assets", "国有资产", ("category", "period"), ("region",), (
    I("entities", "主体数", "count", "报告期（该区划该类别 ≤D 的最新季度）各主体的最新报送行数（仅计量单位为元的行）",
      ("ASSET",)),
    I("total_assets", "资产总额", "元", "Σ资产总额（仅计量单位为元的行）", ("ASSET",)),
    I("total_liabilities", "负债总额", "元", "Σ负债总额（仅计量单位为元的行）", ("ASSET",)),
    I("equity", "所有者权益", "元", "Σ所有者权益（仅计量单位为元的行）", ("ASSET",)),
    I("debt_asset_ratio", "资产负债率", "ratio", "负债总额 ÷ 资产总额", ("ASSET",),
      recipe=("ratio", "total_liabilities", "total_assets")),
    I("equity_last_year", "上年同期所有者权益", "元", "上年同一报告期的 Σ所有者权益（元）", ("ASSET",), export=False),
    I("equity_growth", "保值增值率", "ratio", "所有者权益 ÷ 上年同一报告期所有者权益", ("ASSET",),
      recipe=("ratio", "equity", "equity_last_year")),
))

AUDIT = _family("audit", "审计整改", ("category",), ("region",), (
    I("issues", "问题数", "count", "各问题编号在业务日期≤D 的最新状态计数", ("AUDIT",)),
    I("rectified_issues", "已整改问题数", "count", "最新状态为已整改的问题数", ("AUDIT",)),
    I("overdue_issues", "逾期未整改问题数", "count", "最新状态不是已整改且整改期限早于 D 的问题数", ("AUDIT",)),
    I("amount", "涉及金额", "元", "Σ涉及金额（各问题最新状态）", ("AUDIT",)),
    I("rectified_amount", "已整改金额", "元", "Σ已整改金额（各问题最新状态）", ("AUDIT",)),
    I("rectification_rate", "整改率", "ratio", "已整改金额 ÷ 涉及金额", ("AUDIT",),
      recipe=("ratio", "rectified_amount", "amount")),
))

PROJECTS = _family("projects", "重大项目", ("region_code", "unit_code", "report_date"), ("region", "project"), (
    I("annual_plan", "年度计划投资", "元", "Y 年内报告日期≤D 的最新月报的年度计划投资", ("PROJ",)),
    I("ytd_completed", "本年完成投资", "元", "同一月报的本年完成投资", ("PROJ",)),
    I("completion_rate", "投资完成率", "ratio", "本年完成投资 ÷ 年度计划投资", ("PROJ",),
      recipe=("ratio", "ytd_completed", "annual_plan")),
    _TP,
    I("lag_pp", "进度差", "pp", "(投资完成率 − 序时进度) × 100", ("PROJ",), recipe=("lag", "completion_rate")),
))

FORECAST = _family("forecast", "年末执行率预测", ("basis", "years"), ("unit", "region"), (
    I("adjusted_budget", "调整后预算", "元", "同预算执行", ("BGT",)),
    I("spent", "支出", "元", "同预算执行", ("PAY",)),
    I("execution_rate", "执行率", "ratio", "同预算执行", ("BGT", "PAY"), recipe=("ratio", "spent", "adjusted_budget")),
    I("forecast_spent", "预计全年支出", "元", "支出 ÷ 往年同日累计支出占全年支出比例的中位数", ("PAY",)),
    I("forecast_rate", "预计年末执行率", "ratio", "预计全年支出 ÷ 调整后预算", ("BGT", "PAY"),
      recipe=("ratio", "forecast_spent", "adjusted_budget")),
    I("forecast_low_spent", "预计全年支出下限", "元", "支出 ÷ 往年同日占比的最大值", ("PAY",), export=False),
    I("forecast_low", "预测区间下限", "ratio", "支出 ÷ 往年同日占比最大值 ÷ 调整后预算", ("BGT", "PAY"),
      recipe=("ratio", "forecast_low_spent", "adjusted_budget")),
    I("forecast_high_spent", "预计全年支出上限", "元", "支出 ÷ 往年同日占比的最小值", ("PAY",), export=False),
    I("forecast_high", "预测区间上限", "ratio", "支出 ÷ 往年同日占比最小值 ÷ 调整后预算", ("BGT", "PAY"),
      recipe=("ratio", "forecast_high_spent", "adjusted_budget")),
))
del I

FAMILIES: dict[str, Family] = {f.id: f for f in (EXECUTION, SANGONG, REVENUE, DEBT, ASSETS, AUDIT, PROJECTS, FORECAST)}


def indicator(ref: str) -> Indicator:
    """A definition by "family.id", or by bare id (the first family in registry order that defines it)."""
    fam, _, ind_id = ref.rpartition(".")
    if fam:
        return FAMILIES[fam].get(ind_id)
    for family in FAMILIES.values():
        for ind in family.indicators:
            if ind.id == ind_id:
                return ind
    raise KeyError(ref)


def label(family: str | None, field: str) -> str:
    """The Chinese header of a report column."""
    if family in FAMILIES:
        for ind in FAMILIES[family].indicators:
            if ind.id == field:
                return ind.name
    return FIELD_LABELS.get(field, field)


def unit_of(family: str | None, field: str) -> str:
    """How a column is formatted: a UNITS key for figures, 'text' for everything else."""
    if family in FAMILIES:
        for ind in FAMILIES[family].indicators:
            if ind.id == field:
                return ind.unit
    if family in RECORD_FIELDS:
        return RECORD_UNITS.get(field, "text")
    return "text"


def fields(name: str) -> list[str]:
    """The columns of report NAME (an indicator family or a record export)."""
    if name in FAMILIES:
        return FAMILIES[name].fields
    return list(RECORD_FIELDS[name])
