"""`python app.py users`: add, list, disable/enable, reset-password and the demo users — passwords random
and shown once (or read from standard input), stored as argon2 hashes, every change in the audit log."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from auth import audit
from auth.login import attempt
from auth.settings import Settings
from auth.tables import app_user, audit_log
from cli import main
from warehouse.db import open_store
from warehouse.schema import dm_region, dm_unit


@pytest.fixture
def run(store_url):
    def invoke(*args, stdin: str | None = None):
        return CliRunner().invoke(main, ["users", *args, "--db", store_url], input=stdin)
    return invoke


@pytest.fixture
def engine(store_url):
    return open_store(store_url)


def _password(output: str) -> str:
    return re.search(r"\(shown once\): (\S+)", output).group(1)


def _can_log_in(engine, username: str, password: str) -> bool:
    return attempt(engine, username, password, "127.0.0.1", Settings()).user is not None


def test_add_prints_a_random_password_once_and_stores_only_its_hash(run, engine):
    result = run("add", "wang", "--role", "人大代表", "--region", "419901", "--region", "419902")
    assert result.exit_code == 0, result.output
    password = _password(result.output)
    assert len(password) >= 12 and _can_log_in(engine, "wang", password)
    with engine.connect() as conn:
        row = conn.execute(select(app_user)).mappings().one()
    assert row["role"] == "deputy" and row["regions"] == ["419901", "419902"]
    assert row["password_hash"].startswith("$argon2id$") and password not in row["password_hash"]
    listed = json.loads(run("list", "--format", "json").output)
    assert listed == [{"username": "wang", "role": "deputy", "regions": ["419901", "419902"], "dept_code": None,
                       "disabled": False, "locked_until": None}]
    assert "人大代表" in run("list").output


def test_a_password_from_standard_input_is_used_and_not_printed(run, engine):
    result = run("add", "li", "--role", "liaison", "--dept", "104", "--password-stdin", stdin="Chosen-pass-99\n")
    assert result.exit_code == 0 and "Chosen-pass-99" not in result.output
    assert _can_log_in(engine, "li", "Chosen-pass-99")
    weak = run("reset-password", "li", "--password-stdin", stdin="12345678\n")
    assert weak.exit_code == 1 and "密码至少" in weak.output


@pytest.mark.parametrize("args, message", [
    (["add", "x1", "--role", "deputy"], "至少一个区划"),
    (["add", "x2", "--role", "liaison"], "部门编码"),
    (["add", "x3", "--role", "member", "--region", "419901"], "无需指定区划"),
    (["add", "x4", "--role", "king"], "未知角色"),
    (["add", "x5", "--role", "deputy", "--region", "41990"], "6 位数字"),
    (["disable", "nobody"], "没有用户"),
])
def test_refusals_are_one_chinese_line_and_exit_code_1(run, args, message):
    result = run(*args)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_disable_and_reset_password_take_effect_at_once(run, engine):
    password = _password(run("add", "zhao", "--role", "member").output)
    assert run("add", "zhao", "--role", "member").exit_code == 1  # the name is taken
    assert run("disable", "zhao").exit_code == 0
    assert not _can_log_in(engine, "zhao", password)
    assert run("disable", "zhao", "--enable").exit_code == 0 and _can_log_in(engine, "zhao", password)
    new = _password(run("reset-password", "zhao").output)
    assert new != password and _can_log_in(engine, "zhao", new) and not _can_log_in(engine, "zhao", password)
    with engine.connect() as conn:
        actions = conn.execute(select(audit_log.c.action, audit_log.c.target, audit_log.c.username)
                               .where(audit_log.c.target == "zhao").order_by(audit_log.c.id)).all()
    assert [a for a, _, _ in actions] == [audit.USER_ADD, audit.USER_DISABLE, audit.USER_ENABLE,
                                          audit.PASSWORD_RESET]
    assert all(who.startswith("命令行:") for _, _, who in actions)


def test_demo_creates_one_user_of_each_role_once(run, engine):
    with engine.begin() as conn:
        conn.execute(insert(dm_region), [dict(region_code="419900", region_name="示范市", parent_code=None, level="市"),
                                         dict(region_code="419902", region_name="西城区", parent_code="419900",
                                              level="县")])
        conn.execute(insert(dm_unit), [dict(unit_code=f"10400{i}", unit_name=f"单位{i}", dept_code="104",
                                            dept_name="财政局", region_code="419900", unit_type="行政单位")
                                       for i in range(2)])
    result = run("demo")
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines()[1:]}
    assert set(lines) == {"admin", "member", "deputy", "liaison"}
    assert lines["deputy"][2:] == ["人大代表", "419902"] and lines["liaison"][2:] == ["部门联络员", "104"]
    assert all(_can_log_in(engine, name, line[1]) for name, line in lines.items())
    again = run("demo")
    assert again.exit_code == 0 and "已存在" in again.output and "shown" not in again.output
