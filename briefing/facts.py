"""Everything the briefing says, read from the indicator layer as of the quarter's last day — the same rows and
queries the dashboard shows (dashboard.queries), so a figure in the briefing is the figure on the screen.

Nothing is summed or divided here: rows are picked, sorted and passed on exactly as the layer gives them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from auth import scope as access
from briefing.quarter import BriefingError, Quarter
from dashboard.queries.alerts import open_alert_counts, open_alerts
from dashboard.queries.execution import Drill, level_rows
from dashboard.queries.regional import pick, region_rows
from dashboard.queries.regions import region_tree
from indicators.assets import assets
from indicators.audit import audit
from indicators.forecast import forecast
from indicators.sangong import sangong
from indicators.scope import ALL, FULL
from indicators.snapshots import history
from warehouse.schema import dm_region

GENERAL, FUND = "一般公共预算", "政府性基金预算"
DEPTS_SHOWN = 5  # the slowest and the fastest departments named


@dataclass
class Facts:
    quarter: Quarter
    region: str
    region_name: str
    region_level: str | None  # 市 / 县 … from DM_REGION, for 全市 / 全县
    top_name: str  # the committee's own region (the issuer)
    execution: dict[str, dict]  # fund type (全部 included) → the region's 全辖 row
    revenue: dict[str, dict]
    depts: list[dict]  # department rows with a 进度差, slowest first
    sangong: list[dict]  # the five category rows
    debt_regions: list[dict]  # every region below, 全辖, per bond type (the chart's rows)
    debt: dict[str, dict]  # bond type (合计 included) → the region's row
    assets: list[dict]  # the four category rows
    audit: dict[str, dict]  # category (合计 included) → row
    execution_history: tuple[list, list]  # (this year, last year) [(date, execution_rate)]
    revenue_history: tuple[list, list]  # … completion_rate
    forecast: dict | None  # {"rate", "low", "high"} at 31 December, None when too few prior years
    alerts: list[dict] | None  # open alerts of the region as of the day; None = alert layer not installed
    alert_counts: dict[str, int] | None
    alert_units: dict[int, str] = field(default_factory=dict)  # red alert id → the unit its figure is in
    rule_names: dict[str, str] = field(default_factory=dict)  # rule id → its Chinese name (rules in force)

    @property
    def day(self) -> dt.date:
        return self.quarter.end

    @property
    def whole(self) -> str:
        """How a sentence names the region's 全辖: 全市 / 全县, else the region's name."""
        return f"全{self.region_level}" if self.region_level in ("省", "市", "县", "区") else self.region_name

    def _shown(self) -> int:
        """How many departments each list names: five, or half of them when there are fewer than ten."""
        return min(DEPTS_SHOWN, (len(self.depts) + 1) // 2)

    def slowest(self) -> list[dict]:
        return self.depts[:self._shown()]

    def fastest(self) -> list[dict]:
        """The fastest departments, fastest first, never one already named among the slowest."""
        return list(reversed(self.depts[self._shown():]))[:DEPTS_SHOWN]


def require_data(engine, quarter: Quarter, region: str | None = None) -> str:
    """The region the briefing is about (default: the top region); BriefingError when the store has no region
    tree, does not know the region, or has no budget or revenue for it as of the quarter's last day."""
    day = quarter.end
    tree = region_tree(engine)
    if tree.top() is None:
        raise BriefingError("数据库中没有区划代码表（DM_REGION），尚无数据可写简报 / the store holds no data yet")
    region = access.resolve_region(tree, region) or tree.top()  # a deputy's own by default; others refused
    if region not in tree.names:
        raise BriefingError(f"未知区划 {region} / unknown region")
    everything = pick(region_rows(engine, "execution", day, region), region, fund_type=ALL) or {}
    revenue = pick(region_rows(engine, "revenue", day, region), region, fund_type=ALL) or {}
    if not (everything.get("adjusted_budget") or everything.get("spent") or revenue.get("collected")):
        raise BriefingError(f"{tree.names[region]}截至{day.isoformat()}没有预算执行和收入数据，不能生成"
                            f"{quarter.label}简报 / no budget data as of {day}")
    return region


def collect(engine, quarter: Quarter, region: str | None = None) -> Facts:
    """The quarter's figures for `region` (默认顶级区划, 全辖); BriefingError when the store has nothing to say."""
    region = require_data(engine, quarter, region)
    day = quarter.end
    tree = region_tree(engine)
    top = tree.top()
    execution_rows = region_rows(engine, "execution", day, region)
    revenue_rows = region_rows(engine, "revenue", day, region)
    execution = {r["fund_type"]: r for r in execution_rows if r["code"] == region and r["scope"] == FULL}
    revenue = {r["fund_type"]: r for r in revenue_rows if r["code"] == region and r["scope"] == FULL}
    debt_rows = region_rows(engine, "debt", day, region)
    alerts = open_alerts(engine, day, region)
    return Facts(
        quarter=quarter, region=region, region_name=tree.names[region], region_level=_level(engine, region),
        top_name=tree.names[top],
        execution=execution, revenue=revenue,
        depts=_ranked(level_rows(engine, day, Drill(region), top)),
        sangong=[r for r in sangong(engine, day, region) if r["code"] == region and r["scope"] == FULL],
        debt_regions=[r for r in debt_rows if r["scope"] == FULL],
        debt={r["bond_type"]: r for r in debt_rows if r["code"] == region and r["scope"] == FULL},
        assets=[r for r in assets(engine, day, region) if r["code"] == region and r["scope"] == FULL],
        audit={r["category"]: r for r in audit(engine, day, region) if r["code"] == region and r["scope"] == FULL},
        execution_history=_years(engine, "execution.execution_rate", day, region),
        revenue_history=_years(engine, "revenue.completion_rate", day, region),
        forecast=_forecast(engine, day, region),
        alerts=alerts,
        alert_counts=open_alert_counts(engine, day, region) if alerts is not None else None,
        alert_units=_alert_units(engine, alerts or [], day),
        rule_names=_rule_names(engine) if alerts is not None else {},
    )


def top_region(engine) -> str | None:
    """The region a briefing is about when none is named: the top of DM_REGION."""
    return region_tree(engine).top()


def _level(engine, region: str) -> str | None:
    with engine.connect() as conn:
        return conn.scalar(select(dm_region.c.level).where(dm_region.c.region_code == region))


def _ranked(rows: list[dict]) -> list[dict]:
    """Departments with a 进度差, slowest first (the dashboard's order: 进度差, then code)."""
    return sorted((r for r in rows if r.get("lag_pp") is not None), key=lambda r: (r["lag_pp"], r["code"]))


def _years(engine, indicator: str, day: dt.date, region: str) -> tuple[list, list]:
    this_year = history(engine, indicator, dt.date(day.year, 1, 1), day, code=region)
    last_year = history(engine, indicator, dt.date(day.year - 1, 1, 1), dt.date(day.year - 1, 12, 31), code=region)
    return this_year, last_year


def _forecast(engine, day: dt.date, region: str) -> dict | None:
    row = pick(forecast(engine, day, region, "region"), region)
    if row is None or row["forecast_rate"] is None:
        return None
    return {"rate": row["forecast_rate"], "low": row["forecast_low"], "high": row["forecast_high"]}


def _rule_names(engine) -> dict[str, str]:
    """The rules in force for this store: with a refused rules file, the store's last valid one — the same in
    every process (without the engine, a process would fall back on what it alone had seen)."""
    from alerts.in_force import rules_in_force

    return {rule_id: rule.name for rule_id, rule in rules_in_force(engine).rules.rules.items()}


def _alert_units(engine, alerts: list[dict], day: dt.date) -> dict[int, str]:
    """The unit each red alert's figure is in (元, ratio, pp …), from its sighting on last_seen: the records
    give the figure as exported but not its unit."""
    from alerts.tables import alert_sighting

    wanted = {r["id"]: r["last_seen"] for r in alerts if r["severity"] == "红"}
    if not wanted:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(alert_sighting.c.alert_id, alert_sighting.c.date, alert_sighting.c.unit)
                            .where(alert_sighting.c.alert_id.in_(list(wanted)), alert_sighting.c.date <= day)).all()
    return {a: unit for a, d, unit in rows if wanted[a] == d}
