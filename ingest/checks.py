"""Report-specific rules of interface.md §3, one function per report, registered in REPORT_CHECKS.

Each receives the typed frame (warehouse column names, line_no), the column headers as written, the
findings collector and the file's context. Rows are never changed here, only judged.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from ingest import lookup
from ingest.standard import REPORTS
from ingest.validate import key_texts


def _h(meta, fld):
    return meta["headers"][fld]


def _fen_text(fen) -> str:
    fen = int(fen)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _sign_rule(frame, meta, fx, fld, positive_only: bool):
    col = f"{fld}_fen"
    v = frame[col]
    bad = (v <= 0) if positive_only else (v == 0)
    fx.add_mask("AMOUNT_SIGN", bad.fillna(False), frame, fld, _h(meta, fld), "大于 0" if positive_only else "不等于 0")


def _not_after_business_date(frame, meta, fx, ctx, fld):
    iso = ctx.business_date.isoformat()
    late = frame[fld].notna() & (frame[fld] > iso)
    fx.add_mask("DATE_AFTER_BUSINESS_DATE", late.fillna(False), frame, fld, _h(meta, fld), iso)


def _plain(s: pd.Series) -> list:
    """A column as plain Python values, None where missing (a column at a time, not value by value)."""
    if s.dtype == "str":
        return pa.array(s, from_pandas=True).to_pylist()
    return s.astype(object).where(s.notna(), None).tolist()


def _key_tuples(frame, cols: list[str]) -> list[tuple]:
    """Row keys as plain Python tuples (None where a part is missing)."""
    return list(zip(*[_plain(frame[c]) for c in cols]))


def _stored_duplicates(frame, meta, fx, ctx, report):
    rep = REPORTS[report]
    from warehouse.schema import REPORT_TABLES

    key_cols = [rep.cols[k].store_name for k in rep.key]
    keys = _key_tuples(frame, key_cols)
    complete = [k for k in keys if None not in k]
    found = lookup.existing_keys(ctx.conn, REPORT_TABLES[report], key_cols, complete, ctx.replacing_file_id)
    if not found:
        return
    stored = [found.get(k) for k in keys]
    fx.add_mask("KEY_DUPLICATE_STORED", [s is not None for s in stored], frame, rep.key_field,
                _h(meta, rep.key_field), stored, subject=key_texts(frame, rep, meta))


def check_region(frame, meta, fx, ctx):
    known = ctx.codes.regions | set(frame["region_code"])
    parent = frame["parent_code"]
    bad = (parent != "") & ~parent.isin(known)
    fx.add_mask("REGION_PARENT_UNKNOWN", bad, frame, "parent_code", _h(meta, "parent_code"))


def check_func(frame, meta, fx, ctx):
    codes, years = frame["code"], frame["year"]
    in_file = set(zip(codes, years))
    parent = [c[:3] if len(c) == 5 else c[:5] if len(c) == 7 else None for c in codes]
    bad = [p is not None and (p, y) not in in_file and p not in ctx.codes.func_codes(y) for p, y in zip(parent, years)]
    fx.add_mask("FUNC_PARENT_UNKNOWN", bad, frame, "code", _h(meta, "code"), parent)


def check_bgt(frame, meta, fx, ctx):
    _sign_rule(frame, meta, fx, "amount", True)
    _not_after_business_date(frame, meta, fx, ctx, "issued_date")
    year_mismatch = frame["issued_date"].notna() & frame["year"].notna() & (
        frame["issued_date"].str.slice(0, 4) != frame["year"].astype("str"))
    fx.add_mask("BGT_YEAR_MISMATCH", year_mismatch.fillna(False), frame, "issued_date", _h(meta, "issued_date"),
                frame["year"].astype("str"))
    project = frame["exp_type"] == "项目支出"
    fx.add_mask("BGT_PROJECT_REQUIRED", project & (frame["project_name"] == ""), frame, "project_name",
                _h(meta, "project_name"))
    reduce = frame["kind"] == "调减"
    fx.add_mask("BGT_ORIG_REQUIRED", reduce & (frame["orig_quota_id"] == ""), frame, "orig_quota_id",
                _h(meta, "orig_quota_id"))
    _stored_duplicates(frame, meta, fx, ctx, "BGT")
    _check_bgt_originals(frame, meta, fx, ctx)


_CLASS_FIELDS = ("unit_code", "func_code", "econ_code", "fund_type", "exp_type", "project_code")


def _check_bgt_originals(frame, meta, fx, ctx):
    """调减 and naming 追加 rows: the original must exist, match its classification, and stay ≥ 0."""
    naming = frame["kind"].isin(("调减", "追加")) & (frame["orig_quota_id"] != "") & frame["year"].notna()
    if not naming.any():
        return
    rows = frame[naming]
    keys = [(r, int(y), o) for r, y, o in zip(rows["region_code"], rows["year"], rows["orig_quota_id"])]
    stored = lookup.quotas(ctx.conn, keys, ctx.replacing_file_id)
    adjustments = lookup.quota_adjustments(ctx.conn, keys, ctx.replacing_file_id)
    in_file = {}
    for i, r in enumerate(frame.itertuples(index=False)):
        if pd.notna(r.year):
            in_file.setdefault((r.region_code, int(r.year), r.quota_id), i)
    balance: dict[tuple, int] = {}
    for i in np.flatnonzero(naming.to_numpy()):
        r = frame.iloc[i]
        key = (r.region_code, int(r.year), r.orig_quota_id)
        line = int(r.line_no)
        orig = stored.get(key)
        if orig is None and key in in_file:
            orig = frame.iloc[in_file[key]].to_dict()
        if orig is None:
            fx.add("BGT_ORIG_UNKNOWN", line, _h(meta, "orig_quota_id"), r.orig_quota_id)
            continue
        for fld in _CLASS_FIELDS:
            if (orig.get(fld) or "") != (r[fld] or ""):
                fx.add("BGT_ORIG_MISMATCH", line, _h(meta, fld), r[fld], orig.get(fld) or "（空）")
        if key not in balance:
            base = orig.get("amount_fen")
            balance[key] = int(base) + adjustments.get(key, 0) if pd.notna(base) else 0
        amount = int(r.amount_fen) if pd.notna(r.amount_fen) else 0
        before = balance[key]
        balance[key] += -amount if r.kind == "调减" else amount
        if balance[key] < 0:
            fx.add("BGT_REDUCE_BELOW_ZERO", line, _h(meta, "amount"), r.raw_amount, _fen_text(before),
                   subject=r.orig_quota_id)


def check_pay(frame, meta, fx, ctx):
    _sign_rule(frame, meta, fx, "amount", False)
    _not_after_business_date(frame, meta, fx, ctx, "pay_date")
    late_cut = (ctx.business_date - dt.timedelta(days=7)).isoformat()
    late = frame["pay_date"].notna() & (frame["pay_date"] < late_cut)
    fx.add_mask("PAY_LATE", late.fillna(False), frame, "pay_date", _h(meta, "pay_date"))
    _stored_duplicates(frame, meta, fx, ctx, "PAY")
    _check_pay_quota(frame, meta, fx, ctx)
    _check_refunds(frame, meta, fx, ctx)


def _check_pay_quota(frame, meta, fx, ctx):
    """Quota must exist; classification should match it; cumulative payments should stay within it.

    Column-wise: rows are numbered by their quota (region, year, quota_id), each distinct quota is looked up
    once, and the running balance of a quota through the file (in line order) is its amount, adjustments and
    payments so far less the cumulative sum of the file's rows on it.
    """
    has = (frame["pay_date"].notna() & frame["quota_id"].notna() & (frame["quota_id"] != "")).to_numpy(dtype=bool)
    if not has.any():
        return
    rows = np.flatnonzero(has)
    sub = frame.iloc[rows]
    region, qid = _plain(sub["region_code"]), _plain(sub["quota_id"])
    year = sub["pay_date"].str.slice(0, 4).astype("int64").tolist()
    group, keys = pd.factorize(pd.Series(list(zip(region, year, qid)), dtype=object))
    keys = list(keys)
    stored = lookup.quotas(ctx.conn, keys, None)
    adjustments = lookup.quota_adjustments(ctx.conn, keys, None)
    paid = lookup.paid_by_quota(ctx.conn, [(k[0], k[2]) for k in stored], ctx.replacing_file_id)
    known = np.array([k in stored for k in keys], dtype=bool)
    adjusted = np.array([int(stored[k]["amount_fen"]) + adjustments.get(k, 0) if k in stored else 0 for k in keys],
                        dtype=np.int64)
    start = adjusted - np.array([paid.get((k[0], k[2]), 0) for k in keys], dtype=np.int64)
    found = known[group]

    def full(mask) -> np.ndarray:  # a mask over the file's rows from one over the rows with a quota
        out = np.zeros(len(frame), dtype=bool)
        out[rows[mask]] = True
        return out

    def full_values(per_key: list) -> pd.Series:
        out = pd.Series("", index=frame.index, dtype=object)
        out.iloc[rows] = np.array(per_key, dtype=object)[group]
        return out

    if not found.all():
        fx.add_mask("PAY_QUOTA_UNKNOWN", full(~found), frame, None, _h(meta, "quota_id"), values=frame["quota_id"],
                    expected=full_values([f"{k[0]}，{k[1]} 年度" for k in keys]))
    if not found.any():
        return
    for fld in ("func_code", "econ_code", "fund_type"):
        want = [(stored[k][fld] or "") if k in stored else "" for k in keys]
        v = sub[fld].fillna("").to_numpy(dtype=object)
        differs = found & (v != "") & (v != np.array(want, dtype=object)[group])
        if differs.any():
            fx.add_mask("PAY_QUOTA_MISMATCH", full(differs), frame, None, _h(meta, fld), values=frame[fld],
                        expected=full_values([w or "（空）" for w in want]))
    amount = sub["amount_fen"]
    spent = amount.fillna(0).astype("int64").groupby(group, sort=False).cumsum().to_numpy()
    positive = (amount > 0).fillna(False).to_numpy(dtype=bool)
    over = found & positive & (start[group] - spent < 0)
    if over.any():
        fx.add_mask("PAY_OVER_QUOTA", full(over), frame, "amount", _h(meta, "amount"),
                    expected=full_values([_fen_text(a) for a in adjusted]), subject=frame["quota_id"])


def _check_refunds(frame, meta, fx, ctx):
    refund = frame["amount_fen"].notna() & (frame["amount_fen"] < 0)
    if not refund.any():
        return
    h = _h(meta, "orig_voucher_no")
    fx.add_mask("PAY_REFUND_ORIG_REQUIRED", refund & (frame["orig_voucher_no"] == ""), frame, "orig_voucher_no", h)
    named = refund & (frame["orig_voucher_no"] != "")
    rows = frame[named]
    keys = _key_tuples(rows, ["region_code", "orig_voucher_no"])
    stored = lookup.vouchers(ctx.conn, keys, ctx.replacing_file_id)
    originals = frame[frame["voucher_no"].isin(rows["orig_voucher_no"]) & (frame["amount_fen"] > 0).fillna(False)]
    in_file = {(r, v): (u, a) for r, v, u, a in zip(*(_plain(originals[c]) for c in
                                                      ("region_code", "voucher_no", "unit_code", "amount_fen")))}
    refunded: dict[tuple, int] = {}
    for r in rows.itertuples(index=False):
        key = (r.region_code, r.orig_voucher_no)
        line = int(r.line_no)
        if key in stored:
            unit, amount, before = stored[key]["unit_code"], stored[key]["amount_fen"], stored[key]["refunded_fen"]
        elif key in in_file:
            (unit, amount), before = in_file[key], 0
        else:
            fx.add("PAY_REFUND_ORIG_UNKNOWN", line, h, r.orig_voucher_no)
            continue
        if unit != r.unit_code:
            fx.add("PAY_REFUND_ORIG_UNIT", line, h, r.orig_voucher_no, unit)
        before = refunded.get(key, before)
        refunded[key] = before - int(r.amount_fen)
        if refunded[key] > amount:
            fx.add("PAY_REFUND_EXCEEDS", line, _h(meta, "amount"), r.raw_amount, _fen_text(amount - before),
                   subject=r.orig_voucher_no)


def check_inc(frame, meta, fx, ctx):
    _stored_duplicates(frame, meta, fx, ctx, "INC")


def check_bond(frame, meta, fx, ctx):
    _sign_rule(frame, meta, fx, "amount", True)
    order = frame["issue_date"].notna() & frame["maturity_date"].notna() & (frame["maturity_date"] <= frame["issue_date"])
    fx.add_mask("DEBT_MATURITY_ORDER", order.fillna(False), frame, "maturity_date", _h(meta, "maturity_date"),
                frame["issue_date"])
    _stored_duplicates(frame, meta, fx, ctx, "DEBT_BOND")


def check_flow(frame, meta, fx, ctx):
    _sign_rule(frame, meta, fx, "amount", True)
    _stored_duplicates(frame, meta, fx, ctx, "DEBT_FLOW")
    bonds = lookup.bonds(ctx.conn, [b for b in frame["bond_code"] if b], ctx.replacing_file_id)
    h = _h(meta, "bond_code")
    repaid: dict[str, int] = {}
    for i, r in enumerate(frame.itertuples(index=False)):
        if not r.bond_code:
            continue
        bond = bonds.get(r.bond_code)
        if bond is None:
            fx.add("DEBT_BOND_UNKNOWN", int(r.line_no), h, r.bond_code)
            continue
        if r.kind == "还本" and pd.notna(r.amount_fen):
            before = repaid.get(r.bond_code, bond["repaid_fen"])
            repaid[r.bond_code] = before + int(r.amount_fen)
            if repaid[r.bond_code] > bond["amount_fen"]:
                fx.add("DEBT_REPAY_EXCEEDS", int(r.line_no), _h(meta, "amount"), r.raw_amount,
                       _fen_text(bond["amount_fen"] - before), subject=r.bond_code)


def check_asset(frame, meta, fx, ctx):
    p = frame["period"]
    bad = p.notna() & ~p.str.slice(5).isin(("03-31", "06-30", "09-30", "12-31"))
    fx.add_mask("ASSET_PERIOD", bad.fillna(False), frame, "period", _h(meta, "period"))


def check_audit(frame, meta, fx, ctx):
    over = frame["amount_fen"].notna() & frame["rectified_amount_fen"].notna() & (
        frame["rectified_amount_fen"] > frame["amount_fen"])
    fx.add_mask("AUDIT_RECTIFIED_EXCEEDS", over.fillna(False), frame, "rectified_amount",
                _h(meta, "rectified_amount"), frame["amount_fen"].map(lambda v: _fen_text(v) if pd.notna(v) else ""))


REPORT_CHECKS = {
    "DM_REGION": check_region,
    "DM_FUNC": check_func,
    "BGT": check_bgt,
    "PAY": check_pay,
    "INC": check_inc,
    "DEBT_BOND": check_bond,
    "DEBT_FLOW": check_flow,
    "ASSET": check_asset,
    "AUDIT": check_audit,
}
