"""Evaluates the registry's recipes: every ratio, difference and lag of every family is computed here only.

The calculators hand over a member's parts (exact integer 分 or counts); explain() hands over the totals of
the rows it lists; the snapshots hand over stored parts plus the day's rows — all three get their figures from
`derive`, so a rate cannot be computed two ways.
"""
from __future__ import annotations

from fractions import Fraction

from indicators.registry import FAMILIES


def ratio(num, den) -> Fraction | None:
    """num ÷ den, exact; null when either is undefined or the denominator is 0."""
    if num is None or den is None or den == 0:
        return None
    return Fraction(num) / Fraction(den)


def derive(family: str, parts: dict, time_progress: Fraction, only: str | None = None) -> dict:
    """Every figure of `family` from its parts (a part missing from `parts` is 0: nothing in scope); with
    `only`, that figure and the figures it is made of (a history of one figure over hundreds of days)."""
    fam = FAMILIES[family]
    out: dict = {}

    def value(ind_id: str):
        if ind_id not in out:
            out[ind_id] = _evaluate(fam.get(ind_id).recipe, ind_id, parts, time_progress, value)
        return out[ind_id]

    for ind_id in ([only] if only else (ind.id for ind in fam.indicators)):
        value(ind_id)
    return out


def _evaluate(recipe: tuple, ind_id: str, parts: dict, tp: Fraction, value):
    kind, args = recipe[0], recipe[1:]
    if kind == "part":
        return parts.get(ind_id, 0)
    if kind == "time":
        return tp
    a, *rest = (value(arg) for arg in args)
    if kind == "lag":
        return None if a is None else (a - tp) * 100
    b = rest[0]
    if kind == "ratio":
        return ratio(a, b)
    if kind == "growth":
        r = ratio(a, b)
        return None if r is None else r - 1
    if a is None or b is None:
        return None
    if kind == "diff":
        return a - b
    if kind == "sum":
        return a + b
    raise ValueError(f"unknown recipe {recipe!r}")


def part_ids(family: str) -> list[str]:
    """The figures of a family that are summed from rows (the inputs of `derive`)."""
    return [i.id for i in FAMILIES[family].indicators if i.recipe[0] == "part"]


def parts_of(family: str, ind_id: str) -> set[str]:
    """The parts a figure is derived from (itself for a part)."""
    recipe = FAMILIES[family].get(ind_id).recipe
    if recipe[0] == "part":
        return {ind_id}
    return set().union(*(parts_of(family, a) for a in recipe[1:])) if len(recipe) > 1 else set()
