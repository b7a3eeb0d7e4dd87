"""Alembic environment: runs on the connection handed over by warehouse.db.migrate (or a URL for the CLI)."""
from alembic import context
from sqlalchemy import engine_from_config, pool

from warehouse.models import metadata

config = context.config


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is not None:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True, transactional_ddl=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from warehouse.db import resolve_url
    engine = engine_from_config({"sqlalchemy.url": resolve_url(config.get_main_option("sqlalchemy.url"))},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
