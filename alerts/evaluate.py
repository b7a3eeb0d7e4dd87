"""How well the alerts find the demo city's planted anomalies: recall per anomaly type for the rules alone, the
ML ranking alone and both, the precision of each rule and the precision@k of the ML ranking.

    python -m alerts.evaluate --inbox DEMO_INBOX --db STORE_URL [--from 2025-01-01] [--to 2026-11-20] [--no-run]

The store holds the demo's deliveries (`python app.py ingest --inbox DEMO_INBOX … --no-refresh`). Every date of
the period is evaluated afresh (a backfill per year, as after a rules change) unless --no-run, then the alerts
are compared with the inbox's ground_truth.csv. The measurements go to docs/alerts_evaluation.json and
docs/alerts.md is rewritten (alerts.docs).

A planted anomaly counts as found by:
- its own rule: an alert of the rule the ground truth names, on the same subject (a quota id, a unit, a voucher
  pair …; a 三公 subject per category counts for its unit), seen within 62 days before to 7 days after the date
  the truth gives (unit statistics are evaluated at month ends; vouchers are unique and need no window);
- any rule: that, or any other rule's alert (ML excluded) listing one of its vouchers as evidence;
- ML: an ML_OUTLIER alert (the day's top k) on one of its vouchers.
An alert is true when a planted anomaly is found by it in one of these ways; for the ML ranking a voucher that
carries a planted pattern of its unit (a round amount of a ROUND_AMOUNT unit …, see pattern_vouchers) is true
as well, and the precision without them is given too.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from alerts.rules import load_rules
from alerts.tables import alert, alert_sighting
from warehouse.schema import pay

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "alerts_evaluation.json"
BEFORE, AFTER = dt.timedelta(days=62), dt.timedelta(days=7)
ML = "ML_OUTLIER"
VOUCHER_LEVELS = ("voucher", "voucher_pair", "voucher_group")
PATTERNS = ("ROUND_AMOUNT", "PAYEE_CONCENTRATION", "BENFORD")
K = (50, 100, 200, 500)


@dataclass
class Truth:
    anomaly_type: str
    rule_id: str
    subject_level: str
    subject_code: str
    day: dt.date
    refs: frozenset  # the vouchers it names, as "region/voucher_no"


@dataclass
class Seen:
    id: int
    rule_id: str
    subject_level: str
    subject_code: str
    evidence: frozenset
    first: dt.date
    last: dt.date
    score: float | None  # ML: the anomaly score


def load_truth(inbox: Path, start: dt.date, end: dt.date, refs_of) -> list[Truth]:
    with open(Path(inbox) / "ground_truth.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if start <= dt.date.fromisoformat(r["business_date"]) <= end]
    numbers = {no for r in rows for no in r["voucher_nos"].split()}
    refs = refs_of(numbers)
    return [Truth(r["anomaly_type"], r["rule_id"], r["subject_level"], r["subject_code"],
                  dt.date.fromisoformat(r["business_date"]),
                  frozenset(ref for no in r["voucher_nos"].split() for ref in refs.get(no, ())))
            for r in rows]


def voucher_refs(engine, numbers: set[str]) -> dict[str, list[str]]:
    """voucher_no → its refs (voucher numbers are unique within a region only)."""
    out: dict[str, list[str]] = defaultdict(list)
    numbers = sorted(numbers)
    with engine.connect() as conn:
        for i in range(0, len(numbers), 500):
            for region, no in conn.execute(select(pay.c.region_code, pay.c.voucher_no)
                                           .where(pay.c.voucher_no.in_(numbers[i:i + 500]))):
                out[no].append(f"{region}/{no}")
    return out


def load_alerts(engine, start: dt.date, end: dt.date) -> list[Seen]:
    stmt = (select(alert.c.id, alert.c.rule_id, alert.c.subject_level, alert.c.subject_code, alert.c.evidence,
                   func.min(alert_sighting.c.date), func.max(alert_sighting.c.date), func.max(alert_sighting.c.figure))
            .join(alert_sighting, alert_sighting.c.alert_id == alert.c.id)
            .where(alert_sighting.c.date >= start, alert_sighting.c.date <= end)
            .group_by(alert.c.id, alert.c.rule_id, alert.c.subject_level, alert.c.subject_code, alert.c.evidence))
    with engine.connect() as conn:
        return [Seen(i, rule, level, code, frozenset(evidence), first, last,
                     float(figure) if rule == ML and figure is not None else None)
                for i, rule, level, code, evidence, first, last, figure in conn.execute(stmt)]


def same_subject(a: Seen, t: Truth) -> bool:
    if a.rule_id != t.rule_id:
        return False
    if t.subject_level in VOUCHER_LEVELS:
        return a.subject_code == t.subject_code
    if a.last < t.day - BEFORE or a.first > t.day + AFTER:
        return False
    if t.subject_level == "quota":
        return a.subject_code.endswith("/" + t.subject_code)
    return a.subject_level == t.subject_level and (a.subject_code == t.subject_code
                                                   or a.subject_code.startswith(t.subject_code + "|"))


def pattern_vouchers(engine, truths: list[Truth], refs: set[str]) -> set[str]:
    """Of the vouchers `refs`, those that carry a planted pattern of their unit and year: a round amount of a
    ROUND_AMOUNT unit, a payment to the largest payee of a PAYEE_CONCENTRATION unit, any payment of a BENFORD
    unit (whose amounts are made up). The ground truth names the unit, not these vouchers."""
    planted = {(t.anomaly_type, t.subject_code, t.day.year) for t in truths
               if t.anomaly_type in PATTERNS and t.rule_id == t.anomaly_type}
    if not planted:
        return set()
    by_region: dict[str, list[str]] = defaultdict(list)
    for ref in refs:
        region, _, no = ref.partition("/")
        by_region[region].append(no)
    rows = []
    with engine.connect() as conn:
        for region, numbers in by_region.items():
            for i in range(0, len(numbers), 500):
                rows += conn.execute(select(pay.c.region_code, pay.c.voucher_no, pay.c.unit_code, pay.c.pay_date,
                                            pay.c.amount_fen, pay.c.payee_account)
                                     .where(pay.c.region_code == region, pay.c.voucher_no.in_(numbers[i:i + 500]))).all()
        favourite = {}
        for _, unit, year in (p for p in planted if p[0] == "PAYEE_CONCENTRATION"):
            favourite[(unit, year)] = conn.scalar(
                select(pay.c.payee_account).where(pay.c.unit_code == unit, pay.c.pay_date >= dt.date(year, 1, 1),
                                                  pay.c.pay_date <= dt.date(year, 12, 31))
                .group_by(pay.c.payee_account).order_by(func.sum(pay.c.amount_fen).desc()).limit(1))
    rules = load_rules()
    floor, unit_fen = rules["ROUND_AMOUNT"].param("min_amount_yuan"), rules["ROUND_AMOUNT"].param("round_unit_yuan")
    out = set()
    for region, no, unit, day, amount, payee in rows:
        if (("BENFORD", unit, day.year) in planted
                or (("ROUND_AMOUNT", unit, day.year) in planted and amount >= floor and amount % unit_fen == 0)
                or favourite.get((unit, day.year)) == payee):
            out.add(f"{region}/{no}")
    return out


def measure(truths: list[Truth], alerts: list[Seen], patterns: set[str] = frozenset()) -> dict:
    """`patterns`: vouchers that carry a planted unit pattern (pattern_vouchers), true for the ML ranking."""
    by_rule: dict[str, list[Seen]] = defaultdict(list)
    for a in alerts:
        by_rule[a.rule_id].append(a)
    ml_refs = {a.subject_code for a in by_rule[ML]}
    evidence_index: dict[str, set[int]] = defaultdict(set)  # voucher ref → non-ML alerts listing it
    for a in alerts:
        if a.rule_id != ML:
            for ref in a.evidence:
                evidence_index[ref].add(a.id)
    true_alerts: set[int] = set()
    types: dict[str, dict] = defaultdict(lambda: {"planted": 0, "own_rule": 0, "any_rule": 0, "ml": 0, "either": 0,
                                                 "with_vouchers": 0, "rule_id": None})
    true_alerts.update(a.id for a in by_rule[ML] if a.subject_code in patterns)
    for t in truths:
        row = types[t.anomaly_type if t.anomaly_type == t.rule_id else f"{t.anomaly_type}→{t.rule_id}"]
        row["rule_id"] = t.rule_id
        own = [a.id for a in by_rule[t.rule_id] if t.rule_id != ML and same_subject(a, t)]
        listing = set().union(*(evidence_index.get(ref, set()) for ref in t.refs)) if t.refs else set()
        ml = [ref for ref in t.refs if ref in ml_refs]
        true_alerts.update(own, listing)
        true_alerts.update(a.id for a in by_rule[ML] if a.subject_code in t.refs)
        row["planted"] += 1
        row["with_vouchers"] += bool(t.refs)
        row["own_rule"] += bool(own)
        row["any_rule"] += bool(own or listing)
        row["ml"] += bool(ml)
        row["either"] += bool(own or listing or ml)
    rules = {rule_id: {"alerts": len(found), "true": sum(a.id in true_alerts for a in found)}
             for rule_id, found in sorted(by_rule.items())}
    return {"types": dict(sorted(types.items())), "rules": rules,
            "ml": ml_precision(by_rule[ML], truths, patterns), "ml_without_patterns": ml_precision(by_rule[ML], truths)}


def ml_precision(found: list[Seen], truths: list[Truth], patterns: set[str] = frozenset()) -> dict:
    """precision@k of the ML alerts of the whole period ranked by score, and of each day's own top list."""
    planted = set().union(*(t.refs for t in truths), patterns) if truths else set(patterns)
    ranked = sorted(found, key=lambda a: -(a.score or 0))
    pooled = {k: sum(a.subject_code in planted for a in ranked[:k]) / min(k, len(ranked)) for k in K if ranked}
    days: dict[dt.date, list[Seen]] = defaultdict(list)
    for a in found:
        days[a.first].append(a)
    per_day = [sum(a.subject_code in planted for a in listed) for listed in days.values()]
    full = max((len(listed) for listed in days.values()), default=0)  # the top k of a day with k vouchers or more
    precisions = sorted(true / len(listed) for true, listed in zip(per_day, days.values()) if len(listed) == full)
    planted_days = defaultdict(set)
    for t in truths:
        for ref in t.refs:
            planted_days[t.day].add(ref)
    # a day with fewer planted vouchers than 60 % of its list cannot reach 60 % whatever the ranking does
    reachable = [true / full for (day, listed), true in zip(days.items(), per_day)
                 if len(listed) == full and len(planted_days[day]) >= 0.6 * full]
    return {"alerts": len(found), "days": len(days), "pooled_precision_at": pooled,
            "true_per_day": sum(per_day) / len(per_day) if per_day else None,
            "planted_vouchers_per_day": (sum(len(v) for v in planted_days.values()) / len(days)) if days else None,
            "day_precision_at_list": (sum(per_day) / len(found)) if found else None,
            "full_list": full, "full_days": len(precisions),
            "full_day_precision": {"mean": sum(precisions) / len(precisions), "median": statistics.median(precisions),
                                   "lowest": precisions[0], "days_at_60": sum(p >= 0.6 for p in precisions),
                                   "days_reachable": len(reachable),
                                   "reachable_days_at_60": sum(p >= 0.6 for p in reachable)}
            if precisions else None}


def run(engine, start: dt.date, end: dt.date, progress=print) -> float:
    from alerts.engine import backfill

    started = time.monotonic()
    for year in range(start.year, end.year + 1):
        summaries = backfill(engine, year, until=min(end, dt.date(year, 12, 31)))
        errors = {k: v for s in summaries for k, v in s.errors.items()}
        progress(f"{year}: {len(summaries)} 天, {sum(s.fired for s in summaries)} 次触发, 错误 {errors or '无'}, "
                 f"{time.monotonic() - started:.0f}s")
    return time.monotonic() - started


def main(argv=None) -> int:
    from alerts.docs import write_doc
    from warehouse.db import open_store

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inbox", type=Path, required=True, help="the demo inbox (with ground_truth.csv)")
    ap.add_argument("--db", required=True, help="the store holding the demo's deliveries")
    ap.add_argument("--from", dest="start", type=dt.date.fromisoformat)
    ap.add_argument("--to", dest="end", type=dt.date.fromisoformat)
    ap.add_argument("--no-run", action="store_true", help="measure the alerts already in the store")
    args = ap.parse_args(argv)
    engine = open_store(args.db)
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(pay.c.pay_date), func.max(pay.c.pay_date))).one()
        vouchers = conn.scalar(select(func.count()).select_from(pay))
    end = args.end or last
    start = args.start or dt.date(end.year - 1, 1, 1)
    seconds = None if args.no_run else run(engine, start, end)
    truths = load_truth(args.inbox, start, end, lambda numbers: voucher_refs(engine, numbers))
    alerts = load_alerts(engine, start, end)
    patterns = pattern_vouchers(engine, truths, {a.subject_code for a in alerts if a.rule_id == ML})
    results = measure(truths, alerts, patterns)
    results.update(period=[start.isoformat(), end.isoformat()], store_from=first.isoformat(), vouchers=vouchers,
                   evaluation_seconds=seconds, measured_on=dt.date.today().isoformat(),
                   command=f"python -m alerts.evaluate --inbox {args.inbox} --db {args.db} --from {start} --to {end}")
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    write_doc()
    print(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
