"""The Announces of the Clearing House actor and its topic actors, for their outboxes and NodeInfo.

Registered with the protocol by :func:`node.clearinghouse.install`: ``/actors/<name>/outbox``
of each of our actors lists its Announces newest first beside any alert it wrote itself; an
Announce that was undone (its :class:`~node.storage.models.Boost` is ``undone``, after the
member deleted the alert) is gone from it. The Announce is served as it was delivered.
"""

from __future__ import annotations

import orjson
from tortoise.expressions import Subquery

from node.storage.models import Activity, Boost


def _announces(actor=None):
    undone = Subquery(Boost.filter(undone=True).values("activity_id"))
    query = Activity.filter(type="Announce").exclude(id__in=undone)
    return query.filter(actor=actor) if actor is not None else query


async def outbox_items(node, actor, offset: int, limit: int):
    """(number of live Announces by ``actor``, the ``limit`` newest after ``offset`` as (time, activity))."""
    query = _announces(actor)
    total = await query.count()
    if not limit or not total:
        return total, []
    items = []
    for row in await query.order_by("-created_at", "-id").offset(offset).limit(limit):
        activity = orjson.loads(row.body)
        activity.pop("@context", None)
        items.append((row.created_at, activity))
    return total, items


async def count(node) -> int:
    """Live Announces by all our actors (NodeInfo ``metadata.announces``, also in ``localPosts``)."""
    return await _announces().count()
