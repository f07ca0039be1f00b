"""The organisation's profile: what the public web serves of it at ``/media/<name>``.

(Only :func:`public_profile_file` here so far, as :mod:`node.web.public` needs it; the
profile's use cases move here from ``node/webui/profile.py`` with the publishing
services, whose version of this module supersedes this one.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from node.media import media_dir
from node.storage.models import LocalActor, Setting

if TYPE_CHECKING:
    from node.service import Node


async def public_profile_file(node: Node, name: str) -> Path | None:
    """An uploaded avatar or header that is currently in use, else None."""
    if "/" in name or not name.endswith(".png"):
        return None
    data_dir = node.config.data_dir
    for actor in await LocalActor.exclude(icon_url=None):
        if actor.icon_url.rsplit("/", 1)[-1] == name:
            path = media_dir(data_dir) / name
            return path if path.is_file() else None
    for row in await Setting.filter(key__startswith="header:"):
        value = row.value.get("v") if isinstance(row.value, dict) else None
        if isinstance(value, dict) and value.get("filename") == name:
            path = media_dir(data_dir) / name
            return path if path.is_file() else None
    return None
