"""The one warehouse schema every part of the system reads and writes.

Report tables are derived from the data standard (ingest/standard.py) so a column exists in one place.
Money is integer 分 (columns ending in `_fen`); every loaded row carries the file it came from
(`file_id`, `line_no`) and that file's business date.
"""
from __future__ import annotations

from sqlalchemy import (BigInteger, Column, text, Date, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text, UniqueConstraint)

from ingest.standard import REPORTS

metadata = MetaData()

_TYPES = {"text": Text, "code": String(16), "enum": String(16), "date": Date, "int": Integer,
          "amount": BigInteger, "quantity": BigInteger, "rate": Integer}

ingest_run = Table(
    "ingest_run", metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("inbox", Text, nullable=False),
    Column("date_from", Date, nullable=False),
    Column("date_to", Date, nullable=False),
    Column("status", String(16), nullable=False),  # running | completed | failed
    Column("run_by", String(64), nullable=False),
    Column("files", Integer, nullable=False, default=0),
    Column("rows", BigInteger, nullable=False, default=0),
    Column("amount_total_fen", BigInteger, nullable=False, default=0),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("duration_s", Integer),
)

ingest_file = Table(
    "ingest_file", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("ingest_run.id"), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("name", String(128), nullable=False),
    Column("report", String(16)),
    Column("region_code", String(16)),
    Column("sha256", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # loaded | refused | superseded | unchanged
    Column("rows", Integer, nullable=False, default=0),
    Column("amount_total_fen", BigInteger),
    Column("errors", Integer, nullable=False, default=0),
    Column("warnings", Integer, nullable=False, default=0),
    Column("recorded_at", DateTime, nullable=False),
    Column("quarantine_path", Text),
    Column("superseded_by", Integer),
    # The surrogate ids of the rows this file loaded: its rows are found by primary-key range (and file_id),
    # so the large report tables need no index on file_id.
    Column("row_id_first", BigInteger),
    Column("row_id_last", BigInteger),
    Index("ix_ingest_file_date_name", "business_date", "name"),
)

finding = Table(
    "finding", metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("ingest_run.id"), nullable=False),
    Column("file_id", ForeignKey("ingest_file.id")),  # null for batch findings (manifest.json)
    Column("business_date", Date, nullable=False),
    Column("file", String(128), nullable=False),
    Column("rule_id", String(32), nullable=False),
    Column("severity", String(8), nullable=False),
    Column("line", Integer),
    Column("column", String(64)),
    Column("value", Text),
    Column("expected", Text),
    Column("message", Text, nullable=False),
    Index("ix_finding_date", "business_date"),
    Index("ix_finding_file", "file_id"),
)

file_change = Table(  # what a redelivery changed
    "file_change", metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", ForeignKey("ingest_file.id"), nullable=False),
    Column("previous_file_id", ForeignKey("ingest_file.id"), nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", DateTime, nullable=False),
    Column("rows_added", Integer, nullable=False),
    Column("rows_removed", Integer, nullable=False),
    Column("rows_changed", Integer, nullable=False),
    Column("detail", Text),  # JSON: keys added / removed / changed
)


def _report_table(name: str, *extra) -> Table:
    rep = REPORTS[name]
    cols = [Column(c.store_name, _TYPES[c.kind], nullable=not c.required) for c in rep.columns]
    return Table(
        rep.table, metadata,
        Column("id", Integer, primary_key=True),
        *cols,
        Column("file_id", ForeignKey("ingest_file.id")),  # null: shipped default (DM_FUNC / DM_ECON)
        Column("line_no", Integer),
        Column("business_date", Date),
        *extra,
    )


dm_region = _report_table("DM_REGION", UniqueConstraint("region_code", name="uq_dm_region"))
dm_unit = _report_table("DM_UNIT", UniqueConstraint("unit_code", name="uq_dm_unit"), Index("ix_dm_unit_dept", "dept_code"))
dm_func = _report_table("DM_FUNC", UniqueConstraint("code", "year", name="uq_dm_func"))
dm_econ = _report_table("DM_ECON", UniqueConstraint("code", "kind", "year", name="uq_dm_econ"))
bgt = _report_table(
    "BGT",
    UniqueConstraint("region_code", "year", "quota_id", name="uq_bgt_quota"),
    Index("ix_bgt_orig", "region_code", "year", "orig_quota_id"),
    Index("ix_bgt_unit", "unit_code", "year"),
    Index("ix_bgt_file", "file_id"),
)
pay = _report_table(
    "PAY",
    UniqueConstraint("region_code", "voucher_no", name="uq_pay_voucher"),
    Index("ix_pay_date", "pay_date"),
    Index("ix_pay_unit_date", "unit_code", "pay_date"),
    Index("ix_pay_quota", "region_code", "quota_id", "amount_fen"),  # covering: a quota's paid total from the index alone
    # voucher lists sorted by amount walk it, testing the date and region in the index (migrations 0012, 0014)
    Index("ix_pay_amount", "amount_fen", "pay_date", "region_code"),
    Index("ix_pay_refund", "region_code", "orig_voucher_no", sqlite_where=text("amount_fen < 0"),
          postgresql_where=text("amount_fen < 0")),
)
inc = _report_table(
    "INC",
    UniqueConstraint("date", "region_code", "code", "fund_type", "collector", name="uq_inc_key"),
    Index("ix_inc_file", "file_id"),
)
inc_bgt = _report_table("INC_BGT", Index("ix_inc_bgt_key", "year", "region_code"), Index("ix_inc_bgt_file", "file_id"))
debt_bond = _report_table("DEBT_BOND", UniqueConstraint("bond_code", name="uq_debt_bond"), Index("ix_debt_bond_file", "file_id"))
debt_flow = _report_table(
    "DEBT_FLOW", UniqueConstraint("flow_id", name="uq_debt_flow"), Index("ix_debt_flow_bond", "bond_code", "date"),
    Index("ix_debt_flow_file", "file_id"))
debt_limit = _report_table("DEBT_LIMIT", Index("ix_debt_limit_key", "year", "region_code"), Index("ix_debt_limit_file", "file_id"))
fin_cap = _report_table("FIN_CAP", Index("ix_fin_cap_key", "year", "region_code"), Index("ix_fin_cap_file", "file_id"))
asset = _report_table("ASSET", Index("ix_asset_period", "period", "region_code"), Index("ix_asset_file", "file_id"))
audit = _report_table("AUDIT", Index("ix_audit_issue", "issue_id", "business_date"), Index("ix_audit_file", "file_id"))
proj = _report_table("PROJ", Index("ix_proj_key", "project_code", "report_date"), Index("ix_proj_file", "file_id"))

REPORT_TABLES: dict[str, Table] = {name: metadata.tables[rep.table] for name, rep in REPORTS.items()}

# Store-level bookkeeping shared by later stages (indicators snapshots, alerts) lives in their own modules'
# tables on this same metadata, so one Alembic history covers the whole store.
store_meta = Table(
    "store_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
