"""The look figures and grids share: Chinese fonts, the colour-blind-safe series, severity cells.

Figures are plain dicts ({"data": [traces], "layout": {…}}) in plotly's own JSON shape, which dcc.Graph and
kaleido take as they are. Building them as plotly.graph_objects would validate every property of every trace on
each request and copy it all again to send it — most of a chart callback's time. tests/test_dashboard_figures.py
checks that each one is a valid plotly figure, which is what that validation was for.
"""
from __future__ import annotations

from functools import lru_cache

import plotly.io as pio

from dashboard.theme import BRAND, FONT_FAMILY, ON_SEVERITY, SERIES, SEVERITY

# A sequential single-hue scale for rates (light = little, dark = much): no warm colour, no severity.
RATE_SCALE = [[0.0, BRAND[0]], [0.5, BRAND[4]], [1.0, BRAND[9]]]
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}
# The trace types the figures use: the plotly.js the dashboard serves (assets/plotly-dashboard.min.js, built by
# dashboard/vendor/plotly/build.sh) draws these and no others.
TRACE_TYPES = ("scatter", "bar", "treemap")
# What a chart shows until its callback brings the figure: nothing. Without it plotly would first draw an empty
# chart with default axes (ticks, labels, grid) in every chart's place, only to draw it all again a moment later.
BLANK = {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def plain(text) -> str | None:
    """A name from the data as a figure label that plotly shows literally: plotly reads tags (<b>, <a>, <br> …)
    and entities in its text, so a unit named '<b>x</b>' would be drawn bold; escaped, it reads as written."""
    if text is None:
        return None
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=1)
def _template() -> dict:
    """plotly's default look, which a plotly Figure would carry in its layout (read once; never changed)."""
    return pio.templates[pio.templates.default].to_plotly_json()


# Tick labels are drawn as they are: plotly's default for number and date axes ("hide past div") measures each
# tick label in the page once drawn, a forced browser layout per label — about a tenth of a second of a chart
# page's load, for labels that sit within the margins anyway.
_AXIS = {"ticklabeloverflow": "allow"}


def base_layout(**overrides) -> dict:
    """The shared look; a figure may override any of it (e.g. its margins). An axis a figure sets is merged
    with the shared axis settings (a figure without axes, like the treemap, draws none all the same)."""
    axes = {axis: {**_AXIS, **overrides.pop(axis, {})} for axis in ("xaxis", "yaxis")}
    return {
        "template": _template(),
        "font": {"family": FONT_FAMILY, "size": 12},
        "colorway": list(SERIES),
        "margin": {"l": 48, "r": 12, "t": 12, "b": 40},
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "separators": ".,",
        **axes,
        **overrides,
    }


def figure(traces: list[dict], layout: dict) -> dict:
    """A figure as dcc.Graph and kaleido take it."""
    return {"data": traces, "layout": layout}


def severity_cells(*conditions: tuple[str, str]) -> dict:
    """AG Grid cellStyle: the first (JavaScript condition, severity 红/橙/黄) that holds paints the cell."""
    return {"styleConditions": [
        {"condition": condition, "style": {"backgroundColor": SEVERITY[severity], "color": ON_SEVERITY[severity],
                                           "fontWeight": 600}}
        for condition, severity in conditions]}
