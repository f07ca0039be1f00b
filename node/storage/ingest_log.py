"""The ingest log: the last inbound activities this node refused or accepted and ignored.

One row per activity the inbox refused (the status it answered: 400, 401, 403, 413...) or
stored and then ignored (202: not a member, a duplicate, a shape not understood...), with
the same fixed ``reason`` as the metrics (``aan_inbox_rejected{reason,status}``,
``aan_inbox_ignored{reason}``), the activity's id, type and actor, the actor's host and a
short detail. Never the activity's content: an alert can name people at risk, and a
retraction purges nothing from here.

Written through a buffer, so the hot paths stay cheap: :func:`record` only appends to a list
in memory (the inbox endpoint, the inbox worker and the Clearing House's ingest call it, some
of them from synchronous code); :func:`flush` writes what is buffered with one multi-row
INSERT. The inbox writer flushes after its group commit and the inbox worker after each
claimed batch, so an entry is in the table within one batch of the request.

Bounded: the table keeps the last :data:`KEEP` rows (``AAN_INGEST_LOG_KEEP``, default
1000). A process that has written ``KEEP // 10`` rows since its last trim deletes the
older rows with one indexed DELETE, so between trims the table may hold up to that many
more rows per process; :func:`recent` never shows more than asked. The buffer itself holds
at most ``KEEP`` entries (older ones are dropped first if the database cannot keep up).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from urllib.parse import urlsplit

from node.storage import db
from node.storage.jobs import _sql
from node.storage.models import IngestLogEntry

log = logging.getLogger("aan.inbox")

KEEP = 1000
_LIMITS = {"activity_id": 1024, "type": 64, "actor_uri": 1024, "host": 255, "detail": 300, "reason": 64}
_buffer: deque[dict] = deque(maxlen=KEEP)
_since_trim = 0
_held: ContextVar[list[dict] | None] = ContextVar("ingest_log_held", default=None)


def configure(*, keep: int) -> None:
    """Take the log's size (``AAN_INGEST_LOG_KEEP``; called once at start: storage reads no environment)."""
    global KEEP, _buffer
    KEEP = max(1, int(keep))
    if _buffer.maxlen != KEEP:
        _buffer = deque(_buffer, maxlen=KEEP)


def host_of(uri: str | None) -> str:
    try:
        return (urlsplit(uri).hostname or "") if uri else ""
    except ValueError:
        return ""


def record(*, status: int, reason: str, activity_id: str | None = None, type: str | None = None,
           actor: str | None = None, host: str | None = None, detail: str = "") -> None:
    """Buffer one entry (written by the next :func:`flush`). No I/O: safe on any hot path."""
    entry = {"at": datetime.now(UTC), "status": int(status), "reason": reason,
             "activity_id": activity_id or "", "type": type or "", "actor_uri": actor or "",
             "host": host if host is not None else host_of(actor), "detail": detail}
    for key, limit in _LIMITS.items():
        value = entry[key]
        if not isinstance(value, str):
            value = str(value)
        entry[key] = value if len(value) <= limit else value[: limit - 1] + "…"
    aside = _held.get()
    (aside if aside is not None else _buffer).append(entry)


@contextmanager
def held() -> Iterator[None]:
    """Entries recorded inside (by this task) are buffered only if the block ends without an error.

    For work that is undone and done again on failure (a batch of Creates rolled back, then
    processed one by one): its entries are not logged twice.
    """
    token = _held.set([])
    try:
        yield
        entries = _held.get() or []
    finally:
        _held.reset(token)
    _buffer.extend(entries)


def pending() -> int:
    """How many entries wait for :func:`flush`."""
    return len(_buffer)


async def flush() -> int:
    """Write the buffered entries (one INSERT) and trim the table when due; return how many.

    Best effort: a database error is logged and the entries are dropped (the metrics still
    counted them), so a caller's own work never fails because of its log.
    """
    global _since_trim
    if not _buffer:
        return 0
    async with _writing():  # one flush at a time: rows get their ids in the order they were recorded
        entries = list(_buffer)
        _buffer.clear()
        if not entries:
            return 0
        try:
            await IngestLogEntry.bulk_create([IngestLogEntry(**entry) for entry in entries])
            _since_trim += len(entries)
            if _since_trim >= max(1, KEEP // 10):
                await trim()
        except Exception:  # noqa: BLE001 - the log must never break the inbox
            log.warning("could not write %d ingest log entries", len(entries), exc_info=True)
            return 0
        return len(entries)


_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = weakref.WeakKeyDictionary()


def _writing() -> asyncio.Lock:
    """The flush lock of the running event loop. The inbox writer and the inbox worker both
    flush; unserialised, the later flush's INSERT could take its ids first on PostgreSQL's pool
    (seen under load), and the log's order (by id) would no longer be the order of events."""
    loop = asyncio.get_running_loop()
    lock = _locks.get(loop)
    if lock is None:
        lock = _locks[loop] = asyncio.Lock()
    return lock


async def trim(keep: int | None = None) -> None:
    """Delete all but the newest ``keep`` (default :data:`KEEP`) rows: one indexed DELETE."""
    global _since_trim
    keep = KEEP if keep is None else keep
    sql = "DELETE FROM ingest_log WHERE id <= (SELECT id FROM ingest_log ORDER BY id DESC LIMIT 1 OFFSET ?)"
    await db.conn().execute_query(_sql(sql), [keep])
    _since_trim = 0


async def recent(*, limit: int = 50, reason: str | None = None, status: int | None = None) -> list[IngestLogEntry]:
    """The newest ``limit`` entries (of ``reason``, of ``status``), newest first."""
    query = IngestLogEntry.all()
    if reason:
        query = query.filter(reason=reason)
    if status is not None:
        query = query.filter(status=status)
    return await query.order_by("-id").limit(limit)


async def count() -> int:
    return await IngestLogEntry.all().count()
