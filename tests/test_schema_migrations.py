"""The migrations build exactly the schema the code declares (warehouse.models: every module's tables).

The code reads and writes through the SQLAlchemy tables while a store is built by the Alembic revisions; a
revision that forgets a column or index of the declared tables (or the reverse) would pass every test that
happens not to touch it, so the two are compared as Alembic's autogenerate does, on both databases.
"""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from warehouse.models import metadata


def test_a_migrated_store_matches_the_declared_schema(store):
    with store.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_a_declared_index_missing_from_the_store_is_seen(store):
    """The comparison is not blind: an index dropped behind the revisions' back shows up. (Dropped inside a
    transaction rolled back afterwards: the PostgreSQL schema is reused by the tests that follow.)"""
    with store.connect() as conn:
        conn.exec_driver_sql("DROP INDEX ix_pay_amount")
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
        conn.rollback()
    assert [(d[0], d[1].name) for d in differences] == [("add_index", "ix_pay_amount")]
    with store.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
