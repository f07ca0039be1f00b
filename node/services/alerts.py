"""Publishing alerts: publish, update, delete, pin, list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from node import errors
from node.activitypub import outbox
from node.alerts import Alert, earliest_day
from node.storage import models

if TYPE_CHECKING:
    from node.service import Node

DUPLICATE_WINDOW_DAYS = 7


async def find_duplicate(alert: Alert) -> models.Alert | None:
    """A live alert of ours with the same headline, a shared target and an incident date within a week."""
    names = {target.name.casefold() for target in alert.targets}
    day = earliest_day(alert.incident_date)
    for row in await models.Alert.filter(deleted_at=None, headline=alert.headline).order_by("-published"):
        other = row.data if isinstance(row.data, dict) else {}
        other_names = {str(t.get("name", "")).casefold() for t in other.get("targets") or [] if isinstance(t, dict)}
        if names != other_names and not names & other_names:
            continue
        other_day = earliest_day(str(other.get("incident_date", "")))
        if day and other_day and abs((day - other_day).days) <= DUPLICATE_WINDOW_DAYS:
            return row
    return None


async def publish(node: Node, alert: Alert, *, force: bool = False) -> models.Alert:
    """Publish ``alert`` as the organisation; refuses (Conflict) what looks like a duplicate unless ``force``."""
    if not force:
        same = await find_duplicate(alert)
        if same is not None:
            raise errors.Conflict(
                f"{node.urls.alert(same.id)} has the same headline, target and incident date within a week "
                "(pass --force to publish anyway)", public="this alert looks like one already published")
    row = await outbox.publish_alert(node.org, node.urls, alert)
    node.poke()
    return row


async def update(node: Node, id_or_url: str, alert: Alert) -> models.Alert:
    """Replace the alert (its id or URL) with ``alert`` and queue an Update; its images stay."""
    row = await outbox.update_alert(node.urls, outbox.alert_id_from(node.urls, id_or_url), alert)
    node.poke()
    return row


async def delete(node: Node, id_or_url: str) -> models.Alert:
    """Delete the alert (sends Delete), its images and any unfinished edit of it."""
    # the Delete goes out; the row keeps a tombstone; its drafts, images and stored texts go (issue 8)
    row = await outbox.delete_alert(node.urls, outbox.alert_id_from(node.urls, id_or_url),
                                    data_dir=node.config.data_dir)
    node.poke()
    return row


async def pin(node: Node, id_or_url: str, pinned: bool = True) -> models.Alert:
    """Feature the alert on the profile (or stop featuring it); followers get Update(actor)."""
    row = await outbox.set_featured(node.urls, outbox.alert_id_from(node.urls, id_or_url), pinned)
    node.poke()
    return row


async def unpin(node: Node, id_or_url: str) -> models.Alert:
    return await pin(node, id_or_url, False)


def state(row: models.Alert) -> str:
    """``deleted``, ``updated`` or ``published``."""
    return "deleted" if row.deleted_at else ("updated" if row.updated else "published")


async def list_alerts(node: Node) -> list[models.Alert]:
    """Every alert of ours, deleted ones too, newest first."""
    return await models.Alert.all().order_by("-published", "-id")


MODERATION = ("pending", "approved", "rejected")


async def moderate_reply(node: Node, reply_id: int, decision: str) -> models.RemoteObject:
    """Approve, reject or reset a reply to one of our alerts (approved replies show under the alert).

    Raises NotFound for anything that is not a reply to one of our alerts, Invalid for another decision.
    """
    if decision not in MODERATION:
        raise errors.Invalid(f"unknown moderation decision {decision!r}", fields={"decision": "unknown decision"})
    row = await models.RemoteObject.filter(id=reply_id).first()
    if row is None or not (row.in_reply_to or "").startswith(node.urls.base + "/alerts/"):
        raise errors.NotFound(f"no reply {reply_id} to one of our alerts")
    row.moderation = decision
    await row.save(update_fields=["moderation"])
    return row
