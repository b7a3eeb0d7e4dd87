#!/usr/bin/env bash
# The README's first command: set up, load the demo city on first use, and serve the dashboard.
# The store is the embedded SQLite file data/budget.db unless DATABASE_URL names another. A store in which no
# ingest has completed yet gets the demo deliveries (up to yesterday) generated and ingested first; after
# that, starting again only serves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/bootstrap.sh
py=.venv/bin/python
inbox=data/demo/inbox

completed_runs=$("$py" - <<'PY'
import sys

from sqlalchemy import func, select

from warehouse.db import StoreError, open_store
from warehouse.schema import ingest_run

try:
    with open_store().connect() as conn:
        print(conn.execute(select(func.count()).select_from(ingest_run)
                           .where(ingest_run.c.status == "completed")).scalar())
except StoreError as exc:
    sys.exit(str(exc))
PY
)

if [ "$completed_runs" -eq 0 ]; then
  echo "首次启动：生成并导入演示数据 / first start: generating and ingesting the demo data"
  "$py" app.py demo --inbox "$inbox"
  folders=("$inbox"/[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9])
  [ -d "${folders[0]}" ] || { echo "演示数据未生成 / the demo wrote no delivery folder under $inbox" >&2; exit 1; }
  first=$(basename "${folders[0]}")
  last=$(basename "${folders[-1]}")
  to="${last:0:4}-${last:4:2}-${last:6:2}"
  # Load every date, then compute the history the dashboard shows: indicator snapshots from 1 January of last
  # year (this year vs last year) and alerts for the last 60 days (the 预警中心 of a fresh install).
  "$py" app.py ingest --inbox "$inbox" --from "${first:0:4}-${first:4:2}-${first:6:2}" --to "$to" --no-refresh
  "$py" app.py refresh --only indicators --from "$(( ${last:0:4} - 1 ))-01-01" --to "$to"
  "$py" app.py refresh --only alerts --from "$(date -d "$to - 60 days" +%F)" --to "$to"
fi

# The dashboard needs a login: a store without users gets one demo user of each role, their passwords printed
# this once (python app.py users reset-password NAME prints a new one).
"$py" - <<'PY' || "$py" app.py users demo
import sys

from auth.users import count_users
from warehouse.db import open_store

sys.exit(0 if count_users(open_store()) else 1)
PY

exec "$py" app.py serve --host 127.0.0.1 --port 8050  # prints the URL
