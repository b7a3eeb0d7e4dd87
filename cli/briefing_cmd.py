"""`python app.py briefing --quarter 2026Q3 [--region R] --out DIR`: the quarterly briefing as docx and pdf."""
from __future__ import annotations

import warnings
from pathlib import Path

import click

from cli.common import db_option, fails_cleanly

HELP = """写出季度预算执行情况简报（Word 与 PDF）。
Write the quarterly budget-execution briefing (Word and PDF) as of the quarter's last day.

\b
文件名形如 2026Q3_区划编码_标题.docx / .pdf；季度未结束或没有数据时不生成文件。
Files are named 2026Q3_<region>_<title>.docx/.pdf; nothing is written for a quarter not over or without data.
"""


@click.command("briefing", help=HELP)
@click.option("--quarter", required=True, help="季度，如 2026Q3 / quarter, e.g. 2026Q3")
@click.option("--region", help="区划编码（默认顶级区划，全辖）/ region code (default: the top region)")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录 / output folder")
@db_option
@fails_cleanly
def briefing(quarter, region, out_dir, db_url):
    from briefing.quarter import BriefingError
    from briefing.write import STEPS, write_briefing
    from warehouse.db import open_store

    engine = open_store(db_url)
    with click.progressbar(length=len(STEPS), label="简报 / briefing", file=click.get_text_stream("stderr"),
                           item_show_func=lambda step: step) as bar, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        def progress(done: int, step: str):
            bar.update(done - bar.pos, step)

        try:
            paths = write_briefing(engine, quarter, region, out_dir, progress=progress)
        except BriefingError as exc:
            raise click.ClickException(str(exc))
    for w in caught:
        click.echo(f"警告 / warning: {w.message}", err=True)
    for path in paths:
        click.echo(f"已写出 / wrote {path}")


COMMANDS = [briefing]
