"""The POST inbox, in process, against fake Mastodon / GoToSocial / Misskey / Fedify peers.

Each test builds a node on ``db_url`` (SQLite and PostgreSQL) the way ``aan init``
does, runs the real app through its lifespan with ``run_workers=False`` and
talks to it over ``httpx.ASGITransport``. The node's own GETs (key fetches) go
to the fake peers of ``tests/peers.py`` through an ``httpx.MockTransport``.

The node runs in production mode (``insecure_http=False``): its ids are
``https://node.test/...`` and the SSRF guard stays on (https only, every
resolved address must be public). The peers' ``.test`` names do not resolve,
so the event loop's ``getaddrinfo`` is replaced for this test by a table that
maps them to a public address (and ``evil.test`` to 127.0.0.1); every other
name, such as the PostgreSQL host, goes to the real resolver.

The inbox worker and the fan-out are run by hand (``inbox_once``, ``fanout_once``);
delivery itself is not (the Deliverer uses aiohttp, which the MockTransport cannot
serve), so the Accept is checked on its ``Activity`` and ``Delivery`` rows and
then POSTed to the peer with exactly the headers ``Deliverer.send`` builds.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpsig
import httpx
import orjson
import pytest
from conftest import app_client, example_alert, make_node_config
from fake_dns import FakeDNS
from peers import (
    ACTIVITY_JSON,
    FakePeer,
    Fediverse,
    RemoteUser,
    announce,
    body_of,
    create,
    delete_actor,
    flip_signature_byte,
    follow,
    gotosocial_post,
    like,
    mastodon_post,
    note,
    reply,
    session_key,
    undo,
)
from peers import SIGNERS as PEER_SIGNERS

from node.activitypub import outbox
from node.activitypub.delivery import fanout_once
from node.activitypub.handlers import inbox_once
from node.activitypub.keys import public_key_pem
from node.activitypub.signatures import sign_headers
from node.storage.models import (
    Activity,
    Delivery,
    Follower,
    InboxItem,
    Interaction,
    RemoteActor,
    RemoteObject,
)

DOMAIN = "node.test"
BASE = f"https://{DOMAIN}"
ORG = f"{BASE}/actors/alerts"
ORG_INBOX = f"{ORG}/inbox"
SHARED_INBOX = f"{BASE}/inbox"
INSTANCE_KEY_ID = f"{BASE}/actor#main-key"
SIGNERS = {**PEER_SIGNERS, "keydoc": mastodon_post}


@dataclass
class Env:
    node: object
    client: httpx.AsyncClient
    fediverse: Fediverse
    alert_url: str

    def user(self, host: str, name: str) -> RemoteUser:
        return self.fediverse.peers[host].users[name]

    @property
    def alice(self) -> RemoteUser:
        return self.user("mastodon.test", "alice")

    @property
    def bob(self) -> RemoteUser:
        return self.user("gts.test", "bob")

    async def raw(self, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return await self.client.post(path, content=body, headers=headers)

    async def send(self, user: RemoteUser, activity: dict, *, style: str = "mastodon",
                   url: str = ORG_INBOX, **sign) -> httpx.Response:
        body = body_of(activity)
        return await self.raw(url, body, SIGNERS[style](user, url, body, **sign))

    async def accepted(self, user: RemoteUser, activity: dict, **kw) -> None:
        response = await self.send(user, activity, **kw)
        assert response.status_code == 202, response.text

    async def work(self) -> None:
        """Run the inbox worker and the fan-out until both are idle; no handler may fail."""
        while await inbox_once(self.node, "test-worker") + await fanout_once(self.node, "test-worker"):
            pass
        failed = await InboxItem.exclude(status="done").values_list("activity_id", "last_error")
        assert not failed, failed


async def inbox_rows() -> int:
    return await InboxItem.all().count()


def build_fediverse() -> Fediverse:
    mastodon = FakePeer("mastodon.test", "mastodon")
    mastodon.user("alice")
    mastodon.user("dave")
    mastodon.user("ghost", status=404)
    mastodon.user("gone", status=410)
    gts = FakePeer("gts.test", "gotosocial")
    gts.user("bob")
    misskey = FakePeer("misskey.test", "misskey")
    misskey.user("9kx2a")
    fedify = FakePeer("fedify.test", "fedify")
    fedify.user("erin")
    keys = FakePeer("keys.test", "keydoc")
    keys.user("carol")
    evil = FakePeer("evil.test", "mastodon")
    evil.user("mallory")
    down = FakePeer("down.test", "mastodon")
    down.user("dan")
    return Fediverse(mastodon, gts, misskey, fedify, keys, evil, down)


@pytest.fixture
async def env(db_url, tmp_path, monkeypatch):
    fediverse = build_fediverse()
    # fake DNS for the peers' names (evil.test is loopback); anything else resolves for real
    FakeDNS.public(fediverse.peers, loopback=["evil.test"]).install(monkeypatch)

    # As `aan init`, with session keys instead of two fresh RSA keys per test.
    config = await make_node_config(db_url, tmp_path, domain=DOMAIN, insecure=False, name="Press Freedom Org",
                                    keys=(session_key(1), session_key(2)))

    async with fediverse.client(guard=False) as http, app_client(config, http=http) as client:
        node = client.node
        alert = await outbox.publish_alert(node.org, node.urls, example_alert())
        await fanout_once(node, "setup")
        yield Env(node, client, fediverse, node.urls.alert(alert.id))


# --- accepted ----------------------------------------------------------------------------

ACCEPTED = {
    # style: (peer host, user, GETs for the first key lookup)
    "mastodon": ("mastodon.test", "alice", 1),
    "gotosocial": ("gts.test", "bob", 2),  # stub actor at the keyId, then the actor
    "misskey": ("misskey.test", "9kx2a", 1),
    "httpsig": ("mastodon.test", "dave", 1),
    "rfc9421": ("fedify.test", "erin", 1),
    "keydoc": ("keys.test", "carol", 2),  # standalone key document, then its owner
}


@pytest.mark.parametrize("style", ACCEPTED)
async def test_signed_follow_is_accepted_once(env, style):
    host, name, key_gets = ACCEPTED[style]
    user = env.user(host, name)
    peer = env.fediverse.peers[host]
    activity = follow(user, ORG)
    # A query string in the URL: Mastodon signs it, Misskey (path only) does not; both verify.
    url = f"{ORG_INBOX}?via=test"

    first = await env.send(user, activity, style=style, url=url)
    assert first.status_code == 202, first.text
    assert len(peer.gets) == key_gets
    assert all(f'keyId="{INSTANCE_KEY_ID}"' in g.headers["signature"] for g in peer.gets)
    again = await asyncio.gather(*(env.send(user, activity, style=style, url=url) for _ in range(2)))
    assert [r.status_code for r in again] == [202, 202]
    assert len(peer.gets) == key_gets, "the key is cached after the first request"

    rows = await InboxItem.all().values("activity_id", "actor_uri", "body", "status")
    assert len(rows) == 1
    assert (rows[0]["activity_id"], rows[0]["actor_uri"]) == (activity["id"], user.uri)
    assert orjson.loads(rows[0]["body"]) == activity

    await env.work()
    follower = await Follower.get(actor_uri=user.uri)
    assert follower.inbox == user.inbox
    assert follower.shared_inbox == user.peer.shared_inbox  # None for GoToSocial
    assert follower.follow_id == activity["id"]


# --- side effects (inbox worker) -------------------------------------------------------------


async def test_follow_records_follower_and_queues_accept(env):
    node, alice = env.node, env.alice
    activity = follow(alice, ORG)
    await env.accepted(alice, activity)
    await env.work()

    follower = await Follower.get(actor_uri=alice.uri).prefetch_related("local_actor")
    assert follower.local_actor.username == "alerts"
    assert (follower.inbox, follower.shared_inbox) == (alice.inbox, "https://mastodon.test/inbox")

    accept = await Activity.get(type="Accept").prefetch_related("actor")
    assert accept.actor.username == "alerts"  # the Deliverer signs with this actor's key
    assert node.key_id(accept.actor.username) == f"{ORG}#main-key"
    assert accept.object_uri == activity["id"]
    body = orjson.loads(accept.body)
    assert body["actor"] == ORG and body["id"] == accept.uri and body["id"].startswith(f"{BASE}/activities/")
    assert body["@context"] == "https://www.w3.org/ns/activitystreams"
    assert body["object"] == {k: v for k, v in activity.items() if k != "@context"}

    deliveries = await Delivery.filter(activity_id=accept.id).values_list("inbox", "host", "status")
    assert deliveries == [(alice.inbox, "mastodon.test", "pending")]  # the personal inbox

    # Send it as Deliverer.send would; Mastodon checks it against our published key.
    inbox, payload = deliveries[0][0], accept.body.encode()
    headers = sign_headers("POST", inbox, key_id=node.key_id("alerts"), private_key=node.keys["alerts"],
                           body=payload)
    assert (await node.http.post(inbox, content=payload, headers=headers)).status_code == 202
    received = env.fediverse.peers["mastodon.test"].posts[-1]
    assert received.url == alice.inbox and received.json() == body
    actor_doc = (await env.client.get("/actors/alerts", headers={"Accept": ACTIVITY_JSON})).json()
    assert actor_doc["publicKey"]["id"] == received.headers["signature"].split('"')[1]
    assert httpsig.HeaderVerifier(
        headers=dict(received.headers), secret=actor_doc["publicKey"]["publicKeyPem"], method="POST",
        path=urlsplit(inbox).path, sign_header="signature",
        required_headers=["(request-target)", "host", "date", "digest"],
    ).verify()

    # Mastodon re-sends Follow with a new id (5.3): still one follower, a second Accept.
    again = follow(alice, ORG)
    await env.accepted(alice, again)
    await env.work()
    assert await Follower.filter(actor_uri=alice.uri).values_list("follow_id", flat=True) == [again["id"]]
    assert await Activity.filter(type="Accept").count() == 2


async def test_undo_follow_removes_follower(env):
    alice = env.alice
    activity = follow(alice, ORG)
    await env.accepted(alice, activity)
    await env.work()
    assert await Follower.filter(actor_uri=alice.uri).exists()

    await env.accepted(alice, undo(alice, activity))
    await env.work()
    assert not await Follower.filter(actor_uri=alice.uri).exists()


async def test_like_and_announce_recorded_and_undo_like_removes(env):
    alice, bob = env.alice, env.bob
    liked = like(alice, env.alert_url)
    boosted = announce(bob, env.alert_url, ORG)
    await env.accepted(alice, liked)
    await env.accepted(bob, boosted, style="gotosocial", url=SHARED_INBOX)
    await env.accepted(alice, like(alice, "https://elsewhere.test/statuses/1"))  # not ours: ignored
    await env.work()
    rows = await Interaction.all().order_by("id").values_list("activity_id", "kind", "actor_uri", "object_uri")
    assert rows == [(liked["id"], "Like", alice.uri, env.alert_url),
                    (boosted["id"], "Announce", bob.uri, env.alert_url)]

    await env.accepted(alice, undo(alice, liked))
    await env.work()
    assert await Interaction.all().values_list("kind", flat=True) == ["Announce"]


async def test_reply_to_our_alert_is_stored(env):
    alice = env.alice
    activity = reply(alice, env.alert_url, ORG)
    await env.accepted(alice, activity, url=SHARED_INBOX)
    await env.work()
    stored = await RemoteObject.get(uri=activity["object"]["id"])
    assert (stored.actor_uri, stored.type, stored.in_reply_to) == (alice.uri, "Note", env.alert_url)
    assert stored.data == activity["object"] and not stored.deleted


async def test_create_from_unfollowed_actor_that_is_no_reply_is_dropped(env):
    alice = env.alice
    await env.accepted(alice, create(alice, note(alice)), url=SHARED_INBOX)
    await env.accepted(alice, create(alice, note(alice, in_reply_to="https://mastodon.test/users/x/statuses/1")),
                       url=SHARED_INBOX)
    await env.work()
    assert await InboxItem.filter(status="done").count() == 2
    assert await RemoteObject.all().count() == 0


@pytest.mark.parametrize("kind", ["Move", "Foo"])
async def test_unknown_type_is_acknowledged_and_ignored(env, kind):
    alice = env.alice
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{alice.uri}#x/{kind}",
                "type": kind, "actor": alice.uri, "object": alice.uri, "target": f"{alice.uri}-new"}
    await env.accepted(alice, activity)
    await env.work()
    assert await InboxItem.filter(status="done").values_list("activity_id", flat=True) == [activity["id"]]
    for model in (Follower, Interaction, RemoteObject, Activity):
        query = model.exclude(type="Create") if model is Activity else model.all()
        assert await query.count() == 0, model.__name__


async def test_delete_of_the_actor_removes_follower(env):
    alice = env.alice
    await env.accepted(alice, follow(alice, ORG))
    await env.work()
    assert await Follower.filter(actor_uri=alice.uri).exists()

    await env.accepted(alice, delete_actor(alice), url=SHARED_INBOX)
    await env.work()
    assert not await Follower.filter(actor_uri=alice.uri).exists()
    assert (await RemoteActor.get(uri=alice.uri)).gone


# --- rejections: status, a reason in the body, nothing stored ----------------------------------


async def _bad_signature(env):
    body = body_of(follow(env.alice, ORG))
    return await env.raw(ORG_INBOX, body, flip_signature_byte(mastodon_post(env.alice, ORG_INBOX, body)))


async def _stale_date(env):
    return await env.send(env.alice, follow(env.alice, ORG), now=datetime.now(UTC) - timedelta(hours=2))


async def _wrong_digest(env):
    activity = follow(env.alice, ORG)
    headers = mastodon_post(env.alice, ORG_INBOX, body_of(activity))
    return await env.raw(ORG_INBOX, body_of({**activity, "object": f"{BASE}/actors/other"}), headers)


async def _actor_is_not_key_owner(env):
    body = body_of(follow(env.alice, ORG))  # alice's Follow, signed by bob's key
    return await env.raw(ORG_INBOX, body, gotosocial_post(env.bob, ORG_INBOX, body))


async def _unsigned(env):
    headers = {"Content-Type": ACTIVITY_JSON, "Date": datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")}
    return await env.raw(ORG_INBOX, body_of(follow(env.alice, ORG)), headers)


async def _oversized(env):
    return await env.send(env.alice, create(env.alice, note(env.alice, content="x" * 1_000_001)),
                          url=SHARED_INBOX)


async def _oversized_chunked(env):
    """No Content-Length: the limit is enforced while the body streams in."""
    activity = create(env.alice, note(env.alice, content="x" * 1_000_001))
    body = body_of(activity)

    async def chunks():
        for start in range(0, len(body), 64 * 1024):
            yield body[start:start + 64 * 1024]

    headers = mastodon_post(env.alice, SHARED_INBOX, body)
    return await env.client.post("/inbox", content=chunks(), headers=headers)


async def _malformed_json(env):
    body = b'{"id": "https://mastodon.test/1", "type": "Follow",'
    return await env.raw(ORG_INBOX, body, mastodon_post(env.alice, ORG_INBOX, body))


async def _too_deep(env):
    alice = env.alice
    body = (b'{"id": "%s#deep", "type": "Create", "actor": "%s", "object": %s%s}'
            % (alice.uri.encode(), alice.uri.encode(), b"[" * 40, b"]" * 40))
    return await env.raw(SHARED_INBOX, body, mastodon_post(alice, SHARED_INBOX, body))


async def _wrong_content_type(env):
    return await env.send(env.alice, follow(env.alice, ORG), content_type="text/plain")


async def _key_not_found(env):
    ghost = env.user("mastodon.test", "ghost")
    return await env.send(ghost, follow(ghost, ORG))


async def _key_gone(env):
    gone = env.user("mastodon.test", "gone")
    return await env.send(gone, follow(gone, ORG))


async def _object_on_another_host(env):
    alice = env.alice
    foreign = note(alice, id="https://gts.test/users/bob/statuses/1", in_reply_to=env.alert_url)
    return await env.send(alice, create(alice, foreign), url=SHARED_INBOX)


async def _key_on_private_address(env):
    mallory = env.user("evil.test", "mallory")
    return await env.send(mallory, follow(mallory, ORG))


CONNECT_ERROR = "[Errno 111] Connect call failed ('10.9.8.7', 443)"


async def _key_malformed(env):
    peer = env.fediverse.peers["mastodon.test"]
    broken = peer.user("broken")
    document = broken.actor_document()
    document["publicKey"] = {**document["publicKey"], "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nnot a key"}
    peer.documents[broken.uri] = document
    return await env.send(broken, follow(broken, ORG))


async def _key_host_unreachable(env):
    dan = env.user("down.test", "dan")
    env.fediverse.unreachable["down.test"] = CONNECT_ERROR
    return await env.send(dan, follow(dan, ORG))


REJECTIONS = {
    "bad signature": (_bad_signature, 401, "signature does not verify"),
    "stale Date": (_stale_date, 401, "Date outside the acceptable window"),
    "wrong digest": (_wrong_digest, 401, "Digest does not match body"),
    "actor is not the key owner": (_actor_is_not_key_owner, 401, "is not the activity actor"),
    "unsigned": (_unsigned, 401, "no Signature header"),
    "over 1 MB": (_oversized, 413, "larger than 1 MB"),
    "over 1 MB, chunked": (_oversized_chunked, 413, "larger than 1 MB"),
    "malformed JSON": (_malformed_json, 400, "malformed JSON"),
    "nested deeper than 32": (_too_deep, 400, "nested deeper than 32"),
    "wrong content type": (_wrong_content_type, 415, "unsupported content type 'text/plain'"),
    "key fetch 404": (_key_not_found, 401, "cannot fetch the key"),
    "key fetch 410": (_key_gone, 401, "cannot fetch the key"),
    "object on another host": (_object_on_another_host, 400, "object id is not on the actor's host"),
    "key on a private address": (_key_on_private_address, 401, "cannot fetch the key"),
    "key host unreachable": (_key_host_unreachable, 401, "cannot fetch the key"),
    "key malformed": (_key_malformed, 401, "cannot use the key"),
}
# What the log says (with the activity id) while the sender is told only "cannot fetch the key".
KEY_DETAIL = {"key fetch 404": ": not found", "key fetch 410": ": gone",
              "key on a private address": "refusing private or loopback address 127.0.0.1",
              "key host unreachable": CONNECT_ERROR, "key malformed": "malformed public key PEM"}


@pytest.mark.parametrize("case", REJECTIONS)
async def test_rejected_and_nothing_stored(env, case, caplog):
    make, status, reason = REJECTIONS[case]
    with caplog.at_level("INFO", logger="aan.inbox"):
        response = await make(env)
    assert response.status_code == status, response.text
    assert reason in response.json()["error"]
    if case.startswith("key "):
        # a fixed reason: nothing of what our resolver and network saw reaches the sender
        assert response.json() == {"error": reason}
        assert not any(text in response.text for text in ("127.0.0.1", "10.9.8", "Errno", "Error", "refusing"))
        rejected = [r for r in caplog.records if r.name == "aan.inbox" and "inbox rejected" in r.getMessage()]
        assert len(rejected) == 1 and KEY_DETAIL[case] in rejected[0].getMessage()
        assert getattr(rejected[0], "activity", "").startswith("https://"), "the log line names the activity"
    assert await inbox_rows() == 0


# --- keys ----------------------------------------------------------------------------------


async def test_rotated_key_is_refetched_once(env):
    alice = env.alice
    peer = env.fediverse.peers["mastodon.test"]
    old_key = alice.key
    await env.accepted(alice, follow(alice, ORG))
    assert peer.gets_of(alice.uri) == 1  # cached now, in memory and in remote_actors

    alice.rotate_key(session_key(3))
    await env.accepted(alice, like(alice, env.alert_url))
    assert peer.gets_of(alice.uri) == 2, "one refetch after the cached key failed"
    await env.accepted(alice, like(alice, env.alert_url))
    assert peer.gets_of(alice.uri) == 2, "the new key is cached"
    stored = await RemoteActor.get(uri=alice.uri)
    assert stored.public_key_pem == alice.public_key()["publicKeyPem"]

    stale = await env.send(alice, like(alice, env.alert_url), key=old_key)
    assert stale.status_code == 401 and "does not verify" in stale.json()["error"]
    assert await inbox_rows() == 3  # the Follow and two Likes


# --- regressions: forged keys, squatted ids ------------------------------------------------


async def test_key_document_on_another_host_cannot_claim_an_actor(env):
    """A keyId on attacker.test answering with an actor document whose ``id`` is alice's.

    The document only names an owner: alice's real actor is fetched from its own id,
    does not list the attacker's key, and nothing of alice's is overwritten.
    """
    alice = env.alice
    attacker = env.fediverse.add(FakePeer("attacker.test", "mastodon"))
    forged_key = session_key(3)
    key_url = "https://attacker.test/key"
    attacker.documents[key_url] = {
        **alice.actor_document(), "inbox": "https://attacker.test/inbox",
        "publicKey": {"id": key_url, "owner": alice.uri, "publicKeyPem": public_key_pem(forged_key)},
    }
    response = await env.send(alice, like(alice, env.alert_url), key_id=key_url, key=forged_key)
    assert response.status_code == 401
    assert await inbox_rows() == 0
    cached = await RemoteActor.filter(uri=alice.uri).first()
    assert cached is None or cached.inbox == alice.inbox


async def test_key_document_without_owner_uri_is_a_401(env):
    odd = env.fediverse.add(FakePeer("odd.test", "keydoc"))
    key_url = "https://odd.test/keys/x"
    odd.documents[key_url] = {"id": key_url, "owner": {"name": "no id"}, "publicKeyPem": "-----BEGIN"}
    alice = env.alice
    response = await env.send(alice, like(alice, env.alert_url), key_id=key_url, key=session_key(3))
    assert response.status_code == 401
    assert await inbox_rows() == 0


async def test_activity_id_of_another_host_cannot_be_squatted(env):
    alice, bob = env.alice, env.bob
    liked = like(alice, env.alert_url)
    squat = {**liked, "actor": bob.uri}  # bob, correctly signed, reuses alice's (future) Like id
    await env.send(bob, squat, style="gotosocial")
    await env.send(alice, liked)
    await env.work()
    assert await Interaction.filter(actor_uri=alice.uri, activity_id=liked["id"]).exists()
