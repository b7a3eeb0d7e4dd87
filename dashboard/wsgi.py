"""WSGI entry for production servers (gunicorn dashboard.wsgi:server); the store comes from DATABASE_URL.

Each worker process also runs a job runner (briefings queued from the 简报 page) unless BUDGET_SERVE_JOBS=0,
set by `serve --no-jobs` when a separate `worker` service runs the jobs.
"""
import os

from dashboard import create_app
from jobs.runner import SERVE_ENV, start_background
from warehouse.db import open_store

app = create_app(os.environ.get("DATABASE_URL"))
server = app.server

if os.environ.get(SERVE_ENV, "1") != "0":
    start_background(open_store(os.environ.get("DATABASE_URL")))  # jobs run long: not under the requests' timeout
