"""Tables of the indicator layer, on the warehouse's one metadata (Alembic revisions 0002, 0006 and 0007).

indicator_snapshot keeps, per day, the parts of the key figures (the summed amounts every rate is derived
from: integer 分), so a history chart is a read and a day's refresh adds that day's rows to the day before.
Rates are never stored: they are derived on reading by the registry's recipes, like everywhere else.

pay_day, pay_month and pay_year hold PAY summed per voucher class (PAY_CLASS: the columns a voucher is counted
and classified by) and day, month or year. A year of vouchers is millions of rows but only thousands of
classes, so any sum of PAY over a window reads whole years, whole months and a few days of these instead
(indicators.facts.pay_sums). They are kept by triggers (on pay, revision 0006; pay_year on pay_month, 0007) in
the statement that writes the vouchers, whatever writes them — a load, a redelivery's delete, a hand-made row
— so a sum over them is the sum over PAY, exactly. On SQLite the loader adds a whole file per class in the same
transaction instead, the triggers standing aside for it (warehouse/pay_sums.py, revision 0010).
"""
from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, PrimaryKeyConstraint, String, Table, text

from warehouse.schema import bgt, metadata, pay

indicator_snapshot = Table(
    "indicator_snapshot", metadata,
    Column("family", String(16), nullable=False),  # execution | revenue | debt
    Column("level", String(16), nullable=False),  # region | dept | unit
    Column("code", String(32), nullable=False),
    Column("scope", String(8), nullable=False),  # 全辖 | 本级
    Column("breakdown", String(32), nullable=False),  # fund type or bond type; 全部 / 合计; '' = not classified
    Column("indicator", String(48), nullable=False),  # a part id of the family (registry)
    Column("date", Date, nullable=False),
    Column("value", BigInteger, nullable=False),  # 分 (amounts) or a count
    PrimaryKeyConstraint("family", "level", "code", "scope", "breakdown", "indicator", "date",
                         name="pk_indicator_snapshot"),
    Index("ix_indicator_snapshot_date", "date"),
)

indicator_snapshot_day = Table(  # which days are stored, and how they were computed
    "indicator_snapshot_day", metadata,
    Column("date", Date, primary_key=True),
    Column("mode", String(16), nullable=False),  # full | incremental
    Column("computed_at", DateTime, nullable=False),
    Column("rows", Integer, nullable=False),
)

# A voucher's class: its region and quota (where an empty fund type, code or project is looked up), its unit and
# its own fund type, codes and project (nullable: NULL is a value of the class, matched as IS NOT DISTINCT FROM).
PAY_CLASS = ("region_code", "quota_id", "unit_code", "fund_type", "func_code", "econ_code", "project_code")


def _pay_sums(name: str, period: str, *extra) -> Table:
    """One row per (period, class) with vouchers: their Σ amount_fen and their count (a class whose last
    voucher is deleted loses its row, so a class is listed exactly when it has vouchers)."""
    return Table(
        name, metadata,
        Column(period, Date, nullable=False),
        *(Column(c, pay.c[c].type, nullable=pay.c[c].nullable) for c in PAY_CLASS),
        Column("amount_fen", BigInteger, nullable=False),
        Column("vouchers", Integer, nullable=False),
        Index(f"ix_{name}_class", period, "region_code", "quota_id", "unit_code"),
        # the rows a load emptied (normally none): what PostgreSQL's triggers delete after each load (revision 0011)
        Index(f"ix_{name}_empty", period, postgresql_where=text("vouchers = 0"), sqlite_where=text("vouchers = 0")),
        *extra,
    )


pay_day = _pay_sums("pay_day", "pay_date")
pay_month = _pay_sums("pay_month", "month")  # month = its first day
# year = its first day; kept from pay_month (revision 0007). By quota: what a quota has paid so far (ingest checks).
pay_year = _pay_sums("pay_year", "year", Index("ix_pay_year_quota", "region_code", "quota_id"))

# The daily refresh reads one day's quotas by issue date (PAY and INC already have an index on their date).
ix_bgt_issued = Index("ix_bgt_issued", bgt.c.issued_date)
