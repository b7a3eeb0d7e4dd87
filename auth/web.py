"""The login layer in the web server: the /login, phone-login and /logout routes, and the guard that runs
before every other request.

The guard lets nothing through without a live session: a page address is redirected to /login, anything else
(Dash's callback, layout and dependency endpoints, downloads, assets) gets 401. With a session it puts the
Principal on `flask.g`, refuses a state-changing request whose CSRF token is missing or wrong, and asks the
application's access registry (`Access`, dashboard.roles) whether the principal's role may reach what is
asked for. Dash's renderer sends the token by itself: it copies the `budget_csrf` cookie into the
`X-CSRF-Token` header of every request it makes (create_app names both).
"""
from __future__ import annotations

import hmac
import secrets
from typing import Protocol

from flask import Blueprint, current_app, g, jsonify, make_response, redirect, request
from werkzeug.middleware.proxy_fix import ProxyFix

from auth import audit, pages, qr, sessions
from auth.login import attempt
from auth.principal import Principal
from auth.settings import Settings
from auth.users import principal_of

SESSION_COOKIE, CSRF_COOKIE, LOGIN_CSRF_COOKIE = "budget_session", "budget_csrf", "budget_login_csrf"
CSRF_HEADER, CSRF_FIELD = "X-CSRF-Token", "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.qr_login", "/_favicon.ico"})  # reachable without a session
_ENGINE, _SETTINGS, _ACCESS = "BUDGET_AUTH_ENGINE", "BUDGET_AUTH_SETTINGS", "BUDGET_AUTH_ACCESS"
_NOT_PAGES = ("/_", "/assets/", "/static/")  # addresses under these are never pages a person opens

bp = Blueprint("auth", __name__)


class Access(Protocol):
    """What the application says about roles (dashboard.roles)."""

    def check(self, principal: Principal) -> str | None:
        """None when the principal may have the current request, else why not (for the audit log)."""

    def home(self, principal: Principal) -> str:
        """The page the principal lands on after logging in."""


def install(server, engine, access: Access, settings: Settings | None = None) -> None:
    """Puts the login layer in front of everything `server` serves (call after every route is added)."""
    settings = settings or Settings.from_env()
    server.config.update({_ENGINE: engine, _SETTINGS: settings, _ACCESS: access})
    if settings.trust_proxy:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)
    server.register_blueprint(bp)
    server.before_request_funcs.setdefault(None, []).insert(0, guard)  # before Dash's and the pages' hooks
    server.after_request(_finish)


def _engine():
    return current_app.config[_ENGINE]


def _settings() -> Settings:
    return current_app.config[_SETTINGS]


def _access() -> Access:
    return current_app.config[_ACCESS]


def client_ip() -> str:
    return request.remote_addr or "?"


# -- the guard --------------------------------------------------------------------------------------------------
def guard():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    raw = request.cookies.get(SESSION_COOKIE)
    session = sessions.lookup(_engine(), raw, _settings())
    if session is None:
        return _unauthenticated(stale=bool(raw))
    g.principal, g.auth_session = session.principal, session
    if request.method not in SAFE_METHODS and not _csrf_ok(session.csrf_token):
        audit.log(_engine(), audit.DENIED, target=request.path, reason="csrf")
        return _refused(403, "请求缺少有效的安全令牌，请刷新页面后重试")
    reason = _access().check(session.principal)
    if reason is None:
        return None
    audit.log(_engine(), audit.DENIED, target=request.path, reason=reason)
    if _is_page() and request.path == "/":
        return redirect(_access().home(session.principal))
    return _refused(403, "当前账户无权访问该内容")


def _is_page() -> bool:
    """A person's browser opening an address (redirect it) rather than a script's request (answer 401/403)."""
    if request.method in SAFE_METHODS:
        return not request.path.startswith(_NOT_PAGES)
    return request.accept_mimetypes.best == "text/html" and not request.path.startswith(_NOT_PAGES)


def _unauthenticated(stale: bool):
    if _is_page():
        wanted = request.full_path if request.query_string else request.path
        response = redirect("/login?next=" + _quote(wanted))
    else:
        response = make_response(jsonify(error="unauthenticated", message="未登录或会话已过期，请重新登录"), 401)
    if stale:
        _clear_cookies(response)
    return response


def _refused(status: int, message: str):
    if _is_page():
        home = _access().home(g.principal) if g.get("principal") else "/login"
        return make_response(pages.refused("无权访问", message, home, "返回首页"), status)
    return make_response(jsonify(error="forbidden", message=message), status)


def _csrf_ok(expected: str) -> bool:
    sent = request.headers.get(CSRF_HEADER) or (request.form.get(CSRF_FIELD) if request.form else None)
    return bool(sent) and hmac.compare_digest(sent.encode(), expected.encode())


def _finish(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith(("/_dash-component-suites/", "/assets/")):
        response.headers["Cache-Control"] = "no-store"
    session = g.get("auth_session")
    if session is not None and not g.get("logged_out") and request.cookies.get(CSRF_COOKIE) != session.csrf_token:
        _set_cookie(response, CSRF_COOKIE, session.csrf_token, http_only=False, same_site="Strict")
    return response


# -- cookies ----------------------------------------------------------------------------------------------------
def _set_cookie(response, name: str, value: str, *, http_only: bool, same_site: str) -> None:
    response.set_cookie(name, value, max_age=_settings().session_hours * 3600, path="/", httponly=http_only,
                        samesite=same_site, secure=_settings().cookie_secure or request.is_secure)


def _clear_cookies(response) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/")


def _quote(path: str) -> str:
    from urllib.parse import quote
    return quote(path, safe="/")


def _next_path(value: str | None) -> str | None:
    """Only an address on this server (no open redirect): '/…' but not '//host' or '/\\host'."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or value.startswith("/login"):
        return None
    return value if all(c.isprintable() for c in value) else None


def _login_csrf() -> str:
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def _login_csrf_ok() -> bool:
    cookie, sent = request.cookies.get(LOGIN_CSRF_COOKIE), request.form.get(CSRF_FIELD)
    return bool(cookie and sent) and hmac.compare_digest(cookie.encode(), sent.encode())


def _with_login_csrf(html: str, csrf: str, status: int = 200):
    response = make_response(html, status)
    _set_cookie(response, LOGIN_CSRF_COOKIE, csrf, http_only=True, same_site="Strict")
    return response


def _logged_in(user: dict, via: str, target: str | None):
    """Starts a session for `user` (ending the one the browser had, if any) and sends them on."""
    sessions.end(_engine(), request.cookies.get(SESSION_COOKIE))
    raw, csrf = sessions.start(_engine(), user["id"], _settings(), via, client_ip())
    principal = principal_of(user)
    audit.record(_engine(), audit.QR_LOGIN if via == "qr" else audit.LOGIN, username=user["username"],
                 role=user["role"], ip=client_ip(), via=via)
    response = redirect(target or _access().home(principal), code=303)
    _set_cookie(response, SESSION_COOKIE, raw, http_only=True, same_site="Lax")
    _set_cookie(response, CSRF_COOKIE, csrf, http_only=False, same_site="Strict")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


# -- routes -----------------------------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
def login():
    target = _next_path(request.values.get("next"))
    current = sessions.lookup(_engine(), request.cookies.get(SESSION_COOKIE), _settings())
    if request.method == "GET" and current is not None:
        return redirect(target or _access().home(current.principal))
    csrf = _login_csrf()
    if request.method == "GET":
        return _with_login_csrf(pages.login(csrf, target or ""), csrf)
    username = (request.form.get("username") or "").strip()
    if not _login_csrf_ok():
        return _with_login_csrf(pages.login(csrf, target or "", "页面已过期，请重新输入", username), csrf, 400)
    outcome = attempt(_engine(), username, request.form.get("password") or "", client_ip(), _settings())
    if outcome.user is None:
        audit.record(_engine(), audit.LOGIN_FAILED, username=username[:64] or None, ip=client_ip(),
                     reason=outcome.reason)
        status = 429 if outcome.reason in ("locked", "address_limited") else 401
        return _with_login_csrf(pages.login(csrf, target or "", outcome.message, username), csrf, status)
    return _logged_in(outcome.user, "password", target)


@bp.route(qr.PATH + "<token>", methods=["GET", "POST"])
def qr_login(token: str):
    gone = pages.refused("手机扫码登录", "二维码无效、已使用或已过期，请联系管理员重新签发")
    if request.method == "GET":
        username = qr.peek(_engine(), token)
        if username is None:
            return make_response(gone, 410)
        csrf = _login_csrf()
        return _with_login_csrf(pages.qr_confirm(csrf, token, username), csrf)
    user = qr.redeem(_engine(), token) if _login_csrf_ok() else None
    if user is None:
        audit.record(_engine(), audit.QR_FAILED, ip=client_ip(), reason="invalid, used or expired")
        return make_response(gone, 410)
    return _logged_in(user, "qr", None)


@bp.route("/logout", methods=["POST"])
def logout():
    audit.log(_engine(), audit.LOGOUT)
    sessions.end(_engine(), request.cookies.get(SESSION_COOKIE))
    g.logged_out = True
    response = redirect("/login", code=303)
    _clear_cookies(response)
    return response


def current_settings() -> Settings:
    """The login layer's settings of the app serving this request."""
    return _settings()
