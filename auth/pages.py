"""The few pages the login layer serves itself, before any Dash page can load: log in, confirm a phone login,
and the refusals. Plain HTML with inline styles (nothing fetched, readable on a phone); every value put into
the HTML is escaped."""
from __future__ import annotations

from markupsafe import escape

TITLE = "预算联网监督分析平台"

_STYLE = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
background:#f1f3f5;color:#212529;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;width:100%;max-width:380px;margin:16px;padding:28px 24px;border-radius:8px;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;font-weight:500;color:#495057;margin:0 0 20px}
label{display:block;font-size:14px;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;padding:10px;font-size:16px;border:1px solid #ced4da;
border-radius:4px}
button,a.button{display:block;width:100%;margin-top:20px;padding:11px;font-size:16px;border:0;border-radius:4px;
background:#1c7ed6;color:#fff;cursor:pointer;text-align:center;text-decoration:none}
.error{background:#fff5f5;color:#c92a2a;border:1px solid #ffc9c9;border-radius:4px;padding:8px 10px;
font-size:14px;margin-bottom:8px}
.note{font-size:13px;color:#868e96;margin-top:16px}
"""


def _page(heading: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(heading)} · {TITLE}</title><style>{_STYLE}</style></head>"
            f"<body><main><h1>{TITLE}</h1><h2>{escape(heading)}</h2>{body}</main></body></html>")


def _error(message: str | None) -> str:
    return f'<div class="error" id="login-error" role="alert">{escape(message)}</div>' if message else ""


def login(csrf: str, next_path: str, message: str | None = None, username: str = "") -> str:
    return _page("登录", f"""{_error(message)}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="csrf_token" value="{escape(csrf)}">
<input type="hidden" name="next" value="{escape(next_path)}">
<label for="username">用户名</label>
<input type="text" id="username" name="username" value="{escape(username)}" autocomplete="username" required
 autofocus autocapitalize="off">
<label for="password">密码</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" id="login-submit">登录</button>
</form>
<p class="note">人大代表可由管理员签发手机登录二维码，扫码即可登录。</p>""")


def qr_confirm(csrf: str, token: str, username: str) -> str:
    return _page("手机扫码登录", f"""<p>以用户 <b id="qr-user">{escape(username)}</b> 登录本机。</p>
<form method="post" action="/login/qr/{escape(token)}" id="qr-form">
<input type="hidden" name="csrf_token" value="{escape(csrf)}">
<button type="submit" id="qr-submit">确认登录</button>
</form>
<p class="note">二维码只能使用一次；如非本人操作，请关闭此页。</p>""")


def refused(heading: str, message: str, link: str = "/login", link_text: str = "返回登录") -> str:
    return _page(heading, f'{_error(message)}<a class="button" href="{escape(link)}">{escape(link_text)}</a>')
