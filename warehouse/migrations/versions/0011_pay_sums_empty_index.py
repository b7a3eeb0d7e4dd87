"""pay sums: a partial index on the emptied rows of pay_day / pay_month / pay_year

After every statement that writes pay, PostgreSQL's triggers (revisions 0006/0007) delete the class rows the
statement emptied: `DELETE FROM pay_day WHERE vouchers = 0 AND pay_date IN (…)`. With no index on `vouchers` the
planner reads the whole tier for it, so each file's load cost grew with the history stored (measured by
bench/scale_bench.py: 0.1 s per file at 1 M vouchers and rising with pay_day's rows). An index on the period of
the rows with `vouchers = 0` is empty in a store at rest, so it costs nothing to keep and makes that delete a
lookup. SQLite's row triggers delete by the class index and never needed it; it is created there too so that
both databases have the same schema.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

TIERS = {"pay_day": "pay_date", "pay_month": "month", "pay_year": "year"}


def upgrade() -> None:
    for tier, period in TIERS.items():
        op.create_index(f"ix_{tier}_empty", tier, [period], unique=False,
                        postgresql_where=sa.text("vouchers = 0"), sqlite_where=sa.text("vouchers = 0"))


def downgrade() -> None:
    for tier in TIERS:
        op.drop_index(f"ix_{tier}_empty", table_name=tier)
