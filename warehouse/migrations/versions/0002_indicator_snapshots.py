"""indicator snapshots: the daily parts of the key figures, and an index for reading one day's quotas

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:10:09.341269
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'indicator_snapshot',
        sa.Column('family', sa.String(length=16), nullable=False),
        sa.Column('level', sa.String(length=16), nullable=False),
        sa.Column('code', sa.String(length=32), nullable=False),
        sa.Column('scope', sa.String(length=8), nullable=False),
        sa.Column('breakdown', sa.String(length=32), nullable=False),
        sa.Column('indicator', sa.String(length=48), nullable=False),
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('family', 'level', 'code', 'scope', 'breakdown', 'indicator', 'date',
                                name='pk_indicator_snapshot'),
    )
    op.create_index('ix_indicator_snapshot_date', 'indicator_snapshot', ['date'])
    op.create_table(
        'indicator_snapshot_day',
        sa.Column('date', sa.Date(), nullable=False),
        sa.Column('mode', sa.String(length=16), nullable=False),
        sa.Column('computed_at', sa.DateTime(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('date'),
    )
    op.create_index('ix_bgt_issued', 'bgt', ['issued_date'])


def downgrade() -> None:
    op.drop_index('ix_bgt_issued', table_name='bgt')
    op.drop_table('indicator_snapshot_day')
    op.drop_index('ix_indicator_snapshot_date', table_name='indicator_snapshot')
    op.drop_table('indicator_snapshot')
