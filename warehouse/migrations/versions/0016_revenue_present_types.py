"""revenue rows list the fund types present as execution does (a budget or spending in the year), and the daily
snapshots keep which those are: the snapshots stored before are dropped, to be recomputed

A day that is not stored is calculated by its readers, and the next refresh computes its first day in full.

Revision ID: 0016
Revises: 0015
"""
from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM indicator_snapshot")
    op.execute("DELETE FROM indicator_snapshot_day")


def downgrade() -> None:
    op.execute("DELETE FROM indicator_snapshot")
    op.execute("DELETE FROM indicator_snapshot_day")
