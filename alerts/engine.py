"""Evaluating the alert rules for business date D: after each T+1 ingest (pipeline.STEPS), for a range of
dates a late or corrected delivery touched, and for a whole year at once (backfill).

Each enabled rule runs on its own: a rule that raises is reported (in the summary and the alert_run record)
and the others still run and are recorded; a rule that has nothing to evaluate on D (before April for
EXEC_LAG, not a month end for the year statistics, no model yet) says why and leaves D's record of it as it is.
The day's voucher rules read D's vouchers and the window of history they need, so a day costs what its
vouchers cost; the unit, department and region rules read the indicator layer's figures of D.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from alerts import feed_rules, indicator_rules, ml_rule, payees, voucher_rules
from alerts.context import Context, Skipped
from alerts.in_force import rules_in_force
from alerts.recording import record
from alerts.rules import RuleSet
from alerts.tables import alert_run
from alerts.vouchers import LoadedVouchers, StoreVouchers
from warehouse.schema import pay

log = logging.getLogger("alerts")

EVALUATORS = {**indicator_rules.EVALUATORS, **voucher_rules.EVALUATORS, **ml_rule.EVALUATORS,
              **feed_rules.EVALUATORS}
# Steps of every evaluation, whatever rules are on: the voucher window read once for all the voucher rules, and
# the payees' first payments, kept up to date so that a rule switched on later finds them.
BOOKKEEPING = {"读取凭证": lambda ctx: ctx.recent(voucher_rules.lookback(ctx.rules)),
               "收款人首次付款登记": voucher_rules.payee_history}


@dataclass
class Summary:
    date: dt.date
    rules_source: str
    fired: int = 0
    new_alerts: int = 0
    reopened: int = 0
    seconds: float = 0.0
    skipped: dict[str, str] = field(default_factory=dict)  # rule id → why it did not run on this date
    errors: dict[str, str] = field(default_factory=dict)  # rule id → the error it raised
    timings: dict[str, float] = field(default_factory=dict)  # step → seconds (for the benchmark)


def evaluate(engine, date: dt.date, rules: RuleSet | None = None, *, vouchers=None) -> Summary:
    """Evaluate every enabled rule for business date `date` and record the alerts; `rules` default to those in
    force (alerts.in_force), `vouchers` to the store (a backfill passes the span it has read)."""
    started, at = time.monotonic(), dt.datetime.now()
    if rules is None:
        rules = _in_force(engine)
    ctx = Context(engine, date, rules, vouchers or StoreVouchers(engine))
    summary = Summary(date, rules.source)
    results = {}
    for name, step in [*BOOKKEEPING.items(), *((r.id, EVALUATORS[r.id].run) for r in rules.enabled())]:
        began = time.monotonic()
        try:
            found = step(ctx) if name in BOOKKEEPING else step(ctx, rules[name])
        except Skipped as e:
            summary.skipped[name] = str(e)
            continue
        except Exception as e:  # noqa: BLE001 — a rule's failure is reported, the other rules still run
            log.exception("alert rule %s failed on %s", name, date)
            summary.errors[name] = f"{type(e).__name__}: {e}"
            continue
        finally:
            summary.timings[name] = time.monotonic() - began
        if name not in BOOKKEEPING:
            results[name] = [f for f in found if f.subject_level in rules[name].subjects]
    began = time.monotonic()
    counts = record(engine, date, results, rules)
    summary.timings["记录"] = time.monotonic() - began
    summary.fired, summary.new_alerts, summary.reopened = counts["fired"], counts["new_alerts"], counts["reopened"]
    summary.seconds = time.monotonic() - started
    with engine.begin() as conn:
        conn.execute(insert(alert_run).values(date=date, started_at=at, seconds=summary.seconds,
                                              rules_source=summary.rules_source, fired=summary.fired,
                                              new_alerts=summary.new_alerts, reopened=summary.reopened,
                                              skipped=summary.skipped, errors=summary.errors))
    return summary


def refresh(engine, since: dt.date, until: dt.date) -> list[Summary]:
    """Evaluate every date of [since, until] in order (the pipeline step after each ingest)."""
    rules = _in_force(engine)
    return [evaluate(engine, day, rules) for day in _days(since, until)]


def backfill(engine, year: int, until: dt.date | None = None) -> list[Summary]:
    """Re-evaluate every date of `year` (up to `until`, default the last payment date in the store): the
    year's vouchers are read once, the ML models of its months are trained again and the first payments of
    its payees recorded again."""
    start = dt.date(year, 1, 1)
    with engine.connect() as conn:
        last = conn.scalar(select(func.max(pay.c.pay_date)))
    end = min(dt.date(year, 12, 31), until or last or start)
    rules = _in_force(engine)
    with engine.begin() as conn:
        payees.forget_from(conn, start, end)
    ml_rule.forget_models(engine, start, end)
    loaded = LoadedVouchers(engine, start - dt.timedelta(days=voucher_rules.lookback(rules)), end)
    return [evaluate(engine, day, rules, vouchers=loaded) for day in _days(start, end)]


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=i) for i in range((until - since).days + 1)]


def _in_force(engine) -> RuleSet:
    in_force = rules_in_force(engine)
    if in_force.problems:
        log.warning(in_force.notice())
    return in_force.rules
