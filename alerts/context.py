"""What the evaluators share: the date (Context) or the run of dates (Span), the rules, the vouchers, the names.

Vouchers are read once per evaluation of a span of dates: the span and the widest window any rule looks back
over, sliced for each date and rule. A rule evaluates its dates one by one (Evaluator.run with a Context per
date) or the whole span at once (Evaluator.span), which must give what the dates one by one give.
"""
from __future__ import annotations

import datetime as dt
import copy
from dataclasses import dataclass, field, replace
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
    span: Callable | None = None  # (Span, Rule) -> ({date: [Finding]}, {date: why skipped}): all dates at once
    apart: bool = False  # a long span may run in a process of its own (alerts.forking): reads nothing the others write


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
    vouchers: object  # alerts.vouchers.LoadedVouchers
    _window: tuple[int, pd.DataFrame] | None = None
    cache: dict = field(default_factory=dict)  # shared by the dates of a span: keys name their date
    shared_names: Names | None = None
    span_days: tuple[dt.date, ...] = ()  # the span's dates (figures several dates need are read for all at once)

    @cached_property
    def names(self) -> Names:
        return self.shared_names or Names(self.engine)

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
        """A value several rules read (indicator rows of a date, counted vouchers), computed once."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


@dataclass
class Span:
    """The dates [since, until] (within one year) evaluated together, and what their evaluators share."""
    engine: object
    since: dt.date
    until: dt.date
    rules: RuleSet
    vouchers: object  # alerts.vouchers.LoadedVouchers from `lookback` days before `since`
    cache: dict = field(default_factory=dict)

    @cached_property
    def names(self) -> Names:
        return Names(self.engine)

    @property
    def days(self) -> list[dt.date]:
        return [self.since + dt.timedelta(days=i) for i in range((self.until - self.since).days + 1)]

    def context(self, day: dt.date) -> Context:
        return Context(self.engine, day, self.rules, self.vouchers, cache=self.cache, shared_names=self.names,
                       span_days=tuple(self.days))

    def once(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def using(self, engine, since: dt.date | None = None, until: dt.date | None = None) -> Span:
        """The span, or its dates [since, until], on the vouchers already read, what is not loaded yet read
        through `engine` (a forked process's own)."""
        vouchers = copy.copy(self.vouchers)
        vouchers.engine = engine
        return replace(self, engine=engine, vouchers=vouchers, since=since or self.since, until=until or self.until,
                       cache={})

    def on_days(self) -> pd.DataFrame:
        """The PAY rows dated in the span."""
        return self.once("on_days", lambda: self.vouchers.window(self.since, self.until))


def by_day(frame: pd.DataFrame, column: str = "last_date") -> dict[dt.date, pd.DataFrame]:
    """A findings frame split by the date a column gives (the date each finding belongs to)."""
    if not len(frame):
        return {}
    return {(day.date() if hasattr(day, "date") else day): part.reset_index(drop=True)
            for day, part in frame.groupby(frame[column])}
