"""The code tables the city delivers: regions and units in the first folder, later one update (a unit renamed,
another retired with 是否启用 = 否). DM_FUNC / DM_ECON are not delivered: the shipped default is used."""
from __future__ import annotations

import datetime as dt

from demo import days
from demo.city import Cast, Unit

RENAMED = ("示范市城市管理局", "示范市城市管理综合执法局")
RETIRED = "示范市审计信息中心"


class CodeTables:
    def __init__(self, cast: Cast, start: dt.date):
        self.cast, self.start = cast, start
        cal = days.year(start.year + 2)
        self.update_day = cal.day(cal.next_workday(0))  # the first working day two years in

    def retired_in(self, y: int) -> set[str]:
        """Codes of units no longer active in year y."""
        return {u.code for u in self.cast.units if u.name == RETIRED and y >= self.update_day.year}

    def _row(self, u: Unit, updated: bool) -> dict:
        name = RENAMED[1] if updated and u.name == RENAMED[0] else u.name
        return {"unit_code": u.code, "unit_name": name, "dept_code": u.dept_code, "dept_name": u.dept_name,
                "region_code": u.region.code, "unit_type": u.type, "active": "否" if updated and u.name == RETIRED else "是"}

    def add(self, day: dt.date, out: dict[str, list]) -> None:
        if day == self.start:
            out["DM_REGION"] = [{"region_code": r.code, "region_name": r.name, "parent_code": r.parent, "level": r.level}
                                for r in self.cast.regions]
            out["DM_UNIT"] = [self._row(u, day >= self.update_day) for u in self.cast.units]
        elif day == self.update_day:
            out["DM_UNIT"] = [self._row(u, True) for u in self.cast.units if u.name in (RENAMED[0], RETIRED)]
