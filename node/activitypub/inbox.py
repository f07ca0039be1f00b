"""POST inbox: cheap ordered checks, a durable row, then 202.

Order (each step answers its own 4xx and stores nothing):
size limit (413) -> upload deadline (408) -> content type (415) -> JSON depth
(400) -> parse (400) -> shape (400) -> actor's domain blocked or not allowed
(403, node.ops.blocks) -> signature structure, Date window and
digest (401) -> key lookup, refetched once on failure (401) -> key owner ==
actor (401) -> object on the actor's host (400) -> stored (group commit) -> 202.

All side effects happen later in the inbox worker (:mod:`node.activitypub.handlers`).
Every refusal is counted (``aan_inbox_rejected{reason,status}``) and written to the ingest
log (:mod:`node.storage.ingest_log`, ``aan ingest log``) with the same reason, as is an
activity id received again (202, ``duplicate``); the log is written by the inbox writer,
after its group commit, never by the request.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from node.activitypub.fetch import FetchError
from node.activitypub.normalize import ids, single_id, types
from node.activitypub.remote import get_id
from node.activitypub.signatures import SignatureError, parse_request
from node.ops import metrics
from node.storage import ingest_log, jobs

if TYPE_CHECKING:
    from node.service import Node

log = logging.getLogger("aan.inbox")

MAX_BODY = 1_000_000
MAX_DEPTH = 32
CONTENT_TYPES = ("application/activity+json", "application/ld+json", "application/json")
KEY_FETCH_FAILED = "cannot fetch the key"
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class Rejected(Exception):
    """An inbox request refused with ``status``.

    ``reason`` is what the sender is told: a short fixed text, never an address or an
    exception text. ``detail`` (default: ``reason``) goes to the log only.
    """

    def __init__(self, status: int, reason: str, *, detail: str | None = None, label: str = "other"):
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.detail = detail or reason
        self.label = label  # the metric label (node.ops.metrics.INBOX_REJECTED): set here, not read from the text


def json_depth_ok(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether nesting stays within ``limit``, checked before parsing."""
    if body.count(b"{") + body.count(b"[") <= limit:
        return True
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            if depth > limit:
                return False
        elif token in (b"}", b"]"):
            depth -= 1
    return True


async def read_body(request: Request, deadline: float) -> bytes:
    """The request body, at most MAX_BODY bytes, all within ``deadline`` seconds (``AAN_UPLOAD_DEADLINE``)."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise Rejected(400, "invalid Content-Length", label="malformed")
        if int(length) > MAX_BODY:
            raise Rejected(413, "body larger than 1 MB", label="too_large")
    body = bytearray()
    try:
        async with asyncio.timeout(deadline):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    raise Rejected(413, "body larger than 1 MB", label="too_large")
    except TimeoutError:
        raise Rejected(408, "upload not finished within the deadline", label="timeout") from None
    return bytes(body)


def parse_activity(request: Request, body: bytes) -> dict:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype not in CONTENT_TYPES:
        raise Rejected(415, f"unsupported content type {ctype!r}", label="content_type")
    if not json_depth_ok(body):
        raise Rejected(400, f"JSON nested deeper than {MAX_DEPTH}", label="malformed")
    try:
        activity = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Rejected(400, "malformed JSON", detail=f"malformed JSON: {exc}", label="malformed") from None
    if not isinstance(activity, dict):
        raise Rejected(400, "activity is not a JSON object", label="malformed")
    # ``type`` may be a list of terms; ``actor`` a list or an embedded object, naming one actor.
    readable = {"id": isinstance(activity.get("id"), str), "type": bool(types(activity.get("type"))),
                "actor": single_id(activity.get("actor")) is not None}
    for field, ok in readable.items():
        if not ok:
            raise Rejected(400, f"activity has no valid '{field}'", label="malformed")
    return activity


def request_url(request: Request, scheme: str) -> str:
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    host = request.headers.get("host", "")
    url = f"{scheme}://{host}{raw_path.decode('latin-1')}"
    return f"{url}?{query.decode('latin-1')}" if query else url


async def authenticate(node: Node, request: Request, body: bytes, activity: dict) -> str:
    """Verify the HTTP signature; return the signing actor's URI (== activity actor)."""
    try:
        signed = parse_request(request.method, request_url(request, node.urls.scheme),
                               request.headers, body)
    except SignatureError as exc:
        raise Rejected(401, exc.public, detail=exc.detail, label="signature") from None
    try:
        owner, key = await node.remotes.key(signed.key_id)
        if not signed.verify(key):
            owner, key = await node.remotes.key(signed.key_id, refresh=True)
            if not signed.verify(key):
                raise Rejected(401, "signature does not verify", label="signature")
    except FetchError as exc:
        # What our resolver and network saw (a refused address, a connection error) stays in the log.
        raise Rejected(401, KEY_FETCH_FAILED, detail=f"cannot fetch key {signed.key_id}: {exc.detail}",
                       label="key_fetch") from None
    except ValueError as exc:  # the key document's PEM (node.activitypub.keys.load_public_key)
        raise Rejected(401, "cannot use the key", detail=f"cannot use key {signed.key_id}: {exc}",
                       label="key_fetch") from None
    actor = get_id(activity.get("actor"))
    if owner != actor:
        raise Rejected(401, "key owner is not the activity actor",
                       detail=f"key owner {owner} is not the activity actor {actor}", label="actor_mismatch")
    if types(activity.get("type")) & {"Create", "Update", "Delete"}:
        for object_id in ids(activity.get("object")):
            if urlsplit(object_id).netloc.lower() != urlsplit(actor).netloc.lower():
                raise Rejected(400, "object id is not on the actor's host", label="foreign_object")
    if urlsplit(activity["id"]).netloc.lower() != urlsplit(actor).netloc.lower():
        raise Rejected(400, "activity id is not on the actor's host", label="foreign_object")
    return owner


class InboxWriter:
    """Group commit: requests waiting to be stored share one transaction."""

    def __init__(self, node: Node, *, max_batch: int = 512):
        self.node = node
        self.max_batch = max_batch
        self._pending: list[tuple[tuple[str, str, str], asyncio.Future[bool]]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="inbox-writer")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    async def store(self, activity_id: str, actor: str, body: str) -> bool:
        """Store one activity with the others waiting; False if its id was already stored."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append(((activity_id, actor, body), future))
        self._wake.set()
        return await future

    def wake(self) -> None:
        """Write the ingest log's buffered entries soon (:mod:`node.storage.ingest_log`)."""
        self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                batch, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
                try:
                    stored = await jobs.insert_inbox_items([item for item, _ in batch])
                except Exception as exc:  # noqa: BLE001 - every waiter must hear of it
                    log.exception("storing %d inbox items failed", len(batch))
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (activity_id, _, _), future in batch:
                    if not future.done():
                        future.set_result(activity_id in stored)
                        stored.discard(activity_id)  # a second copy in the same batch is a duplicate
                self.node.poke()
            if ingest_log.pending():
                await ingest_log.flush()


def check_domain(node: Node, activity: dict) -> None:
    """403 for an actor on a blocked domain, or not on the allow-list (node.ops.blocks)."""
    policy = getattr(node, "blocks", None)
    reason = policy.reason(get_id(activity.get("actor"))) if policy else None
    if reason:
        raise Rejected(403, reason, label="blocked")


async def inbox_endpoint(request: Request) -> Response:
    node = request.app.state.node
    activity = None
    try:
        body = await read_body(request, node.settings.upload_deadline)
        activity = parse_activity(request, body)
        check_domain(node, activity)
        actor = await authenticate(node, request, body, activity)
    except Rejected as exc:
        metrics.INBOX_REJECTED.labels(exc.label, str(exc.status)).inc()
        log.info("inbox rejected %s: %s", exc.status, exc.detail,
                 extra={"activity": activity.get("id") if activity else None})
        _log_entry(request, exc.status, exc.label, activity, exc.detail)
        return JSONResponse({"error": exc.reason}, status_code=exc.status)
    writer = request.app.state.inbox_writer
    if not await writer.store(activity["id"], actor, body.decode()):
        metrics.INBOX_IGNORED.labels("duplicate").inc()
        log.info("ignored (duplicate): activity %s already received", activity["id"])
        _log_entry(request, 202, "duplicate", activity, "activity id already received")
    metrics.INBOX_ACCEPTED.inc()
    return Response(status_code=202)


_KEY_ID = re.compile(r'keyid\s*=\s*"([^"]*)"', re.IGNORECASE)


def _log_entry(request: Request, status: int, reason: str, activity: dict | None, detail: str) -> None:
    """Buffer an ingest log entry (:mod:`node.storage.ingest_log`) and have the writer flush it.

    What identifies the activity (id, type, actor) and the reason, never its content. When
    the body could not be read, the host is the one of the (unverified) signature's keyId.
    """
    activity = activity or {}
    activity_id = activity.get("id") if isinstance(activity.get("id"), str) else None
    actor = single_id(activity.get("actor"))
    host = None
    if actor is None:
        found = _KEY_ID.search(request.headers.get("signature", "") or request.headers.get("signature-input", ""))
        host = ingest_log.host_of(found.group(1)) if found else ""
    ingest_log.record(status=status, reason=reason, activity_id=activity_id,
                      type=",".join(sorted(types(activity.get("type")))), actor=actor, host=host, detail=detail)
    writer = getattr(request.app.state, "inbox_writer", None)
    if writer is not None:
        writer.wake()
