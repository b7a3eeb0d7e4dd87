"""Evaluates the registry's recipes: every ratio, difference and lag of every family is computed here only.

The calculators hand over a member's parts (exact integer 分 or counts); explain() hands over the totals of
the rows it lists; the snapshots hand over stored parts plus the day's rows — all three get their figures from
`derive`, so a rate cannot be computed two ways.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from indicators.registry import FAMILIES


def ratio(num, den) -> Fraction | None:
    """num ÷ den, exact; null when either is undefined or the denominator is 0."""
    if num is None or den is None or den == 0:
        return None
    if type(num) is int and type(den) is int:  # sums of 分 (the common case): one Fraction, not three
        return Fraction(num, den)
    return Fraction(num) / Fraction(den)


def derive(family: str, parts: dict, time_progress: Fraction, only: str | None = None) -> dict:
    """Every figure of `family` from its parts (a part missing from `parts` is 0: nothing in scope); with
    `only`, that figure and the figures it is made of (a history of one figure over hundreds of days)."""
    out: dict = {}
    for ind_id, kind, args in _plan(family, only):
        if kind == "part":
            out[ind_id] = parts.get(ind_id, 0)
        elif kind == "time":
            out[ind_id] = time_progress
        else:
            out[ind_id] = _evaluate(kind, [out[a] for a in args], time_progress)
    return out


@lru_cache(maxsize=None)
def _plan(family: str, only: str | None) -> tuple[tuple[str, str, tuple], ...]:
    """The figures to evaluate, each after those it is made of: (id, recipe kind, argument ids). Worked out
    once per family (derive runs for every member of every day of a history)."""
    fam = FAMILIES[family]
    order: dict[str, tuple] = {}

    def visit(ind_id: str) -> None:
        if ind_id in order:
            return
        recipe = fam.get(ind_id).recipe
        for arg in recipe[1:] if recipe[0] not in ("part", "time") else ():
            visit(arg)
        order[ind_id] = (ind_id, recipe[0], tuple(recipe[1:]))

    for ind_id in ([only] if only else (ind.id for ind in fam.indicators)):
        visit(ind_id)
    return tuple(order.values())


def _evaluate(kind: str, values: list, tp: Fraction):
    a, *rest = values
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
    raise ValueError(f"unknown recipe kind {kind!r}")


def part_ids(family: str) -> list[str]:
    """The figures of a family that are summed from rows (the inputs of `derive`)."""
    return [i.id for i in FAMILIES[family].indicators if i.recipe[0] == "part"]


def parts_of(family: str, ind_id: str) -> set[str]:
    """The parts a figure is derived from (itself for a part)."""
    recipe = FAMILIES[family].get(ind_id).recipe
    if recipe[0] == "part":
        return {ind_id}
    return set().union(*(parts_of(family, a) for a in recipe[1:])) if len(recipe) > 1 else set()
