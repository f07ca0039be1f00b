"""The embargo: scheduled drafts are published by the workers when their time comes.

Every worker set (``aan serve`` or ``aan worker``) polls every
``AAN_SCHEDULER_POLL`` seconds (default 1) for drafts whose ``scheduled_for``
has passed and publishes them with :func:`node.services.drafts.publish_due`;
the claim in :func:`node.services.drafts.publish_draft` makes sure only one of
them does. A draft that can no longer be published (it became invalid) goes
back to the drafts with the reason, for the author to see.
"""

from __future__ import annotations

from node.services.drafts import publish_due

__all__ = ["publish_due"]
