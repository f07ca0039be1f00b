"""GET endpoints of the federation side: discovery, actors, collections, objects.

Every document is served as ``application/activity+json`` with an ``id`` equal
to the URL it was fetched from; a browser asking for the same URL gets HTML.
"""

from __future__ import annotations

import logging
from datetime import UTC

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from node.activitypub import actors as docs
from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.inbox import inbox_endpoint
from node.activitypub.notes import AAN_CONTEXT, alert_to_note
from node.alerts import Alert as AlertModel
from node.media import header_image, note_attachments
from node.storage.models import Activity, Alert, Follower, Following

log = logging.getLogger("aan.routes")

AP_MEDIA_TYPE = "application/activity+json"
PAGE_SIZE = 20


class APResponse(Response):
    media_type = AP_MEDIA_TYPE

    def __init__(self, content: dict, status_code: int = 200, headers: dict | None = None):
        super().__init__(content, status_code=status_code, headers={"Vary": "Accept", **(headers or {})})

    def render(self, content) -> bytes:
        return content if isinstance(content, bytes) else orjson.dumps(content)


class JRDResponse(JSONResponse):
    media_type = "application/jrd+json"


def wants_activitypub(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return "application/activity+json" in accept or "application/ld+json" in accept


def not_found(reason: str = "not found") -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=404)


def actor_doc(node, actor, header: dict | None = None) -> dict:
    main_ch = node.config.role == "clearinghouse" and actor.username == node.config.username
    return docs.actor_document(actor, node.urls, clearinghouse=main_ch, header=header)


async def local_actor(node, username: str | None):
    """One of our actors by username; a role's actors (topic actors) are created on first lookup."""
    if not username or username == INSTANCE_USERNAME:
        return None
    return await node.local_actor(username) or await node.registry.extra_actor(node, username)


async def _local_actor(request: Request):
    return await local_actor(request.app.state.node, request.path_params["username"])


async def webfinger_endpoint(request: Request) -> Response:
    node = request.app.state.node
    resource = request.query_params.get("resource", "")
    if not resource:
        return JSONResponse({"error": "missing resource parameter"}, status_code=400)
    username = None
    acct = resource[5:] if resource.startswith("acct:") else resource
    if "@" in acct and not acct.startswith("http"):
        user, _, domain = acct.lstrip("@").partition("@")
        if domain.lower() == node.urls.domain.lower():
            username = user
    else:
        for name in node.actors:
            if resource in (node.urls.actor(name), node.urls.profile(name)):
                username = name
    actor = await local_actor(node, username)
    if actor is None and username and username != username.lower():
        actor = await local_actor(node, username.lower())  # the user part of acct: is case-insensitive
    if actor is None:
        return not_found("no such account")
    return JRDResponse(docs.webfinger(actor, node.urls), headers={"Access-Control-Allow-Origin": "*"})


async def host_meta_endpoint(request: Request) -> Response:
    return Response(docs.host_meta(request.app.state.node.urls), media_type="application/xrd+xml")


async def nodeinfo_links_endpoint(request: Request) -> Response:
    return JSONResponse(docs.nodeinfo_links(request.app.state.node.urls))


async def nodeinfo_endpoint(request: Request) -> Response:
    node = request.app.state.node
    version = request.path_params["version"]
    if version not in ("2.0", "2.1"):
        return not_found()
    posts = await Alert.filter(deleted_at=None).count()
    users = len([u for u in node.actors if u != INSTANCE_USERNAME])
    profile = f'http://nodeinfo.diaspora.software/ns/schema/{version}#'
    counts = {name: await count(node) for name, count in node.registry.post_counts.items()}
    return JSONResponse(docs.nodeinfo(version, name=node.config.name, role=node.config.role,
                                      users=users, posts=posts, counts=counts),
                        media_type=f'application/json; profile="{profile}"')


async def instance_actor_endpoint(request: Request) -> Response:
    node = request.app.state.node
    return APResponse(docs.actor_document(node.actors[INSTANCE_USERNAME], node.urls))


async def instance_outbox_endpoint(request: Request) -> Response:
    node = request.app.state.node
    url = node.urls.instance_actor + "/outbox"
    return APResponse({"@context": docs.AS_CONTEXT, "id": url, "type": "OrderedCollection",
                       "totalItems": 0, "orderedItems": []})


async def actor_endpoint(request: Request) -> Response:
    actor = await _local_actor(request)
    if actor is None:
        return not_found("no such actor")
    node = request.app.state.node
    if not wants_activitypub(request):
        return RedirectResponse(node.urls.profile(actor.username), status_code=302)
    return APResponse(actor_doc(node, actor, await header_image(node.urls, actor.username)))


async def personal_inbox_endpoint(request: Request) -> Response:
    if await _local_actor(request) is None:
        return not_found("no such actor")
    return await inbox_endpoint(request)


def _page_number(request: Request) -> int | None:
    raw = request.query_params.get("page")
    if raw is None:
        return None
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 100_000 else 1


def collection(url: str, total: int, page: int | None, items: list, *, has_next: bool) -> dict:
    """An OrderedCollection (no page) or one of its OrderedCollectionPages."""
    if page is None:
        return {"@context": docs.AS_CONTEXT, "id": url, "type": "OrderedCollection",
                "totalItems": total, "first": f"{url}?page=1"}
    doc = {"@context": docs.AS_CONTEXT, "id": f"{url}?page={page}", "type": "OrderedCollectionPage",
           "partOf": url, "totalItems": total, "orderedItems": items}
    if has_next:
        doc["next"] = f"{url}?page={page + 1}"
    if page > 1:
        doc["prev"] = f"{url}?page={page - 1}"
    return doc


async def _own_items(urls, actor, offset: int, limit: int) -> tuple[int, list[tuple]]:
    """The actor's live alerts as Create activities (with the current note), newest first."""
    live = Alert.filter(local_actor=actor, deleted_at=None)
    total = await live.count()
    if not limit or not total:
        return total, []
    rows = await live.order_by("-published", "-id").offset(offset).limit(limit)
    creates = {a.object_uri: a for a in await Activity.filter(
        type="Create", object_uri__in=[urls.alert(r.id) for r in rows])}
    attachments = await note_attachments(urls, [r.id for r in rows])
    items = []
    for row in rows:
        create = creates.get(urls.alert(row.id))
        if create:
            activity = orjson.loads(create.body)
            activity.pop("@context", None)
            activity["object"] = _note(row, urls, actor.username, attachments[row.id])
            activity["object"].pop("@context", None)
            items.append((row.published, activity))
    return total, items


async def outbox_endpoint(request: Request) -> Response:
    """The actor's alerts (Create), and what a role adds (a Clearing House's Announces), newest first."""
    actor = await _local_actor(request)
    if actor is None:
        return not_found("no such actor")
    node = request.app.state.node
    urls = node.urls

    async def own(_node, actor, offset: int, limit: int):
        return await _own_items(urls, actor, offset, limit)

    sources = [own, *node.registry.outboxes]
    totals = [(await source(node, actor, 0, 0))[0] for source in sources]
    total = sum(totals)
    page = _page_number(request)
    items: list = []
    has_next = False
    if page is not None:
        offset = (page - 1) * PAGE_SIZE
        filled = [source for source, count in zip(sources, totals, strict=True) if count]
        if len(filled) == 1:  # one kind of item: its own page
            found = (await filled[0](node, actor, offset, PAGE_SIZE + 1))[1]
        else:  # several: the newest of each up to this page, merged
            found = [item for source in filled for item in (await source(node, actor, 0, offset + PAGE_SIZE + 1))[1]]
            found.sort(key=lambda item: _aware(item[0]), reverse=True)
            found = found[offset:]
        has_next = len(found) > PAGE_SIZE
        items = [activity for _, activity in found[:PAGE_SIZE]]
    return APResponse(collection(urls.outbox(actor.username), total, page, items, has_next=has_next))


def _aware(moment):
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


async def followers_endpoint(request: Request) -> Response:
    """Follower counts are public; who follows a press-freedom alert feed is not."""
    actor = await _local_actor(request)
    if actor is None:
        return not_found("no such actor")
    urls = request.app.state.node.urls
    total = await Follower.filter(local_actor=actor).count()
    page = _page_number(request)
    return APResponse(collection(urls.followers(actor.username), total, page, [], has_next=False))


async def following_endpoint(request: Request) -> Response:
    actor = await _local_actor(request)
    if actor is None:
        return not_found("no such actor")
    urls = request.app.state.node.urls
    query = Following.filter(local_actor=actor, state="accepted")
    total = await query.count()
    page = _page_number(request)
    items: list = []
    has_next = False
    if page is not None:
        rows = await query.order_by("id").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
        has_next = len(rows) > PAGE_SIZE
        items = [r.target_uri for r in rows[:PAGE_SIZE]]
    return APResponse(collection(urls.following(actor.username), total, page, items, has_next=has_next))


async def featured_endpoint(request: Request) -> Response:
    """Pinned alerts; Mastodon reads only the first page, so it is one page with items inline."""
    actor = await _local_actor(request)
    if actor is None:
        return not_found("no such actor")
    urls = request.app.state.node.urls
    rows = await Alert.filter(local_actor=actor, deleted_at=None, featured=True).order_by("-published", "-id").limit(20)
    return APResponse({"@context": docs.AS_CONTEXT, "id": urls.featured(actor.username),
                       "type": "OrderedCollection", "totalItems": len(rows),
                       "orderedItems": [urls.alert(r.id) for r in rows]})


def _note(row: Alert, urls, username: str, attachments: list[dict] | None = None) -> dict:
    return alert_to_note(AlertModel.from_dict(row.data), urls=urls, username=username,
                         alert_id=row.id, published=row.published, updated=row.updated,
                         attachments=attachments)


async def alert_document(request: Request, alert_id: str) -> Response:
    urls = request.app.state.node.urls
    row = await Alert.filter(id=alert_id).prefetch_related("local_actor").first()
    if row is None:
        return not_found("no such alert")
    if row.deleted_at:
        return APResponse({"@context": AAN_CONTEXT, "id": urls.alert(row.id), "type": "Tombstone",
                           "formerType": "Note", "deleted": docs.iso(row.deleted_at)}, status_code=410)
    attachments = (await note_attachments(urls, [row.id]))[row.id]
    return APResponse(_note(row, urls, row.local_actor.username, attachments))


async def activity_endpoint(request: Request) -> Response:
    row = await Activity.filter(id=request.path_params["activity_id"]).first()
    if row is None or row.type in ("Follow", "Undo", "Accept"):
        return not_found("no such activity")
    if row.type in ("Create", "Update") and row.object_uri:
        urls = request.app.state.node.urls
        alert_id = urls.alert_id_from_url(row.object_uri)
        if alert_id and await Alert.filter(id=alert_id).exclude(deleted_at=None).exists():
            return JSONResponse({"error": "gone"}, status_code=410)
    return APResponse(row.body.encode())


def role_collection(name: str):
    """The endpoint of the collection ``name`` of our actors, served if a role registered it (else 404)."""

    async def endpoint(request: Request) -> Response:
        serve = request.app.state.node.registry.collections.get(name)
        actor = await _local_actor(request)
        if serve is None or actor is None:
            return not_found()
        return await serve(request, actor)

    endpoint.__name__ = f"{name}_collection_endpoint"
    return endpoint
