"""Public HTML pages and the Atom feed: escaped, sanitised, no external assets."""

from __future__ import annotations

import zlib
from pathlib import Path
from struct import pack

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from node import i18n, vocab
from node.activitypub import routes as ap
from node.activitypub.actors import avatar_url, iso
from node.activitypub.notes import alert_hashtags
from node.alerts import Alert as AlertModel
from node.media import header_image, note_attachments
from node.render import alert_view
from node.storage.models import Alert, Follower
from node.web.public import approved_replies, display_language, media_response, ui_language

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "xml"]),
)
PAGE_SIZE = 20


# Public pages load nothing from elsewhere and run no script; styles are inline.
PUBLIC_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _render(name: str, status_code: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(TEMPLATES.get_template(name).render(**context), status_code=status_code,
                        headers=PUBLIC_HEADERS)


def _view(row: Alert, urls, ui: i18n.Translator | None = None, language: str | None = None,
          attachments: list[dict] | None = None) -> dict:
    """The alert as its page shows it, labels in ``ui``'s language, text in ``language``."""
    return alert_view(AlertModel.from_dict(row.data), url=urls.alert(row.id), ui=ui or i18n.Translator("en"),
                      published=row.published, updated=row.updated, language=language,
                      attachments=attachments, alert_id=row.id)


def _base(request: Request, lang: str | None = None) -> dict:
    node = request.app.state.node
    ui = i18n.Translator(lang or i18n.negotiate(request, request.query_params.get("lang")))
    return {"node": node.config, "urls": node.urls, "org": node.org, "vocab": vocab,
            "t": ui, "lang": ui.lang, "dir": ui.dir, "avatar": avatar_url(node.org, node.urls),
            "ui_languages": [(code, i18n.native_language_name(code)) for code in i18n.UI_LANGUAGES]}


async def alert_endpoint(request: Request) -> Response:
    alert_id = request.path_params["alert_id"]
    if ap.wants_activitypub(request):
        return await ap.alert_document(request, alert_id)
    row = await Alert.filter(id=alert_id).prefetch_related("local_actor").first()
    if row is None:
        return _render("message.html", 404, title="Not found", message="There is no such alert.",
                       **_base(request))
    if row.deleted_at:
        return _render("message.html", 410, title="Alert withdrawn",
                       message="This alert was deleted by its publisher.", **_base(request))
    urls = request.app.state.node.urls
    alert = AlertModel.from_dict(row.data)
    display = display_language(alert, request.query_params.get("lang"), request.headers.get("accept-language", ""))
    base = _base(request, ui_language(display, request))
    attachments = (await note_attachments(urls, [row.id]))[row.id]
    response = _render("alert.html", item=_view(row, urls, base["t"], display, attachments),
                       replies=await approved_replies(urls.alert(row.id)), **base)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


async def index_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    page = request.query_params.get("page", "1")
    page = int(page) if page.isascii() and page.isdigit() and 0 < int(page) < 100_000 else 1
    rows = await Alert.filter(deleted_at=None).prefetch_related("local_actor").order_by("-published", "-id") \
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    base = _base(request)
    items = [_view(r, urls, base["t"]) for r in rows[:PAGE_SIZE]]
    return _render("index.html", items=items, page=page, has_next=len(rows) > PAGE_SIZE, **base)


async def tag_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    name = request.path_params["name"].lower()
    rows = await Alert.filter(deleted_at=None).prefetch_related("local_actor").order_by("-published", "-id").limit(500)
    base = _base(request)
    items = [v for v in (_view(r, urls, base["t"]) for r in rows) if name in _tag_names(v["alert"], urls)][:PAGE_SIZE]
    return _render("index.html", items=items, page=1, has_next=False, tag=name, **base)


def _tag_names(alert: AlertModel, urls) -> set[str]:
    return {t["name"].lstrip("#").lower() for t in alert_hashtags(alert, urls)}


async def profile_endpoint(request: Request) -> Response:
    node = request.app.state.node
    username = request.path_params["username"]
    actor = await ap.local_actor(node, username)
    if actor is None:
        return _render("message.html", 404, title="Not found", message="No such account.", **_base(request))
    header = await header_image(node.urls, actor.username)
    if ap.wants_activitypub(request):
        return ap.APResponse(ap.actor_doc(node, actor, header))
    followers = await Follower.filter(local_actor=actor).count()
    count = await Alert.filter(local_actor=actor, deleted_at=None).count()
    return _render("profile.html", actor=actor, followers=followers, count=count, header=header,
                   actor_avatar=avatar_url(actor, node.urls), custom_avatar=bool(actor.icon_url), **_base(request))


async def atom_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    rows = await Alert.filter(deleted_at=None).prefetch_related("local_actor").order_by("-published", "-id").limit(50)
    items = [_view(r, urls) for r in rows]
    updated = max((iso(r.updated or r.published) for r in rows), default=iso(request.app.state.node.org.created_at))
    body = TEMPLATES.get_template("feed.xml").render(items=items, updated=updated, iso=iso, **_base(request))
    return Response(body, media_type="application/atom+xml; charset=utf-8")


async def media_endpoint(request: Request) -> Response:
    name = request.path_params["name"]
    node = request.app.state.node
    for username in node.actors:
        if name == f"{username}-avatar.png":
            return Response(default_avatar(username), media_type="image/png",
                            headers={"Cache-Control": "public, max-age=86400"})
    uploaded = await media_response(node, name)  # images of live alerts, uploaded avatar and header
    if uploaded is not None:
        return uploaded
    return JSONResponse({"error": "not found"}, status_code=404)


def default_avatar(seed: str, size: int = 96) -> bytes:
    """A plain square PNG in a colour derived from the name (no external assets)."""
    h = zlib.crc32(seed.encode())
    colour = bytes([((h >> 16) & 0x7F) + 40, ((h >> 8) & 0x7F) + 40, (h & 0x7F) + 40])
    row = b"\x00" + colour * size
    raw = zlib.compress(row * size, 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
