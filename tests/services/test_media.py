"""node.services.media: store_upload, remove_media, clean_image, public_file (as the composer and /media call them)."""

from __future__ import annotations

import pytest
from webui_support import png_bytes

from node.media import media_dir
from node.services import alerts, drafts, media
from node.storage.models import Draft, Media

pytest_plugins = ("service_support",)  # the node fixture, opened as the CLI opens it


def test_clean_image_drops_metadata_scales_and_refuses_what_is_not_an_image():
    from PIL import Image

    clean = media.clean_image(png_bytes(3000, 1500, with_gps=True, fmt="JPEG"))
    assert (clean.content_type, clean.extension, clean.width, clean.height) == ("image/jpeg", "jpg", 2560, 1280)
    import io

    assert not Image.open(io.BytesIO(clean.data)).getexif()
    assert media.clean_image(png_bytes(10, 10), force_png=True).content_type == "image/png"
    with pytest.raises(media.MediaError):
        media.clean_image(b"GIF89a but not really")


async def test_store_upload_needs_alt_text_and_keeps_the_clean_file_with_the_draft(node):
    await Draft.create(id="d1", state="draft", data={})
    with pytest.raises(media.MediaError):
        await media.store_upload(node, png_bytes(), "   ", draft_id="d1")
    with pytest.raises(media.MediaError):
        await media.store_upload(node, b"not an image", "a photo", draft_id="d1")
    assert not await Media.exists() and list(media_dir(node.config.data_dir).iterdir()) == []
    row = await media.store_upload(node, png_bytes(), "  a   red  square ", draft_id="d1")
    assert row.alt_text == "a red square" and row.draft_id == "d1"
    path = media_dir(node.config.data_dir) / row.filename
    assert path.read_bytes().startswith(b"\x89PNG")
    await media.remove_media(node, row)
    assert not path.exists() and not await Media.exists()


async def test_public_file_serves_only_images_of_live_alerts(node, example_alert):
    await Draft.create(id="d1", state="draft", data={"alert": drafts.from_alert(example_alert)})
    row = await media.store_upload(node, png_bytes(), "a red square", draft_id="d1")
    assert await media.public_file(node, row.filename) is None  # a draft's image is not public
    alert = await drafts.publish_draft(node, "d1")
    path, content_type = await media.public_file(node, row.filename)
    assert path == media_dir(node.config.data_dir) / row.filename and content_type == "image/png"
    await alerts.delete(node, alert.id)
    assert await media.public_file(node, row.filename) is None


async def test_describe_remove_from_draft_and_staff_file(node, example_alert):
    await Draft.create(id="d1", state="draft", data={"alert": drafts.from_alert(example_alert)})
    row = await media.store_upload(node, png_bytes(), "a red square", draft_id="d1")
    with pytest.raises(media.MediaError):
        await media.describe(node, row, "  ")
    assert (await Media.get(id=row.id)).alt_text == "a red square"
    await media.describe(node, row, " a  blue square ")
    assert (await Media.get(id=row.id)).alt_text == "a blue square"
    path, content_type = await media.staff_file(node, row.id)  # drafts' images too, for staff
    assert path.name == row.filename and content_type == "image/png"
    assert await media.staff_file(node, "nosuchid") is None
    alert = await drafts.publish_draft(node, "d1")
    edit = await drafts.start_edit(node, alert.id, None)
    kept = await Media.get(id=row.id)
    await media.remove_from_draft(node, kept)  # on the published alert until the edit is saved
    kept = await Media.get(id=row.id)
    assert kept.draft_id is None and kept.alert_id == alert.id and path.exists()
    loose = await media.store_upload(node, png_bytes(), "another", draft_id=edit.id)
    await media.remove_from_draft(node, loose)
    assert not await Media.filter(id=loose.id).exists()
    assert await media.staff_file(node, loose.id) is None
