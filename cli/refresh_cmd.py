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
@click.option("--queue", "queued", is_flag=True,
              help="加入后台任务队列，由 worker / schedule / serve 执行 / queue it for a job runner instead")
@db_option
@fails_cleanly
def refresh(start, end, only, queued, db_url):
    from pipeline import refresh_range
    from warehouse.db import open_store

    if end < start:
        raise click.UsageError("--to 早于 --from / --to is before --from")
    engine = open_store(db_url)
    if queued:
        from jobs.kinds import REFRESH
        from jobs.queue import enqueue

        job_id = enqueue(engine, REFRESH, {"from": start.isoformat(), "to": end.isoformat(), "only": only})
        click.echo(f"已加入后台任务队列 / queued: job {job_id}")
        return

    def progress(_done, _total, step):
        if step != "完成":
            click.echo(f"{step} / refreshing: {start} … {end}")

    refresh_range(engine, start, end, only, progress=progress)
    click.echo("完成 / done")


COMMANDS = [refresh]
