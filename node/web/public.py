"""Public-page pieces: an alert in the reader's language, replies, remote follow, case pages, media.

How an alert is laid out on its page is :func:`node.render.alert_view` (the staff's
preview shows the same).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from node import i18n
from node.activitypub import normalize
from node.alerts import Alert
from node.render import is_safe_link, sanitize_remote_html
from node.services.media import public_file
from node.services.profile import public_profile_file
from node.storage.models import Alert as AlertRow
from node.storage.models import RemoteActor, RemoteObject

if TYPE_CHECKING:
    from node.service import Node

_HOST_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?)*(:\d{1,5})?$",
                      re.I)
SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"


def display_language(alert: Alert, requested: str | None, accept_language: str = "") -> str:
    """The language to show: the one asked for if the alert has it, else the reader's, else the original."""
    return i18n.choose_version([alert.language, *alert.translations], requested, accept_language)


def ui_language(display: str, request: Request) -> str:
    """Interface language of an alert page: the one asked for, else the alert's displayed language."""
    explicit = i18n.primary(request.query_params.get("lang") or "")
    if explicit in i18n.UI_LANGUAGES:
        return explicit
    if i18n.primary(display) in i18n.UI_LANGUAGES:
        return i18n.primary(display)
    return i18n.negotiate(request)


async def approved_replies(alert_url: str) -> list[dict]:
    rows = await RemoteObject.filter(in_reply_to=alert_url, moderation="approved", deleted=False) \
        .order_by("received_at").limit(100)
    actors = {a.uri: a for a in await RemoteActor.filter(uri__in=[r.actor_uri for r in rows])} if rows else {}
    replies = []
    for row in rows:
        actor = actors.get(row.actor_uri)
        link = normalize.web_link(row.data) or row.uri
        replies.append({
            "author": (actor.name or f"@{actor.username}@{actor.domain}") if actor else row.actor_uri,
            "handle": f"@{actor.username}@{actor.domain}" if actor and actor.username else row.actor_uri,
            "url": link if is_safe_link(link) else row.uri,
            "published": normalize.string(row.data, "published") or "",
            "html": Markup(sanitize_remote_html(normalize.text(row.data, "content") or "")),
        })
    return replies


# --- remote follow ---------------------------------------------------------------------------------

def parse_handle(handle: str) -> tuple[str | None, str] | None:
    """``@user@host``, ``user@host`` or ``host`` (also a profile URL) -> (user, host)."""
    handle = (handle or "").strip()
    if handle.startswith(("https://", "http://")):
        parts = urlsplit(handle)
        host = parts.netloc
        user = parts.path.strip("/").lstrip("@") or None
        user = user if user and "/" not in user else None
    else:
        user, _, host = handle.lstrip("@").rpartition("@")
        user = user or None
    host = host.lower().strip()
    if not _HOST_RE.match(host) or "." not in host.split(":")[0] or (user and not re.match(r"^[\w.-]{1,64}$", user)):
        return None
    return user, host


async def subscribe_url(node: Node, user: str | None, host: str, uri: str) -> str:
    """Where the reader's own server lets them follow or interact with ``uri``."""
    import httpx  # what the fetches use; imported on first use, as by Node.http

    from node.activitypub.fetch import check_url
    from node.errors import RemoteFailure

    scheme = "http" if node.insecure else "https"
    fallback = f"https://{host}/authorize_interaction?uri={quote(uri, safe='')}"
    if user:
        url = f"{scheme}://{host}/.well-known/webfinger?resource=acct:{quote(user)}@{host}"
        try:
            await check_url(url, insecure=node.insecure)  # never towards private addresses
            response = await node.http.get(url, headers={"Accept": "application/jrd+json, application/json"},
                                           timeout=httpx.Timeout(5.0), follow_redirects=False)
            if response.status_code == 200 and len(response.content) < 100_000:
                for link in response.json().get("links", []):
                    template = link.get("template") if isinstance(link, dict) else None
                    if link.get("rel") == SUBSCRIBE_REL and isinstance(template, str) and "{uri}" in template:
                        target = template.replace("{uri}", quote(uri, safe=""))
                        if urlsplit(target).scheme in ("http", "https") and urlsplit(target).netloc:
                            return target
        except (RemoteFailure, httpx.HTTPError, ValueError, AttributeError):  # FetchError is a RemoteFailure
            pass
    return fallback


async def remote_follow_endpoint(request: Request) -> Response:
    from node.web import pages

    node = request.app.state.node
    handle = request.query_params.get("handle", "")
    our_handle = f"acct:{node.config.username}@{node.urls.domain}"
    uri = request.query_params.get("uri") or our_handle
    if uri != our_handle and not node.urls.alert_id_from_url(uri):
        uri = our_handle
    parsed = parse_handle(handle)
    t = i18n.Translator(i18n.negotiate(request, request.query_params.get("lang")))
    if parsed is None:
        return pages._render("webui_remote_follow.html", 400, handle=handle, uri=uri,
                             error=t("Enter your fediverse address, like @you@mastodon.social."),
                             **pages._base(request, t.lang))
    target = await subscribe_url(node, parsed[0], parsed[1], uri)
    return RedirectResponse(target, status_code=303)


# --- a page per case -------------------------------------------------------------------------------

async def case_alerts(node: Node, alert_id: str) -> list[AlertRow]:
    """This node's live alerts on the same case as ``alert_id``: same ``case``, or linked by ``follows``."""
    start = await AlertRow.filter(id=alert_id, deleted_at=None).first()
    if start is None:
        return []
    rows = await AlertRow.filter(deleted_at=None, local_actor_id=start.local_actor_id) \
        .order_by("published", "id").limit(5000)
    urls = node.urls
    by_url = {urls.alert(r.id): r for r in rows}
    members = {urls.alert(start.id)}
    cases = {start.data.get("case")} - {None}
    changed = True
    while changed:
        changed = False
        for url, row in by_url.items():
            if url in members:
                continue
            data = row.data or {}
            linked = (data.get("case") and data.get("case") in cases) or data.get("follows") in members or any(
                (by_url[m].data or {}).get("follows") == url for m in members)
            if linked:
                members.add(url)
                if data.get("case"):
                    cases.add(data["case"])
                changed = True
    return [row for url, row in by_url.items() if url in members]


async def case_endpoint(request: Request) -> Response:
    from node.web import pages

    node = request.app.state.node
    alert_id = request.path_params["alert_id"]
    t = i18n.Translator(i18n.negotiate(request, request.query_params.get("lang")))
    rows = await case_alerts(node, alert_id)
    base = pages._base(request, t.lang)
    if not rows:
        return pages._render("message.html", 404, title=t("Not found"), message=t("There is no such alert."),
                             **base)
    items = [pages._view(row, node.urls, t) for row in rows]
    first = items[0]["alert"]
    cases = sorted({i["alert"].case for i in items if i["alert"].case})
    targets = []
    for item in items:
        for target in item["alert"].targets:
            if target.name not in targets:
                targets.append(target.name)
    return pages._render("webui_case.html", items=items, first=first, cases=cases, targets=targets,
                         country=t.vocab("COUNTRIES", first.country), **base)


# --- media -----------------------------------------------------------------------------------------

async def media_response(node: Node, name: str) -> Response | None:
    """An uploaded image of a live alert, or the current avatar or header; None if neither."""
    if "/" in name or name.startswith("."):
        return None
    found = await public_file(node, name)
    if found is not None:
        path, content_type = found
    else:
        profile = await public_profile_file(node, name)
        if profile is None:
            return None
        path, content_type = profile, "image/png"
    return FileResponse(path, media_type=content_type, headers={
        "Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})
