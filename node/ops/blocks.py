"""Domain blocks and allow-list mode: enforcement.

A node either federates with everyone except blocked domains (``blocklist``, the
default) or only with allowed domains (``allowlist``). Rows of
:class:`~node.storage.models.DomainBlock` hold the domains (``kind`` block or
allow); the mode is the setting ``federation_mode``. A block of ``example.org``
also covers ``*.example.org``; an entry may name ``host:port`` (development
nodes on loopback). Our own domain is never refused.

Enforced in three places, each asking :meth:`DomainPolicy.refuses`:

* the inbox answers 403 ``{"error": "domain blocked"}`` and stores nothing;
* delivery rows to a refused host fail without a request;
* outgoing fetches (actors, keys, WebFinger) to a refused host fail.

Every process keeps a :class:`DomainPolicy` in memory (``node.blocks``) and
reloads it when the table changes: the use cases (:mod:`node.services.blocks`: add,
allow, remove, list, import, mode) bump the setting ``domain_blocks_version``, which
:mod:`node.ops.runtime` polls every few seconds. Use those functions (not the model
directly) so running processes notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from node.services.blocks import MODE_KEY, MODES, VERSION_KEY, is_own
from node.storage.models import DomainBlock
from node.storage.settings import get_settings


def _candidates(host: str) -> list[str]:
    """``a.b.example.org:8443`` -> itself, ``a.b.example.org``, ``b.example.org``, ``example.org``, ``org``."""
    host = host.lower()
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    out = [host] if host != name else []
    parts = name.split(".")
    out += [".".join(parts[i:]) for i in range(len(parts))]
    return out


def host_of(url_or_host: str) -> str:
    return urlsplit(url_or_host).netloc.lower() if "://" in url_or_host else url_or_host.lower()


@dataclass
class DomainPolicy:
    """The blocks and mode of this node, in memory; :meth:`refuses` is cheap."""

    own: str = ""
    mode: str = "blocklist"
    blocked: set[str] = field(default_factory=set)
    allowed: set[str] = field(default_factory=set)
    signature: tuple = ()

    async def load(self) -> DomainPolicy:
        rows = await DomainBlock.all().values_list("domain", "kind")
        settings = await get_settings([MODE_KEY, VERSION_KEY])
        self.blocked = {d for d, k in rows if k == "block"}
        self.allowed = {d for d, k in rows if k == "allow"}
        self.mode = settings.get(MODE_KEY) if settings.get(MODE_KEY) in MODES else "blocklist"
        self.signature = (settings.get(MODE_KEY), settings.get(VERSION_KEY), len(rows))
        return self

    def reason(self, url_or_host: str) -> str | None:
        """Why we do not federate with this URL's host, or None."""
        host = host_of(url_or_host)
        if not host:
            return None
        if is_own(host, self.own):
            return None
        names = _candidates(host)
        if self.blocked and any(n in self.blocked for n in names):
            return "domain blocked"
        if self.mode == "allowlist" and not any(n in self.allowed for n in names):
            return "domain not on the allow-list"
        return None

    def refuses(self, url_or_host: str) -> bool:
        return self.reason(url_or_host) is not None


async def signature() -> tuple:
    """What :meth:`DomainPolicy.load` would see, cheaply: (mode, version, row count)."""
    settings = await get_settings([MODE_KEY, VERSION_KEY])
    return settings.get(MODE_KEY), settings.get(VERSION_KEY), await DomainBlock.all().count()
