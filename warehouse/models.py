"""Every table of the store on one metadata: Alembic and tests import this to see the whole schema."""
from warehouse.schema import metadata  # noqa: F401  (report and ingest tables)

__all__ = ["metadata"]
