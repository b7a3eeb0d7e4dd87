"""`python app.py ingest`: load business dates from an inbox (interface.md §4)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from cli.common import db_option, fails_cleanly, parse_date

HELP = """导入指定业务日期的 T+1 交付文件，按日期顺序逐个文件入库（幂等，可重复执行）。
Load the T+1 deliveries of the business dates given, in order, one transaction per file (idempotent).

\b
示例 / example:
  python app.py ingest --inbox data/demo/inbox --date 2026-06-30
  python app.py ingest --inbox data/demo/inbox --from 2026-01-01 --to 2026-06-30
"""


def _dates(date, start, end) -> list[dt.date]:
    if date and (start or end):
        raise click.UsageError("--date 与 --from/--to 不能同时使用 / use --date or --from/--to, not both")
    if date:
        return [date]
    if not (start and end):
        raise click.UsageError("请给出 --date，或同时给出 --from 与 --to / give --date, or both --from and --to")
    if end < start:
        raise click.UsageError("--to 早于 --from / --to is before --from")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@click.command(help=HELP)
@click.option("--inbox", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="交付根目录（其下为 YYYYMMDD 文件夹）/ inbox holding YYYYMMDD folders")
@click.option("--date", "date", callback=parse_date, help="业务日期 YYYY-MM-DD / one business date")
@click.option("--from", "start", callback=parse_date, help="起始业务日期 / first business date")
@click.option("--to", "end", callback=parse_date, help="截止业务日期 / last business date")
@click.option("--quiet", is_flag=True, help="不显示进度 / no progress bar")
@click.option("--no-refresh", is_flag=True, help="只导入，不刷新指标与预警（基准测试用）/ load only, no downstream refresh (benchmarks)")
@db_option
@fails_cleanly
def ingest(inbox, date, start, end, quiet, no_refresh, db_url):
    from ingest.load import ingest_dates
    from pipeline import forget_refresh_due, refresh_after_ingest
    from warehouse.db import open_store

    days = _dates(date, start, end)
    # the header and length only: reading every page would make each day's ingest grow with the whole history;
    # a damaged page the ingest meets stops it (its file's transaction rolls back) with the same message, and
    # `schedule` and `backup` read every page (warehouse.health)
    engine = open_store(db_url)
    folders = [d for d in days if (inbox / f"{d:%Y%m%d}").is_dir()]
    with click.progressbar(length=len(folders), label="导入 / ingest", file=click.get_text_stream("stderr"),
                           show_pos=True, hidden=quiet) as bar:
        seen = set()

        def progress(msg: str):
            day = msg.split(" ", 1)[0]
            if day not in seen:
                seen.add(day)
                bar.update(1)

        result = ingest_dates(engine, inbox, days, progress=progress)
    if no_refresh:
        forget_refresh_due(engine)
    else:
        refresh_after_ingest(engine, result)
    loaded, refused, unchanged = (result.count(s) for s in ("loaded", "refused", "unchanged"))
    rows = sum(f.rows for f in result.files if f.status == "loaded")
    errors = sum(f.errors for f in result.files) + result.batch_findings
    warnings = sum(f.warnings for f in result.files)
    click.echo(f"完成 / done: {len(days)} 个业务日期 dates, 文件 files {len(result.files)} "
               f"(载入 loaded {loaded}, 拒收 refused {refused}, 未变 unchanged {unchanged}), "
               f"行 rows {rows}, 错误 errors {errors}, 警告 warnings {warnings}, {result.seconds:.1f}s")
    if result.missing:
        click.echo("  无交付文件夹 / no delivery folder: " + ", ".join(f"{d:%Y%m%d}" for d in result.missing))
    for f in result.files:
        if f.status == "refused":
            click.echo(f"  拒收 refused: {f.business_date} {f.name} ({f.errors} 个错误 errors)")


COMMANDS = [ingest]
