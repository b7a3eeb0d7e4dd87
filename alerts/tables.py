"""Tables of the alert engine, on the warehouse's one metadata (Alembic revisions 0004, 0013 and 0015).

An alert is one (rule, subject): the same subject firing on later days is the same alert. What fired on which
business date is kept per date (`alert_sighting`), so re-evaluating a date replaces exactly that date's
sightings, and an export as of any date D reads the figures, first_seen and last_seen as they stood on D. The
alert row holds the latest sighting's values for quick listing. Evidence lists are stored once per distinct
content (`alert_evidence`, keyed by its hash) rather than once per day.

Every lifecycle change (and the engine's own creation and reopening) is an `alert_event`: who, when, why, and
`as_of`, the date from which it counts — a person's action counts from the day it was made, the engine's
from the business date it evaluated — so "status as of D" is the latest event with as_of ≤ D.
"""
from sqlalchemy import (JSON, BigInteger, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        PrimaryKeyConstraint, String, Table, Text, UniqueConstraint)

from warehouse.schema import metadata

alert = Table(
    "alert", metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", String(40), nullable=False),
    Column("subject_level", String(16), nullable=False),
    Column("subject_code", Text, nullable=False),
    Column("subject_name", Text),
    Column("region_code", String(16)),
    Column("unit_code", String(16)),
    Column("category", String(8), nullable=False),
    Column("basis", Text, nullable=False),
    # the latest sighting's values
    Column("severity", String(8), nullable=False),
    Column("figure", String(40)),  # exact decimal as exported (元, fraction, 百分点, days, count, index)
    Column("threshold", String(40)),
    Column("unit", String(16)),  # how figure and threshold read (see alerts.findings.UNITS)
    Column("message", Text, nullable=False),
    Column("evidence", JSON, nullable=False),  # list of voucher refs ("region/voucher_no") or row keys
    Column("evidence_hash", String(64), nullable=False),
    Column("first_seen", Date, nullable=False),
    Column("last_seen", Date, nullable=False),
    Column("status", String(8), nullable=False),  # 新 已阅 已交办 已反馈 已办结 已忽略 (latest event)
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("rule_id", "subject_level", "subject_code", name="uq_alert_subject"),
    Index("ix_alert_last_seen", "last_seen"),
    Index("ix_alert_status", "status"),
)

alert_sighting = Table(  # one row per alert and business date it fired on
    "alert_sighting", metadata,
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), nullable=False),
    Column("date", Date, nullable=False),
    Column("severity", String(8), nullable=False),
    Column("figure", String(40)),
    Column("threshold", String(40)),
    Column("unit", String(16)),
    Column("message", Text, nullable=False),
    Column("evidence_hash", String(64), nullable=False),
    PrimaryKeyConstraint("alert_id", "date", name="pk_alert_sighting"),
    Index("ix_alert_sighting_date", "date"),
)

alert_evidence = Table(
    "alert_evidence", metadata,
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), nullable=False),
    Column("evidence_hash", String(64), nullable=False),
    Column("evidence", JSON, nullable=False),
    PrimaryKeyConstraint("alert_id", "evidence_hash", name="pk_alert_evidence"),
)

alert_event = Table(
    "alert_event", metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", ForeignKey("alert.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),  # wall clock
    Column("as_of", Date, nullable=False),  # the date from which the change counts
    Column("who", String(64), nullable=False),  # a person, or "系统" for the engine
    Column("from_status", String(8)),
    Column("to_status", String(8), nullable=False),
    Column("note", Text),  # why: the reason, the department's reply, what was new
    Column("assigned_dept", String(64)),
    Column("deadline", Date),
    Column("severity", String(8)),  # the alert's severity and evidence when the change was made: a closed
    Column("evidence_hash", String(64)),  # alert reopens on evidence or severity beyond these
    Index("ix_alert_event_alert", "alert_id", "as_of", "id"),  # revision 0015: the latest event, one lookup
)

alert_run = Table(  # one row per evaluation of a business date: what ran, what failed
    "alert_run", metadata,
    Column("id", Integer, primary_key=True),
    Column("date", Date, nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("seconds", Float, nullable=False),
    Column("rules_source", Text, nullable=False),
    Column("fired", Integer, nullable=False),
    Column("new_alerts", Integer, nullable=False),
    Column("reopened", Integer, nullable=False),
    Column("skipped", JSON, nullable=False),  # rule id → why it did not run on this date
    Column("errors", JSON, nullable=False),  # rule id → the error it raised
    Index("ix_alert_run_date", "date"),
)

alert_payee = Table(  # each (payee account, name) with its first payment: NEW_PAYEE_LARGE without a PAY index
    "alert_payee", metadata,
    Column("payee_account", Text, nullable=False),
    Column("payee_name", Text, nullable=False),
    Column("first_date", Date, nullable=False),
    Column("region_code", String(16), nullable=False),  # the first voucher
    Column("voucher_no", Text, nullable=False),
    Column("unit_code", String(16), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    PrimaryKeyConstraint("payee_account", "payee_name", name="pk_alert_payee"),
)

alert_ml_month = Table(  # what one month of vouchers adds to the ML models (Alembic revision 0013)
    "alert_ml_month", metadata,
    Column("month", Date, primary_key=True),  # its first day
    Column("computed_at", DateTime, nullable=False),
    Column("vouchers", Integer, nullable=False),
    Column("piece", LargeBinary, nullable=False),  # pickled alerts.ml.Piece
)

alert_model = Table(  # the ML model used for the business dates of one month
    "alert_model", metadata,
    Column("month", Date, primary_key=True),  # first day of the month it scores
    Column("trained_at", DateTime, nullable=False),
    Column("trained_from", Date, nullable=False),
    Column("trained_through", Date, nullable=False),
    Column("vouchers", Integer, nullable=False),
    Column("model", LargeBinary, nullable=False),  # pickled alerts.ml.VoucherModel
)
