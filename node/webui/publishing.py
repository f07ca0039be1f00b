"""Drafts become alerts: publish now, schedule (embargo), edit (Update), delete (Delete).

A draft is claimed with a conditional update of its state inside the same
transaction that stores the alert and queues its ``Create``, so a draft is
published once even when several workers' schedulers and a person's click
race. Until then nothing of it exists outside the ``drafts`` and ``media``
tables: no alert row, no activity, no public file, so pages, feeds, the
outbox, NodeInfo and WebFinger cannot show it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from node import errors
from node.activitypub import outbox
from node.alerts import Alert
from node.storage.models import Alert as AlertRow
from node.storage.models import Draft, Media
from node.webui import forms
from node.webui.media import MAX_ATTACHMENTS, attachment, remove_media

if TYPE_CHECKING:
    from node.service import Node

MIN_LEAD = timedelta(seconds=2)


class PublishError(errors.Invalid):
    """Publishing was refused; the message is an English msgid shown to the author."""


async def draft_media(draft_id: str) -> list[Media]:
    return await Media.filter(draft_id=draft_id).order_by("created_at", "id")


def check_media(media: list[Media]) -> None:
    if len(media) > MAX_ATTACHMENTS:
        raise PublishError("An alert can carry at most 4 images.")
    if any(not m.alt_text.strip() for m in media):
        raise PublishError("Every image needs a description (alt text).")


async def validate(draft: Draft) -> Alert:
    """The alert the draft describes, checked for publishing (AlertError or PublishError)."""
    alert = forms.build_alert(draft.data.get("alert") or {})
    check_media(await draft_media(draft.id))
    return alert


async def publish_draft(node: Node, draft_id: str, *, from_states: tuple[str, ...] = ("draft",)) -> AlertRow:
    """Publish (or, for an edit draft, apply) the draft; raises AlertError or PublishError."""
    draft = await Draft.get_or_none(id=draft_id)
    if draft is None or draft.state not in from_states:
        raise PublishError("This draft was already published or discarded.")
    if draft.alert_id:
        return await _apply_edit(node, draft)
    urls = node.urls
    async with in_transaction() as conn:
        claimed = await Draft.filter(id=draft.id, state__in=from_states).using_db(conn).update(state="published")
        if not claimed:
            raise PublishError("This draft was already published or discarded.")
        draft = await Draft.get(id=draft.id).using_db(conn)  # what was saved last, not what we read before
        alert = forms.build_alert(draft.data.get("alert") or {})
        media = await Media.filter(draft_id=draft.id).using_db(conn).order_by("created_at", "id")
        check_media(media)
        alert_id = outbox.new_id()
        row = await outbox.publish_alert(node.org, urls, alert, alert_id=alert_id, conn=conn,
                                         attachments=[attachment(urls.media(m.filename), m) for m in media])
        await Media.filter(draft_id=draft.id).using_db(conn).update(alert_id=alert_id)
        await Draft.filter(id=draft.id).using_db(conn).update(alert_id=alert_id)
    node.poke()
    return row


async def _apply_edit(node: Node, draft: Draft) -> AlertRow:
    alert = forms.build_alert(draft.data.get("alert") or {})
    media = await draft_media(draft.id)
    check_media(media)
    await outbox.get_alert(draft.alert_id)  # NotFoundError if it was deleted meanwhile
    claimed = await Draft.filter(id=draft.id, state="draft").update(state="published")
    if not claimed:
        raise PublishError("This draft was already published or discarded.")
    await Media.filter(draft_id=draft.id).update(alert_id=draft.alert_id)
    for old in await Media.filter(alert_id=draft.alert_id):
        if old.draft_id != draft.id:
            await remove_media(node.config.data_dir, old)
    kept = await Media.filter(alert_id=draft.alert_id).order_by("created_at", "id")
    row = await outbox.update_alert(node.urls, draft.alert_id, alert,
                                    attachments=[attachment(node.urls.media(m.filename), m) for m in kept])
    node.poke()
    return row


async def schedule(draft: Draft, when: datetime) -> Alert:
    """Hold the draft until ``when`` (UTC); the scheduler publishes it then, not earlier."""
    if draft.alert_id:
        raise PublishError("Changes to a published alert cannot be scheduled; save them now.")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if when < datetime.now(UTC) + MIN_LEAD:
        raise PublishError("Choose a time in the future.")
    alert = await validate(draft)
    claimed = await Draft.filter(id=draft.id, state__in=("draft", "scheduled")).update(
        state="scheduled", scheduled_for=when.astimezone(UTC))
    if not claimed:
        raise PublishError("This draft was already published or discarded.")
    draft.state, draft.scheduled_for = "scheduled", when
    return alert


async def unschedule(draft: Draft) -> None:
    await Draft.filter(id=draft.id, state="scheduled").update(state="draft", scheduled_for=None)
    draft.state, draft.scheduled_for = "draft", None


async def start_edit(node: Node, alert_id: str, user) -> Draft:
    """The draft in which a published alert is edited (an existing one is reused)."""
    row = await outbox.get_alert(alert_id)
    draft = await Draft.filter(alert_id=row.id, state="draft").order_by("-updated_at").first()
    if draft is None:
        draft = await Draft.create(id=outbox.new_id(), author=user, alert_id=row.id, state="draft",
                                   data={"alert": forms.from_alert(Alert.from_dict(row.data))})
        await Media.filter(alert_id=row.id).update(draft_id=draft.id)
    return draft


async def delete_published(node: Node, alert_id: str) -> AlertRow:
    """Delete the alert (sends Delete), its images and any unfinished edit of it."""
    row = await outbox.delete_alert(node.urls, alert_id, data_dir=node.config.data_dir)
    node.poke()
    return row


async def discard(node: Node, draft: Draft) -> None:
    """Throw a draft away with its images (images of a published alert stay with the alert)."""
    for media in await Media.filter(draft_id=draft.id):
        if media.alert_id:
            media.draft_id = None
            await media.save(update_fields=["draft_id"])
        else:
            await remove_media(node.config.data_dir, media)
    await Draft.filter(id=draft.id).exclude(state="published").delete()
