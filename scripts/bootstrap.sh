#!/usr/bin/env bash
# Shared first step of start.sh and test.sh: a project virtualenv in .venv with the pinned requirements.
# pip runs only when requirements*.txt changed since the last install (hash stamp inside .venv), so a
# second start or test run costs nothing here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

python=${PYTHON:-python3}
if ! .venv/bin/python -c '' 2>/dev/null; then
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "需要 Python ≥ 3.11 / Python >= 3.11 required: $("$python" --version 2>&1)" >&2; exit 1; }
  echo "创建虚拟环境 / creating .venv with $("$python" --version 2>&1)"
  rm -rf .venv
  "$python" -m venv .venv
fi

stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "安装依赖 / installing requirements (requirements-dev.txt)…"
  # --no-compile: Python compiles a module the first time it is imported (a few hundred of the ten thousand files
  # the requirements bring), not every file at install — half of pip's minute here
  .venv/bin/python -m pip install -qq --no-compile --disable-pip-version-check -r requirements-dev.txt
  echo "$wanted" > "$stamp"
fi
