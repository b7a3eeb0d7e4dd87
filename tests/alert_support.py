"""Helpers for the alert tests: evaluating days with pinned rules and reading what fired, on a real store."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from alerts.engine import evaluate
from alerts.rules import load_rules, rules_from_text
from alerts.tables import alert, alert_sighting
from tests.builders import d, fen
from warehouse import schema

DEFAULTS = load_rules()


def rules_with(text: str):
    """The defaults with a clerk's overrides (YAML text)."""
    return rules_from_text(text, "测试规则")


def evaluate_days(engine, first, last=None, rules=DEFAULTS) -> list:
    first, last = d(first), d(last or first)
    return [evaluate(engine, first + dt.timedelta(days=i), rules) for i in range((last - first).days + 1)]


def fired_on(engine, day, rule_ids=None) -> dict[tuple[str, str], dict]:
    """(rule_id, subject_code) → the alert and its sighting, for what fired on `day`."""
    stmt = (select(alert, alert_sighting.c.severity.label("day_severity"), alert_sighting.c.figure.label("day_figure"),
                   alert_sighting.c.threshold.label("day_threshold"))
            .join(alert_sighting, alert_sighting.c.alert_id == alert.c.id).where(alert_sighting.c.date == d(day)))
    if rule_ids is not None:
        stmt = stmt.where(alert.c.rule_id.in_(list(rule_ids)))
    with engine.connect() as conn:
        return {(r["rule_id"], r["subject_code"]): dict(r) for r in conn.execute(stmt).mappings()}


def bulk_pay(engine, rows: list[dict]) -> None:
    """Many vouchers at once: each row gives voucher_no, pay_date, region_code, unit_code, quota_id, payee_account,
    amount (元); the rest is a valid default."""
    full = [{"voucher_no": r["voucher_no"], "pay_date": d(r["pay_date"]), "region_code": r["region_code"],
             "unit_code": r["unit_code"], "quota_id": r["quota_id"], "func_code": None, "econ_code": r.get("econ_code"),
             "fund_type": None, "project_code": None, "payee_name": r.get("payee_name", "某某公司"),
             "payee_account": r["payee_account"], "amount_fen": fen(r["amount"]), "orig_voucher_no": None,
             "pay_method": "直接支付", "business_date": d(r["pay_date"])} for r in rows]
    with engine.begin() as conn:
        conn.execute(insert(schema.pay), full)
