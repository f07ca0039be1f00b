"""Plumbing shared by the staff pages: templates, the signed-in user, CSRF, headers, messages."""

from __future__ import annotations

import functools
import secrets
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from node import i18n, vocab
from node.activitypub.actors import avatar_url
from node.webui import auth

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "web" / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html", "xml"]))
ADMIN_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
MAX_FORM_FIELDS = 3000
MAX_PART = 2 * 1024 * 1024
# Messages shown after a redirect (?msg=KEY); only these keys, never text from the URL.
MESSAGES = {
    "saved": "Draft saved.",
    "published": "The alert is published and on its way to followers.",
    "updated": "Changes saved and sent to followers as an update.",
    "scheduled": "The alert is scheduled. Nothing of it is public until then.",
    "unscheduled": "Scheduling cancelled: the alert is a draft again.",
    "deleted": "The alert was deleted and followers were told to remove it.",
    "discarded": "Draft discarded.",
    "logged_out": "You are logged out.",
    "logged_out_everywhere": "You are logged out on every device.",
    "session_ended": "The session was ended: that device is logged out.",
    "password_changed": "Password changed. Other sessions were logged out.",
    "settings_saved": "Settings saved and sent to followers.",
    "user_saved": "User saved.",
    "user_deleted": "User deleted.",
    "reply_approved": "Reply approved: it is shown under the alert.",
    "reply_rejected": "Reply rejected: it stays hidden.",
    "pinned": "Alert pinned to the profile.",
    "unpinned": "Alert unpinned.",
    "joint_proposed": "The statement is published and the invitations are on their way.",
    "joint_edited": "Changes saved. If the text changed, earlier signatures count for the earlier version "
                    "and signing is open again.",
    "joint_signed": "Signed: the signature is on its way to the proposer.",
    "joint_declined": "Invitation declined: the proposer is told.",
    "joint_withdrawn": "Signature withdrawn: the proposer is told.",
    "joint_closed": "The statement takes no more signatures.",
}


class WebState:
    """Per-application state of the staff interface."""

    def __init__(self, data_dir: Path):
        self.signer = auth.Signer(auth.load_secret(data_dir))
        self.limiter = auth.LoginLimiter()


def state(request: Request) -> WebState:
    app_state = request.app.state
    web = getattr(app_state, "webui", None)
    if web is None:
        web = WebState(app_state.node.config.data_dir)
        app_state.webui = web
    return web


def secure_cookies(request: Request) -> bool:
    return request.app.state.node.urls.scheme == "https"


def translator(request: Request) -> i18n.Translator:
    return i18n.Translator(i18n.negotiate(request))


def idle_hours(request: Request) -> float:
    return request.app.state.node.config.session_idle_hours


async def current_user(request: Request):
    """The signed-in user, if the request's cookie names a session still open on the server."""
    web = state(request)
    payload = web.signer.unsign(request.cookies.get(auth.SESSION_COOKIE))
    found = await auth.resolve_session(payload, idle_hours=idle_hours(request)) if payload else None
    request.state.session = payload if found else None
    request.state.session_row = found[1] if found else None
    return found[0] if found else None


def csrf_sid(request: Request) -> str:
    """What the CSRF token is bound to: the session id, or before login the ``aan_csrf`` cookie."""
    session = getattr(request.state, "session", None)
    if session:
        return str(session["s"])
    existing = request.cookies.get(auth.CSRF_COOKIE)
    if existing and 16 <= len(existing) <= 64:
        return existing
    new = getattr(request.state, "new_csrf_cookie", None) or secrets.token_urlsafe(24)
    request.state.new_csrf_cookie = new
    return new


def csrf_token(request: Request) -> str:
    return state(request).signer.csrf_token(csrf_sid(request))


def csrf_ok(request: Request, form: FormData | None) -> bool:
    token = (form.get("csrf") if form is not None else None) or request.headers.get("x-csrf-token")
    session = getattr(request.state, "session", None)
    sid = str(session["s"]) if session else request.cookies.get(auth.CSRF_COOKIE)
    return state(request).signer.check_csrf(sid, token if isinstance(token, str) else None)


async def read_form(request: Request) -> FormData:
    return await request.form(max_files=8, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_PART)


def finish(request: Request, response: Response) -> Response:
    for name, value in ADMIN_HEADERS.items():
        response.headers.setdefault(name, value)
    new_cookie = getattr(request.state, "new_csrf_cookie", None)
    if new_cookie:
        response.set_cookie(auth.CSRF_COOKIE, new_cookie, httponly=True, samesite="lax",
                            secure=secure_cookies(request), path="/")
    return response


def render(request: Request, name: str, status_code: int = 200, **context) -> Response:
    node = request.app.state.node
    t = context.pop("t", None) or translator(request)
    message_key = request.query_params.get("msg")
    base = {
        "node": node.config, "urls": node.urls, "org": node.org, "vocab": vocab, "t": t, "lang": t.lang,
        "dir": t.dir, "user": getattr(request.state, "user", None), "csrf": csrf_token(request),
        "flash": t(MESSAGES[message_key]) if message_key in MESSAGES else None,
        "path": request.url.path, "avatar": avatar_url(node.org, node.urls),
        "ui_languages": [(code, i18n.native_language_name(code)) for code in i18n.UI_LANGUAGES],
    }
    html = TEMPLATES.get_template(name).render(**{**base, **context})
    return finish(request, HTMLResponse(html, status_code=status_code))


def redirect(request: Request, url: str, message: str | None = None) -> Response:
    if message:
        url += ("&" if "?" in url else "?") + f"msg={message}"
    return finish(request, RedirectResponse(url, status_code=303))


def forbidden(request: Request, t=None) -> Response:
    t = t or translator(request)
    return render(request, "admin_message.html", 403, t=t, title=t("Not allowed"),
                  message=t("Your account cannot open this page. Ask an administrator."))


def staff(role: str = "editor", *, json: bool = False):
    """Route decorator: a signed-in user (``admin`` role if asked), and a valid CSRF token on POST.

    The handler finds the user in ``request.state.user`` and, on POST, the
    parsed form in ``request.state.form``.
    """

    def decorate(handler):
        @functools.wraps(handler)
        async def wrapper(request: Request) -> Response:
            user = await current_user(request)
            request.state.user = user
            if user is None:
                if json or request.method != "GET":
                    return finish(request, JSONResponse({"error": "not signed in"}, status_code=401))
                return redirect(request, f"/login?next={quote(request.url.path, safe='/')}")
            if role == "admin" and user.role != "admin":
                return forbidden(request)
            request.state.form = None
            if request.method == "POST":
                form = await read_form(request)
                request.state.form = form
                if not csrf_ok(request, form):
                    return csrf_failure(request, json=json)
            return finish(request, await handler(request))

        return wrapper

    return decorate


def csrf_failure(request: Request, *, json: bool = False) -> Response:
    if json:
        return finish(request, JSONResponse({"error": "invalid CSRF token"}, status_code=403))
    t = translator(request)
    return render(request, "admin_message.html", 403, t=t, title=t("Form expired"),
                  message=t("This form was not accepted (its security token is missing or out of date). "
                            "Go back, reload the page and submit it again."))


def static_version() -> str:
    """Changes when the static files change, so browsers fetch new ones."""
    stamp = max((p.stat().st_mtime_ns for p in STATIC_DIR.glob("*") if p.is_file()), default=0)
    return format(stamp // 1_000_000_000, "x")


TEMPLATES.globals["static_version"] = static_version()
