"""The organisation's profile images (avatar, header) and node settings kept in ``Setting`` rows.

The avatar is stored as a PNG and named in ``LocalActor.icon_url`` (the actor
document's ``icon``); the header is an ``Image`` in the actor's ``image``,
recorded in the ``header:<username>`` setting. Both are served at
``/media/<name>`` under a new name on every change, so that servers that
cached the old one fetch the new one.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from node import i18n
from node.storage.models import LocalActor
from node.storage.settings import delete_setting, get_setting, set_setting, settings_starting
from node.webui.media import MediaError, clean_image, media_dir

DEFAULT_LANGUAGES = ["en", "fr", "es", "ar"]
AVATAR_SIDE = 400
HEADER_SIDE = 1500


async def languages() -> list[str]:
    """The languages the organisation writes in (composer choices), first one the default."""
    value = await get_setting("languages")
    if isinstance(value, list) and value and all(i18n.valid_language_tag(v) for v in value):
        return value
    return list(DEFAULT_LANGUAGES)


async def timezone() -> str:
    value = await get_setting("timezone")
    return value if isinstance(value, str) and value else "UTC"


async def header_image(urls, username: str) -> dict | None:
    value = await get_setting(f"header:{username}")
    if not isinstance(value, dict) or not value.get("filename"):
        return None
    return {"type": "Image", "mediaType": "image/png", "url": urls.media(value["filename"])}


async def set_image(data_dir: Path, urls, actor: LocalActor, kind: str, raw: bytes | None) -> None:
    """Replace (``raw``) or remove (``None``) the avatar or header of ``actor``; raises MediaError."""
    old: str | None = None
    if kind == "avatar":
        old = actor.icon_url.rsplit("/", 1)[-1] if actor.icon_url else None
    else:
        value = await get_setting(f"header:{actor.username}")
        old = value.get("filename") if isinstance(value, dict) else None
    name = None
    if raw is not None:
        image = clean_image(raw, max_side=AVATAR_SIDE if kind == "avatar" else HEADER_SIDE, force_png=True)
        name = f"{actor.username}-{kind}-{secrets.token_hex(6)}.png"
        (media_dir(data_dir) / name).write_bytes(image.data)
    if kind == "avatar":
        actor.icon_url = urls.media(name) if name else None
        await actor.save(update_fields=["icon_url"])
    elif name:
        await set_setting(f"header:{actor.username}", {"filename": name})
    else:
        await delete_setting(f"header:{actor.username}")
    if old and old != name and old.startswith(f"{actor.username}-{kind}-"):
        (media_dir(data_dir) / old).unlink(missing_ok=True)


async def public_profile_file(data_dir: Path, name: str) -> Path | None:
    """An uploaded avatar or header that is currently in use, else None."""
    if "/" in name or not name.endswith(".png"):
        return None
    for actor in await LocalActor.exclude(icon_url=None):
        if actor.icon_url.rsplit("/", 1)[-1] == name:
            path = media_dir(data_dir) / name
            return path if path.is_file() else None
    for value in (await settings_starting("header:")).values():
        if isinstance(value, dict) and value.get("filename") == name:
            path = media_dir(data_dir) / name
            return path if path.is_file() else None
    return None


__all__ = ["MediaError", "get_setting", "set_setting", "languages", "timezone", "header_image", "set_image",
           "public_profile_file"]
