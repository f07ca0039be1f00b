"""node.services.alerts: publish, update, delete, pin/unpin, list (as `aan alert ...` and the web views call them)."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from node import errors
from node.media import media_dir
from node.services import alerts
from node.storage.models import Activity, Alert, Draft, FanoutJob, Media

pytest_plugins = ("service_support",)  # the node fixture, opened as the CLI opens it


async def test_publish_stores_the_alert_and_queues_create_and_refuses_a_duplicate(node, example_alert):
    row = await alerts.publish(node, example_alert)
    assert (await Alert.get(id=row.id)).headline == example_alert.headline
    create = await Activity.get(type="Create")
    assert orjson.loads(create.body)["object"]["id"] == node.urls.alert(row.id)
    assert await FanoutJob.filter(activity=create).count() == 1
    with pytest.raises(errors.Conflict):
        await alerts.publish(node, example_alert)
    assert await Alert.all().count() == 1
    again = await alerts.publish(node, example_alert, force=True)
    assert again.id != row.id and await Alert.all().count() == 2


async def test_update_by_url_replaces_the_alert_and_queues_update(node, example_alert):
    row = await alerts.publish(node, example_alert)
    changed = dataclasses.replace(example_alert, headline="Reporter released")
    updated = await alerts.update(node, node.urls.alert(row.id), changed)
    assert updated.id == row.id and (await Alert.get(id=row.id)).headline == "Reporter released"
    update = await Activity.get(type="Update")
    assert orjson.loads(update.body)["object"]["id"] == node.urls.alert(row.id)
    with pytest.raises(errors.NotFound):
        await alerts.update(node, "nosuchalert", changed)


async def test_delete_removes_images_and_unfinished_edits(node, example_alert):
    row = await alerts.publish(node, example_alert)
    path = media_dir(node.config.data_dir) / "x.png"
    path.write_bytes(b"png")
    await Media.create(id="m1", alert_id=row.id, filename="x.png", content_type="image/png", alt_text="a",
                       width=1, height=1, size=3)
    await Draft.create(id="d1", alert_id=row.id, state="draft", data={})
    deleted = await alerts.delete(node, row.id)
    assert deleted.deleted_at is not None and (await Alert.get(id=row.id)).deleted_at is not None
    assert await Activity.filter(type="Delete").count() == 1
    assert not path.exists() and not await Media.exists() and not await Draft.exists()
    with pytest.raises(errors.Gone):
        await alerts.delete(node, row.id)
    assert await Activity.filter(type="Delete").count() == 1


async def test_pin_and_unpin_feature_the_alert_and_tell_followers(node, example_alert):
    row = await alerts.publish(node, example_alert)
    assert (await alerts.pin(node, row.id)).featured
    assert (await Alert.get(id=row.id)).featured
    assert await Activity.filter(type="Update").count() == 1  # Update(actor): the featured collection changed
    assert not (await alerts.unpin(node, node.urls.alert(row.id))).featured
    assert not (await Alert.get(id=row.id)).featured
    with pytest.raises(errors.NotFound):
        await alerts.pin(node, "nosuchalert")


async def test_list_is_newest_first_with_deleted_ones_and_their_state(node, example_alert):
    first = await alerts.publish(node, example_alert)
    second = await alerts.publish(node, dataclasses.replace(example_alert, headline="Another"), force=True)
    await alerts.delete(node, first.id)
    rows = await alerts.list_alerts(node)
    assert [r.id for r in rows] == [second.id, first.id]
    assert [alerts.state(r) for r in rows] == ["published", "deleted"]


async def test_moderate_reply_only_for_replies_to_our_alerts(node, example_alert):
    from node.storage.models import RemoteObject

    row = await alerts.publish(node, example_alert)
    reply = await RemoteObject.create(uri="https://a.example/n/1", actor_uri="https://a.example/users/k",
                                      type="Note", in_reply_to=node.urls.alert(row.id), data={"content": "hi"})
    other = await RemoteObject.create(uri="https://a.example/n/2", actor_uri="https://a.example/users/k",
                                      type="Note", in_reply_to="https://elsewhere.example/x", data={})
    assert (await alerts.moderate_reply(node, reply.id, "approved")).moderation == "approved"
    assert (await RemoteObject.get(id=reply.id)).moderation == "approved"
    with pytest.raises(errors.Invalid):
        await alerts.moderate_reply(node, reply.id, "deleted")
    with pytest.raises(errors.NotFound):
        await alerts.moderate_reply(node, other.id, "approved")
    with pytest.raises(errors.NotFound):
        await alerts.moderate_reply(node, 999999, "approved")
    assert (await RemoteObject.get(id=reply.id)).moderation == "approved"
    assert (await RemoteObject.get(id=other.id)).moderation == "pending"
