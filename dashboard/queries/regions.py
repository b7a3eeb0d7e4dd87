"""The region tree as the dashboard uses it: the selector's choices, the region a view defaults to, 全辖 scopes.

The tree is the indicator layer's own reading of DM_REGION (indicators.scope.Regions), so the regions a page
filters its lists by are exactly the regions its figures are summed over.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

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
    """Every region, each directly under its parent (depth first, siblings by code)."""
    out = []
    for root in tree.roots():
        depth_of = {root: 0}
        for code in tree.subtree(root):
            for child in tree.children.get(code, ()):
                depth_of[child] = depth_of[code] + 1
            out.append(Choice(code, tree.names[code], depth_of[code]))
    return out


def covered(tree: Regions, code: str | None) -> set[str] | None:
    """The regions a view of `code` covers (全辖: it and every region below); None = no region chosen (all);
    an unknown code covers nothing."""
    if code is None:
        return None
    return set(tree.subtree(code)) if code in tree.names else set()
