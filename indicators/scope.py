"""What a figure is computed over: the region tree, the level, and the names of the members.

全辖 of a region is the region and every region below it in DM_REGION (parent_code tree); 本级 is its own rows.
Rows below region level are limited to the asked region's 全辖. These rules live here once and every family,
explain() and the snapshots read them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from sqlalchemy import func, select

from auth import scope as access
from indicators.registry import FAMILIES, LEVELS
from indicators.time import time_progress, year_start
from ingest.standard import FUND_TYPES
from warehouse.schema import bgt, dm_econ, dm_func, dm_region, dm_unit, proj

ALL = "全部"  # the breakdown row that sums every fund type / bond type / category
FULL, OWN = "全辖", "本级"
DEPTHS = {"func": (3, 5, 7), "econ": (3, 5)}  # 类/款/项 and 类/款 code lengths


class ScopeError(ValueError):
    """A region, level or option the store or the report does not have (the message is for the user)."""


@dataclass
class Regions:
    """The DM_REGION tree (small: read whole)."""
    names: dict[str, str]
    parent: dict[str, str | None]
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn) -> "Regions":
        rows = conn.execute(select(dm_region.c.region_code, dm_region.c.region_name, dm_region.c.parent_code)
                            .order_by(dm_region.c.region_code)).all()
        tree = cls({r[0]: r[1] for r in rows}, {r[0]: r[2] or None for r in rows})
        for code, parent in tree.parent.items():
            if parent in tree.names:
                tree.children.setdefault(parent, []).append(code)
        return tree

    def roots(self) -> list[str]:
        return [c for c, p in self.parent.items() if p not in self.names]

    def top(self) -> str | None:
        """The region meant when none is asked: the root of DM_REGION (the lowest code if there are several)."""
        roots = self.roots()
        return roots[0] if roots else None

    def subtree(self, code: str) -> list[str]:
        """The region and every region below it, parents before children, siblings by code."""
        out, stack = [], [code]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return out

    def rollup(self, own: dict, merge) -> dict:
        """全辖 of every region from each region's own figures: merge(acc, x) adds x into acc and returns acc."""
        full: dict = {}
        for root in self.roots():
            for code in reversed(self.subtree(root)):  # children before parents
                acc = merge({}, own.get(code, {}))
                for child in self.children.get(code, []):
                    acc = merge(acc, full[child])
                full[code] = acc
        return full


@dataclass
class Scope:
    """One request: the figures of `family` as of `day` for `region` (全辖) at `level`."""
    conn: object
    family: str
    day: dt.date
    regions: Regions
    region: str | None  # the asked region (None: the store has no regions yet)
    level: str
    depth: int | None = None  # code length at level func / econ
    fund_type: str | None = None
    within: dict = field(default_factory=dict)  # {level: member code}: rows of those members only (a drill path)

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def start(self) -> dt.date:
        return year_start(self.day)

    @property
    def tp(self) -> Fraction:
        return time_progress(self.day)

    @property
    def codes(self) -> list[str]:
        """The regions whose rows are in scope (the asked region's 全辖)."""
        return self.regions.subtree(self.region) if self.region else []

    def region_members(self) -> list[tuple[str, str]]:
        """(code, 全辖/本级) of the level-region rows: each region of the subtree 全辖, plus the asked one's 本级."""
        codes = self.codes
        if not codes:
            return []
        return [(codes[0], FULL), (codes[0], OWN)] + [(c, FULL) for c in codes[1:]]

    def member_of(self):
        """Maps a row's value of the level's column (see MEMBER_DIM) to the member code, None = not a member."""
        return self._member_map(self.level, self.depth)

    def _member_map(self, level: str, depth: int | None):
        if level in DEPTHS:
            return lambda v: v[:depth] if v and len(v) >= depth else None
        if level == "dept":
            depts = unit_depts(self.conn)
            return depts.get
        return lambda v: v or None

    def within_tests(self) -> list[tuple[str, object]]:
        """(column of MEMBER_DIM, test of a row's value) for each member of the drill path: a row belongs to a
        path member exactly when it would be counted in that member's own row."""
        tests = []
        for level, code in self.within.items():
            member = self._member_map(level, len(code) if level in DEPTHS else None)
            tests.append((MEMBER_DIM[level], lambda v, member=member, code=code: member(v) == code))
        return tests

    def within_units(self) -> list[str] | None:
        """The units the drill path allows (None: any), to narrow the sums where the unit index can serve."""
        if "unit" in self.within:
            return [self.within["unit"]]
        if "dept" in self.within:
            return sorted(u for u, d in unit_depts(self.conn).items() if d == self.within["dept"])
        return None


MEMBER_DIM = {"region": "region_code", "fund_type": "fund_type", "dept": "unit_code", "unit": "unit_code",
              "func": "func_code", "econ": "econ_code", "project": "project_code", "quota": "quota_id"}
WITHIN_LEVELS = ("dept", "unit", "func", "econ", "quota", "project")  # levels a drill path can name


def _check_within(level: str, within: dict) -> dict:
    for key, code in within.items():
        if key not in WITHIN_LEVELS:
            raise ScopeError(f"下钻路径不能包含 {key} 层级，可选：{', '.join(WITHIN_LEVELS)} / not a drill level")
        if not code:
            raise ScopeError(f"下钻路径的 {key} 编码为空 / empty code in the drill path")
        if key in DEPTHS and len(code) not in DEPTHS[key]:
            raise ScopeError(f"{key} 编码长度应为 {DEPTHS[key]} / code length must be one of {DEPTHS[key]}")
    if (level == "quota" or "quota" in within) and "unit" not in within:
        raise ScopeError("预算指标编号只在单位内唯一：指标层级须在下钻路径中指定单位 / level quota needs a unit")
    return dict(within)


def open_scope(conn, family: str, day: dt.date, region: str | None = None, level: str | None = None,
               depth: int | None = None, fund_type: str | None = None, within: dict | None = None) -> Scope:
    """Checks the request against the store and the family's levels (ScopeError with a Chinese message) and
    against what the principal of the request may see (auth.scope: a region outside theirs is refused with
    RegionDenied, no region means theirs). `within` = {level: code} limits the rows to members of other levels
    (a drill path, e.g. a unit's 功能科目)."""
    regions = Regions.load(conn)
    sc = _open(conn, regions, family, day, access.resolve_region(regions, region), level, depth, fund_type, within)
    access.require_within(conn, regions, sc.within)
    return sc


def unchecked_scope(conn, family: str, day: dt.date, level: str | None = None) -> Scope:
    """The top region's scope whoever asks, for a reader that narrows what it returns to the principal's regions
    itself (indicators.snapshots.snapshot_rows); everything else opens its scope with open_scope."""
    return _open(conn, Regions.load(conn), family, day, None, level, None, None, None)


def _open(conn, regions: Regions, family: str, day: dt.date, region: str | None, level: str | None,
          depth: int | None, fund_type: str | None, within: dict | None) -> Scope:
    fam = FAMILIES[family]
    level = level or fam.levels[0]
    if level not in LEVELS:
        raise ScopeError(f"未知层级 {level}，可选：{', '.join(LEVELS)} / unknown level")
    if level not in fam.levels:
        raise ScopeError(f"{fam.name}不提供 {level} 层级，可选：{', '.join(fam.levels)} / level not available")
    within = _check_within(level, within or {})
    if fund_type is not None and fund_type not in FUND_TYPES:
        raise ScopeError(f"未知资金性质 {fund_type} / unknown fund type")
    if level in DEPTHS:
        depth = depth or DEPTHS[level][0]
        if depth not in DEPTHS[level]:
            raise ScopeError(f"{level} 层级的编码长度应为 {DEPTHS[level]} / depth must be one of {DEPTHS[level]}")
    else:
        depth = None
    if region is not None and region not in regions.names:
        raise ScopeError(f"未知区划 {region} / unknown region")
    return Scope(conn, family, day, regions, region or regions.top(), level, depth, fund_type, within)


def unit_depts(conn) -> dict[str, str]:
    return dict(conn.execute(select(dm_unit.c.unit_code, dm_unit.c.dept_code)).all())


def names(sc: Scope, level: str, codes) -> dict[str, str]:
    """Display names of members; DM_FUNC / DM_ECON from year Y's delivered table, else the year-0 default."""
    codes = sorted({c for c in codes if c})
    if level == "region":
        return {c: sc.regions.names.get(c, c) for c in codes}
    if level == "fund_type":
        return {c: c for c in codes}
    if level == "unit":
        stmt = select(dm_unit.c.unit_code, dm_unit.c.unit_name)
    elif level == "dept":
        stmt = select(dm_unit.c.dept_code, func.max(dm_unit.c.dept_name)).group_by(dm_unit.c.dept_code)
    elif level in ("func", "econ"):
        table = dm_func if level == "func" else dm_econ
        where = [table.c.year.in_((0, sc.year))] + ([dm_econ.c.kind == "部门"] if level == "econ" else [])
        rows = sc.conn.execute(select(table.c.code, table.c.name, table.c.year).where(*where)
                               .order_by(table.c.year)).all()  # year Y after year 0: it wins
        got = {code: name for code, name, _ in rows}
        return {c: got.get(c, c) for c in codes}
    elif level == "quota":  # the quota's project, else its kind of spending (基本支出 / 项目支出)
        where = [bgt.c.year == sc.year, bgt.c.orig_quota_id.is_(None), bgt.c.region_code.in_(sc.codes),
                 bgt.c.quota_id.in_(codes)]
        if "unit" in sc.within:
            where.append(bgt.c.unit_code == sc.within["unit"])
        rows = sc.conn.execute(select(bgt.c.quota_id, bgt.c.project_name, bgt.c.exp_type).where(*where)).all()
        got = {q: project or exp_type for q, project, exp_type in rows}
        return {c: got.get(c) or c for c in codes}
    else:  # project: the budget's project name, else the PROJ report's
        got = {}
        for table, year_cond in ((proj, None), (bgt, bgt.c.year == sc.year)):
            stmt = select(table.c.project_code, func.max(table.c.project_name)).where(
                table.c.project_code.is_not(None), table.c.project_name.is_not(None))
            if year_cond is not None:
                stmt = stmt.where(year_cond)
            got.update(sc.conn.execute(stmt.group_by(table.c.project_code)).all())
        return {c: got.get(c, c) for c in codes}
    got = dict(sc.conn.execute(stmt).all())
    return {c: got.get(c, c) for c in codes}
