"""What the inbox refused or ignored: the last entries of the ingest log (``aan ingest log``).

The entries are written by the inbox and its worker (:mod:`node.storage.ingest_log`), on
every role; this is how staff read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from node import errors
from node.storage import ingest_log
from node.storage.models import IngestLogEntry

if TYPE_CHECKING:
    from node.service import Node


def record(row: IngestLogEntry) -> dict:
    """One entry as plain values (the JSON Lines of ``aan ingest log --json``)."""
    return {"at": row.at.isoformat(), "status": row.status, "reason": row.reason, "type": row.type,
            "actor": row.actor_uri, "host": row.host, "activity": row.activity_id, "detail": row.detail}


async def recent(node: Node, *, limit: int = 50, reason: str | None = None) -> list[IngestLogEntry]:
    """The last ``limit`` refused or ignored activities (of ``reason``), oldest first.

    Raises :class:`~node.errors.Invalid` for a ``limit`` below 1 or above what the log keeps.
    """
    if not 1 <= limit <= ingest_log.KEEP:
        raise errors.Invalid(f"--limit must be between 1 and {ingest_log.KEEP} (the entries kept; "
                             "AAN_INGEST_LOG_KEEP)", fields={"limit": f"between 1 and {ingest_log.KEEP}"})
    await ingest_log.flush()  # this process's own entries, if any
    rows = await ingest_log.recent(limit=limit, reason=(reason or "").strip() or None)
    return rows[::-1]
