"""WSGI entry for production servers (gunicorn dashboard.wsgi:server); the store comes from DATABASE_URL."""
import os

from dashboard import create_app

app = create_app(os.environ.get("DATABASE_URL"))
server = app.server
