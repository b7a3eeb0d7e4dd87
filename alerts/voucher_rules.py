"""The rules that read vouchers, evaluated for business date D on D's vouchers against the window they need.

A payment test runs on [D − window, D] and keeps what involves a voucher dated D: a pair or group found on an
earlier date was recorded then, and one that a D voucher extends is the same subject again (same alert, new
evidence). A unit's patterns over year Y (ROUND_AMOUNT, PAYEE_CONCENTRATION, BENFORD) are statistics of
thousands of vouchers that move slowly; they are evaluated on the last day of each month over [Y-01-01, D], so
that a day costs what its window costs and the year is read twelve times a year, not every day.
"""
from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from alerts import payees
from alerts import payment_tests as tests
from alerts.context import DAILY, Context, Evaluator, Skipped
from alerts.findings import Finding, from_frame, graded
from alerts.rules import Rule, RuleSet
from indicators.facts import signed_amount
from warehouse.schema import bgt, pay

_CHUNK = 500


def lookback(rules: RuleSet) -> int:
    """Days before D the day's voucher rules read (the ML repeat windows look back 30 days)."""
    return max(30, rules["DUP_PAY"].param("window_days"), rules["SPLIT_PAY"].param("window_days"))


def _dated_today(frame: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    return frame[frame["last_date"] == day].reset_index(drop=True) if len(frame) else frame


def dup_pay(ctx: Context, rule: Rule) -> list[Finding]:
    days = rule.param("window_days")
    found = tests.duplicate_payments(ctx.recent(days), window_days=days,
                                     min_amount_fen=rule.param("min_amount_yuan"))
    return from_frame(rule, _dated_today(found, ctx.day), ctx.names)


def same_day_variants(ctx: Context, rule: Rule) -> list[Finding]:
    """DUP_SAME_AMOUNT_DATE_DIFF_PAYEE, DUP_SAME_PAYEE_DATE_DIFF_AMOUNT: alike within one unit and day."""
    found = tests.same_same_different(ctx.today(), rule.id, min_amount_fen=rule.param("min_amount_yuan"))
    return from_frame(rule, found, ctx.names)


def split_pay(ctx: Context, rule: Rule) -> list[Finding]:
    days = rule.param("window_days")
    found = tests.split_payments(ctx.recent(days), limit_fen=rule.param("procurement_limit_yuan"), window_days=days,
                                 min_vouchers=rule.param("min_vouchers_count"))
    return from_frame(rule, _dated_today(found, ctx.day), ctx.names)


def just_below(ctx: Context, rule: Rule) -> list[Finding]:
    found = tests.just_below(ctx.today(), limit_fen=rule.param("procurement_limit_yuan"), share=rule.param("band_pct"))
    return from_frame(rule, found, ctx.names)


def off_day_pay(ctx: Context, rule: Rule) -> list[Finding]:
    threshold = rule.thresholds["amount_yuan"]
    found = tests.off_day_payments(ctx.today(), min_amount_fen=threshold.firing)
    return from_frame(rule, found, ctx.names, grade_by="amount_yuan")


# --- payees seen before ----------------------------------------------------------------------------------

def payee_history(ctx: Context) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the stored first payments of D's accounts as they stood before D was recorded, D's candidates);
    records D's first payments on the first call."""
    def compute():
        candidates = payees.first_payments(tests.counted_vouchers(ctx.today()))
        with ctx.engine.begin() as conn:
            payees.seed(conn, ctx.day - dt.timedelta(days=1))
            stored = payees.known(conn, candidates["payee_account"])
            payees.record(conn, ctx.day, candidates, stored)
        return stored, candidates
    return ctx.once("payees", compute)


def new_payee_large(ctx: Context, rule: Rule) -> list[Finding]:
    stored, _ = payee_history(ctx)
    found = tests.new_payee_large(ctx.today(), min_amount_fen=rule.thresholds["amount_yuan"].firing,
                                  first_seen=payees.first_dates(stored))
    return from_frame(rule, found, ctx.names, grade_by="amount_yuan")


def account_names(ctx: Context, rule: Rule) -> list[Finding]:
    """DUP_SAME_ACCOUNT_DIFF_NAME: an account paid on D under a name it never had before, having another.
    The evidence is each name's first voucher, so the alert grows only when yet another name appears."""
    stored, candidates = payee_history(ctx)
    stored = stored[stored["pay_date"] < pd.Timestamp(ctx.day)]  # as before D, also when D is evaluated again
    seen = set(zip(stored["payee_account"], stored["payee_name"]))
    fresh = candidates[[(a, n) not in seen for a, n in zip(candidates["payee_account"], candidates["payee_name"])]]
    if fresh.empty:
        return []
    accounts = set(fresh["payee_account"])
    earlier = stored[stored["payee_account"].isin(accounts)]
    representatives = pd.concat([earlier, fresh[earlier.columns.intersection(fresh.columns)]], ignore_index=True)
    representatives = representatives.drop_duplicates(["payee_account", "payee_name"])
    found = tests.same_same_different(representatives, rule.id, min_amount_fen=rule.param("min_amount_yuan"))
    return from_frame(rule, found, ctx.names)


# --- quotas ----------------------------------------------------------------------------------------------

def pay_over_quota(ctx: Context, rule: Rule) -> list[Finding]:
    """Quotas paid on D, or reduced by a 调减 issued on D, whose payments of year Y up to D exceed their
    adjusted amount (own amount + 追加 − 调减 naming it, issued on or before D)."""
    day, year = ctx.day, ctx.day.year
    today = ctx.today()
    touched: dict[str, set[str]] = {}
    with ctx.engine.connect() as conn:
        reduced = conn.execute(select(bgt.c.region_code, bgt.c.orig_quota_id).where(
            bgt.c.issued_date == day, bgt.c.year == year, bgt.c.orig_quota_id.is_not(None))).all()
        for region, quota_id in [*zip(today["region_code"], today["quota_id"]), *reduced]:
            if quota_id:
                touched.setdefault(region, set()).add(quota_id)
        out = []
        for region, ids in sorted(touched.items()):
            for i in range(0, len(ids), _CHUNK):
                out += _over_quota(ctx, rule, conn, region, sorted(ids)[i:i + _CHUNK])
    return out


def _over_quota(ctx: Context, rule: Rule, conn, region: str, ids: list[str]) -> list[Finding]:
    """The over-paid quotas among `ids` of one region (each query on its index: region first)."""
    day, year = ctx.day, ctx.day.year
    in_year = (bgt.c.region_code == region, bgt.c.year == year, bgt.c.issued_date <= day)
    adjusted: dict[str, int] = {}
    for quota_id, amount in [
            *conn.execute(select(bgt.c.quota_id, signed_amount()).where(*in_year, bgt.c.quota_id.in_(ids))),
            *conn.execute(select(bgt.c.orig_quota_id, func.sum(signed_amount()))
                          .where(*in_year, bgt.c.orig_quota_id.in_(ids), bgt.c.kind.in_(("追加", "调减")))
                          .group_by(bgt.c.orig_quota_id))]:
        adjusted[quota_id] = adjusted.get(quota_id, 0) + int(amount)
    paid_in_year = (pay.c.region_code == region, pay.c.pay_date >= dt.date(year, 1, 1), pay.c.pay_date <= day)
    out = []
    for quota_id, paid, unit in conn.execute(
            select(pay.c.quota_id, func.sum(pay.c.amount_fen), func.max(pay.c.unit_code))
            .where(*paid_in_year, pay.c.quota_id.in_(ids)).group_by(pay.c.quota_id)):
        if quota_id not in adjusted or int(paid) <= adjusted[quota_id]:
            continue
        excess = int(paid) - adjusted[quota_id]
        vouchers = conn.execute(select(pay.c.voucher_no).where(*paid_in_year, pay.c.quota_id == quota_id,
                                                               pay.c.amount_fen > 0)
                                .order_by(pay.c.amount_fen.desc(), pay.c.voucher_no)
                                .limit(tests.EVIDENCE_LIMIT)).scalars().all()
        name = ctx.names.unit(unit)
        message = (f"指标 {quota_id}（{name}）调整后金额 {tests.yuan(adjusted[quota_id])} 元，截至 {day} 本年累计支付 "
                   f"{tests.yuan(int(paid))} 元，超出 {tests.yuan(excess)} 元")
        out.append(graded(rule, "quota", f"{region}/{year}/{quota_id}", message, [f"{region}/{v}" for v in vouchers],
                          {"over_amount_yuan": excess}, subject_name=f"{name} 指标 {quota_id}", region_code=region,
                          unit_code=unit))
    return [f for f in out if f is not None]


# --- a unit's year -------------------------------------------------------------------------------------

MONTH_END = "每月最后一天"


def _month_end(ctx: Context) -> pd.DataFrame:
    day = ctx.day
    if day.day != calendar.monthrange(day.year, day.month)[1]:
        raise Skipped(f"按年度统计的规则在{MONTH_END}评估")
    return ctx.once("year_to_date", ctx.year_to_date)


def round_amount(ctx: Context, rule: Rule) -> list[Finding]:
    multiple = rule.thresholds["region_share_multiple"].firing
    found = tests.round_amounts(_month_end(ctx), min_amount_fen=rule.param("min_amount_yuan"),
                                round_fen=rule.param("round_unit_yuan"), multiple=multiple)
    # graded on the unit's share ÷ the region's share (the frame's threshold is the region's share × multiple)
    ratios = [f * float(multiple) / t if t else None for f, t in zip(found["figure"], found["threshold"])]
    return from_frame(rule, found, ctx.names, grade_by="region_share_multiple", figures=ratios)


def payee_concentration(ctx: Context, rule: Rule) -> list[Finding]:
    found = tests.payee_concentration(_month_end(ctx), hhi=rule.thresholds["hhi"].firing,
                                      min_vouchers=rule.param("min_vouchers_count"),
                                      min_spent_fen=rule.param("min_spent_yuan"))
    return from_frame(rule, found, ctx.names, grade_by="hhi")


def benford(ctx: Context, rule: Rule) -> list[Finding]:
    found = tests.benford_units(_month_end(ctx), min_vouchers=rule.param("min_vouchers_count"),
                                min_amount_fen=rule.param("min_amount_yuan"),
                                mad=rule.thresholds["first_two_mad"].firing)
    return from_frame(rule, found, ctx.names, grade_by="first_two_mad")


EVALUATORS = {
    "PAY_OVER_QUOTA": Evaluator(pay_over_quota, "当日支付或调减涉及的指标：本年累计支付与调整后金额", DAILY),
    "DUP_PAY": Evaluator(dup_pay, "当日凭证与此前 window_days 天的凭证", DAILY),
    "DUP_SAME_AMOUNT_DATE_DIFF_PAYEE": Evaluator(same_day_variants, "当日凭证", DAILY),
    "DUP_SAME_PAYEE_DATE_DIFF_AMOUNT": Evaluator(same_day_variants, "当日凭证", DAILY),
    "DUP_SAME_ACCOUNT_DIFF_NAME": Evaluator(account_names, "当日凭证与已登记的收款人（账号、名称、首次付款）", DAILY),
    "SPLIT_PAY": Evaluator(split_pay, "当日凭证与此前 window_days 天的凭证", DAILY),
    "JUST_BELOW": Evaluator(just_below, "当日凭证", DAILY),
    "ROUND_AMOUNT": Evaluator(round_amount, "本年 1 月 1 日至当日的凭证", MONTH_END),
    "OFF_DAY_PAY": Evaluator(off_day_pay, "当日凭证与法定节假日日历（含调休）", DAILY),
    "NEW_PAYEE_LARGE": Evaluator(new_payee_large, "当日凭证与已登记的收款人首次付款日期", DAILY),
    "PAYEE_CONCENTRATION": Evaluator(payee_concentration, "本年 1 月 1 日至当日的凭证", MONTH_END),
    "BENFORD": Evaluator(benford, "本年 1 月 1 日至当日的凭证", MONTH_END),
}
