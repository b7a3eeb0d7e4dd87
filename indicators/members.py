"""From per-member sums to report rows: the roll-up of regions (全辖 = own + every region below) and the
breakdown rows (fund types, categories, bond types), the same for every family.

A "bucket" is one member's sums: {breakdown value: {part id: integer}}. The SQL returns own sums per region or
sums per lower-level member; everything here adds integers, so 全辖 = Σ children 全辖 + 本级 holds exactly.
"""
from __future__ import annotations

from indicators.formula import derive
from indicators.registry import FAMILIES
from indicators.scope import ALL, FULL, Scope, names
from ingest.standard import FUND_TYPES


def add_parts(acc: dict, parts: dict) -> dict:
    for k, v in parts.items():
        acc[k] = acc.get(k, 0) + v
    return acc


def merge(acc: dict, bucket: dict) -> dict:
    """Adds bucket into acc (both {breakdown: parts}) and returns acc."""
    for bk, parts in bucket.items():
        add_parts(acc.setdefault(bk, {}), parts)
    return acc


def total(bucket: dict) -> dict:
    acc: dict = {}
    for parts in bucket.values():
        add_parts(acc, parts)
    return acc


def put(grouped: dict, member, bk, parts: dict) -> None:
    """Adds one SQL group's sums under (member, breakdown)."""
    add_parts(grouped.setdefault(member, {}).setdefault(bk, {}), parts)


def fund_types(sc: Scope):
    """Breakdown rows of fund-type families: the asked type only; else at level region 全部 plus each type
    present, at other levels 全部."""
    if sc.fund_type:
        return lambda bucket: [sc.fund_type]
    if sc.level != "region":
        return lambda bucket: [ALL]
    return lambda bucket: [ALL] + [f for f in FUND_TYPES if f in bucket]


def fixed(values):
    return lambda bucket: list(values)


def parts_or_total(bucket: dict, bk) -> dict:
    """A breakdown row's parts: 全部/合计 sum every breakdown; any other value is its own."""
    return total(bucket) if bk in (ALL, "合计") else bucket.get(bk, {})


def row(sc: Scope, level: str, code: str, name: str, scope: str, keys: dict, parts: dict) -> dict:
    """One report row: the member, its keys and every exported figure derived from its parts."""
    fam = FAMILIES[sc.family]
    values = derive(sc.family, parts, sc.tp)
    out = {"level": level, "code": code, "name": name, "scope": scope, "date": sc.day, **keys}
    out.update({ind.id: values[ind.id] for ind in fam.indicators if ind.export})
    return out


def assemble(sc: Scope, grouped: dict, key: str, breakdowns, parts_for=parts_or_total,
             extra: dict | None = None, label: dict | None = None, keys_for=None) -> list[dict]:
    """Report rows of every member: at level region `grouped` holds each region's own sums and is rolled up;
    at other levels it holds each member's sums (members sorted by code). `extra` = keys every row carries;
    `keys_for(bucket, breakdown)` = keys of one row; `label` = the members' display names when the caller has
    them (one read for every day of a series)."""
    if sc.level == "region":
        full = sc.regions.rollup(grouped, merge)
        label = label if label is not None else names(sc, "region", sc.codes)
        members = [(code, scope, full.get(code, {}) if scope == FULL else grouped.get(code, {}))
                   for code, scope in sc.region_members()]
    else:
        label = label if label is not None else names(sc, sc.level, grouped)
        members = [(code, FULL, grouped[code]) for code in sorted(grouped)]
    out = []
    for code, scope, bucket in members:
        for bk in breakdowns(bucket):
            keys = {key: bk, **(extra or {}), **(keys_for(bucket, bk) if keys_for else {})}
            out.append(row(sc, sc.level, code, label.get(code, code), scope, keys, parts_for(bucket, bk)))
    return out
