"""`python app.py demo`: the demo city's T+1 delivery folders and the ground truth of its planted anomalies."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.common import parse_date
from warehouse.db import DATA_DIR

DEFAULT_INBOX = DATA_DIR / "demo" / "inbox"

HELP = """\b
生成演示城市“示范市”的 T+1 报送目录及埋设异常的真值 ground_truth.csv。
Write the demo city's T+1 delivery folders and ground_truth.csv, the list of the anomalies planted in them.

\b
每个业务日期一个 YYYYMMDD 文件夹：--to（默认昨天）之前三个完整年度加本年；参数相同则文件逐字节相同。
One YYYYMMDD folder per business date: three full past years plus the current year up to --to
(default: yesterday). The same arguments always give byte-identical files.

\b
示例 / example:
  python app.py demo
  python app.py demo --to 2026-06-30 --inbox data/demo/inbox
  python app.py demo --from 2026-01-01 --to 2026-01-31 --scale 0.2
"""


@click.command(help=HELP, short_help="生成演示城市的报送目录与异常真值 / write the demo city's deliveries")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="规模：1 约为每年 10 万张支付凭证 / size: 1 ≈ 100,000 payment vouchers a year")
@click.option("--seed", type=int, default=42, show_default=True, help="随机种子 / random seed")
@click.option("--to", "end", callback=parse_date, help="最后一个业务日期（默认昨天）/ last business date (default: yesterday)")
@click.option("--from", "start", callback=parse_date,
              help="第一个业务日期（默认 --to 之前三年的 1 月 1 日）/ first business date (default: 1 January three years "
                   "before --to)")
@click.option("--inbox", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_INBOX, show_default=True,
              help="输出目录（空目录或以前生成的演示目录）/ output folder (empty, or a previous demo's)")
@click.option("--quiet", is_flag=True, help="不显示进度 / no progress bar")
def demo(scale, seed, end, start, inbox, quiet):
    from demo import DemoError, default_start, write_demo

    end = end or dt.date.today() - dt.timedelta(days=1)
    start = start or default_start(end)
    if start > end:
        raise click.UsageError("--from 晚于 --to / --from is after --to")
    with click.progressbar(length=(end - start).days + 1, label="生成 / generating", show_pos=True, hidden=quiet,
                           file=click.get_text_stream("stderr")) as bar:
        try:
            summary = write_demo(inbox, end, seed=seed, scale=scale, start=start, progress=lambda _day: bar.update(1))
        except DemoError as exc:
            raise click.ClickException(str(exc))
    rows = summary["rows"]
    click.echo(f"完成 / done: {summary['days']} 个业务日期 dates ({summary['from']} … {summary['to']}), "
               f"文件 files {summary['files']}, 支付凭证 vouchers {rows.get('PAY', 0)}, {summary['seconds']}s → {inbox}")
    click.echo("埋设异常 / planted: " + ", ".join(f"{k} {v}" for k, v in summary["planted"].items()))
    if summary["background_hits"]:
        click.echo("背景数据触发 / background hits: " + ", ".join(f"{k} {v}" for k, v in summary["background_hits"].items()))


COMMANDS = [demo]
