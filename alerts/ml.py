"""ML ranking of vouchers: an IsolationForest trained on history scores only the new vouchers.

Every feature looks backwards (a voucher's own history, never later payments), so a voucher scored on the day
it arrives is described the same way as the history the model learnt from. What the model remembers of its
history (per-payee first date and count, median amounts per payee / economic code / unit) travels with it,
so scoring a day needs the day's vouchers plus the last `RECENT_DAYS` days for the repeat windows, not the
whole store.

Why a voucher ranks high: each feature in turn is set to its typical (median) training value and the voucher
rescored; the features whose typical value lowers the score most are the ones that drove it, named in Chinese.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from alerts.calendar import is_working_day
from alerts.payment_tests import counted_vouchers, group_codes, window_bounds

REPEAT_DAYS, GROUP_DAYS = 30, 7
RECENT_DAYS = REPEAT_DAYS  # history a scoring run needs before its first new voucher

# feature → (Chinese label, how its value reads); values are stored as the model sees them (logs, ratios).
FEATURES = {
    "log_amount": ("金额大小", lambda x: f"{10 ** x / 100:,.2f} 元"),
    "amount_vs_payee": ("金额相对该收款人以往金额", lambda x: f"为其中位数的 {10 ** x:.3g} 倍"),
    "amount_vs_econ": ("金额相对同一经济分类以往金额", lambda x: f"为其中位数的 {10 ** x:.3g} 倍"),
    "amount_vs_unit": ("金额相对本单位以往金额", lambda x: f"为其中位数的 {10 ** x:.3g} 倍"),
    "day_of_year": ("支付日期在年内的位置", lambda x: f"第 {round(x * 366)} 天"),
    "off_day": ("非工作日支付", lambda x: "是" if x else "否"),
    "roundness": ("整数金额", lambda x: f"末尾 {int(x)} 个零（分）"),
    "payee_age": ("收款人首次收款至今", lambda x: f"{round(np.expm1(x))} 天"),
    "payee_count": ("收款人以往收款笔数", lambda x: f"{round(np.expm1(x))} 笔"),
    "payee_new_econ": ("老收款人首次以该经济分类收款", lambda x: "是" if x else "否"),
    "same_amount_repeats": (f"{REPEAT_DAYS} 天内同一收款人同金额笔数", lambda x: f"{int(x)} 笔"),
    "group_count": (f"{GROUP_DAYS} 天内本单位付同一收款人笔数", lambda x: f"{int(x)} 笔"),
    "group_to_limit": (f"{GROUP_DAYS} 天内本单位付同一收款人合计占采购限额", lambda x: f"{x:.0%}"),
}
FEATURE_NAMES = list(FEATURES)
_MEDIAN_KEYS = ("payee_account", "econ_code", "unit_code")


@dataclass(frozen=True)
class Memory:
    """What a model keeps of its training history."""
    payee_first_day: pd.Series  # payee_account → day number of its first payment
    payee_count: pd.Series  # payee_account → payments
    medians: dict[str, pd.Series]  # key column → median log10 amount per key
    payee_econ: frozenset  # "account|econ_code" pairs paid

    @staticmethod
    def empty() -> Memory:
        return Memory(pd.Series(dtype=float), pd.Series(dtype=float),
                      {key: pd.Series(dtype=float) for key in _MEDIAN_KEYS}, frozenset())


@dataclass(frozen=True)
class VoucherModel:
    forest: IsolationForest
    memory: Memory
    typical: np.ndarray  # median of each training feature: the "nothing unusual" value
    limit_fen: int
    trained_through: dt.date


def _remember(v: pd.DataFrame) -> Memory:
    log_amount = np.log10(v["amount_fen"].astype(float))
    return Memory(payee_first_day=v.groupby("payee_account")["day"].min(),
                  payee_count=v.groupby("payee_account").size(),
                  medians={key: log_amount.groupby(v[key]).median() for key in _MEDIAN_KEYS},
                  payee_econ=frozenset(_payee_econ(v)))


def _payee_econ(v: pd.DataFrame) -> pd.Series:
    return v["payee_account"] + "|" + v["econ_code"]


def _counted(pay: pd.DataFrame) -> pd.DataFrame:
    v = counted_vouchers(pay, extra=("econ_code",))
    v["econ_code"] = v["econ_code"].astype(str)
    return v.sort_values(["day", "ref"]).reset_index(drop=True)


def _roundness(amount: np.ndarray) -> np.ndarray:
    zeros = np.zeros(len(amount))
    for k in range(1, 9):
        zeros += amount % 10 ** k == 0
    return zeros


def _windows(v: pd.DataFrame, recent: pd.DataFrame, limit_fen: int) -> pd.DataFrame:
    """Repeat and grouping counts of each voucher of `v` over the days before it (itself excluded)."""
    both = pd.concat([recent, v], ignore_index=True)
    new = np.r_[np.zeros(len(recent), dtype=bool), np.ones(len(v), dtype=bool)]
    out = {}
    for name, keys, days in (("same_amount_repeats", ["payee_account", "amount_fen"], REPEAT_DAYS),
                             ("group", ["unit_code", "payee_account"], GROUP_DAYS)):
        group, day, amount = group_codes(both, keys), both["day"].to_numpy(), both["amount_fen"].to_numpy()
        order = np.lexsort((day, group))
        lo, hi = window_bounds(group[order], day[order], days, 0)
        cumulative = np.concatenate([[0], np.cumsum(amount[order])])
        count, total = np.empty(len(both)), np.empty(len(both))
        count[order], total[order] = hi - lo - 1, cumulative[hi] - cumulative[lo]
        if name == "group":
            out["group_count"], out["group_to_limit"] = count[new], total[new] / limit_fen
        else:
            out[name] = count[new]
    return pd.DataFrame(out)


def voucher_features(v: pd.DataFrame, memory: Memory, recent: pd.DataFrame, limit_fen: int) -> pd.DataFrame:
    """FEATURES of the counted vouchers `v` (sorted by day), given what is known of earlier payments."""
    amount = v["amount_fen"].to_numpy()
    log_amount = np.log10(amount.astype(float))
    features = pd.DataFrame({"log_amount": log_amount}, index=v.index)
    for name, key in zip(("amount_vs_payee", "amount_vs_econ", "amount_vs_unit"), _MEDIAN_KEYS):
        features[name] = np.nan_to_num(log_amount - v[key].map(memory.medians[key]).to_numpy(dtype=float))
    days = v["pay_date"]
    features["day_of_year"] = days.dt.day_of_year.to_numpy() / 366
    unique_days = days.drop_duplicates()
    working = pd.Series(is_working_day(unique_days).to_numpy(), index=unique_days.to_numpy())
    features["off_day"] = (~days.map(working).astype(bool)).astype(float).to_numpy()
    features["roundness"] = _roundness(amount)
    earlier = v.groupby("payee_account").cumcount().to_numpy()
    known = v["payee_account"].map(memory.payee_count).fillna(0).to_numpy()
    first = np.fmin(v["payee_account"].map(memory.payee_first_day).to_numpy(dtype=float),
                    v.groupby("payee_account")["day"].transform("min").to_numpy(dtype=float))
    features["payee_age"] = np.log1p(v["day"].to_numpy() - first)
    features["payee_count"] = np.log1p(known + earlier)
    # a payee already paid before, paid for the first time under this economic code (an employee suddenly
    # receiving consultancy fees): first in the frame and not in the model's memory
    pair = _payee_econ(v)
    features["payee_new_econ"] = ((known + earlier > 0) & ~pair.duplicated().to_numpy()
                                  & ~pair.isin(memory.payee_econ).to_numpy()).astype(float)
    windows = _windows(v, recent, limit_fen)
    for name in windows.columns:
        features[name] = windows[name].to_numpy()
    return features[FEATURE_NAMES]


def train_model(history: pd.DataFrame, *, limit_fen: int, trees: int = 200, seed: int = 0) -> VoucherModel:
    """A model of the PAY vouchers in `history` (with their refunds). Each training voucher is described by
    the history before it, as a new voucher will be; amount medians are the whole history's."""
    v = _counted(history)  # 200 trees by default: scores, and the reasons read from them, stable between trainings
    memory = _remember(v)
    early = replace(Memory.empty(), medians=memory.medians)
    features = voucher_features(v, early, v.iloc[:0], limit_fen)
    forest = IsolationForest(n_estimators=trees, random_state=seed).fit(features.to_numpy())
    return VoucherModel(forest=forest, memory=memory, typical=np.median(features.to_numpy(), axis=0),
                        limit_fen=limit_fen, trained_through=v["pay_date"].max().date())


def _anomaly(model: VoucherModel, x: np.ndarray) -> np.ndarray:
    return -model.forest.score_samples(x)  # higher = more anomalous


def score_vouchers(model: VoucherModel, new: pd.DataFrame, *, recent: pd.DataFrame | None = None,
                   explain_top: int) -> pd.DataFrame:
    """Anomaly scores of the vouchers in `new` (highest first), the `explain_top` highest with their reasons.

    `recent`: PAY rows of the RECENT_DAYS days before `new` (for the repeat windows); the model's memory
    covers everything older. Returns ref, region_code, unit_code, voucher_no, pay_date, amount_fen, score,
    rank, reasons (list of (feature, Chinese label, value text, contribution)), reason_text.
    """
    v = _counted(new)
    before = _counted(recent) if recent is not None and len(recent) else v.iloc[:0]
    x = voucher_features(v, model.memory, before, model.limit_fen).to_numpy()
    out = v[["ref", "region_code", "unit_code", "voucher_no", "pay_date", "amount_fen"]].copy()
    out["score"] = _anomaly(model, x) if len(v) else np.zeros(0)
    out = out.sort_values(["score", "ref"], ascending=[False, True])
    out["rank"] = np.arange(1, len(out) + 1)
    top = out.index[:explain_top].to_numpy()
    reasons = _reasons(model, x[top], out.loc[top, "score"].to_numpy())
    out["reasons"] = pd.Series(reasons, index=top, dtype=object).reindex(out.index)
    out["reason_text"] = out["reasons"].map(lambda rs: "；".join(f"{label}（{text}）" for _, label, text, _ in rs)
                                            if isinstance(rs, list) else None)
    return out.reset_index(drop=True)


def _reasons(model: VoucherModel, x: np.ndarray, scores: np.ndarray, keep: int = 3) -> list[list[tuple]]:
    if not len(x):
        return []
    n, m = x.shape
    typical = np.repeat(x[None, :, :], m, axis=0)  # one copy per feature, that feature set to its typical value,
    for j in range(m):  # all scored in one call
        typical[j, :, j] = model.typical[j]
    drops = scores[:, None] - _anomaly(model, typical.reshape(m * n, m)).reshape(m, n).T
    reasons = []
    for row, drop in zip(x, drops):
        order = [j for j in np.argsort(-drop, kind="stable")[:keep] if drop[j] > 0]
        reasons.append([(FEATURE_NAMES[j], FEATURES[FEATURE_NAMES[j]][0], FEATURES[FEATURE_NAMES[j]][1](row[j]),
                         float(drop[j])) for j in order])
    return reasons
