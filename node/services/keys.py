"""Signing keys: show each actor's keyId and fingerprint, rotate a key.

Rotation replaces both of an actor's keys: the RSA key of HTTP signatures and the Ed25519
key of integrity proofs (FEP-521a ``#ed25519-key``, same id, new ``publicKeyMultibase``).
Proofs made with the old Ed25519 key no longer verify against the published key: that is
what rotation after a compromise must do, and it is how a signature is repudiated (FEP-8b32).

``aan keys show|rotate`` calls these. Following interop-mastodon.md 3.9, rotation keeps
the keyId URL (``…/actors/NAME#main-key``) and changes only the PEM; the ``Update`` of
the actor (with the new ``publicKey``) tells followers' servers at once. A server that
cached the old key fails to verify our next request, refetches the actor once, finds the
new key and verifies; Mastodon treats an unchanged keyId as the same key, so nobody has to
re-follow. Other processes load the new key within :data:`node.ops.runtime.REFRESH`
seconds (rotation bumps the setting ``actors_version``, see :mod:`node.ops.keys`); the
``Update`` is queued to leave only after that, so it is signed with the new key.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from tortoise.transactions import in_transaction

from node import errors
from node.activitypub import outbox
from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.keys import generate_private_key, private_key_to_pem, public_key_pem
from node.activitypub.proofs import key_id
from node.service import new_assertion_key
from node.storage import jobs
from node.storage.models import Activity, Follower, LocalActor
from node.storage.settings import bump

if TYPE_CHECKING:
    from node.service import Node

VERSION_KEY = "actors_version"


def fingerprint(public_pem: str) -> str:
    """SHA-256 of the DER public key, as shown by ``aan keys rotate``."""
    key = serialization.load_pem_public_key(public_pem.encode())
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "SHA256:" + hashlib.sha256(der).hexdigest()


async def bump_actors_version(conn=None) -> None:
    """Tell every process to reload our actors (profile or key changed)."""
    await bump(VERSION_KEY, conn=conn)


async def show(node: Node) -> list[tuple[str, str]]:
    """(keyId, fingerprint) of each of our actors, by username."""
    return [(node.key_id(username), fingerprint(node.actors[username].public_key_pem)) for username in sorted(node.actors)]


async def show_assertion_keys(node: Node) -> list[tuple[str, str]]:
    """(verification method, publicKeyMultibase) of the Ed25519 key each of our actors publishes, by username
    (the instance actor publishes none)."""
    rows = await LocalActor.filter(ed25519_public_key__isnull=False).exclude(username=INSTANCE_USERNAME) \
        .order_by("username")
    return [(key_id(node.urls.actor(row.username)), row.ed25519_public_key or "") for row in rows]


async def rotate(node: Node, username: str, *, delay: float) -> tuple[LocalActor, str, int]:
    """Replace ``username``'s key; queue ``Update(actor)`` ``delay`` seconds from now.

    Returns (actor, old fingerprint, followers told). The instance actor has no
    followers: remote servers pick its new key up on their next failed check.
    """
    actor = await LocalActor.filter(username=username).first()
    if actor is None:
        raise errors.NotFound(f"no local actor {username!r}")
    old = fingerprint(actor.public_key_pem)
    key = generate_private_key()
    told = 0
    assertion = new_assertion_key()
    async with in_transaction() as conn:
        actor.private_key_pem = private_key_to_pem(key)
        actor.public_key_pem = public_key_pem(key)
        actor.ed25519_private_key_pem = assertion["ed25519_private_key_pem"]
        actor.ed25519_public_key = assertion["ed25519_public_key"]
        await actor.save(using_db=conn, update_fields=["private_key_pem", "public_key_pem",
                                                       "ed25519_private_key_pem", "ed25519_public_key"])
        await bump_actors_version(conn)
    node.actors.pop(username, None)
    node.keys.pop(username, None)
    node.assertion_keys.pop(username, None)
    reloaded = await node.local_actor(username)
    if reloaded is None:
        raise errors.NotFound(f"no local actor {username!r}")
    actor = reloaded
    if username != INSTANCE_USERNAME:
        await outbox.send_actor_update(actor, node.urls, clearinghouse=node.config.role == "clearinghouse")
        latest = await Activity.filter(actor=actor, type="Update").order_by("-created_at", "-id").first()
        await jobs.delay_fanout(latest.id if latest else None, jobs.now() + timedelta(seconds=delay))
        told = await Follower.filter(local_actor=actor).count()
    return actor, old, told
