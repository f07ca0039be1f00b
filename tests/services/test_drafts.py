"""node.services.drafts: publish_draft, schedule, unschedule, start_edit, discard, delete_published, publish_due.

Called with the open node as the composer views and the workers' scheduler call them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import orjson
import pytest
from webui_support import png_bytes

from node import errors
from node.alerts import AlertError
from node.services import drafts, media
from node.storage.models import Activity, Alert, Draft, Media

pytest_plugins = ("service_support",)  # the node fixture, opened as the CLI opens it


async def _draft(example_alert, draft_id: str = "d1") -> Draft:
    return await Draft.create(id=draft_id, state="draft", data={"alert": drafts.from_alert(example_alert)})


async def test_publish_draft_publishes_once_with_its_images(node, example_alert):
    await _draft(example_alert)
    image = await media.store_upload(node, png_bytes(), "a red square", draft_id="d1")
    row = await drafts.publish_draft(node, "d1")
    assert (await Draft.get(id="d1")).state == "published" and (await Media.get(id=image.id)).alert_id == row.id
    note = orjson.loads((await Activity.get(type="Create")).body)["object"]
    assert note["attachment"][0]["name"] == "a red square"
    with pytest.raises(drafts.PublishError):
        await drafts.publish_draft(node, "d1")
    assert await Alert.all().count() == 1


async def test_an_incomplete_draft_is_refused_and_publishes_nothing(node, example_alert):
    await Draft.create(id="d1", state="draft", data={"alert": {"headline": "only a headline"}})
    with pytest.raises(AlertError):
        await drafts.publish_draft(node, "d1")
    assert (await Draft.get(id="d1")).state == "draft" and not await Alert.exists()


async def test_schedule_unschedule_and_publish_due(node, example_alert):
    draft = await _draft(example_alert)
    with pytest.raises(drafts.PublishError):
        await drafts.schedule(node, draft, datetime.now(UTC) - timedelta(minutes=1))
    when = datetime.now(UTC) + timedelta(hours=1)
    await drafts.schedule(node, draft, when)
    assert (await Draft.get(id="d1")).state == "scheduled"
    assert await drafts.publish_due(node) == 0  # not before its time
    await drafts.unschedule(node, draft)
    assert (await Draft.get(id="d1")).state == "draft" and await drafts.publish_due(node, now=when) == 0
    await drafts.schedule(node, draft, when)
    assert await drafts.publish_due(node, now=when + timedelta(seconds=1)) == 1
    assert (await Draft.get(id="d1")).state == "published" and await Alert.all().count() == 1


async def test_a_due_draft_that_became_invalid_goes_back_with_the_reason(node, example_alert):
    draft = await _draft(example_alert)
    await drafts.schedule(node, draft, datetime.now(UTC) + timedelta(hours=1))
    await Draft.filter(id="d1").update(data={"alert": {"headline": "broken"}})
    assert await drafts.publish_due(node, now=datetime.now(UTC) + timedelta(hours=2)) == 0
    back = await Draft.get(id="d1")
    assert back.state == "draft" and back.data["schedule_error"] and not await Alert.exists()


async def test_start_edit_reuses_its_draft_and_publishing_it_sends_update(node, example_alert):
    await _draft(example_alert)
    row = await drafts.publish_draft(node, "d1")
    edit = await drafts.start_edit(node, row.id, None)
    assert (await drafts.start_edit(node, row.id, None)).id == edit.id
    data = dict(edit.data["alert"], headline="Reporter released")
    await Draft.filter(id=edit.id).update(data={"alert": data})
    assert (await drafts.publish_draft(node, edit.id)).id == row.id
    assert (await Alert.get(id=row.id)).headline == "Reporter released"
    assert orjson.loads((await Activity.get(type="Update")).body)["object"]["id"] == node.urls.alert(row.id)
    with pytest.raises(errors.NotFound):
        await drafts.start_edit(node, "nosuchalert", None)


async def test_discard_keeps_a_published_alerts_images_and_delete_published_removes_them(node, example_alert):
    await _draft(example_alert)
    image = await media.store_upload(node, png_bytes(), "a red square", draft_id="d1")
    row = await drafts.publish_draft(node, "d1")
    edit = await drafts.start_edit(node, row.id, None)
    await drafts.discard(node, edit)
    assert not await Draft.filter(id=edit.id).exists() and await Media.filter(id=image.id).exists()
    other = await _draft(example_alert, "d2")
    loose = await media.store_upload(node, png_bytes(), "another", draft_id=other.id)
    await drafts.discard(node, other)
    assert not await Media.filter(id=loose.id).exists()
    await drafts.delete_published(node, row.id)
    assert (await Alert.get(id=row.id)).deleted_at is not None and not await Media.exists()
    assert await Activity.filter(type="Delete").count() == 1


async def test_create_keeps_incomplete_fields_as_a_draft(node):
    draft = await drafts.create(node, None, {"headline": "half written"})
    stored = await Draft.get(id=draft.id)
    assert stored.state == "draft" and stored.data == {"alert": {"headline": "half written"}}
    assert not await Alert.exists() and not await Activity.exists()
