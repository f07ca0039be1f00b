"""Documents that describe the node: actors, WebFinger, host-meta, NodeInfo."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from node import __version__
from node.activitypub import proofs
from node.storage.models import LocalActor
from node.urls import Urls

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
ACTOR_CONTEXT = [
    AS_CONTEXT,
    SECURITY_CONTEXT,
    *proofs.MULTIKEY_CONTEXTS,  # FEP-521a: assertionMethod holds a Multikey
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "webfinger": "https://purl.archive.org/socialweb/webfinger",
        "aan": "https://w3id.org/aan/ns#",
        "aanAudience": {"@id": "aan:audience", "@type": "@id"},
    },
]
INSTANCE_USERNAME = "instance.actor"


def iso(dt: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, as every fediverse server parses it."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def field_html(value: str) -> str:
    """A profile field value as Mastodon shows it: a link (rel=me, for verification) or text."""
    if value.startswith(("https://", "http://")) and " " not in value:
        href = html.escape(value, quote=True)
        return f'<a href="{href}" rel="me nofollow noopener noreferrer" target="_blank">{html.escape(value)}</a>'
    return html.escape(value)


def avatar_url(actor: LocalActor, urls: Urls) -> str:
    """The uploaded avatar (always a PNG) or the generated one."""
    return actor.icon_url or urls.media(f"{actor.username}-avatar.png")


def actor_document(actor: LocalActor, urls: Urls, *, clearinghouse: bool = False,
                   header: dict | None = None) -> dict:
    """The actor as Mastodon wants it (interop-mastodon.md section 2).

    The avatar is ``actor.icon_url`` (an uploaded PNG) or the generated one;
    ``header`` is the profile's header ``Image`` object, if it has one.
    """
    if actor.username == INSTANCE_USERNAME:
        return instance_actor_document(actor, urls)
    u = actor.username
    doc = {
        "@context": ACTOR_CONTEXT,
        "id": urls.actor(u),
        "type": actor.kind,
        "preferredUsername": u,
        "name": actor.name,
        "summary": f"<p>{html.escape(actor.summary)}</p>" if actor.summary else "",
        "url": urls.profile(u),
        "inbox": urls.inbox(u),
        "outbox": urls.outbox(u),
        "followers": urls.followers(u),
        "following": urls.following(u),
        "featured": urls.featured(u),
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "indexable": True,
        "published": iso(actor.created_at),
        "webfinger": f"{u}@{urls.domain}",
        "icon": {"type": "Image", "mediaType": "image/png", "url": avatar_url(actor, urls),
                 "name": f"Logo of {actor.name}"},
        "attachment": [
            {"type": "PropertyValue", "name": str(f.get("name", "")), "value": field_html(str(f.get("value", "")))}
            for f in (actor.profile_fields or [])
        ],
        "publicKey": {"id": urls.key_id(u), "owner": urls.actor(u), "publicKeyPem": actor.public_key_pem},
    }
    if actor.ed25519_public_key:
        doc["assertionMethod"] = [proofs.multikey(urls.actor(u), actor.ed25519_public_key)]
    if header:
        doc["image"] = header
    if clearinghouse:
        doc["aanAudience"] = urls.actor(u) + "/audience"
    return doc


def instance_actor_document(actor: LocalActor, urls: Urls) -> dict:
    """The ``Application`` actor that signs our GETs; served to anyone, signed or not."""
    return {
        "@context": ACTOR_CONTEXT,
        "id": urls.instance_actor,
        "type": "Application",
        "preferredUsername": urls.host,
        "name": actor.name,
        "url": urls.base + "/",
        "inbox": urls.shared_inbox,
        "outbox": urls.instance_actor + "/outbox",
        "endpoints": {"sharedInbox": urls.shared_inbox},
        "manuallyApprovesFollowers": True,
        "publicKey": {"id": urls.instance_key_id, "owner": urls.instance_actor,
                      "publicKeyPem": actor.public_key_pem},
    }


def webfinger(actor: LocalActor, urls: Urls) -> dict:
    u = actor.username
    return {
        "subject": f"acct:{u}@{urls.domain}",
        "aliases": [urls.profile(u), urls.actor(u)],
        "links": [
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": urls.profile(u)},
            {"rel": "self", "type": "application/activity+json", "href": urls.actor(u)},
            {"rel": "http://webfinger.net/rel/avatar", "type": "image/png",
             "href": avatar_url(actor, urls)},
        ],
    }


def host_meta(urls: Urls) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
        f'  <Link rel="lrdd" template="{urls.base}/.well-known/webfinger?resource={{uri}}"/>\n'
        "</XRD>\n"
    )


def nodeinfo_links(urls: Urls) -> dict:
    return {"links": [
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": f"{urls.base}/nodeinfo/2.1"},
        {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": f"{urls.base}/nodeinfo/2.0"},
    ]}


def nodeinfo(version: str, *, name: str, role: str, users: int, posts: int,
             counts: dict[str, int] | None = None) -> dict:
    """``counts``: posts of other kinds (a Clearing House's Announces), in ``localPosts`` and named in metadata."""
    counts = counts or {}
    posts += sum(counts.values())
    software = {"name": "aan", "version": __version__}
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": users, "activeMonth": users, "activeHalfyear": users},
                  "localPosts": posts},
        "metadata": {"nodeName": name, "nodeDescription": f"Action Alert Network {role} node", "role": role,
                     **counts},
    }
