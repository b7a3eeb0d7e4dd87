"""The validation rule catalogue, kept as data like a submission validator's.

Each rule has an id, a severity, the reports it covers ("*" = every report), whether it needs other files or
the store (cross_file), and a Chinese message template filled with {value} (the cell as written in {column}),
{expected}, {column} and {subject} (what the value is judged against: the key, quota, voucher or bond).
Checks in ingest/validate.py raise findings only by rule id, so message and severity live here alone.
"""
from __future__ import annotations

from dataclasses import dataclass

ALL = ("*",)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str  # error | warning | info
    reports: tuple[str, ...]
    cross_file: bool
    message: str


_RULES = (
    # -- the file as a whole
    Rule("FILE_NAME", "error", ALL, False, "文件名不符合规范：应为 <报表>_<6位区划>_<YYYYMMDD>[_NNN].csv|xlsx"),
    Rule("FILE_REPORT_UNKNOWN", "error", ALL, False, "未知的报表名称 {value}，应为接口规范第3节所列报表之一"),
    Rule("FILE_DATE_MISMATCH", "error", ALL, False, "文件名中的日期 {value} 与所在文件夹的业务日期 {expected} 不一致"),
    Rule("FILE_REGION_UNKNOWN", "error", ALL, True, "文件名中的区划编码 {value} 不在行政区划代码表中"),
    Rule("FILE_ENCODING", "error", ALL, False, "文件无法按 UTF-8 或 GB18030 解码（{value}），请以 UTF-8 或 GB18030 编码重新导出"),
    Rule("FILE_PARSE", "error", ALL, False, "文件无法解析：{value}。请检查文件是否损坏或被截断"),
    Rule("FILE_TOO_LARGE", "error", ALL, False, "文件过大（{value}），超过单个文件上限 {expected}，请分拆为 _001、_002… 多个文件"),
    Rule("QUARANTINE_WRITE", "error", ALL, False,
         "拒收文件无法写入隔离区 {expected}（{value}）；文件未载入，请检查该目录的磁盘空间与写权限后重新导入"),
    Rule("FILE_EMPTY", "error", ALL, False, "文件没有表头行（空文件）；当日没有数据时也应交付只含表头的文件"),
    Rule("HEADER_MISSING", "error", ALL, False, "缺少必填列“{expected}”"),
    Rule("HEADER_DUPLICATE", "error", ALL, False, "列名“{value}”重复出现"),
    Rule("ROW_FIELD_COUNT", "error", ALL, False, "该行有 {value} 个字段，与表头的 {expected} 列不一致"),
    Rule("HEADER_EXTRA", "info", ALL, False, "未定义的列“{value}”已忽略"),
    # -- values
    Rule("REQUIRED", "error", ALL, False, "必填项“{column}”为空"),
    Rule("AMOUNT_FORMAT", "error", ALL, False, "“{column}”不是有效金额：{value}"),
    Rule("AMOUNT_DECIMALS", "error", ALL, False, "“{column}”超过两位小数：{value}（金额以元为单位，最多保留到分）"),
    Rule("AMOUNT_SIGN", "error", ALL, False, "“{column}”的值 {value} 不符合要求：应 {expected}"),
    Rule("NUMBER_FORMAT", "error", ALL, False, "“{column}”不是有效数值：{value}（应为 {expected}）"),
    Rule("DATE_FORMAT", "error", ALL, False, "“{column}”不是有效日期：{value}（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYYMMDD）"),
    Rule("ENUM", "error", ALL, False, "“{column}”的值“{value}”不在允许范围内：{expected}"),
    Rule("CELL_PRECISION", "error", ALL, False,
         "“{column}”是数值格式的单元格，{value} 超过 Excel 能保存的 15 位有效数字，末几位已经丢失；请将该列设为文本格式后重新导出"),
    Rule("CODE_FORMAT", "error", ALL, False, "“{column}”编码格式不正确：{value}（应为 {expected}）"),
    Rule("CODE_LEADING_ZERO", "error", ALL, True, "“{column}”编码 {value} 不存在，可能丢失了前导零（应为 {expected}），请将该列设为文本格式后重新导出"),
    Rule("CODE_UNKNOWN", "error", ALL, True, "“{column}”编码 {value} 不在{expected}中"),
    Rule("KEY_DUPLICATE_IN_FILE", "error", ALL, False, "主键 {subject} 在本文件中重复（首次出现于第 {expected} 行）"),
    Rule("KEY_DUPLICATE_STORED", "error", ("BGT", "PAY", "INC", "DEBT_BOND", "DEBT_FLOW"), True,
         "主键 {subject} 已由此前交付的文件 {expected} 载入，不能重复"),
    Rule("DATE_AFTER_BUSINESS_DATE", "error", ("BGT", "PAY"), False, "“{column}” {value} 晚于业务日期 {expected}"),
    # -- report rules
    Rule("REGION_PARENT_UNKNOWN", "warning", ("DM_REGION",), True, "上级区划编码 {value} 不在行政区划代码表中"),
    Rule("FUNC_PARENT_UNKNOWN", "warning", ("DM_FUNC",), True, "科目 {value} 的上级科目 {expected} 不在代码表中"),
    Rule("BGT_YEAR_MISMATCH", "error", ("BGT",), False, "下达日期 {value} 不在预算年度 {expected} 内"),
    Rule("BGT_PROJECT_REQUIRED", "error", ("BGT",), False, "项目支出必须填写“{column}”"),
    Rule("BGT_ORIG_REQUIRED", "error", ("BGT",), False, "调减指标必须填写原指标编号"),
    Rule("BGT_ORIG_UNKNOWN", "error", ("BGT",), True, "原指标编号 {value} 不存在（同一区划、同一年度）"),
    Rule("BGT_ORIG_MISMATCH", "error", ("BGT",), True, "“{column}” {value} 与原指标的 {expected} 不一致"),
    Rule("BGT_REDUCE_BELOW_ZERO", "error", ("BGT",), True, "调减 {value} 元后原指标 {subject} 的调整后金额将为负数（调减前余额 {expected} 元）"),
    Rule("PAY_LATE", "warning", ("PAY",), False, "迟报凭证：支付日期 {value} 早于业务日期 7 天以上"),
    Rule("PAY_QUOTA_UNKNOWN", "error", ("PAY",), True, "指标编号 {value} 不存在（应为已载入或同批次的预算指标，区划 {expected}）"),
    Rule("PAY_QUOTA_MISMATCH", "warning", ("PAY",), True, "“{column}” {value} 与所用指标的 {expected} 不一致"),
    Rule("PAY_REFUND_ORIG_REQUIRED", "error", ("PAY",), False, "负数金额（退款/冲销）必须填写原凭证号"),
    Rule("PAY_REFUND_ORIG_UNKNOWN", "error", ("PAY",), True, "原凭证号 {value} 不存在"),
    Rule("PAY_REFUND_ORIG_UNIT", "error", ("PAY",), True, "原凭证 {value} 属于单位 {expected}，与退款单位不一致"),
    Rule("PAY_REFUND_EXCEEDS", "error", ("PAY",), True, "退款 {value} 元超过原凭证 {subject} 尚可退回的 {expected} 元"),
    Rule("PAY_OVER_QUOTA", "warning", ("PAY",), True, "支付 {value} 元后指标 {subject} 累计支付超过其调整后金额 {expected} 元，余额为负"),
    Rule("DEBT_MATURITY_ORDER", "error", ("DEBT_BOND",), False, "到期日期 {value} 应晚于发行日期 {expected}"),
    Rule("DEBT_BOND_UNKNOWN", "error", ("DEBT_FLOW",), True, "债券编码 {value} 不存在"),
    Rule("DEBT_REPAY_EXCEEDS", "error", ("DEBT_FLOW",), True, "还本 {value} 元超过债券 {subject} 的未偿本金 {expected} 元"),
    Rule("ASSET_PERIOD", "error", ("ASSET",), False, "报告期 {value} 不是季末日期（应为 3/31、6/30、9/30、12/31）"),
    Rule("AUDIT_RECTIFIED_EXCEEDS", "error", ("AUDIT",), False, "已整改金额 {value} 元超过涉及金额 {expected} 元"),
    # -- the manifest
    Rule("MANIFEST_PARSE", "error", ("manifest",), False, "manifest.json 无法解析：{value}"),
    Rule("MANIFEST_DATE", "warning", ("manifest",), False, "manifest.json 的业务日期 {value} 与文件夹日期 {expected} 不一致"),
    Rule("MANIFEST_ROWS", "error", ALL, True, "数据行数 {value} 与 manifest.json 声明的 {expected} 不一致"),
    Rule("MANIFEST_AMOUNT", "error", ALL, True, "金额合计 {value} 与 manifest.json 声明的 {expected} 不一致"),
    Rule("MANIFEST_SHA256", "error", ALL, True, "文件 SHA-256 {value} 与 manifest.json 声明的 {expected} 不一致，文件可能在传输中损坏"),
    Rule("MANIFEST_FILE_MISSING", "error", ("manifest",), True, "manifest.json 列出的文件 {value} 未交付"),
    Rule("MANIFEST_FILE_UNLISTED", "warning", ALL, True, "文件未列入 manifest.json"),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}

VALIDATION_RULES: list[dict] = [
    {"id": r.id, "severity": r.severity, "reports": ",".join(r.reports), "cross_file": r.cross_file,
     "message": r.message} for r in _RULES
]


def message(rule_id: str, **values) -> str:
    fields = {"value": "", "expected": "", "column": "", "subject": ""}
    fields.update({k: "" if v is None else v for k, v in values.items()})
    return RULES[rule_id].message.format(**fields)
