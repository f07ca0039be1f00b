"""The aiohttp side of :mod:`node.activitypub.netguard`: the deliveries' resolver.

Imported by the first delivery (``Deliverer._open``), not at start.
"""

from __future__ import annotations

import socket

from aiohttp.abc import AbstractResolver, ResolveResult

from node.activitypub.netguard import Resolve, resolve_checked


class GuardedResolver(AbstractResolver):
    """aiohttp resolver: one lookup, only addresses that pass are returned to the connector.

    aiohttp does not call its resolver for an IP literal; :func:`node.activitypub.fetch.check_url`
    refuses those before any request is made.
    """

    def __init__(self, *, insecure: bool, resolve: Resolve | None = None):
        self.insecure = insecure
        self.lookup = resolve

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
                      ) -> list[ResolveResult]:
        infos = await resolve_checked(host, port, insecure=self.insecure, resolve=self.lookup)
        return [{"hostname": host, "host": str(sockaddr[0]), "port": port, "family": fam,
                 "proto": proto, "flags": socket.AI_NUMERICHOST}
                for fam, _type, proto, _canon, sockaddr in infos if family in (0, fam)]

    async def close(self) -> None:
        return None
