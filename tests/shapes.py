"""A generated corpus of the JSON-LD shapes that real servers send, for every handler.

Five base payloads of a reply (``Create{Note}``), each built from its server's documented
serializer (as read for /work/shared/docs/interop-mastodon.md; see "How this was researched"
there for the versions):

* **Mastodon**: ``app/serializers/activitypub/note_serializer.rb`` and
  ``activity_serializer.rb`` (interop-mastodon.md sections 6 and 10): ``@context`` a list with
  inline terms, ``content`` and ``contentMap``, ``url`` the web page, ``replies`` a Collection.
* **GoToSocial**: ``internal/typeutils/internaltoas.go`` (``StatusToAS``): the GtS context
  first, ``contentMap``, ``interactionPolicy``, ULID status ids.
* **Misskey**: ``packages/backend/src/core/activitypub/ApRendererService.ts`` (``renderNote``):
  ``_misskey_content`` and ``source`` (MFM), no ``contentMap``, ``/notes/ID`` ids.
* **Pleroma/Akkoma**: ``lib/pleroma/web/activity_pub/transmogrifier.ex`` and the
  ``object_validators`` (``article_note_page_validator.ex``): the litepub context with
  ``{"@language": "und"}``, ``/objects/UUID`` ids, ``context``/``conversation``, ``actor`` on the
  object, ``source`` as plain text.
* **Pixelfed**: ``app/Transformer/ActivityPub/Verb/CreateNote.php``: security context first,
  ``/p/USER/ID`` ids equal to ``url``, ``commentsEnabled`` and ``capabilities`` terms.

On top of them, the shapes that compacted JSON-LD allows and that some server sends
(ActivityStreams 2.0 core 4.1-4.3, 4.7; PeerTube and Lemmy send ``attributedTo`` lists and
``url`` lists of ``Link`` with media types; Akkoma may send ``contentMap`` only): each
:data:`DIMENSIONS` entry is one property, each of its values one shape. :func:`replies`
builds every one-property variant of every base, then mixed variants that combine a shape
of every property at once.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from peers import AS, PUBLIC, SECURITY, RemoteUser

ACTIVITYSTREAMS = "https://www.w3.org/ns/activitystreams#"

# --- base payloads ----------------------------------------------------------------------------


def _html(marker: str) -> str:
    return f"<p>Thank you, {marker}.</p>"


def mastodon(user: RemoteUser, alert: str, alert_actor: str, marker: str) -> dict:
    n = uuid.uuid4().int % 10**17
    note = {
        "id": f"{user.uri}/statuses/{n}", "type": "Note", "summary": None, "inReplyTo": alert,
        "published": "2026-11-21T10:00:00Z", "url": f"{user.peer.base}/@{user.name}/{n}",
        "attributedTo": user.uri, "to": [PUBLIC], "cc": [user.followers, alert_actor], "sensitive": False,
        "atomUri": f"{user.uri}/statuses/{n}", "inReplyToAtomUri": alert, "conversation": None,
        "content": _html(marker), "contentMap": {"en": _html(marker)}, "attachment": [],
        "tag": [{"type": "Mention", "href": alert_actor, "name": "@alerts@node.test"}],
        "replies": {"id": f"{user.uri}/statuses/{n}/replies", "type": "Collection",
                    "first": {"type": "CollectionPage", "next": f"{user.uri}/statuses/{n}/replies?page=true",
                              "partOf": f"{user.uri}/statuses/{n}/replies", "items": []}},
    }
    context = [AS, {"ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri",
                    "inReplyToAtomUri": "ostatus:inReplyToAtomUri", "conversation": "ostatus:conversation",
                    "sensitive": "as:sensitive", "toot": "http://joinmastodon.org/ns#",
                    "votersCount": "toot:votersCount"}]
    return {"@context": context, "id": f"{note['id']}/activity", "type": "Create", "actor": user.uri,
            "published": note["published"], "to": note["to"], "cc": note["cc"], "object": note}


def gotosocial(user: RemoteUser, alert: str, alert_actor: str, marker: str) -> dict:
    ulid = f"01HZ{uuid.uuid4().hex[:22].upper()}"
    note = {
        "id": f"{user.uri}/statuses/{ulid}", "type": "Note", "attributedTo": user.uri,
        "content": _html(marker), "contentMap": {"en": _html(marker)}, "inReplyTo": alert,
        "published": "2026-11-21T10:00:00Z", "url": f"{user.peer.base}/@{user.name}/statuses/{ulid}",
        "to": PUBLIC, "cc": [user.followers, alert_actor], "sensitive": False, "attachment": [],
        "tag": {"type": "Mention", "href": alert_actor, "name": "@alerts@node.test"},
        "replies": {"id": f"{user.uri}/statuses/{ulid}/replies", "type": "Collection"},
        "interactionPolicy": {"canLike": {"always": [PUBLIC]}, "canReply": {"always": [PUBLIC]},
                              "canAnnounce": {"always": [PUBLIC]}},
    }
    return {"@context": ["https://gotosocial.org/ns", AS, SECURITY], "id": f"{user.uri}/activity/{ulid}",
            "type": "Create", "actor": user.uri, "published": note["published"], "to": PUBLIC,
            "cc": note["cc"], "object": note}


def misskey(user: RemoteUser, alert: str, alert_actor: str, marker: str) -> dict:
    nid = uuid.uuid4().hex[:10]
    base = user.peer.base
    note = {
        "id": f"{base}/notes/{nid}", "type": "Note", "attributedTo": user.uri, "summary": None,
        "content": _html(marker), "_misskey_content": f"Thank you, {marker}.",
        "source": {"content": f"Thank you, {marker}.", "mediaType": "text/x.misskeymarkdown"},
        "published": "2026-11-21T10:00:00.000Z", "to": [PUBLIC], "cc": [f"{user.uri}/followers", alert_actor],
        "inReplyTo": alert, "attachment": [], "sensitive": False,
        "tag": [{"type": "Mention", "href": alert_actor, "name": "@alerts@node.test"}],
    }
    context = [AS, SECURITY, {"Key": "sec:Key", "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
                              "sensitive": "as:sensitive", "Hashtag": "as:Hashtag", "quoteUrl": "as:quoteUrl",
                              "misskey": "https://misskey-hub.net/ns#", "_misskey_content": "misskey:_misskey_content",
                              "_misskey_quote": "misskey:_misskey_quote", "isCat": "misskey:isCat"}]
    return {"@context": context, "id": f"{base}/notes/{nid}/activity", "actor": user.uri, "type": "Create",
            "published": note["published"], "object": note, "to": note["to"], "cc": note["cc"]}


def pleroma(user: RemoteUser, alert: str, alert_actor: str, marker: str) -> dict:
    base = user.peer.base
    conversation = f"{base}/contexts/{uuid.uuid4()}"
    note = {
        "id": f"{base}/objects/{uuid.uuid4()}", "type": "Note", "actor": user.uri, "attributedTo": user.uri,
        "content": _html(marker), "contentMap": {"en": _html(marker)},
        "source": {"content": f"Thank you, {marker}.", "mediaType": "text/plain"},
        "context": conversation, "conversation": conversation, "inReplyTo": alert, "summary": "",
        "published": "2026-11-21T10:00:00.000000Z", "sensitive": False, "to": [PUBLIC],
        "cc": [user.followers, alert_actor], "attachment": [],
        "tag": [{"type": "Mention", "href": alert_actor, "name": "@alerts@node.test"}],
    }
    context = [AS, f"{base}/schemas/litepub-0.1.jsonld", {"@language": "und"}]
    return {"@context": context, "id": f"{base}/activities/{uuid.uuid4()}", "type": "Create", "actor": user.uri,
            "context": conversation, "directMessage": False, "published": note["published"],
            "to": note["to"], "cc": note["cc"], "object": note}


def pixelfed(user: RemoteUser, alert: str, alert_actor: str, marker: str) -> dict:
    n = uuid.uuid4().int % 10**18
    url = f"{user.peer.base}/p/{user.name}/{n}"
    note = {
        "id": url, "type": "Note", "summary": None, "content": _html(marker), "inReplyTo": alert,
        "published": "2026-11-21T10:00:00+00:00", "url": url, "attributedTo": user.uri,
        "to": [PUBLIC], "cc": [user.followers, alert_actor], "sensitive": False, "attachment": [],
        "tag": [{"type": "Mention", "href": alert_actor, "name": "@alerts@node.test"}],
        "commentsEnabled": True, "capabilities": {"announce": PUBLIC, "like": PUBLIC, "reply": PUBLIC},
    }
    context = [SECURITY, AS, {"Hashtag": "as:Hashtag", "sensitive": "as:sensitive", "schema": "http://schema.org/",
                              "pixelfed": "http://pixelfed.org/ns#", "commentsEnabled": {
                                  "@id": "pixelfed:commentsEnabled", "@type": "schema:Boolean"},
                              "capabilities": {"@id": "pixelfed:capabilities", "@container": "@set"}}]
    return {"@context": context, "id": f"{url}/activity", "type": "Create", "actor": user.uri,
            "published": note["published"], "to": note["to"], "cc": note["cc"], "object": note}


BASES: dict[str, Callable[..., dict]] = {
    "mastodon": mastodon, "gotosocial": gotosocial, "misskey": misskey, "pleroma": pleroma, "pixelfed": pixelfed,
}

# --- shapes, one property at a time -------------------------------------------------------------


@dataclass
class Reply:
    """One variant: the activity, and what the node must make of it."""

    name: str
    activity: dict
    user: RemoteUser
    marker: str
    web_link: str | None  # the link the public page shows for it

    @property
    def object_id(self) -> str:
        obj = self.activity["object"]
        return (obj[0] if isinstance(obj, list) else obj)["id"]


def _context(a: dict, o: dict, shape: str, ctx) -> None:
    if shape == "string":
        a["@context"] = AS
    elif shape == "list":
        a["@context"] = [AS, SECURITY]
    elif shape == "language":
        a["@context"] = [AS, {"@language": "en"}]


def _type(a: dict, o: dict, shape: str, ctx) -> None:
    if shape == "lists":
        a["type"], o["type"] = ["Create"], ["Note"]
    elif shape == "iri":
        a["type"], o["type"] = f"{ACTIVITYSTREAMS}Create", "as:Note"
    elif shape == "extra":  # an extension type next to the AS type (PeerTube, Lemmy)
        o["type"] = ["Note", "https://schema.org/Comment"]


def _actor(a: dict, o: dict, shape: str, ctx) -> None:
    uri = ctx["user"].uri
    if shape == "object":
        a["actor"] = {"id": uri, "type": "Person", "preferredUsername": ctx["user"].name}
    elif shape == "list":
        a["actor"] = [uri]


def _in_reply_to(a: dict, o: dict, shape: str, ctx) -> None:
    alert = ctx["alert"]
    o["inReplyTo"] = {
        "string": alert, "list": [alert], "object": {"id": alert, "type": "Note", "attributedTo": ctx["alert_actor"]},
        "link": {"type": "Link", "href": alert, "mediaType": "application/activity+json"},
        "objects": [{"id": alert, "type": "Note"}],
        "others": ["https://elsewhere.test/statuses/1", alert],  # the first is not ours: still a reply to us
    }[shape]


def _url(a: dict, o: dict, shape: str, ctx) -> None:
    page = f"{ctx['user'].peer.base}/@{ctx['user'].name}/web/{ctx['marker']}"
    if shape == "absent":
        o.pop("url", None)
    elif shape == "string":
        o["url"] = page
    elif shape == "list":
        o["url"] = [page]
    elif shape == "link":
        o["url"] = {"type": "Link", "href": page, "mediaType": "text/html"}
    elif shape == "links":  # PeerTube: the AP document and the HTML page, with media types
        o["url"] = [{"type": "Link", "href": o["id"], "mediaType": "application/activity+json"},
                    {"type": "Link", "href": page, "mediaType": "text/html", "rel": ["alternate"]}]


def _attributed_to(a: dict, o: dict, shape: str, ctx) -> None:
    uri = ctx["user"].uri
    o["attributedTo"] = {
        "string": uri, "list": [uri], "object": {"id": uri, "type": "Person"},
        "with_group": [{"type": "Person", "id": uri}, {"type": "Group", "id": f"{ctx['user'].peer.base}/c/press"}],
    }[shape]


def _content(a: dict, o: dict, shape: str, ctx) -> None:
    html = _html(ctx["marker"])
    if shape == "map_only":
        o.pop("content", None)
        o["contentMap"] = {"en": html}
    elif shape == "content_only":
        o["content"] = html
        o.pop("contentMap", None)
    elif shape == "two_languages":  # the original language first (Mastodon reads the first key)
        o.pop("content", None)
        o["contentMap"] = {"tr": html, "en": "<p>translation</p>"}
    elif shape == "values":
        o.pop("contentMap", None)
        o["content"] = [{"@value": html, "@language": "en"}]


def _object(a: dict, o: dict, shape: str, ctx) -> None:
    if shape == "list":
        a["object"] = [o]


def _addressing(a: dict, o: dict, shape: str, ctx) -> None:
    if shape == "strings":
        a["to"] = o["to"] = PUBLIC
        a["cc"] = o["cc"] = ctx["alert_actor"]


# property -> (apply, shapes; the first shape is "as the base sends it")
DIMENSIONS: dict[str, tuple[Callable, tuple[str, ...]]] = {
    "context": (_context, ("base", "string", "list", "language")),
    "type": (_type, ("base", "lists", "iri", "extra")),
    "actor": (_actor, ("base", "object", "list")),
    "inReplyTo": (_in_reply_to, ("string", "list", "object", "link", "objects", "others")),
    "url": (_url, ("base", "absent", "string", "list", "link", "links")),
    "attributedTo": (_attributed_to, ("string", "list", "object", "with_group")),
    "content": (_content, ("base", "map_only", "content_only", "two_languages", "values")),
    "object": (_object, ("base", "list")),
    "addressing": (_addressing, ("base", "strings")),
}


def _expected_link(obj: dict) -> str | None:
    """What the public page must link to, computed from the shape, independently of the node's code."""
    url = obj.get("url")
    if isinstance(url, str):
        return url
    if isinstance(url, list) and url and isinstance(url[0], str):
        return url[0]
    if isinstance(url, dict):
        return url["href"]
    if isinstance(url, list):
        return next(link["href"] for link in url if link.get("mediaType") == "text/html")
    return None


def build(base: str, user: RemoteUser, alert: str, alert_actor: str, shapes: dict[str, str], name: str) -> Reply:
    marker = f"m{uuid.uuid4().hex[:12]}"
    activity = BASES[base](user, alert, alert_actor, marker)
    obj = activity["object"]
    ctx = {"user": user, "alert": alert, "alert_actor": alert_actor, "marker": marker}
    for prop, (apply, _) in DIMENSIONS.items():
        shape = shapes.get(prop, "base")
        if shape != "base":
            apply(activity, obj, shape, ctx)
    link = _expected_link(obj)
    return Reply(name, activity, user, marker, link)


def replies(users: dict[str, RemoteUser], alert: str, alert_actor: str, *, mixed: int = 12) -> list[Reply]:
    """Every one-property variant of every base, then ``mixed`` variants per base mixing all properties."""
    corpus = []
    for base, user in users.items():
        for prop, (_, shapes) in DIMENSIONS.items():
            for shape in shapes[1:]:
                corpus.append(build(base, user, alert, alert_actor, {prop: shape}, f"{base}/{prop}={shape}"))
        for i in range(mixed):  # a different stride per property, so the combinations differ
            shapes = {prop: values[(i * (k + 1) + len(base)) % len(values)]
                      for k, (prop, (_, values)) in enumerate(DIMENSIONS.items())}
            label = ",".join(f"{p}={s}" for p, s in shapes.items())
            corpus.append(build(base, user, alert, alert_actor, shapes, f"{base}/mixed[{label}]"))
    return corpus


def reference_shapes(target: str, *, kind: str | None = None, extra: dict | None = None) -> dict[str, object]:
    """The shapes of one reference to ``target`` (an ``object`` of Follow, Like, Announce, Delete…)."""
    embedded = {"id": target, **({"type": kind} if kind else {}), **(extra or {})}
    return {"string": target, "list": [target], "object": embedded, "objects": [embedded],
            **({"link": {"type": "Link", "href": target}} if kind != "Tombstone" else {})}


def type_shapes(kind: str) -> dict[str, object]:
    return {"string": kind, "list": [kind], "iri": f"{ACTIVITYSTREAMS}{kind}", "prefixed": f"as:{kind}"}


def combos(*dimensions: dict[str, object]) -> list[tuple[tuple[str, object], ...]]:
    """Every combination of the given shape tables, as ((name, value), ...) tuples."""
    return list(itertools.product(*(d.items() for d in dimensions)))
