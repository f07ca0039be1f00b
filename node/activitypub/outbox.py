"""Local actions become activities: build, store verbatim, queue one fan-out job.

Everything here only touches the database, so the command line can publish
while ``aan serve`` (or ``aan worker``) does the network work.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from datetime import UTC, datetime, timedelta

import orjson
from tortoise.transactions import in_transaction

from node import errors
from node.activitypub.actors import actor_document, iso
from node.activitypub.notes import AAN_CONTEXT, alert_to_note
from node.alerts import Alert
from node.storage import jobs, models
from node.urls import AS_PUBLIC, Urls


class NotFoundError(errors.NotFound):
    """No such alert (or it is deleted)."""


class AlreadyDeleted(NotFoundError, errors.Gone):
    """The alert existed and was deleted."""


def new_id() -> str:
    """A short, time-sortable, unguessable id."""
    return f"{int(time.time() * 1000):011x}{secrets.token_hex(4)}"


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def queue_activity(actor: models.LocalActor, urls: Urls, activity: dict, *, activity_id: str,
                 object_uri: str | None, to_followers: bool = True,
                 extra_inboxes: list[str] | None = None, conn=None) -> models.Activity:
    body = orjson.dumps(activity).decode()
    row = await models.Activity.create(
        id=activity_id, uri=activity["id"], actor=actor, type=activity["type"],
        object_uri=object_uri, body=body, using_db=conn,
    )
    await jobs.queue_fanout(row.id, to_followers=to_followers, extra_inboxes=extra_inboxes,
                            at=datetime.now(UTC), conn=conn)
    return row


def envelope(kind: str, urls: Urls, actor: models.LocalActor, activity_id: str, obj,
              published: datetime, public: bool = True) -> dict:
    activity = {
        "@context": AAN_CONTEXT,
        "id": urls.activity(activity_id),
        "type": kind,
        "actor": urls.actor(actor.username),
        "published": iso(published),
        "object": obj,
    }
    if public:
        activity["to"] = [AS_PUBLIC]
        activity["cc"] = [urls.followers(actor.username)]
    return activity


def announce(urls: Urls, actor: models.LocalActor, *, obj, cc: list[str]) -> tuple[str, dict]:
    """A new public Announce (a boost) of ``obj`` by ``actor``, addressed ``cc``: (activity id, activity)."""
    activity_id = new_id()
    return activity_id, {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": urls.activity(activity_id),
        "type": "Announce",
        "actor": urls.actor(actor.username),
        "published": iso(now()),
        "to": [AS_PUBLIC],
        "cc": cc,
        "object": obj,
    }


@contextlib.asynccontextmanager
async def _transaction(conn=None):
    """The caller's transaction if it passes one, else a new one."""
    if conn is not None:
        yield conn
    else:
        async with in_transaction() as new:
            yield new


async def publish_alert(actor: models.LocalActor, urls: Urls, alert: Alert, *,
                        attachments: list[dict] | None = None, alert_id: str | None = None,
                        conn=None) -> models.Alert:
    """Store the alert and queue its Create; with ``conn``, inside the caller's transaction."""
    alert_id = alert_id or new_id()
    published = now()
    note = alert_to_note(alert, urls=urls, username=actor.username, alert_id=alert_id, published=published,
                         attachments=attachments)
    activity_id = new_id()
    create = envelope("Create", urls, actor, activity_id, note, published)
    async with _transaction(conn) as conn:
        row = await models.Alert.create(
            id=alert_id, local_actor=actor, data=alert.to_dict(), headline=alert.headline[:512],
            language=alert.language, country=alert.country, published=published, using_db=conn,
        )
        await queue_activity(actor, urls, create, activity_id=activity_id, object_uri=note["id"], conn=conn)
    return row


async def get_alert(alert_id: str, *, include_deleted: bool = False) -> models.Alert:
    row = await models.Alert.filter(id=alert_id).prefetch_related("local_actor").first()
    if row is None:
        raise NotFoundError(f"no alert with id {alert_id!r}")
    if row.deleted_at and not include_deleted:
        raise AlreadyDeleted(f"alert {alert_id!r} is already deleted")
    return row


def alert_id_from(urls: Urls, id_or_url: str) -> str:
    return urls.alert_id_from_url(id_or_url) or id_or_url


async def update_alert(urls: Urls, alert_id: str, alert: Alert, *,
                       attachments: list[dict] | None = None) -> models.Alert:
    """Replace the alert and queue an Update (images kept unless ``attachments`` replaces them)."""
    row = await get_alert(alert_id)
    actor = row.local_actor
    previous = row.updated or row.published
    updated = max(now(), previous + timedelta(seconds=1))
    if attachments is None:
        from node.media import note_attachments

        attachments = (await note_attachments(urls, [row.id]))[row.id]
    note = alert_to_note(alert, urls=urls, username=actor.username, alert_id=row.id,
                         published=row.published, updated=updated, attachments=attachments)
    activity_id = new_id()
    update = envelope("Update", urls, actor, activity_id, note, updated)
    async with in_transaction() as conn:
        row.data = alert.to_dict()
        row.headline = alert.headline[:512]
        row.language = alert.language
        row.country = alert.country
        row.updated = updated
        await row.save(using_db=conn)
        await queue_activity(actor, urls, update, activity_id=activity_id, object_uri=note["id"], conn=conn)
        # The replaced text stays nowhere: earlier Creates and Updates of the alert (served and,
        # if still queued, delivered) carry the current Note; past revisions (drafts) go.
        await _replace_object(note["id"], note, conn=conn)
        await models.Draft.filter(alert_id=row.id, state="published").using_db(conn).delete()
    return row


async def _replace_object(uri: str, obj: dict, *, conn) -> None:
    """Our stored Creates and Updates of ``uri`` embed ``obj`` (the current Note, or a Tombstone)."""
    for record in await models.Activity.filter(object_uri=uri, type__in=["Create", "Update"]).using_db(conn):
        doc = orjson.loads(record.body)
        if isinstance(doc.get("object"), dict) and doc["object"] != obj:
            doc["object"] = obj
            record.body = orjson.dumps(doc).decode()
            await record.save(update_fields=["body"], using_db=conn)


async def delete_alert(urls: Urls, alert_id: str, *, data_dir=None) -> models.Alert:
    """Delete the alert: queue the Delete and keep a tombstone only (id, actor, dates).

    Its text goes from the row, from our stored Creates and Updates of it, and with its drafts
    (past revisions, unfinished edits); with ``data_dir``, its images (files and rows) too.
    """
    row = await get_alert(alert_id)
    actor = row.local_actor
    deleted = now()
    activity_id = new_id()
    tombstone = {"id": urls.alert(row.id), "type": "Tombstone", "formerType": "Note"}
    delete = envelope("Delete", urls, actor, activity_id, tombstone, deleted)
    async with in_transaction() as conn:
        row.deleted_at = deleted
        row.data, row.headline, row.language, row.country, row.featured = {}, "", "", "", False
        await row.save(using_db=conn)
        await queue_activity(actor, urls, delete, activity_id=activity_id, object_uri=tombstone["id"], conn=conn)
        await _replace_object(tombstone["id"], tombstone, conn=conn)
        drafts = await models.Draft.filter(alert_id=row.id).using_db(conn).values_list("id", flat=True)
        await models.Draft.filter(alert_id=row.id).using_db(conn).delete()
    if data_dir is not None:
        from tortoise.expressions import Q

        from node.media import delete_media

        for media in await models.Media.filter(Q(alert_id=row.id) | Q(draft_id__in=[*drafts, ""])):
            await delete_media(data_dir, media)
    return row


async def send_accept(actor: models.LocalActor, urls: Urls, follow: dict, inbox: str) -> None:
    """Accept a Follow: signed by the followed actor, the Follow embedded as received."""
    activity_id = new_id()
    accept = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": urls.activity(activity_id),
        "type": "Accept",
        "actor": urls.actor(actor.username),
        "object": {k: v for k, v in follow.items() if k != "@context"},
    }
    await queue_activity(actor, urls, accept, activity_id=activity_id, object_uri=follow.get("id"),
                 to_followers=False, extra_inboxes=[inbox])


async def send_follow(actor: models.LocalActor, urls: Urls, target: models.RemoteActor) -> models.Following:
    activity_id = new_id()
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": urls.activity(activity_id),
        "type": "Follow",
        "actor": urls.actor(actor.username),
        "object": target.uri,
    }
    async with in_transaction() as conn:
        row, _ = await models.Following.update_or_create(
            defaults={"follow_id": follow["id"], "state": "pending"},
            local_actor=actor, target_uri=target.uri, using_db=conn,
        )
        await queue_activity(actor, urls, follow, activity_id=activity_id, object_uri=target.uri,
                     to_followers=False, extra_inboxes=[target.inbox], conn=conn)
    return row


async def send_undo_follow(actor: models.LocalActor, urls: Urls, target: models.RemoteActor) -> None:
    row = await models.Following.filter(local_actor=actor, target_uri=target.uri).first()
    if row is None:
        raise NotFoundError(f"not following {target.uri}")
    activity_id = new_id()
    undo = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": urls.activity(activity_id),
        "type": "Undo",
        "actor": urls.actor(actor.username),
        "object": {"id": row.follow_id, "type": "Follow", "actor": urls.actor(actor.username),
                   "object": target.uri},
    }
    async with in_transaction() as conn:
        await row.delete(using_db=conn)
        await queue_activity(actor, urls, undo, activity_id=activity_id, object_uri=row.follow_id,
                     to_followers=False, extra_inboxes=[target.inbox], conn=conn)


async def send_actor_update(actor: models.LocalActor, urls: Urls, *, clearinghouse: bool = False) -> None:
    """Tell followers the profile changed (name, summary, fields, avatar, header, pinned alerts)."""
    from node.media import header_image

    activity_id = new_id()
    document = actor_document(actor, urls, clearinghouse=clearinghouse,
                              header=await header_image(urls, actor.username))
    context = document.pop("@context")
    update = envelope("Update", urls, actor, activity_id, document, now())
    update["@context"] = context
    await queue_activity(actor, urls, update, activity_id=activity_id, object_uri=document["id"])


async def set_featured(urls: Urls, alert_id: str, featured: bool) -> models.Alert:
    row = await get_alert(alert_id)
    row.featured = featured
    await row.save()
    await send_actor_update(row.local_actor, urls)
    return row
