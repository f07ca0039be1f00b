"""node.services.keys: show and rotate signing keys, called as ``aan keys`` calls them (both databases).

That a follower's server keeps verifying us after a rotation, across real processes, is
tests/test_ops_keys.py; here: what the use cases write and return."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import make_node_config

from node import errors
from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.keys import load_private_key
from node.cli._base import open_node
from node.ops.keys import actors_version
from node.services import keys
from node.storage import jobs
from node.storage.models import Activity, FanoutJob, Follower, LocalActor


@pytest.fixture
async def node(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path)
    async with open_node(config) as opened:
        yield opened


async def test_show_lists_each_actors_key_id_and_fingerprint(node):
    shown = await keys.show(node)
    rows = {row.username: row for row in await LocalActor.all()}
    assert sorted(rows) == sorted(["alerts", INSTANCE_USERNAME])
    assert shown == [(node.key_id(name), keys.fingerprint(rows[name].public_key_pem)) for name in sorted(rows)]
    assert node.urls.instance_key_id in dict(shown) and node.urls.key_id("alerts") in dict(shown)
    assert all(fingerprint.startswith("SHA256:") and len(fingerprint) == 7 + 64 for _, fingerprint in shown)
    assert shown[0][1] != shown[1][1]


async def test_rotate_replaces_the_key_and_queues_an_update_after_the_delay(node):
    org = node.org
    await Follower.create(local_actor=org, actor_uri="https://peer.example/users/a",
                          inbox="https://peer.example/users/a/inbox", follow_id="https://peer.example/f/1")
    old_pem = org.public_key_pem
    version = await actors_version()
    start = jobs.now()
    actor, old, told = await keys.rotate(node, "alerts", delay=60)
    stored = await LocalActor.get(username="alerts")
    assert old == keys.fingerprint(old_pem) and told == 1
    assert stored.public_key_pem == actor.public_key_pem != old_pem
    assert load_private_key(stored.private_key_pem) is not None and node.org.public_key_pem == stored.public_key_pem
    assert await actors_version() != version  # every other process reloads its actors
    update = await Activity.get(actor=stored, type="Update")
    job = await FanoutJob.get(activity=update)
    assert job.status == "pending" and job.next_try >= start + timedelta(seconds=59)
    assert dict(await keys.show(node))[node.urls.key_id("alerts")] == keys.fingerprint(stored.public_key_pem)


async def test_rotating_the_instance_actor_tells_nobody(node):
    _, _, told = await keys.rotate(node, INSTANCE_USERNAME, delay=0)
    assert told == 0 and not await Activity.filter(type="Update").exists()


async def test_rotating_an_unknown_actor_changes_nothing(node):
    version = await actors_version()
    with pytest.raises(errors.NotFound):
        await keys.rotate(node, "nobody", delay=0)
    assert await actors_version() == version and not await Activity.all().exists()
