"""docs/deployment.md and the example files in deploy/ stay true to the code: every command a unit file or the
guide runs exists and takes the options given, systemd accepts the unit files (systemd-analyze verify, paths
pointed at this checkout), every setting in budget.env is read by the code, nginx proxies to the port the
serve unit listens on, and the guide marks what is tested here and what is not."""
from __future__ import annotations

import functools
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from cli.serve_cmd import gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
GUIDE = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
APP_ROOT = "/opt/budget"  # where the guide installs the app


def exec_lines(unit: Path) -> list[str]:
    return [line.split("=", 1)[1] for line in unit.read_text(encoding="utf-8").splitlines()
            if re.match(r"ExecStart(Pre|Post)?=", line)]


def app_invocations(text: str) -> list[list[str]]:
    """Every `app.py COMMAND …` in `text`, as argument lists after app.py (up to a shell operator or comment)."""
    found = []
    for match in re.finditer(r"app\.py ([^\n`|&;#>]+)", text):
        found.append(shlex.split(match.group(1)))
    return found


def help_of(argv: list[str]) -> subprocess.CompletedProcess:
    """`python app.py CMD [SUBCMD] --help`, run for real (once per command)."""
    command = [argv[0]] + ([argv[1]] if argv[0] == "users" and len(argv) > 1 and not argv[1].startswith("-") else [])
    return _help(tuple(command))


@functools.cache
def _help(command: tuple[str, ...]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "app.py", *command, "--help"], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"], ids=lambda u: u.name)
def test_each_unit_runs_a_command_that_exists_with_options_it_takes(unit):
    runs = [argv for line in exec_lines(unit) for argv in app_invocations(line)]
    assert runs, f"{unit.name} runs no app.py command"
    for argv in runs:
        shown = help_of(argv)
        assert shown.returncode == 0, shown.stderr
        for option in (a.split("=")[0] for a in argv if a.startswith("--")):
            assert option in shown.stdout, f"{unit.name}: {argv[0]} has no option {option}"


def test_every_command_the_guide_runs_exists():
    runs = app_invocations(GUIDE)
    assert {argv[0] for argv in runs} >= {"serve", "worker", "schedule", "backup", "restore"}
    for argv in runs:
        shown = help_of(argv)
        assert shown.returncode == 0, (argv, shown.stderr)
        for option in (a.split("=")[0] for a in argv if a.startswith("--")):
            assert option in shown.stdout, f"{argv[0]} has no option {option}"


def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify on copies pointed at this checkout and user (the guide's /opt/budget and the
    budget user do not exist here)."""
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace(APP_ROOT, str(ROOT))
        text = text.replace("/etc/budget/budget.env", str(DEPLOY / "budget.env"))
        text = re.sub(r"^(User|Group)=budget$", r"\1=root", text, flags=re.M)
        name = unit.name.replace("@.", "@1.")
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(p) for p in sorted(tmp_path.iterdir())]
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *paths], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
    timer = (DEPLOY / "budget-backup.timer").read_text(encoding="utf-8")
    assert "OnCalendar=" in timer and (DEPLOY / "budget-backup.service").exists()


def test_every_setting_in_the_env_file_is_read_by_the_code():
    names = re.findall(r"^([A-Z_]+)=", (DEPLOY / "budget.env").read_text(encoding="utf-8"), flags=re.M)
    assert "DATABASE_URL" in names
    code = "\n".join(p.read_text(encoding="utf-8") for p in ROOT.glob("*/*.py") if ".venv" not in p.parts
                     and p.parts[-2] not in ("tests", "bench", "scripts"))
    unread = [n for n in names if f'"{n}"' not in code]
    assert not unread, f"budget.env sets what no code reads: {unread}"


def test_nginx_proxies_to_the_serve_unit_and_sets_what_the_app_trusts():
    nginx = (DEPLOY / "nginx-budget.conf").read_text(encoding="utf-8")
    serve = " ".join(exec_lines(DEPLOY / "budget-serve.service"))
    port = re.search(r"--port (\d+)", serve).group(1)
    assert re.search(rf"server 127\.0\.0\.1:{port};", nginx)
    for needed in ("ssl_certificate ", "gzip on", "client_max_body_size", "X-Forwarded-For", "X-Forwarded-Proto",
                   "X-Forwarded-Host", "expires"):
        assert needed in nginx, needed
    timeout = int(re.search(r"--timeout (\d+)", " ".join(gunicorn_argv("h", 1, 1))).group(1))
    assert int(re.search(r"proxy_read_timeout (\d+)s", nginx).group(1)) > timeout


def test_the_guide_is_bilingual_links_its_files_and_marks_what_is_tested():
    assert "## 中文" in GUIDE and "## English" in GUIDE
    for name in [u.name for u in UNITS] + ["nginx-budget.conf", "budget.env", "budget-pgdump.cron"]:
        assert f"deploy/{name}" in GUIDE, f"the guide does not mention deploy/{name}"
    assert (DEPLOY / "budget-pgdump.cron").exists()
    for marker in ("【已测试】", "【未测试】", "[tested here]", "[not tested here]"):
        assert marker in GUIDE, marker
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/deployment.md" in readme
