"""Who this node talks to: follow and unfollow remote actors; followers, following, received, deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from node import errors
from node.activitypub import outbox
from node.activitypub.fetch import FetchError
from node.activitypub.remote import resolve
from node.storage import jobs
from node.storage.models import Delivery, Follower, Following, RemoteActor, RemoteObject

if TYPE_CHECKING:
    from node.service import Node


async def _target(node: Node, handle_or_url: str) -> RemoteActor:
    try:
        return await resolve(node, handle_or_url)
    except FetchError as exc:
        raise errors.RemoteFailure(f"cannot resolve {handle_or_url}: {exc.reason}",
                                   public="the account could not be found") from None


async def follow(node: Node, handle_or_url: str) -> RemoteActor:
    """Resolve ``@user@host`` (or an actor URL) and queue a Follow; raises RemoteFailure if it cannot be found."""
    target = await _target(node, handle_or_url)
    await outbox.send_follow(node.org, node.urls, target)
    node.poke()
    return target


async def unfollow(node: Node, handle_or_url: str) -> RemoteActor:
    """Queue an Undo of our Follow; raises NotFound if we do not follow the actor."""
    target = await _target(node, handle_or_url)
    await outbox.send_undo_follow(node.org, node.urls, target)
    node.poke()
    return target


async def following(node: Node) -> list[Following]:
    """The actors the organisation follows (or asked to), oldest first."""
    return await Following.filter(local_actor=node.org).order_by("created_at")


async def followers(node: Node) -> dict[str, list[Follower]]:
    """The organisation's followers per host (hosts sorted, followers oldest first)."""
    by_host: dict[str, list[Follower]] = {}
    for row in await Follower.filter(local_actor=node.org).order_by("created_at"):
        by_host.setdefault(row.actor_uri.split("/")[2], []).append(row)
    return dict(sorted(by_host.items()))


async def received(node: Node, *, include_deleted: bool = False) -> list[RemoteObject]:
    """Objects received from actors we follow (and replies to our alerts), oldest first."""
    query = RemoteObject.all() if include_deleted else RemoteObject.filter(deleted=False)
    return await query.order_by("received_at")


@dataclass
class HostDeliveries:
    host: str
    deliveries: list[Delivery]
    parked_until: object | None  # datetime when the host is parked


async def deliveries(node: Node, *, failed: bool = False) -> list[HostDeliveries]:
    """Pending (or failed) deliveries per host, hosts sorted, with the activity of each prefetched."""
    statuses = ["failed"] if failed else ["pending", "running"]
    rows = await jobs.deliveries_in(statuses)
    hosts = await jobs.hosts()
    by_host: dict[str, list[Delivery]] = {}
    for row in rows:
        by_host.setdefault(row.host, []).append(row)
    return [HostDeliveries(host, items, hosts[host].parked_until if host in hosts else None)
            for host, items in sorted(by_host.items())]
