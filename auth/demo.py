"""One user of each role for the demo city, with random passwords printed once (scripts/start.sh on first start).

The deputy is granted one county of the loaded region tree (the first below the top region); the liaison the
department with the most units. Users that exist already are left alone, so running it again creates nobody.
"""
from __future__ import annotations

from sqlalchemy import func, select

from auth.principal import ADMIN, DEPUTY, LIAISON, MEMBER
from auth.users import add_user, list_users
from warehouse.schema import dm_region, dm_unit

DEMO_COUNTY, DEMO_DEPT = "419901", "104"  # the demo city's 东城区 and 财政局, when the store has no code tables


def _county(conn) -> str:
    top = select(dm_region.c.region_code).where(dm_region.c.parent_code.is_(None)).order_by(dm_region.c.region_code)
    code = conn.execute(select(dm_region.c.region_code).where(dm_region.c.parent_code.in_(top.limit(1)))
                        .order_by(dm_region.c.region_code).limit(1)).scalar()
    return code or DEMO_COUNTY


def _dept(conn) -> str:
    code = conn.execute(select(dm_unit.c.dept_code).where(dm_unit.c.dept_code.is_not(None))
                        .group_by(dm_unit.c.dept_code)
                        .order_by(func.count().desc(), dm_unit.c.dept_code).limit(1)).scalar()
    return code or DEMO_DEPT


def create_demo_users(engine) -> list[dict]:
    """Creates the demo users that do not exist yet; returns them with their passwords (shown once)."""
    with engine.connect() as conn:
        county, dept = _county(conn), _dept(conn)
    wanted = [("admin", ADMIN, {}), ("member", MEMBER, {}), ("deputy", DEPUTY, {"regions": [county]}),
              ("liaison", LIAISON, {"dept_code": dept})]
    existing = {u["username"] for u in list_users(engine)}
    made = []
    for username, role, grants in wanted:
        if username not in existing:
            made.append({"username": username, "role": role, "password": add_user(engine, username, role, **grants),
                         "regions": grants.get("regions", []), "dept_code": grants.get("dept_code")})
    return made
