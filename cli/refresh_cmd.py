"""`python app.py refresh`: recompute indicator snapshots and alerts for a range of dates (a backfill)."""
from __future__ import annotations

import click

from cli.common import db_option, fails_cleanly, parse_date

HELP = """重新计算指定日期范围的指标快照与预警（补算）。导入命令会自动刷新其涉及的日期，本命令用于补算历史。
Recompute indicator snapshots and alerts for a date range (backfill). `ingest` refreshes what it touches by itself."""


@click.command(help=HELP)
@click.option("--from", "start", required=True, callback=parse_date, help="起始日期 / first date (YYYY-MM-DD)")
@click.option("--to", "end", required=True, callback=parse_date, help="截止日期 / last date (YYYY-MM-DD)")
@click.option("--only", type=click.Choice(["indicators", "alerts"]), help="只刷新一类 / refresh one stage only")
@db_option
@fails_cleanly
def refresh(start, end, only, db_url):
    from pipeline import STAGES
    from warehouse.db import open_store

    if end < start:
        raise click.UsageError("--to 早于 --from / --to is before --from")
    engine = open_store(db_url)
    for name, step in STAGES().items():
        if only in (None, name):
            click.echo(f"刷新 / refreshing {name}: {start} … {end}")
            step(engine, start, end)
    click.echo("完成 / done")


COMMANDS = [refresh]
