"""The 预算执行 drill-down: which level a view lists, and where its rows come from.

Below the chosen region a view descends 部门 → 单位 → 功能科目（项）→ 经济科目（款）→ 预算指标, then the
quota's vouchers. Every row is the indicator layer's: for the top region's departments and units the day's
stored snapshot (the same rows the calculator gives, read instead of summed over every voucher of the year),
otherwise the calculator itself with the drill path (`execution(…, within=path)`).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from indicators.execution import execution
from indicators.registry import LEVEL_NAMES
from indicators.scope import names, open_scope, unit_depts
from indicators.snapshots import snapshot_rows

PATH = ("dept", "unit", "func", "econ", "quota")  # the drill levels below the region, in order
DEPTH = {"func": 7, "econ": 5}  # 功能科目 by 项, 经济科目 by 款: the codes a quota carries
LEVEL_LABELS = {**LEVEL_NAMES, "dept": "部门", "unit": "单位", "func": "功能科目", "econ": "经济科目",
                "quota": "预算指标", "voucher": "支付凭证"}
_SNAPSHOT_LEVELS = ("dept", "unit")


@dataclass(frozen=True)
class Drill:
    """Where a view stands: the region (全辖), an optional fund type and the members chosen below it."""
    region: str
    fund_type: str | None = None
    path: tuple[tuple[str, str], ...] = ()  # ((level, code), …) in PATH order, without gaps

    @property
    def level(self) -> str:
        """The level the view lists: the one after the deepest chosen (vouchers once a quota is chosen)."""
        return PATH[len(self.path)] if len(self.path) < len(PATH) else "voucher"

    @property
    def within(self) -> dict[str, str]:
        return dict(self.path)

    def down(self, code: str) -> "Drill":
        return Drill(self.region, self.fund_type, (*self.path, (self.level, code)))

    def up(self, levels: int = 1) -> "Drill":
        return Drill(self.region, self.fund_type, self.path[:len(self.path) - levels])


def drill_from(region: str, fund_type: str | None, chosen: dict[str, str | None]) -> Drill:
    """The drill of a view's query: the chosen members in PATH order, stopping at the first level not chosen."""
    path = []
    for level in PATH:
        if not chosen.get(level):
            break
        path.append((level, chosen[level]))
    return Drill(region, fund_type, tuple(path))


def level_rows(engine: Engine, day: dt.date, drill: Drill, top: str | None) -> list[dict]:
    """The execution rows of the level the drill lists (none at the voucher level)."""
    level = drill.level
    if level == "voucher":
        return []
    if (level in _SNAPSHOT_LEVELS and drill.region == top and drill.fund_type is None
            and all(lvl == "dept" for lvl, _ in drill.path)):
        stored = snapshot_rows(engine, "execution", day, level)
        if stored:
            return _in_dept(engine, stored, drill.within.get("dept"))
    return execution(engine, day, drill.region, level, drill.fund_type, DEPTH.get(level), within=drill.within)


def _in_dept(engine: Engine, rows: list[dict], dept: str | None) -> list[dict]:
    if dept is None:
        return rows
    with engine.connect() as conn:
        depts = unit_depts(conn)
    return [r for r in rows if depts.get(r["code"]) == dept]


def member_row(engine: Engine, day: dt.date, drill: Drill, top: str | None) -> dict | None:
    """The row of the deepest chosen member (as its parent level lists it); None at the region itself."""
    if not drill.path:
        return None
    code = drill.path[-1][1]
    return next((r for r in level_rows(engine, day, drill.up(), top) if r["code"] == code), None)


def path_names(engine: Engine, day: dt.date, drill: Drill) -> list[tuple[str, str, str]]:
    """(level, code, display name) of the region and each chosen member, for the breadcrumbs."""
    with engine.connect() as conn:
        sc = open_scope(conn, "execution", day, drill.region, within=drill.within)
        out = [("region", drill.region, names(sc, "region", [drill.region])[drill.region])]
        for level, code in drill.path:
            out.append((level, code, names(sc, level, [code]).get(code, code)))
    return out
