"""The store a running app reads. Each app keeps its engine on its Flask server, so the callbacks of pages
(declared once, module-level) reach the right store even when one process serves several apps (tests)."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.engine import Engine

_KEY = "BUDGET_STORE_ENGINE"


def attach(server, engine: Engine) -> None:
    server.config[_KEY] = engine


def engine() -> Engine:
    return current_app.config[_KEY]
