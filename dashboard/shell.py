"""The frame around every page: title, navigation, and the global view (as-of date, region) kept in the URL.

The URL is the single source of the view: the date picker and region selector write it, every page's layout
reads it (Dash passes the query string to `layout(**query)`), and a full page load without a date or region
is redirected to the same address with the current defaults written in, so any link a user copies is exact.
"""
from __future__ import annotations

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, ctx, dcc, html, no_update
from flask import g, redirect, request

from auth.principal import ROLE_LABELS, current_principal
from auth.web import CSRF_FIELD
from dashboard import roles, store
from dashboard.queries.ingest import latest_business_date
from dashboard.queries.regions import choices, default_region, region_tree
from dashboard.state import DATE, REGION, View, merge_search, parse_search, parse_view, to_search, view_params
from dashboard.theme import MANTINE_THEME

TITLE = "预算联网监督分析平台"
QUERY_NOTICE = "query-notice"  # where a callback whose query timed out says so (dashboard.query_timed_out)
NAV = "nav"


def _pages() -> list[dict]:
    return sorted(dash.page_registry.values(), key=lambda p: p["order"])


def _region_options(tree) -> list[dict]:
    return [{"value": c.code, "label": "\u3000" * c.depth + c.name} for c in choices(tree)]


def _toolbar(tree) -> dmc.Group:
    return dmc.Group([
        dmc.DatePickerInput(id="as-of", label="截至日期", valueFormat="YYYY-MM-DD", w=140,
                            monthLabelFormat="YYYY年M月", yearLabelFormat="YYYY年", clearable=False,
                            placeholder="选择日期"),
        dmc.Select(id="region", label="区划（全辖）", data=_region_options(tree), miw=160, maw=280, flex=1,
                   searchable=True,
                   placeholder="全部区划", nothingFoundMessage="无匹配区划", allowDeselect=False),
    ], gap="sm", align="flex-end", wrap="nowrap", mb="md", className="toolbar")


def _navigation() -> list:
    """Links to the pages the user's role may open (dashboard.roles); the others are not shown at all."""
    who = current_principal()
    return [dmc.NavLink(label=p["name"], href=p["relative_path"], id={"type": NAV, "index": p["relative_path"]})
            for p in _pages() if roles.may_open(who, p["path"])]


def _account() -> html.Form:
    """Who is logged in, and the 退出 button (a form POST carrying the session's CSRF token)."""
    who, session = current_principal(), g.get("auth_session")
    label = f"{who.username}（{ROLE_LABELS.get(who.role, who.role)}）" if who else ""
    return html.Form([
        dmc.Text(label, size="sm", c="dimmed", id="account-name", visibleFrom="sm"),
        dcc.Input(type="hidden", name=CSRF_FIELD, value=session.csrf_token if session else ""),
        html.Button("退出", type="submit", id="logout", className="logout-button"),
    ], action="/logout", method="POST", className="account")


def layout() -> dmc.MantineProvider:
    tree = region_tree(store.engine())
    shell = dmc.AppShell([
        dcc.Location(id="url", refresh="callback-nav"),
        dmc.AppShellHeader(dmc.Group([
            dmc.Burger(id="burger", hiddenFrom="sm", size="sm", opened=False, **{"aria-label": "导航菜单"}),
            dmc.Title(TITLE, order=3, className="app-title"),
            _account(),
        ], h="100%", px="md", gap="sm", wrap="nowrap")),
        dmc.AppShellNavbar(_navigation(), p="xs", className="navbar"),
        dmc.AppShellMain([_toolbar(tree), html.Div(id=QUERY_NOTICE), dash.page_container]),
    ], id="shell", header={"height": 56}, padding="md",
        navbar={"width": 200, "breakpoint": "sm", "collapsed": {"mobile": True}})
    return dmc.MantineProvider(dmc.DatesProvider(shell, settings={"locale": "zh-cn", "firstDayOfWeek": 1}),
                               theme=MANTINE_THEME, forceColorScheme="light")


def default_view() -> View:
    """What a view means when the link names no date or region: the newest loaded day, the top region (a
    deputy's own region)."""
    engine = store.engine()
    return View(latest_business_date(engine), default_region(region_tree(engine)))


def _complete_link():
    """Redirect a full page load that lacks date or region to the same page with the current defaults written in."""
    if request.method != "GET" or request.path not in {p["relative_path"] for p in _pages()}:
        return None
    if DATE in request.args and REGION in request.args:
        return None
    defaults = view_params(default_view())
    missing = {k: v for k, v in defaults.items() if k not in request.args}
    if not missing:
        return None
    return redirect(request.path + to_search({**request.args.to_dict(), **missing}))


def register(app: dash.Dash) -> None:
    app.server.before_request(_complete_link)

    @app.callback(Output("url", "search"), Output("as-of", "value"), Output("region", "value"),
                  Input("url", "search"), Input("as-of", "value"), Input("region", "value"))
    def sync_view(search, as_of, region):
        """URL → controls when the address changes (load, back/forward); controls → URL when the user picks."""
        view = parse_view(parse_search(search))
        if ctx.triggered_id in (None, "url"):
            date_text = view.as_of.isoformat() if view.as_of else None
            return no_update, (date_text if date_text != as_of else no_update), \
                (view.region if view.region != region else no_update)
        return merge_search(search, **{DATE: as_of, REGION: region}), no_update, no_update

    @app.callback(Output({"type": NAV, "index": ALL}, "href"), Output({"type": NAV, "index": ALL}, "active"),
                  Input("url", "pathname"), Input("url", "search"))
    def navigation(pathname, search):
        """Links carry the current view, so moving between pages keeps the date and region."""
        query = to_search(view_params(parse_view(parse_search(search))))
        paths = [o["id"]["index"] for o in ctx.outputs_list[0]]
        return [p + query for p in paths], [p == pathname for p in paths]

    app.clientside_callback(
        "function(opened) { return {width: 200, breakpoint: 'sm', collapsed: {mobile: !opened}}; }",
        Output("shell", "navbar"), Input("burger", "opened"))
    app.clientside_callback(  # close the phone menu once a page is chosen
        "function(pathname) { return false; }",
        Output("burger", "opened"), Input("url", "pathname"), prevent_initial_call=True)
