"""PAY vouchers by payment date, as the voucher rules read them: a span of dates held in memory.

An evaluation reads its dates and the history its windows look back over once, through the pay_date index, so
its cost follows the span, not the store (a day costs its window), and serves every date's window from memory.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select

from warehouse.schema import pay

COLUMNS = ("voucher_no", "pay_date", "region_code", "unit_code", "quota_id", "econ_code", "payee_account",
           "payee_name", "amount_fen", "orig_voucher_no")
_TEXT = ("voucher_no", "region_code", "unit_code", "quota_id", "econ_code", "payee_account", "payee_name",
         "orig_voucher_no")


def frame_of(rows, columns: list[str]) -> pd.DataFrame:
    """Rows of a statement as a frame. SQLAlchemy's Row is no tuple to pandas, which then asks every row for
    attributes it has not (each a failed key lookup inside Row): some ten microseconds a row, where plain tuples
    take a fraction of one."""
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def read_window(engine, start: dt.date, end: dt.date) -> pd.DataFrame:
    """PAY rows with pay_date in [start, end], sorted by pay_date (refunds included). Read through the driver's
    own cursor: a year of a large city is millions of rows, and the frame converts the dates itself."""
    stmt = select(*[pay.c[c] for c in COLUMNS]).where(pay.c.pay_date >= start, pay.c.pay_date <= end)
    with engine.connect() as conn:
        compiled = stmt.compile(conn)
        cursor = conn.connection.driver_connection.cursor()
        try:
            params = compiled.construct_params()
            if compiled.positiontup is not None:  # qmark / format styles: the values in the statement's order
                params = tuple(params[name] for name in compiled.positiontup)
            cursor.execute(str(compiled), params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for column in _TEXT:  # pandas' string dtype: a year of a large city held for a backfill is a third the size
        frame[column] = frame[column].astype("str")
    frame["amount_fen"] = frame["amount_fen"].astype("int64")
    frame["pay_date"] = pd.to_datetime(frame["pay_date"])
    return frame.sort_values("pay_date", kind="stable").reset_index(drop=True)


class LoadedVouchers:
    """The vouchers of [start, end] read once; windows inside it are slices."""

    def __init__(self, engine, start: dt.date, end: dt.date, frame: pd.DataFrame | None = None):
        self.engine, self.start, self.end = engine, start, end
        self.frame = read_window(engine, start, end) if frame is None else frame
        self._days = self.frame["pay_date"].to_numpy("datetime64[D]")

    def subset(self, keep: np.ndarray) -> "LoadedVouchers":
        """The same span holding only the rows `keep` marks and the refunds of those rows: what a rule reads
        when it can tell beforehand which rows could ever be part of a finding."""
        frame, refunds = self.frame, self._refunds()
        kept = set(frame.loc[keep, "region_code"] + "/" + frame.loc[keep, "voucher_no"])
        back = np.zeros(len(frame), dtype=bool)
        back[refunds.index[refunds.isin(kept)]] = True
        return LoadedVouchers(None, self.start, self.end, frame[keep | back].reset_index(drop=True))

    def _refunds(self) -> pd.Series:
        """The refunds' originals ("region/voucher"), by the refund's row."""
        if not hasattr(self, "_originals"):
            frame = self.frame[self.frame["amount_fen"] < 0]
            self._originals = frame["region_code"] + "/" + frame["orig_voucher_no"]
        return self._originals

    def window(self, start: dt.date, end: dt.date) -> pd.DataFrame:
        """A slice of the loaded span; a window reaching outside it (a year to date from a span that starts
        later) is read from the store."""
        if start < self.start or end > self.end:
            if self.engine is None:
                raise ValueError(f"window {start}…{end} outside the loaded span {self.start}…{self.end}")
            return read_window(self.engine, start, end)
        lo = np.searchsorted(self._days, np.datetime64(start, "D"), side="left")
        hi = np.searchsorted(self._days, np.datetime64(end, "D"), side="right")
        return self.frame.iloc[lo:hi].reset_index(drop=True)
