"""Report NAME → its rows: the one dispatch the `report` command and the dashboard downloads share.

Indicator families are computed here; the record exports come from the ingest (ingest.records) and the alerts
(alerts.records), imported when asked so that a part not installed yet fails with a message, not at start-up.
"""
from __future__ import annotations

import datetime as dt
from importlib import import_module

from indicators.assets import assets
from indicators.audit import audit
from indicators.debt import debt
from indicators.execution import execution
from indicators.forecast import forecast
from indicators.projects import projects
from indicators.revenue import revenue
from indicators.sangong import sangong
from indicators.scope import ScopeError

FAMILY_REPORTS = {  # name: (function, the options it takes besides engine and date)
    "execution": (execution, ("region", "level", "fund_type", "depth")),
    "sangong": (sangong, ("region", "level")),
    "revenue": (revenue, ("region", "level", "fund_type")),
    "debt": (debt, ("region", "level")),
    "assets": (assets, ("region", "level")),
    "audit": (audit, ("region", "level")),
    "projects": (projects, ("region", "level")),
    "forecast": (forecast, ("region", "level")),
}
RECORD_REPORTS = {
    "ingest": ("ingest.records", "ingest_records"),
    "findings": ("ingest.records", "finding_records"),
    "alerts": ("alerts.records", "alert_records"),
}
NAMES = (*FAMILY_REPORTS, *RECORD_REPORTS)
OPTION_FLAGS = {"region": "--region", "level": "--level", "fund_type": "--fund-type", "depth": "--depth"}


def report_rows(engine, name: str, date: dt.date, **options) -> list[dict]:
    """Rows of report NAME as of `date`; options: region, level, fund_type, depth (None = not given)."""
    given = {k: v for k, v in options.items() if v is not None}
    if name in RECORD_REPORTS:
        fn, accepted = _record_function(name), ()
    elif name in FAMILY_REPORTS:
        fn, accepted = FAMILY_REPORTS[name]
    else:
        raise ScopeError(f"未知报表 {name}，可选：{', '.join(NAMES)} / unknown report")
    unused = [OPTION_FLAGS.get(k, k) for k in given if k not in accepted]
    if unused:
        raise ScopeError(f"报表 {name} 不接受 {', '.join(unused)} / option not available for this report")
    return fn(engine, date, **given)


def _record_function(name: str):
    module_name, fn_name = RECORD_REPORTS[name]
    missing = ScopeError(f"报表 {name} 暂不可用（{module_name}.{fn_name} 未安装）/ report not available yet")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise missing from exc
    fn = getattr(module, fn_name, None)
    if fn is None:
        raise missing
    return fn
