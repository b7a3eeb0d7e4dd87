"""The dashboard: a Chinese multi-page Dash app over the store, every asset served from this server.

The app runs inside a government intranet, so nothing is fetched from outside: component bundles are served
locally, there are no external stylesheets, scripts or web fonts (Chinese text uses the system's CJK fonts).
Charts are drawn by a plotly.js holding only the trace types the figures use (assets/plotly-dashboard.min.js,
dashboard/vendor/plotly), a quarter of plotly's full bundle that every chart page would otherwise load.
"""
from __future__ import annotations

from pathlib import Path

import dash
import dash_mantine_components as dmc

from auth import web
from dashboard import access, roles, shell, store
from warehouse.db import TIMEOUT_MESSAGE, interactive_store, timed_out

HERE = Path(__file__).resolve().parent

INDEX = """<!DOCTYPE html>
<html lang="zh-CN">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def create_app(db_url: str | None = None) -> dash.Dash:
    """The dashboard over the store at `db_url` (else DATABASE_URL, else the embedded SQLite file), through the
    engine whose statements time out (warehouse.db.interactive_store: a slow query cannot hold the server)."""
    engine = interactive_store(db_url)
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(HERE / "pages"),
        assets_folder=str(HERE / "assets"),
        serve_locally=True,
        external_stylesheets=[],
        external_scripts=[],
        title=shell.TITLE,
        update_title=None,
        index_string=INDEX,
        # Pages build their sections from the view (a drill level, a chosen bond …), so a callback's components
        # exist only on the views that show them.
        suppress_callback_exceptions=True,
        # The renderer copies this cookie into this header on every request; auth.web checks it (CSRF).
        csrf_token_name=web.CSRF_COOKIE,
        csrf_header_name=web.CSRF_HEADER,
        on_error=query_timed_out,
    )
    store.attach(app.server, engine)
    access.register(app.server)  # a region the principal may not see: 403, whatever the request
    _warm_up()
    shell.register(app)
    with app.server.app_context():  # Dash calls the layout once to check it, and the layout reads the store
        app.layout = shell.layout
    _bind_page_callbacks(app)
    web.install(app.server, engine, roles.DashAccess(app, engine))  # last: it guards every route above
    return app


def query_timed_out(error: Exception) -> None:
    """Any callback whose query the statement timeout cancelled (a page without its own message for it): its
    outputs stay as they were and a notice above the page says so, in place of an error the reader never sees.
    Every other error is raised as before (a refusal still reaches the 403 handler)."""
    if not timed_out(error):
        raise error
    dash.set_props(shell.QUERY_NOTICE, {"children": dmc.Alert(TIMEOUT_MESSAGE, title="查询超时", color="orange",
                                                               withCloseButton=True, mb="xs")})


_SHARED_CALLBACKS: dict = {}  # output key → (map entry, list entry) of callbacks declared outside the pages


def _bind_page_callbacks(app: dash.Dash) -> None:
    """Dash hands the callbacks that pages declare with `dash.callback` to whichever app serves a request
    first; doing that step now keeps every app whole when one process builds several (tests, workers). Pages
    are imported anew for each app, the modules they share (voucher lists, downloads) only once: their
    callbacks are kept here and handed to every later app as well."""
    from dash import _callback

    for key, (spec, listed) in _SHARED_CALLBACKS.items():
        if key not in _callback.GLOBAL_CALLBACK_MAP:
            _callback.GLOBAL_CALLBACK_MAP[key] = spec
            _callback.GLOBAL_CALLBACK_LIST.append(listed)
    pages = {p["module"] for p in dash.page_registry.values()}
    listed = {c["output"]: c for c in _callback.GLOBAL_CALLBACK_LIST}
    for key, spec in _callback.GLOBAL_CALLBACK_MAP.items():
        fn = spec.get("callback")
        if fn is not None and fn.__module__ not in pages and key in listed:
            _SHARED_CALLBACKS.setdefault(key, (spec, listed[key]))
    with app.server.test_request_context("/_dash-layout"):
        app.server.preprocess_request()


def _warm_up() -> None:
    """Plotly imports numpy and pandas lazily, on the first figure it validates or encodes; two threads of a
    gthread worker drawing their first figures at once can each see the other's half-imported module. Drawing
    and encoding one figure of every kind the pages use, before any request, finishes those imports while the
    process is still alone."""
    import datetime as dt

    import numpy  # noqa: F401
    import pandas  # noqa: F401
    import plotly.graph_objects as go
    import plotly.io

    from dashboard.figures.style import base_layout

    figure = go.Figure(layout=base_layout(height=100))
    figure.add_bar(x=[1], y=[1])
    figure.add_scatter(x=[dt.date(2000, 1, 1)], y=[1])
    figure.add_trace(go.Treemap(ids=["a"], labels=["a"], parents=[""], values=[1]))
    plotly.io.to_json(figure)
