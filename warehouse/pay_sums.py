"""Keeping pay_day / pay_month / pay_year when a loader writes or removes a whole file of vouchers (SQLite).

The triggers of revisions 0006/0007 keep the tiers whoever writes PAY, but on SQLite they run once per voucher
(some six index probes each: three quarters of what inserting a voucher costs). A loader instead sets a flag
row in store_meta inside its own transaction (`deferred`) — the triggers stand aside while it is there
(revision 0010) — and adds the file's vouchers to the tiers grouped per class and period (`apply`): a few
statements per file, touching one row per class. The flag is deleted before the block ends and a rollback takes
it away too, so it is never seen outside the transaction and every other writer still meets the triggers.
PostgreSQL's triggers already work once per statement over its transition table: there both are no-ops.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import Connection

from indicators.tables import PAY_CLASS as CLASS
from warehouse.schema import pay

FLAG = "pay_sums.deferred"  # the key the guarded triggers of revision 0010 look for
NULLABLE = tuple(c for c in CLASS if pay.c[c].nullable)  # matched with IS: NULL is a value of the class
TIERS = {"pay_day": ("pay_date", "d.pay_date"), "pay_month": ("month", "date(d.pay_date, 'start of month')"),
         "pay_year": ("year", "date(d.pay_date, 'start of year')")}


@contextmanager
def deferred(conn: Connection):
    """Inside the block (and the caller's transaction) the pay triggers do nothing: call `apply` for every
    voucher written or removed in it."""
    if conn.dialect.name != "sqlite":
        yield
        return
    conn.exec_driver_sql("INSERT INTO store_meta (key, value) VALUES (?, 'loader')", (FLAG,))
    yield
    conn.exec_driver_sql("DELETE FROM store_meta WHERE key = ?", (FLAG,))


def apply(conn: Connection, file_id: int, span: tuple[int, int] | None, sign: int) -> None:
    """Add (sign 1, after inserting) or take out (sign -1, before deleting) the vouchers of one file: those of
    `file_id` with ids in `span` (the file's id range; None: all of the file's, by file_id)."""
    if conn.dialect.name != "sqlite":
        return
    cols = ", ".join(CLASS)
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS pay_sums_delta (pay_date TEXT, {cols}, amount_fen "
                         f"INTEGER, vouchers INTEGER)")
    conn.exec_driver_sql("DELETE FROM temp.pay_sums_delta")
    where, params = ("id BETWEEN ? AND ? AND file_id = ?", (*span, file_id)) if span else ("file_id = ?", (file_id,))
    conn.exec_driver_sql(f"INSERT INTO temp.pay_sums_delta SELECT pay_date, {cols}, {sign} * SUM(amount_fen), "
                         f"{sign} * COUNT(*) FROM pay WHERE {where} GROUP BY pay_date, {cols}", params)
    for tier, (period, expr) in TIERS.items():
        grouped = (f"(SELECT {expr} AS period, {', '.join('d.' + c for c in CLASS)}, SUM(d.amount_fen) AS amount_fen, "
                   f"SUM(d.vouchers) AS vouchers FROM temp.pay_sums_delta d GROUP BY 1, {cols})")
        match = " AND ".join([f"t.{period} = g.period"] + [f"t.{c} = g.{c}" for c in CLASS if c not in NULLABLE]
                             + [f"t.{c} IS g.{c}" for c in NULLABLE])
        conn.exec_driver_sql(f"UPDATE {tier} AS t SET amount_fen = t.amount_fen + g.amount_fen, "
                             f"vouchers = t.vouchers + g.vouchers FROM {grouped} AS g WHERE {match}")
        if sign > 0:
            conn.exec_driver_sql(f"INSERT INTO {tier} ({period}, {cols}, amount_fen, vouchers) SELECT g.period, "
                                 f"{', '.join('g.' + c for c in CLASS)}, g.amount_fen, g.vouchers FROM {grouped} AS g "
                                 f"WHERE NOT EXISTS (SELECT 1 FROM {tier} AS t WHERE {match})")
        else:
            conn.exec_driver_sql(f"DELETE FROM {tier} WHERE rowid IN (SELECT t.rowid FROM {grouped} AS g "
                                 f"JOIN {tier} AS t ON {match} WHERE t.vouchers = 0)")
