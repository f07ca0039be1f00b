"""The running node: configuration, database, local actors with loaded keys, HTTP clients.

One :class:`Node` is opened by ``aan serve``, ``aan worker`` and every command
that needs the network; it is passed to whatever needs it (no globals beyond
tortoise's connection registry).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from node import errors
from node.activitypub import netguard, proofs
from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.fetch import Fetcher
from node.activitypub.keys import generate_private_key, load_private_key, private_key_to_pem, public_key_pem
from node.activitypub.registry import Registry
from node.activitypub.remote import RemoteActors
from node.config import NodeConfig, Settings
from node.ops.blocks import DomainPolicy
from node.storage import db, ingest_log, jobs
from node.storage.models import LocalActor

if TYPE_CHECKING:
    import httpx


class Node:
    def __init__(self, config: NodeConfig, *, http: httpx.AsyncClient | None = None,
                 settings: Settings | None = None):
        self.config = config
        # Read once by the entry point and handed down; a node made without them (tests, tools)
        # reads the environment here, once.
        self.settings = settings if settings is not None else Settings.from_environ(data_dir=config.data_dir)
        self.urls = config.urls
        self._own_http = http is None
        self._http = http  # made by the first fetch (see http): an idle node does not import httpx
        self.actors: dict[str, LocalActor] = {}
        self.keys: dict[str, object] = {}
        self.assertion_keys: dict[str, proofs.Ed25519PrivateKey] = {}  # FEP-521a keys, for integrity proofs
        self._wakers: list[asyncio.Event] = []
        self.fetcher: Fetcher | None = None
        self.remotes: RemoteActors | None = None
        self.blocks = DomainPolicy(own=self.urls.domain)  # loaded in open(), kept current by node.ops.runtime
        self.registry = Registry()  # what the node's role plugs into the protocol (node.activitypub.registry)

    @property
    def http(self) -> httpx.AsyncClient:
        """The client for fetches (httpx), made on first use.

        Every outgoing httpx request resolves its host once, inside the client, and connects
        only to an address that passed the check (node.activitypub.netguard).
        """
        if self._http is None:
            import httpx

            self._http = netguard.http_client(insecure=self.config.insecure_http,
                                              headers={"User-Agent": f"aan/{_version()} (+{self.urls.base})"},
                                              limits=httpx.Limits(max_connections=20))
        return self._http

    @property
    def insecure(self) -> bool:
        return self.config.insecure_http

    @property
    def org(self) -> LocalActor:
        return self.actors[self.config.username]

    async def open(self, *, pool_max: int = 10) -> Node:
        jobs.configure(lease=self.settings.queue_lease)
        ingest_log.configure(keep=self.settings.ingest_log_keep)
        await db.init(self.config.database_url, pool_max=pool_max)
        await ensure_assertion_keys()
        await self.load_actors()
        await self.blocks.load()
        self.fetcher = Fetcher(lambda: self.http, key_id=self.urls.instance_key_id,
                               private_key=self.keys[INSTANCE_USERNAME], insecure=self.insecure,
                               blocks=self.blocks)
        self.remotes = RemoteActors(self.fetcher)
        return self

    async def load_actors(self) -> None:
        for actor in await LocalActor.all():
            self.remember_actor(actor)

    def remember_actor(self, actor: LocalActor) -> None:
        if actor.username not in self.actors:
            self.actors[actor.username] = actor
            self.keys[actor.username] = load_private_key(actor.private_key_pem)
            if actor.ed25519_private_key_pem:
                self.assertion_keys[actor.username] = proofs.load_private_key(actor.ed25519_private_key_pem)

    async def local_actor(self, username: str) -> LocalActor | None:
        """One of our actors, also when another process created it since we started."""
        if username not in self.actors:
            actor = await LocalActor.filter(username=username).first()
            if actor is None:
                return None
            self.remember_actor(actor)
        return self.actors[username]

    async def assertion_key(self, username: str) -> tuple[str, proofs.Ed25519PrivateKey]:
        """(verification method, Ed25519 private key) that ``username`` signs integrity proofs with.

        An actor made by an older release gets its key here if the node's start has not given it one.
        """
        actor = await self.local_actor(username)
        if actor is None:
            raise errors.NotFound(f"no local actor {username!r}")
        if username not in self.assertion_keys:
            await ensure_assertion_keys()
            row = await LocalActor.get(username=username)
            actor.ed25519_private_key_pem, actor.ed25519_public_key = row.ed25519_private_key_pem, row.ed25519_public_key
            self.assertion_keys[username] = proofs.load_private_key(row.ed25519_private_key_pem or "")
        return proofs.key_id(self.urls.actor(username)), self.assertion_keys[username]

    def key_id(self, username: str) -> str:
        return self.urls.instance_key_id if username == INSTANCE_USERNAME else self.urls.key_id(username)

    def waker(self) -> asyncio.Event:
        """An event set whenever new work is queued in this process."""
        event = asyncio.Event()
        self._wakers.append(event)
        return event

    def poke(self) -> None:
        """Wake the in-process workers: new work was queued."""
        for event in self._wakers:
            event.set()

    async def close(self) -> None:
        if self._own_http and self._http is not None:
            await self._http.aclose()
            self._http = None
        if ingest_log.pending():
            await ingest_log.flush()  # what this process ignored last is not lost
        await db.close()


def _version() -> str:
    from node import __version__

    return __version__


def new_assertion_key() -> dict[str, str]:
    """A fresh Ed25519 key pair as the columns of :class:`LocalActor` hold it."""
    key = proofs.generate_private_key()
    return {"ed25519_private_key_pem": proofs.private_key_to_pem(key),
            "ed25519_public_key": proofs.encode_multikey(key.public_key())}


async def create_local_actor(username: str, name: str, kind: str, summary: str = "") -> LocalActor:
    key = generate_private_key()
    return await LocalActor.create(
        username=username, name=name, kind=kind, summary=summary,
        private_key_pem=private_key_to_pem(key), public_key_pem=public_key_pem(key),
        created_at=datetime.now(UTC), **new_assertion_key(),
    )


async def ensure_assertion_keys() -> list[str]:
    """Give every local actor that has none (made by a release before integrity proofs) an Ed25519 key.

    Idempotent, and safe with several processes starting at once: a key is written only where the
    column is still empty, so the first writer wins and the others keep its key. Returns the
    usernames that got a key from this call.
    """
    given = []
    for actor in await LocalActor.filter(ed25519_private_key_pem__isnull=True).only("id", "username"):
        updated = await LocalActor.filter(id=actor.id, ed25519_private_key_pem__isnull=True).update(
            **new_assertion_key())
        if updated:
            given.append(actor.username)
    return given
