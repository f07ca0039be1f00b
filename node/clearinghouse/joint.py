"""``network`` invitations to joint actions: the Clearing House invites every active member.

A member proposing a joint action to ``network`` sends an ``Invite`` (``jointNetwork: true``)
whose target is the Clearing House's actor. If the proposer is an active member, the Clearing
House sends its own ``Invite`` of the statement to every other active member (actor: the
Clearing House, object: the statement, target: the member). A member signs by accepting that
Invite; the proposer checks the signer by fetching it from the Clearing House (it must be the
Clearing House's Invite of that signer to that statement).
"""

from __future__ import annotations

import logging

from node.activitypub import joint as wire
from node.activitypub import outbox
from node.activitypub.normalize import embedded, ids, ignored
from node.activitypub.remote import get_id, same_origin
from node.storage.models import Activity, Member, RemoteActor

log = logging.getLogger("aan.clearinghouse")


async def on_invite(node, activity: dict) -> bool:
    """Forward a member's network invitation to every other active member."""
    if not wire.extension(activity, "jointNetwork"):
        return False
    ch = node.urls.actor(node.config.username)
    if get_id(activity.get("target")) != ch:
        return False
    proposer = get_id(activity.get("actor"))
    statement = get_id(activity.get("object"))
    if not await Member.filter(actor_uri=proposer, state="active").exists():
        ignored("not_a_member", "network invitation from %s, who is no active member", proposer, activity=activity)
        return True
    if not statement or not same_origin(statement, proposer):
        ignored("not_joint", "network invitation to %s, not on the proposer's host", statement, activity=activity)
        return True
    members = await Member.filter(state="active").exclude(actor_uri=proposer).values_list("actor_uri", flat=True)
    inboxes = dict(await RemoteActor.filter(uri__in=list(members)).values_list("uri", "inbox"))
    actor = node.actors[node.config.username]
    for member in sorted(members):
        if member not in inboxes:
            log.warning("no inbox known for member %s: not invited to %s", member, statement)
            continue
        activity_id = outbox.new_id()
        invite = wire.invite(urls=node.urls, username=actor.username, activity_id=activity_id, statement=statement,
                             invitee=member, published=outbox.now())
        await outbox.queue_activity(actor, node.urls, invite, activity_id=activity_id, object_uri=statement,
                                    to_followers=False, extra_inboxes=[inboxes[member]])
    node.poke()
    from node.services.joint import keep_network_statement

    await keep_network_statement(node, statement)  # listed on our website with its live count
    log.info("network invitation to %s forwarded to %d member(s)", statement, len(inboxes))
    return True


def carries_statement(activity: dict) -> bool:
    """Whether ``activity`` (a Create) carries a joint statement rather than an alert."""
    try:
        obj = embedded(activity.get("object"))
    except Exception:  # noqa: BLE001 - unreadable: the ingest reports it
        return False
    return isinstance(obj, dict) and isinstance(wire.extension(obj, "jointAction"), dict)


async def boost_statements(node, activities: list[dict], members: dict) -> None:
    """Announce each active member's new statement once (its first publication)."""
    ch = node.actors[node.config.username]
    for activity in activities:
        actor = get_id(activity.get("actor"))
        obj = embedded(activity.get("object")) or {}
        uri = obj.get("id")
        if actor not in members or not isinstance(uri, str) or actor not in ids(obj.get("attributedTo")) \
                or not same_origin(uri, actor):
            ignored("not_a_member", "joint statement %s from %s: not an active member's", uri, actor, activity=activity)
            continue
        if await Activity.filter(type="Announce", object_uri=uri, actor=ch).exists():
            continue
        activity_id, announce = outbox.announce(node.urls, ch, obj=uri, cc=[actor, node.urls.followers(ch.username)])
        await outbox.queue_activity(ch, node.urls, announce, activity_id=activity_id, object_uri=uri)
        log.info("joint statement %s of %s boosted", uri, actor)
