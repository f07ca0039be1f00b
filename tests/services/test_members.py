"""node.services.members: add, find, list, remove, called as ``aan member`` calls them: the Clearing House in
process (both databases), the member a real node on loopback."""

from __future__ import annotations

import socket

import pytest
from conftest import NodeProcess, make_node_config

from node import errors
from node.cli._base import open_node
from node.services import members
from node.storage.models import Activity, FanoutJob, Following, IndexedAlert, Member


@pytest.fixture(scope="module")
def member_node(tmp_path_factory):
    node = NodeProcess(tmp_path_factory.mktemp("member"), "member").init().start()
    yield node
    node.stop()


@pytest.fixture
async def ch(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path, role="clearinghouse")
    async with open_node(config, role="clearinghouse") as opened:
        yield opened


async def follows_sent(ch, type_: str) -> list[Activity]:
    return await Activity.filter(actor=ch.org, type=type_)


async def test_add_resolves_the_member_and_sends_a_follow(ch, member_node):
    added = await members.add(ch, member_node.handle)
    assert (added.actor_uri, added.handle, added.state) == (member_node.actor, member_node.handle, "pending")
    assert added.name == "member org"
    following = await Following.get(local_actor=ch.org, target_uri=member_node.actor)
    [follow] = await follows_sent(ch, "Follow")
    assert follow.object_uri == member_node.actor and following.follow_id == follow.uri
    assert await FanoutJob.filter(activity=follow).exists()  # queued for delivery
    assert await members.listing() == [{"handle": member_node.handle, "actor": member_node.actor,
                                        "name": "member org", "state": "pending", "alerts": 0}]
    # adding again (by its URL) updates the same member
    again = await members.add(ch, member_node.actor)
    assert again.id == added.id and await Member.all().count() == 1


async def test_find_by_handle_with_or_without_at_or_by_url(ch, member_node):
    added = await members.add(ch, member_node.handle)
    for text in (member_node.handle, member_node.handle.lstrip("@"), member_node.actor):
        assert (await members.find(text)).id == added.id
    with pytest.raises(errors.NotFound):
        await members.find("@alerts@nobody.test")


async def test_remove_unfollows_and_keeps_the_members_alerts(ch, member_node):
    added = await members.add(ch, member_node.handle)
    await IndexedAlert.create(uri=f"{member_node.base}/alerts/x", member=added, alert_type="alert", headline="h",
                              language="en", country="TR", incident_date="2026-11-20", note={},
                              published="2026-11-21T10:00:00+00:00")
    removed = await members.remove(ch, member_node.handle)
    assert removed.state == "removed" and (await Member.get(id=added.id)).state == "removed"
    assert not await Following.filter(target_uri=member_node.actor).exists()
    [undo] = await follows_sent(ch, "Undo")
    assert await FanoutJob.filter(activity=undo).exists()
    assert [row["state"] for row in await members.listing()] == ["removed"]
    assert await IndexedAlert.filter(member=added).count() == 1
    with pytest.raises(errors.NotFound):
        await members.remove(ch, "@alerts@nobody.test")


@pytest.mark.parametrize("target", ["not-a-handle", "@alerts@127.0.0.1:{port}"])
async def test_a_member_that_cannot_be_resolved_is_refused_and_nothing_is_recorded(ch, target):
    with socket.socket() as bound:  # bound, never listening: a connection to its port is refused
        bound.bind(("127.0.0.1", 0))
        with pytest.raises(errors.RemoteFailure, match="cannot resolve"):
            await members.add(ch, target.format(port=bound.getsockname()[1]))
    assert await Member.all().count() == 0 and not await Activity.all().exists()
