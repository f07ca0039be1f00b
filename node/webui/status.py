"""What happened after publishing: deliveries per server, interactions, replies, followers over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from node.storage import jobs
from node.storage.models import (
    Activity,
    Alert,
    Follower,
    FollowerEvent,
    Interaction,
    RemoteActor,
    RemoteObject,
)

if TYPE_CHECKING:
    from node.service import Node


@dataclass
class ServerStatus:
    host: str
    state: str  # delivered | pending | failing | failed
    attempts: int = 0
    last_status: int | None = None
    error: str = ""
    next_try: datetime | None = None
    delivered_at: datetime | None = None
    parked_until: datetime | None = None


@dataclass
class ActivityStatus:
    type: str
    uri: str
    created_at: datetime
    preparing: bool  # the fan-out has not run yet
    servers: list[ServerStatus] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for s in self.servers if s.state == state)


@dataclass
class AlertStatus:
    activities: list[ActivityStatus]
    likes: list[str]
    boosts: list[str]
    replies: list[RemoteObject]
    followers_now: int

    @property
    def create(self) -> ActivityStatus | None:
        return next((a for a in self.activities if a.type == "Create"), None)


def _short(text: str | None, limit: int = 200) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def alert_status(node: Node, alert: Alert) -> AlertStatus:
    uri = node.urls.alert(alert.id)
    rows = await Activity.filter(object_uri=uri).order_by("created_at")
    hosts = await jobs.hosts()
    now = datetime.now(UTC)
    activities = []
    for row in rows:
        preparing = await jobs.fanout_pending(row.id)
        servers = []
        for d in await jobs.deliveries_of(row.id):
            health = hosts.get(d.host)
            if d.status == "done":
                state = "delivered"
            elif d.status == "failed":
                state = "failed"
            elif d.attempts > 0 and (d.last_error or d.last_status):
                state = "failing"
            else:
                state = "pending"
            parked = health.parked_until if health and health.parked_until and health.parked_until > now else None
            servers.append(ServerStatus(host=d.host, state=state, attempts=d.attempts, last_status=d.last_status,
                                        error=_short(d.last_error or (health.last_error if parked else "")),
                                        next_try=d.next_try if state in ("pending", "failing") else None,
                                        delivered_at=d.delivered_at, parked_until=parked))
        activities.append(ActivityStatus(type=row.type, uri=row.uri, created_at=row.created_at,
                                         preparing=preparing, servers=servers))
    interactions = await Interaction.filter(object_uri=uri).order_by("created_at")
    replies = await RemoteObject.filter(in_reply_to=uri, deleted=False).order_by("received_at")
    followers = await Follower.filter(local_actor_id=alert.local_actor_id).count()
    return AlertStatus(
        activities=activities,
        likes=[i.actor_uri for i in interactions if i.kind == "Like"],
        boosts=[i.actor_uri for i in interactions if i.kind == "Announce"],
        replies=replies,
        followers_now=followers,
    )


async def delivery_summary(node: Node, alert_ids: list[str]) -> dict[str, dict[str, int]]:
    """Per alert: servers its Create reached, still pending, failed (for lists and the dashboard)."""
    result = {a: {"delivered": 0, "pending": 0, "failed": 0} for a in alert_ids}
    if not alert_ids:
        return result
    uris = {node.urls.alert(a): a for a in alert_ids}
    creates = {row.id: uris[row.object_uri]
               for row in await Activity.filter(type="Create", object_uri__in=list(uris))}
    for d in await jobs.delivery_states(list(creates)):
        key = {"done": "delivered", "failed": "failed"}.get(d["status"], "pending")
        result[creates[d["activity_id"]]][key] += 1
    return result


async def interaction_counts(node: Node, alert_ids: list[str]) -> dict[str, dict[str, int]]:
    result = {a: {"Like": 0, "Announce": 0, "replies": 0} for a in alert_ids}
    uris = {node.urls.alert(a): a for a in alert_ids}
    if not uris:
        return result
    for i in await Interaction.filter(object_uri__in=list(uris)).values("object_uri", "kind"):
        if i["kind"] in ("Like", "Announce"):
            result[uris[i["object_uri"]]][i["kind"]] += 1
    for r in await RemoteObject.filter(in_reply_to__in=list(uris), deleted=False).values("in_reply_to"):
        result[uris[r["in_reply_to"]]]["replies"] += 1
    return result


@dataclass
class FollowerPoint:
    day: date
    count: int
    follows: int
    unfollows: int


async def followers_over_time(actor_id: int, days: int = 30, *, today: date | None = None) -> list[FollowerPoint]:
    """Followers at the end of each of the last ``days`` days.

    Counted back from today's followers with the recorded follow and unfollow
    events, so the last point is always exact even if events are missing from
    before they were recorded.
    """
    today = today or datetime.now(UTC).date()
    start = today - timedelta(days=days - 1)
    current = await Follower.filter(local_actor_id=actor_id).count()
    since = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    per_day: dict[date, list[int]] = {}
    for event in await FollowerEvent.filter(local_actor_id=actor_id, at__gte=since).values("kind", "at"):
        at = event["at"]
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        bucket = per_day.setdefault(at.astimezone(UTC).date(), [0, 0])
        bucket[0 if event["kind"] == "follow" else 1] += 1
    points: list[FollowerPoint] = []
    count = current
    for offset in range(days):
        day = today - timedelta(days=offset)
        follows, unfollows = per_day.get(day, [0, 0])
        points.append(FollowerPoint(day=day, count=max(count, 0), follows=follows, unfollows=unfollows))
        count -= follows - unfollows
    return list(reversed(points))


async def actor_names(uris: list[str]) -> dict[str, str]:
    """Display names (``@user@host``) for remote actors we know, else the URI."""
    names = {u: u for u in uris}
    if uris:
        for row in await RemoteActor.filter(uri__in=list(set(uris))):
            if row.username and row.domain:
                names[row.uri] = f"@{row.username}@{row.domain}"
    return names
