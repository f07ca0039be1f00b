"""The embargo: scheduled drafts are published by the workers when their time comes.

Every worker set (``aan serve`` or ``aan worker``) polls every
``AAN_SCHEDULER_POLL`` seconds (default 1) for drafts whose ``scheduled_for``
has passed and publishes them; the claim in
:func:`node.webui.publishing.publish_draft` makes sure only one of them does.
A draft that can no longer be published (it became invalid) goes back to the
drafts with the reason, for the author to see.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from node.alerts import AlertError
from node.storage.models import Draft
from node.webui.publishing import PublishError, publish_draft

log = logging.getLogger("aan.scheduler")


async def publish_due(node, *, now: datetime | None = None) -> int:
    """Publish every scheduled draft that is due; returns how many were published."""
    now = now or datetime.now(UTC)
    due = await Draft.filter(state="scheduled", scheduled_for__lte=now).order_by("scheduled_for").limit(20)
    published = 0
    for draft in due:
        try:
            row = await publish_draft(node, draft.id, from_states=("scheduled",))
        except (AlertError, PublishError) as exc:
            log.warning("scheduled draft %s not published: %s", draft.id, exc)
            data = dict(draft.data or {})
            data["schedule_error"] = str(exc)
            await Draft.filter(id=draft.id, state="scheduled").update(state="draft", data=data)
            continue
        published += 1
        log.info("published scheduled draft %s as %s", draft.id, node.urls.alert(row.id))
    return published
