"""Members of a Clearing House: add (follow), remove (unfollow), find, list.

``aan member ...`` calls these. The member's answer to our Follow (Accept or Reject)
is the role's (:func:`node.clearinghouse.members.on_answer`, called by the inbox).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from node import errors
from node.activitypub import outbox
from node.activitypub.fetch import FetchError
from node.activitypub.remote import resolve
from node.storage import jobs
from node.storage.models import Following, IndexedAlert, Member

if TYPE_CHECKING:
    from node.service import Node


class MemberError(errors.NotFound):
    """No such member."""


async def add(node: Node, handle_or_url: str) -> Member:
    """Resolve the member's actor, record it (pending) and send a Follow."""
    try:
        remote = await resolve(node, handle_or_url)
    except FetchError as exc:
        raise errors.RemoteFailure(f"cannot resolve {handle_or_url}: {exc.reason}",
                                   public="the member could not be resolved") from None
    handle = f"@{remote.username}@{remote.domain}" if remote.username else remote.uri
    member, _ = await Member.update_or_create(
        defaults={"handle": handle, "name": remote.name or remote.username, "state": "pending"},
        actor_uri=remote.uri,
    )
    await outbox.send_follow(node.org, node.urls, remote)
    node.poke()
    return member


async def remove(node: Node, handle_or_url: str) -> Member:
    """Unfollow the member (if we follow it) and stop boosting it; its indexed alerts stay."""
    member = await find(handle_or_url)
    assert node.remotes is not None  # set by Node.open()
    remote = await node.remotes.actor(member.actor_uri)
    if await Following.filter(local_actor=node.org, target_uri=member.actor_uri).exists():
        await outbox.send_undo_follow(node.org, node.urls, remote)
        node.poke()
    member.state = "removed"
    await member.save()
    return member


async def find(handle_or_url: str) -> Member:
    text = handle_or_url if handle_or_url.startswith("http") else "@" + handle_or_url.lstrip("@")
    member = await Member.filter(actor_uri=text).first() or await Member.filter(handle=text).first()
    if member is None:
        raise MemberError(f"no member {handle_or_url!r}")
    return member


async def listing() -> list[dict]:
    """Each member with its state (pending, active, unreachable, removed, rejected) and alert count."""
    now = datetime.now(UTC)
    rows = []
    for member in await Member.all().order_by("added_at"):
        host = member.actor_uri.split("/")[2]
        health = await jobs.host(host)
        failing = await jobs.host_has_failed_deliveries(host)
        state = member.state
        if state in ("active", "pending") and health and (
                (health.parked_until and health.parked_until > now) or (failing and health.consecutive_failures)):
            state = "unreachable"
        count = await IndexedAlert.filter(member=member, deleted=False).count()
        rows.append({"handle": member.handle, "actor": member.actor_uri, "name": member.name,
                     "state": state, "alerts": count})
    return rows
