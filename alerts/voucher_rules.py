"""The rules that read vouchers, evaluated for business date D on D's vouchers against the window they need.

A payment test runs on [D − window, D] and keeps what involves a voucher dated D: a pair or group found on an
earlier date was recorded then, and one that a D voucher extends is the same subject again (same alert, new
evidence). A unit's patterns over year Y (ROUND_AMOUNT, PAYEE_CONCENTRATION, BENFORD) are statistics of
thousands of vouchers that move slowly; they are evaluated on the last day of each month over [Y-01-01, D], so
that a day costs what its window costs and the year is read twelve times a year, not every day.

A span of dates (a year re-evaluated) runs the same per-date functions, but only on the dates where a finding
is possible and on the vouchers that could be part of one (DUP_PAY: accounts paid the same amount twice within
the window; SPLIT_PAY: a unit's sub-limit payments to an account adding up to the limit within the window …),
told apart beforehand on the span's vouchers in one pass: a span gives exactly what its dates one by one give.
"""
from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from alerts import payees
from alerts import payment_tests as tests
from alerts.context import DAILY, Context, Evaluator, Skipped, Span
from alerts.findings import Finding, from_frame, graded
from alerts.rules import Rule, RuleSet
from alerts.vouchers import frame_of
from indicators.facts import pay_sums, signed_amount
from warehouse.db import writing
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
    records D's first payments on the first call. Inside a span, read from what the span recorded at once."""
    if ("payees", "span") in ctx.cache:
        return ctx.once(("payees", ctx.day), lambda: _payees_as_of(ctx.cache[("payees", "span")], ctx.day))

    def compute():
        candidates = payees.first_payments(tests.counted_vouchers(ctx.today()))
        with writing(ctx.engine).begin() as conn:  # reads, then writes: the write lock at BEGIN
            payees.seed(conn, ctx.day - dt.timedelta(days=1))
            stored = payees.known(conn, candidates["payee_account"])
            payees.record(conn, candidates, stored)
        return stored, candidates
    return ctx.once(("payees", ctx.day), compute)


def seed_payees(span: Span) -> None:
    """The first payments before the span, read from the store's history on its first evaluation (a long write:
    done before a rule is forked, alerts.engine)."""
    with writing(span.engine).begin() as conn:
        payees.seed(conn, span.since - dt.timedelta(days=1))


def payee_history_span(span: Span) -> None:
    """The first payments of the span's dates, recorded at once: each (account, name) pair's first voucher of
    each date (as that date alone would give it), the earliest recorded. Kept for payee_history's per-date view.
    The payees before the span are seeded (seed_payees)."""
    counted = span.once("counted_days", lambda: tests.counted_vouchers(span.on_days(), same_day=True))
    candidates = payees.first_payments(counted, per_day=True)
    with writing(span.engine).begin() as conn:  # the ML ranking may be writing from its own process: a short wait
        stored = payees.known(conn, candidates["payee_account"])
        payees.record(conn, candidates.drop_duplicates(["payee_account", "payee_name"]), stored)
    span.cache[("payees", "span")] = (stored, candidates)


def _payees_as_of(recorded: tuple[pd.DataFrame, pd.DataFrame], day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What payee_history gives on `day` evaluated alone after the span's earlier dates: the stored rows of
    the day's accounts (before the span, and the span's first payments before the day), and the candidates."""
    stored, candidates = recorded
    at = pd.Timestamp(day)
    today = candidates[candidates["pay_date"] == at].reset_index(drop=True)
    accounts = set(today["payee_account"])
    earlier = candidates[(candidates["pay_date"] < at) & candidates["payee_account"].isin(accounts)]
    earlier = earlier.drop_duplicates(["payee_account", "payee_name"])
    mine = stored[stored["payee_account"].isin(accounts)]
    both = pd.concat([mine, earlier[mine.columns.intersection(earlier.columns)]], ignore_index=True)
    both = both.sort_values("pay_date", kind="stable").drop_duplicates(["payee_account", "payee_name"])
    return both.reset_index(drop=True), today


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
    sums = pay_sums(dt.date(year, 1, 1), day, {"region_code": [region], "quota_id": ids})  # the kept sums of PAY
    out = []
    for quota_id, paid, unit in conn.execute(
            select(sums.c.quota_id, func.sum(sums.c.amount_fen), func.max(sums.c.unit_code)).group_by(sums.c.quota_id)):
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
    """The counted vouchers of [Y-01-01, D] on a month end (read once for the three rules)."""
    day = ctx.day
    if not is_month_end(day):
        raise Skipped(f"按年度统计的规则在{MONTH_END}评估")
    return ctx.once(("year_to_date", day), lambda: tests.counted_vouchers(ctx.year_to_date()))


def is_month_end(day: dt.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


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


# --- a span of dates ----------------------------------------------------------------------------------

def per_day(run, span: Span, rule: Rule, days, vouchers=None) -> tuple[dict, dict]:
    """run(ctx, rule) on `days` only, reading `vouchers` (default: the span's); every other date of the span
    gives no finding. Returns ({date: findings}, {date: why skipped})."""
    found, skipped = {day: [] for day in span.days}, {}
    for day in sorted(days):
        ctx = span.context(day)
        if vouchers is not None:
            ctx.vouchers = vouchers
        try:
            found[day] = run(ctx, rule)
        except Skipped as e:
            del found[day]
            skipped[day] = str(e)
    return found, skipped


def _loaded(span: Span) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The span's loaded PAY rows (from the look-back on), their amounts and day numbers."""
    frame = span.vouchers.frame
    return frame, frame["amount_fen"].to_numpy(), frame["pay_date"].to_numpy("datetime64[D]").astype(np.int64)


def _dates(span: Span, frame: pd.DataFrame, keep: np.ndarray) -> set[dt.date]:
    days = pd.to_datetime(frame.loc[keep, "pay_date"]).dt.date
    return {d for d in days.unique() if span.since <= d <= span.until}


def _marked(span: Span, rule: Rule, run, keep: np.ndarray):
    """run on the dates holding a marked row, reading the marked rows (and their refunds) only."""
    frame = span.vouchers.frame
    return per_day(run, span, rule, _dates(span, frame, keep), span.vouchers.subset(keep))


def dup_pay_span(span: Span, rule: Rule):
    """Only accounts paid the same amount twice within the window can make a pair."""
    frame, amount, day = _loaded(span)
    rows = np.flatnonzero(amount >= max(rule.param("min_amount_yuan"), 1))
    key = tests.group_codes(frame.iloc[rows], ["payee_account", "amount_fen"])
    order = np.lexsort((day[rows], key))
    rows, key, days = rows[order], key[order], day[rows][order]
    pair = (key[1:] == key[:-1]) & (days[1:] - days[:-1] <= rule.param("window_days"))
    keep = np.zeros(len(frame), dtype=bool)
    keep[rows[1:][pair]] = keep[rows[:-1][pair]] = True
    return _marked(span, rule, dup_pay, keep)


def split_pay_span(span: Span, rule: Rule):
    """Only a unit's sub-limit payments to an account that reach the limit within the window can be split."""
    frame, amount, day = _loaded(span)
    limit, window = rule.param("procurement_limit_yuan"), rule.param("window_days")
    rows = np.flatnonzero((amount > 0) & (amount < limit))
    group = tests.group_codes(frame.iloc[rows], ["unit_code", "payee_account"])
    order = np.lexsort((day[rows], group))
    rows, group, days = rows[order], group[order], day[rows][order]
    lo, hi = tests.window_bounds(group, days, 0, window)
    cumulative = np.concatenate([[0], np.cumsum(amount[rows])])
    hit = np.flatnonzero((hi - lo >= rule.param("min_vouchers_count")) & (cumulative[hi] - cumulative[lo] >= limit))
    inside = np.zeros(len(rows) + 1, dtype=np.int64)
    np.add.at(inside, lo[hit], 1)
    np.add.at(inside, hi[hit], -1)
    keep = np.zeros(len(frame), dtype=bool)
    keep[rows[np.cumsum(inside)[:-1] > 0]] = True
    return _marked(span, rule, split_pay, keep)


def just_below_span(span: Span, rule: Rule):
    frame, amount, _ = _loaded(span)
    limit = rule.param("procurement_limit_yuan")
    return _marked(span, rule, just_below, (amount >= tests.band_floor(limit, rule.param("band_pct"))) & (amount < limit))


def off_day_span(span: Span, rule: Rule):
    frame, amount, _ = _loaded(span)
    keep = amount >= rule.thresholds["amount_yuan"].firing
    keep[keep] = ~tests.is_working_day(frame.loc[keep, "pay_date"]).to_numpy(dtype=bool)
    return _marked(span, rule, off_day_pay, keep)


def same_day_variants_span(span: Span, rule: Rule):
    """Only a unit's vouchers alike in the rule's columns on one day can make a group."""
    frame, amount, _ = _loaded(span)
    same = tests.SAME_SAME_DIFFERENT[rule.id][0]
    keep = amount >= max(rule.param("min_amount_yuan"), 1)
    keep[keep] = frame.loc[keep].duplicated(same, keep=False).to_numpy()
    return _marked(span, rule, same_day_variants, keep)


def _first_days(span: Span) -> tuple[pd.Series, pd.DataFrame]:
    """(account → the date of its first payment as the span's dates record it, the span's candidates)."""
    stored, candidates = span.cache[("payees", "span")]
    dates = pd.concat([stored[["payee_account", "pay_date"]], candidates[["payee_account", "pay_date"]]])
    dates["pay_date"] = pd.to_datetime(dates["pay_date"])
    return dates.groupby("payee_account")["pay_date"].min(), candidates


def new_payee_large_span(span: Span, rule: Rule):
    """Only dates on which an account is paid for the first time, at least the threshold."""
    first, _ = _first_days(span)
    counted = span.once("counted_days", lambda: tests.counted_vouchers(span.on_days(), same_day=True))
    large = counted[counted["amount_fen"] >= rule.thresholds["amount_yuan"].firing]
    new = large[["payee_account", "pay_date"]].merge(first.rename("first").reset_index(), on="payee_account")
    days = {d.date() for d, f in zip(new["pay_date"], new["first"]) if pd.Timestamp(d) == pd.Timestamp(f)}
    return per_day(new_payee_large, span, rule, days)


def account_names_span(span: Span, rule: Rule):
    """Only dates on which a pair (account, name) is first paid while the account has another name by then."""
    first, candidates = _first_days(span)
    stored = span.cache[("payees", "span")][0]
    pairs = pd.concat([stored[["payee_account", "payee_name", "pay_date"]],
                       candidates[["payee_account", "payee_name", "pay_date"]]]) \
        .groupby(["payee_account", "payee_name"])["pay_date"].min().reset_index()
    days = set()
    for account, names in pairs[pairs["payee_account"].duplicated(keep=False)].groupby("payee_account"):
        dates = names["pay_date"].sort_values()
        days.update(d.date() for d in dates.iloc[1:] if span.since <= d.date() <= span.until)
    return per_day(account_names, span, rule, days)


def pay_over_quota_span(span: Span, rule: Rule):
    """The dates on which a quota paid or reduced that day is over its adjusted amount, found on the year's
    sums for every date at once; pay_over_quota then checks and writes those dates."""
    over = _over_quota_dates(span)
    frame = span.vouchers.frame
    keep = pd.MultiIndex.from_arrays([frame["region_code"], frame["quota_id"]]).isin(
        list({(r, q) for r, q, _ in over}))
    with span.engine.connect() as conn:
        reduced = set(conn.execute(select(bgt.c.issued_date).where(
            bgt.c.year == span.since.year, bgt.c.orig_quota_id.is_not(None), bgt.c.issued_date >= span.since,
            bgt.c.issued_date <= span.until).distinct()).scalars())
    return per_day(pay_over_quota, span, rule, {d for _, _, d in over} | reduced, span.vouchers.subset(keep))


def _over_quota_dates(span: Span) -> set[tuple[str, str, dt.date]]:
    """(region, quota, date) where the quota's payments of the year up to the date exceed its adjusted amount
    then (the sums pay_over_quota checks, here for every date of the span at once: the year's payments before
    the span from the kept sums, the span's from its vouchers)."""
    frame = span.vouchers.frame
    year_start = dt.date(span.since.year, 1, 1)
    with span.engine.connect() as conn:
        sums = pay_sums(year_start, span.since - dt.timedelta(days=1))
        before = frame_of(conn.execute(select(sums.c.region_code, sums.c.quota_id, func.sum(sums.c.amount_fen))
                                       .group_by(sums.c.region_code, sums.c.quota_id)).all(),
                          ["region_code", "quota_id", "amount_fen"]) if span.since > year_start else None
    within = frame[frame["pay_date"] >= pd.Timestamp(span.since)][["region_code", "quota_id", "pay_date", "amount_fen"]]
    if before is not None and len(before):
        before["amount_fen"] = before["amount_fen"].astype("int64")
        within = pd.concat([before.assign(pay_date=pd.Timestamp(span.since) - pd.Timedelta(days=1)), within])
    paid = within.groupby(["region_code", "quota_id", "pay_date"])["amount_fen"].sum().groupby(level=[0, 1]).cumsum()
    paid = paid.reset_index(name="paid")
    with span.engine.connect() as conn:
        rows = frame_of(conn.execute(
            select(bgt.c.region_code, bgt.c.quota_id, bgt.c.orig_quota_id, bgt.c.kind, bgt.c.issued_date,
                   signed_amount().label("amount"))
            .where(bgt.c.year == span.since.year, bgt.c.issued_date <= span.until)).all(),
            ["region_code", "quota_id", "orig_quota_id", "kind", "issued_date", "amount"])
    named = rows[rows["orig_quota_id"].notna() & rows["kind"].isin(("追加", "调减"))]
    budget = pd.concat([rows[["region_code", "quota_id", "issued_date", "amount"]],
                        named.assign(quota_id=named["orig_quota_id"])[["region_code", "quota_id", "issued_date",
                                                                           "amount"]]])
    budget["pay_date"] = pd.to_datetime(budget["issued_date"])
    budget = budget.groupby(["region_code", "quota_id", "pay_date"])["amount"].sum().groupby(level=[0, 1]).cumsum()
    budget = budget.reset_index(name="adjusted").sort_values("pay_date")
    reductions = named.assign(quota_id=named["orig_quota_id"], pay_date=pd.to_datetime(named["issued_date"]))
    events = pd.concat([paid[["region_code", "quota_id", "pay_date"]],
                        reductions[["region_code", "quota_id", "pay_date"]]]).drop_duplicates()
    for part in (paid, budget, events):  # one type per key for the as-of joins
        part["pay_date"] = part["pay_date"].astype("datetime64[ns]")
        for key in ("region_code", "quota_id"):
            part[key] = part[key].astype(str)
    events = events[events["pay_date"] >= pd.Timestamp(span.since)].sort_values("pay_date")
    events = pd.merge_asof(events, paid.sort_values("pay_date"), on="pay_date", by=["region_code", "quota_id"])
    events = pd.merge_asof(events, budget, on="pay_date", by=["region_code", "quota_id"])
    over = events[events["adjusted"].notna() & (events["paid"].fillna(0) > events["adjusted"])]
    return {(r, q, d.date()) for r, q, d in zip(over["region_code"], over["quota_id"], over["pay_date"])}


EVALUATORS = {
    "PAY_OVER_QUOTA": Evaluator(pay_over_quota, "当日支付或调减涉及的指标：本年累计支付与调整后金额", DAILY,
                                pay_over_quota_span),
    "DUP_PAY": Evaluator(dup_pay, "当日凭证与此前 window_days 天的凭证", DAILY, dup_pay_span),
    "DUP_SAME_AMOUNT_DATE_DIFF_PAYEE": Evaluator(same_day_variants, "当日凭证", DAILY, same_day_variants_span),
    "DUP_SAME_PAYEE_DATE_DIFF_AMOUNT": Evaluator(same_day_variants, "当日凭证", DAILY, same_day_variants_span),
    "DUP_SAME_ACCOUNT_DIFF_NAME": Evaluator(account_names, "当日凭证与已登记的收款人（账号、名称、首次付款）", DAILY,
                                            account_names_span),
    "SPLIT_PAY": Evaluator(split_pay, "当日凭证与此前 window_days 天的凭证", DAILY, split_pay_span),
    "JUST_BELOW": Evaluator(just_below, "当日凭证", DAILY, just_below_span),
    "ROUND_AMOUNT": Evaluator(round_amount, "本年 1 月 1 日至当日的凭证", MONTH_END),
    "OFF_DAY_PAY": Evaluator(off_day_pay, "当日凭证与法定节假日日历（含调休）", DAILY, off_day_span),
    "NEW_PAYEE_LARGE": Evaluator(new_payee_large, "当日凭证与已登记的收款人首次付款日期", DAILY, new_payee_large_span),
    "PAYEE_CONCENTRATION": Evaluator(payee_concentration, "本年 1 月 1 日至当日的凭证", MONTH_END),
    "BENFORD": Evaluator(benford, "本年 1 月 1 日至当日的凭证", MONTH_END),
}
