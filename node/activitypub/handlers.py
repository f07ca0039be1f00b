"""The inbox worker: stored activities, dispatched by type, side effects recorded.

Authority was checked before the row was stored (the signer is the activity's
actor); each handler checks what is specific to it (a Follow targets one of
our actors, a Create is attributed to its actor, an Update or Delete touches
only that actor's objects). Unknown types are acknowledged and ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import orjson

from node.activitypub import outbox
from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.normalize import (
    Unintelligible,
    embedded,
    ids,
    ignored,
    string,
    type_of,
    types,
    with_text,
)
from node.activitypub.remote import KeyError_, as_list, get_id, same_origin
from node.ops import logs
from node.storage import ingest_log, jobs
from node.storage.models import Follower, FollowerEvent, Following, Interaction, RemoteActor, RemoteObject

log = logging.getLogger("aan.inbox")
Handler = Callable[[object, dict], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}
MAX_ATTEMPTS = 5
OBJECT_TYPES = {"Note", "Article", "Page", "Question"}


def handles(*types: str):
    def register(fn: Handler) -> Handler:
        for t in types:
            HANDLERS[t] = fn
        return fn
    return register


async def _local_actor(node, uri: str | None):
    """Our actor at ``uri`` (actors a role provides, such as topic actors, are created on demand)."""
    prefix = node.urls.actor("")
    if not uri or not uri.startswith(prefix) or "/" in uri[len(prefix):]:
        return None
    username = uri[len(prefix):]
    if username == INSTANCE_USERNAME:
        return None
    return await node.local_actor(username) or await node.registry.extra_actor(node, username)


@handles("Follow")
async def on_follow(node, activity: dict) -> None:
    local = await _local_actor(node, get_id(activity.get("object")))
    if local is None:
        ignored("not_our_actor", "Follow of something that is not our actor: %s", activity.get("object"),
                activity=activity)
        return
    remote = await node.remotes.actor(get_id(activity["actor"]))
    _, created = await Follower.update_or_create(
        defaults={"inbox": remote.inbox, "shared_inbox": remote.shared_inbox, "follow_id": activity["id"]},
        local_actor=local, actor_uri=remote.uri,
    )
    if created:  # followers over time, for the dashboard
        await FollowerEvent.create(local_actor=local, actor_uri=remote.uri, kind="follow")
    await outbox.send_accept(local, node.urls, activity, remote.inbox)


@handles("Invite")
async def on_invite(node, activity: dict) -> None:
    """Invitations are a feature's business (joint actions): the protocol keeps nothing of them."""
    if not await node.registry.observed(node, activity):
        ignored("unrelated", "Invite %s that nothing here takes", activity.get("id"))


@handles("Undo")
async def on_undo(node, activity: dict) -> None:
    if await node.registry.observed(node, activity):  # e.g. a signature of a joint action withdrawn
        return
    actor = get_id(activity["actor"])
    obj = embedded(activity.get("object")) or activity.get("object")
    inner_types = type_of(obj)
    inner_id = get_id(obj)
    if "Follow" in inner_types or (not inner_types and
                                   await Follower.filter(actor_uri=actor, follow_id=inner_id).exists()):
        target = await _local_actor(node, get_id(obj.get("object"))) if isinstance(obj, dict) else None
        query = Follower.filter(actor_uri=actor)
        if target:
            query = query.filter(local_actor=target)
        gone = await query.values_list("local_actor_id", flat=True)
        await query.delete()
        for local_actor_id in gone:
            await FollowerEvent.create(local_actor_id=local_actor_id, actor_uri=actor, kind="unfollow")
    elif inner_id:
        await Interaction.filter(activity_id=inner_id, actor_uri=actor).delete()
        if "Announce" in inner_types and isinstance(obj, dict):
            boosted = _boosted_object_id(obj.get("object"))
            await RemoteObject.filter(uri=boosted, via=actor).update(deleted=True, updated_at=datetime.now(UTC))


@handles("Accept", "Reject")
async def on_accept(node, activity: dict) -> None:
    if await node.registry.observed(node, activity):  # e.g. a signature of one of our joint actions
        return
    obj = embedded(activity.get("object")) or activity.get("object")
    follow_id = get_id(obj)
    actor = get_id(activity["actor"])
    row = await Following.filter(target_uri=actor, follow_id=follow_id).first() if follow_id else None
    if row is None and "Follow" in type_of(obj):
        row = await Following.filter(target_uri=actor).first()
    if row:
        row.state = "accepted" if activity["type"] == "Accept" else "rejected"
        await row.save()
        for hook in node.registry.follow_answers:  # e.g. a Clearing House's member becomes active
            await hook(node, actor, activity["type"] == "Accept")


def _is_ours(node, uri: str | None) -> bool:
    return bool(uri) and node.urls.alert_id_from_url(uri) is not None


def _reply_target(node, obj: dict) -> str | None:
    """What ``obj`` replies to: the first of our alerts among its ``inReplyTo``, else the first IRI."""
    targets = ids(obj.get("inReplyTo"))
    return next((uri for uri in targets if _is_ours(node, uri)), targets[0] if targets else None)


def _object_type(obj: dict) -> str | None:
    """The one type of ``OBJECT_TYPES`` that ``obj`` has (several types: the first in sorted order)."""
    found = sorted(type_of(obj) & OBJECT_TYPES)
    return found[0] if found else None


@handles("Create")
async def on_create(node, activity: dict) -> None:
    role_handler = node.registry.objects.get("Create")
    if role_handler is not None:  # e.g. a Clearing House indexes its members' alerts
        await role_handler(node, activity)
        return
    obj = embedded(activity.get("object"))
    actor = get_id(activity["actor"])
    if obj is None or _object_type(obj) is None:
        ignored("no_object", "Create of no object of a known type (%s)", type_of(obj) or get_id(activity.get("object")),
                activity=activity)
        return
    if not isinstance(obj.get("id"), str):
        raise Unintelligible("no_object_id", "Create of an object without an id")
    if actor not in ids(obj.get("attributedTo")) or not same_origin(obj["id"], actor):
        ignored("not_attributed", "Create of %s not attributed to its actor %s", obj.get("id"), actor, activity=activity)
        return
    followed = await Following.filter(target_uri=actor, state="accepted").exists()
    in_reply_to = _reply_target(node, obj)
    reply_to_us = _is_ours(node, in_reply_to)
    if not (followed or reply_to_us):
        ignored("unrelated", "Create %s unrelated to this node", obj.get("id"), activity=activity)
        return
    data = with_text(obj)
    defaults = {"actor_uri": actor, "type": _object_type(obj), "in_reply_to": in_reply_to,
                "data": data, "deleted": False}
    existing = await RemoteObject.filter(uri=obj["id"]).first()
    if existing is not None and _is_reply_to_us(node, existing) and existing.data != data:
        defaults["moderation"] = _after_edit(existing.moderation)  # a Create again is an edit too
    await RemoteObject.update_or_create(defaults=defaults, uri=obj["id"])


def _is_reply_to_us(node, row: RemoteObject) -> bool:
    return (row.in_reply_to or "").startswith(node.urls.base + "/alerts/")


def _after_edit(moderation: str) -> str:
    """An approved reply that its author changed is held for moderation again; a rejected one stays hidden."""
    return "pending" if moderation == "approved" else moderation


@handles("Update")
async def on_update(node, activity: dict) -> None:
    if await node.registry.observed(node, activity):
        return
    obj = embedded(activity.get("object"))
    actor = get_id(activity["actor"])
    if obj is None:
        return
    if not isinstance(obj.get("id"), str):
        raise Unintelligible("no_object_id", "Update of an object without an id")
    if obj.get("id") == actor:
        try:
            await node.remotes.store(obj)
        except KeyError_ as exc:  # the document itself is unusable: retrying cannot help
            raise Unintelligible("bad_actor_document", f"Update of actor {actor}: {exc.reason}") from None
        return
    role_handler = node.registry.objects.get("Update")
    if role_handler is not None:
        await role_handler(node, activity)
        return
    row = await RemoteObject.filter(uri=obj.get("id"), actor_uri=actor).first()
    if row is None:
        if await Following.filter(target_uri=actor, state="accepted").exists():
            await on_create(node, {**activity, "type": "Create"})
        return
    reply = _is_reply_to_us(node, row)
    if row.deleted and (reply or not row.data):  # deleted by its author: a late Update does not bring it back
        await jobs.purge_received(actor, row.uri, keep=activity.get("id"))
        return
    if not _newer(string(obj, "updated"), string(row.data, "updated") or string(row.data, "published")):
        return
    data = with_text(obj)
    if reply and row.data != data:
        row.moderation = _after_edit(row.moderation)  # not shown until staff approve the new text
    row.data = data
    row.updated_at = datetime.now(UTC)
    row.deleted = False
    await row.save()
    await jobs.purge_received(actor, row.uri, keep=activity.get("id"), finished_only=True)  # the old text


def _newer(new: str | None, old: str | None) -> bool:
    return bool(new) and (not old or new > old)


@handles("Delete")
async def on_delete(node, activity: dict) -> None:
    actor = get_id(activity["actor"])
    targets = ids(activity.get("object"))
    role_handler = node.registry.objects.get("Delete")
    if role_handler is not None:  # e.g. a Clearing House withdraws a member's retracted alerts
        await role_handler(node, activity)
    replies = RemoteObject.filter(actor_uri=actor, in_reply_to__startswith=node.urls.base + "/alerts/")
    if actor in targets:
        await Follower.filter(actor_uri=actor).delete()
        await replies.delete()  # replies to our alerts: nothing of them is kept
        await RemoteObject.filter(actor_uri=actor).update(deleted=True, data={})
        await RemoteActor.filter(uri=actor).update(gone=True)
        return
    await replies.filter(uri__in=targets).delete()  # replies to our alerts: nothing of them is kept
    # Only a tombstone stays (id, author, times): nothing of the deleted text.
    await RemoteObject.filter(uri__in=targets, actor_uri=actor).update(deleted=True, data={},
                                                                       updated_at=datetime.now(UTC))
    if role_handler is None:  # (a role that took the Delete purged what it keeps itself)
        for target in targets:
            await jobs.purge_received(actor, target, keep=activity.get("id"))


def _boosted_object_id(obj) -> str | None:
    """What a boost points at: a Note id, or (FEP-1b12 groups) the object of an announced Create."""
    obj = embedded(obj) or obj
    if type_of(obj) & {"Create", "Update"}:
        return get_id(obj.get("object"))
    return get_id(obj)


async def _boost_by_followed(node, activity: dict) -> None:
    """An Announce of something not ours: kept if the announcer is an actor we follow."""
    if await Following.filter(target_uri=get_id(activity["actor"]), state="accepted").exists():
        await _remember_boost(node, activity)


async def _remember_boost(node, activity: dict) -> None:
    """A followed actor boosted something: fetch it from its origin (never trust the copy)."""
    announcer = get_id(activity["actor"])
    uri = _boosted_object_id(activity.get("object"))
    if not uri or await RemoteObject.filter(uri=uri).exists():
        return
    obj = await node.fetcher.get(uri)
    author = next((a for a in ids(obj.get("attributedTo")) if same_origin(a, uri)), None)
    if _object_type(obj) is None or not author:
        log.info("boosted object %s not acceptable", uri)
        return
    await RemoteObject.get_or_create(
        uri=uri, defaults={"actor_uri": author, "type": _object_type(obj), "data": with_text(obj), "via": announcer,
                           "in_reply_to": _reply_target(node, obj)},
    )


@handles("Like", "Announce")
async def on_interaction(node, activity: dict) -> None:
    target = get_id(activity.get("object"))
    if not _is_ours(node, target):
        if activity["type"] == "Announce":
            await node.registry.objects.get("Announce", _boost_by_followed)(node, activity)
        return
    await Interaction.get_or_create(
        activity_id=activity["id"],
        defaults={"kind": activity["type"], "actor_uri": get_id(activity["actor"]), "object_uri": target},
    )


@handles("Block")
async def on_block(node, activity: dict) -> None:
    local = await _local_actor(node, get_id(activity.get("object")))
    if local:
        await Follower.filter(actor_uri=get_id(activity["actor"]), local_actor=local).delete()


@handles("Flag")
async def on_flag(node, activity: dict) -> None:
    log.warning("report (Flag) from %s about %s", get_id(activity["actor"]), as_list(activity.get("object")))


def _dispatch(activity: dict) -> tuple[str, Handler] | None:
    """The type an activity is handled as, and its handler (``type`` may be a list of terms).

    Raises :class:`Unintelligible` for a type naming two different handlers (``[Create, Delete]``).
    """
    known = sorted(t for t in types(activity.get("type")) if t in HANDLERS)
    if not known:
        return None
    if len({HANDLERS[t] for t in known}) > 1:
        raise Unintelligible("ambiguous_type", f"activity of types {known}")
    return known[0], HANDLERS[known[0]]


async def process(node, row: dict) -> None:
    activity = orjson.loads(row["body"])
    found = _dispatch(activity)
    if found is None:
        ignored("unknown_type", "activity of type %s (%s)", activity.get("type"), activity.get("id"), activity=activity)
        return
    kind, handler = found
    # Handlers see the type they were chosen for as one string; everything else they read
    # through node.activitypub.normalize.
    await handler(node, {**activity, "type": kind})


async def inbox_once(node, worker: str, *, limit: int = 200) -> int:
    """Claim up to ``limit`` inbox rows and process them in order; failures are retried per row.

    Where a role registered a batch handler for Creates (a Clearing House:
    ``node.clearinghouse.ingest.on_create_batch``), consecutive Creates (member alerts) go to it
    together: the same outcome as one at a time, with a few queries and one transaction for the
    run. If that fails, the run is processed again one row at a time, so a bad row is retried
    alone, as it always was.
    """
    rows = await jobs.claim("inbox_items", worker, limit=limit)
    done: list[int] = []

    async def one(row: dict) -> None:
        try:
            with logs.activity(row["activity_id"]):  # on every log line about it
                await process(node, row)
            done.append(row["id"])
            node.poke()  # what it queued is committed: let fan-out start now, not after the whole batch
        except Unintelligible as exc:  # never understood, however often retried
            with logs.activity(row["activity_id"]):
                ignored(exc.reason, "%s", exc.detail, activity=_summary(row))
            done.append(row["id"])
        except Exception as exc:  # noqa: BLE001 - recorded on the row and retried
            log.exception("processing %s failed", row["activity_id"])
            if row["attempts"] >= MAX_ATTEMPTS:
                await jobs.finish("inbox_items", [row["id"]], status="failed",
                                  extra={"last_error": repr(exc)[:2000]})
            else:
                delay = 5 * 4 ** (row["attempts"] - 1)
                await jobs.retry("inbox_items", row["id"], next_try=jobs.now() + timedelta(seconds=delay),
                                 error=repr(exc))

    async def creates(run: list[tuple[dict, dict]]) -> None:
        if len(run) == 1:
            await one(run[0][0])
            return
        try:
            with ingest_log.held():  # what the batch ignored is logged once, by whichever run succeeds
                await node.registry.batches["Create"](node, [activity for _, activity in run])
        except Exception:  # noqa: BLE001 - rolled back; each row on its own decides
            log.warning("batch of %d Creates failed; processing them one by one", len(run), exc_info=True)
            for row, _ in run:
                await one(row)
            return
        done.extend(row["id"] for row, _ in run)
        node.poke()

    run: list[tuple[dict, dict]] = []
    for row in rows:
        activity = _batchable_create(node, row)
        if activity is not None:
            run.append((row, activity))
            continue
        if run:
            await creates(run)
            run = []
        await one(row)
    if run:
        await creates(run)
    await jobs.finish("inbox_items", done)
    if ingest_log.pending():  # what this batch ignored (node.storage.ingest_log), in one INSERT
        await ingest_log.flush()
    if rows:
        node.poke()
    return len(rows)


def _summary(row: dict) -> dict:
    """The id, type and actor of a stored inbox row's activity, for the ingest log."""
    try:
        activity = orjson.loads(row["body"])
    except orjson.JSONDecodeError:
        activity = None
    kind = activity.get("type") if isinstance(activity, dict) else None
    return {"id": row["activity_id"], "actor": row["actor_uri"], "type": kind}


def _batchable_create(node, row: dict) -> dict | None:
    """The activity of ``row`` if it is a Create that a role takes in batches (else None)."""
    if "Create" not in node.registry.batches or HANDLERS.get("Create") is not on_create:
        return None
    try:
        activity = orjson.loads(row["body"])
    except orjson.JSONDecodeError:
        return None
    if isinstance(activity, dict) and types(activity.get("type")) & set(HANDLERS) == {"Create"}:
        return {**activity, "type": "Create"}
    return None
