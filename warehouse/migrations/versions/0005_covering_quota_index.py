"""covering index for a quota's paid total

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pay', schema=None) as batch_op:
        batch_op.drop_index('ix_pay_quota')
        batch_op.create_index('ix_pay_quota', ['region_code', 'quota_id', 'amount_fen'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pay', schema=None) as batch_op:
        batch_op.drop_index('ix_pay_quota')
        batch_op.create_index('ix_pay_quota', ['region_code', 'quota_id'], unique=False)
