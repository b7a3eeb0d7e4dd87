"""Payment audit tests (alerts.md) as pure functions on a frame of PAY vouchers.

Input: rows with the columns of the `pay` table (voucher_no, pay_date, region_code, unit_code, payee_account,
payee_name, amount_fen as integer 分, orig_voucher_no), including the refunds of the vouchers it holds.
Output: a findings frame (FINDING_COLUMNS), one row per subject, that the alert engine grades and records.
Thresholds are parameters without defaults: their one definition is the rules file.

Which vouchers count: a refund (negative amount, naming its original through orig_voucher_no within the
region) is never a payment of its own, and a voucher whose refunds cancel it entirely never counts either.
A partly refunded voucher counts with its original amount; its net amount is what "spent" sums.

Windows are computed by sorting once and searching (searchsorted, shifted comparisons), never by pairing
every voucher with every other: these run on millions of vouchers.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from alerts.benford import CONFORMITY_LABELS, digit_bins, leading_digits, mad_conformity, mean_absolute_deviation
from alerts.calendar import covers, is_working_day

FINDING_COLUMNS = ["rule_id", "subject_level", "subject_code", "region_code", "unit_code", "figure",
                   "threshold", "figure_kind", "amount_fen", "first_date", "last_date", "evidence", "message"]
# figure_kind says how figure and threshold read: amount (分), days, share (fraction), count, index (HHI, MAD).
# amount_fen is the money the finding is about, for ranking findings of different kinds.

EVIDENCE_LIMIT = 100  # vouchers listed for one finding (largest first); the message gives the full count

_REQUIRED = ("voucher_no", "pay_date", "region_code", "unit_code", "payee_account", "payee_name", "amount_fen")
_DAY_SPAN = 1 << 20  # day offsets within one group stay below this (≈ 2,870 years), see window_bounds


def yuan(fen: int) -> str:
    """An amount in 分 written in 元 with thousands separators, exactly."""
    return f"{Decimal(int(fen)).scaleb(-2):,.2f}"


def voucher_ref(region_code: pd.Series, voucher_no: pd.Series) -> pd.Series:
    """A voucher's key across the store ("region/voucher"): voucher numbers are unique only within a region."""
    return region_code.astype(str) + "/" + voucher_no.astype(str)


def refunds_by_original(pay: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The refunds of `pay` keyed as the vouchers they return money to (region_code, voucher_no — the
    original's —, pay_date, back: the fen returned), and which other rows may be such a voucher (their number is
    refunded somewhere). Refunds are few: they are matched with those rows on the key columns, not through a
    ref made for every voucher."""
    amount = pay["amount_fen"].astype("int64")
    is_refund = (amount < 0).to_numpy()
    refunds = pay.loc[is_refund, ["region_code", "orig_voucher_no", "pay_date"]] \
        .rename(columns={"orig_voucher_no": "voucher_no"}).assign(back=-amount[is_refund])
    return refunds, ~is_refund & pay["voucher_no"].isin(refunds["voucher_no"].unique()).to_numpy()


def counted_vouchers(pay: pd.DataFrame, extra: tuple[str, ...] = (), same_day: bool = False) -> pd.DataFrame:
    """The vouchers that count as payments: the columns the tests read and `extra` ones, plus `ref`, `day`
    (days since 1970) and `net_fen` (amount less its refunds). A frame that is already counted (it has `ref`
    and `net_fen`) is returned as it is: several tests read one counted frame. same_day: a refund cancels its
    original only when both are dated the same day (the frame holds many days, each counted as if alone)."""
    if "net_fen" in pay.columns and "ref" in pay.columns:
        return pay
    missing = [c for c in (*_REQUIRED, *extra) if c not in pay.columns]
    if missing:
        raise ValueError(f"支付凭证数据缺少列：{', '.join(missing)}")
    amount = pay["amount_fen"].astype("int64")
    ref = voucher_ref(pay["region_code"], pay["voucher_no"])
    refunded = pd.Series(0, index=pay.index, dtype="int64")
    refunds, originals = refunds_by_original(pay)
    if len(refunds):
        keys = ["region_code", "voucher_no", *(["pay_date"] if same_day else [])]
        per_original = refunds.groupby(keys, as_index=False)["back"].sum()
        back = pay.loc[originals, keys].merge(per_original, on=keys, how="left")["back"]
        refunded.iloc[np.flatnonzero(originals)] = back.fillna(0).to_numpy(np.int64)
    keep = (amount > 0) & (refunded < amount)
    out = pay.loc[keep, [*_REQUIRED, *extra]].reset_index(drop=True)
    for column in ("region_code", "unit_code", "payee_account", "payee_name"):
        out[column] = out[column].astype(str)
    out["amount_fen"] = amount[keep].to_numpy()
    out["net_fen"] = (amount - refunded)[keep].to_numpy()
    out["ref"] = ref[keep].to_numpy()
    out["pay_date"] = pd.to_datetime(out["pay_date"])
    out["day"] = out["pay_date"].to_numpy("datetime64[D]").astype(np.int64)
    return out


def no_findings() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in FINDING_COLUMNS})


def _findings(rule_id: str, subject_level: str, frame: pd.DataFrame, **columns) -> pd.DataFrame:
    """Findings from per-subject columns (arrays aligned with `frame`, or scalars)."""
    data = {"rule_id": rule_id, "subject_level": subject_level, **columns}
    return pd.DataFrame({name: _values(data[name]) for name in FINDING_COLUMNS}, index=range(len(frame)))


def _values(value):
    if isinstance(value, (pd.Series, pd.Index)):
        return value.to_numpy()
    return value


def _dates(values: pd.Series) -> list[dt.date]:
    return [d.date() for d in values]


def _day_text(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%Y-%m-%d")


def _groups(v: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per group of `v`: the keys, region/unit of its largest voucher, vouchers, total, first/last
    date and evidence (refs, largest amount first, at most EVIDENCE_LIMIT)."""
    ordered = v.sort_values(["amount_fen", "ref"], ascending=[False, True], kind="stable")
    grouped = ordered.groupby(keys, sort=True)
    out = grouped.agg(region=("region_code", "first"), unit=("unit_code", "first"), vouchers=("ref", "size"),
                      total=("amount_fen", "sum"), first=("pay_date", "min"), last=("pay_date", "max"))
    out["evidence"] = grouped["ref"].agg(lambda refs: tuple(refs.iloc[:EVIDENCE_LIMIT]))
    return out.reset_index()


def _voucher_findings(rule_id: str, v: pd.DataFrame, threshold, message: pd.Series) -> pd.DataFrame:
    return _findings(rule_id, "voucher", v, subject_code=v["ref"], region_code=v["region_code"],
                     unit_code=v["unit_code"], figure=v["amount_fen"], threshold=threshold, figure_kind="amount",
                     amount_fen=v["amount_fen"], first_date=_dates(v["pay_date"]), last_date=_dates(v["pay_date"]),
                     evidence=[(r,) for r in v["ref"]], message=message)


# --- duplicates ------------------------------------------------------------------------------------------

def duplicate_payments(pay: pd.DataFrame, *, window_days: int, min_amount_fen: int) -> pd.DataFrame:
    """DUP_PAY: two vouchers to the same payee_account for the same amount within `window_days`, any units.

    Each voucher pairs with the nearest earlier voucher of the same account and amount, so k copies of one
    payment give k − 1 pairs that name every copy, not k(k − 1)/2.
    """
    v = counted_vouchers(pay)
    v = v[v["amount_fen"] >= min_amount_fen]
    v = v[v.duplicated(["payee_account", "amount_fen"], keep=False)]  # sort only the candidates
    v = v.sort_values(["payee_account", "amount_fen", "day", "ref"])
    prev = v.shift(1)
    gap = v["day"] - prev["day"]
    hit = (v["payee_account"] == prev["payee_account"]) & (v["amount_fen"] == prev["amount_fen"]) \
        & (gap <= window_days)
    if not hit.any():
        return no_findings()
    a, b, gap = prev[hit], v[hit], gap[hit].astype("int64")
    message = ("收款账号 " + b["payee_account"] + "（" + b["payee_name"] + "）于 " + _day_text(a["pay_date"])
               + " 与 " + _day_text(b["pay_date"]) + " 各收 " + b["amount_fen"].map(yuan) + " 元，相隔 "
               + gap.astype(str) + " 天（凭证 " + a["ref"] + "、" + b["ref"] + "）")
    return _findings("DUP_PAY", "voucher_pair", b, subject_code=a["ref"] + "|" + b["ref"],
                     region_code=b["region_code"], unit_code=b["unit_code"], figure=gap, threshold=window_days,
                     figure_kind="days", amount_fen=b["amount_fen"], first_date=_dates(a["pay_date"]),
                     last_date=_dates(b["pay_date"]), evidence=list(zip(a["ref"], b["ref"])), message=message)


SAME_SAME_DIFFERENT = {  # same-same-different variants: (keys that are the same, column that differs, what the message says)
    "DUP_SAME_AMOUNT_DATE_DIFF_PAYEE": (["unit_code", "pay_date", "amount_fen"], "payee_account",
                                        "同一单位同日以相同金额支付给 {n} 个不同收款账号"),
    "DUP_SAME_PAYEE_DATE_DIFF_AMOUNT": (["unit_code", "payee_account", "pay_date"], "amount_fen",
                                        "同一单位同日向同一收款账号支付 {n} 种不同金额"),
    "DUP_SAME_ACCOUNT_DIFF_NAME": (["payee_account"], "payee_name", "同一收款账号对应 {n} 个不同收款人名称"),
}


def same_same_different(pay: pd.DataFrame, rule_id: str, *, min_amount_fen: int) -> pd.DataFrame:
    """The info-level duplicate variants (SAME_SAME_DIFFERENT): vouchers alike in some columns and different in one.

    DUP_SAME_AMOUNT_DATE_DIFF_PAYEE and DUP_SAME_PAYEE_DATE_DIFF_AMOUNT look within one paying unit;
    DUP_SAME_ACCOUNT_DIFF_NAME looks at the whole store (one account, several payee names).
    """
    same, different, text = SAME_SAME_DIFFERENT[rule_id]
    v = counted_vouchers(pay)
    v = v[v["amount_fen"] >= min_amount_fen]
    if different == "payee_name":
        v = v.assign(payee_name=v["payee_name"].astype(str).str.strip())
    v = v[v.groupby(same)[different].transform("nunique") >= 2]
    if v.empty:
        return no_findings()
    groups = _groups(v, same)
    distinct = v.groupby(same, sort=True)[different].nunique().to_numpy()
    subject = groups[same[0]].astype(str)
    for key in same[1:]:
        subject = subject + "|" + (_day_text(groups[key]) if key == "pay_date" else groups[key].astype(str))
    message = [text.format(n=n) + f"：{c} 笔凭证，合计 {yuan(t)} 元"
               for n, c, t in zip(distinct, groups["vouchers"], groups["total"])]
    level = "payee_account" if same == ["payee_account"] else "voucher_group"
    return _findings(rule_id, level, groups, subject_code=subject, region_code=groups["region"],
                     unit_code=groups["unit"] if "unit_code" in same else None, figure=distinct, threshold=2,
                     figure_kind="count", amount_fen=groups["total"], first_date=_dates(groups["first"]),
                     last_date=_dates(groups["last"]), evidence=groups["evidence"], message=message)


# --- procurement threshold -------------------------------------------------------------------------------

def group_codes(v: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Dense integer ids of the distinct combinations of `columns` (hashing, no string sort)."""
    codes = np.zeros(len(v), dtype=np.int64)
    for column in columns:
        column_codes, uniques = pd.factorize(v[column])
        codes = codes * (len(uniques) + 1) + column_codes
        codes = pd.factorize(codes)[0].astype(np.int64)
    return codes


def window_bounds(group: np.ndarray, day: np.ndarray, before: int, after: int) -> tuple[np.ndarray, np.ndarray]:
    """For rows sorted by (group, day): the positions [lo, hi) of the rows of the same group whose day lies in
    [day − before, day + after]."""
    if not len(day):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    key = group.astype(np.int64) * _DAY_SPAN + (day - day.min() + before)
    return np.searchsorted(key, key - before, side="left"), np.searchsorted(key, key + after, side="right")


def split_payments(pay: pd.DataFrame, *, limit_fen: int, window_days: int, min_vouchers: int) -> pd.DataFrame:
    """SPLIT_PAY: ≥ min_vouchers vouchers of one unit to one account, each < limit, together ≥ limit, with the
    span from the earliest to the latest ≤ window_days.

    Every window that starts at a voucher is tested; a window inside a larger qualifying one is not reported
    again, so a group is reported once with all its vouchers.
    """
    v = counted_vouchers(pay)
    below = np.flatnonzero(v["amount_fen"].to_numpy() < limit_fen)
    group = group_codes(v.iloc[below], ["unit_code", "payee_account"])
    candidate = np.bincount(group)[group] >= min_vouchers if len(group) else np.zeros(0, dtype=bool)
    rows, group = below[candidate], group[candidate]
    day, amount = v["day"].to_numpy()[rows], v["amount_fen"].to_numpy()[rows]
    order = np.lexsort((day, group))  # rows stay positions into v: no column is copied until the end
    rows, group, day, amount = rows[order], group[order], day[order], amount[order]
    lo, hi = window_bounds(group, day, 0, window_days)
    cumulative = np.concatenate([[0], np.cumsum(amount)])
    total, count = cumulative[hi] - cumulative[lo], hi - lo
    inside_previous = np.zeros(len(rows), dtype=bool)  # same end as the window before: contained in it
    inside_previous[1:] = (group[1:] == group[:-1]) & (hi[1:] == hi[:-1])
    hits = np.flatnonzero((count >= min_vouchers) & (total >= limit_fen) & ~inside_previous)
    if not len(hits):
        return no_findings()
    first, last = v.iloc[rows[lo[hits]]], v.iloc[rows[hi[hits] - 1]]
    refs = v["ref"].to_numpy()
    evidence = [tuple(r for _, r in sorted(zip(day[a:b], refs[rows[a:b]]))[:EVIDENCE_LIMIT])
                for a, b in zip(lo[hits], hi[hits])]
    message = [f"单位 {u} 于 {d1:%Y-%m-%d} 至 {d2:%Y-%m-%d} 向收款账号 {a}（{n}）支付 {c} 笔，每笔均低于 "
               f"{yuan(limit_fen)} 元，合计 {yuan(t)} 元"
               for u, a, n, d1, d2, c, t in zip(first["unit_code"], first["payee_account"], first["payee_name"],
                                               first["pay_date"], last["pay_date"], count[hits], total[hits])]
    subject = first["unit_code"] + "|" + first["payee_account"] + "|" + _day_text(first["pay_date"])
    return _findings("SPLIT_PAY", "voucher_group", first, subject_code=subject, region_code=first["region_code"],
                     unit_code=first["unit_code"], figure=total[hits], threshold=limit_fen, figure_kind="amount",
                     amount_fen=total[hits], first_date=_dates(first["pay_date"]), last_date=_dates(last["pay_date"]),
                     evidence=evidence, message=message)


def band_floor(limit_fen: int, share: Decimal | str) -> int:
    """The lowest amount (分) in JUST_BELOW's band [share × limit, limit)."""
    return int((Decimal(str(share)) * limit_fen).to_integral_value(rounding=ROUND_CEILING))


def just_below(pay: pd.DataFrame, *, limit_fen: int, share: Decimal | str) -> pd.DataFrame:
    """JUST_BELOW: a voucher in [share × limit, limit) — just under the procurement threshold."""
    lower = band_floor(limit_fen, share)
    v = counted_vouchers(pay)
    v = v[(v["amount_fen"] >= lower) & (v["amount_fen"] < limit_fen)]
    if v.empty:
        return no_findings()
    message = "支付 " + v["amount_fen"].map(yuan) + f" 元，处于采购限额 {yuan(limit_fen)} 元下方 [{yuan(lower)}, " \
        + f"{yuan(limit_fen)}) 区间"
    return _voucher_findings("JUST_BELOW", v, lower, message)


# --- patterns of a unit ----------------------------------------------------------------------------------

def round_amounts(pay: pd.DataFrame, *, min_amount_fen: int, round_fen: int, multiple) -> pd.DataFrame:
    """ROUND_AMOUNT: a unit's share of vouchers ≥ min that are multiples of round_fen exceeds `multiple` × the
    share of its region (the unit's own region_code). Pass one year's vouchers."""
    v = counted_vouchers(pay)
    v = v[v["amount_fen"] >= min_amount_fen].assign(is_round=lambda f: f["amount_fen"] % round_fen == 0)
    units = v.groupby(["region_code", "unit_code"]).agg(n=("is_round", "size"), rounds=("is_round", "sum"))
    regions = v.groupby("region_code").agg(region_n=("is_round", "size"), region_rounds=("is_round", "sum"))
    units = units.reset_index().merge(regions.reset_index(), on="region_code")
    k = Fraction(str(multiple))
    # unit share > k × region share, in integers: rounds / n > k · region_rounds / region_n
    fired = units["rounds"] * units["region_n"] * k.denominator > \
        k.numerator * units["region_rounds"] * units["n"]
    if not fired.any():
        return no_findings()
    units = units[fired].merge(_groups(v[v["is_round"]], ["region_code", "unit_code"]), how="left")
    share = units["rounds"] / units["n"]
    region_share = units["region_rounds"] / units["region_n"]
    message = [f"{r}/{n} 笔 ≥ {yuan(min_amount_fen)} 元的凭证为 {yuan(round_fen)} 元整数倍（{s:.1%}），"
               f"本区划为 {rs:.1%}，超过其 {multiple} 倍"
               for r, n, s, rs in zip(units["rounds"], units["n"], share, region_share)]
    return _findings("ROUND_AMOUNT", "unit", units, subject_code=units["unit_code"], region_code=units["region_code"],
                     unit_code=units["unit_code"], figure=share, threshold=region_share * float(k),
                     figure_kind="share", amount_fen=units["total"], first_date=_dates(units["first"]),
                     last_date=_dates(units["last"]), evidence=units["evidence"], message=message)


def payee_concentration(pay: pd.DataFrame, *, hhi: float, min_vouchers: int, min_spent_fen: int) -> pd.DataFrame:
    """PAYEE_CONCENTRATION: the HHI (0–10,000) of a unit's net spending by payee_account exceeds `hhi`, with
    ≥ min_vouchers vouchers and ≥ min_spent_fen spent. Pass one year's vouchers."""
    v = counted_vouchers(pay)
    payees = v.groupby(["region_code", "unit_code", "payee_account"], sort=False) \
        .agg(net=("net_fen", "sum"), n=("net_fen", "size")).reset_index()
    payees["square"] = payees["net"].astype(float) ** 2
    units = payees.groupby(["region_code", "unit_code"]).agg(n=("n", "sum"), spent=("net", "sum"),
                                                              square=("square", "sum")).reset_index()
    units = units[(units["n"] >= min_vouchers) & (units["spent"] >= min_spent_fen)]
    units["index"] = 10_000 * units["square"] / units["spent"].astype(float) ** 2
    limit = float(hhi)
    fired = units["index"] > limit
    for i in units.index[(units["index"] - limit).abs() <= 1e-9 * limit]:  # at the threshold: decide exactly
        nets = payees.loc[(payees["region_code"] == units.at[i, "region_code"])
                          & (payees["unit_code"] == units.at[i, "unit_code"]), "net"]
        fired[i] = Fraction(10_000 * sum(int(a) ** 2 for a in nets), int(nets.sum()) ** 2) > Fraction(str(hhi))
    if not fired.any():
        return no_findings()
    top = payees.sort_values("net", ascending=False, kind="stable").drop_duplicates(["region_code", "unit_code"])
    found = units[fired].merge(top[["region_code", "unit_code", "payee_account", "net"]].rename(
        columns={"net": "top_fen"}), on=["region_code", "unit_code"])
    top_vouchers = v.merge(found[["region_code", "unit_code", "payee_account"]])
    found = found.merge(_groups(top_vouchers, ["region_code", "unit_code"]), how="left")
    message = [f"支付 {n} 笔合计 {yuan(s)} 元，收款人集中度 HHI {i:,.0f}；最大收款账号 {t} 占 {tf / s:.1%}"
               for n, s, i, t, tf in zip(found["n"], found["spent"], found["index"], found["payee_account"],
                                         found["top_fen"])]
    return _findings("PAYEE_CONCENTRATION", "unit", found, subject_code=found["unit_code"],
                     region_code=found["region_code"], unit_code=found["unit_code"], figure=found["index"],
                     threshold=float(hhi), figure_kind="index", amount_fen=found["spent"],
                     first_date=_dates(found["first"]), last_date=_dates(found["last"]),
                     evidence=found["evidence"], message=message)


def benford_units(pay: pd.DataFrame, *, min_vouchers: int, min_amount_fen: int, mad: float) -> pd.DataFrame:
    """BENFORD: a unit with ≥ min_vouchers vouchers ≥ min_amount whose first-two-digit MAD exceeds `mad`.

    All units are tested at once on a unit × digit count matrix. Evidence: the unit's vouchers under the three
    two-digit leaders most in excess of Benford's expectation. Pass one year's vouchers.
    """
    v = counted_vouchers(pay)
    v = v[v["amount_fen"] >= min_amount_fen].reset_index(drop=True)
    unit = group_codes(v, ["region_code", "unit_code"])
    bins = digit_bins(2)
    leading = leading_digits(v["amount_fen"], 2)
    counts = np.bincount(unit * len(bins) + leading - bins[0], minlength=len(bins) * (unit.max() + 1 if len(v) else 0))
    counts = counts.reshape(-1, len(bins))
    deviation = mean_absolute_deviation(counts, 2)
    fired = np.flatnonzero((counts.sum(axis=1) >= min_vouchers) & (deviation > float(mad)))
    if not len(fired):
        return no_findings()
    by_unit = np.argsort(unit, kind="stable")
    bounds = np.searchsorted(unit[by_unit], np.arange(counts.shape[0] + 1))
    refs, amounts, days = v["ref"].to_numpy(), v["amount_fen"].to_numpy(), v["pay_date"].to_numpy()
    excess_count = counts - counts.sum(axis=1, keepdims=True) * np.log10(1 + 1 / bins)
    found = []
    for code in fired:
        members = by_unit[bounds[code]:bounds[code + 1]]
        top = [int(bins[i]) for i in np.argsort(-excess_count[code], kind="stable")[:3] if excess_count[code, i] > 0]
        suspects = members[np.isin(leading[members], top)]
        suspects = suspects[np.lexsort((refs[suspects], -amounts[suspects]))]
        found.append({"region_code": v.at[members[0], "region_code"], "unit_code": v.at[members[0], "unit_code"],
                      "mad": float(deviation[code]), "n": len(members), "excess": top,
                      "amount_fen": int(amounts[suspects].sum()), "first": pd.Timestamp(days[suspects].min()),
                      "last": pd.Timestamp(days[suspects].max()), "evidence": tuple(refs[suspects[:EVIDENCE_LIMIT]])})
    found = pd.DataFrame(found).sort_values(["region_code", "unit_code"]).reset_index(drop=True)
    message = [f"{n} 笔 ≥ {yuan(min_amount_fen)} 元凭证的首两位数字 MAD {m:.6f}（{CONFORMITY_LABELS[mad_conformity(m, 2)]}），"
               f"超出预期最多的首两位：{'、'.join(map(str, e))}"
               for n, m, e in zip(found["n"], found["mad"], found["excess"])]
    return _findings("BENFORD", "unit", found, subject_code=found["unit_code"], region_code=found["region_code"],
                     unit_code=found["unit_code"], figure=found["mad"], threshold=float(mad), figure_kind="index",
                     amount_fen=found["amount_fen"], first_date=_dates(found["first"]), last_date=_dates(found["last"]),
                     evidence=found["evidence"], message=message)


# --- single vouchers -------------------------------------------------------------------------------------

def off_day_payments(pay: pd.DataFrame, *, min_amount_fen: int) -> pd.DataFrame:
    """OFF_DAY_PAY: a voucher ≥ min paid on a day that is not a working day (holidays, weekends not made up
    by 调休). Years the calendar does not cover fall back to weekends (alerts.calendar) and say so."""
    v = counted_vouchers(pay)
    v = v[v["amount_fen"] >= min_amount_fen]
    if v.empty:
        return no_findings()
    v = v[~is_working_day(v["pay_date"])]
    if v.empty:
        return no_findings()
    note = np.where(covers(v["pay_date"]), "", "（该年不在节假日日历内，按周末判断）")
    message = _day_text(v["pay_date"]) + " 非工作日支付 " + v["amount_fen"].map(yuan) + " 元" + note
    return _voucher_findings("OFF_DAY_PAY", v, min_amount_fen, message)


def new_payee_large(pay: pd.DataFrame, *, min_amount_fen: int,
                    first_seen: Mapping[str, dt.date] | pd.Series | None = None) -> pd.DataFrame:
    """NEW_PAYEE_LARGE: a voucher ≥ min on the first date an account is ever paid.

    `first_seen` maps accounts to the date of their first payment in the store outside (or including) this
    frame; an account is new for a voucher when it has no such date before the voucher's date. All vouchers
    on an account's first date count as its first payment (their order within a day is not known).
    """
    v = counted_vouchers(pay)
    first_in_frame = v.groupby("payee_account")["day"].transform("min")
    v = v[(v["day"] == first_in_frame) & (v["amount_fen"] >= min_amount_fen)]
    if first_seen is not None and len(first_seen) and len(v):
        known = pd.Series(first_seen) if not isinstance(first_seen, pd.Series) else first_seen
        known_day = pd.to_datetime(known).to_numpy("datetime64[D]").astype(np.int64)
        earlier = v["payee_account"].map(pd.Series(known_day, index=known.index))
        v = v[~(earlier < v["day"])]
    if v.empty:
        return no_findings()
    message = "首次向收款账号 " + v["payee_account"] + "（" + v["payee_name"] + "）支付即达 " \
        + v["amount_fen"].map(yuan) + " 元"
    return _voucher_findings("NEW_PAYEE_LARGE", v, min_amount_fen, message)
