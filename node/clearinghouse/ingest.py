"""Member alerts in: verify, index, group into a case, decide the boost, Announce.

Called by the inbox worker for Create/Update/Delete activities on a node in
the ``clearinghouse`` role (the signature, signer = actor, and object host
were checked by the inbox). Every step for one alert runs in one transaction
and is idempotent on the alert's id, so a crash and a re-run neither lose nor
repeat a boost (``Boost`` is unique per alert and announcer).

Creates are taken in batches (:func:`on_create_batch`, used by the inbox worker for
consecutive Creates): the same decisions, alert by alert in order, as one call of
:func:`on_create` each, but read with a few queries and written in one transaction
for the batch (measured: bench/ch_ingest.py, docs/performance-clearinghouse.md).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import orjson
from tortoise.transactions import in_transaction

from node.activitypub import outbox
from node.activitypub.normalize import Unintelligible, embedded, ids, ignored, string
from node.activitypub.notes import note_to_alert
from node.activitypub.remote import get_id, same_origin
from node.alerts import AlertError
from node.clearinghouse import cases, joint, topics
from node.clearinghouse.matching import target_keys
from node.ops import logs
from node.services.cases import live, refresh_titles
from node.services.cases import split as split_case
from node.storage import jobs
from node.storage.models import (
    Activity,
    Boost,
    Case,
    CaseEvent,
    Follower,
    IndexedAlert,
    LocalActor,
    Member,
)

if TYPE_CHECKING:
    from node.service import Node

log = logging.getLogger("aan.clearinghouse")
UPDATE_TYPES = {"update", "victory", "correction", "retraction"}


def _parse_time(value) -> datetime:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
    return datetime.now(UTC)


def search_text(alert, member: Member) -> str:
    parts = [alert.headline, alert.summary, alert.body, member.name, alert.country,
             " ".join(t.name for t in alert.targets)]
    for tr in (alert.translations or {}).values():
        parts += [tr.headline or "", tr.summary or "", tr.body or ""]
    text = " ".join(p for p in parts if p).lower()
    from anyascii import anyascii

    folded = anyascii(text).lower()  # so that "ozgur" finds "Özgür"
    return text if folded == text else f"{text} {folded}"


def _fields(alert, note: dict, member: Member) -> dict:
    return dict(
        alert_type=alert.type, headline=alert.headline[:512], summary=alert.summary, language=alert.language,
        country=alert.country, incident_date=alert.incident_date, categories=list(alert.categories),
        act_types=list(alert.act_types), target_keys=target_keys(alert.targets), follows=alert.follows,
        search_text=search_text(alert, member), note=note,
    )


async def _member_alert(activity: dict) -> tuple[Member, dict, object] | None:
    """The active member, the Note and its structured alert; None if we do not index it."""
    actor = get_id(activity.get("actor"))
    return _checked_alert(activity, await Member.filter(actor_uri=actor, state="active").first())


def _checked_alert(activity: dict, member: Member | None) -> tuple[Member, dict, object] | None:
    """:func:`_member_alert` once the active member (or None) is known."""
    actor = get_id(activity.get("actor"))
    if member is None:
        ignored("not_a_member", "%s from %s: not an active member", activity.get("type"), actor, activity=activity)
        return None
    try:
        note = embedded(activity.get("object"))
    except Unintelligible as exc:
        ignored(exc.reason, "%s from %s: %s", activity.get("type"), actor, exc.detail, activity=activity)
        return None
    if not isinstance(note, dict) or actor not in ids(note.get("attributedTo")) \
            or not isinstance(note.get("id"), str) or not same_origin(note["id"], actor):
        ignored("not_attributed", "%s from %s: object not authored by the member", activity.get("type"), actor,
                activity=activity)
        return None
    try:
        alert = note_to_alert(note)
    except AlertError as exc:
        ignored("invalid_alert", "%s: invalid alert structure: %s", note.get("id"), exc, activity=activity,
                note=f"{note.get('id')}: invalid alert structure")  # the error may quote the alert
        return None
    if alert is None:
        ignored("not_an_alert", "%s: not an aan alert", note.get("id"), activity=activity)
        return None
    return member, note, alert


async def on_create(node: Node, activity: dict) -> None:
    await on_create_batch(node, [activity])


async def on_create_batch(node: Node, activities: list[dict]) -> None:
    """:func:`on_create` for each activity in order, with the same outcome, in one transaction.

    Reads: the active members, which alerts are already indexed, what the case placement needs
    (:class:`cases.Placer`) and the topic actors with followers, once for the batch. Writes: the
    new cases, alerts, case events, Announces (activity + fan-out job) and boosts with one
    multi-row INSERT per table. A failure rolls the whole batch back (the inbox worker then
    takes its activities one at a time).
    """
    actors = sorted({a for a in (get_id(act.get("actor")) for act in activities) if a})
    members = {m.actor_uri: m for m in await Member.filter(actor_uri__in=actors, state="active")} if actors else {}
    statements = [activity for activity in activities if joint.carries_statement(activity)]
    if statements:  # a member's joint statement: boosted once, not indexed as an alert
        await joint.boost_statements(node, statements, members)
        activities = [activity for activity in activities if not joint.carries_statement(activity)]
    found = []
    verbose = log.isEnabledFor(logging.INFO)  # the activity on log lines only costs when there are any
    for activity in activities:
        if verbose:
            with logs.activity(activity.get("id") if isinstance(activity.get("id"), str) else None):
                checked = _checked_alert(activity, members.get(get_id(activity.get("actor"))))
        else:
            checked = _checked_alert(activity, members.get(get_id(activity.get("actor"))))
        if checked is not None:
            found.append((activity, *checked))
    if not found:
        return
    indexed = set(await IndexedAlert.filter(uri__in=sorted({note["id"] for _, _, note, _ in found}))
                  .values_list("uri", flat=True))
    rows: list[IndexedAlert] = []
    for activity, member, note, alert in found:
        if note["id"] in indexed:
            ignored("duplicate", "%s: alert already indexed", note["id"], activity=activity)
            continue
        indexed.add(note["id"])
        create = {k: v for k, v in activity.items() if k != "@context"}
        rows.append(IndexedAlert(
            uri=note["id"], member=member, published=_parse_time(string(note, "published")),
            review="held" if node.config.review else "approved", create_activity=create,
            **_fields(alert, note, member),
        ))
    if not rows:
        return
    approved = [row for row in rows if row.review == "approved"]
    placer = cases.Placer()
    await placer.load(approved)
    groups = await _topic_actors(node, approved)
    announces: list[tuple[IndexedAlert, object, str, dict]] = []
    for row in approved:
        case, opened = await placer.place(row)
        boost = _boosts(node, row, opened)
        if boost:
            member = row.member
            ch = node.org
            announces.append((row, ch, *outbox.announce(node.urls, ch, obj=row.uri,
                                                        cc=[member.actor_uri, node.urls.followers(ch.username)])))
            for actor in _matching(groups, row):
                announces.append((row, actor, *outbox.announce(node.urls, actor, obj=row.create_activity or row.uri,
                                                               cc=[node.urls.followers(actor.username)])))
        row.boost = "boosted" if boost else "attached"
        if verbose:
            with logs.activity(row.create_activity.get("id")):
                log.info("alert %s %s case %s: %s", row.uri, "opened" if opened else "joined", case.id, row.boost)
    async with in_transaction():
        if placer.new_cases:
            await Case.bulk_create(placer.new_cases)
        if len(rows) == 1:
            await rows[0].save()  # one INSERT … RETURNING id (the usual case when alerts come one at a time)
        else:
            await IndexedAlert.bulk_create(rows)
        if placer.events:
            await CaseEvent.bulk_create(placer.events)
        new_ids = {case.id for case in placer.new_cases}
        await refresh_titles({row.case_id for row in approved} - new_ids)  # an earlier report may lead now
        if announces:
            next_try = datetime.now(UTC)
            await Activity.bulk_create([
                Activity(id=activity_id, uri=activity["id"], actor=actor, type=activity["type"],
                         object_uri=row.uri, body=orjson.dumps(activity).decode())
                for row, actor, activity_id, activity in announces])
            per_alert: dict[str, list[str]] = {}  # one fan-out job per boosted alert, for all its Announces
            for row, _, activity_id, _ in announces:
                per_alert.setdefault(row.uri, []).append(activity_id)
            await jobs.queue_fanouts(list(per_alert.values()), at=next_try)
            ids = {rows[0].uri: rows[0].id} if len(rows) == 1 else dict(
                await IndexedAlert.filter(uri__in=sorted({row.uri for row, *_ in announces})).values_list("uri", "id"))
            await Boost.bulk_create([Boost(alert_id=ids[row.uri], announcer=actor, activity_id=activity_id)
                                     for row, actor, activity_id, _ in announces])


def _boosts(node: Node, row: IndexedAlert, opened: bool) -> bool:
    """The boost policy: does this alert, just placed in its case, get an Announce?"""
    policy = node.config.boost_policy
    return policy == "all" or opened or (
        policy == "first-and-updates" and (row.alert_type in UPDATE_TYPES or bool(row.follows)))


async def _topic_actors(node: Node, rows: list[IndexedAlert]) -> dict[str, LocalActor]:
    """The topic actors (with followers) that rows of this batch may be announced by, by username."""
    names = sorted({name for row in rows for name in (row.country.lower(), *row.categories)})
    if not names:
        return {}
    actors = await LocalActor.filter(username__in=names, kind="Group").order_by("id")
    followed = set(await Follower.filter(local_actor_id__in=[a.id for a in actors])
                   .values_list("local_actor_id", flat=True)) if actors else set()
    found = {}
    for actor in actors:
        if actor.id in followed:
            node.remember_actor(actor)
            found[actor.username] = node.actors[actor.username]
    return found


def _matching(groups: dict[str, LocalActor], row: IndexedAlert) -> list[LocalActor]:
    """:func:`topics.matching_actors` for ``row``, from the batch's topic actors."""
    names = {row.country.lower(), *row.categories}
    return [actor for username, actor in groups.items() if username in names]


async def place_and_boost(node: Node, row: IndexedAlert) -> None:
    """Put an approved alert in a case and boost it if the policy says so (inside a transaction)."""
    case, opened = await cases.place(row)
    boost = _boosts(node, row, opened)
    if boost:
        await announce(node, row)
    row.boost = "boosted" if boost else "attached"
    await row.save()
    await refresh_titles([case.id])
    log.info("alert %s %s case %s: %s", row.uri, "opened" if opened else "joined", case.id, row.boost)


async def split(node: Node, case_id: str, alert_uris: list[str], *, by: str = "editor") -> Case:
    """:func:`node.services.cases.split`, then the boost policy for the new case's first report.

    The alert that now opens a case of its own is boosted as any first report of a case is (every
    policy boosts those), unless it already was; the other alerts keep the boost they had.
    """
    new = await split_case(case_id, alert_uris, by=by)
    first = await live(IndexedAlert.filter(case_id=new.id)).order_by("published", "id").first()
    if first is not None and first.boost != "boosted" and _boosts(node, first, True):
        async with in_transaction():
            await announce(node, first)
            first.boost = "boosted"
            await first.save(update_fields=["boost"])
        log.info("alert %s opened case %s (split from %s): boosted", first.uri, new.id, case_id)
    return new


async def announce(node: Node, row: IndexedAlert) -> None:
    """Announce from the Clearing House actor, and from each matching topic actor with followers
    (one fan-out job for all of them)."""
    member = await row.member
    ch = node.org
    queued = [await _announce_as(node, ch, row, obj=row.uri,
                                 cc=[member.actor_uri, node.urls.followers(ch.username)])]
    for actor in await topics.matching_actors(node, row):
        # FEP-1b12: a group announces the activity itself, so Lemmy-style followers get it whole.
        queued.append(await _announce_as(node, actor, row, obj=row.create_activity or row.uri,
                                         cc=[node.urls.followers(actor.username)]))
    await jobs.queue_fanouts([[activity_id for activity_id in queued if activity_id]])


async def _announce_as(node: Node, actor, row: IndexedAlert, *, obj, cc: list[str]) -> str | None:
    """Store ``actor``'s Announce of ``row`` and its boost (unless there is one); return its id to fan out."""
    if await Boost.filter(alert=row, announcer=actor).exists():
        return None
    activity_id, activity = outbox.announce(node.urls, actor, obj=obj, cc=cc)
    record = await Activity.create(id=activity_id, uri=activity["id"], actor=actor, type=activity["type"],
                                   object_uri=row.uri, body=orjson.dumps(activity).decode())
    await Boost.create(alert=row, announcer=actor, activity=record)
    return activity_id


async def on_update(node: Node, activity: dict) -> None:
    found = await _member_alert(activity)
    if found is None:
        return
    member, note, alert = found
    row = await IndexedAlert.filter(uri=note["id"], member=member).first()
    if row is None:
        await on_create(node, {**activity, "type": "Create"})
        return
    if row.deleted:  # a retracted alert stays retracted: nothing of a late Update is kept
        await jobs.purge_received(member.actor_uri, row.uri, keep=activity.get("id"))
        return
    if (string(note, "updated") or "") <= (string(row.note, "updated") or string(row.note, "published") or ""):
        return
    async with in_transaction():
        for key, value in _fields(alert, note, member).items():
            setattr(row, key, value)
        row.updated = _parse_time(string(note, "updated"))
        if isinstance(row.create_activity, dict) and row.create_activity:
            row.create_activity = {**row.create_activity, "object": note}  # later topic boosts carry the new text
        await row.save()
        if row.case_id:
            await CaseEvent.create(case_id=row.case_id, kind="edited", detail={"alert": row.uri})
            await refresh_titles([row.case_id])
        await _rewrite_boosts(row, note)
        await jobs.purge_received(member.actor_uri, row.uri, keep=activity.get("id"), finished_only=True)


async def on_delete(node: Node, activity: dict) -> None:
    actor = get_id(activity.get("actor"))
    targets = ids(activity.get("object"))
    member = await Member.filter(actor_uri=actor).first()
    if member is None:
        return
    rows = await IndexedAlert.filter(member=member, deleted=False) if actor in targets else \
        await IndexedAlert.filter(uri__in=targets, member=member, deleted=False)
    for row in rows:
        async with in_transaction():
            await retract(node, row)
            await jobs.purge_received(actor, row.uri, keep=activity.get("id"))


# The columns of an indexed alert that hold (or derive from) the member's text; a retraction
# empties them all and keeps a tombstone: id, uri, member, case, dates, states.
TOMBSTONE = dict(alert_type="", headline="", summary="", language="", country="", incident_date="",
                 categories=[], act_types=[], target_keys=[], follows=None, search_text="", note={},
                 create_activity={})


async def retract(node: Node, row: IndexedAlert) -> None:
    """A member deleted ``row``: undo its boosts, keep only a tombstone, re-derive its case's title."""
    row.deleted = True
    row.boost = "undone" if row.boost == "boosted" else row.boost
    for key, value in TOMBSTONE.items():
        setattr(row, key, value)
    await row.save()
    await undo_boosts(node, row)
    await _rewrite_boosts(row, None)
    if row.case_id:
        await CaseEvent.create(case_id=row.case_id, kind="retracted", detail={"alert": row.uri})
        await refresh_titles([row.case_id])


def _embedded(obj, uri: str, note: dict | None):
    """``obj`` (what an Announce points at) with the copy of alert ``uri`` replaced by ``note``
    (or by its bare id); anything else unchanged."""
    if isinstance(obj, dict) and obj.get("type") in ("Create", "Update") and isinstance(obj.get("object"), dict) \
            and obj["object"].get("id") == uri:
        return {**obj, "object": note if note is not None else uri}
    return obj


async def _rewrite_boosts(row: IndexedAlert, note: dict | None) -> None:
    """Our stored Announces (and Undos) of ``row`` that embed the member's Create (topic actors,
    FEP-1b12) carry ``note`` from now on, or only the alert's id once it is retracted."""
    for record in await Activity.filter(object_uri=row.uri, type__in=["Announce", "Undo"]):
        doc = orjson.loads(record.body)
        obj = doc.get("object")
        if doc.get("type") == "Undo" and isinstance(obj, dict):
            changed = {**obj, "object": _embedded(obj.get("object"), row.uri, note)}
        else:
            changed = _embedded(obj, row.uri, note)
        if changed != obj:
            doc["object"] = changed
            record.body = orjson.dumps(doc).decode()
            await record.save(update_fields=["body"])



async def undo_boosts(node: Node, row: IndexedAlert) -> None:
    for boost in await Boost.filter(alert=row, undone=False).prefetch_related("announcer", "activity"):
        announce_doc = orjson.loads(boost.activity.body)
        announce_doc.pop("@context", None)
        announce_doc["object"] = _embedded(announce_doc.get("object"), row.uri, None)  # no copy of the text
        activity_id = outbox.new_id()
        undo = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": node.urls.activity(activity_id),
            "type": "Undo",
            "actor": announce_doc["actor"],
            "to": announce_doc.get("to", []),
            "cc": announce_doc.get("cc", []),
            "object": announce_doc,
        }
        await outbox.queue_activity(boost.announcer, node.urls, undo, activity_id=activity_id, object_uri=row.uri)
        boost.undone = True
        await boost.save()
