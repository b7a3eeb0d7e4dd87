"""ML ranking on synthetic vouchers with planted outliers: the planted ones rank first, for stated reasons, the
same whether a day is scored alone or with its month."""
from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select, update

from alerts import ml, ml_rule
from alerts.calendar import is_working_day
from alerts.payment_tests import counted_vouchers
from alerts.tables import alert_model
from alerts.vouchers import LoadedVouchers

T = 100_000_000
SCORED_DAY = dt.date(2025, 1, 6)
PLANTED = ["HUGE", "NEWBIG", "WEEKEND", "SPLIT0", "SPLIT1", "SPLIT2"]


def vouchers(rng, payees, n, dates, prefix):
    chosen = payees.iloc[rng.integers(len(payees), size=n)].reset_index(drop=True)
    amounts = (chosen["typical"] * np.exp(rng.normal(0, 0.25, n))).astype(np.int64) + 1
    return pd.DataFrame({"voucher_no": [f"{prefix}{i:05d}" for i in range(n)], "pay_date": dates,
                         "region_code": "330100", "unit_code": chosen["unit_code"],
                         "payee_account": chosen["payee_account"], "payee_name": "某公司",
                         "econ_code": chosen["econ_code"], "amount_fen": amounts, "orig_voucher_no": None})


@pytest.fixture(scope="module")
def city():
    """A year of ordinary payments of 60 payees (5% of days off-days), then one day with planted outliers."""
    rng = np.random.default_rng(7)
    payees = pd.DataFrame({"payee_account": [f"62220{i:04d}" for i in range(60)],
                           "unit_code": [f"U{i % 10}" for i in range(60)],
                           "econ_code": [f"302{i % 5:02d}" for i in range(60)],
                           "typical": np.exp(rng.normal(np.log(3_000_000), 1.0, 60))})
    days = pd.Series(pd.date_range("2024-01-01", "2025-01-05"))
    days = days[is_working_day(days) | (rng.random(len(days)) < 0.05)].dt.date.to_numpy()
    history = vouchers(rng, payees, 9000, days[rng.integers(len(days), size=9000)], "H")
    new = vouchers(rng, payees, 150, SCORED_DAY, "N")
    p0, p1, p2 = (payees.iloc[i] for i in range(3))

    def planted(no, payee, amount, day=SCORED_DAY, **other):
        return {"voucher_no": no, "pay_date": day, "region_code": "330100", "unit_code": payee["unit_code"],
                "payee_account": payee["payee_account"], "payee_name": "某公司", "econ_code": payee["econ_code"],
                "amount_fen": amount, "orig_voucher_no": None, **other}

    odd = [planted("HUGE", p0, int(p0["typical"] * 80)),
           planted("NEWBIG", p1, 800_000_000, payee_account="NEWACCOUNT"),
           planted("WEEKEND", p1, 50_000_000, day=dt.date(2025, 1, 4)),
           *(planted(f"SPLIT{k}", p2, 40_000_000 + 1234 * k) for k in range(3)),
           planted("GONE", p0, 999_999_999), planted("GONE-R", p0, -999_999_999, orig_voucher_no="GONE")]
    new = pd.concat([new, pd.DataFrame(odd)], ignore_index=True)
    dates = pd.to_datetime(history["pay_date"])
    cut = pd.Timestamp(SCORED_DAY) - pd.Timedelta(days=ml.RECENT_DAYS)
    return history[dates < cut], history[dates >= cut], new


@pytest.fixture(scope="module")
def scored(city):
    trained, recent, new = city
    model = ml.train_model(trained, limit_fen=T, seed=0)
    return ml.score_vouchers(model, new, recent=recent, explain_top=10)


def test_planted_outliers_rank_first(scored):
    # the model's tail month holds ~150 vouchers, so every value stranger than all of them ties at 1/150: the
    # ordinary vouchers paid that day to SPLIT's pair (part of its run past the limit) or in a burst of payments
    # to one payee may tie with the planted ones
    assert set(PLANTED) <= set(scored["voucher_no"].head(len(PLANTED) + 4))
    for _, day in scored.groupby("pay_date"):  # each day ranked on its own (WEEKEND is a day of its own)
        assert day["rank"].tolist() == list(range(1, len(day) + 1))
        assert day["score"].is_monotonic_decreasing


def test_each_planted_outlier_is_explained_by_what_was_planted(scored):
    planted = scored[scored["voucher_no"].isin(PLANTED)]
    reasons = {row.voucher_no: {name for name, *_ in row.reasons} for row in planted.itertuples()}
    assert "off_day" in reasons["WEEKEND"]
    assert {"new_payee", "new_to_unit"} <= reasons["NEWBIG"]
    assert all(reasons[f"SPLIT{k}"] & {"group_to_limit", "repeat_excess"} for k in range(3))
    assert reasons["HUGE"] & {"amount_vs_payee", "amount_vs_econ"}
    weekend = scored.loc[scored["voucher_no"] == "WEEKEND", "reason_text"].iloc[0]
    assert "非工作日支付（是）" in weekend
    huge = scored.loc[scored["voucher_no"] == "HUGE", "reason_text"].iloc[0]
    assert "金额远高于该收款人以往金额（为其以往平均金额的" in huge
    newbig = scored.loc[scored["voucher_no"] == "NEWBIG", "reason_text"].iloc[0]
    assert "本单位首次向该收款人付款（此前无任何单位向其付款）" in newbig


def test_only_new_counted_vouchers_are_scored_and_only_the_top_explained(city, scored):
    _, _, new = city
    assert len(scored) == len(new) - 2 and "GONE" not in set(scored["voucher_no"])  # fully refunded
    top = scored["rank"] <= 10  # of each day
    assert scored.loc[top, "reasons"].map(len).gt(0).all() and scored.loc[~top, "reasons"].isna().all()
    assert scored.loc[~top, "reason_text"].isna().all() and top.sum() == 11


def test_features_look_only_backwards(city):
    trained, _, _ = city
    full = ml._counted(trained)
    early = full[full["pay_date"] < "2024-07-01"]
    memory = ml.Memory.of([], 0)
    a = ml.voucher_features(early, memory, T)[ml.FEATURE_NAMES]
    b = ml.voucher_features(full, memory, T)[ml.FEATURE_NAMES].iloc[:len(early)]
    pd.testing.assert_frame_equal(a, b)


def test_a_month_scored_at_once_ranks_each_day_as_that_day_alone(city):
    """Scoring a span of days in one pass (a year re-evaluated) gives each day what scoring it alone gives."""
    trained, recent, _ = city
    model = ml.train_model(trained, limit_fen=T)
    days = sorted(pd.to_datetime(recent["pay_date"]).dt.date.unique())[-6:]
    frame = recent[pd.to_datetime(recent["pay_date"]) >= pd.Timestamp(days[0] - dt.timedelta(days=ml.RECENT_DAYS))]
    together = ml.score_days(model, frame, days[0], explain_top=5)
    for day in days[-3:]:
        alone = frame[pd.to_datetime(frame["pay_date"]) >= pd.Timestamp(day - dt.timedelta(days=ml.RECENT_DAYS))]
        alone = ml.score_days(model, alone[pd.to_datetime(alone["pay_date"]).dt.date <= day], day, explain_top=5)
        mine = together[together["pay_date"].dt.date == day].reset_index(drop=True)
        assert len(mine) > 0
        pd.testing.assert_frame_equal(mine[["voucher_no", "score", "rank", "reason_text"]],
                                      alone[["voucher_no", "score", "rank", "reason_text"]])


def as_read_on(frame: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The PAY rows up to `day` as that day reads them: without the vouchers refunded in full by then, nor their
    refunds (what counted_vouchers leaves out), so the scoring has no later refund to account for."""
    upto = frame[pd.to_datetime(frame["pay_date"]).dt.date <= day]
    paid = upto["amount_fen"] > 0
    gone = set(upto.loc[paid, "voucher_no"]) - set(counted_vouchers(upto)["voucher_no"])
    return upto[~upto["voucher_no"].isin(gone) & ~upto["orig_voucher_no"].isin(gone)]


def test_a_voucher_refunded_in_full_on_a_later_day_counts_before_it_when_days_are_scored_together(city):
    """A day scored with later days still counts a voucher its refunds reach in full only later — as that day
    scored alone does — and from that later day on it counts no more: refunds in full at once, in two parts on
    two days, and in part only."""
    trained, recent, _ = city
    model = ml.train_model(trained, limit_fen=T)
    days = sorted(pd.to_datetime(recent["pay_date"]).dt.date.unique())[-6:]
    frame = recent[pd.to_datetime(recent["pay_date"]) >= pd.Timestamp(days[0] - dt.timedelta(days=ml.RECENT_DAYS))]
    originals = frame[pd.to_datetime(frame["pay_date"]).dt.date.isin(days[:2])].head(24)
    refunds = []
    for k, (_, row) in enumerate(originals.iterrows()):
        amount = int(row["amount_fen"])
        parts = {0: [(days[3], amount)], 1: [(days[2], amount // 2), (days[4], amount - amount // 2)],
                 2: [(days[3], amount // 3)]}[k % 3]
        refunds += [{**row.to_dict(), "voucher_no": f"R{k}-{j}", "pay_date": day, "amount_fen": -part,
                     "orig_voucher_no": row["voucher_no"]} for j, (day, part) in enumerate(parts)]
        # the same payment again on the last day: a repeat while its original counts, not once it is refunded
        refunds.append({**row.to_dict(), "voucher_no": f"AGAIN{k}", "pay_date": days[5]})
    frame = pd.concat([frame, pd.DataFrame(refunds)], ignore_index=True)
    together = ml.score_days(model, frame, days[0], explain_top=5)
    for day in days:
        alone = ml.score_days(model, as_read_on(frame, day), day, explain_top=5)
        mine = together[together["pay_date"].dt.date == day].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine[["voucher_no", "score", "rank", "reason_text"]],
                                      alone[["voucher_no", "score", "rank", "reason_text"]])
    first_days = set(together.loc[together["pay_date"].dt.date.isin(days[:2]), "voucher_no"])
    assert set(originals["voucher_no"]) <= first_days  # scored on their own days, refunded in full later


def test_scores_are_reproducible(city, scored):
    trained, recent, new = city
    again = ml.score_vouchers(ml.train_model(trained, limit_fen=T, seed=0), new, recent=recent, explain_top=10)
    assert again["score"].tolist() == scored["score"].tolist()


def test_a_run_past_the_limit_counts_beyond_the_usual_not_a_single_payment(city):
    """group_to_limit: a run of payments under the limit to one payee, beyond what the unit usually pays it,
    adding up to near or past the limit; one large payment alone is no run."""
    trained, recent, new = city
    model = ml.train_model(trained, limit_fen=T)
    frame = ml._counted(pd.concat([recent, new], ignore_index=True))
    features = ml.voucher_features(frame, model.memory, T).set_index(frame["voucher_no"])
    assert (features.loc[[f"SPLIT{k}" for k in range(3)], "group_to_limit"] >= ml.NEAR_LIMIT).all()
    single = new[new["voucher_no"] == "SPLIT0"].assign(voucher_no="SINGLE", unit_code="U-OTHER", amount_fen=int(0.99 * T))
    alone = ml._counted(pd.concat([recent, single], ignore_index=True))
    one = ml.voucher_features(alone, model.memory, T).set_index(alone["voucher_no"])
    assert one.loc["SINGLE", "group_to_limit"] == 0


def test_a_units_first_payment_to_a_payee_is_new_to_it_until_a_later_day(city):
    """new_to_unit: a unit paying a payee it has not paid before — one no unit has paid, or one other units pay —
    and not once it has paid it on an earlier day; two first payments on the same day are both first (a day's
    vouchers are described regardless of their order)."""
    trained, recent, new = city
    model = ml.train_model(trained, limit_fen=T)
    ordinary = new[new["voucher_no"].str.match(r"N\d")]  # paid by the units that pay them all year
    known = ordinary.iloc[0]
    elsewhere = [{**known.to_dict(), "voucher_no": no, "unit_code": "U-NEW", "pay_date": day}
                 for no, day in [("ELSEWHERE", SCORED_DAY), ("SAME-DAY", SCORED_DAY),
                                 ("NEXT-DAY", SCORED_DAY + dt.timedelta(days=1))]]
    frame = ml._counted(pd.concat([recent, new, pd.DataFrame(elsewhere)], ignore_index=True))
    features = ml.voucher_features(frame, model.memory, T).set_index(frame["voucher_no"])
    assert (features.loc[["ELSEWHERE", "SAME-DAY", "NEWBIG"], "new_to_unit"] == 1).all()
    assert features.loc["ELSEWHERE", "new_payee"] == 0 and features.loc["NEWBIG", "new_payee"] > 0
    assert features.loc["NEXT-DAY", "new_to_unit"] == 0
    assert (features.loc[ordinary["voucher_no"], "new_to_unit"] == 0).all()


def test_a_new_payee_outranks_a_voucher_as_strange_on_one_question(city):
    """A payee never paid before is new to its unit as well: two answers, where an amount beyond any the model
    has seen is one. Each alone is rarer than every training voucher (the same, capped, contribution)."""
    trained, _, _ = city
    model = ml.train_model(trained, limit_fen=T)
    beyond = {name: tail[-1] + 1 for name, tail in model.tails.items()}
    features = pd.DataFrame(0.0, index=["new payee", "huge amount"], columns=ml.FEATURE_NAMES)
    features.loc["new payee", ["new_payee", "new_to_unit"]] = beyond["new_payee"], 1.0
    features.loc["huge amount", "amount_vs_payee"] = beyond["amount_vs_payee"]
    parts = ml.contributions(model, features)
    assert parts[0, ml.FEATURE_NAMES.index("new_payee")] == parts[1].max()
    new_payee, huge = ml.combined(parts)
    assert new_payee > huge


def test_a_model_stored_before_a_feature_was_added_is_trained_again(city, store):
    """An upgraded store holds the month's model of the version before, without a tail for a feature added
    since: it is trained again and stored, not used."""
    trained, recent, _ = city
    history = pd.concat([trained, recent], ignore_index=True)
    history["pay_date"] = pd.to_datetime(history["pay_date"])
    history = history.sort_values("pay_date", kind="stable").reset_index(drop=True)
    loaded = LoadedVouchers(None, dt.date(2024, 1, 1), SCORED_DAY - dt.timedelta(days=1), history)
    model = ml_rule.model_for(store, SCORED_DAY, T, loaded)
    older = dataclasses.replace(model, tails=dict(list(model.tails.items())[:-1]))
    with store.begin() as conn:
        conn.execute(update(alert_model).values(model=pickle.dumps(older), trained_at=dt.datetime(2020, 1, 1)))
    again = ml_rule.model_for(store, SCORED_DAY, T, loaded)
    assert list(again.tails) == ml.FEATURE_NAMES
    with store.connect() as conn:
        stored = pickle.loads(conn.scalar(select(alert_model.c.model)))
    assert list(stored.tails) == ml.FEATURE_NAMES
