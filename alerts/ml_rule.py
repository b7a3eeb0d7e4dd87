"""ML_OUTLIER: the k highest anomaly scores among D's vouchers, from a model of the year before D's month.

One model scores every business date of a month: it is trained on the first evaluation of the month, on the
vouchers of the TRAINING_DAYS before the month's first day, and kept in the store (alert_model), so a day
costs its own scoring and re-evaluating a date gives the same scores. The model remembers what it needs of
its history (payee ages and counts, typical amounts); the 30 days before D give the repeat windows.
"""
from __future__ import annotations

import datetime as dt
import pickle

import pandas as pd

from sqlalchemy import delete, insert, select

from alerts.context import DAILY, Context, Evaluator, Skipped
from alerts.findings import Finding, shown
from alerts.rules import Rule
from alerts.tables import alert_model
from alerts.vouchers import read_window

TRAINING_DAYS = 365
MIN_TRAINING_VOUCHERS = 1000


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def train_month(engine, month: dt.date, limit_fen: int):
    """Train and store the model that scores `month`'s dates; None when the history is too short."""
    start, end = month - dt.timedelta(days=TRAINING_DAYS), month - dt.timedelta(days=1)
    history = read_window(engine, start, end)
    if int((history["amount_fen"] > 0).sum()) < MIN_TRAINING_VOUCHERS:
        return None
    from alerts import ml  # scikit-learn is imported only when there is something to learn
    model = ml.train_model(history, limit_fen=limit_fen)
    with engine.begin() as conn:
        conn.execute(delete(alert_model).where(alert_model.c.month == month))
        conn.execute(insert(alert_model).values(month=month, trained_at=dt.datetime.now(), trained_from=start,
                                                trained_through=end, vouchers=len(history),
                                                model=pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)))
    return model


def forget_models(engine, start: dt.date, end: dt.date) -> None:
    """Drop the models of the months in [start, end] (a backfill trains them again)."""
    with engine.begin() as conn:
        conn.execute(delete(alert_model).where(alert_model.c.month >= month_of(start), alert_model.c.month <= end))


_loaded: dict = {}  # store → (month, trained_at, model): the model in use, unpickled once, not every day


def model_for(ctx: Context, limit_fen: int):
    month, store = month_of(ctx.day), str(ctx.engine.url)
    with ctx.engine.connect() as conn:
        trained_at = conn.scalar(select(alert_model.c.trained_at).where(alert_model.c.month == month))
        if trained_at is not None and _loaded.get(store, (None, None, None))[:2] == (month, trained_at):
            return _loaded[store][2]
        blob = conn.scalar(select(alert_model.c.model).where(alert_model.c.month == month))
    model = pickle.loads(blob) if blob is not None else train_month(ctx.engine, month, limit_fen)
    if model is None:
        raise Skipped(f"{month:%Y-%m} 之前 {TRAINING_DAYS} 天的凭证不足 {MIN_TRAINING_VOUCHERS} 笔，无法训练模型")
    if blob is not None:
        _loaded[store] = (month, trained_at, model)
    return model


def ml_outlier(ctx: Context, rule: Rule) -> list[Finding]:
    today = ctx.today()
    if not (today["amount_fen"] > 0).any():
        return []
    model = model_for(ctx, ctx.rules.param("procurement_limit_yuan"))
    from alerts import ml
    k = rule.param("top_count")
    recent = ctx.recent(ml.RECENT_DAYS)
    recent = recent[recent["pay_date"] < pd.Timestamp(ctx.day)]
    scored = ml.score_vouchers(model, today, recent=recent, explain_top=k)
    top = scored.head(k)
    if top.empty:
        return []
    cut = float(top["score"].iloc[-1])
    out = []
    for r in top.itertuples(index=False):
        message = (f"异常得分 {r.score:.4f}，当日 {len(scored)} 笔凭证中排第 {r.rank} 位，金额 {r.amount_fen / 100:,.2f} 元；"
                   f"主要原因：{r.reason_text or '综合特征'}")
        out.append(Finding(rule.id, "voucher", r.ref, rule.severity, shown("index", r.score), shown("index", cut), "index", message,
                           (r.ref,), subject_name=ctx.names.unit(r.unit_code), region_code=r.region_code,
                           unit_code=r.unit_code))
    return out


EVALUATORS = {"ML_OUTLIER": Evaluator(ml_outlier, f"当日凭证，由当月模型评分（模型以月初前 {TRAINING_DAYS} 天的凭证训练）",
                                       DAILY)}
