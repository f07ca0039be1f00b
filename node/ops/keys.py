"""Key rotation across processes: each process reloads the actors whose key or profile changed.

The rotation itself (a new key pair under the same keyId, announced with
``Update(actor)``) is a use case, :func:`node.services.keys.rotate`.

Other processes (``aan serve``, ``aan worker``, on any machine) load the new
key within ``AAN_REFRESH_SECONDS`` (``node.settings.refresh_seconds``): rotation bumps the setting
``actors_version`` and their refresh loop reloads changed actors. The
``Update`` is queued to go out only after that, so it is signed with the new key.
"""

from __future__ import annotations

from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.keys import load_private_key
from node.activitypub.proofs import load_private_key as load_assertion_key
from node.services.keys import VERSION_KEY
from node.storage.models import LocalActor
from node.storage.settings import get_setting


async def actors_version():
    return await get_setting(VERSION_KEY)


async def reload_actors(node) -> list[str]:
    """Bring the actors this process holds up to date with the database; return those whose key changed."""
    changed = []
    for row in await LocalActor.filter(username__in=list(node.actors)):
        cached = node.actors[row.username]
        if row.private_key_pem != cached.private_key_pem:
            node.keys[row.username] = load_private_key(row.private_key_pem)
            changed.append(row.username)
            if row.username == INSTANCE_USERNAME and node.fetcher is not None:
                node.fetcher.private_key = node.keys[row.username]
        if row.ed25519_private_key_pem != cached.ed25519_private_key_pem:
            node.assertion_keys.pop(row.username, None)
            if row.ed25519_private_key_pem:
                node.assertion_keys[row.username] = load_assertion_key(row.ed25519_private_key_pem)
        for field in ("name", "summary", "profile_fields", "icon_url", "kind", "private_key_pem",
                      "public_key_pem", "ed25519_private_key_pem", "ed25519_public_key"):
            setattr(cached, field, getattr(row, field))
    return changed
