"""Where images live and how they appear in documents: used by the protocol, the pages and the services.

Uploaded images and the profile's avatar and header are files in
``<data dir>/media/``. In a Note they are ``Image`` attachments with the alt
text as ``name`` (interop-mastodon.md 6.8), at most four; the header is an
``Image`` in the actor's ``image``, recorded in the ``header:<username>``
setting. Cleaning and storing uploads is :mod:`node.services.media`.
"""

from __future__ import annotations

from pathlib import Path

from node.storage.models import Media
from node.storage.settings import get_setting

MAX_ATTACHMENTS = 4


def media_dir(data_dir: Path) -> Path:
    path = Path(data_dir) / "media"
    path.mkdir(parents=True, exist_ok=True)
    return path


async def delete_media(data_dir: Path, media: Media) -> None:
    """Delete an image's file and row (the protocol's retraction purge and the media service use it)."""
    (media_dir(data_dir) / media.filename).unlink(missing_ok=True)
    await media.delete()


def attachment(url: str, media: Media) -> dict:
    doc = {"type": "Image", "mediaType": media.content_type, "url": url, "name": media.alt_text}
    if media.width and media.height:
        doc["width"], doc["height"] = media.width, media.height
    return doc


async def note_attachments(urls, alert_ids: list[str]) -> dict[str, list[dict]]:
    """The ``attachment`` list of each alert's Note (empty lists for alerts without images)."""
    result: dict[str, list[dict]] = {alert_id: [] for alert_id in alert_ids}
    if not alert_ids:
        return result
    for media in await Media.filter(alert_id__in=alert_ids).order_by("created_at", "id"):
        items = result.setdefault(media.alert_id, [])
        if len(items) < MAX_ATTACHMENTS:
            items.append(attachment(urls.media(media.filename), media))
    return result


async def header_image(urls, username: str) -> dict | None:
    value = await get_setting(f"header:{username}")
    if not isinstance(value, dict) or not value.get("filename"):
        return None
    return {"type": "Image", "mediaType": "image/png", "url": urls.media(value["filename"])}
