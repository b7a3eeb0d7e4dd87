"""an index on the vouchers' amount, for voucher lists sorted by amount

The dashboard's voucher lists page by key. Sorted by date, a page walks the date index; sorted by amount, a long
list (a whole region's year: millions of vouchers on a large store) had every row of its window read and sorted
for each page. With this index a page walks the amounts in order from the last key and keeps the list's rows
(dashboard.queries.vouchers decides, from the per-class voucher counts, when the list is long enough for that).

Revision ID: 0012
Revises: 0011
"""
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_pay_amount", "pay", ["amount_fen"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pay_amount", table_name="pay")
