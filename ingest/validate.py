"""Validating one file against the standard and the store, producing typed rows and findings.

Checks are vectorised over columns; each cites a rule of ingest/rules.py by id. Cross-file checks read the
store through the connection of the file's own transaction, looking up only the keys the file mentions, so
the work follows the size of the day's data, not of the history.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from ingest import lookup
from ingest.normalise import (clean_number_text, clean_text, code_length_ok, parse_dates, parse_hundredths,
                              parse_ints)
from ingest.reader import RawTable
from ingest.rules import RULES, message
from ingest.standard import REPORTS, Col, Report

MAX_FINDINGS_PER_RULE = 100

_NUMBER_TEXT = {"amount": "以元为单位的金额，如 1234567.89", "quantity": "以元为单位的金额或实物数量，如 1234567.89"}
_REFERS_TABLE = {"region": "行政区划代码表", "unit": "预算单位代码表", "func": "当年支出功能分类科目表",
                 "econ": "当年部门支出经济分类科目表（部门）"}


@dataclass
class FileContext:
    """What a file is checked against: its identity, the batch's code tables and the store connection."""
    conn: Connection
    codes: "lookup.CodeTables"
    business_date: dt.date
    replacing_file_id: int | None = None  # the earlier version of this file that a redelivery supersedes


@dataclass
class Checked:
    frame: pd.DataFrame  # typed rows, warehouse column names, plus line_no
    findings: list[dict] = field(default_factory=list)


class Findings:
    def __init__(self):
        self.items: list[dict] = []
        self._counts: dict[tuple[str, str], int] = {}

    def add(self, rule_id: str, line: int | None = None, column: str | None = None, value=None, expected=None,
            **msg):
        key = (rule_id, column or "")
        n = self._counts.get(key, 0) + 1
        self._counts[key] = n
        if n > MAX_FINDINGS_PER_RULE:
            return
        value = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
        expected = "" if expected is None else str(expected)
        self.items.append({
            "rule_id": rule_id, "severity": RULES[rule_id].severity, "line": line, "column": column,
            "value": value, "expected": expected,
            "message": message(rule_id, value=value, expected=expected, column=column or "", **msg),
        })

    def add_mask(self, rule_id: str, mask, frame: pd.DataFrame, field_name: str | None, header: str | None,
                 expected=None, values=None, subject=None):
        """One finding per row of `mask`; `expected`, `values` and `subject` are a value for every row or a
        column of the frame's length (values default to the cells of `field_name` as written)."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(idx):
            return
        vals = values if values is not None else (frame[f"raw_{field_name}"] if field_name else None)
        for i in idx[:MAX_FINDINGS_PER_RULE + 1]:
            self.add(rule_id, int(frame["line_no"].iloc[i]), header, _at(vals, i), _at(expected, i),
                     subject=_at(subject, i))
        self._counts[(rule_id, header or "")] += max(0, len(idx) - MAX_FINDINGS_PER_RULE - 1)

    def finish(self) -> list[dict]:
        """Add one line per rule that was cut, saying how many more rows it hit (`more`: counted by `count`,
        not stored)."""
        out = list(self.items)
        for (rule_id, column), n in self._counts.items():
            if n > MAX_FINDINGS_PER_RULE:
                out.append({"rule_id": rule_id, "severity": RULES[rule_id].severity, "line": None,
                            "column": column or None, "value": "", "expected": "",
                            "message": f"同类问题另有 {n - MAX_FINDINGS_PER_RULE} 行未逐一列出（规则 {rule_id}）",
                            "more": n - MAX_FINDINGS_PER_RULE})
        return out


def count(findings: list[dict], severity: str) -> int:
    """The rows a file's findings of `severity` hit, those past a rule's listing limit included."""
    return sum(f.get("more", 1) for f in findings if f["severity"] == severity)


def _at(v, i: int):
    """Row i's value of a per-row column (Series, array or list), else `v` itself."""
    if isinstance(v, pd.Series):
        return v.iloc[i]
    if isinstance(v, (np.ndarray, list)):
        return v[i]
    return v


def _map_headers(rep: Report, headers: list[str], fx: Findings) -> dict[str, int]:
    """field name -> column index; reports duplicate, unknown and missing columns."""
    by_name = {}
    for c in rep.columns:
        by_name[c.cn] = c.field
        by_name[c.field.lower()] = c.field
    mapping: dict[str, int] = {}
    for j, h in enumerate(headers):
        name = h.strip().lstrip("\ufeff")
        fld = by_name.get(name) or by_name.get(name.lower())
        if fld is None:
            if name:
                fx.add("HEADER_EXTRA", 1, name, name)
            continue
        if fld in mapping:
            fx.add("HEADER_DUPLICATE", 1, name, name)
            continue
        mapping[fld] = j
    for c in rep.columns:
        if c.required and c.field not in mapping:
            fx.add("HEADER_MISSING", 1, c.cn, "", c.cn)
    return mapping


def _frame(raw: RawTable, rep: Report, mapping: dict[str, int], fx: Findings) -> tuple[pd.DataFrame, dict]:
    for line, n in raw.ragged:
        fx.add("ROW_FIELD_COUNT", line, None, n, len(raw.headers))
    data = {}
    for c in rep.columns:
        j = mapping.get(c.field)
        data[f"raw_{c.field}"] = pd.Series(raw.columns[j] if j is not None else [""] * raw.n, dtype="str")
    frame = pd.DataFrame(data)
    frame["line_no"] = pd.Series(raw.lines, dtype="int64")
    numeric = {}
    if raw.numeric:
        for c in rep.columns:
            j = mapping.get(c.field)
            if j is not None and c.kind in ("code", "text"):
                numeric[c.field] = np.array([j in n for n in raw.numeric], dtype=bool)
    headers = {c.field: (raw.headers[mapping[c.field]].strip() if c.field in mapping else c.cn) for c in rep.columns}
    return frame, {"numeric": numeric, "headers": headers}


def _typed(frame: pd.DataFrame, rep: Report, meta: dict, fx: Findings) -> pd.DataFrame:
    """Parse every column by its kind; returns the frame with the typed columns (warehouse names) added."""
    hdr = meta["headers"]
    typed: dict[str, pd.Series] = {}
    for c in rep.columns:
        raw = frame[f"raw_{c.field}"]
        h = hdr[c.field]
        if c.kind == "rate":
            value, bad, too_many, empty = parse_hundredths(raw, 4)
            fx.add_mask("NUMBER_FORMAT", bad, frame, c.field, h, "百分数，如 2.35")
            fx.add_mask("NUMBER_FORMAT", too_many, frame, c.field, h, "百分数，最多 4 位小数")
        elif c.kind in ("amount", "quantity"):
            value, bad, too_many, empty = parse_hundredths(raw, 2)
            fx.add_mask("AMOUNT_FORMAT", bad, frame, c.field, h, _NUMBER_TEXT[c.kind])
            fx.add_mask("AMOUNT_DECIMALS", too_many, frame, c.field, h, "最多 2 位小数")
        elif c.kind == "date":
            value, bad, empty = parse_dates(raw)
            fx.add_mask("DATE_FORMAT", bad, frame, c.field, h)
        elif c.kind == "int":
            value, bad, empty = parse_ints(raw)
            fx.add_mask("NUMBER_FORMAT", bad, frame, c.field, h, "整数（如年度 2026）")
        else:
            value = clean_number_text(raw) if c.kind == "code" else clean_text(raw)
            if c.field in meta["numeric"]:  # Excel keeps 15 significant digits of a number: the rest are lost
                lost = meta["numeric"][c.field] & value.str.fullmatch(r"\d{16,}").fillna(False).to_numpy(dtype=bool)
                fx.add_mask("CELL_PRECISION", lost, frame, c.field, h, "以文本格式保存的完整编号")
            if c.default is not None:
                value = value.where(value != "", c.default)
            empty = value == ""
            if c.kind == "enum":
                fx.add_mask("ENUM", ~value.isin(c.enum) & ~empty, frame, c.field, h, "、".join(c.enum))
        typed[c.store_name] = value
        if c.required:
            fx.add_mask("REQUIRED", empty, frame, c.field, h)
    return pd.concat([frame, pd.DataFrame(typed, index=frame.index)], axis=1)


def _check_code_column(frame, c: Col, meta, fx: Findings, known: set[str] | None, year_series=None,
                       known_by_year=None):
    """Format and (for `refers` columns) membership of a code column, with the leading-zero diagnosis."""
    h = meta["headers"][c.field]
    s = frame[c.store_name]
    numeric = meta["numeric"].get(c.field)
    fmt_ok = code_length_ok(s, c.digits)
    if known is None and known_by_year is None:
        bad = ~fmt_ok
        if numeric is not None and c.digits:
            lost = bad & pd.Series(numeric, index=s.index) & (s.str.len() < min(c.digits))
            fx.add_mask("CODE_LEADING_ZERO", lost, frame, c.field, h, f"{min(c.digits)} 位以 0 开头的编码")
            bad &= ~lost
        fx.add_mask("CODE_FORMAT", bad, frame, c.field, h, _digits_text(c.digits))
        return
    if known_by_year is not None:
        years = pd.Series(year_series, index=s.index)
        year_np = years.to_numpy(dtype="float64", na_value=np.nan)
        known_np = np.zeros(len(s), dtype=bool)
        for y in np.unique(year_np[~np.isnan(year_np)]):
            known_np |= (year_np == y) & s.isin(known_by_year(int(y))).to_numpy(dtype=bool)
        known_np |= np.isnan(year_np)  # no valid date or year: which year's table applies is unknown (its own finding)
        is_known = pd.Series(known_np, index=s.index)
        sets = years
    else:
        is_known = s.isin(known)
        sets = None
    present = s != ""
    fx.add_mask("CODE_FORMAT", present & is_known & ~fmt_ok, frame, c.field, h, _digits_text(c.digits))
    unknown = present & ~is_known
    if not unknown.any():
        return
    padded_hits = pd.Series([None] * len(s), index=s.index, dtype=object)
    for i in np.flatnonzero(unknown.to_numpy()):
        v = s.iloc[i]
        pool = (known_by_year(int(sets.iloc[i])) if pd.notna(sets.iloc[i]) else set()) if sets is not None else known
        for k in (1, 2, 3):
            if "0" * k + v in pool:
                padded_hits.iloc[i] = "0" * k + v
                break
    zero = unknown & padded_hits.notna()
    fx.add_mask("CODE_LEADING_ZERO", zero, frame, c.field, h, padded_hits)
    numeric_lost = unknown & ~zero & (pd.Series(numeric, index=s.index) if numeric is not None else False)
    fx.add_mask("CODE_LEADING_ZERO", numeric_lost, frame, c.field, h, "以 0 开头的已知编码")
    rest = unknown & ~zero & ~numeric_lost
    fx.add_mask("CODE_FORMAT", rest & ~fmt_ok, frame, c.field, h, _digits_text(c.digits))
    fx.add_mask("CODE_UNKNOWN", rest & fmt_ok, frame, c.field, h, _REFERS_TABLE.get(c.refers, "代码表"))


def _digits_text(digits: tuple[int, ...]) -> str:
    if not digits:
        return "数字编码"
    if len(digits) > 2 and digits == tuple(range(digits[0], digits[-1] + 1)):
        return f"{digits[0]}–{digits[-1]} 位数字"
    return "或".join(str(d) for d in digits) + " 位数字"


def _check_keys_in_file(frame, rep: Report, meta, fx: Findings):
    if not rep.key or rep.key_repeats or frame.empty:
        return
    cols = [rep.cols[k].store_name for k in rep.key]
    dup = frame.duplicated(subset=cols, keep="first")
    if dup.any():
        first_line = frame.groupby(cols, sort=False, dropna=False)["line_no"].transform("first")
        fx.add_mask("KEY_DUPLICATE_IN_FILE", dup, frame, rep.key_field, meta["headers"][rep.key_field], first_line,
                    subject=key_texts(frame, rep, meta))


def key_texts(frame: pd.DataFrame, rep: Report, meta) -> pd.Series:
    """Each row's key as a clerk reads it, e.g. "区划编码=419900，凭证号=V10"."""
    parts = [meta["headers"][k] + "=" + frame[f"raw_{k}"].str.strip() for k in rep.key]
    out = parts[0]
    for p in parts[1:]:
        out = out + "，" + p
    return out


def validate(raw: RawTable, report: str, ctx: FileContext) -> Checked:
    rep = REPORTS[report]
    fx = Findings()
    if not raw.n and not any(h.strip() for h in raw.headers):
        fx.add("FILE_EMPTY", 1)
        return Checked(pd.DataFrame(), fx.finish())
    mapping = _map_headers(rep, raw.headers, fx)
    if any(f["rule_id"] in ("HEADER_MISSING", "HEADER_DUPLICATE") for f in fx.items):
        return Checked(pd.DataFrame(), fx.finish())
    frame, meta = _frame(raw, rep, mapping, fx)
    frame = _typed(frame, rep, meta, fx)
    codes = ctx.codes
    year_of = _year_series(frame, rep)
    for c in rep.columns:
        if c.kind != "code":
            continue
        if c.refers == "region":
            _check_code_column(frame, c, meta, fx, codes.regions)
        elif c.refers == "unit":
            _check_code_column(frame, c, meta, fx, set(codes.units))
        elif c.refers == "func":
            _check_code_column(frame, c, meta, fx, None, year_of, codes.func_codes)
        elif c.refers == "econ":
            _check_code_column(frame, c, meta, fx, None, year_of, lambda y: codes.econ_codes(y, "部门"))
        else:
            _check_code_column(frame, c, meta, fx, None)
    _check_keys_in_file(frame, rep, meta, fx)
    from ingest import checks  # report-specific rules

    checks.REPORT_CHECKS.get(report, lambda *a: None)(frame, meta, fx, ctx)
    frame = frame[[c.store_name for c in rep.columns] + ["line_no"]]
    return Checked(frame, fx.finish())


def _year_series(frame: pd.DataFrame, rep: Report) -> pd.Series:
    """The fiscal year each row's codes are checked against (BGT: 预算年度; PAY: year of pay_date); NaN if none."""
    if "year" in rep.cols and rep.cols["year"].kind == "int":
        return frame["year"].astype("float64")
    for f in ("pay_date", "issued_date", "date"):
        if f in rep.cols:
            return pd.to_numeric(frame[f].str.slice(0, 4), errors="coerce").astype("float64")
    return pd.Series(np.nan, index=frame.index)
