"""ML_OUTLIER: the k highest anomaly scores among D's vouchers, from a model of the twelve months before D's month.

One model scores every business date of a month: it is trained on the first evaluation of the month and kept
in the store (alert_model), so a day costs its own scoring and re-evaluating a date gives the same scores. A
model is the sum of what each of its twelve months adds (alerts.ml.Piece, kept per month in alert_ml_month:
computed once from that month's vouchers) plus the features of its last month's vouchers; so training reads
about two months of vouchers, not a year. A span of dates scores each month's dates in one pass.

What was learnt from vouchers dated D or later is forgotten when D's vouchers may have changed (`forget`).
"""
from __future__ import annotations

import datetime as dt
import pickle

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from alerts.context import DAILY, Context, Evaluator, Skipped, Span
from alerts.findings import Finding, shown
from alerts.rules import Rule
from alerts.tables import alert_ml_month, alert_model
from alerts.vouchers import read_window

TRAINING_MONTHS = 12
MIN_TRAINING_VOUCHERS = 1000


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_before(month: dt.date, n: int) -> list[dt.date]:
    """The n months before `month`, oldest first."""
    out, m = [], month
    for _ in range(n):
        m = month_of(m - dt.timedelta(days=1))
        out.append(m)
    return out[::-1]


def _next_month(month: dt.date) -> dt.date:
    return month_of(month + dt.timedelta(days=32))


def _window(engine, vouchers, start: dt.date, end: dt.date) -> pd.DataFrame:
    """PAY rows of [start, end]: from the vouchers in memory when they cover it, else from the store."""
    if vouchers is not None and vouchers.start <= start and end <= vouchers.end:
        return vouchers.window(start, end)
    return read_window(engine, start, end)


def piece_of(engine, month: dt.date, vouchers=None):
    """What `month`'s vouchers add to a model: stored, else computed and stored."""
    from alerts import ml

    with engine.connect() as conn:
        blob = conn.scalar(select(alert_ml_month.c.piece).where(alert_ml_month.c.month == month))
    if blob is not None:
        return pickle.loads(blob)
    piece = ml.month_pieces(_window(engine, vouchers, month, _next_month(month) - dt.timedelta(days=1)))
    piece = piece[0] if piece else ml.Piece.of(ml._counted(ml._EMPTY))
    try:
        with engine.begin() as conn:
            conn.execute(insert(alert_ml_month).values(month=month, computed_at=dt.datetime.now(),
                                                       vouchers=piece.vouchers,
                                                       piece=pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL)))
    except IntegrityError:  # another process (a span's other part) stored the same piece meanwhile
        pass
    return piece


def train_month(engine, month: dt.date, limit_fen: int, vouchers=None, described=None):
    """Train and store the model that scores `month`'s dates; None when the history is too short. `described`:
    the features of the previous month's vouchers as they were scored (a span that scored that whole month
    hands them on), else computed here — the same, since that month's model's memory is the sum of the pieces."""
    from alerts import ml  # the model is imported only when there is something to learn

    months = _months_before(month, TRAINING_MONTHS + 1)  # and the month before them: the previous model's
    pieces = [piece_of(engine, m, vouchers) for m in months]
    if sum(p.vouchers for p in pieces[1:]) < MIN_TRAINING_VOUCHERS:
        return None
    last = months[-1]
    if described is None:
        recent = _window(engine, vouchers, last - dt.timedelta(days=ml.RECENT_DAYS), month - dt.timedelta(days=1))
        described = ml.described_month(pieces[:-1], limit_fen, recent, last)
    model = ml.train(pieces[1:], described, month, limit_fen=limit_fen)
    with engine.begin() as conn:
        conn.execute(delete(alert_model).where(alert_model.c.month == month))
        conn.execute(insert(alert_model).values(month=month, trained_at=dt.datetime.now(), trained_from=months[1],
                                                trained_through=month - dt.timedelta(days=1),
                                                vouchers=sum(p.vouchers for p in pieces[1:]),
                                                model=pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)))
    return model


def forget(engine, since: dt.date) -> None:
    """Forget what was learnt from vouchers dated `since` or later: the pieces of its month and the months
    after, and the models of the months after it (trained on them)."""
    with engine.begin() as conn:
        conn.execute(delete(alert_ml_month).where(alert_ml_month.c.month >= month_of(since)))
        conn.execute(delete(alert_model).where(alert_model.c.month > since))


_loaded: dict = {}  # store → (month, trained_at, model): the model in use, unpickled once, not every day


def model_for(engine, day: dt.date, limit_fen: int, vouchers=None, described=None):
    """The model of `day`'s month: stored, else trained (train_month) — and trained again when stored by an older
    definition (a feature added since has no tail in it)."""
    from alerts import ml

    month, store = month_of(day), str(engine.url)
    with engine.connect() as conn:
        trained_at = conn.scalar(select(alert_model.c.trained_at).where(alert_model.c.month == month))
        if trained_at is not None and _loaded.get(store, (None, None, None))[:2] == (month, trained_at):
            return _loaded[store][2]
        blob = conn.scalar(select(alert_model.c.model).where(alert_model.c.month == month))
    model = pickle.loads(blob) if blob is not None else None
    if model is None or list(model.tails) != ml.FEATURE_NAMES or getattr(model, "version", 1) != ml.MODEL_VERSION:
        model = train_month(engine, month, limit_fen, vouchers, described)
    if model is None:
        raise Skipped(f"{month:%Y-%m} 之前 {TRAINING_MONTHS} 个月的凭证不足 {MIN_TRAINING_VOUCHERS} 笔，无法训练模型")
    with engine.connect() as conn:
        trained_at = conn.scalar(select(alert_model.c.trained_at).where(alert_model.c.month == month))
    _loaded[store] = (month, trained_at, model)
    return model


def _findings(ctx: Context, rule: Rule, scored: pd.DataFrame) -> list[Finding]:
    """The day's top k (scored: one day's ranked vouchers)."""
    top = scored[scored["rank"] <= rule.param("top_count")]
    if top.empty:
        return []
    cut = float(top["score"].iloc[-1])
    out = []
    for r in top.itertuples(index=False):
        message = (f"异常得分 {r.score:.4f}，当日 {len(scored)} 笔凭证中排第 {r.rank} 位，金额 {r.amount_fen / 100:,.2f} 元；"
                   f"主要原因：{r.reason_text or '综合特征'}")
        out.append(Finding(rule.id, "voucher", r.ref, rule.severity, shown("index", r.score), shown("index", cut), "index",
                           message, (r.ref,), subject_name=ctx.names.unit(r.unit_code), region_code=r.region_code,
                           unit_code=r.unit_code))
    return out


DESCRIBED = "ml_described"  # span cache: (month, its vouchers' features as scored), for the next month's model


def _score(ctx: Context, rule: Rule, days: list[dt.date]) -> tuple[dict, dict]:
    """Findings of `days` (one month, with vouchers), scored together."""
    from alerts import ml

    limit = ctx.rules.param("procurement_limit_yuan")
    month = month_of(days[0])
    before, described = ctx.cache.pop(DESCRIBED, (None, None))
    try:
        model = model_for(ctx.engine, days[0], limit, ctx.vouchers,
                          described if before == month_of(month - dt.timedelta(days=1)) else None)
    except Skipped as e:
        return {}, {day: str(e) for day in days}
    frame = ctx.vouchers.window(days[0] - dt.timedelta(days=ml.RECENT_DAYS), days[-1])
    v, features = ml.describe(model.memory, model.limit_fen, frame, days[0])
    if ctx.span_days and ctx.span_days[0] <= month and _next_month(month) <= ctx.span_days[-1] + dt.timedelta(days=1):
        ctx.cache[DESCRIBED] = (month, features)  # the whole month: the next month's model learns from it
    scored = ml.rank(model, v, features, explain_top=rule.param("top_count"))
    found = {day: [] for day in days}
    for day, part in scored.groupby(scored["pay_date"].dt.date):
        found[day] = _findings(ctx, rule, part)
    return found, {}


def ml_outlier(ctx: Context, rule: Rule) -> list[Finding]:
    if not (ctx.today()["amount_fen"] > 0).any():
        return []
    found, skipped = _score(ctx, rule, [ctx.day])
    if skipped:
        raise Skipped(skipped[ctx.day])
    return found[ctx.day]


def ml_outlier_span(span: Span, rule: Rule):
    """Each month's dates with vouchers scored in one pass, each described as if read alone (a voucher refunded
    in full on a later date still counts before it: alerts.ml._counted). A date without vouchers has no finding."""
    frame = span.on_days()
    paid = set(frame.loc[frame["amount_fen"] > 0, "pay_date"].dt.date)
    found, skipped = {day: [] for day in span.days}, {}
    months: dict[dt.date, list[dt.date]] = {}
    for day in span.days:
        if day in paid:
            months.setdefault(month_of(day), []).append(day)
    for days in months.values():
        month_found, month_skipped = _score(span.context(days[0]), rule, days)
        found.update(month_found)
        skipped.update(month_skipped)
        for day in month_skipped:
            found.pop(day, None)
    return found, skipped


EVALUATORS = {"ML_OUTLIER": Evaluator(ml_outlier, f"当日凭证，由当月模型评分（模型以月初前 {TRAINING_MONTHS} 个月的凭证训练）",
                                       DAILY, ml_outlier_span, apart=True)}
