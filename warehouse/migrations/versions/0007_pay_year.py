"""pay_year: PAY summed per voucher class and year, kept from pay_month by triggers on pay_month

pay_month changes only through the triggers on pay (revision 0006), so adding each change of a pay_month row to
its class's year keeps pay_year = Σ pay_month = Σ PAY, in the same statement. SQLite: row triggers (a month
row's class never changes: an update moves only its amount and count). PostgreSQL: statement triggers over the
transition tables. NULL class columns are matched as IS NOT DISTINCT FROM, as in 0006.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

REQUIRED = ("region_code", "quota_id", "unit_code")
NULLABLE = ("fund_type", "func_code", "econ_code", "project_code")
CLASS = REQUIRED + NULLABLE
YEAR = {"sqlite": "date({}month, 'start of year')", "postgresql": "date_trunc('year', {}month)::date"}


def _match(left: str, right: str, year: str, same: str) -> str:
    terms = [f"{left}year = {year}"] + [f"{left}{c} = {right}{c}" for c in REQUIRED]
    return " AND ".join(terms + [f"{left}{c} {same} {right}{c}" for c in NULLABLE])


# SQLite ------------------------------------------------------------------------------------------------------
def _sqlite_add(row: str, amount: str, vouchers: str, insert: bool) -> str:
    year = YEAR["sqlite"].format(row)
    match = _match("pay_year.", row, year, "IS")
    out = (f"UPDATE pay_year SET amount_fen = amount_fen + {amount}, vouchers = vouchers + {vouchers} "
           f"WHERE {match};\n")
    if insert:
        out += (f"INSERT INTO pay_year (year, {', '.join(CLASS)}, amount_fen, vouchers) "
                f"SELECT {year}, {', '.join(row + c for c in CLASS)}, {amount}, {vouchers} "
                f"WHERE NOT EXISTS (SELECT 1 FROM pay_year WHERE {match});\n")
    else:
        out += f"DELETE FROM pay_year WHERE {match} AND vouchers = 0;\n"
    return out


SQLITE_TRIGGERS = [
    "CREATE TRIGGER pay_year_insert AFTER INSERT ON pay_month FOR EACH ROW BEGIN\n"
    + _sqlite_add("NEW.", "NEW.amount_fen", "NEW.vouchers", insert=True) + "END",
    "CREATE TRIGGER pay_year_update AFTER UPDATE OF amount_fen, vouchers ON pay_month FOR EACH ROW BEGIN\n"
    + _sqlite_add("NEW.", "NEW.amount_fen - OLD.amount_fen", "NEW.vouchers - OLD.vouchers", insert=False) + "END",
    "CREATE TRIGGER pay_year_delete AFTER DELETE ON pay_month FOR EACH ROW BEGIN\n"
    + _sqlite_add("OLD.", "-OLD.amount_fen", "-OLD.vouchers", insert=False) + "END",
]


# PostgreSQL ----------------------------------------------------------------------------------------------------
PG_DELTAS = {  # each changed month row with its sign
    "insert": "SELECT *, 1 AS sign FROM new_rows",
    "delete": "SELECT *, -1 AS sign FROM old_rows",
    "update": "SELECT *, -1 AS sign FROM old_rows UNION ALL SELECT *, 1 AS sign FROM new_rows",
}
PG_REFERENCING = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                  "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}


def _pg_function(event: str) -> str:
    delta = PG_DELTAS[event]
    year = YEAR["postgresql"].format("d.")
    same = "IS NOT DISTINCT FROM"
    return f"""CREATE FUNCTION pay_year_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH g AS (
        SELECT {year} AS year, {', '.join('d.' + c for c in CLASS)},
               sum(d.sign * d.amount_fen) AS amount_fen, sum(d.sign * d.vouchers) AS vouchers
        FROM ({delta}) d GROUP BY 1, {', '.join(str(i + 2) for i in range(len(CLASS)))}
    ), updated AS (
        UPDATE pay_year t SET amount_fen = t.amount_fen + g.amount_fen, vouchers = t.vouchers + g.vouchers
        FROM g WHERE {_match('t.', 'g.', 'g.year', same)}
        RETURNING t.*
    )
    INSERT INTO pay_year (year, {', '.join(CLASS)}, amount_fen, vouchers)
    SELECT g.year, {', '.join('g.' + c for c in CLASS)}, g.amount_fen, g.vouchers FROM g
    WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE {_match('u.', 'g.', 'g.year', same)});
    DELETE FROM pay_year WHERE vouchers = 0 AND year IN (SELECT {year} FROM ({delta}) d);
    RETURN NULL;
END $$"""


def _pg_statements() -> list[str]:
    out = []
    for event in PG_DELTAS:
        out.append(_pg_function(event))
        out.append(f"CREATE TRIGGER pay_year_{event} AFTER {event.upper()} ON pay_month "
                   f"REFERENCING {PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION pay_year_{event}()")
    out.append("CREATE FUNCTION pay_year_truncate() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"
               "    TRUNCATE pay_year;\n    RETURN NULL;\nEND $$")
    out.append("CREATE TRIGGER pay_year_truncate AFTER TRUNCATE ON pay_month FOR EACH STATEMENT "
               "EXECUTE FUNCTION pay_year_truncate()")
    return out


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        'pay_year',
        sa.Column('year', sa.Date(), nullable=False),
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
    op.create_index('ix_pay_year_class', 'pay_year', ['year', 'region_code', 'quota_id', 'unit_code'], unique=False)
    year = YEAR[dialect].format("")
    op.execute(f"INSERT INTO pay_year (year, {', '.join(CLASS)}, amount_fen, vouchers) "
               f"SELECT {year}, {', '.join(CLASS)}, sum(amount_fen), sum(vouchers) FROM pay_month "
               f"GROUP BY {year}, {', '.join(CLASS)}")
    for statement in (SQLITE_TRIGGERS if dialect == "sqlite" else _pg_statements()):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for event in ("insert", "update", "delete") + (("truncate",) if dialect != "sqlite" else ()):
        op.execute(f"DROP TRIGGER IF EXISTS pay_year_{event}" + ("" if dialect == "sqlite" else " ON pay_month"))
        if dialect != "sqlite":
            op.execute(f"DROP FUNCTION IF EXISTS pay_year_{event}()")
    op.drop_index('ix_pay_year_class', table_name='pay_year')
    op.drop_table('pay_year')
