"""The Clearing House role: members, ingest and boosts, cases, topic actors.

The protocol does not know this role: :func:`install` registers what a Clearing House
does with the node's :class:`~node.activitypub.registry.Registry` at start-up (the entry
points call it when ``config.role == "clearinghouse"``):

* Create, Update and Delete of members' alerts go to :mod:`ingest` (indexed, placed in
  cases, boosted; consecutive Creates in batches); a member's boosts are not kept;
* a member's Accept or Reject of our Follow makes it active or rejected (:mod:`members`);
* topic actors (``@tr``, ``@detention``) exist on first lookup (:mod:`topics`);
* the Clearing House actor's ``audience`` collection (:mod:`audience`);
* the Announces of the Clearing House and topic actors in their outboxes and in NodeInfo (:mod:`outbox`);
* a member's ``network`` invitation to a joint action is forwarded to every active member (:mod:`joint`).
"""

from __future__ import annotations

ROLE = "clearinghouse"


async def _keep_no_boosts(node, activity: dict) -> None:
    """A Clearing House follows members to index their alerts, not to keep what they boost."""


async def _member_answered(node, actor_uri: str, accepted: bool) -> None:
    from node.clearinghouse import members

    await members.on_answer(actor_uri, accepted=accepted)


def install(registry) -> None:
    """Register the Clearing House's inbox handlers, actors and collections (once per registry)."""
    if ROLE in registry.roles:
        return
    from node.clearinghouse import audience, ingest, joint, outbox, topics

    registry.roles.add(ROLE)
    registry.handle("Create", ingest.on_create)
    registry.handle_batch("Create", ingest.on_create_batch)
    registry.handle("Update", ingest.on_update)
    registry.handle("Announce", _keep_no_boosts)
    registry.handle("Delete", ingest.on_delete)
    registry.on_follow_answer(_member_answered)
    registry.resolve_actors(topics.ensure)
    registry.collection("audience", audience.audience_endpoint)
    registry.outbox_items(outbox.outbox_items)
    registry.count_posts("announces", outbox.count)
    registry.observe("Invite", joint.on_invite)
