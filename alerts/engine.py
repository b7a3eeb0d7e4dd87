"""Evaluating the alert rules for business dates: after each T+1 ingest (pipeline.STAGES), for a range of dates a
late or corrected delivery touched, and for a whole year at once (backfill).

Dates are evaluated a span at a time (at most one calendar year): the span's vouchers and the window of history
its rules look back over are read once, each rule evaluates every date of the span (its own way of doing all of
them at once where it has one, else date by date: alerts.context.Evaluator), and the findings of all dates are
recorded together (alerts.recording.record_span). A span gives exactly what its dates one by one give.

Each enabled rule runs on its own: a rule that raises is reported (in the summary and the alert_run record of
each date) and the others still run and are recorded; a rule that has nothing to evaluate on a date (before
April for EXEC_LAG, not a month end for the year statistics, no model yet) says why and leaves that date's
record of it as it is.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select

from alerts import feed_rules, forking, indicator_rules, ml_rule, payees, voucher_rules
from alerts.context import Skipped, Span
from alerts.in_force import rules_in_force
from alerts.recording import record_span
from alerts.rules import RuleSet
from alerts.tables import alert_run
from alerts.vouchers import LoadedVouchers
from warehouse.schema import pay

log = logging.getLogger("alerts")

EVALUATORS = {**indicator_rules.EVALUATORS, **voucher_rules.EVALUATORS, **ml_rule.EVALUATORS,
              **feed_rules.EVALUATORS}


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
    timings: dict[str, float] = field(default_factory=dict)  # step → seconds of the span (for the benchmark)


def evaluate(engine, date: dt.date, rules: RuleSet | None = None) -> Summary:
    """Evaluate every enabled rule for business date `date` and record the alerts; `rules` default to those
    in force (alerts.in_force)."""
    return evaluate_span(engine, date, date, rules)[0]


def evaluate_span(engine, since: dt.date, until: dt.date, rules: RuleSet | None = None) -> list[Summary]:
    """Evaluate every enabled rule for each date of [since, until] (one calendar year at most) and record the
    alerts; one Summary per date."""
    if since.year != until.year or until < since:
        raise ValueError(f"a span is one year at most: {since} … {until}")
    started, at = time.monotonic(), dt.datetime.now()
    rules = rules or _in_force(engine)
    timings: dict[str, float] = {}

    def timed(name, step):
        began = time.monotonic()
        try:
            return step()
        finally:
            timings[name] = time.monotonic() - began

    loaded = timed("读取凭证", lambda: LoadedVouchers(engine, since - dt.timedelta(days=voucher_rules.lookback(rules)),
                                                     until))
    span = Span(engine, since, until, rules, loaded)
    timed("收款人历史", lambda: voucher_rules.seed_payees(span))
    enabled = rules.enabled()
    # forked after the long write of a store's first evaluation: the forked rule's own writes wait at most for
    # the payees' short one below
    forked = {rule.id: [forking.start(engine, lambda own, rule=rule, part=part: _evaluate_rule(span.using(own, *part),
                                                                                              rule))
                        for part in forking.parts(since, until)]
              for rule in enabled if EVALUATORS[rule.id].apart and forking.worth_forking(len(span.days))}
    timed("收款人首次付款登记", lambda: voucher_rules.payee_history_span(span))
    summaries = {day: Summary(day, rules.source) for day in span.days}
    results: dict[dt.date, dict[str, list]] = {day: {} for day in span.days}
    for rule in sorted(enabled, key=lambda r: r.id in forked):  # the forked ones' results are waited for last
        try:
            found, skipped, seconds = _joined(forked[rule.id]) if rule.id in forked else _evaluate_rule(span, rule)
        except Exception as e:  # noqa: BLE001 — a rule's failure is reported, the other rules still run
            log.exception("alert rule %s failed on %s … %s", rule.id, since, until)
            for s in summaries.values():
                s.errors[rule.id] = f"{type(e).__name__}: {e}"
            continue
        timings[f"{rule.id}（另一进程）" if rule.id in forked else rule.id] = seconds
        for day, why in skipped.items():
            summaries[day].skipped[rule.id] = why
        for day, findings in found.items():
            results[day][rule.id] = [f for f in findings if f.subject_level in rule.subjects]
    counts = timed("记录", lambda: record_span(engine, results, rules))
    seconds = (time.monotonic() - started) / len(summaries)
    for day, s in summaries.items():
        s.fired, s.new_alerts, s.reopened = (counts[day][k] for k in ("fired", "new_alerts", "reopened"))
        s.seconds, s.timings = seconds, timings
    with engine.begin() as conn:
        conn.execute(insert(alert_run), [
            {"date": s.date, "started_at": at, "seconds": s.seconds, "rules_source": s.rules_source, "fired": s.fired,
             "new_alerts": s.new_alerts, "reopened": s.reopened, "skipped": s.skipped, "errors": s.errors}
            for s in summaries.values()])
    return list(summaries.values())


def _evaluate_rule(span: Span, rule) -> tuple[dict, dict, float]:
    """A rule's findings and skipped dates over the span, and the seconds it took."""
    began, evaluator = time.monotonic(), EVALUATORS[rule.id]
    found, skipped = (evaluator.span or _date_by_date(evaluator.run))(span, rule)
    return found, skipped, time.monotonic() - began


def _joined(waits: list) -> tuple[dict, dict, float]:
    """A rule's results over the forked parts of a span (alerts.forking.parts), every part waited for, and the
    longest part's seconds; the first part's error if one failed."""
    outcomes, error = [], None
    for wait in waits:
        try:
            outcomes.append(wait())
        except Exception as e:  # noqa: BLE001 — raised once every part has ended
            error = error or e
    if error is not None:
        raise error
    found, skipped = {}, {}
    for part_found, part_skipped, _ in outcomes:
        found.update(part_found)
        skipped.update(part_skipped)
    return found, skipped, max(seconds for _, _, seconds in outcomes)


def _date_by_date(run):
    """A rule without a span evaluator: its function on each date of the span."""
    def evaluate_dates(span: Span, rule):
        found, skipped = {}, {}
        for day in span.days:
            try:
                found[day] = run(span.context(day), rule)
            except Skipped as e:
                skipped[day] = str(e)
        return found, skipped
    return evaluate_dates


def refresh(engine, since: dt.date, until: dt.date) -> list[Summary]:
    """Evaluate every date of [since, until], a year at a time (the pipeline step after each ingest, and the
    refresh command). What the ML ranking learnt from vouchers dated `since` or later is learnt again: their
    vouchers may have changed."""
    rules = _in_force(engine)
    ml_rule.forget(engine, since)
    out = []
    for start, end in _years(since, until):
        out += evaluate_span(engine, start, end, rules)
    return out


def backfill(engine, year: int, until: dt.date | None = None) -> list[Summary]:
    """Re-evaluate every date of `year` (up to `until`, default the last payment date in the store) from
    scratch: the first payments of its payees are recorded again and the ML models of its months trained again."""
    start = dt.date(year, 1, 1)
    with engine.connect() as conn:
        last = conn.scalar(select(func.max(pay.c.pay_date)))
    end = min(dt.date(year, 12, 31), until or last or start)
    with engine.begin() as conn:
        payees.forget_from(conn, start, end)
    ml_rule.forget(engine, start - dt.timedelta(days=1))  # the model of January too
    return refresh(engine, start, end)


def _years(since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.date]]:
    return [(max(since, dt.date(y, 1, 1)), min(until, dt.date(y, 12, 31))) for y in range(since.year, until.year + 1)]


def _in_force(engine) -> RuleSet:
    in_force = rules_in_force(engine)
    if in_force.problems:
        log.warning(in_force.notice())
    return in_force.rules
