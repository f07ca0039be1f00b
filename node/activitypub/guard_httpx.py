"""The httpx side of :mod:`node.activitypub.netguard`: one resolution for the check and the connection.

Imported by the first fetch (``Node.http``), not at start.
"""

from __future__ import annotations

from collections.abc import Iterable

import httpcore
import httpx

from node.activitypub.netguard import AddressRefused, Resolve, resolve_checked


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: resolve once, filter, connect to an address that passed.

    TLS still verifies the certificate against the host name (httpcore passes the
    origin's name as SNI / server_hostname, not the address we connected to).
    """

    def __init__(self, *, insecure: bool, resolve: Resolve | None = None,
                 inner: httpcore.AsyncNetworkBackend | None = None):
        self.insecure = insecure
        self.resolve = resolve
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable | None = None) -> httpcore.AsyncNetworkStream:
        infos = await resolve_checked(host, port, insecure=self.insecure, resolve=self.resolve)
        last: Exception | None = None
        for info in infos:
            try:
                return await self.inner.connect_tcp(str(info[4][0]), port, timeout=timeout,
                                                    local_address=local_address, socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable | None = None) -> httpcore.AsyncNetworkStream:
        raise AddressRefused(path, "unix sockets are never contacted")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connections go through :class:`GuardedBackend`."""

    def __init__(self, *, insecure: bool, resolve: Resolve | None = None, limits: httpx.Limits | None = None,
                 inner: httpcore.AsyncNetworkBackend | None = None):
        limits = limits or httpx.Limits(max_connections=20)
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(insecure=insecure, resolve=resolve, inner=inner),
        )


def http_client(*, insecure: bool, resolve: Resolve | None = None, headers: dict | None = None,
                limits: httpx.Limits | None = None) -> httpx.AsyncClient:
    """The node's httpx client. ``trust_env`` is off: a proxy would resolve names itself, unchecked."""
    return httpx.AsyncClient(transport=GuardedTransport(insecure=insecure, resolve=resolve, limits=limits),
                             headers=headers, trust_env=False)
