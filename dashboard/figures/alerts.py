"""The 预警中心 page: the alert list (severity in its colour, and in words), an alert's history, its filters."""
from __future__ import annotations

import datetime as dt

from dashboard.figures.style import severity_cells

SEVERITY_ORDER = ("红", "橙", "黄", "info")
SEVERITY_LABELS = {"红": "红色", "橙": "橙色", "黄": "黄色", "info": "提示"}
SHOWN_BY_DEFAULT = ("红", "橙", "黄")  # alerts.md: info is not shown by default (dashboard.queries.alerts)
_SEVERITY_CELLS = severity_cells(*((f"params.value == '{SEVERITY_LABELS[s]}'", s) for s in ("红", "橙", "黄")))

ALERT_COLUMNS = [
    {"field": "severity", "headerName": "级别", "pinned": "left", "width": 84, "minWidth": 84,
     "cellStyle": _SEVERITY_CELLS},
    {"field": "subject_name", "headerName": "对象", "minWidth": 160, "cellClass": "drill-cell"},
    {"field": "rule_id", "headerName": "规则", "minWidth": 150},
    {"field": "category", "headerName": "类别", "minWidth": 90},
    {"field": "current_status", "headerName": "状态", "minWidth": 90},
    {"field": "figure", "headerName": "指标值", "minWidth": 110, "type": "rightAligned"},
    {"field": "threshold", "headerName": "阈值", "minWidth": 100, "type": "rightAligned"},
    {"field": "first_seen", "headerName": "首次出现", "minWidth": 110},
    {"field": "last_seen", "headerName": "最近出现", "minWidth": 110},
    {"field": "message", "headerName": "说明", "minWidth": 280},
    {"field": "id", "headerName": "编号", "minWidth": 80, "type": "rightAligned"},
]


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def alert_rows(alerts: list[dict]) -> list[dict]:
    return [{"id": str(a["id"]), "severity": SEVERITY_LABELS.get(a["severity"], a["severity"]),
             "subject_name": a["subject_name"] or a["subject_code"], "rule_id": a["rule_id"],
             "category": a["category"], "current_status": a["current_status"],
             "figure": _text(a["figure"]), "threshold": _text(a["threshold"]),
             "first_seen": _text(a["first_seen"]), "last_seen": _text(a["last_seen"]), "message": a["message"]}
            for a in alerts]


HISTORY_COLUMNS = [
    {"field": "at", "headerName": "时间", "minWidth": 150},
    {"field": "who", "headerName": "经办人", "minWidth": 90},
    {"field": "change", "headerName": "变更", "minWidth": 130},
    {"field": "assigned", "headerName": "承办部门 / 期限", "minWidth": 160},
    {"field": "note", "headerName": "说明", "minWidth": 240, "wrapText": True, "autoHeight": True},
]


def history_rows(events: list[dict]) -> list[dict]:
    out = []
    for e in events:
        assigned = " / ".join(x for x in (e.get("assigned_dept"), _text(e.get("deadline"))) if x)
        out.append({"at": e["at"].strftime("%Y-%m-%d %H:%M"), "who": e["who"],
                    "change": f"{e['from_status'] or '—'} → {e['to_status']}", "assigned": assigned or None,
                    "note": e.get("note")})
    return out


def alert_records_for_export(alerts: list[dict]) -> list[dict]:
    """The list as the `alerts` record export writes it (status: as it stands now)."""
    return [{**a, "status": a["current_status"]} for a in alerts]
