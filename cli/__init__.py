"""The command line: one click group; each command lives in its own module of this package."""
from __future__ import annotations

from contextlib import contextmanager

import click

HELP = """预算联网监督分析平台 · Budget online-supervision platform

\b
每个命令读取 --db URL 或环境变量 DATABASE_URL 指定的数据库（默认 data/ 下的内嵌 SQLite）。
Every command reads the store named by --db URL or DATABASE_URL (default: the embedded SQLite file under data/).
"""


class UsageLine(click.ClickException):
    """A usage error told in one line, exit code 2 (cli.md: a command that cannot do its job says why in one
    line — not click's usage block)."""
    exit_code = 2


@contextmanager
def _one_line():
    try:
        yield
    except click.UsageError as exc:
        raise UsageLine(exc.format_message()) from exc


class Commands(click.Group):
    def make_context(self, *args, **kwargs):
        with _one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _one_line():
            return super().invoke(ctx)


@click.group(cls=Commands, help=HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
def main() -> None:
    pass


def _register() -> None:
    from cli import (backup_cmd, briefing_cmd, demo_cmd, ingest_cmd, refresh_cmd, report_cmd, rules_cmd, schedule_cmd,
                     serve_cmd, users_cmd, worker_cmd)

    for module in (demo_cmd, ingest_cmd, refresh_cmd, schedule_cmd, rules_cmd, serve_cmd, worker_cmd, report_cmd,
                   briefing_cmd, backup_cmd, users_cmd):
        for cmd in module.COMMANDS:
            main.add_command(cmd)


_register()
