"""The data interface standard v1 (shared/spec/interface.md) written as data.

The reader, the validator, the demo writer and the docs all read these definitions, so a column or an
enum value is spelled in exactly one place.
"""
from __future__ import annotations

from dataclasses import dataclass, field

FUND_TYPES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算")


@dataclass(frozen=True)
class Col:
    cn: str  # Chinese header
    field: str  # English field name (also the warehouse column, money columns get a _fen suffix)
    kind: str  # text | code | amount | date | int | enum | rate | quantity
    required: bool = False
    enum: tuple[str, ...] = ()
    digits: tuple[int, ...] = ()  # allowed code lengths; (6, 12) for a range is written as range
    default: str | None = None
    refers: str | None = None  # region | unit | func | econ | bond (a code that must be known)

    @property
    def store_name(self) -> str:
        """Warehouse column: money in integer 分 (`_fen`; ASSET quantities ×100 too), rates in 1e-4 percent."""
        if self.kind in ("amount", "quantity"):
            return f"{self.field}_fen"
        if self.kind == "rate":
            return f"{self.field}_e4"
        return self.field


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()  # fields unique inside one file
    amount: str | None = None  # the ★ column summed by manifest amount_total
    order: int = 2  # load order inside a batch: 0 code tables, 1 budgets/terms, 2 the rest
    table: str = ""
    restated: bool = False  # a later delivery restates (latest business date wins)
    key_repeats: bool = False  # a key may come again in the same file, each row a later state (AUDIT)
    cols: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def key_field(self) -> str:
        """The key column a duplicate key is reported on: the last that names the row (a number or code other
        than the region), else the last."""
        naming = [k for k in self.key if self.cols[k].kind in ("text", "code") and k != "region_code"]
        return (naming or list(self.key))[-1]

    def __post_init__(self):
        object.__setattr__(self, "table", self.name.lower())
        object.__setattr__(self, "cols", {c.field: c for c in self.columns})


def _c(cn, fld, kind="text", req=False, **kw) -> Col:
    return Col(cn, fld, kind, req, **kw)


REGION = _c("区划编码", "region_code", "code", True, digits=(6,), refers="region")
FUND = _c("资金性质", "fund_type", "enum", True, enum=FUND_TYPES)

REPORTS: dict[str, Report] = {
    r.name: r
    for r in (
        Report("DM_REGION", "行政区划", (
            _c("区划编码", "region_code", "code", True, digits=(6,)),
            _c("区划名称", "region_name", req=True),
            _c("上级区划编码", "parent_code", "code", digits=(6,)),
            _c("级次", "level", "enum", True, enum=("省", "市", "县")),
        ), key=("region_code",), order=0),
        Report("DM_UNIT", "预算单位", (
            _c("单位编码", "unit_code", "code", True, digits=tuple(range(6, 13))),
            _c("单位名称", "unit_name", req=True),
            _c("主管部门编码", "dept_code", "code", True),
            _c("主管部门名称", "dept_name", req=True),
            REGION,
            _c("单位类型", "unit_type", "enum", True, enum=("行政单位", "事业单位", "其他")),
            _c("是否启用", "active", "enum", enum=("是", "否"), default="是"),
        ), key=("unit_code",), order=0),
        Report("DM_FUNC", "支出功能分类科目", (
            _c("科目编码", "code", "code", True, digits=(3, 5, 7)),
            _c("科目名称", "name", req=True),
            _c("年度", "year", "int", True),
        ), key=("code", "year"), order=0),
        Report("DM_ECON", "支出经济分类科目", (
            _c("科目编码", "code", "code", True, digits=(3, 5)),
            _c("科目名称", "name", req=True),
            _c("分类", "kind", "enum", True, enum=("部门", "政府")),
            _c("年度", "year", "int", True),
        ), key=("code", "kind", "year"), order=0),
        Report("BGT", "预算指标", (
            _c("指标编号", "quota_id", req=True),
            _c("预算年度", "year", "int", True),
            REGION,
            _c("单位编码", "unit_code", "code", True, refers="unit"),
            _c("功能分类编码", "func_code", "code", digits=(7,), refers="func"),
            _c("部门经济分类编码", "econ_code", "code", digits=(5,), refers="econ"),
            FUND,
            _c("资金来源", "fund_source", "enum", True, enum=("本级财力", "上级转移支付", "债券资金", "上年结转", "其他")),
            _c("指标类型", "kind", "enum", True, enum=("年初预算", "追加", "调减", "结转")),
            _c("原指标编号", "orig_quota_id"),
            _c("支出类型", "exp_type", "enum", True, enum=("基本支出", "项目支出")),
            _c("项目编码", "project_code"),
            _c("项目名称", "project_name"),
            _c("金额", "amount", "amount", True),
            _c("下达日期", "issued_date", "date", True),
            _c("文号", "doc_no"),
        ), key=("region_code", "year", "quota_id"), amount="amount", order=1),
        Report("PAY", "支付凭证", (
            _c("凭证号", "voucher_no", req=True),
            _c("支付日期", "pay_date", "date", True),
            REGION,
            _c("单位编码", "unit_code", "code", True, refers="unit"),
            _c("指标编号", "quota_id", req=True),
            _c("功能分类编码", "func_code", "code", digits=(7,), refers="func"),
            _c("部门经济分类编码", "econ_code", "code", digits=(5,), refers="econ"),
            _c("资金性质", "fund_type", "enum", enum=FUND_TYPES),
            _c("项目编码", "project_code"),
            _c("收款人名称", "payee_name", req=True),
            _c("收款人账号", "payee_account", req=True),
            _c("收款人开户行", "payee_bank"),
            _c("支付金额", "amount", "amount", True),
            _c("原凭证号", "orig_voucher_no"),
            _c("支付方式", "pay_method", "enum", True, enum=("直接支付", "授权支付")),
            _c("用途", "purpose"),
            _c("经办人", "handler"),
        ), key=("region_code", "voucher_no"), amount="amount"),
        Report("INC", "收入日报", (
            _c("入库日期", "date", "date", True),
            REGION,
            _c("收入科目编码", "code", "code", True, digits=(3, 4, 5, 6, 7)),
            FUND,
            _c("征收机关", "collector", "enum", True, enum=("税务", "财政", "其他")),
            _c("金额", "amount", "amount", True),
        ), key=("date", "region_code", "code", "fund_type", "collector"), amount="amount"),
        Report("INC_BGT", "收入预算", (
            _c("预算年度", "year", "int", True),
            REGION,
            _c("收入科目编码", "code", "code", True, digits=(3, 5)),
            FUND,
            _c("预算类型", "kind", "enum", True, enum=("年初预算", "调整预算")),
            _c("金额", "amount", "amount", True),
        ), key=("year", "region_code", "code", "fund_type", "kind"), amount="amount", order=1, restated=True),
        Report("DEBT_BOND", "政府债券", (
            _c("债券编码", "bond_code", req=True),
            _c("债券名称", "bond_name", req=True),
            REGION,
            _c("债券类型", "bond_type", "enum", True, enum=("一般债券", "专项债券")),
            _c("发行类型", "issue_kind", "enum", True, enum=("新增债券", "再融资债券")),
            _c("发行日期", "issue_date", "date", True),
            _c("到期日期", "maturity_date", "date", True),
            _c("票面利率", "coupon_rate", "rate"),
            _c("付息方式", "coupon_freq", "enum", True, enum=("按年付息", "半年付息", "到期一次还本付息")),
            _c("发行金额", "amount", "amount", True),
            _c("项目名称", "project_name"),
        ), key=("bond_code",), amount="amount", order=1),
        Report("DEBT_FLOW", "还本付息", (
            _c("流水号", "flow_id", req=True),
            _c("债券编码", "bond_code", req=True, refers="bond"),
            _c("日期", "date", "date", True),
            _c("类型", "kind", "enum", True, enum=("还本", "付息", "发行费")),
            _c("金额", "amount", "amount", True),
        ), key=("flow_id",), amount="amount"),
        Report("DEBT_LIMIT", "债务限额", (
            _c("年度", "year", "int", True),
            REGION,
            _c("债券类型", "bond_type", "enum", True, enum=("一般债券", "专项债券")),
            _c("限额", "amount", "amount", True),
        ), key=("year", "region_code", "bond_type"), amount="amount", order=1, restated=True),
        Report("FIN_CAP", "综合财力", (
            _c("年度", "year", "int", True),
            REGION,
            _c("项目", "item", "enum", True, enum=("一般公共预算收入", "上级补助收入", "政府性基金收入",
                                                 "国有资本经营收入", "上年结转收入", "调入资金", "其他")),
            _c("金额", "amount", "amount", True),
        ), key=("year", "region_code", "item"), amount="amount", order=1, restated=True),
        Report("ASSET", "国有资产", (
            _c("报告期", "period", "date", True),
            REGION,
            _c("资产类别", "category", "enum", True, enum=("企业国有资产", "金融企业国有资产", "行政事业性国有资产", "国有自然资源")),
            _c("主体编码", "entity_code", req=True),
            _c("主体名称", "entity_name", req=True),
            _c("资产总额", "total_assets", "quantity"),
            _c("负债总额", "total_liabilities", "quantity"),
            _c("所有者权益", "equity", "quantity"),
            _c("营业收入", "revenue", "quantity"),
            _c("利润总额", "profit", "quantity"),
            _c("计量单位", "unit_of_measure", default="元"),
        ), key=("period", "entity_code", "category"), amount="total_assets", restated=True),
        Report("AUDIT", "审计查出问题整改", (
            _c("问题编号", "issue_id", req=True),
            REGION,
            _c("单位编码", "unit_code", "code", refers="unit"),
            _c("问题类别", "category", "enum", enum=("预算管理", "三公经费", "政府采购", "专项资金", "债务管理", "国有资产", "其他")),
            _c("问题描述", "description", req=True),
            _c("涉及金额", "amount", "amount"),
            _c("发现日期", "found_date", "date"),
            _c("整改期限", "deadline", "date"),
            _c("整改状态", "status", "enum", enum=("未整改", "整改中", "已整改")),
            _c("已整改金额", "rectified_amount", "amount"),
            _c("更新日期", "updated_date", "date"),
        ), key=("issue_id",), amount="amount", restated=True, key_repeats=True),
        Report("PROJ", "重大项目", (
            _c("项目编码", "project_code", req=True),
            _c("项目名称", "project_name"),
            REGION,
            _c("单位编码", "unit_code", "code", refers="unit"),
            _c("总投资", "total_investment", "amount"),
            _c("年度计划投资", "annual_plan", "amount"),
            _c("本年完成投资", "ytd_completed", "amount"),
            _c("累计完成投资", "cum_completed", "amount"),
            _c("报告日期", "report_date", "date", True),
        ), key=("project_code", "report_date"), amount="ytd_completed", restated=True),
    )
}

# Where the spec leaves a region column unmarked, it is still the row's key: treat as required.
LOAD_ORDER = sorted(REPORTS, key=lambda n: (REPORTS[n].order, list(REPORTS).index(n)))
CODE_TABLES = ("DM_REGION", "DM_UNIT", "DM_FUNC", "DM_ECON")

SANGONG_CATEGORIES = {  # 三公经费 by 部门经济分类 (indicators.md)
    "因公出国（境）费用": ("30212",),
    "公务接待费": ("30217",),
    "公务用车运行维护费": ("30231",),
    "公务用车购置费": ("30913", "31013"),
}
