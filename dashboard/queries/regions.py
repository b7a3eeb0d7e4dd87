"""The region tree of DM_REGION: the selector's choices and the regions a 全辖 view covers."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from warehouse.schema import dm_region

_LEVEL_RANK = {"省": 0, "市": 1, "县": 2}


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent: str | None
    level: str


def all_regions(engine: Engine) -> list[Region]:
    """Every region, parents before children (by level, then code)."""
    with engine.connect() as conn:
        rows = conn.execute(select(dm_region.c.region_code, dm_region.c.region_name, dm_region.c.parent_code,
                                   dm_region.c.level)).all()
    regions = [Region(*row) for row in rows]
    return sorted(regions, key=lambda r: (_LEVEL_RANK.get(r.level, len(_LEVEL_RANK)), r.code))


def top_region(regions: list[Region]) -> Region | None:
    """The region a view means when none is chosen: the first whose parent is not itself a known region."""
    codes = {r.code for r in regions}
    return next((r for r in regions if r.parent not in codes), None)


def subtree(regions: list[Region], code: str) -> set[str]:
    """`code` and every region below it (the 全辖 scope); empty when the code is unknown."""
    children: dict[str | None, list[str]] = {}
    for r in regions:
        children.setdefault(r.parent, []).append(r.code)
    if code not in {r.code for r in regions}:
        return set()
    found, todo = set(), [code]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, ()))
    return found


def depth(regions: list[Region], code: str) -> int:
    """How many known ancestors a region has (0 for the top), to indent it in the selector."""
    parents = {r.code: r.parent for r in regions}
    level, current = 0, parents.get(code)
    while current in parents and level < len(parents):
        level, current = level + 1, parents[current]
    return level
