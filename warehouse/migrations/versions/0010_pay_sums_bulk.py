"""pay sums in bulk: SQLite's row triggers stand aside while a loader keeps the tiers itself; quota index on pay_year

On SQLite the triggers of 0006/0007 run per voucher, some six index probes each: three quarters of what inserting
a voucher costs. A loader that writes a whole file of vouchers sets a flag row in store_meta inside its own
transaction and adds the file to pay_day / pay_month / pay_year grouped per class instead (warehouse/pay_sums.py).
The insert and delete triggers on pay and every trigger on pay_month get `WHEN NOT EXISTS (flag)`: the flag never
outlives the transaction that set it, so every other writer still meets the triggers. The update trigger on pay
stays as it was (the loader never updates vouchers). PostgreSQL's statement triggers already work per load.

ix_pay_year_quota: what a quota has paid so far is read from pay_year (a few rows per quota) instead of PAY.

Revision ID: 0010
Revises: 0009
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

GUARDED = ("pay_sums_insert", "pay_sums_delete", "pay_year_insert", "pay_year_update", "pay_year_delete")
GUARD = "WHEN NOT EXISTS (SELECT 1 FROM store_meta WHERE key = 'pay_sums.deferred') "
BEGIN = "FOR EACH ROW BEGIN"


def _rewrite(change) -> None:
    bind = op.get_bind()
    names = ", ".join(f"'{n}'" for n in GUARDED)
    triggers = bind.exec_driver_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                    f"AND name IN ({names})").all()
    for name, sql in triggers:
        op.execute(f"DROP TRIGGER {name}")
        op.execute(change(sql))


def upgrade() -> None:
    op.create_index('ix_pay_year_quota', 'pay_year', ['region_code', 'quota_id'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        _rewrite(lambda sql: sql.replace(BEGIN, f"FOR EACH ROW {GUARD}BEGIN", 1))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rewrite(lambda sql: sql.replace(f"FOR EACH ROW {GUARD}BEGIN", BEGIN, 1))
    op.drop_index('ix_pay_year_quota', table_name='pay_year')
