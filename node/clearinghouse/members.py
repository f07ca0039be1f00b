"""Membership: the Clearing House follows each member; the member's Accept makes it active.

Adding, removing and listing members are use cases (:mod:`node.services.members`);
what is left here is the role's part: the member's answer, as the inbox receives it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from node.storage.models import Member


async def on_answer(actor_uri: str, *, accepted: bool) -> None:
    """The member answered our Follow."""
    values = {"state": "active", "accepted_at": datetime.now(UTC)} if accepted else {"state": "rejected"}
    await Member.filter(actor_uri=actor_uri).exclude(state="removed").update(**values)
