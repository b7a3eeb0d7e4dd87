"""The alert rules in force, read from a YAML file a committee clerk can edit (defaults: alerts/rules.yaml).

The shipped file is also the schema. A committee's file may change values, switch rules off, drop severity
levels or subject levels, and may leave out whatever it does not change (the default stays); it may not
invent rule ids, thresholds, parameters or fields, nor flip a comparison, because only what the code reads
has an effect and a silently ignored line would mislead the clerk who wrote it. A file with any problem is
refused whole, with every problem listed in Chinese, so the rules in force stay those before the edit.

Values keep the units the clerk reads (元, %, 百分点 …, named by the key's suffix); `Threshold.value`,
`Rule.param` and `RuleSet.param` give them in the units the code computes with: 分 for _yuan, a fraction
for _pct, int for _days/_count/_month, Decimal otherwise.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

DEFAULT_PATH = Path(__file__).with_name("rules.yaml")

SEVERITIES = ("红", "橙", "黄", "info")  # most severe first
CATEGORIES = ("合法性", "合规性", "合理性", "风险", "数据质量")
SUBJECT_LABELS = {"region": "区划", "bond_type": "债券类型", "dept": "部门", "unit": "单位", "project": "项目",
                  "quota": "指标", "voucher": "凭证", "voucher_pair": "凭证对", "voucher_group": "凭证组",
                  "payee_account": "收款账号", "audit_issue": "审计问题", "report": "报表", "file": "文件"}
UNITS = {"_yuan": "元", "_pct": "%", "_pp": "百分点", "_days": "天", "_count": "个", "_multiple": "倍",
         "_month": "月"}
_INTEGER_SUFFIXES = ("_days", "_count", "_month")
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


class RulesError(ValueError):
    """A rules file that cannot be applied; `problems` lists every reason, in Chinese."""

    def __init__(self, source: str, problems: list[str]):
        self.source, self.problems = source, problems
        super().__init__(f"预警规则文件 {source} 有 {len(problems)} 处问题，未生效：\n"
                         + "\n".join(f"  - {p}" for p in problems))


def unit_of(name: str) -> str:
    return next((label for suffix, label in UNITS.items() if name.endswith(suffix)), "")


def native(name: str, value: Decimal):
    """A value as written in the file, in the units the code computes with (see the module docstring)."""
    if name.endswith("_yuan"):
        return int(value * 100)
    if name.endswith("_pct"):
        return value / 100
    if name.endswith(_INTEGER_SUFFIXES):
        return int(value)
    return value


@dataclass(frozen=True)
class Threshold:
    name: str
    op: str
    levels: dict[str, Decimal]  # severity → value as written, most severe first

    def value(self, severity: str):
        return native(self.name, self.levels[severity])

    @property
    def firing(self):
        """The least severe level's value: where the rule starts to fire."""
        return self.value(list(self.levels)[-1])

    def severity_of(self, figure) -> str | None:
        """The most severe level whose threshold the figure (in code units) passes, or None."""
        compare, levels = OPS[self.op], self._exact
        if not compare(figure, levels[-1][1]):  # most figures pass no level: one comparison
            return None
        return next((s for s, value in levels if compare(figure, value)), None)

    @cached_property
    def _exact(self) -> list[tuple[str, object]]:
        """(severity, value) most severe first, decimals as Fractions (compared with the figures' Fractions and
        integers exactly, and much faster than Decimal with Fraction)."""
        return [(s, Fraction(v) if isinstance(v, Decimal) else v) for s, v in
                ((s, self.value(s)) for s in self.levels)]


@dataclass(frozen=True)
class Rule:
    id: str
    enabled: bool
    name: str
    subjects: tuple[str, ...]
    category: str
    basis: str
    severity: str | None  # rules that fire on a condition rather than graded thresholds
    thresholds: dict[str, Threshold]
    params: dict[str, Decimal]  # its own and the shared ones it uses
    shared: tuple[str, ...] = ()  # which of `params` are the file's global parameters

    def param(self, name: str):
        return native(name, self.params[name])

    def severity_of(self, **figures) -> str | None:
        """The most severe level any of the given figures reaches; a condition rule's own severity."""
        if self.severity:
            return self.severity
        reached = {self.thresholds[name].severity_of(value) for name, value in figures.items()} - {None}
        return next((s for s in SEVERITIES if s in reached), None)

    @property
    def levels(self) -> tuple[str, ...]:
        """The severities this rule can give, most severe first."""
        if self.severity:
            return (self.severity,)
        used = {s for t in self.thresholds.values() for s in t.levels}
        return tuple(s for s in SEVERITIES if s in used)


@dataclass(frozen=True)
class RuleSet:
    rules: dict[str, Rule]
    params: dict[str, Decimal]  # shared by several rules (procurement_limit_yuan)
    source: str

    def __getitem__(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def param(self, name: str):
        return native(name, self.params[name])

    def enabled(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.enabled]


# --- reading and checking --------------------------------------------------------------------------------

def load_rules(path: str | Path | None = None) -> RuleSet:
    """The shipped defaults, or the file at `path` laid over them. Raises RulesError listing every problem;
    the caller keeps the rules it had."""
    default = _default_raw()
    if path is None:
        return _build(default, default, "默认规则")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise RulesError(str(path), [f"无法读取文件：{e.strerror or e}"]) from None
    except UnicodeDecodeError:
        raise RulesError(str(path), ["文件不是 UTF-8 编码"]) from None
    return rules_from_text(text, str(path))


def rules_from_text(text: str, source: str) -> RuleSet:
    """The rules of a file's content (kept in the store as the last good file), laid over the defaults."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        at = f"第 {where.line + 1} 行第 {where.column + 1} 列" if where else ""
        raise RulesError(source, [f"不是有效的 YAML 格式{at}：{getattr(e, 'problem', None) or e}"]) from None
    return _build(raw if raw is not None else {}, _default_raw(), source)


def check_rules_file(path: str | Path) -> list[str]:
    """The problems of a rules file, without applying it (`rules --check FILE`); empty when it is valid."""
    try:
        load_rules(path)
    except RulesError as e:
        return e.problems
    return []


@lru_cache(maxsize=1)
def _default_raw() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _number(value, where: str, problems: list[str]) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        problems.append(f"{where}：不是数值 {value!r}")
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        hint = "（百分比直接写数字，如 20 表示 20%）" if str(value).strip().endswith("%") else ""
        problems.append(f"{where}：不是数值 {value!r}{hint}")
        return None
    if not number.is_finite():
        problems.append(f"{where}：不是有限数值 {value!r}")
        return None
    return number


def _value(name: str, value, where: str, problems: list[str], *, parameter: bool) -> Decimal | None:
    number = _number(value, where, problems)
    if number is None:
        return None
    if name.endswith("_yuan") and number != number.quantize(Decimal("0.01")):
        problems.append(f"{where}：金额最多保留两位小数（到分），实际 {value!r}")
    elif name.endswith(_INTEGER_SUFFIXES) and number != number.to_integral_value():
        problems.append(f"{where}：须为整数，实际 {value!r}")
    elif parameter and number < 0:
        problems.append(f"{where}：不能为负数，实际 {value!r}")
    elif name.endswith("_month") and not 1 <= number <= 12:
        problems.append(f"{where}：月份须在 1–12 之间，实际 {value!r}")
    else:
        return number
    return None


def _mapping(value, where: str, problems: list[str]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}：应为“键: 值”的映射，实际是 {value!r}")
        return {}
    return value


def _unknown(given: dict, known: dict, what: str, where: str, problems: list[str]) -> None:
    for key in given:
        if key not in known:
            problems.append(f"{where.rstrip()}：未知{what} {key!r}（可用：{'、'.join(map(str, known))}）")


def _params(given: dict, default: dict, where: str, problems: list[str]) -> dict[str, Decimal]:
    _unknown(given, default, "参数", where, problems)
    out = {}
    for name in default:
        value = _value(name, given.get(name, default[name]), f"{where}参数 {name}", problems, parameter=True)
        if value is not None:
            out[name] = value
    return out


def _threshold(name: str, given, default: dict, where: str, problems: list[str]) -> Threshold:
    where = f"{where}阈值 {name}"
    given = _mapping(given, where, problems)
    op = given.get("op", default["op"])
    if op != default["op"]:
        problems.append(f"{where}：比较方向 op 不可修改（应为 {default['op']!r}，实际 {op!r}）")
    levels = {k: v for k, v in given.items() if k != "op"}
    for key in levels:
        if key not in SEVERITIES:
            problems.append(f"{where}：未知级别 {key!r}（级别只能是 {'、'.join(SEVERITIES)}）")
    values = {s: _value(name, levels[s], f"{where} 的“{s}”级", problems, parameter=False)
              for s in SEVERITIES if s in levels}
    if not values:
        problems.append(f"{where}：至少要有一个级别的阈值")
    values = {s: v for s, v in values.items() if v is not None}
    ordered = list(values.items())  # most severe first: each must be at least as strict as the next
    stricter = OPS[">="] if default["op"] in (">", ">=") else OPS["<="]
    for (severe, a), (milder, b) in zip(ordered, ordered[1:]):
        if not stricter(a, b):
            problems.append(f"{where}：须逐级加严，“{severe}”级 {a} 应{'不低于' if default['op'] in ('>', '>=') else '不高于'}"
                            f"“{milder}”级 {b}")
    return Threshold(name, default["op"], values)


def _rule(rule_id: str, given, default: dict, shared: dict[str, Decimal], problems: list[str]) -> Rule:
    where = f"规则 {rule_id} "
    given = _mapping(given, f"规则 {rule_id}", problems)
    _unknown(given, default, "字段", where, problems)
    merged = {**default, **given}
    if not isinstance(merged["enabled"], bool):
        problems.append(f"{where}enabled：只能是 true 或 false，实际 {merged['enabled']!r}")
    for key in ("name", "basis"):
        if not isinstance(merged[key], str) or (key == "name" and not merged[key].strip()):
            problems.append(f"{where}{key}：应为{'非空' if key == 'name' else ''}文字，实际 {merged[key]!r}")
    if merged["category"] not in CATEGORIES:
        problems.append(f"{where}category：类别 {merged['category']!r} 无效（只能是 {'、'.join(CATEGORIES)}）")
    subjects = merged["subjects"]
    if not isinstance(subjects, list) or not subjects:
        problems.append(f"{where}subjects：应为非空列表，实际 {subjects!r}")
        subjects = default["subjects"]
    for s in subjects:
        if s not in default["subjects"]:
            problems.append(f"{where}subjects：预警对象 {s!r} 不适用（可用：{'、'.join(default['subjects'])}）")
    if merged.get("shared_params") != default.get("shared_params"):
        problems.append(f"{where}shared_params：不可修改（全局参数请在文件开头的 params 中修改）")
    severity = merged.get("severity")
    if "severity" in default and severity not in SEVERITIES:
        problems.append(f"{where}severity：级别 {severity!r} 无效（只能是 {'、'.join(SEVERITIES)}）")
    thresholds = {}
    if "thresholds" in default:
        given_thresholds = _mapping(given.get("thresholds"), f"{where}thresholds", problems)
        _unknown(given_thresholds, default["thresholds"], "阈值", where, problems)
        for name, spec in default["thresholds"].items():
            thresholds[name] = _threshold(name, given_thresholds.get(name, spec), spec, where, problems)
    params = _params(_mapping(given.get("params"), f"{where}params", problems), default.get("params") or {},
                     where, problems)
    uses = tuple(default.get("shared_params") or ())
    return Rule(id=rule_id, enabled=merged["enabled"], name=str(merged["name"]),
                subjects=tuple(s for s in subjects if s in default["subjects"]), category=merged["category"],
                basis=str(merged["basis"] or ""), severity=severity, thresholds=thresholds,
                params={**params, **{name: shared[name] for name in uses if name in shared}}, shared=uses)


def _build(raw, default: dict, source: str) -> RuleSet:
    problems: list[str] = []
    raw = _mapping(raw, "文件顶层", problems)
    _unknown(raw, {"params": None, "rules": None}, "顶层项", "文件", problems)
    params = _params(_mapping(raw.get("params"), "全局 params", problems), default["params"], "全局", problems)
    given_rules = _mapping(raw.get("rules"), "rules", problems)
    for rule_id in given_rules:
        if rule_id not in default["rules"]:
            problems.append(f"未知规则 {rule_id!r}（规则编号见 python app.py rules）")
    rules = {rule_id: _rule(rule_id, given_rules.get(rule_id, spec), spec, params, problems)
             for rule_id, spec in default["rules"].items()}
    if problems:
        raise RulesError(source, problems)
    return RuleSet(rules=rules, params=params, source=source)


# --- listing -------------------------------------------------------------------------------------------

def _number_text(name: str, value: Decimal) -> str:
    text = f"{value:,}" if name.endswith("_yuan") else f"{value}"
    unit = unit_of(name)
    return text + unit if unit == "%" else f"{text} {unit}".rstrip()


def list_alert_rules(rules: RuleSet) -> list[dict]:
    """One row per rule for the `rules` command and the UI, thresholds and parameters written out in Chinese."""
    rows = []
    for rule in rules.rules.values():
        thresholds = "；".join(
            f"{t.name} {t.op} " + "，".join(f"{_number_text(t.name, v)} → {s}" for s, v in reversed(t.levels.items()))
            for t in rule.thresholds.values())
        params = "；".join(f"{name} = {_number_text(name, value)}{'（全局）' if name in rule.shared else ''}"
                          for name, value in rule.params.items())
        rows.append({"rule_id": rule.id, "name": rule.name, "enabled": rule.enabled,
                     "subjects": "、".join(SUBJECT_LABELS[s] for s in rule.subjects), "category": rule.category,
                     "severity": "/".join(reversed(rule.levels)), "thresholds": thresholds, "params": params,
                     "basis": rule.basis})
    return rows
