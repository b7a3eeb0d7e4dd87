"""The committee's rules file: where it is found, what `rules` shows, and a bad edit that never takes effect."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from alerts import in_force
from alerts.in_force import rules_in_force

GOOD = "rules:\n  JUST_BELOW:\n    params:\n      band_pct: 90\n"
BAD = "rules:\n  JUST_BELOW:\n    params:\n      band_pct: 九十\n"


@pytest.fixture
def rules_file(tmp_path, monkeypatch):
    monkeypatch.setattr(in_force, "_last_valid", {})
    monkeypatch.setattr(in_force, "DEFAULT_FILE", tmp_path / "data" / "alert_rules.yaml")
    monkeypatch.delenv(in_force.ENV, raising=False)
    return tmp_path / "data" / "alert_rules.yaml"


def band(rules) -> str:
    return str(rules["JUST_BELOW"].param("band_pct"))


def test_defaults_without_a_file_then_the_data_file_then_the_environment(rules_file, tmp_path, monkeypatch):
    assert rules_in_force().rules.source == "默认规则"
    rules_file.parent.mkdir()
    rules_file.write_text(GOOD, encoding="utf-8")
    assert band(rules_in_force().rules) == "0.9" and rules_in_force().path == rules_file
    other = tmp_path / "elsewhere.yaml"
    other.write_text("rules:\n  JUST_BELOW:\n    params:\n      band_pct: 80\n", encoding="utf-8")
    monkeypatch.setenv(in_force.ENV, str(other))
    assert band(rules_in_force().rules) == "0.8"


def test_a_bad_edit_keeps_the_last_valid_rules_of_the_store(rules_file, store, monkeypatch):
    rules_file.parent.mkdir()
    rules_file.write_text(GOOD, encoding="utf-8")
    assert band(rules_in_force(store).rules) == "0.9"
    rules_file.write_text(BAD, encoding="utf-8")
    monkeypatch.setattr(in_force, "_last_valid", {})  # another process: only the store remembers
    refused = rules_in_force(store)
    assert band(refused.rules) == "0.9" and refused.rules.source == "上次有效的规则文件"
    assert len(refused.problems) == 1 and "不是数值 '九十'" in refused.problems[0]
    assert "未生效；继续使用上次有效的规则文件" in refused.notice()


def test_a_bad_file_with_no_valid_predecessor_leaves_the_defaults(rules_file):
    rules_file.parent.mkdir()
    rules_file.write_text(BAD, encoding="utf-8")
    refused = rules_in_force()
    assert refused.rules.source == "默认规则" and refused.problems


def test_the_rules_command_shows_the_rules_in_force_and_why_an_edit_is_not(rules_file, store):
    from cli import main

    url = str(store.url)
    rules_file.parent.mkdir()
    rules_file.write_text(GOOD, encoding="utf-8")
    out = CliRunner().invoke(main, ["rules", "--db", url])
    assert out.exit_code == 0 and f"预警规则 / alert rules（{rules_file}）" in out.output
    assert "band_pct = 90%" in out.output
    rules_file.write_text(BAD, encoding="utf-8")
    in_force._last_valid.clear()
    out = CliRunner().invoke(main, ["rules", "--db", url, "--format", "json"])
    listed = json.loads(out.output)
    assert listed["alerts_source"] == "上次有效的规则文件" and "不是数值 '九十'" in listed["alerts_problems"][0]
    assert "band_pct = 90%" in next(r["params"] for r in listed["alerts"] if r["rule_id"] == "JUST_BELOW")
    check = CliRunner().invoke(main, ["rules", "--check", str(rules_file)])
    assert check.exit_code == 1
