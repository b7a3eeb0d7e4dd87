"""What every evaluator of one business date shares: the date, the rules, the vouchers and the names.

Vouchers are read once per evaluation: the widest window any rule asks for, sliced for the narrower ones.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

import pandas as pd
from sqlalchemy import select

from alerts.rules import RuleSet
from warehouse.schema import dm_region, dm_unit


DAILY = "每个业务日"


class Skipped(Exception):
    """A rule that has nothing to evaluate on this date (not its season, no model yet); the reason is shown."""


@dataclass(frozen=True)
class Evaluator:
    """How a rule is evaluated: the function, and for the rules page what it reads and when it runs."""
    run: Callable  # (Context, Rule) -> list[Finding]; raises Skipped when the date is not its to judge
    reads: str
    when: str


class Names:
    """Display names of the subjects (DM_UNIT, DM_REGION; small, read once per evaluation)."""

    def __init__(self, engine):
        with engine.connect() as conn:
            self.units = {r.unit_code: r for r in conn.execute(
                select(dm_unit.c.unit_code, dm_unit.c.unit_name, dm_unit.c.dept_code, dm_unit.c.dept_name,
                       dm_unit.c.region_code))}
            self.regions = dict(conn.execute(select(dm_region.c.region_code, dm_region.c.region_name)).all())

    def unit(self, code) -> str:
        row = self.units.get(code)
        return row.unit_name if row else str(code)

    def region(self, code) -> str:
        return self.regions.get(code, str(code))

    def dept_of(self, unit_code) -> str | None:
        row = self.units.get(unit_code)
        return row.dept_name if row else None

    def subject(self, level: str, code: str, unit_code=None, region_code=None) -> str:
        if level == "unit":
            return self.unit(code)
        if level == "region":
            return self.region(code)
        if level == "payee_account":
            return f"收款账号 {code}"
        if unit_code:
            return self.unit(unit_code)
        if region_code:
            return self.region(region_code)
        return str(code)


@dataclass
class Context:
    engine: object
    day: dt.date
    rules: RuleSet
    vouchers: object  # alerts.vouchers.StoreVouchers or LoadedVouchers
    _window: tuple[int, pd.DataFrame] | None = None
    cache: dict = field(default_factory=dict)

    @cached_property
    def names(self) -> Names:
        return Names(self.engine)

    def recent(self, days: int) -> pd.DataFrame:
        """PAY rows dated in [day − days, day]."""
        if self._window is None or self._window[0] < days:
            start = self.day - dt.timedelta(days=days)
            self._window = (days, self.vouchers.window(start, self.day))
        loaded_days, frame = self._window
        if loaded_days == days:
            return frame
        return frame[frame["pay_date"] >= pd.Timestamp(self.day - dt.timedelta(days=days))].reset_index(drop=True)

    def today(self) -> pd.DataFrame:
        return self.recent(0)

    def year_to_date(self) -> pd.DataFrame:
        return self.vouchers.window(dt.date(self.day.year, 1, 1), self.day)

    def once(self, key, compute):
        """A value several rules read (indicator rows of the day), computed once per evaluation."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]
