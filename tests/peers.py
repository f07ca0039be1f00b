"""Fake remote fediverse servers, for tests that cannot reach a real Mastodon.

A :class:`Fediverse` routes requests by host to :class:`FakePeer` objects and is
served through an ``httpx.MockTransport``: give ``fediverse.client()`` to
``create_app(config, http=...)`` and the node's outgoing GETs (actor and key
fetches) land here. Every request a peer receives is recorded
(``peer.gets``, ``peer.posts``), so a test can count key fetches or inspect
the Accept the node sent back.

The actor documents are built from the documented formats
(``/work/shared/docs/interop-mastodon.md`` sections 2, 3c and 5, which cite the
Mastodon 4.x serializers, GoToSocial's ``docs/federation`` pages and Misskey's
``ApRendererService``), not from recorded traffic. Flavours:

``mastodon``
    ``https://host/users/NAME``, type Person, ``publicKey`` {id: ``…#main-key``,
    owner, publicKeyPem}, personal ``inbox`` and ``endpoints.sharedInbox``.
``gotosocial``
    keyId is a path (``…/users/NAME/main-key``); GETting it returns a stub
    actor carrying only ``publicKey``; no ``sharedInbox``; unsigned GETs get 401
    (GoToSocial is always in "secure mode").
``misskey``
    ``…/users/ID`` with ``#main-key`` and a shared inbox, like Mastodon.
``fedify``
    Mastodon-shaped; its users sign with RFC 9421 first (Fedify's double knock).
``keydoc``
    the actor's key lives in a standalone key document
    ``{"id", "owner", "publicKeyPem"}`` at ``…/keys/NAME`` (security/v1 context).

Signing helpers build the headers a given server sends when it POSTs to an inbox
(section 3 of the same document); payload builders build Mastodon-shaped
activities (sections 5 and 10).
"""

from __future__ import annotations

import base64
import functools
import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

import httpsig
import httpx
import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from http_message_signatures import HTTPMessageSigner, MappingKeyResolver, algorithms

from node.activitypub.keys import generate_private_key, private_key_to_pem, public_key_pem
from node.activitypub.signatures import body_digest

AS = "https://www.w3.org/ns/activitystreams"
SECURITY = "https://w3id.org/security/v1"
PUBLIC = f"{AS}#Public"
ACTIVITY_JSON = "application/activity+json"
MASTODON_CONTEXT = [
    AS,
    SECURITY,
    {
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
    },
]
FLAVOURS = ("mastodon", "gotosocial", "misskey", "fedify", "keydoc")
_serial = itertools.count(1)


@functools.cache
def session_key(slot: int = 0) -> rsa.RSAPrivateKey:
    """Fixed RSA-2048 key pairs, generated once per test session (slot 0 is the peers' key)."""
    return generate_private_key()


def http_date(now: datetime | None = None) -> str:
    return format_datetime(now or datetime.now(UTC), usegmt=True)


# --- peers ----------------------------------------------------------------------------


@dataclass
class RemoteUser:
    """One account on a fake peer; ``status`` is what GETs of its actor and key answer."""

    peer: FakePeer
    name: str
    key: rsa.RSAPrivateKey
    status: int = 200

    @property
    def uri(self) -> str:
        return f"{self.peer.base}/users/{self.name}"

    @property
    def key_id(self) -> str:
        if self.peer.flavour == "gotosocial":
            return f"{self.uri}/main-key"
        if self.peer.flavour == "keydoc":
            return f"{self.peer.base}/keys/{self.name}"
        return f"{self.uri}#main-key"

    @property
    def inbox(self) -> str:
        return f"{self.uri}/inbox"

    @property
    def followers(self) -> str:
        return f"{self.uri}/followers"

    def rotate_key(self, key: rsa.RSAPrivateKey) -> None:
        """Publish a new PEM under the same keyId (what Mastodon recommends, 3.9)."""
        self.key = key

    def public_key(self) -> dict:
        return {"id": self.key_id, "owner": self.uri, "publicKeyPem": public_key_pem(self.key)}

    def actor_document(self) -> dict:
        """The full actor, in the documented Mastodon 4.x shape (section 2)."""
        base = self.peer.base
        doc = {
            "@context": MASTODON_CONTEXT,
            "id": self.uri,
            "type": "Person",
            "following": f"{self.uri}/following",
            "followers": self.followers,
            "inbox": self.inbox,
            "outbox": f"{self.uri}/outbox",
            "featured": f"{self.uri}/collections/featured",
            "preferredUsername": self.name,
            "name": self.name.title(),
            "summary": "<p>Press-freedom reporter.</p>",
            "url": f"{base}/@{self.name}",
            "manuallyApprovesFollowers": False,
            "discoverable": True,
            "indexable": True,
            "published": "2024-01-01T00:00:00Z",
            "publicKey": self.public_key(),
            "tag": [],
            "attachment": [],
            "icon": {"type": "Image", "mediaType": "image/png", "url": f"{base}/avatars/{self.name}.png"},
        }
        if self.peer.flavour != "gotosocial":
            doc["endpoints"] = {"sharedInbox": self.peer.shared_inbox}
        return doc

    def key_document(self) -> dict | None:
        """What GETting the keyId URL answers, when that is not the actor itself."""
        if self.peer.flavour == "gotosocial":  # GtS docs/federation/actors.md: a stub actor
            return {"@context": [AS, SECURITY], "id": self.uri, "type": "Person",
                    "preferredUsername": self.name, "publicKey": self.public_key()}
        if self.peer.flavour == "keydoc":
            return {"@context": SECURITY, **self.public_key()}
        return None


@dataclass
class Received:
    method: str
    url: str
    headers: httpx.Headers
    body: bytes

    def json(self) -> dict:
        return orjson.loads(self.body)


@dataclass
class FakePeer:
    host: str
    flavour: str = "mastodon"
    users: dict[str, RemoteUser] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)  # extra documents by URL
    gets: list[Received] = field(default_factory=list)
    posts: list[Received] = field(default_factory=list)

    def __post_init__(self):
        if self.flavour not in FLAVOURS:
            raise ValueError(f"unknown flavour {self.flavour!r}")

    @property
    def base(self) -> str:
        return f"https://{self.host}"

    @property
    def shared_inbox(self) -> str | None:
        return None if self.flavour == "gotosocial" else f"{self.base}/inbox"

    def user(self, name: str, *, key: rsa.RSAPrivateKey | None = None, status: int = 200) -> RemoteUser:
        user = RemoteUser(self, name, key or session_key(), status)
        self.users[name] = user
        return user

    def gets_of(self, url: str) -> int:
        target = url.split("#", 1)[0]
        return sum(1 for r in self.gets if r.url == target)

    def _route(self, url: str) -> tuple[int, dict | None]:
        if url in self.documents:
            return 200, self.documents[url]
        for user in self.users.values():
            if url == user.uri:
                return user.status, user.actor_document()
            if url == user.key_id.split("#", 1)[0]:
                return user.status, user.key_document() or user.actor_document()
        return 404, None

    def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(fragment=None))
        received = Received(request.method, url, request.headers, request.content)
        if request.method == "POST":
            self.posts.append(received)
            return httpx.Response(202)
        self.gets.append(received)
        if self.flavour == "gotosocial" and "signature" not in request.headers:
            return httpx.Response(401, json={"error": "Unauthorized"})
        status, document = self._route(url)
        if status != 200 or document is None:
            return httpx.Response(status, json={"error": "Record not found"})
        return httpx.Response(200, headers={"Content-Type": f"{ACTIVITY_JSON}; charset=utf-8"},
                              content=orjson.dumps(document))


class Fediverse:
    """Several fake peers behind one ``httpx.MockTransport``; unknown hosts do not resolve."""

    def __init__(self, *peers: FakePeer):
        self.peers = {p.host: p for p in peers}
        self.unreachable: dict[str, str] = {}  # host -> the text of the connection error it raises

    def add(self, peer: FakePeer) -> FakePeer:
        self.peers[peer.host] = peer
        return peer

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.host in self.unreachable:
            raise httpx.ConnectError(self.unreachable[request.url.host], request=request)
        peer = self.peers.get(request.url.host)
        if peer is None:
            raise httpx.ConnectError(f"unknown host {request.url.host}", request=request)
        return peer.handle(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def client(self, *, guard: bool | None = None) -> httpx.AsyncClient:
        """A client for the fake peers; with ``guard`` (the node's ``insecure`` flag), every
        request first resolves its host through the node's own check, as the node's real
        transport does at connection time (:mod:`node.activitypub.netguard`)."""
        transport = self.transport() if guard is None else _GuardedMock(self.transport(), insecure=guard)
        return httpx.AsyncClient(transport=transport)


class _GuardedMock(httpx.AsyncBaseTransport):
    """The connection step of ``netguard.GuardedTransport`` in front of a MockTransport."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, insecure: bool):
        self.inner = inner
        self.insecure = insecure

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        from node.activitypub import netguard

        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        await netguard.resolve_checked(request.url.host, port, insecure=self.insecure)
        return await self.inner.handle_async_request(request)


# --- signing: what each server sends to an inbox ----------------------------------------


def _sign(key: rsa.RSAPrivateKey, data: str) -> str:
    return base64.b64encode(key.sign(data.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def cavage(method: str, url: str, headers: dict[str, str], covered: list[str], *, key_id: str,
           key: rsa.RSAPrivateKey, algorithm: str = "rsa-sha256", with_query: bool = True) -> dict[str, str]:
    """``headers`` plus a draft-cavage ``Signature`` over ``covered`` (in that order)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if with_query and parts.query else "")
    lower = {k.lower(): v for k, v in headers.items()}
    lines = [f"(request-target): {method.lower()} {target}" if name == "(request-target)"
             else f"{name}: {lower[name]}" for name in covered]
    signature = _sign(key, "\n".join(lines))
    value = (f'keyId="{key_id}",algorithm="{algorithm}",headers="{" ".join(covered)}",'
             f'signature="{signature}"')
    return {**headers, "Signature": value}


def _base_headers(url: str, body: bytes, now: datetime | None, content_type: str) -> dict[str, str]:
    return {"Host": urlsplit(url).netloc, "Date": http_date(now), "Digest": body_digest(body),
            "Content-Type": content_type}


def _who(user: RemoteUser | None, key_id: str | None, key: rsa.RSAPrivateKey | None):
    return key_id or user.key_id, key or user.key


def mastodon_post(user: RemoteUser | None, url: str, body: bytes, *, key_id: str | None = None,
                  key: rsa.RSAPrivateKey | None = None, now: datetime | None = None,
                  content_type: str = ACTIVITY_JSON) -> dict[str, str]:
    """Mastodon 4.3+: rsa-sha256 over ``host date digest content-type (request-target)``, query included."""
    key_id, key = _who(user, key_id, key)
    headers = _base_headers(url, body, now, content_type)
    return cavage("POST", url, headers, ["host", "date", "digest", "content-type", "(request-target)"],
                  key_id=key_id, key=key)


def gotosocial_post(user: RemoteUser | None, url: str, body: bytes, *, key_id: str | None = None,
                    key: rsa.RSAPrivateKey | None = None, now: datetime | None = None,
                    content_type: str = ACTIVITY_JSON) -> dict[str, str]:
    """GoToSocial: ``algorithm="hs2019"`` over ``(request-target) host date digest``."""
    key_id, key = _who(user, key_id, key)
    headers = _base_headers(url, body, now, content_type)
    return cavage("POST", url, headers, ["(request-target)", "host", "date", "digest"],
                  key_id=key_id, key=key, algorithm="hs2019")


def misskey_post(user: RemoteUser | None, url: str, body: bytes, *, key_id: str | None = None,
                 key: rsa.RSAPrivateKey | None = None, now: datetime | None = None,
                 content_type: str = ACTIVITY_JSON) -> dict[str, str]:
    """Misskey: rsa-sha256 over ``(request-target) date host digest``, path only in the target."""
    key_id, key = _who(user, key_id, key)
    headers = _base_headers(url, body, now, content_type)
    return cavage("POST", url, headers, ["(request-target)", "date", "host", "digest"],
                  key_id=key_id, key=key, with_query=False)


def httpsig_post(user: RemoteUser | None, url: str, body: bytes, *, key_id: str | None = None,
                 key: rsa.RSAPrivateKey | None = None, now: datetime | None = None,
                 content_type: str = ACTIVITY_JSON) -> dict[str, str]:
    """Signed by the independent ``httpsig`` package (rsa-sha256)."""
    key_id, key = _who(user, key_id, key)
    parts = urlsplit(url)
    signer = httpsig.HeaderSigner(key_id, private_key_to_pem(key), algorithm="rsa-sha256",
                                  headers=["(request-target)", "host", "date", "digest", "content-type"],
                                  sign_header="signature")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    signed = signer.sign(_base_headers(url, body, now, content_type), method="POST", path=path)
    return {("Signature" if k.lower() == "signature" else k): v for k, v in signed.items()}


class _Message:
    def __init__(self, method: str, url: str, headers: dict[str, str]):
        self.method, self.url, self.headers = method, url, headers


def rfc9421_post(user: RemoteUser | None, url: str, body: bytes, *, key_id: str | None = None,
                 key: rsa.RSAPrivateKey | None = None, now: datetime | None = None,
                 content_type: str = ACTIVITY_JSON) -> dict[str, str]:
    """RFC 9421 by ``http_message_signatures``: ``@method @target-uri content-digest``, rsa-v1_5-sha256."""
    key_id, key = _who(user, key_id, key)
    signer = HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256,
                               key_resolver=MappingKeyResolver(public_keys={}, private_keys={key_id: key}))
    message = _Message("POST", url, {"Host": urlsplit(url).netloc, "Content-Type": content_type})
    signer.sign(message, key_id=key_id, created=now or datetime.now(UTC),
                covered_component_ids=("@method", "@target-uri", "content-digest"), body=body)
    return dict(message.headers)


SIGNERS: dict[str, Callable[..., dict[str, str]]] = {
    "mastodon": mastodon_post,
    "gotosocial": gotosocial_post,
    "misskey": misskey_post,
    "httpsig": httpsig_post,
    "rfc9421": rfc9421_post,
}


def flip_signature_byte(headers: dict[str, str]) -> dict[str, str]:
    """The same headers with one byte of the cavage signature changed."""
    value = headers["Signature"]
    start = value.index('signature="') + len('signature="')
    end = value.index('"', start)
    raw = bytearray(base64.b64decode(value[start:end]))
    raw[len(raw) // 2] ^= 0x01
    return {**headers, "Signature": value[:start] + base64.b64encode(bytes(raw)).decode() + value[end:]}


# --- Mastodon-shaped payloads (interop-mastodon.md sections 5 and 10) --------------------


def _n() -> int:
    return next(_serial)


def follow(user: RemoteUser, target: str, *, id: str | None = None) -> dict:
    """Mastodon's Follow: its id is a bare ``https://host/<uuid>``-like URL, not dereferenceable."""
    return {"@context": AS, "id": id or f"{user.peer.base}/{uuid.uuid4()}", "type": "Follow",
            "actor": user.uri, "object": target}


def undo(user: RemoteUser, inner: dict) -> dict:
    """``Undo`` with the undone activity embedded (without its ``@context``), ids as Mastodon mints them."""
    embedded = {k: v for k, v in inner.items() if k != "@context"}
    if inner["id"].startswith(f"{user.uri}#"):  # a Like: "<actor>#likes/<n>/undo"
        undo_id = f"{inner['id']}/undo"
    else:  # a Follow: "<actor>#follows/<n>/undo"
        undo_id = f"{user.uri}#follows/{_n()}/undo"
    return {"@context": AS, "id": undo_id, "type": "Undo", "actor": user.uri, "object": embedded}


def like(user: RemoteUser, target: str) -> dict:
    return {"@context": AS, "id": f"{user.uri}#likes/{_n()}", "type": "Like", "actor": user.uri,
            "object": target}


def announce(user: RemoteUser, target: str, target_actor: str) -> dict:
    n = _n()
    return {"@context": AS, "id": f"{user.uri}/statuses/{n}/activity", "type": "Announce",
            "actor": user.uri, "published": "2026-11-21T10:00:00Z", "to": [PUBLIC],
            "cc": [target_actor, user.followers], "object": target}


def note(user: RemoteUser, *, in_reply_to: str | None = None, mention: str | None = None,
         id: str | None = None, content: str = "<p>Thank you for the alert.</p>") -> dict:
    n = _n()
    return {
        "id": id or f"{user.uri}/statuses/{n}",
        "type": "Note",
        "summary": None,
        "inReplyTo": in_reply_to,
        "published": "2026-11-21T10:00:00Z",
        "url": f"{user.peer.base}/@{user.name}/{n}",
        "attributedTo": user.uri,
        "to": [PUBLIC],
        "cc": [user.followers] + ([mention] if mention else []),
        "sensitive": False,
        "content": content,
        "contentMap": {"en": content},
        "attachment": [],
        "tag": [{"type": "Mention", "href": mention, "name": "@alerts@node.test"}] if mention else [],
        "replies": {"id": f"{user.uri}/statuses/{n}/replies", "type": "Collection"},
    }


def create(user: RemoteUser, obj: dict) -> dict:
    return {"@context": [AS, {"sensitive": "as:sensitive"}], "id": f"{obj['id']}/activity",
            "type": "Create", "actor": user.uri, "published": obj.get("published"),
            "to": obj.get("to"), "cc": obj.get("cc"), "object": obj}


def reply(user: RemoteUser, alert_url: str, alert_actor: str) -> dict:
    """``Create{Note}`` replying to one of our alerts, mentioning its author."""
    return create(user, note(user, in_reply_to=alert_url, mention=alert_actor))


def delete_actor(user: RemoteUser) -> dict:
    """Mastodon's account deletion: ``object`` is the actor itself (its LD signature omitted)."""
    return {"@context": [AS, SECURITY], "id": f"{user.uri}#delete", "type": "Delete",
            "actor": user.uri, "to": [PUBLIC], "object": user.uri}


def body_of(activity: dict) -> bytes:
    return orjson.dumps(activity)
