"""A region the principal may not see answers 403 to whatever request met it (auth.scope.RegionDenied)."""
from __future__ import annotations

from flask import jsonify

from auth.scope import RegionDenied


def register(server) -> None:
    @server.errorhandler(RegionDenied)
    def _denied(exc: RegionDenied):
        return jsonify(error="forbidden", message=str(exc)), 403
