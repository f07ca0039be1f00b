"""Editorial mode: incoming alerts are held until an editor approves (then placed and boosted)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import errors
from node.clearinghouse.ingest import place_and_boost
from node.storage.models import IndexedAlert

if TYPE_CHECKING:
    from node.service import Node


class ReviewError(errors.NotFound):
    """No such held alert."""


async def held() -> list[IndexedAlert]:
    return await IndexedAlert.filter(review="held", deleted=False).order_by("received_at")


async def decide(node: Node, uri: str, *, approve: bool) -> IndexedAlert:
    row = await IndexedAlert.filter(uri=uri, review="held", deleted=False).first()
    if row is None:
        raise ReviewError(f"no alert held for review with id {uri!r}")
    async with in_transaction():
        row.review = "approved" if approve else "rejected"
        if approve:
            await place_and_boost(node, row)
        else:
            await row.save()
    node.poke()
    return row
