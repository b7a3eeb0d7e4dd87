"""pay_day / pay_month: PAY summed per voucher class and day or month, kept by triggers on pay

The triggers run in the statement that writes pay, so the sums change in the same transaction as the vouchers,
whoever writes them. SQLite: row triggers (update the class's row, else insert it; drop it when its last voucher
goes). PostgreSQL: statement triggers over the transition tables (one grouped update/insert per load).
A class's fund type, codes and project may be NULL, matched as IS NOT DISTINCT FROM (no unique index can do
that on SQLite, which is why the triggers match and insert rather than upsert).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

REQUIRED = ("region_code", "quota_id", "unit_code")  # NOT NULL in pay: matched with =
NULLABLE = ("fund_type", "func_code", "econ_code", "project_code")
CLASS = REQUIRED + NULLABLE
TIERS = {"pay_day": "pay_date", "pay_month": "month"}
MONTH = {"sqlite": "date({}pay_date, 'start of month')", "postgresql": "date_trunc('month', {}pay_date)::date"}


def _period(tier: str, dialect: str, row: str) -> str:
    return f"{row}pay_date" if tier == "pay_day" else MONTH[dialect].format(row)


def _match(tier: str, left: str, right: str, period: str, same: str) -> str:
    """The condition that row `left` of a tier is the class of `right` (`same`: IS or IS NOT DISTINCT FROM)."""
    terms = [f"{left}{TIERS[tier]} = {period}"] + [f"{left}{c} = {right}{c}" for c in REQUIRED]
    return " AND ".join(terms + [f"{left}{c} {same} {right}{c}" for c in NULLABLE])


# SQLite ------------------------------------------------------------------------------------------------------
def _sqlite_apply(tier: str, row: str, sign: str) -> str:
    """Adds (sign +) or removes (sign −) one voucher `row` (NEW. / OLD.) to / from its class's row."""
    period = _period(tier, "sqlite", row)
    match = _match(tier, f"{tier}.", row, period, "IS")
    out = (f"UPDATE {tier} SET amount_fen = amount_fen {sign} {row}amount_fen, vouchers = vouchers {sign} 1 "
           f"WHERE {match};\n")
    if sign == "+":
        out += (f"INSERT INTO {tier} ({TIERS[tier]}, {', '.join(CLASS)}, amount_fen, vouchers) "
                f"SELECT {period}, {', '.join(row + c for c in CLASS)}, {row}amount_fen, 1 "
                f"WHERE NOT EXISTS (SELECT 1 FROM {tier} WHERE {match});\n")
    else:
        out += f"DELETE FROM {tier} WHERE {match} AND vouchers = 0;\n"
    return out


def _sqlite_trigger(event: str, steps: list[tuple[str, str]]) -> str:
    body = "".join(_sqlite_apply(tier, row, sign) for row, sign in steps for tier in TIERS)
    return f"CREATE TRIGGER pay_sums_{event.split()[0].lower()} AFTER {event} ON pay FOR EACH ROW BEGIN\n{body}END"


SQLITE_TRIGGERS = [
    _sqlite_trigger("INSERT", [("NEW.", "+")]),
    _sqlite_trigger("DELETE", [("OLD.", "-")]),
    _sqlite_trigger(f"UPDATE OF pay_date, amount_fen, {', '.join(CLASS)}", [("OLD.", "-"), ("NEW.", "+")]),
]


# PostgreSQL ----------------------------------------------------------------------------------------------------
PG_DELTAS = {  # the rows a statement changed, each with +1 (added) or -1 (removed)
    "insert": "SELECT *, 1 AS sign FROM new_rows",
    "delete": "SELECT *, -1 AS sign FROM old_rows",
    "update": "SELECT *, -1 AS sign FROM old_rows UNION ALL SELECT *, 1 AS sign FROM new_rows",
}
PG_REFERENCING = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                  "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def _pg_apply(tier: str, delta: str) -> str:
    period = _period(tier, "postgresql", "d.")
    keys = ", ".join(CLASS)
    return f"""
    WITH g AS (
        SELECT {period} AS period, {', '.join('d.' + c for c in CLASS)},
               sum(d.sign * d.amount_fen) AS amount_fen, sum(d.sign) AS vouchers
        FROM ({delta}) d GROUP BY 1, {', '.join(str(i + 2) for i in range(len(CLASS)))}
    ), updated AS (
        UPDATE {tier} t SET amount_fen = t.amount_fen + g.amount_fen, vouchers = t.vouchers + g.vouchers
        FROM g WHERE {_match(tier, 't.', 'g.', 'g.period', 'IS NOT DISTINCT FROM')}
        RETURNING t.*
    )
    INSERT INTO {tier} ({TIERS[tier]}, {keys}, amount_fen, vouchers)
    SELECT g.period, {', '.join('g.' + c for c in CLASS)}, g.amount_fen, g.vouchers FROM g
    WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE {_match(tier, 'u.', 'g.', 'g.period', 'IS NOT DISTINCT FROM')});
    DELETE FROM {tier} WHERE vouchers = 0 AND {TIERS[tier]} IN (SELECT {period} FROM ({delta}) d);"""


def _pg_function(event: str) -> str:
    body = "".join(_pg_apply(tier, PG_DELTAS[event]) for tier in TIERS)
    return (f"CREATE FUNCTION pay_sums_{event}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN{body}\n"
            f"    RETURN NULL;\nEND $$")


def _pg_statements() -> list[str]:
    out = []
    for event in PG_DELTAS:
        out.append(_pg_function(event))
        out.append(f"CREATE TRIGGER pay_sums_{event} AFTER {event.upper()} ON pay REFERENCING {PG_REFERENCING[event]} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION pay_sums_{event}()")
    out.append("CREATE FUNCTION pay_sums_truncate() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
               "    TRUNCATE pay_day, pay_month;\n    RETURN NULL;\nEND $$")
    out.append("CREATE TRIGGER pay_sums_truncate AFTER TRUNCATE ON pay FOR EACH STATEMENT "
               "EXECUTE FUNCTION pay_sums_truncate()")
    return out


def _create_table(tier: str) -> None:
    period = TIERS[tier]
    op.create_table(
        tier,
        sa.Column(period, sa.Date(), nullable=False),
        sa.Column('region_code', sa.String(length=16), nullable=False),
        sa.Column('quota_id', sa.Text(), nullable=False),
        sa.Column('unit_code', sa.String(length=16), nullable=False),
        sa.Column('fund_type', sa.String(length=16), nullable=True),
        sa.Column('func_code', sa.String(length=16), nullable=True),
        sa.Column('econ_code', sa.String(length=16), nullable=True),
        sa.Column('project_code', sa.Text(), nullable=True),
        sa.Column('amount_fen', sa.BigInteger(), nullable=False),
        sa.Column('vouchers', sa.Integer(), nullable=False),
    )
    op.create_index(f'ix_{tier}_class', tier, [period, 'region_code', 'quota_id', 'unit_code'], unique=False)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for tier in TIERS:
        _create_table(tier)
        period = _period(tier, dialect, "")
        op.execute(f"INSERT INTO {tier} ({TIERS[tier]}, {', '.join(CLASS)}, amount_fen, vouchers) "
                   f"SELECT {period}, {', '.join(CLASS)}, sum(amount_fen), count(*) FROM pay "
                   f"GROUP BY {period}, {', '.join(CLASS)}")
    for statement in (SQLITE_TRIGGERS if dialect == "sqlite" else _pg_statements()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for event in ("insert", "delete", "update") + (("truncate",) if dialect != "sqlite" else ()):
        op.execute(f"DROP TRIGGER IF EXISTS pay_sums_{event}" + ("" if dialect == "sqlite" else " ON pay"))
        if dialect != "sqlite":
            op.execute(f"DROP FUNCTION IF EXISTS pay_sums_{event}()")
    for tier in TIERS:
        op.drop_index(f'ix_{tier}_class', table_name=tier)
        op.drop_table(tier)
