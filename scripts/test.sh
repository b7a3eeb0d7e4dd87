#!/usr/bin/env bash
# The README's second command: the whole test suite on a fresh machine. It first provides what the tests
# need — the virtualenv, Debian's chromium/chromium-driver/fonts-noto-cjk (browser tests and Chinese
# glyphs in screenshots) and a running PostgreSQL (every test that uses a store runs on it as well as on
# SQLite) — each only when missing, so a re-run goes straight to pytest. Arguments are passed to pytest
# (e.g. `bash scripts/test.sh tests/test_x.py`).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

missing=()
for pkg in chromium chromium-driver fonts-noto-cjk; do
  [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "安装系统软件包 / installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # apt-get update cannot wait for the lists lock by itself, so another apt run on the machine is waited out here.
  for try in $(seq 30); do
    $sudo apt-get update -qq && break
    [ "$try" -lt 30 ] || exit 1
    sleep 5
  done
  $sudo apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "启动 PostgreSQL $version / starting PostgreSQL $version"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 60); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
  done
  pg_isready -q -h 127.0.0.1 || { echo "PostgreSQL 未就绪 / PostgreSQL is not accepting connections" >&2; exit 1; }
fi
if [ -z "${TEST_PG_URL:-}" ] && ! psql -h 127.0.0.1 -U postgres -d test -Atqc '' 2>/dev/null; then
  createdb -h 127.0.0.1 -U postgres test
fi

# Tests run in parallel worker processes (pytest-xdist), a module to a worker so that a module's shared store
# is built once; each worker has its own SQLite files and PostgreSQL schemas. Much of a test's time is spent
# waiting on PostgreSQL, a subprocess or the browser, so there are two workers more than cores (on 2 cores, the
# whole suite on an idle machine: 9 min 24 s with 3 workers, 8 min 38 s with 4).
# Modules go to the workers in the order collected, the long ones first (tests/conftest.py), not reordered by
# their number of tests. TEST_WORKERS=0 runs everything in this process.
workers=${TEST_WORKERS:-$(( $(nproc) + 2 ))}
# pytest's exit code is the verdict; 5 (no tests collected) is non-zero and so fails too.
exec .venv/bin/python -m pytest -q -n "$workers" --dist loadscope --no-loadscope-reorder "$@"
