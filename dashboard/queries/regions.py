"""The region tree as the dashboard uses it: the selector's choices, the region a view defaults to, 全辖 scopes.

The tree is the indicator layer's own reading of DM_REGION (indicators.scope.Regions), so the regions a page
filters its lists by are exactly the regions its figures are summed over. What the principal of the request
may see is auth.scope's: the choices list only their regions, a view defaults to theirs, and covering a region
outside theirs is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from auth import scope as access
from indicators.scope import Regions


@dataclass(frozen=True)
class Choice:
    code: str
    name: str
    depth: int  # known ancestors (0 for a root), to indent the region under its parent


def region_tree(engine: Engine) -> Regions:
    with engine.connect() as conn:
        return Regions.load(conn)


def choices(tree: Regions) -> list[Choice]:
    """Every region the principal may see, each directly under its parent (depth first, siblings by code)."""
    visible = access.visible_regions(tree)
    out = []
    for root in tree.roots():
        depth_of = {root: 0}
        for code in tree.subtree(root):
            for child in tree.children.get(code, ()):
                depth_of[child] = depth_of[code] + 1
            if visible is None or code in visible:
                out.append(Choice(code, tree.names[code], depth_of[code]))
    return out


def default_region(tree: Regions) -> str | None:
    """The region a view shows when its link names none: the top region, a deputy's own."""
    return access.default_region(tree)


def covered(tree: Regions, code: str | None) -> set[str] | None:
    """The regions a view of `code` covers (全辖: it and every region below); None = no region chosen (all,
    or all the principal may see); an unknown code covers nothing; a region outside the principal's is refused
    (auth.scope.RegionDenied)."""
    if code is None:
        visible = access.visible_regions(tree)
        return None if visible is None else set(visible)
    access.require_regions(tree, [code])
    return set(tree.subtree(code)) if code in tree.names else set()
