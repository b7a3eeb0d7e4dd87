"""What a rule found on one business date, graded and written the way the committee reads it.

Every evaluator returns Findings: the subject, the severity (the most severe level the figures reach), the
figure and the threshold that fired it in the units the exports use, a Chinese message and the evidence (voucher
refs "region/voucher_no" or row keys). Figures stay exact: Fractions and integer 分 from the indicator layer and
the payment tests are rounded once, here, as the exports round them (indicators.export.format_value).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from alerts.rules import SEVERITIES, Rule
from indicators.export import format_value, round_half_up

RANK = {s: i for i, s in enumerate(SEVERITIES)}  # 0 = most severe
# How a figure reads: 元 (from 分), ratio (a fraction, 6 places), pp (百分点), multiple, count, days, index (HHI,
# MAD, anomaly scores: 6 places).
_SUFFIX_UNITS = {"_yuan": "元", "_pct": "ratio", "_pp": "pp", "_multiple": "multiple", "_count": "count",
                 "_days": "days"}
_KIND_UNITS = {"amount": "元", "days": "days", "share": "ratio", "count": "count", "index": "index"}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    subject_level: str
    subject_code: str
    severity: str
    figure: Decimal | int | None
    threshold: Decimal | int | None
    unit: str
    message: str
    evidence: tuple[str, ...]
    subject_name: str | None = None
    region_code: str | None = None
    unit_code: str | None = None


def unit_of_threshold(name: str) -> str:
    return next((u for suffix, u in _SUFFIX_UNITS.items() if name.endswith(suffix)), "index")


def shown(unit: str, value) -> Decimal | int | None:
    """A figure in code units (分, fraction, Fraction, float index …) as exported."""
    if value is None:
        return None
    if unit == "days":
        return int(value)
    if unit == "index":
        return round_half_up(Fraction(value), 6)
    return format_value(unit, value)


def grade(rule: Rule, **figures) -> tuple[str, str] | None:
    """(severity, threshold name) of the most severe level any figure reaches; None when none does.
    Figures are in code units (see alerts.rules: 分 for _yuan, fractions for _pct); None = not defined."""
    best = None
    for name, value in figures.items():
        if value is None:
            continue
        severity = rule.thresholds[name].severity_of(value)
        if severity and (best is None or RANK[severity] < RANK[best[0]]):
            best = (severity, name)
    return best


def graded(rule: Rule, subject_level: str, subject_code: str, message: str, evidence, figures: dict,
           fired: bool = False, **subject) -> Finding | None:
    """A finding of a thresholded rule, or None when no figure reaches a level; the figure and threshold shown
    are those of the threshold that gave the severity. `fired`: the test already decided (exactly) that the
    single figure passes its threshold's firing level, so it is at least that level. `message` may be a function
    that writes it: it is called only for a finding (most subjects of a daily rule fire on no day)."""
    reached = grade(rule, **figures)
    if reached is None and fired:
        name = next(iter(figures))
        reached = (list(rule.thresholds[name].levels)[-1], name)
    if reached is None:
        return None
    severity, name = reached
    unit = unit_of_threshold(name)
    return Finding(rule.id, subject_level, subject_code, severity, shown(unit, figures[name]),
                   shown(unit, rule.thresholds[name].value(severity)), unit, message() if callable(message) else message,
                   tuple(evidence), **subject)


def from_frame(rule: Rule, frame: pd.DataFrame, names, grade_by: str | None = None, figures=None) -> list[Finding]:
    """Findings from a payment-test frame (alerts.payment_tests.FINDING_COLUMNS). A condition rule takes its
    own severity; `grade_by` names the threshold the figure is graded on (`figures`: the values graded, when
    they are not the frame's figure column)."""
    out = []
    values = frame["figure"] if figures is None else figures
    for row, value in zip(frame.itertuples(index=False), values):
        subject = dict(subject_name=names.subject(row.subject_level, row.subject_code, row.unit_code, row.region_code),
                       region_code=row.region_code, unit_code=row.unit_code)
        evidence = tuple(str(e) for e in row.evidence)
        if grade_by is None:
            unit = _KIND_UNITS[row.figure_kind]
            finding = Finding(rule.id, row.subject_level, row.subject_code, rule.severity, shown(unit, row.figure),
                              shown(unit, row.threshold), unit, row.message, evidence, **subject)
        else:
            finding = graded(rule, row.subject_level, row.subject_code, row.message, evidence, {grade_by: value},
                             fired=True, **subject)
        if finding is not None:
            out.append(finding)
    return out


def evidence_hash(evidence) -> str:
    """The evidence's identity: its items as a set (a new order is not new evidence)."""
    return hashlib.sha256("\n".join(sorted(set(evidence))).encode("utf-8")).hexdigest()


def most_severe(findings: list[Finding]) -> list[Finding]:
    """One finding per subject: a rule gives one alert per subject, at the highest severity that holds."""
    best: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.subject_level, f.subject_code)
        if key not in best or RANK[f.severity] < RANK[best[key].severity]:
            best[key] = f
    return list(best.values())
