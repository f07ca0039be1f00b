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
