"""`python app.py worker`: a job runner process for the background queue (briefings, backfills)."""
from __future__ import annotations

import logging
import signal

import click

from cli.common import db_option, fails_cleanly

HELP = """执行后台任务队列中的任务（驾驶舱上点击生成的简报、补算等）。可同时运行多个，每个任务只由一个进程执行；
进程被终止时，其任务由其他进程（或重启后的本进程）重新执行。
Run the background job queue (briefings asked for on the dashboard, backfills). Run as many as you like: each
job is run by one of them, and a job whose process is killed is run again by another (or by this one restarted).

\b
示例 / example:
  python app.py worker
  python app.py worker --once    # 执行完队列中的任务后退出 / run what is queued, then exit
"""


@click.command(help=HELP)
@click.option("--once", is_flag=True, help="执行完队列中的任务后退出 / run the queued jobs, then exit")
@click.option("--poll", default=2.0, show_default=True, type=click.FloatRange(min=0.1),
              help="空闲时查询队列的间隔（秒）/ seconds between looks at an empty queue")
@db_option
@fails_cleanly
def worker(once, poll, db_url):
    from jobs.runner import Runner
    from warehouse.db import open_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    runner = Runner(open_store(db_url), poll=poll)
    if once:
        click.echo(f"已执行任务 / jobs run: {runner.drain()}")
        return
    click.echo(f"后台任务进程 {runner.owner} 已启动（Ctrl+C 退出）/ job runner started (Ctrl+C to stop)", err=True)
    run_until_stopped(runner)


def run_until_stopped(runner) -> None:
    """Run jobs until SIGTERM (systemd stop) or Ctrl+C; either unwinds the job under way, which the runner gives
    back to the queue, so another runner starts it at once instead of after the lease."""
    def terminate(_signum, _frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        pass


COMMANDS = [worker]
