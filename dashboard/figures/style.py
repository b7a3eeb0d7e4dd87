"""The look every plotly figure shares: Chinese fonts, the colour-blind-safe series, compact margins."""
from __future__ import annotations

import plotly.graph_objects as go

from dashboard.theme import FONT_FAMILY, SERIES


def base_layout(**overrides) -> go.Layout:
    return go.Layout(
        font={"family": FONT_FAMILY, "size": 12},
        colorway=list(SERIES),
        margin={"l": 48, "r": 12, "t": 12, "b": 40},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
        plot_bgcolor="white",
        paper_bgcolor="white",
        hoverlabel={"font": {"family": FONT_FAMILY}},
        separators=".,",
        **overrides,
    )
