"""Remote actors and their keys: fetched once, cached in the database and in memory.

Key lookup follows Mastodon: look the keyId up locally; if unknown, fetch it
(an actor document when the keyId is ``actor#main-key``, a GoToSocial stub
actor, or a standalone ``{id, owner, publicKeyPem}`` key document whose owner
must list it). When a signature fails against a cached key the caller asks for
``refresh=True`` once, which handles key rotation.

Integrity-proof keys (FEP-521a ``assertionMethod`` Multikeys) are read from the same cached
actor document: :func:`assertion_key`, and :func:`verify_proof` which also retries once
with a fresh document when the cached key does not verify (the signer rotated its key).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from node.activitypub import proofs
from node.activitypub.fetch import Fetcher, FetchError, RefusedAddress, fetch_error
from node.activitypub.keys import load_public_key
from node.activitypub.normalize import first_id, text, types
from node.activitypub.signatures import sign_headers
from node.storage.models import RemoteActor

if TYPE_CHECKING:
    from node.service import Node

ACTOR_TYPES = {"Person", "Organization", "Service", "Application", "Group"}
_MEMORY_LIMIT = 10_000


def get_id(value) -> str | None:
    """The first IRI of a reference in any shape (:func:`node.activitypub.normalize.first_id`)."""
    return first_id(value)


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc.lower()) == (pb.scheme, pb.netloc.lower())


class KeyError_(FetchError):
    """The key document is unusable."""


class RemoteActors:
    """Actor and key resolution with a bounded in-memory cache in front of the database."""

    def __init__(self, fetcher: Fetcher):
        self.fetcher = fetcher
        self._keys: OrderedDict[str, tuple[str, object]] = OrderedDict()

    def _remember(self, key_id: str, actor_uri: str, public_key) -> None:
        self._keys[key_id] = (actor_uri, public_key)
        self._keys.move_to_end(key_id)
        while len(self._keys) > _MEMORY_LIMIT:
            self._keys.popitem(last=False)

    async def key(self, key_id: str, *, refresh: bool = False) -> tuple[str, object]:
        """Return (owner actor URI, public key object) for ``key_id``."""
        if not refresh:
            hit = self._keys.get(key_id)
            if hit:
                return hit
            row = await RemoteActor.filter(key_id=key_id).first()
            if row and not row.gone:
                public_key = load_public_key(row.public_key_pem)
                self._remember(key_id, row.uri, public_key)
                return row.uri, public_key
        row = await self._fetch_key(key_id)
        public_key = load_public_key(row.public_key_pem)
        self._remember(key_id, row.uri, public_key)
        return row.uri, public_key

    async def _fetch_key(self, key_id: str) -> RemoteActor:
        """Resolve a keyId to the actor that owns it, never trusting a document for another id.

        An actor served at the keyId's own URL (``actor#main-key``) is used as is.
        Anything else (a GoToSocial stub, a standalone key document, or a forged
        actor document) only names an owner, whose document is fetched from its
        own id and must list the key.
        """
        document, _ = await self.fetcher.get_any(key_id)
        if (document.get("id") == key_id.split("#", 1)[0] and types(document.get("type")) & ACTOR_TYPES
                and "inbox" in document):
            return await self.store(document, key_id=key_id)
        keys = as_list(document.get("publicKey")) if "publicKey" in document else [document]
        owner = None
        for key in keys:
            if isinstance(key, dict) and key.get("id") == key_id:
                owner = get_id(key.get("owner"))
        if not owner:
            raise KeyError_(key_id, "key document names no owner")
        return await self.store(await self.fetcher.get(owner), key_id=key_id)

    async def actor(self, uri: str, *, refresh: bool = False) -> RemoteActor:
        if not refresh:
            row = await RemoteActor.filter(uri=uri).first()
            if row:
                return row
        document = await self.fetcher.get(uri)
        return await self.store(document)

    async def store(self, document: dict, *, key_id: str | None = None) -> RemoteActor:
        uri = document.get("id")
        kinds = sorted(types(document.get("type")) & ACTOR_TYPES)
        if not isinstance(uri, str) or not kinds:
            raise KeyError_(str(uri), "not an actor document")
        inbox = first_id(document.get("inbox"))
        if not inbox:
            raise KeyError_(uri, "actor has no inbox")
        pem, found_key_id = None, None
        for key in as_list(document.get("publicKey")):
            if not isinstance(key, dict) or get_id(key.get("owner")) != uri:
                continue
            if key_id is None or key.get("id") == key_id:
                pem, found_key_id = text(key, "publicKeyPem"), key.get("id")
                break
        if not pem or not isinstance(found_key_id, str):
            raise KeyError_(uri, f"actor does not list key {key_id}" if key_id else "actor has no public key")
        endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
        shared = first_id(endpoints.get("sharedInbox"))
        values = dict(
            key_id=found_key_id, public_key_pem=pem, inbox=inbox, shared_inbox=shared,
            username=(text(document, "preferredUsername") or "")[:255],
            domain=urlsplit(uri).netloc, name=(text(document, "name") or "")[:2048],
            kind=kinds[0], document=document, fetched_at=datetime.now(UTC), gone=False,
        )
        row, _ = await RemoteActor.update_or_create(defaults=values, uri=uri)
        return row


async def resolve(node: Node, handle_or_url: str) -> RemoteActor:
    """An actor from ``@user@host``, ``user@host`` or its URL (WebFinger, then a signed GET)."""
    if handle_or_url.startswith(("http://", "https://")):
        return await node.remotes.actor(handle_or_url, refresh=True)
    user, _, domain = handle_or_url.lstrip("@").partition("@")
    if not user or not domain:
        raise FetchError(handle_or_url, "expected @user@host or an actor URL")
    scheme = "http" if node.insecure else "https"
    url = f"{scheme}://{domain}/.well-known/webfinger?resource=acct:{user}@{domain}"
    from node.activitypub.fetch import check_url

    await check_url(url, insecure=node.insecure)
    if node.fetcher.blocks is not None and node.fetcher.blocks.refuses(url):
        raise RefusedAddress(url, node.fetcher.blocks.reason(url))
    headers = sign_headers("GET", url, key_id=node.urls.instance_key_id, private_key=node.fetcher.private_key,
                           accept="application/jrd+json, application/json")
    try:
        response = await node.http.get(url, headers=headers)
    except Exception as exc:  # noqa: BLE001 - any transport error is a failed lookup (of its kind)
        raise fetch_error(url, exc) from exc
    if response.status_code != 200:
        raise FetchError(url, f"WebFinger answered HTTP {response.status_code}", response.status_code)
    for link in response.json().get("links", []):
        if link.get("rel") == "self" and link.get("type", "").startswith(("application/activity+json",
                                                                          "application/ld+json")):
            return await node.remotes.actor(link["href"], refresh=True)
    raise FetchError(url, "WebFinger answer has no ActivityPub self link")


def assertion_method(document: dict, actor_id: str, verification_method: str) -> proofs.Ed25519PublicKey | None:
    """The Ed25519 key ``document`` (the actor ``actor_id``) lists as ``verification_method`` in
    ``assertionMethod``, with ``controller`` equal to the actor; None if it lists no such key.

    Entries that are not Multikeys or not Ed25519 are ignored (FEP-521a); a listed entry whose
    ``publicKeyMultibase`` cannot be decoded raises ProofError("unknown key").
    """
    if document.get("id") != actor_id:
        return None
    for entry in as_list(document.get("assertionMethod")):
        if not isinstance(entry, dict) or entry.get("id") != verification_method:
            continue
        if "Multikey" not in as_list(entry.get("type")) or get_id(entry.get("controller")) != actor_id:
            continue
        return proofs.decode_multikey(entry.get("publicKeyMultibase"))
    return None


async def _local_assertion_key(node: Node, actor_id: str, verification_method: str):
    """Our own actor's key, without asking ourselves over HTTP; None if ``actor_id`` is not ours."""
    if actor_id == node.urls.instance_actor:
        raise proofs.ProofError(proofs.UNKNOWN_KEY, "the instance actor publishes no assertion key")
    prefix = node.urls.actor("")
    if not actor_id.startswith(prefix):
        return None
    actor = await node.local_actor(actor_id[len(prefix):])
    if actor is None or actor.ed25519_public_key is None or verification_method != proofs.key_id(actor_id):
        raise proofs.ProofError(proofs.UNKNOWN_KEY, f"{verification_method} is not a key of ours")
    return proofs.decode_multikey(actor.ed25519_public_key)


async def assertion_key(node: Node, verification_method: str, *, refresh: bool = False) -> proofs.Ed25519PublicKey:
    """The Ed25519 public key behind an integrity proof's ``verificationMethod``.

    The key's controller is the URL before ``#``; its actor document (cached, or fetched
    with a signed GET and cached) must list the key in ``assertionMethod`` with itself as
    ``controller``. On a miss in a cached document the actor is fetched again once (it may
    have rotated or added the key); ``refresh=True`` fetches it in any case. Raises
    ProofError("unknown key") when the actor does not list the key, and the fetch errors
    (:class:`node.activitypub.fetch.FetchError`, a RemoteFailure) when it cannot be fetched.
    """
    actor_id = proofs.controller_of(verification_method)
    if actor_id == verification_method or not actor_id.startswith(("https://", "http://")):
        raise proofs.ProofError(proofs.UNKNOWN_KEY, f"{verification_method!r} is not <actor>#<key>")
    local = await _local_assertion_key(node, actor_id, verification_method)
    if local is not None:
        return local
    assert node.remotes is not None
    for fresh in ((True,) if refresh else (False, True)):
        row = await node.remotes.actor(actor_id, refresh=fresh)
        if row.uri != actor_id or row.gone:
            break
        key = assertion_method(row.document or {}, actor_id, verification_method)
        if key is not None:
            return key
    raise proofs.ProofError(proofs.UNKNOWN_KEY, f"{actor_id} does not list {verification_method} in assertionMethod")


async def verify_proof(node: Node, document: dict, *, purpose: str = proofs.ASSERTION_METHOD) -> tuple[str, dict]:
    """Verify ``document``'s integrity proof with the key its signer publishes.

    Returns (the signer's actor id, the proof). The caller checks that this actor is the
    one the document speaks for (its ``actor`` or ``attributedTo``). When the cached key does
    not verify, the signer's actor is fetched again once (key rotation) before giving up.
    Raises ProofError (its ``kind`` says why) or a fetch error.
    """
    method = proofs.verification_method_of(document)
    key = await assertion_key(node, method)
    try:
        return proofs.controller_of(method), proofs.verify(document, key, purpose=purpose)
    except proofs.ProofError as exc:
        if exc.kind != proofs.BAD_SIGNATURE or proofs.controller_of(method).startswith(node.urls.actor("")):
            raise
    key = await assertion_key(node, method, refresh=True)
    return proofs.controller_of(method), proofs.verify(document, key, purpose=purpose)
