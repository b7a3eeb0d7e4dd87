"""Tables of the indicator layer, on the warehouse's one metadata (Alembic revision 0002).

indicator_snapshot keeps, per day, the parts of the key figures (the summed amounts every rate is derived
from: integer 分), so a history chart is a read and a day's refresh adds that day's rows to the day before.
Rates are never stored: they are derived on reading by the registry's recipes, like everywhere else.
"""
from sqlalchemy import BigInteger, Column, Date, DateTime, Index, Integer, PrimaryKeyConstraint, String, Table

from warehouse.schema import bgt, metadata

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

# The daily refresh reads one day's quotas by issue date (PAY and INC already have an index on their date).
ix_bgt_issued = Index("ix_bgt_issued", bgt.c.issued_date)
