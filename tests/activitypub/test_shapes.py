"""Every JSON-LD shape that real servers send, through the real inbox of a member node.

The corpus (tests/shapes.py) is generated from documented payloads of Mastodon, GoToSocial,
Misskey, Pleroma/Akkoma and Pixelfed; each variant is POSTed, signed as its server signs,
to the app (the ``env`` fixture of test_inbox.py: SQLite and PostgreSQL, real signatures,
the key fetched from the fake peer) and the inbox worker is run. Each variant must be
processed (stored, acted on, shown) or ignored with an info log line and a count in
``aan_inbox_ignored{reason}``; no inbox item may fail or wait for a retry (``env.work``).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest
import shapes
import test_inbox
from peers import AS, PUBLIC, FakePeer, RemoteUser, follow, reply, session_key
from prometheus_client import REGISTRY
from test_inbox import ORG, SHARED_INBOX

from node.activitypub import normalize
from node.storage.models import Follower, Following, InboxItem, Interaction, RemoteActor, RemoteObject

env = test_inbox.env  # the node on SQLite or PostgreSQL, its app and the fake peers (fixture)
ACCEPT_HTML = {"Accept": "text/html"}
STYLE = {"mastodon": "mastodon", "gotosocial": "gotosocial", "misskey": "misskey", "pleroma": "mastodon",
         "pixelfed": "mastodon"}


def users(env) -> dict[str, RemoteUser]:
    """One account per base server (Pleroma and Pixelfed sign like Mastodon: cavage, ``#main-key``)."""
    pleroma = env.fediverse.add(FakePeer("pleroma.test", "mastodon"))
    pixelfed = env.fediverse.add(FakePeer("pixelfed.test", "mastodon"))
    return {"mastodon": env.alice, "gotosocial": env.bob, "misskey": env.user("misskey.test", "9kx2a"),
            "pleroma": pleroma.user("lain", key=session_key(5)), "pixelfed": pixelfed.user("dansup", key=session_key(6))}


def style_of(user: RemoteUser) -> str:
    return {"gts.test": "gotosocial", "misskey.test": "misskey"}.get(user.peer.host, "mastodon")


def ignored_count(reason: str) -> float:
    return REGISTRY.get_sample_value("aan_inbox_ignored_total", {"reason": reason}) or 0.0


async def deliver(env, user: RemoteUser, activity: dict, label: str = "") -> None:
    response = await env.send(user, activity, style=style_of(user), url=SHARED_INBOX)
    assert response.status_code == 202, (label or activity.get("id"), response.text)


async def test_every_reply_shape_is_stored_and_shown(env):
    corpus = shapes.replies(users(env), env.alert_url, ORG)
    assert len(corpus) > 150 and len({r.name for r in corpus}) == len(corpus)
    for variant in corpus:
        await deliver(env, variant.user, variant.activity, variant.name)
    await env.work()  # every item done: none raised, none waits for a retry

    for variant in corpus:
        row = await RemoteObject.get_or_none(uri=variant.object_id)
        assert row is not None, variant.name
        assert (row.actor_uri, row.type, row.in_reply_to, row.deleted) == \
            (variant.user.uri, "Note", env.alert_url, False), variant.name
        assert variant.marker in normalize.text(row.data, "content"), variant.name

    # Approved, each shows on the alert's public page with its text and a link to it.
    alert_path = urlsplit(env.alert_url).path
    for start in range(0, len(corpus), 80):  # the page shows up to 100 replies
        chunk = corpus[start:start + 80]
        await RemoteObject.all().update(moderation="pending")
        await RemoteObject.filter(uri__in=[v.object_id for v in chunk]).update(moderation="approved")
        page = (await env.client.get(alert_path, headers=ACCEPT_HTML)).text
        for variant in chunk:
            assert f"Thank you, {variant.marker}." in page, variant.name
            assert f'href="{variant.web_link or variant.object_id}"' in page, variant.name


def _not_understood(env, alice: RemoteUser) -> list[tuple[str, dict]]:
    """(reason, activity): shapes that cannot be understood, each ignored for its reason."""
    def note(**changes):
        activity = reply(alice, env.alert_url, ORG)
        activity["object"].update(changes)
        return activity

    two = reply(alice, env.alert_url, ORG)
    two["object"] = [two["object"], reply(alice, env.alert_url, ORG)["object"]]
    no_id = note()
    del no_id["object"]["id"]
    both = note()
    both["type"] = ["Create", "Delete"]
    unknown = note()
    unknown["type"] = ["https://example.test/ns#Endorse"]
    return [
        ("several_objects", two),
        ("no_object_id", no_id),
        ("ambiguous_type", both),
        ("unknown_type", unknown),
        ("no_object", {**note(), "object": f"{alice.uri}/statuses/999"}),  # a bare IRI: not fetched
        ("no_object", note(type=["Video"])),
        ("no_object", {**note(), "object": {"type": "Link", "href": f"{alice.uri}/statuses/1"}}),
        ("not_attributed", note(attributedTo=42)),
        ("not_attributed", note(attributedTo=[{"type": "Person"}])),
        ("not_attributed", note(attributedTo={"id": "https://gts.test/users/bob", "type": "Person"})),
        ("unrelated", note(inReplyTo=42)),
        ("unrelated", note(inReplyTo={"type": "Note", "content": "no id"})),
        ("unrelated", note(inReplyTo=[None, {"href": None}])),
    ]


async def test_what_cannot_be_understood_is_ignored_with_a_log_line_and_a_metric(env, caplog):
    cases = _not_understood(env, env.alice)
    before = {reason: ignored_count(reason) for reason, _ in cases}
    for _, activity in cases:
        await deliver(env, env.alice, activity)
    with caplog.at_level(logging.INFO, logger="aan.inbox"):
        await env.work()
    assert await InboxItem.filter(status="done").count() == len(cases)
    assert await RemoteObject.all().count() == 0
    for reason in before:
        expected = sum(1 for r, _ in cases if r == reason)
        assert ignored_count(reason) - before[reason] == expected, reason
        lines = [r for r in caplog.records if r.levelno == logging.INFO and f"ignored ({reason})" in r.getMessage()]
        assert len(lines) == expected, reason
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


ACTOR_SHAPES = {"string": lambda u: u.uri, "object": lambda u: {"id": u.uri, "type": "Person"},
                "list": lambda u: [u.uri]}


async def test_follow_in_every_shape_records_the_follower(env):
    alice = env.alice
    for (tname, kind), (oname, obj), (aname, actor) in shapes.combos(
            shapes.type_shapes("Follow"), shapes.reference_shapes(ORG, kind="Organization"), ACTOR_SHAPES):
        activity = {**follow(alice, ORG), "type": kind, "object": obj, "actor": actor(alice)}
        await deliver(env, alice, activity, f"{tname}/{oname}/{aname}")
        await env.work()
        follower = await Follower.get(actor_uri=alice.uri)
        assert follower.follow_id == activity["id"], (tname, oname, aname)


async def test_undo_follow_in_every_shape_removes_the_follower(env):
    alice = env.alice
    for (tname, kind), (iname, inner_kind), (oname, shape) in shapes.combos(
            shapes.type_shapes("Undo"), shapes.type_shapes("Follow"),
            {"embedded": "object", "list": "objects", "iri": "string"}):
        followed = follow(alice, ORG)
        await deliver(env, alice, followed)
        await env.work()
        assert await Follower.filter(actor_uri=alice.uri).exists()
        inner = {k: v for k, v in followed.items() if k != "@context"} | {"type": inner_kind}
        obj = shapes.reference_shapes(followed["id"], extra=inner)[shape]
        await deliver(env, alice, {"@context": AS, "id": f"{alice.uri}#follows/{tname}/{iname}/{oname}/undo",
                                   "type": kind, "actor": alice.uri, "object": obj})
        await env.work()
        assert not await Follower.filter(actor_uri=alice.uri).exists(), (tname, iname, oname)


async def test_accept_and_reject_in_every_shape_answer_our_follow(env):
    alice, node = env.alice, env.node
    org = await node.local_actor("alerts")
    n = 0
    for answer, state in (("Accept", "accepted"), ("Reject", "rejected")):
        for (tname, kind), (oname, obj_shape) in shapes.combos(
                shapes.type_shapes(answer), {"iri": "string", "embedded": "object", "list": "objects",
                                             "embedded_without_id": None}):
            n += 1
            follow_id = f"{env.node.urls.base}/activities/follow-{n}"
            await Following.filter(target_uri=alice.uri).delete()
            await Following.create(local_actor=org, target_uri=alice.uri, follow_id=follow_id, state="pending")
            inner = {"type": ["Follow"], "actor": {"id": ORG, "type": "Organization"}, "object": [alice.uri]}
            obj = inner if obj_shape is None else shapes.reference_shapes(follow_id, extra=inner)[obj_shape]
            await deliver(env, alice, {"@context": AS, "id": f"{alice.uri}#accepts/follows/{n}", "type": kind,
                                       "actor": alice.uri, "object": obj})
            await env.work()
            assert (await Following.get(target_uri=alice.uri)).state == state, (answer, tname, oname)


async def test_like_announce_and_their_undo_in_every_shape(env):
    alice, bob = env.alice, env.bob
    n = 0
    for verb in ("Like", "Announce"):
        for (tname, kind), (oname, obj) in shapes.combos(
                shapes.type_shapes(verb), shapes.reference_shapes(env.alert_url, kind="Note")):
            n += 1
            activity = {"@context": AS, "id": f"{alice.uri}#{verb.lower()}s/{n}", "type": kind,
                        "actor": alice.uri, "object": obj, "to": PUBLIC, "cc": [ORG]}
            await deliver(env, alice, activity)
            await env.work()
            row = await Interaction.get(activity_id=activity["id"])
            assert (row.kind, row.actor_uri, row.object_uri) == (verb, alice.uri, env.alert_url), (verb, tname, oname)
            inner = {k: v for k, v in activity.items() if k != "@context"}
            await deliver(env, alice, {"@context": [AS, {"@language": "en"}], "id": f"{activity['id']}/undo",
                                       "type": ["Undo"], "actor": {"id": alice.uri}, "object": [inner]})
            await env.work()
            assert not await Interaction.filter(activity_id=activity["id"]).exists(), (verb, tname, oname)
    # a Like of something else, in any shape, is not recorded
    await deliver(env, bob, {"@context": AS, "id": f"{bob.uri}#likes/x", "type": ["Like"], "actor": bob.uri,
                             "object": [{"type": "Link", "href": "https://elsewhere.test/1"}]})
    await env.work()
    assert not await Interaction.filter(actor_uri=bob.uri).exists()


async def test_update_and_delete_of_a_reply_in_every_shape(env):
    alice = env.alice
    updates = shapes.combos(shapes.type_shapes("Update"), {"embedded": "object", "list": "objects"},
                            {"content": "content_only", "contentMap": "map_only", "values": "values"},
                            {"string": "string", "list": "list"})
    for n, ((tname, kind), (oname, shape), (cname, content), (uname, updated_shape)) in enumerate(updates, 1):
        original = reply(alice, env.alert_url, ORG)
        await deliver(env, alice, original)
        await env.work()
        note = dict(original["object"])
        marker = f"edited-{n}"
        shapes.DIMENSIONS["content"][0]({}, note, content, {"marker": marker})
        updated = f"2026-11-22T10:{n // 60:02d}:{n % 60:02d}Z"
        note["updated"] = updated if updated_shape == "string" else [updated]
        obj = [note] if shape == "objects" else note
        await deliver(env, alice, {"@context": AS, "id": f"{note['id']}#updates/{n}", "type": kind,
                                   "actor": alice.uri, "object": obj})
        await env.work()
        row = await RemoteObject.get(uri=note["id"])
        assert marker in normalize.text(row.data, "content"), (tname, oname, cname, uname)

    stored = [uri for uri in await RemoteObject.filter(deleted=False).values_list("uri", flat=True)]
    deletes = shapes.combos(shapes.type_shapes("Delete"), {"string": "string", "list": "list", "tombstone": "object",
                                                           "tombstones": "objects"})
    assert len(stored) >= len(deletes)
    for uri, ((tname, kind), (oname, shape)) in zip(stored, deletes, strict=False):
        obj = shapes.reference_shapes(uri, kind="Tombstone")[shape]
        await deliver(env, alice, {"@context": [AS, "https://w3id.org/security/v1"], "id": f"{uri}#delete",
                                   "type": kind, "actor": alice.uri, "object": obj})
        await env.work()
        row = await RemoteObject.get_or_none(uri=uri)  # a reply to our alert is removed outright (issue 8 §8)
        assert row is None or (row.deleted and not row.data), (tname, oname)


@pytest.mark.parametrize("shape", ["string", "list", "object"])
async def test_delete_of_the_actor_in_every_shape(env, shape):
    alice = env.alice
    await deliver(env, alice, follow(alice, ORG))
    await env.work()
    obj = {"string": alice.uri, "list": [alice.uri], "object": {"id": alice.uri, "type": "Person"}}[shape]
    await deliver(env, alice, {"@context": [AS, "https://w3id.org/security/v1"], "id": f"{alice.uri}#delete",
                               "type": ["Delete"], "actor": alice.uri, "to": PUBLIC, "object": obj})
    await env.work()
    assert not await Follower.filter(actor_uri=alice.uri).exists()
    assert (await RemoteActor.get(uri=alice.uri)).gone


ACTOR_DOC_SHAPES = {
    "type": {"string": "Person", "list": ["Person"], "prefixed": "as:Service", "with_extension": ["Person", "ex:Bot"]},
    "publicKey": {"object": "object", "list": "list", "second": "second"},
    "owner": {"string": "string", "object": "object"},
    "name": {"string": "string", "map": "map"},
}


def _actor_document(user: RemoteUser, kind, key_shape: str, owner_shape: str, name_shape: str) -> dict:
    doc = user.actor_document()
    doc["type"] = kind
    key = dict(doc["publicKey"])
    key["owner"] = user.uri if owner_shape == "string" else {"id": user.uri, "type": "Person"}
    other = {"id": f"{user.uri}#ed25519-key", "owner": user.uri, "type": "Multikey",
             "publicKeyMultibase": "z6Mkabc"}  # FEP-521a: a second key, not ours to use
    doc["publicKey"] = {"object": key, "list": [key], "second": [other, key]}[key_shape]
    if name_shape == "map":
        del doc["name"]
        doc["nameMap"] = {"tr": f"Name {user.name}"}
    else:
        doc["name"] = f"Name {user.name}"
    return doc


async def test_actor_documents_in_every_shape_give_their_key(env):
    peer = env.fediverse.add(FakePeer("shapes.test", "mastodon"))
    combinations = shapes.combos(*ACTOR_DOC_SHAPES.values())
    for n, ((tname, kind), (kname, key_shape), (oname, owner_shape), (nname, name_shape)) in enumerate(combinations):
        user = peer.user(f"u{n}", key=session_key(7))
        peer.documents[user.uri] = _actor_document(user, kind, key_shape, owner_shape, name_shape)
        await deliver(env, user, follow(user, ORG), f"{tname}/{kname}/{oname}/{nname}")
    await env.work()
    for n, _ in enumerate(combinations):
        user = peer.users[f"u{n}"]
        actor = await RemoteActor.get(uri=user.uri)
        assert (actor.key_id, actor.inbox, actor.name) == (user.key_id, user.inbox, f"Name {user.name}")
        assert actor.kind in ("Person", "Service")
        assert (await Follower.get(actor_uri=user.uri)).inbox == user.inbox


async def test_actor_updates_in_every_shape(env):
    alice = env.alice
    await deliver(env, alice, follow(alice, ORG))
    await env.work()
    for n, ((tname, kind), (oname, shape)) in enumerate(shapes.combos(
            shapes.type_shapes("Update"), {"embedded": "object", "list": "objects"})):
        doc = {k: v for k, v in alice.actor_document().items() if k != "@context"}
        del doc["name"]
        doc["nameMap"] = {"de": f"Alice {n}", "en": "Alice (en)"}
        doc["type"] = ["Person"]
        await deliver(env, alice, {"@context": AS, "id": f"{alice.uri}#updates/{n}", "type": kind,
                                   "actor": alice.uri, "object": [doc] if shape == "objects" else doc})
        await env.work()
        assert (await RemoteActor.get(uri=alice.uri)).name == f"Alice {n}", (tname, oname)

    before = ignored_count("bad_actor_document")
    doc = {k: v for k, v in alice.actor_document().items() if k not in ("@context", "inbox")}
    await deliver(env, alice, {"@context": AS, "id": f"{alice.uri}#updates/no-inbox", "type": "Update",
                               "actor": alice.uri, "object": doc})
    await env.work()  # done, not retried
    assert ignored_count("bad_actor_document") == before + 1
    assert (await RemoteActor.get(uri=alice.uri)).inbox == alice.inbox
