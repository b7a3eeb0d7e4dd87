"""`python app.py schedule`: the daily T+1 job in-process, for deployments without cron."""
from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

from cli.common import db_option, fails_cleanly

HELP = """每天在指定时间运行 T+1 任务：导入昨天（及此前漏导）的交付，刷新指标与预警；同时执行后台任务队列（简报、补算）。
Run the daily T+1 job at a set time: ingest yesterday's delivery (and any missed dates), refresh downstream;
also runs the background job queue (briefings, backfills) meanwhile."""


def build_scheduler(job, at: str, blocking: bool = True):
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    hour, minute = (int(x) for x in at.split(":"))
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone="Asia/Shanghai")
    scheduler.add_job(job, CronTrigger(hour=hour, minute=minute, timezone="Asia/Shanghai"), id="t_plus_1",
                      max_instances=1, coalesce=True, misfire_grace_time=3600)
    return scheduler


def _at(_ctx, _param, value: str) -> str:
    try:
        hour, minute = (int(x) for x in value.split(":"))
        assert 0 <= hour < 24 and 0 <= minute < 60
    except (ValueError, AssertionError):
        raise click.BadParameter(f"时间应为 HH:MM：{value} / time must be HH:MM")
    return value


def daily_job(engine, inbox: Path, db_url: str | None):
    """The scheduled run: the day's data first, then every page of the file read (minutes on a province's file:
    after the ingest, so the morning's figures do not wait for it). A store found damaged is checked again before
    the next run, and not written while it stays damaged."""
    from pipeline import run_daily_job
    from warehouse.health import CorruptStoreError, check_pages_of

    damaged = False

    def pages_sound() -> bool:
        nonlocal damaged
        try:
            check_pages_of(db_url)
        except CorruptStoreError as exc:
            click.echo(f"T+1 未运行 / not run: {exc}" if damaged else f"数据库检查未通过 / store check failed: {exc}",
                       err=True)
            damaged = True
            return False
        damaged = False
        return True

    def job():
        if damaged and not pages_sound():
            return
        result = run_daily_job(engine, inbox)
        click.echo(f"T+1 完成 / done: 文件 files {len(result.files)}, 拒收 refused {result.count('refused')}")
        pages_sound()

    return job


@click.command(help=HELP)
@click.option("--at", "at", default="07:30", show_default=True, callback=_at, help="每日运行时间 / daily time (HH:MM, 北京时间)")
@click.option("--inbox", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="交付根目录 / inbox holding YYYYMMDD folders")
@click.option("--run-now", is_flag=True, help="启动时先运行一次 / run once at start")
@db_option
@fails_cleanly
def schedule(at, inbox, run_now, db_url):
    from jobs.runner import start_background
    from warehouse.db import open_store

    engine = open_store(db_url, check=True)
    start_background(engine)  # the queue is served between (and during) the daily runs
    # systemd stops with SIGTERM: exit normally, so the runner gives an unfinished job back (atexit)
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    job = daily_job(engine, inbox, db_url)
    if run_now:
        job()
    click.echo(f"每日 {at} 运行 T+1 任务（Ctrl+C 退出）/ daily T+1 job at {at} (Ctrl+C to stop)")
    build_scheduler(job, at).start()


COMMANDS = [schedule]
