"""Signing in and out, one's own account, users (admins), settings (admins), interface language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from node import errors, i18n
from node.errors import Invalid
from node.services import profile, users
from node.services.media import ACCEPT
from node.storage.models import User
from node.webui import auth
from node.webui.web import (
    csrf_failure,
    csrf_ok,
    current_user,
    finish,
    idle_hours,
    read_form,
    redirect,
    render,
    secure_cookies,
    staff,
    state,
    translator,
)

MAX_PROFILE_FIELDS = 4
COMMON_LANGUAGES = ("en", "fr", "es", "ar", "pt", "ru", "zh", "fa", "tr", "sw", "uk", "de", "hi", "id", "ur",
                    "bn", "am", "ha", "my", "ne")


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return "/admin"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def login_endpoint(request: Request) -> Response:
    t = translator(request)
    user = await current_user(request)
    if request.method == "GET":
        if user is not None:
            return redirect(request, _safe_next(request.query_params.get("next")))
        return render(request, "admin_login.html", t=t, next=_safe_next(request.query_params.get("next")),
                      error=None, username="")
    form = await read_form(request)
    if not csrf_ok(request, form):
        return csrf_failure(request)
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    result = await auth.authenticate(username, password, _client(request), state(request).limiter)
    if result.user is None:
        status = 429 if result.retry_after else 401
        response = render(request, "admin_login.html", status, t=t, next=_safe_next(str(form.get("next") or "")),
                          error=t(result.error or "Wrong username or password."), username=username)
        if result.retry_after:
            response.headers["Retry-After"] = str(result.retry_after)
        return response
    response = redirect(request, _safe_next(str(form.get("next") or "")))
    await auth.end_session(getattr(request.state, "session", None))  # a session this browser had ends
    await _sign_in(request, response, result.user)
    return response


async def _sign_in(request: Request, response: Response, user: User) -> None:
    """A new server-side session for ``user``, its id in the signed cookie of ``response``."""
    payload = await auth.start_session(user, user_agent=request.headers.get("user-agent", ""),
                                       address=_client(request), idle_hours=idle_hours(request))
    response.set_cookie(auth.SESSION_COOKIE, state(request).signer.sign(payload), max_age=auth.SESSION_MAX_AGE,
                        httponly=True, samesite="lax", secure=secure_cookies(request), path="/")


@staff()
async def logout_endpoint(request: Request) -> Response:
    await auth.end_session(request.state.session)  # the cookie, copied or not, opens nothing any more
    response = redirect(request, "/login", "logged_out")
    response.delete_cookie(auth.SESSION_COOKIE, path="/")
    return response


async def language_endpoint(request: Request) -> Response:
    """Set the interface language (a cookie); works signed in or not."""
    form = await read_form(request)
    await current_user(request)
    if not csrf_ok(request, form):
        return csrf_failure(request)
    lang = str(form.get("lang") or "")
    back = str(form.get("back") or "/admin")
    back = back if back.startswith(("/admin", "/login")) and "//" not in back else "/admin"
    response = redirect(request, back)
    if lang in i18n.UI_LANGUAGES:
        response.set_cookie(i18n.LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                            secure=secure_cookies(request), path="/")
    return response


# --- one's own account -------------------------------------------------------------------------------

@staff()
async def account_endpoint(request: Request) -> Response:
    t = translator(request)
    user = request.state.user
    error = None
    if request.method == "POST":
        form = request.state.form
        action = form.get("action")
        if action == "logout_all":
            await users.log_out_everywhere(user)
            response = redirect(request, "/login", "logged_out_everywhere")
            response.delete_cookie(auth.SESSION_COOKIE, path="/")
            return response
        if action == "end_session":
            try:
                session_id = int(str(form.get("session") or ""))
            except ValueError:
                session_id = 0
            if not await users.end_session_by_id(user, session_id):
                return await _account_page(request, t, user, 400, session_error=t("This session is already over."))
            if request.state.session_row is not None and session_id == request.state.session_row.id:
                response = redirect(request, "/login", "logged_out")
                response.delete_cookie(auth.SESSION_COOKIE, path="/")
                return response
            return redirect(request, "/admin/account", "session_ended")
        current, new, again = (str(form.get(k) or "") for k in ("current", "new", "new_again"))
        try:
            await users.change_password(user, current, new, again=again)
        except errors.Forbidden:
            error = t("Your current password is not right.")
        except errors.Invalid as exc:
            error = t("The two new passwords differ.") if "new_again" in exc.fields else \
                t("Choose a password of at least {n} characters, different from your username.", n=users.MIN_PASSWORD)
        else:
            response = redirect(request, "/admin/account", "password_changed")
            await _sign_in(request, response, user)
            return response
    return await _account_page(request, t, user, 400 if error else 200, error=error)


async def _account_page(request: Request, t, user: User, status_code: int, *, error: str | None = None,
                        session_error: str | None = None) -> Response:
    current = request.state.session_row
    sessions = [{"id": row.id, "created": t.datetime(row.created_at, "short"),
                 "last_used": t.datetime(row.last_used_at, "short"), "user_agent": row.user_agent,
                 "address": row.address, "current": current is not None and row.id == current.id}
                for row in await users.open_sessions(user, idle_hours=idle_hours(request))]
    return render(request, "admin_account.html", status_code, t=t, nav="account", error=error,
                  session_error=session_error, sessions=sessions, idle_hours=f"{idle_hours(request):g}")


# --- users (admins) ----------------------------------------------------------------------------------

@staff("admin")
async def users_endpoint(request: Request) -> Response:
    t = translator(request)
    error = None
    created = None
    if request.method == "POST":
        form = request.state.form
        username = str(form.get("username") or "").strip()
        role = str(form.get("role") or "editor")
        password = str(form.get("password") or "") or users.generate_password()
        try:
            await users.add(username, password, role, can_sign=form.get("can_sign") == "yes")
        except (errors.Invalid, errors.Conflict) as exc:
            error = _account_error(t, exc)
        else:
            created = {"username": username, "password": password if not form.get("password") else None}
    return render(request, "admin_users.html", 400 if error else 200, t=t, nav="users", users=await users.listing(),
                  error=error, created=created)


def _account_error(t, exc: errors.AanError) -> str:
    """The form's message for a refused account: by the kind of error and the field it names."""
    if isinstance(exc, errors.Conflict):
        return t("There is already a user with this name.")
    fields = getattr(exc, "fields", {})
    if "username" in fields:
        return t("Usernames use letters, digits, dots, dashes and underscores.")
    if "password" in fields:
        return t("Choose a password of at least {n} characters, different from your username.", n=users.MIN_PASSWORD)
    return exc.detail


@staff("admin")
async def user_endpoint(request: Request) -> Response:
    t = translator(request)
    try:
        target = await users.get(int(request.path_params["user_id"]))
    except errors.NotFound:
        return render(request, "admin_message.html", 404, t=t, title=t("Not found"), message=t("No such user."))
    form = request.state.form
    action = form.get("action")
    if action == "role":
        try:
            await users.set_role(target, str(form.get("role") or ""))
        except (errors.Invalid, errors.Conflict):
            pass  # nothing changes (an unknown role, or the last administrator)
        return redirect(request, "/admin/users", "user_saved")
    if action == "can_sign":
        await users.set_can_sign(target, form.get("can_sign") == "yes")
        return redirect(request, "/admin/users", "user_saved")
    if action == "reset":
        password = await users.reset_password(target)
        return render(request, "admin_users.html", t=t, nav="users", users=await users.listing(), error=None,
                      created={"username": target.username, "password": password, "reset": True})
    if action == "logout_all":
        await users.log_out_everywhere(target)
        return redirect(request, "/admin/users", "user_saved")
    if action == "delete":
        try:
            await users.remove(target, acting=request.state.user)
        except (errors.Forbidden, errors.Conflict):
            return render(request, "admin_users.html", 400, t=t, nav="users", users=await users.listing(),
                          created=None, error=t("You cannot delete your own account or the last administrator."))
        return redirect(request, "/admin/users", "user_deleted")
    return redirect(request, "/admin/users")


# --- settings (admins) -------------------------------------------------------------------------------

async def _settings_context(node, t) -> dict:
    shown = await profile.show(node)
    choices = list(dict.fromkeys([*shown.languages, *COMMON_LANGUAGES]))
    fields = list(shown.fields)
    while len(fields) < MAX_PROFILE_FIELDS:
        fields.append({"name": "", "value": ""})
    from zoneinfo import available_timezones

    return {
        "languages": shown.languages,
        "language_choices": [(tag, t.language_name(tag), i18n.native_language_name(tag)) for tag in choices],
        "fields": fields[:MAX_PROFILE_FIELDS],
        "timezone": shown.timezone,
        "timezones": sorted(available_timezones() - {"localtime", "Factory"}),
        "header": shown.header,
        "accept": ACCEPT,
    }


@staff("admin")
async def settings_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    errors: list[str] = []
    if request.method == "POST":
        form = request.state.form
        fields = []
        for i in range(MAX_PROFILE_FIELDS):
            fname = str(form.get(f"field-{i}-name") or "").strip()
            fvalue = str(form.get(f"field-{i}-value") or "").strip()
            if fname and fvalue:
                fields.append({"name": fname, "value": fvalue})
        tags = [tag for tag in form.getlist("languages") if isinstance(tag, str)]
        tags += [tag.strip() for tag in str(form.get("other_languages") or "").split(",") if tag.strip()]
        zone = str(form.get("timezone") or "UTC")
        images = {}
        for kind in ("avatar", "header"):
            upload = form.get(kind)
            if form.get(f"remove_{kind}"):
                images[kind] = None
            elif upload is not None and hasattr(upload, "read"):
                raw = await upload.read()
                if raw:
                    images[kind] = raw
        try:
            await profile.update(node, name=str(form.get("name") or ""), summary=str(form.get("summary") or ""),
                                 fields=fields, languages=tags,
                                 timezone=zone if profile.valid_timezone(zone) else None, **images)
        except Invalid as exc:
            errors = [t(message) for message in exc.fields.values()]
        if not errors:
            return redirect(request, "/admin/settings", "settings_saved")
    context = await _settings_context(node, t)
    return render(request, "admin_settings.html", 400 if errors else 200, t=t, nav="settings", errors=errors,
                  **context)


__all__ = ["login_endpoint", "logout_endpoint", "language_endpoint", "account_endpoint", "users_endpoint",
           "user_endpoint", "settings_endpoint", "finish"]
