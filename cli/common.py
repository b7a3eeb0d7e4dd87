"""Options and error handling shared by every command."""
from __future__ import annotations

import datetime as dt
import functools

import click

from warehouse.db import StoreError

db_option = click.option("--db", "db_url", envvar="DATABASE_URL", default=None,
                         help="数据库 URL（默认内嵌 SQLite）/ store URL (default: embedded SQLite)")


def parse_date(_ctx, _param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"日期应为 YYYY-MM-DD：{value} / date must be YYYY-MM-DD")


def fails_cleanly(fn):
    """Turn a store error into a one-line reason and exit code 2 instead of a traceback."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except StoreError as exc:
            raise click.ClickException(str(exc))
    return wrapper
