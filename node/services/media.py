"""Images of alerts: what the public web serves at ``/media/<name>``.

(Only :func:`public_file` here so far, as :mod:`node.web.public` needs it; uploading,
cleaning and removing images move here from ``node/webui/media.py`` with the
publishing services, whose version of this module supersedes this one.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from node.media import media_dir
from node.storage.models import Alert, Media

if TYPE_CHECKING:
    from node.service import Node


async def public_file(node: Node, name: str) -> tuple[Path, str] | None:
    """The file behind ``/media/<name>`` if it belongs to a live alert, else None."""
    media = await Media.filter(filename=name).exclude(alert_id=None).first()
    if media is None or not await Alert.filter(id=media.alert_id, deleted_at=None).exists():
        return None
    path = media_dir(node.config.data_dir) / media.filename
    return (path, media.content_type) if path.is_file() else None
