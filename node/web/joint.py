"""Joint statements at their URL: the ``Note`` (ActivityPub) or the public page, and each signature."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from node import errors, i18n
from node.services import joint
from node.web.pages import _base, _render
from node.web.public import ui_language

AP_MEDIA_TYPE = "application/activity+json"


def _wants_activitypub(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "application/activity+json" in accept or "application/ld+json" in accept


async def statement_endpoint(request: Request) -> Response:
    node = request.app.state.node
    action_id = request.path_params["action_id"]
    try:
        note = await joint.statement(node, action_id)
    except (errors.NotFound, errors.Conflict):
        if _wants_activitypub(request):
            return JSONResponse({"error": "no such statement"}, status_code=404)
        return _render("message.html", 404, title="Not found", message="There is no such statement.",
                       **_base(request))
    if _wants_activitypub(request):
        return joint_json(note)
    action = note["jointAction"]
    contents = note.get("contentMap") or {action["language"]: note["content"]}
    display = i18n.choose_version(list(contents), request.query_params.get("lang"),
                               request.headers.get("accept-language", ""))
    base = _base(request, ui_language(display, request))
    title = (action.get("translations") or {}).get(display, {}).get("title") or action["title"]
    versions = [(tag, i18n.native_language_name(tag)) for tag in contents]
    response = _render("joint.html", note=note, action=action, content=Markup(contents[display]), title=title,
                       language=display, text_dir=i18n.text_direction(display), versions=versions, **base)
    response.headers["Vary"] = "Accept, Accept-Language"
    return response


def joint_json(document: dict | str) -> Response:
    import orjson

    body = document.encode() if isinstance(document, str) else orjson.dumps(document)
    return Response(body, media_type=AP_MEDIA_TYPE, headers={"Vary": "Accept"})


async def signature_endpoint(request: Request) -> Response:
    """The signer's Accept with its proof, exactly as we received it."""
    node = request.app.state.node
    raw = request.path_params["signature_id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        return JSONResponse({"error": "no such signature"}, status_code=404)
    try:
        document = await joint.signature_document(node, request.path_params["action_id"], int(raw))
    except errors.NotFound:
        return JSONResponse({"error": "no such signature"}, status_code=404)
    return joint_json(document)
