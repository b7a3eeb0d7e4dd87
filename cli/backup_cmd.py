"""`python app.py backup [--out FILE]` and `python app.py restore FILE`: a consistent copy of the store and back."""
from __future__ import annotations

from pathlib import Path

import click

from cli.common import db_option, fails_cleanly

BACKUP_HELP = """备份数据库：内嵌 SQLite 用在线备份接口，PostgreSQL 用 pg_dump（自定义格式）。驾驶舱、导入运行时也可备份，
得到的是同一时刻的一致副本。默认写到 data/backups/ 下带时间的文件。
Back up the store: SQLite through its online backup API, PostgreSQL with pg_dump (custom format). Safe while the
dashboard and an ingest run: the copy is one consistent moment. Default: a timestamped file under data/backups/.

\b
示例 / example:
  python app.py backup
  python app.py backup --out /var/backups/budget/            # 目录：按时间命名 / folder: timestamped name
  python app.py backup --out /var/backups/budget/today.db
"""

RESTORE_HELP = """用备份文件恢复数据库。先完整检查备份（格式、每一页、数据库结构版本），检查不通过则拒绝，当前数据库不变；
恢复失败时当前数据库也保持原样。较旧的备份恢复后自动升级到当前结构。
Restore the store from a backup file. The backup is checked in full first (format, every page, schema revision)
and refused when it fails, leaving the store untouched; a restore that fails midway leaves it untouched too. An
older backup is migrated to the current schema afterwards.

\b
示例 / example:
  python app.py restore data/backups/budget-20261121-073000.db
"""


@click.command(help=BACKUP_HELP)
@click.option("--out", type=click.Path(path_type=Path),
              help="备份文件或目录（目录中按时间命名；默认 data/backups/）/ backup file, or a folder for a timestamped "
                   "file (default: data/backups/)")
@db_option
@fails_cleanly
def backup(out, db_url):
    from warehouse.backup import backup as run_backup

    click.echo("正在备份… / backing up…", err=True)
    path = run_backup(db_url, out)
    click.echo(f"已备份 / backup written: {path}（{path.stat().st_size / 2**20:,.1f} MB）")


@click.command(help=RESTORE_HELP)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="不再确认，直接覆盖当前数据库 / do not ask before replacing the store")
@db_option
@fails_cleanly
def restore(file, yes, db_url):
    from warehouse.backup import restore as run_restore
    from warehouse.db import resolve_url, safe_url

    url = resolve_url(db_url)
    if not yes:
        click.confirm(f"将用 {file} 覆盖数据库 {safe_url(url)} 的全部内容，确定吗？/ replace the whole store?", abort=True)
    revision = run_restore(url, file)
    click.echo(f"已恢复 / restored {safe_url(url)} from {file}（备份的数据库结构版本 / schema revision {revision}）。"
               f"请重启驾驶舱、定时任务和后台任务进程 / restart serve, schedule and worker")


COMMANDS = [backup, restore]
