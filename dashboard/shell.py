"""The frame around every page: title, navigation, and the global view (as-of date, region) kept in the URL.

The URL is the single source of the view: the date picker and region selector write it, every page's layout
reads it (Dash passes the query string to `layout(**query)`), and a full page load without a date or region
is redirected to the same address with the current defaults written in, so any link a user copies is exact.

A full page load draws the page in the frame's first layout: the browser asks for the layout from the page it
opened (its Referer), so the frame already holds that page, the controls show its view and the links carry it.
Dash's page router and the frame's URL callbacks then have nothing to do until the address changes, and the
page's own callbacks start in the first round of requests instead of the third. The page is drawn only under
the checks the router's request passes (the role may open it, the region is the principal's) and the view is
recorded the same way; when the layout cannot tell the page (no Referer), the router draws it as before.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import dash
import dash_mantine_components as dmc
from dash import ALL, MATCH, Input, Output, ctx, dcc, html, no_update
from dash._pages import _parse_query_string, _path_to_page
from flask import g, has_request_context, redirect, request

from auth import audit
from auth.principal import ROLE_LABELS, current_principal
from auth.web import CSRF_FIELD
from dashboard import access, roles, store
from dashboard.components import DEFERRED, DEFERRED_BOX, DEFERRED_SHOWN
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


def _toolbar(tree, view: View) -> dmc.Group:
    return dmc.Group([
        dmc.DatePickerInput(id="as-of", label="截至日期", valueFormat="YYYY-MM-DD", w=140,
                            monthLabelFormat="YYYY年M月", yearLabelFormat="YYYY年", clearable=False,
                            placeholder="选择日期", value=view.as_of.isoformat() if view.as_of else None),
        dmc.Select(id="region", label="区划（全辖）", data=_region_options(tree), miw=160, maw=280, flex=1,
                   searchable=True, value=view.region,
                   placeholder="全部区划", nothingFoundMessage="无匹配区划", allowDeselect=False),
    ], gap="sm", align="flex-end", wrap="nowrap", mb="md", className="toolbar")


def _navigation(pathname: str | None, view: View) -> list:
    """Links to the pages the user's role may open (dashboard.roles); the others are not shown at all. Each
    carries the view (the `navigation` callback keeps them so as the address changes)."""
    who, query = current_principal(), to_search(view_params(view))
    return [dmc.NavLink(label=p["name"], href=p["relative_path"] + query, active=p["relative_path"] == pathname,
                        id={"type": NAV, "index": p["relative_path"]})
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


def _opened_address() -> tuple[str, str] | None:
    """(path, query string) of the page whose full load asks for this layout: the Referer of /_dash-layout, when
    it names one of the app's pages. None otherwise (Dash checking the layout at start-up, no Referer sent)."""
    if not has_request_context() or request.path != "/_dash-layout" or not request.referrer:
        return None
    address = urlsplit(request.referrer)
    if address.path not in {p["relative_path"] for p in _pages()}:
        return None
    return address.path, f"?{address.query}" if address.query else ""


def _opened_page(pathname: str, search: str):
    """The page at `pathname` drawn for the view in `search`, as Dash's router would draw it, with the checks its
    request passes (dashboard.roles, dashboard.access) and its audit record; None when it may not be drawn
    here (the router then draws it, or refuses it, as before)."""
    page, variables = _path_to_page(pathname.strip("/"))
    if not page or not roles.may_open(current_principal(), page["path"]):
        return None
    query = _parse_query_string(search)
    try:
        if isinstance(query.get(REGION), str):
            access.check_region(query[REGION])
        content = page["layout"](**{**(variables or {}), **query}) if callable(page["layout"]) else page["layout"]
    except Exception:  # noqa: BLE001 — the router draws it instead, and answers its error as it always has
        return None
    title = page["title"](**(variables or {})) if callable(page["title"]) else page["title"]
    audit.log(store.engine(), audit.PAGE_VIEW, target=pathname, search=search)
    return content, title


def _page_container(opened: tuple[str, str] | None):
    """dash.page_container, holding the opened page already: its location set to the page's address (so that
    the router is not asked to draw it again) and its content and title drawn."""
    drawn = _opened_page(*opened) if opened else None
    if drawn is None:
        return dash.page_container
    location, content, title_store, dummy = dash.page_container.children
    pathname, search = opened
    return html.Div([
        dcc.Location(id=location.id, refresh=location.refresh, pathname=pathname, search=search),
        html.Div(drawn[0], id=content.id, disable_n_clicks=True),
        dcc.Store(id=title_store.id, data={"title": drawn[1]}),
        html.Div(id=dummy.id, disable_n_clicks=True),
    ])


def layout() -> dmc.MantineProvider:
    tree = region_tree(store.engine())
    opened = _opened_address()
    pathname, search = opened or (None, None)
    view = parse_view(parse_search(search))
    where = {"pathname": pathname, "search": search} if opened else {}
    shell = dmc.AppShell([
        dcc.Location(id="url", refresh="callback-nav", **where),
        dmc.AppShellHeader(dmc.Group([
            dmc.Burger(id="burger", hiddenFrom="sm", size="sm", opened=False, **{"aria-label": "导航菜单"}),
            dmc.Title(TITLE, order=3, className="app-title"),
            _account(),
        ], h="100%", px="md", gap="sm", wrap="nowrap")),
        dmc.AppShellNavbar(_navigation(pathname, view), p="xs", className="navbar"),
        dmc.AppShellMain([_toolbar(tree, view), html.Div(id=QUERY_NOTICE), _page_container(opened)]),
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

    # Neither runs for the first layout, which is drawn with the address's view (`layout`); both run when the
    # address changes, including the first time the location reports it when the layout could not tell it.
    @app.callback(Output("url", "search"), Output("as-of", "value"), Output("region", "value"),
                  Input("url", "search"), Input("as-of", "value"), Input("region", "value"),
                  prevent_initial_call=True)
    def sync_view(search, as_of, region):
        """URL → controls when the address changes (load, back/forward); controls → URL when the user picks."""
        view = parse_view(parse_search(search))
        if ctx.triggered_id in (None, "url"):
            date_text = view.as_of.isoformat() if view.as_of else None
            return no_update, (date_text if date_text != as_of else no_update), \
                (view.region if view.region != region else no_update)
        return merge_search(search, **{DATE: as_of, REGION: region}), no_update, no_update

    @app.callback(Output({"type": NAV, "index": ALL}, "href"), Output({"type": NAV, "index": ALL}, "active"),
                  Input("url", "pathname"), Input("url", "search"), prevent_initial_call=True)
    def navigation(pathname, search):
        """Links carry the current view, so moving between pages keeps the date and region."""
        query = to_search(view_params(parse_view(parse_search(search))))
        paths = [o["id"]["index"] for o in ctx.outputs_list[0]]
        return [p + query for p in paths], [p == pathname for p in paths]

    app.clientside_callback(  # a part of the page drawn once it comes near the screen (components.deferred)
        "function(shown, content) { return shown && content ? content : window.dash_clientside.no_update; }",
        Output({"type": DEFERRED_BOX, "key": MATCH}, "children"),
        Input({"type": DEFERRED_SHOWN, "key": MATCH}, "data"), Input({"type": DEFERRED, "key": MATCH}, "data"),
        prevent_initial_call=True)
    app.clientside_callback(
        "function(opened) { return {width: 200, breakpoint: 'sm', collapsed: {mobile: !opened}}; }",
        Output("shell", "navbar"), Input("burger", "opened"))
    app.clientside_callback(  # close the phone menu once a page is chosen
        "function(pathname) { return false; }",
        Output("burger", "opened"), Input("url", "pathname"), prevent_initial_call=True)
