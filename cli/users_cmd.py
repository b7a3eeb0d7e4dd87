"""`python app.py users`: accounts of the dashboard — add, list, disable/enable, reset a password, demo users."""
from __future__ import annotations

import getpass
import json
import sys

import click

from cli.common import db_option, fails_cleanly

HELP = """\b
管理驾驶舱用户：新增、列出、停用/启用、重置密码；角色：admin=管理员 member=财经委委员 deputy=人大代表
liaison=部门联络员。密码以 argon2 哈希保存；未给出密码时随机生成并只显示一次。
Manage dashboard users: add, list, disable/enable, reset a password. Roles: admin, member, deputy (scoped to
--region), liaison (of --dept). Passwords are stored as argon2 hashes; a random one is generated and shown
once unless given on standard input (--password-stdin).

\b
示例 / example:
  python app.py users add wang --role deputy --region 419901
  python app.py users add li --role liaison --dept 104
  python app.py users list
  python app.py users disable wang
  python app.py users reset-password wang
"""


def _by() -> str:
    return f"命令行:{getpass.getuser()}"


def _password(from_stdin: bool) -> str | None:
    return sys.stdin.readline().rstrip("\r\n") if from_stdin else None


def _refusals(fn):
    """A refused change (unknown user, weak password …) is one line and exit code 1, not a traceback."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from auth.passwords import PasswordError
        from auth.users import UserError
        try:
            return fn(*args, **kwargs)
        except (UserError, PasswordError) as exc:
            raise click.ClickException(str(exc))
    return wrapper


def _engine(db_url):
    from warehouse.db import open_store
    return open_store(db_url)


def _audit(engine, action: str, target: str, **params) -> None:
    from auth import audit
    audit.record(engine, action, username=_by(), target=target, **params)


@click.group(help=HELP, short_help="管理驾驶舱用户 / manage dashboard users")
def users() -> None:
    pass


stdin_option = click.option("--password-stdin", is_flag=True,
                            help="从标准输入读取密码（否则随机生成）/ read the password from standard input")


@users.command("add", help="新增用户 / add a user")
@click.argument("username")
@click.option("--role", required=True, help="admin|member|deputy|liaison（或 管理员/财经委委员/人大代表/部门联络员）")
@click.option("--region", "regions", multiple=True, help="人大代表的区划（可多次）/ a deputy's region (repeatable)")
@click.option("--dept", help="部门联络员的部门编码 / a liaison's department code")
@stdin_option
@db_option
@fails_cleanly
@_refusals
def add(username, role, regions, dept, password_stdin, db_url):
    from auth import audit
    from auth.users import add_user, role_of

    engine = _engine(db_url)
    password = add_user(engine, username, role, password=_password(password_stdin), regions=regions, dept_code=dept)
    _audit(engine, audit.USER_ADD, username, role_granted=role_of(role), regions=list(regions), dept_code=dept)
    click.echo(f"已新增 / added: {username}")
    if not password_stdin:
        click.echo(f"初始密码（只显示一次）/ password (shown once): {password}")


@users.command("list", help="列出用户 / list users")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@db_option
@fails_cleanly
def list_cmd(fmt, db_url):
    from auth.principal import ROLE_LABELS
    from auth.users import list_users

    found = list_users(_engine(db_url))
    if fmt == "json":
        click.echo(json.dumps([{"username": u["username"], "role": u["role"], "regions": u["regions"],
                                "dept_code": u["dept_code"], "disabled": u["disabled"],
                                "locked_until": u["locked_until"] and u["locked_until"].isoformat(timespec="seconds")}
                               for u in found], ensure_ascii=False, indent=2))
        return
    for u in found:
        grants = ",".join(u["regions"] or []) or (u["dept_code"] or "-")
        state = "停用/disabled" if u["disabled"] else ("锁定/locked" if u["locked_until"] else "正常/active")
        click.echo(f"{u['username']}\t{u['role']}\t{ROLE_LABELS.get(u['role'], '')}\t{grants}\t{state}")
    if not found:
        click.echo("尚无用户 / no users")


@users.command("disable", help="停用用户并结束其会话 / disable a user and end their sessions")
@click.argument("username")
@click.option("--enable", is_flag=True, help="改为重新启用 / enable again instead")
@db_option
@fails_cleanly
@_refusals
def disable(username, enable, db_url):
    from auth import audit
    from auth.users import set_disabled

    engine = _engine(db_url)
    set_disabled(engine, username, not enable)
    _audit(engine, audit.USER_ENABLE if enable else audit.USER_DISABLE, username)
    click.echo(f"{'已启用 / enabled' if enable else '已停用 / disabled'}: {username}")


@users.command("reset-password", help="重置密码（并解除锁定、结束会话）/ reset a password (unlocks, ends sessions)")
@click.argument("username")
@stdin_option
@db_option
@fails_cleanly
@_refusals
def reset(username, password_stdin, db_url):
    from auth import audit
    from auth.users import reset_password

    engine = _engine(db_url)
    password = reset_password(engine, username, _password(password_stdin))
    _audit(engine, audit.PASSWORD_RESET, username)
    click.echo(f"已重置 / reset: {username}")
    if not password_stdin:
        click.echo(f"新密码（只显示一次）/ new password (shown once): {password}")


@users.command("demo", help="为演示创建四种角色各一个用户并显示其密码（已存在的跳过）/ one demo user of each role")
@db_option
@fails_cleanly
def demo(db_url):
    from auth import audit
    from auth.demo import create_demo_users
    from auth.principal import ROLE_LABELS

    engine = _engine(db_url)
    made = create_demo_users(engine)
    if not made:
        click.echo("演示用户已存在 / the demo users exist already")
        return
    click.echo("演示用户（密码只显示这一次）/ demo users (passwords shown this once):")
    for u in made:
        _audit(engine, audit.USER_ADD, u["username"], role_granted=u["role"], regions=u["regions"],
               dept_code=u["dept_code"])
        grants = ",".join(u["regions"]) or u["dept_code"] or ""
        click.echo(f"  {u['username']:<8} {u['password']}  {ROLE_LABELS[u['role']]} {grants}".rstrip())


COMMANDS = [users]
