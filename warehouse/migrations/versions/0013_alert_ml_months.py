"""alert_ml_month: what each month of vouchers adds to the ML ranking's models, kept so that a model is the sum
of twelve stored months instead of a fresh read of the year before it

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_ml_month',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.Column('vouchers', sa.Integer(), nullable=False),
    sa.Column('piece', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('month')
    )


def downgrade() -> None:
    op.drop_table('alert_ml_month')
