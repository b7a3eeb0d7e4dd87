"""the amount index covers the date and region a voucher list tests

A voucher list sorted by amount walks ix_pay_amount (revision 0012) and keeps the rows of its window and regions:
a whole region's year is a fifth of a four-year store, so each page passes some 500 index entries to keep 100.
With only the amount in the index, every one of them was a read of its row in the table (random reads across
a store of gigabytes); with the date and region in the index too, SQLite tests them there and reads the table for
the rows kept only (measured on 18.9 million vouchers, bench/dashboard_bench.py: page p95 245 ms → 66 ms).

Revision ID: 0014
Revises: 0013
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_pay_amount", table_name="pay")
    op.create_index("ix_pay_amount", "pay", ["amount_fen", "pay_date", "region_code"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pay_amount", table_name="pay")
    op.create_index("ix_pay_amount", "pay", ["amount_fen"], unique=False)
