"""Images: uploaded with required alt text, cleaned, stored under the data directory, federated.

An upload is decoded with Pillow and written again from its pixels: that is
what checks it really is a JPEG, PNG, WebP or GIF (GIFs become PNGs), turns it
upright, scales it to at most 2560 pixels on the long side, and drops every
piece of metadata (EXIF, GPS position, camera serial numbers, comments) that
could endanger whoever took the photo.

Files live in ``<data dir>/media/`` under unguessable names. Until the alert
they belong to is published they are served only to signed-in staff
(``/admin/media/<id>``); afterwards at ``/media/<name>`` while the alert is
live. In the Note they are ``Image`` attachments with the alt text as
``name`` (interop-mastodon.md 6.8), at most four (:mod:`node.media`).
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from node import errors
from node.media import MAX_ATTACHMENTS, attachment, delete_media, media_dir, note_attachments
from node.storage.models import Alert, Media

if TYPE_CHECKING:
    from node.service import Node

MAX_UPLOAD = 16 * 1024 * 1024
MAX_SIDE = 2560
MAX_PIXELS = 40_000_000
MAX_ALT = 1500
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp"),
           "GIF": ("image/png", "png")}
ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


class MediaError(errors.Invalid):
    """The upload is not an image we accept; the message is an English msgid."""


@dataclass
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def clean_image(raw: bytes, *, max_side: int = MAX_SIDE, force_png: bool = False) -> CleanImage:
    """Decode ``raw`` and re-encode it without metadata; raises :class:`MediaError`."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # Pillow loads only when an image arrives

    if len(raw) > MAX_UPLOAD:
        raise MediaError("The image is larger than 16 MB.")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(raw))
            source_format = opened.format
            if source_format not in FORMATS:
                raise MediaError("Only JPEG, PNG, WebP and GIF images can be attached.")
            opened.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise MediaError("This file is not an image we can read (JPEG, PNG, WebP or GIF).") from None
    image: Image.Image = ImageOps.exif_transpose(opened) or opened
    content_type, extension = ("image/png", "png") if force_png else FORMATS[source_format]
    if extension == "jpg":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA")
    image.thumbnail((max_side, max_side))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if extension == "jpg":
        clean.save(out, "JPEG", quality=88, optimize=True)
    elif extension == "webp":
        clean.save(out, "WEBP", quality=88)
    else:
        clean.save(out, "PNG", optimize=True)
    return CleanImage(out.getvalue(), content_type, extension, clean.width, clean.height)


def clean_alt(text: str | None) -> str:
    return " ".join((text or "").split())[:MAX_ALT]


async def store_upload(node: Node, raw: bytes, alt_text: str, *, draft_id: str) -> Media:
    """Clean ``raw`` and keep it with the draft ``draft_id``; raises :class:`MediaError`, storing nothing."""
    alt = clean_alt(alt_text)
    if not alt:
        raise MediaError("Describe the image for people who cannot see it (alt text is required).")
    image = clean_image(raw)
    media_id = secrets.token_hex(10)
    filename = f"{media_id}.{image.extension}"
    (media_dir(node.config.data_dir) / filename).write_bytes(image.data)
    return await Media.create(id=media_id, draft_id=draft_id, filename=filename, content_type=image.content_type,
                              alt_text=alt, width=image.width, height=image.height, size=len(image.data))


async def remove_media(node: Node, media: Media) -> None:
    """Delete the image's file and row."""
    await delete_media(node.config.data_dir, media)


async def remove_from_draft(node: Node, media: Media) -> None:
    """Take the image off its draft; an image of a published alert stays on the alert until the edit is saved."""
    if media.alert_id:
        media.draft_id = None
        await media.save(update_fields=["draft_id"])
    else:
        await remove_media(node, media)


async def describe(node: Node, media: Media, alt_text: str | None) -> Media:
    """Change the image's alt text; raises :class:`MediaError` (changing nothing) when it is empty."""
    alt = clean_alt(alt_text)
    if not alt:
        raise MediaError("Every image needs a description (alt text).")
    if alt != media.alt_text:
        media.alt_text = alt
        await media.save(update_fields=["alt_text"])
    return media


async def staff_file(node: Node, media_id: str) -> tuple[Path, str] | None:
    """The file of any stored image (drafts' too), for signed-in staff; None if there is none."""
    media = await Media.filter(id=media_id).first()
    if media is None:
        return None
    path = media_dir(node.config.data_dir) / media.filename
    return (path, media.content_type) if path.is_file() else None


async def public_file(node: Node, name: str) -> tuple[Path, str] | None:
    """The file behind ``/media/<name>`` if it belongs to a live alert, else None."""
    media = await Media.filter(filename=name).exclude(alert_id=None).first()
    if media is None or not await Alert.filter(id=media.alert_id, deleted_at=None).exists():
        return None
    path = media_dir(node.config.data_dir) / media.filename
    return (path, media.content_type) if path.is_file() else None


__all__ = ["ACCEPT", "MAX_ATTACHMENTS", "MAX_UPLOAD", "CleanImage", "MediaError", "attachment", "clean_alt",
           "clean_image", "describe", "media_dir", "note_attachments", "public_file", "remove_from_draft",
           "remove_media", "staff_file", "store_upload"]
