"""Every table of the store on one metadata: Alembic and tests import this to see the whole schema."""
from warehouse.schema import metadata  # noqa: F401  (report and ingest tables)
import indicators.tables  # noqa: F401,E402  (indicator snapshots)
import alerts.tables  # noqa: F401,E402  (alerts, their history, payees seen, ML models)
import jobs.tables  # noqa: F401,E402  (background jobs)
import auth.tables  # noqa: F401,E402  (users, sessions, login attempts and tokens, audit log)

__all__ = ["metadata"]
