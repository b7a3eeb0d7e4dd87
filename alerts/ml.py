"""ML ranking of vouchers: how surprising each new voucher is, given what a model learnt from the year before.

Each feature asks one question an auditor asks of a payment, oriented so that larger is stranger: an amount far
above what the payee is usually paid, or above what the economic code usually pays; a payee paid under an
economic code it is (almost) never paid under and that payees like it are not paid under either; one unit
paying one payee more often than it ever does; the same amount again; a payee never paid before, or never by
this unit (a first payment a unit makes, even to a payee known elsewhere, is what an auditor checks); an off day;
a round sum; a run of payments under the procurement limit adding up, beyond what the unit usually pays the
payee, to near or past the limit.

The model (chosen by measurement on the demo city, docs/alerts.md) is a histogram-based outlier score: for
each feature, the share of the training vouchers at least as extreme (one-sided tail probability); a
feature's contribution is −log10 of it, and a voucher's score is its strongest contribution plus
W_OTHERS × the others'. It reads like the questions above — one very strange answer outranks several
mildly odd ones — and every contribution is the reason shown, in Chinese, without re-scoring.

The tail probabilities are those of the last month's vouchers as they were described when that month was
scored (against the previous month's model's memory), so a year re-evaluated reuses the features it has just
computed. They are robust to the anomalies in that month itself: its vouchers are scored once, the TRIM most
anomalous of them are left out and the tails are taken from the rest — what an ordinary voucher looks like,
not one inflated by the very payments the model is meant to find.

Every feature looks backwards: the model's memory (per payee, economic code and unit–payee pair, of the
twelve months before its month) plus the vouchers since, counted by whole days (a voucher's features do not
depend on the order of the vouchers of its own day), so a voucher is described the same whether it is
scored on its day or with its whole month.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from alerts.calendar import is_working_day
from alerts.payment_tests import counted_vouchers, group_codes, refunds_by_original, voucher_ref

REPEAT_DAYS, GROUP_DAYS = 30, 7
RECENT_DAYS = REPEAT_DAYS  # days a scoring run needs before its first new voucher (the repeat windows)
MIN_HISTORY = 3  # payments of a payee before its usual amount and economic codes mean something
SD_FLOOR = 0.15  # log10 spread below which an economic code's amounts count as this steady
TRIM = 0.2  # share of the training month's most anomalous vouchers left out of the tail probabilities
NEAR_LIMIT = 0.8  # a run of payments counts from this share of the procurement limit on ("接近")
W_OTHERS = 0.3  # weight of the contributions other than the strongest (see the module docstring)
TRAINING_SAMPLE = 200_000  # vouchers whose features make the tail probabilities (enough for 1/200,000 tails)
_SPAN = 1 << 20  # day offsets stay below this inside composite keys
_EMPTY = pd.DataFrame({"voucher_no": pd.Series(dtype=str), "pay_date": pd.Series(dtype="datetime64[s]"),
                       "region_code": pd.Series(dtype=str), "unit_code": pd.Series(dtype=str),
                       "payee_account": pd.Series(dtype=str), "payee_name": pd.Series(dtype=str),
                       "econ_code": pd.Series(dtype=str), "amount_fen": pd.Series(dtype="int64"),
                       "orig_voucher_no": pd.Series(dtype=str)})


def _times(x) -> str:
    return f"{10 ** x:,.1f}"


# feature → (Chinese label, value text from the feature's row: see _texts)
FEATURES = {
    "amount_vs_payee": "金额远高于该收款人以往金额",
    "amount_vs_econ": "金额远高于该经济分类以往金额",
    "econ_rarity": "收款人以不常见的经济分类收款",
    "repeat_excess": f"{GROUP_DAYS} 天内本单位向同一收款人付款次数异常",
    "same_amount": f"{REPEAT_DAYS} 天内同一收款人同金额付款",
    "new_payee": "首次收款的收款人",
    "new_to_unit": "本单位首次向该收款人付款",
    "off_day": "非工作日支付",
    "roundness": "整数金额",
    "group_to_limit": f"{GROUP_DAYS} 天内本单位付同一收款人的多笔限额以下款项合计超出平常，接近或超过采购限额",
}
FEATURE_NAMES = list(FEATURES)


@dataclass(frozen=True)
class Piece:
    """What a month of counted vouchers adds to a model's memory: sums that add up across months, so a model
    of the year before a month is the sum of twelve pieces, each computed once (alerts.ml_rule keeps them)."""
    vouchers: int
    payee: pd.DataFrame  # payee_account → n, s (Σ log10 amount)
    payee_econ: pd.Series  # (payee_account, econ_code) → n
    econ: pd.DataFrame  # econ_code → n, s, ss (Σ log², for the spread)
    pair: pd.DataFrame  # "unit|payee" → n, first (day number), amount (Σ fen)

    @staticmethod
    def of(v: pd.DataFrame) -> Piece:
        """The piece of counted vouchers `v` (_counted)."""
        log = v["log"]
        return Piece(len(v), v.groupby("payee_account").agg(n=("log", "size"), s=("log", "sum")),
                     v.groupby(["payee_account", "econ_code"]).size(),
                     pd.DataFrame({"n": log.groupby(v["econ_code"]).size(), "s": log.groupby(v["econ_code"]).sum(),
                                   "ss": (log * log).groupby(v["econ_code"]).sum()}),
                     v.groupby("pair").agg(n=("day", "size"), first=("day", "min"), amount=("amount_fen", "sum")))


@dataclass(frozen=True)
class Memory:
    """What a model keeps of its training history (log10 amounts)."""
    end: int  # day number after the last training day: vouchers from here on are counted from the frame
    payee: pd.DataFrame  # payee_account → n, mean, main (its most paid economic code)
    payee_econ: pd.Series  # (payee_account, econ_code) → n
    econ: pd.DataFrame  # econ_code → mean, sd
    transition: pd.Series  # (main econ of the payee, econ_code) → −log10 P(econ | main), smoothed
    unseen_transition: float  # the same for a pair never seen
    pair: pd.DataFrame  # "unit|payee" → n, first (day number), amount (Σ fen; 0 in pieces stored without it)

    @staticmethod
    def of(pieces: list[Piece], end: int) -> Memory:
        """The memory of the months `pieces`, for vouchers from day number `end` on."""
        pieces = pieces or [Piece.of(_counted(_EMPTY))]
        payee = pd.concat([p.payee for p in pieces]).groupby(level=0).sum()
        # as columns: appending twelve MultiIndexes costs five times the sum itself
        by_code = pd.concat([p.payee_econ.rename("k").reset_index() for p in pieces], ignore_index=True) \
            .groupby(["payee_account", "econ_code"])["k"].sum().rename(None)
        econ = pd.concat([p.econ for p in pieces]).groupby(level=0).sum()
        pair = pd.concat([p.pair for p in pieces]).reindex(columns=["n", "first", "amount"]).groupby(level=0) \
            .agg({"n": "sum", "first": "min", "amount": "sum"})
        main = by_code.reset_index(name="k").sort_values(["k", "econ_code"], ascending=[False, True], kind="stable") \
            .drop_duplicates("payee_account").set_index("payee_account")["econ_code"]
        payee = pd.DataFrame({"n": payee["n"], "mean": payee["s"] / payee["n"], "main": main.reindex(payee.index)})
        moves = by_code.reset_index(name="k")
        moves = moves.groupby([moves["payee_account"].map(main), moves["econ_code"]])["k"].sum()
        codes = max(1, len(econ))
        from_main = moves.groupby(level=0).transform("sum")
        mean = econ["s"] / econ["n"]
        spread = np.sqrt(np.clip(econ["ss"] / econ["n"] - mean * mean, 0, None))
        return Memory(end, payee, by_code, pd.DataFrame({"mean": mean, "sd": spread}),
                      -np.log10((moves + 1) / (from_main + codes)), float(np.log10(codes + 1)), pair)


MODEL_VERSION = 2  # 2: tails from the last month's vouchers as they were scored, memory.end the month's first day


@dataclass(frozen=True)
class VoucherModel:
    memory: Memory
    tails: dict[str, np.ndarray]  # feature → sorted training values (its tail probabilities)
    limit_fen: int
    trained_through: dt.date
    version: int = MODEL_VERSION  # a model stored by an older definition is trained again (alerts.ml_rule)


NEVER = 1 << 40  # the `done` day of a voucher not refunded in full on a later day of its frame


def _counted(pay: pd.DataFrame, as_of_each_day: bool = False) -> pd.DataFrame:
    """Counted vouchers (alerts.payment_tests.counted_vouchers) with what the features read, by day.

    as_of_each_day, for a frame whose days are scored together: each day is described as if the frame ended on
    it, so a voucher refunded in full on a later day of the frame still counts on the days before — it is kept,
    with `done`, the day its refunds reach its amount (NEVER when they do not), and the features leave it out
    from that day on (_refunded_away)."""
    v = counted_vouchers(pay, extra=("econ_code",), same_day=as_of_each_day)
    v["econ_code"] = v["econ_code"].astype(str)
    v["log"] = np.log10(v["amount_fen"].to_numpy(dtype=float))
    v["pair"] = v["unit_code"] + "|" + v["payee_account"]
    if as_of_each_day:
        v["done"] = v["ref"].map(_full_refund_days(pay)).fillna(NEVER).astype(np.int64)
    return v.sort_values(["day", "ref"], kind="stable").reset_index(drop=True)


def _full_refund_days(pay: pd.DataFrame) -> pd.Series:
    """By voucher ref, the day number on which the refunds (of any day) reach the voucher's amount, when that
    is after its own day (a refund in full on its own day is counted_vouchers' with same_day)."""
    refunds, originals = refunds_by_original(pay)
    paid = originals & (pay["amount_fen"].to_numpy() > 0)
    if not len(refunds) or not paid.any():
        return pd.Series(dtype="int64")
    keys = ["region_code", "voucher_no"]
    paid = pay.loc[paid, [*keys, "amount_fen", "pay_date"]].drop_duplicates(keys) \
        .rename(columns={"amount_fen": "amount", "pay_date": "paid_on"})
    r = refunds.rename(columns={"pay_date": "on"}).merge(paid, on=keys, how="inner")
    r["on"], r["paid_on"] = _day_numbers(r["on"]), _day_numbers(r["paid_on"])
    r = r.sort_values("on", kind="stable")
    r["so_far"] = r.groupby(keys)["back"].cumsum()
    full = r[r["so_far"] >= r["amount"]].groupby(keys).agg(on=("on", "min"), paid_on=("paid_on", "first"))
    full = full[full["on"] > full["paid_on"]].reset_index()
    return pd.Series(full["on"].to_numpy(np.int64),
                     index=voucher_ref(full["region_code"], full["voucher_no"]).to_numpy(), dtype="int64")


def _day_numbers(dates: pd.Series) -> np.ndarray:
    return pd.to_datetime(dates).to_numpy("datetime64[D]").astype(np.int64)


def _refunded_away(frame: pd.DataFrame, key: np.ndarray, weights: np.ndarray, horizon: int | None) -> np.ndarray:
    """For each row, the count (Σ weights) of the rows with the same `key` (_keyed) that no longer count on its
    day — refunded in full on or before it (`done`) — among those dated up to `horizon` days before it (any
    earlier day when None): what _window and _earlier take away so that a day scored with later days reads as
    alone."""
    out = np.zeros(len(frame))
    if "done" not in frame.columns or not len(frame):
        return out
    done = frame["done"].to_numpy()
    gone = done < NEVER
    if not gone.any():
        return out
    base = int(frame["day"].min())
    day = frame["day"].to_numpy() - base
    start, w = done[gone] - base, np.asarray(weights, dtype=float)[gone]
    if horizon is None:  # left out from its done day on
        events, values = key[gone] + start, w
    else:  # … until its own day has left the window
        end = day[gone] + horizon + 1
        inside = end > start
        events = np.concatenate([key[gone][inside] + start[inside], key[gone][inside] + end[inside]])
        values = np.concatenate([w[inside], -w[inside]])
    order = np.argsort(events, kind="stable")
    events, cumulative = events[order], np.concatenate([[0.0], np.cumsum(values[order])])
    return cumulative[np.searchsorted(events, key + day, "right")] - cumulative[np.searchsorted(events, key, "left")]


def _keyed(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return group_codes(frame, columns).astype(np.int64) * _SPAN


def _earlier(frame: pd.DataFrame, group: np.ndarray) -> np.ndarray:
    """For each row, the rows of `frame` in the same `group` (_keyed) on earlier days (whole days)."""
    day = frame["day"].to_numpy() - int(frame["day"].min()) if len(frame) else np.zeros(0, np.int64)
    key = group + day
    ordered = np.sort(key)
    return np.searchsorted(ordered, key, "left") - np.searchsorted(ordered, key - day, "left") \
        - _refunded_away(frame, group, np.ones(len(frame)), None)


def _window(frame: pd.DataFrame, group: np.ndarray, days: int, weights=None) -> np.ndarray:
    """For each row, the count (or Σ weights) of the other rows of `frame` in the same `group` (_keyed) dated in
    [day − days, day]."""
    day = frame["day"].to_numpy() - int(frame["day"].min()) + days if len(frame) else np.zeros(0, np.int64)
    key = group + day
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    lo, hi = np.searchsorted(ordered, key - days, "left"), np.searchsorted(ordered, key, "right")
    w = np.ones(len(frame)) if weights is None else np.asarray(weights, dtype=float)
    cumulative = np.concatenate([[0.0], np.cumsum(w[order])])
    return cumulative[hi] - cumulative[lo] - w - _refunded_away(frame, group, w, days)


def voucher_features(frame: pd.DataFrame, memory: Memory, limit_fen: int) -> pd.DataFrame:
    """FEATURES (and what their texts read) of the counted vouchers `frame` (_counted): vouchers up to the
    last day to score, from RECENT_DAYS before the first; the memory covers the days before memory.end."""
    v, out = frame, pd.DataFrame(index=frame.index)
    since = v["day"].to_numpy() >= memory.end  # the vouchers after the memory, counted from the frame
    recent = v[since]
    # each grouping hashed once (strings: most of a feature's cost); a subset's rows keep their group's key
    by_payee, by_code, by_pair = (_keyed(v, c) for c in (["payee_account"], ["payee_account", "econ_code"], ["pair"]))
    earlier_payee = np.zeros(len(v))
    earlier_payee[since] = _earlier(recent, by_payee[since])
    earlier_pair = np.zeros(len(v))
    earlier_pair[since] = _earlier(recent, by_code[since])
    earlier_unit = np.zeros(len(v))
    earlier_unit[since] = _earlier(recent, by_pair[since])
    payee = memory.payee.reindex(v["payee_account"])
    n = np.nan_to_num(payee["n"].to_numpy(dtype=float)) + earlier_payee
    known = n >= MIN_HISTORY
    log = v["log"].to_numpy()
    mean = payee["mean"].to_numpy(dtype=float)
    out["amount_vs_payee"] = np.where(known & ~np.isnan(mean), np.clip(log - np.nan_to_num(mean), 0, None), 0.0)
    econ = memory.econ.reindex(v["econ_code"])
    econ_mean = econ["mean"].to_numpy(dtype=float)
    out["amount_vs_econ"] = np.clip((log - np.where(np.isnan(econ_mean), log, econ_mean))
                                    / np.maximum(np.nan_to_num(econ["sd"].to_numpy(dtype=float), nan=1.0), SD_FLOOR),
                                    0, None)
    same_code = memory.payee_econ.reindex(pd.MultiIndex.from_arrays([v["payee_account"], v["econ_code"]]))
    share = (np.nan_to_num(same_code.to_numpy(dtype=float)) + earlier_pair) / np.maximum(n, 1)
    main = payee["main"].astype(object).to_numpy()
    moves = memory.transition.reindex(pd.MultiIndex.from_arrays([main, v["econ_code"].to_numpy()]))
    surprise = np.nan_to_num(moves.to_numpy(dtype=float), nan=memory.unseen_transition)
    odd = known & pd.notna(main) & (main != v["econ_code"].to_numpy())  # not the payee's main economic code
    out["econ_rarity"] = np.where(odd, np.clip(1 - share, 0, 1) * surprise, 0.0)
    pair = memory.pair.reindex(v["pair"])
    paying = np.maximum(memory.end - np.nan_to_num(pair["first"].to_numpy(dtype=float), nan=memory.end), 60)
    rate = np.nan_to_num(pair["n"].to_numpy(dtype=float)) / paying
    volume = np.nan_to_num(pair["amount"].to_numpy(dtype=float)) / paying * GROUP_DAYS  # usual Σ in GROUP_DAYS
    repeats = _window(v, by_pair, GROUP_DAYS)
    out["repeat_excess"] = np.clip(repeats - rate * GROUP_DAYS, 0, None)
    out["same_amount"] = _window(v, _keyed(v, ["payee_account", "amount_fen"]), REPEAT_DAYS)
    out["new_payee"] = np.where(n == 0, log, 0.0)  # a payee never paid before, by the size of its first payment
    # the unit's first payment to the payee, checked even when other units pay it; a payee new to everyone answers
    # it too, which lifts it above a voucher strange on one question alone: new_payee by itself only reaches the
    # cap of a single contribution, no new payee being left in the trimmed tails
    out["new_to_unit"] = (np.nan_to_num(pair["n"].to_numpy(dtype=float)) + earlier_unit == 0).astype(float)
    days = v["pay_date"].drop_duplicates()
    working = pd.Series(is_working_day(days).to_numpy(), index=days.to_numpy())
    out["off_day"] = (~v["pay_date"].map(working).astype(bool)).astype(float).to_numpy()
    amount = v["amount_fen"].to_numpy()
    out["roundness"] = sum((amount % 10 ** k == 0).astype(float) for k in range(1, 9))
    below = amount < limit_fen
    group = _window(v, by_pair, GROUP_DAYS, np.where(below, amount, 0)) + np.where(below, amount, 0)
    run = _window(v, by_pair, GROUP_DAYS, below) > 0  # other payments under the limit: a run, not one payment
    excess = np.clip(group - volume, 0, None) / limit_fen  # the run beyond what the unit usually pays the payee
    out["group_to_limit"] = np.where(below & run & (excess >= NEAR_LIMIT), excess, 0.0)
    # what the texts read
    out["_mean"], out["_main"], out["_repeats"], out["_usual"] = mean, main, repeats, rate * GROUP_DAYS
    out["_group"], out["_volume"] = np.where(below, group, 0) / limit_fen, volume / limit_fen
    out["_econ"], out["_paid"] = v["econ_code"].to_numpy(), n
    return out


def train(pieces: list[Piece], described: pd.DataFrame, month: dt.date, *, limit_fen: int,
          seed: int = 0) -> VoucherModel:
    """The model that scores `month`: its memory is the pieces of the months before it; its tail probabilities
    are those of the features of the last of those months' vouchers as they were scored (`described`: describe()
    against the memory of the months before that one, the previous month's model's), TRIM most anomalous left
    out."""
    features = described[FEATURE_NAMES]
    if len(features) > TRAINING_SAMPLE:
        features = features.sample(TRAINING_SAMPLE, random_state=seed)
    tails = {name: np.sort(features[name].to_numpy()) for name in FEATURE_NAMES}
    if TRIM and len(features):
        first_pass = VoucherModel(memory=None, tails=tails, limit_fen=limit_fen, trained_through=None)
        score = combined(contributions(first_pass, features))
        features = features[score <= np.quantile(score, 1 - TRIM)]
        tails = {name: np.sort(features[name].to_numpy()) for name in FEATURE_NAMES}
    return VoucherModel(memory=Memory.of(pieces, _day_number(month)), tails=tails, limit_fen=limit_fen,
                        trained_through=month - dt.timedelta(days=1))


def _day_number(day: dt.date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def month_pieces(history: pd.DataFrame) -> list[Piece]:
    """The pieces of the calendar months of `history` (PAY rows with their refunds), oldest first."""
    v = _counted(history)
    month = v["pay_date"].dt.to_period("M")
    return [Piece.of(part) for _, part in v.groupby(month, sort=True)]


def train_model(history: pd.DataFrame, *, limit_fen: int, seed: int = 0) -> VoucherModel:
    """The model of the month after the PAY vouchers in `history` (with their refunds), its last calendar month
    described against the months before it."""
    dates = pd.to_datetime(history["pay_date"])
    last = dates.max()
    tail_first = dt.date(last.year, last.month, 1)
    pieces = month_pieces(history)
    tail = history[dates >= pd.Timestamp(tail_first - dt.timedelta(days=RECENT_DAYS))]
    month = (pd.Timestamp(tail_first) + pd.offsets.MonthBegin(1)).date()
    return train(pieces, described_month(pieces[:-1], limit_fen, tail, tail_first), month, limit_fen=limit_fen,
                 seed=seed)


def contributions(model: VoucherModel, features: pd.DataFrame) -> np.ndarray:
    """−log10 of each feature's one-sided tail probability among the training vouchers (n × features)."""
    out = np.empty((len(features), len(FEATURE_NAMES)))
    for j, name in enumerate(FEATURE_NAMES):
        tail = model.tails[name]
        at_least = len(tail) - np.searchsorted(tail, features[name].to_numpy(), "left")
        out[:, j] = -np.log10((at_least + 1) / (len(tail) + 1))
    return out


def combined(parts: np.ndarray) -> np.ndarray:
    strongest = parts.max(axis=1) if parts.size else np.zeros(len(parts))
    return strongest + W_OTHERS * (parts.sum(axis=1) - strongest)


def describe(memory: Memory, limit_fen: int, pay: pd.DataFrame, first: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The counted vouchers of `pay` dated from `first` on, each as of its own day, and their FEATURES against
    `memory`. `pay`: PAY rows (refunds included) from RECENT_DAYS before `first` (the memory covers what is
    older) to the last day to describe."""
    v = _counted(pay, as_of_each_day=True)
    features = voucher_features(v, memory, limit_fen)
    new = v["pay_date"].to_numpy() >= np.datetime64(first)
    return v[new], features[new]


def described_month(before: list[Piece], limit_fen: int, pay: pd.DataFrame, first: dt.date) -> pd.DataFrame:
    """The features of the month from `first` as that month's model described them (describe() against the
    memory of the pieces `before` it): what the next month's model learns its tails from (train)."""
    return describe(Memory.of(before, _day_number(first)), limit_fen, pay, first)[1]


def score_days(model: VoucherModel, pay: pd.DataFrame, first: dt.date, *, explain_top: int) -> pd.DataFrame:
    """Anomaly scores of the counted vouchers of `pay` dated from `first` on (`pay` as describe() reads it),
    each day ranked on its own, the `explain_top` highest of each day with their reasons (rank)."""
    return rank(model, *describe(model.memory, model.limit_fen, pay, first), explain_top=explain_top)


def rank(model: VoucherModel, v: pd.DataFrame, features: pd.DataFrame, *, explain_top: int) -> pd.DataFrame:
    """The described vouchers `v` (describe()) scored. Returns ref, region_code, unit_code, voucher_no, pay_date,
    amount_fen, score, rank (within its day), reasons (list of (feature, Chinese label, value text,
    contribution)) and reason_text, sorted by day and rank."""
    parts = contributions(model, features)
    out = v[["ref", "region_code", "unit_code", "voucher_no", "pay_date", "amount_fen"]].copy()
    out["score"] = combined(parts)
    out = out.sort_values(["pay_date", "score", "ref"], ascending=[True, False, True], kind="stable")
    out["rank"] = out.groupby("pay_date").cumcount() + 1
    top = out.index[out["rank"].to_numpy() <= explain_top]
    position = pd.Series(np.arange(len(v)), index=v.index).loc[top].to_numpy()
    rows = features.loc[top].to_dict("records")  # plain rows: a pandas row per explained voucher costs more
    reasons = [_reasons(parts[j], row) for j, row in zip(position, rows)]
    out["reasons"] = pd.Series(reasons, index=top, dtype=object).reindex(out.index)
    out["reason_text"] = out["reasons"].map(lambda rs: "；".join(f"{label}（{text}）" for _, label, text, _ in rs)
                                            if isinstance(rs, list) else None)
    return out.reset_index(drop=True)


def score_vouchers(model: VoucherModel, new: pd.DataFrame, *, recent: pd.DataFrame | None = None,
                   explain_top: int) -> pd.DataFrame:
    """score_days for the vouchers of `new` (one day or several), after `recent` (the RECENT_DAYS before)."""
    first = pd.to_datetime(new["pay_date"]).min()
    frame = new if recent is None or not len(recent) else pd.concat([recent, new], ignore_index=True)
    return score_days(model, frame, first.date(), explain_top=explain_top)


def _reasons(parts: np.ndarray, row, keep: int = 3) -> list[tuple]:
    order = [j for j in np.argsort(-parts, kind="stable")[:keep] if parts[j] > 0.5]
    return [(FEATURE_NAMES[j], FEATURES[FEATURE_NAMES[j]], _text(FEATURE_NAMES[j], row), float(parts[j]))
            for j in order]


def _text(name: str, r) -> str:
    if name == "amount_vs_payee":
        return f"为其以往平均金额的 {_times(r['amount_vs_payee'])} 倍"
    if name == "amount_vs_econ":
        return f"高出经济分类 {r['_econ']} 以往金额均值 {r['amount_vs_econ']:.1f} 个标准差（按数量级）"
    if name == "econ_rarity":
        return f"以往主要以 {r['_main']} 收款，本笔为 {r['_econ']}"
    if name == "repeat_excess":
        return f"{GROUP_DAYS} 天内 {int(r['_repeats']) + 1} 笔，平常约 {r['_usual']:.1f} 笔"
    if name == "same_amount":
        return f"另有 {int(r['same_amount'])} 笔"
    if name == "new_to_unit":
        return f"此前其他单位向其付款 {int(r['_paid'])} 笔" if r["_paid"] else "此前无任何单位向其付款"
    if name == "roundness":
        return f"末尾 {int(r['roundness'])} 个零（分）"
    if name == "group_to_limit":
        return f"合计为限额的 {r['_group']:.0%}，平常 {GROUP_DAYS} 天约为限额的 {r['_volume']:.0%}"
    return "是"
