"""`python app.py serve`: the dashboard — gunicorn in production, Dash's development server with --debug."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli.common import db_option, fails_cleanly

ROOT = Path(__file__).resolve().parent.parent
THREADS = 4  # per worker: callbacks mostly wait on the store, so threads keep a worker busy

HELP = """启动驾驶舱。默认使用生产服务器 gunicorn（多进程）；--debug 使用 Dash 开发服务器（自动重载、调试工具）。
每个工作进程同时执行后台任务（如驾驶舱上点击生成的简报）；另有 `worker` 服务执行任务时用 --no-jobs。
Serve the dashboard: the gunicorn production server by default; --debug runs Dash's development server.
Each worker process also runs queued background jobs (e.g. briefings asked for on the dashboard); use --no-jobs
when a separate `worker` service runs them.

\b
示例 / example:
  python app.py serve
  python app.py serve --host 0.0.0.0 --port 8050 --workers 4
  python app.py serve --debug
  python app.py serve --workers 4 --no-jobs   # 任务由 python app.py worker 执行 / jobs run by `worker`
"""


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The production server's command line (its WSGI module reads the store from DATABASE_URL)."""
    return [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--worker-class", "gthread", "--threads", str(THREADS), "--timeout", "120", "--graceful-timeout", "10",
            "--chdir", str(ROOT), "--access-logfile", "-", "--no-control-socket", "dashboard.wsgi:server"]


@click.command(help=HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535), help="端口 / port")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="工作进程数（默认 CPU 核数）/ worker processes (default: CPU cores)")
@click.option("--debug", is_flag=True, help="Dash 开发服务器 / Dash development server")
@click.option("--jobs/--no-jobs", default=True, show_default=True, envvar="BUDGET_SERVE_JOBS",
              help="工作进程同时执行后台任务（环境变量 BUDGET_SERVE_JOBS=0 同 --no-jobs）/ worker processes also run "
                   "background jobs")
@db_option
@fails_cleanly
def serve(host, port, workers, debug, jobs, db_url):
    from jobs.runner import SERVE_ENV
    from warehouse.db import open_store, resolve_url

    url = resolve_url(db_url)
    open_store(url)  # migrate once, before any worker starts; an unreachable or damaged store fails here in one line
    click.echo(f"驾驶舱 / dashboard: http://{host}:{port}/", err=True)
    if debug:
        from dashboard import create_app

        app = create_app(url)
        if jobs:
            from jobs.runner import start_background

            start_background(open_store(url))
        app.run(host=host, port=port, debug=True)
        return
    argv = gunicorn_argv(host, port, workers or os.cpu_count() or 1)
    env = {**os.environ, "DATABASE_URL": url, SERVE_ENV: "1" if jobs else "0"}
    os.execve(argv[0], argv, env)  # gunicorn takes over this process


COMMANDS = [serve]
