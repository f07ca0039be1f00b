"""The organisation's profile: name, summary, fields, avatar, header, composer languages, time zone.

One function saves a change, whoever asks (``aan profile`` or the settings form):
:func:`update` validates everything first (nothing is saved when something is
wrong), saves, tells every other process to reload its cached actors
(``actors_version``, read by :mod:`node.ops.runtime`'s refresh loop, so a
separate ``aan worker`` does not keep the old profile) and queues the
``Update(actor)`` for followers.

The avatar is stored as a PNG and named in ``LocalActor.icon_url`` (the actor
document's ``icon``); the header is an ``Image`` in the actor's ``image``,
recorded in the ``header:<username>`` setting. Both are served at
``/media/<name>`` under a new name on every change, so that servers that
cached the old one fetch the new one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from node import errors, i18n
from node.activitypub import outbox
from node.media import header_image, media_dir
from node.services.keys import bump_actors_version
from node.services.media import CleanImage, MediaError, clean_image
from node.storage.models import LocalActor
from node.storage.settings import delete_setting, get_setting, set_setting, settings_starting

if TYPE_CHECKING:
    from node.service import Node

DEFAULT_LANGUAGES = ["en", "fr", "es", "ar"]
AVATAR_SIDE = 400
HEADER_SIDE = 1500
MAX_NAME = 255
MAX_SUMMARY = 5000
MAX_FIELD_NAME = 255
MAX_FIELD_VALUE = 2047
KEEP = object()  # an image argument that leaves the image as it is


async def languages() -> list[str]:
    """The languages the organisation writes in (composer choices), first one the default."""
    value = await get_setting("languages")
    if isinstance(value, list) and value and all(i18n.valid_language_tag(v) for v in value):
        return value
    return list(DEFAULT_LANGUAGES)


async def timezone() -> str:
    value = await get_setting("timezone")
    return value if isinstance(value, str) and value else "UTC"


def valid_timezone(zone: str) -> bool:
    from zoneinfo import available_timezones

    return zone == "UTC" or zone in available_timezones()


@dataclass
class Profile:
    """What the profile shows: the actor's texts and images, and the node's composer settings."""

    name: str
    summary: str | None
    fields: list[dict[str, str]]
    avatar: str | None
    header: dict | None
    languages: list[str]
    timezone: str

    def as_dict(self) -> dict[str, Any]:
        """What ``aan profile`` prints."""
        return {"name": self.name, "summary": self.summary, "fields": self.fields}


async def show(node: Node) -> Profile:
    actor = node.org
    return Profile(name=actor.name, summary=actor.summary, fields=list(actor.profile_fields or []),
                   avatar=actor.icon_url, header=await header_image(node.urls, actor.username),
                   languages=await languages(), timezone=await timezone())


async def update(node: Node, *, name: str | None = None, summary: str | None = None,
                 fields: list[dict[str, str]] | None = None, languages: list[str] | None = None,
                 timezone: str | None = None, avatar: Any = KEEP, header: Any = KEEP) -> Profile:
    """Change what is given (``None``/``KEEP``: unchanged); ``avatar``/``header``: image bytes, or None to remove.

    Raises :class:`~node.errors.Invalid` with a message per field (``name``, ``languages``,
    ``timezone``, ``avatar``, ``header``; English msgids) and changes nothing then. When
    something changed: saves, bumps ``actors_version`` and queues ``Update(actor)``.
    """
    problems: dict[str, str] = {}
    if name is not None and not name.strip():
        problems["name"] = "The organisation needs a name."
    if languages is not None:
        languages = list(dict.fromkeys(tag for tag in languages if i18n.valid_language_tag(tag)))
        if not languages:
            problems["languages"] = "Choose at least one language."
    if timezone is not None and not valid_timezone(timezone):
        problems["timezone"] = "Choose a time zone from the list."
    images: dict[str, CleanImage | None] = {}
    for kind, raw, side in (("avatar", avatar, AVATAR_SIDE), ("header", header, HEADER_SIDE)):
        if raw is KEEP:
            continue
        try:
            images[kind] = None if raw is None else clean_image(raw, max_side=side, force_png=True)
        except MediaError as exc:
            problems[kind] = exc.detail
    if problems:
        raise errors.Invalid(fields=problems, public="the profile was not changed")

    actor = node.org
    changed: list[str] = []
    if name is not None:
        actor.name = name.strip()[:MAX_NAME]
        changed.append("name")
    if summary is not None:
        actor.summary = summary.strip()[:MAX_SUMMARY]
        changed.append("summary")
    if fields is not None:
        actor.profile_fields = [{"name": str(f["name"]).strip()[:MAX_FIELD_NAME],
                                 "value": str(f["value"]).strip()[:MAX_FIELD_VALUE]} for f in fields]
        changed.append("profile_fields")
    unlink: list[str] = []
    if changed:
        await actor.save(update_fields=changed)
    if languages is not None:
        await set_setting("languages", languages)
    if timezone is not None:
        await set_setting("timezone", timezone)
    for kind, image in images.items():
        unlink += await _set_image(node.config.data_dir, node.urls, actor, kind, image)
    for old in unlink:
        (media_dir(node.config.data_dir) / old).unlink(missing_ok=True)
    if changed or images:
        await bump_actors_version()  # other processes (web, aan worker) reload the cached actor
        await outbox.send_actor_update(actor, node.urls, clearinghouse=node.config.role == "clearinghouse")
        node.poke()
    return await show(node)


async def _set_image(data_dir: Path, urls, actor: LocalActor, kind: str, image: CleanImage | None) -> list[str]:
    """Replace (``image``) or remove (``None``) the avatar or header; returns the old file to delete."""
    old: str | None = None
    if kind == "avatar":
        old = actor.icon_url.rsplit("/", 1)[-1] if actor.icon_url else None
    else:
        value = await get_setting(f"header:{actor.username}")
        old = value.get("filename") if isinstance(value, dict) else None
    name = None
    if image is not None:
        name = f"{actor.username}-{kind}-{secrets.token_hex(6)}.png"
        (media_dir(data_dir) / name).write_bytes(image.data)
    if kind == "avatar":
        actor.icon_url = urls.media(name) if name else None
        await actor.save(update_fields=["icon_url"])
    elif name:
        await set_setting(f"header:{actor.username}", {"filename": name})
    else:
        await delete_setting(f"header:{actor.username}")
    return [old] if old and old != name and old.startswith(f"{actor.username}-{kind}-") else []


async def public_profile_file(node: Node, name: str) -> Path | None:
    """An uploaded avatar or header that is currently in use, else None."""
    if "/" in name or not name.endswith(".png"):
        return None
    data_dir = node.config.data_dir
    for actor in await LocalActor.exclude(icon_url=None):
        if (actor.icon_url or "").rsplit("/", 1)[-1] == name:
            path = media_dir(data_dir) / name
            return path if path.is_file() else None
    for value in (await settings_starting("header:")).values():
        if isinstance(value, dict) and value.get("filename") == name:
            path = media_dir(data_dir) / name
            return path if path.is_file() else None
    return None
