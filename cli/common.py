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
    """Turn a store error into a one-line reason and exit code 1 instead of a traceback — also a damaged page
    of the embedded file met by a query (the header and page checks at open cannot see every fault first)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import DatabaseError

        from warehouse.db import sqlite_path
        from warehouse.health import corrupt_message, is_corruption

        try:
            return fn(*args, **kwargs)
        except StoreError as exc:
            raise click.ClickException(str(exc))
        except DatabaseError as exc:
            path = sqlite_path(kwargs.get("db_url"))
            if path is None or not is_corruption(exc):
                raise
            raise click.ClickException(corrupt_message(path, f"SQLite：{getattr(exc, 'orig', exc)}"))
    return wrapper
