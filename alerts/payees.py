"""The payees seen so far: each (account, name) with the date and voucher of its first payment.

NEW_PAYEE_LARGE asks whether a voucher is the first payment to its account anywhere in the store, and
DUP_SAME_ACCOUNT_DIFF_NAME whether an account now goes by a second name. Both would need an index on
pay.payee_account, which the largest table deliberately does not have; instead each evaluated day adds its
vouchers here (looked up by the primary key), and a day evaluated again moves a first date earlier, never
later. The first evaluation of a store that already holds history seeds the table from it once; a backfill
first forgets the first payments inside its span, then its days add them back.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import bindparam, delete, func, insert, select, update

from alerts.tables import alert_payee as payee
from alerts.vouchers import frame_of
from warehouse.schema import pay

_CHUNK = 500


def first_payments(day_vouchers: pd.DataFrame, per_day: bool = False) -> pd.DataFrame:
    """Per (account, stripped name) the day's first voucher (lowest ref): the candidate first payments;
    per_day: of each day of a frame of several (sorted by day)."""
    v = day_vouchers.assign(payee_name=day_vouchers["payee_name"].astype(str).str.strip())
    keys = ["payee_account", "payee_name", *(["pay_date"] if per_day else [])]
    v = v.sort_values(["pay_date", "payee_account", "payee_name", "ref"], kind="stable")
    return v.drop_duplicates(keys).reset_index(drop=True)


def known(conn, accounts) -> pd.DataFrame:
    """The stored rows of these accounts (every name), as voucher-like rows for the payment tests."""
    accounts = sorted(set(accounts))
    rows = []
    for i in range(0, len(accounts), _CHUNK):
        rows += conn.execute(select(payee).where(payee.c.payee_account.in_(accounts[i:i + _CHUNK]))).all()
    frame = frame_of(rows, [c.name for c in payee.c]).rename(columns={"first_date": "pay_date"})
    frame["pay_date"] = pd.to_datetime(frame["pay_date"])
    frame["amount_fen"] = frame["amount_fen"].astype("int64")
    frame["orig_voucher_no"] = None
    return frame


def first_dates(stored: pd.DataFrame) -> pd.Series:
    """account → the date of its first payment under any name."""
    return stored.groupby("payee_account")["pay_date"].min()


def record(conn, candidates: pd.DataFrame, stored: pd.DataFrame) -> None:
    """Store the candidate first payments (one per pair, dated by pay_date) of (account, name) pairs not seen
    before, or seen only later."""
    before = {(a, n): d.date() for a, n, d in zip(stored["payee_account"], stored["payee_name"], stored["pay_date"])}
    new, earlier = [], []
    for r in candidates.itertuples(index=False):
        key, day = (r.payee_account, r.payee_name), r.pay_date.date()
        row = {"first_date": day, "region_code": r.region_code, "voucher_no": r.voucher_no, "unit_code": r.unit_code,
               "amount_fen": int(r.amount_fen)}
        if key not in before:
            new.append({"payee_account": key[0], "payee_name": key[1], **row})
        elif before[key] > day:
            earlier.append({"k_account": key[0], "k_name": key[1], **row})
    if new:
        conn.execute(insert(payee), new)
    if earlier:
        conn.execute(update(payee).where(payee.c.payee_account == bindparam("k_account"),
                                         payee.c.payee_name == bindparam("k_name")), earlier)


def seed(conn, until: dt.date) -> None:
    """Fill an empty table with the first payments dated up to `until`, read from the store once (the first
    evaluation of a store that already holds history; vouchers later refunded in full count as seen)."""
    if conn.execute(select(payee.c.payee_account).limit(1)).first() is not None:
        return
    name = func.trim(pay.c.payee_name)
    first = func.row_number().over(partition_by=(pay.c.payee_account, name),
                                   order_by=(pay.c.pay_date, pay.c.region_code, pay.c.voucher_no)).label("first")
    ranked = (select(pay.c.payee_account, name.label("payee_name"), pay.c.pay_date, pay.c.region_code,
                     pay.c.voucher_no, pay.c.unit_code, pay.c.amount_fen, first)
              .where(pay.c.pay_date <= until, pay.c.amount_fen > 0).subquery())
    columns = ["payee_account", "payee_name", "first_date", "region_code", "voucher_no", "unit_code", "amount_fen"]
    conn.execute(insert(payee).from_select(columns, select(*[c for c in ranked.c if c.name != "first"])
                                           .where(ranked.c.first == 1)))


def forget_from(conn, start: dt.date, end: dt.date) -> None:
    """Drop the first payments dated in [start, end] (a backfill of that span adds them back)."""
    conn.execute(delete(payee).where(payee.c.first_date >= start, payee.c.first_date <= end))

