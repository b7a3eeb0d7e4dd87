"""`python app.py rules`: the validation and alert rules in force, and a check of a rules file."""
from __future__ import annotations

from pathlib import Path

import click

from cli.common import db_option

HELP = """列出现行的数据校验规则与预警规则；--check 检查预警规则文件而不启用。
List the validation and alert rules in force; --check FILE checks an alert rules file without applying it.

\b
预警规则文件 / alert rules file: 环境变量 BUDGET_ALERT_RULES 指定的文件，否则 data/alert_rules.yaml（若存在），
否则默认规则。文件有误时不生效，继续使用上次有效的规则。
$BUDGET_ALERT_RULES, else data/alert_rules.yaml when present, else the defaults; a bad file is refused and the
last valid rules stay in force."""


@click.command(help=HELP)
@click.option("--check", "check_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="待检查的预警规则文件 / alert rules file to check")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@db_option
def rules(check_file, fmt, db_url):
    from alerts.in_force import rules_in_force
    from alerts.rules import check_rules_file, list_alert_rules
    from ingest.rules import VALIDATION_RULES

    if check_file:
        problems = check_rules_file(check_file)
        if problems:
            for p in problems:
                click.echo(f"✗ {p}", err=True)
            raise SystemExit(1)
        click.echo(f"✓ {check_file} 校验通过 / is valid")
        return
    in_force = rules_in_force(_store(db_url))
    alert_rules = list_alert_rules(in_force.rules)
    if fmt == "json":
        import json
        click.echo(json.dumps({"validation": VALIDATION_RULES, "alerts": alert_rules,
                               "alerts_source": in_force.rules.source, "alerts_problems": in_force.problems},
                              ensure_ascii=False, indent=1))
        return
    click.echo("数据校验规则 / validation rules")
    for r in VALIDATION_RULES:
        cross = "跨文件" if r["cross_file"] else "单文件"
        click.echo(f"  {r['id']:<26} {r['severity']:<8} {r['reports']:<28} {cross}  {r['message']}")
    click.echo(f"\n预警规则 / alert rules（{in_force.rules.source}）")
    if in_force.problems:
        click.echo(in_force.notice(), err=True)
    for r in alert_rules:
        click.echo("  " + "  ".join(str(v) for v in r.values()))


def _store(db_url):
    """The store whose last valid rules file stays in force when the file is bad (not created just to list)."""
    from warehouse.db import DEFAULT_URL, open_store, resolve_url

    url = resolve_url(db_url)
    if url == DEFAULT_URL and not Path(DEFAULT_URL[len("sqlite:///"):]).exists():
        return None
    return open_store(url)


COMMANDS = [rules]
