"""node.services.follows: follow, unfollow, following, followers, received, deliveries (as `aan follow` ... call them).

The remote account is a fake Mastodon (tests/peers.py, built from documented payloads): no real one runs here.
"""

from __future__ import annotations

import orjson
import pytest
from conftest import make_node_config
from peers import FakePeer, Fediverse

from node import errors
from node.activitypub.delivery import fanout_once
from node.cli._base import open_config
from node.service import Node
from node.services import follows
from node.storage.models import Activity, Follower, Following, RemoteObject


@pytest.fixture
async def world(db_url, tmp_path):
    peer = FakePeer("social.example")
    kim = peer.user("kim")
    fediverse = Fediverse(peer)
    config = await make_node_config(db_url, tmp_path)
    node = Node(config, http=fediverse.client())
    await node.open()
    try:
        yield node, peer, kim
    finally:
        await node.close()
        await node.http.aclose()


async def test_follow_queues_a_follow_to_the_remote_inbox_and_unfollow_undoes_it(world):
    node, peer, kim = world
    target = await follows.follow(node, kim.uri)
    assert target.uri == kim.uri
    [row] = await follows.following(node)
    assert (row.target_uri, row.state) == (kim.uri, "pending")
    follow = await Activity.get(type="Follow")
    assert orjson.loads(follow.body)["object"] == kim.uri

    await fanout_once(node, "test")  # the follow becomes a delivery to kim's inbox, listed per host
    [group] = await follows.deliveries(node)
    assert group.host == "social.example" and [d.inbox for d in group.deliveries] == [kim.inbox]
    assert group.parked_until is None and await follows.deliveries(node, failed=True) == []

    await follows.unfollow(node, kim.uri)
    assert await follows.following(node) == [] and await Following.all().count() == 0
    undo = orjson.loads((await Activity.get(type="Undo")).body)
    assert undo["object"]["id"] == orjson.loads(follow.body)["id"]
    with pytest.raises(errors.NotFound):
        await follows.unfollow(node, kim.uri)


async def test_an_account_that_cannot_be_found_is_a_remote_failure_and_changes_nothing(world):
    node, peer, kim = world
    with pytest.raises(errors.RemoteFailure) as caught:
        await follows.follow(node, "https://nowhere.example/users/x")
    assert caught.value.detail.startswith("cannot resolve https://nowhere.example/users/x")
    assert caught.value.public == "the account could not be found"
    with pytest.raises(errors.RemoteFailure):
        await follows.follow(node, "@nobody@social.example")
    assert await Following.all().count() == 0 and await Activity.all().count() == 0


async def test_followers_are_grouped_per_host_and_received_hides_deleted_objects(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path)
    node = await open_config(config)  # as the CLI opens it
    try:
        for uri in ("https://b.example/users/1", "https://a.example/users/2", "https://b.example/users/3"):
            await Follower.create(local_actor=node.org, actor_uri=uri, inbox=uri + "/inbox", follow_id=uri + "#f")
        grouped = await follows.followers(node)
        assert list(grouped) == ["a.example", "b.example"]
        assert [f.actor_uri for f in grouped["b.example"]] == ["https://b.example/users/1",
                                                               "https://b.example/users/3"]
        await RemoteObject.create(uri="https://a.example/n/1", actor_uri="https://a.example/users/2", type="Note",
                                  data={"content": "kept"})
        await RemoteObject.create(uri="https://a.example/n/2", actor_uri="https://a.example/users/2", type="Note",
                                  data={"content": "gone"}, deleted=True)
        assert [r.uri for r in await follows.received(node)] == ["https://a.example/n/1"]
        assert [r.uri for r in await follows.received(node, include_deleted=True)] == [
            "https://a.example/n/1", "https://a.example/n/2"]
    finally:
        await node.close()
