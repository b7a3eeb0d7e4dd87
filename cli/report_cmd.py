"""`python app.py report NAME --date D …`: the exports of indicators.md § Exports."""
from __future__ import annotations

from pathlib import Path

import click

from cli.common import db_option, fails_cleanly, parse_date
from indicators.export import FORMATS, export
from indicators.registry import FAMILIES, LEVELS
from indicators.reports import NAMES, report_rows
from indicators.scope import ScopeError
from warehouse.db import open_store

HELP = """导出报表 · Export a report as of a date.

\b
NAME: execution 预算执行 · sangong 三公经费 · revenue 收入 · debt 政府债务 · assets 国有资产 ·
      audit 审计整改 · projects 重大项目 · forecast 年末执行率预测 · alerts 预警 · ingest 接收记录 ·
      findings 校验发现
金额单位为元（两位小数），比率为小数（6 位），lag_pp 为百分点（两位）；空值表示无定义。
Amounts in 元 (0.01), rates as fractions (6 places), lag_pp in percentage points (0.01); null = not defined.
"""


@click.command("report", help=HELP)
@click.argument("name", type=click.Choice(NAMES))
@click.option("--date", "day", required=True, callback=parse_date, help="截至日期 YYYY-MM-DD / as-of date")
@click.option("--region", help="区划编码（默认顶级区划，全辖）/ region code (default: the top region)")
@click.option("--level", type=click.Choice(LEVELS),
              help="层级（默认 region）/ level (default region): " + ", ".join(LEVELS))
@click.option("--fund-type", help="资金性质 / fund type (execution, revenue)")
@click.option("--depth", type=int,
              help="功能分类 3/5/7 位（类/款/项），经济分类 3/5 位（类/款），默认 3 / code length at level func, econ")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="输出格式 / output format")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="输出文件（默认标准输出）/ output file (default: stdout)")
@db_option
@fails_cleanly
def report(name, day, region, level, fund_type, depth, fmt, out, db_url):
    if fmt == "xlsx" and out is None:
        raise click.UsageError("xlsx 格式需要 --out 文件 / xlsx needs --out FILE")
    engine = open_store(db_url, create=False)
    try:
        rows = report_rows(engine, name, day, region=region, level=level, fund_type=fund_type, depth=depth)
    except ScopeError as exc:
        raise click.ClickException(str(exc))
    title = FAMILIES[name].name if name in FAMILIES else name
    data = export(name, rows, fmt, title)
    if out is None:
        stream = click.get_binary_stream("stdout")
        stream.write(data)
        stream.flush()
    else:
        out.write_bytes(data)
        click.echo(f"已写出 {len(rows)} 行 → {out} / wrote {len(rows)} rows", err=True)


COMMANDS = [report]
