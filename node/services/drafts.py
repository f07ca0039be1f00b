"""Drafts become alerts: publish now, schedule (embargo), edit (Update), delete (Delete).

A draft is claimed with a conditional update of its state inside the same
transaction that stores the alert and queues its ``Create``, so a draft is
published once even when several workers' schedulers and a person's click
race. Until then nothing of it exists outside the ``drafts`` and ``media``
tables: no alert row, no activity, no public file, so pages, feeds, the
outbox, NodeInfo and WebFinger cannot show it.

A draft keeps what the author typed, complete or not (``Draft.data["alert"]``
has the shape of ``Alert.to_dict()`` with raw strings); :func:`build_alert`
turns it into the valid :class:`~node.alerts.Alert` publishing needs. The
composer's form handling (HTML fields <-> draft data) is :mod:`node.webui.forms`.

Every worker set (``aan serve`` or ``aan worker``) calls :func:`publish_due`
to publish scheduled drafts whose time has come; the claim in
:func:`publish_draft` makes sure only one of them does.
"""

from __future__ import annotations

import copy
import logging
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from node import errors, vocab
from node.activitypub import outbox
from node.alerts import Alert, AlertError
from node.media import MAX_ATTACHMENTS, attachment
from node.services.media import remove_from_draft, remove_media
from node.storage.models import Alert as AlertRow
from node.storage.models import Draft, Media, User

if TYPE_CHECKING:
    from node.service import Node

log = logging.getLogger("aan.scheduler")
MIN_LEAD = timedelta(seconds=2)
TEXT_FIELDS = ("type", "headline", "summary", "body", "language", "country", "incident_date",
               "incident_date_precision", "perpetrator_type", "content_warning", "case", "follows")
TARGET_FIELDS = ("name", "kind", "profession", "aliases")
AUTHORITY_FIELDS = ("name", "title", "institution", "address", "email", "fax", "url")
TRANSLATION_FIELDS = ("headline", "summary", "body", "content_warning")


def from_alert(alert: Alert) -> dict[str, Any]:
    """A published alert as draft data (for editing, or to pre-fill an update)."""
    data = alert.to_dict()
    data["recommended_action"] = data["recommended_action"] or {"asks": [], "authorities": [], "deadline": ""}
    return data


def _none(value: Any) -> Any:
    return value if value not in ("", None, [], {}) else None


def alert_input(data: dict[str, Any]) -> dict[str, Any]:
    """Draft data as the dict ``Alert.from_dict`` validates: empty rows and fields dropped."""
    result: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = data.get(name)
        if _none(value) is not None:
            result[name] = value
    result["type"] = data.get("type") or "alert"
    result["categories"] = list(data.get("categories") or [])
    result["act_types"] = list(data.get("act_types") or [])
    targets = []
    for row in data.get("targets") or []:
        if any(_none(row.get(f)) for f in TARGET_FIELDS):
            target = {"name": row.get("name") or None, "kind": row.get("kind") or None,
                      "aliases": list(row.get("aliases") or [])}
            if row.get("profession"):
                target["profession"] = row["profession"]
            targets.append(target)
    result["targets"] = targets
    action = data.get("recommended_action") or {}
    authorities = [{f: row.get(f) or None for f in AUTHORITY_FIELDS}
                   for row in action.get("authorities") or [] if any(_none(row.get(f)) for f in AUTHORITY_FIELDS)]
    asks = [a for a in action.get("asks") or [] if a]
    if asks or authorities or action.get("deadline"):
        result["recommended_action"] = {"asks": asks, "authorities": authorities,
                                        "deadline": action.get("deadline") or None}
    sources = []
    for row in data.get("sources") or []:
        title, url = row.get("title") or "", row.get("url") or ""
        if title or url:
            sources.append({"title": title or url, "url": url or None})
    result["sources"] = sources
    translations = {}
    for lang, fields in (data.get("translations") or {}).items():
        kept = {f: fields.get(f) for f in TRANSLATION_FIELDS if _none(fields.get(f))}
        if kept:
            translations[lang] = kept
    result["translations"] = translations
    return result


def build_alert(data: dict[str, Any]) -> Alert:
    """The valid alert a draft describes.

    Raises :class:`AlertError`: its text is the first problem found, its ``fields`` every
    problem of the draft at once (field path -> the reader's message, see :func:`field_errors`).
    """
    try:
        return Alert.from_dict(alert_input(data))
    except AlertError as first:
        raise AlertError(str(first), fields=field_errors(data)) from None


_FIELD_IN_MESSAGE = re.compile(r"field '([^']+)'")
_CODE_FIELDS = {"category": "categories", "act type": "act_types", "country": "country",
                "alert type": "type", "perpetrator type": "perpetrator_type", "date precision":
                "incident_date_precision", "target kind": "targets", "profession": "targets"}
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def error_path(message: str) -> str | None:
    """The field path an :class:`AlertError` message is about (``targets[0].name``), or None."""
    match = _FIELD_IN_MESSAGE.search(message)
    if match:
        return match.group(1)
    for what, field in _CODE_FIELDS.items():
        if message.startswith(f"unknown {what} ") or message.startswith(f"invalid {what}"):
            return field
    if message.startswith("invalid incident_date"):
        return "incident_date"
    return None


def _placeholders() -> dict[str, Any]:
    """Valid stand-ins for a required field found wrong, so that the reader goes on to the next one."""
    return {"type": "alert", "headline": "-", "summary": "-", "body": "-", "language": "en",
            "country": next(iter(vocab.COUNTRIES)), "incident_date": "2000",
            "categories": [next(iter(vocab.CATEGORIES))], "name": "-", "title": "-",
            "kind": next(iter(vocab.TARGET_KINDS)), "asks": ["-"]}


def _set_aside(given: dict[str, Any], path: str) -> bool:
    """Replace the field at ``path`` by a valid stand-in (required) or drop it; False if it cannot be found."""
    parts = [int(index) if index else name for index, name in _PATH_PART.findall(path)]
    if not parts:
        return False
    try:
        parent: Any = given
        for part in parts[:-1]:
            parent = parent[part]
        leaf = parts[-1]
        if isinstance(leaf, int):
            parent[leaf] = {**parent[leaf], "name": "-"} if isinstance(parent[leaf], dict) else {"name": "-"}
        elif leaf in (stand_ins := _placeholders()):
            parent[leaf] = stand_ins[leaf]
        elif leaf in parent:
            del parent[leaf]
        else:
            return False
    except (KeyError, IndexError, TypeError):
        return False
    if path == "incident_date":
        given.pop("incident_date_precision", None)
    return True


def field_errors(data: dict[str, Any]) -> dict[str, str]:
    """Every problem of the draft ``data``: field path -> the reader's message (empty if it is valid).

    The reader stops at the first problem; each one found is set aside (a valid stand-in or
    nothing) and the rest read again, so the author learns of every field to fix at once.
    A problem that names no field is kept under ``""`` and ends the search.
    """
    given = copy.deepcopy(alert_input(data))
    problems: dict[str, str] = {}
    for _ in range(200):
        try:
            Alert.from_dict(given)
        except AlertError as exc:
            path = error_path(str(exc))
            if path is None or path in problems or not _set_aside(given, path):
                problems.setdefault(path or "", str(exc))
                break
            problems[path] = str(exc)
        else:
            break
    return problems



async def create(node: Node, author: User | None, data: dict[str, Any]) -> Draft:
    """A new draft holding ``data`` (the composer's fields, complete or not)."""
    return await Draft.create(id=outbox.new_id(), author=author, state="draft", data={"alert": data})


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
    alert = build_alert(draft.data.get("alert") or {})
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
        draft = await Draft.get(id=draft.id, using_db=conn)  # what was saved last, not what we read before
        alert = build_alert(draft.data.get("alert") or {})
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
    assert draft.alert_id is not None  # an edit draft
    alert = build_alert(draft.data.get("alert") or {})
    media = await draft_media(draft.id)
    check_media(media)
    await outbox.get_alert(draft.alert_id)  # NotFoundError if it was deleted meanwhile
    claimed = await Draft.filter(id=draft.id, state="draft").update(state="published")
    if not claimed:
        raise PublishError("This draft was already published or discarded.")
    await Media.filter(draft_id=draft.id).update(alert_id=draft.alert_id)
    for old in await Media.filter(alert_id=draft.alert_id):
        if old.draft_id != draft.id:
            await remove_media(node, old)
    kept = await Media.filter(alert_id=draft.alert_id).order_by("created_at", "id")
    row = await outbox.update_alert(node.urls, draft.alert_id, alert,
                                    attachments=[attachment(node.urls.media(m.filename), m) for m in kept])
    node.poke()
    return row


async def schedule(node: Node, draft: Draft, when: datetime) -> Alert:
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


async def unschedule(node: Node, draft: Draft) -> None:
    """Back to the drafts: the scheduler leaves it alone."""
    await Draft.filter(id=draft.id, state="scheduled").update(state="draft", scheduled_for=None)
    draft.state, draft.scheduled_for = "draft", None


async def start_edit(node: Node, alert_id: str, user: User) -> Draft:
    """The draft in which a published alert is edited (an existing one is reused)."""
    row = await outbox.get_alert(alert_id)
    draft = await Draft.filter(alert_id=row.id, state="draft").order_by("-updated_at").first()
    if draft is None:
        draft = await Draft.create(id=outbox.new_id(), author=user, alert_id=row.id, state="draft",
                                   data={"alert": from_alert(Alert.from_dict(row.data))})
        await Media.filter(alert_id=row.id).update(draft_id=draft.id)
    return draft


async def delete_published(node: Node, alert_id: str) -> AlertRow:
    """Delete the alert (sends Delete), its images and any unfinished edit of it."""
    from node.services import alerts

    return await alerts.delete(node, alert_id)


async def discard(node: Node, draft: Draft) -> None:
    """Throw a draft away with its images (images of a published alert stay with the alert)."""
    for media in await Media.filter(draft_id=draft.id):
        await remove_from_draft(node, media)
    await Draft.filter(id=draft.id).exclude(state="published").delete()


async def publish_due(node: Node, *, now: datetime | None = None) -> int:
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
