"""Cumulative progress through the year: this year against last year and against 序时进度, with the year-end
forecast band — the chart of the 总览 (execution) and 收入 (revenue completion) pages."""
from __future__ import annotations

import datetime as dt

from dashboard.figures.style import base_layout, figure
from dashboard.format import rate_percent
from dashboard.theme import NEUTRAL, SERIES
from indicators.time import time_progress


def _on_this_year(day: dt.date, year: int) -> dt.date | None:
    """Last year's day drawn at the same date of this year (29 February has no partner and is left out)."""
    try:
        return day.replace(year=year)
    except ValueError:
        return None


def _points(series: list[tuple[dt.date, object]], year: int) -> tuple[list, list]:
    xs, ys = [], []
    for day, rate in series:
        x = _on_this_year(day, year)
        if x is not None:
            xs.append(x)
            ys.append(None if rate is None else float(rate_percent(rate)))
    return xs, ys


def progress_curve(this_year: list[tuple[dt.date, object]], last_year: list[tuple[dt.date, object]],
                   day: dt.date, label: str, forecast: dict | None = None) -> dict:
    """Rates in percent by date; `forecast` = {"rate", "low", "high"} at 31 December (exact fractions)."""
    year = day.year
    end = dt.date(year, 12, 31)
    start = dt.date(year, 1, 1)
    traces = [{"type": "scatter", "x": [start, end], "y": [float(rate_percent(time_progress(start))), 100.0],
               "name": "序时进度", "mode": "lines", "line": {"color": NEUTRAL, "dash": "dot", "width": 1.5},
               "hovertemplate": "%{x|%m-%d} 序时进度 %{y:.1f}%<extra></extra>"}]
    xs, ys = _points(last_year, year)
    traces.append({"type": "scatter", "x": xs, "y": ys, "name": f"上年（{year - 1}）", "mode": "lines",
                   "line": {"color": SERIES[1], "width": 2},
                   "hovertemplate": "%{x|%m-%d} 上年" + label + " %{y:.2f}%<extra></extra>"})
    xs, ys = _points(this_year, year)
    traces.append({"type": "scatter", "x": xs, "y": ys, "name": f"本年（{year}）", "mode": "lines",
                   "line": {"color": SERIES[0], "width": 3},
                   "hovertemplate": "%{x|%m-%d} 本年" + label + " %{y:.2f}%<extra></extra>"})
    if forecast and forecast.get("rate") is not None and ys and ys[-1] is not None:
        now = ys[-1]
        low, high, mid = (float(rate_percent(forecast[k])) for k in ("low", "high", "rate"))
        traces.append({"type": "scatter", "x": [xs[-1], end, end, xs[-1]], "y": [now, high, low, now],
                       "fill": "toself", "mode": "lines", "line": {"width": 0},
                       "fillcolor": "rgba(204,121,167,0.25)", "name": "年末预测区间", "hoverinfo": "skip"})
        traces.append({"type": "scatter", "x": [xs[-1], end], "y": [now, mid], "mode": "lines+markers",
                       "name": "年末预测", "line": {"color": SERIES[3], "dash": "dash", "width": 2},
                       "hovertemplate": "%{x|%m-%d} 预测 %{y:.1f}%<extra></extra>"})
    return figure(traces, base_layout(
        height=300, hovermode="x unified", xaxis={"range": [start, end], "tickformat": "%m月", "dtick": "M2"},
        yaxis={"title": {"text": f"累计{label}（%）"}, "rangemode": "tozero", "ticksuffix": "%"}))
