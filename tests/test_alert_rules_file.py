"""The alert rules file: defaults per alerts.md, a clerk's overrides, and refusal of a bad file."""
from __future__ import annotations

from decimal import Decimal

import pytest

from alerts.rules import CATEGORIES, SEVERITIES, RulesError, check_rules_file, list_alert_rules, load_rules

SPEC_RULES = ["EXEC_LAG", "SUPPLEMENT_HIGH", "PAY_OVER_QUOTA", "SANGONG_OVER", "SANGONG_YOY", "YEAR_END_SURGE",
              "DEBT_RATIO", "DEBT_LIMIT", "INTEREST_RATIO", "MATURITY_WALL", "DUP_PAY", "SPLIT_PAY", "JUST_BELOW",
              "ROUND_AMOUNT", "OFF_DAY_PAY", "NEW_PAYEE_LARGE", "PAYEE_CONCENTRATION", "BENFORD", "ML_OUTLIER",
              "AUDIT_OVERDUE", "FEED_MISSING", "FEED_REFUSED"]


def write(tmp_path, text):
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_hold_every_rule_of_the_spec_with_its_levels_and_category():
    rules = load_rules()
    assert set(SPEC_RULES) <= set(rules.rules)
    assert set(rules.rules) - set(SPEC_RULES) == {"DUP_SAME_AMOUNT_DATE_DIFF_PAYEE", "DUP_SAME_PAYEE_DATE_DIFF_AMOUNT",
                                                  "DUP_SAME_ACCOUNT_DIFF_NAME"}
    assert all(r.enabled and r.category in CATEGORIES and set(r.levels) <= set(SEVERITIES) for r in rules.enabled())
    lag = rules["EXEC_LAG"]
    assert lag.levels == ("红", "橙", "黄") and lag.category == "合规性" and lag.basis == "预算法实施条例 第57条"
    assert lag.subjects == ("dept", "unit", "project") and lag.param("min_adjusted_budget_yuan") == 100_000_000
    assert rules["DUP_PAY"].levels == ("橙",) and rules["DUP_PAY"].param("window_days") == 30
    assert rules["ROUND_AMOUNT"].levels == ("info",) and rules["PAYEE_CONCENTRATION"].levels == ("info",)
    assert rules["BENFORD"].thresholds["first_two_mad"].firing == Decimal("0.0022")
    assert {r.id for r in rules.enabled() if r.levels == ("info",)} >= {"DUP_SAME_ACCOUNT_DIFF_NAME"}


def test_values_come_in_the_units_the_code_computes_with():
    rules = load_rules()
    assert rules["SPLIT_PAY"].param("procurement_limit_yuan") == 100_000_000  # 分
    assert rules["JUST_BELOW"].param("procurement_limit_yuan") == rules.param("procurement_limit_yuan")
    assert rules["JUST_BELOW"].param("band_pct") == Decimal("0.95")
    assert rules["OFF_DAY_PAY"].thresholds["amount_yuan"].firing == 5_000_000
    assert rules["SUPPLEMENT_HIGH"].thresholds["supplement_rate_pct"].value("橙") == Decimal("0.5")


def test_severity_is_the_most_severe_level_that_holds():
    rules = load_rules()
    lag = rules["EXEC_LAG"]
    assert lag.severity_of(lag_pp=-10) is None  # strictly below −10 fires
    assert lag.severity_of(lag_pp=-10.01) == "黄"
    assert lag.severity_of(lag_pp=-30) == "橙" and lag.severity_of(lag_pp=-30.5) == "红"
    supplement = rules["SUPPLEMENT_HIGH"]
    assert supplement.severity_of(supplement_rate_pct=0.6, supplement_count=3) == "橙"
    assert supplement.severity_of(supplement_rate_pct=0.1, supplement_count=3) == "黄"
    assert rules["DEBT_RATIO"].severity_of(debt_ratio_pct=1.0) == "黄"  # ≥ 100 %
    assert rules["DUP_PAY"].severity_of() == "橙"


def test_a_clerks_file_changes_only_what_it_names(tmp_path):
    path = write(tmp_path, """
params:
  procurement_limit_yuan: 2000000
rules:
  EXEC_LAG:
    thresholds:
      lag_pp: {黄: -15, 橙: -25}     # no more red
  DUP_PAY:
    enabled: false
  OFF_DAY_PAY:
    thresholds:
      amount_yuan: {op: ">=", 黄: 80000, 橙: 1000000.50}
""")
    assert check_rules_file(path) == []
    rules = load_rules(path)
    assert rules["EXEC_LAG"].levels == ("橙", "黄") and rules["EXEC_LAG"].severity_of(lag_pp=-40) == "橙"
    assert rules["EXEC_LAG"].param("start_month") == 4
    assert not rules["DUP_PAY"].enabled and rules["SPLIT_PAY"].enabled
    assert rules["SPLIT_PAY"].param("procurement_limit_yuan") == 200_000_000
    assert rules["OFF_DAY_PAY"].thresholds["amount_yuan"].value("橙") == 100_000_050
    assert rules.source == str(path)


def test_a_bad_file_is_refused_with_every_problem_listed(tmp_path):
    path = write(tmp_path, """
rules:
  EXEC_LAGG: {enabled: true}
  EXEC_LAG:
    category: 合规
    thresholds:
      lag_pp: {op: ">", 黄: -10, 橙: 很多, 红: -5}
  DUP_PAY:
    severity: 紫
    params: {window_days: 7.5, foo: 1}
  SUPPLEMENT_HIGH:
    thresholds:
      supplement_rate_pct: {黄: 20%, orange: 50}
""")
    problems = check_rules_file(path)
    expected = ["未知规则 'EXEC_LAGG'", "category：类别 '合规' 无效", "比较方向 op 不可修改", "“橙”级：不是数值 '很多'",
                "须逐级加严", "severity：级别 '紫' 无效", "未知参数 'foo'", "window_days：须为整数",
                "不是数值 '20%'（百分比直接写数字", "未知级别 'orange'"]
    for text in expected:
        assert sum(text in p for p in problems) == 1, (text, problems)
    assert len(problems) == len(expected)
    rules = load_rules()
    with pytest.raises(RulesError) as refused:
        rules = load_rules(path)
    assert rules.source == "默认规则"  # the caller still holds the rules it had
    assert refused.value.problems == problems and f"有 {len(problems)} 处问题，未生效" in str(refused.value)


def test_unreadable_and_malformed_files(tmp_path):
    assert check_rules_file(tmp_path / "missing.yaml")[0].startswith("无法读取文件")
    assert check_rules_file(write(tmp_path, "rules: [EXEC_LAG\n  enabled: false"))[0].startswith("不是有效的 YAML 格式第 2 行")
    assert check_rules_file(write(tmp_path, "- EXEC_LAG")) == ["文件顶层：应为“键: 值”的映射，实际是 ['EXEC_LAG']"]
    assert check_rules_file(write(tmp_path, "")) == []  # an empty file changes nothing


def test_rules_cannot_gain_subjects_fields_or_shared_parameters(tmp_path):
    problems = check_rules_file(write(tmp_path, """
rules:
  DUP_PAY: {subjects: [voucher_pair, unit], thresholds: {x: {黄: 1}}}
  JUST_BELOW: {shared_params: [], enabled: 1}
"""))
    assert any("预警对象 'unit' 不适用" in p for p in problems)
    assert any("未知字段 'thresholds'" in p for p in problems)
    assert any("shared_params：不可修改" in p for p in problems)
    assert any("enabled：只能是 true 或 false" in p for p in problems)


def test_listing_writes_thresholds_and_parameters_in_chinese():
    rows = {row["rule_id"]: row for row in list_alert_rules(load_rules())}
    assert list(rows)[:3] == ["EXEC_LAG", "SUPPLEMENT_HIGH", "PAY_OVER_QUOTA"]
    lag = rows["EXEC_LAG"]
    assert lag["name"] == "预算执行进度滞后" and lag["subjects"] == "部门、单位、项目" and lag["severity"] == "黄/橙/红"
    assert lag["thresholds"] == "lag_pp < -10 百分点 → 黄，-20 百分点 → 橙，-30 百分点 → 红"
    assert lag["params"] == "min_adjusted_budget_yuan = 1,000,000 元；start_month = 4 月"
    assert rows["SUPPLEMENT_HIGH"]["thresholds"] == "supplement_rate_pct > 20% → 黄，50% → 橙；supplement_count >= 3 个 → 黄"
    assert "procurement_limit_yuan = 1,000,000 元（全局）" in rows["JUST_BELOW"]["params"]
    assert set(lag) == {"rule_id", "name", "enabled", "subjects", "category", "severity", "thresholds", "params",
                        "basis"}
