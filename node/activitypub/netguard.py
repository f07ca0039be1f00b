"""One resolution for the check and the connection (no DNS rebinding).

Every outgoing request resolves its host name exactly once, inside the HTTP
client: the addresses are filtered here and the client connects only to an
address that passed. A name that answers a public address to a first lookup
and ``127.0.0.1`` or ``10.x`` to a second one therefore gets nowhere: there is
no second lookup.

* httpx (signed fetches, WebFinger, remote follow, key refresh):
  :class:`GuardedBackend`, an httpcore network backend, in :func:`http_client`.
* aiohttp (deliveries): :class:`GuardedResolver` on the ``TCPConnector``.

Outside development mode only global addresses pass. In development mode
(``--insecure-http``) loopback and private (RFC 1918, ULA) addresses pass too,
as the README promises for peers on one machine or a LAN; link-local (such as a
cloud metadata service at 169.254.169.254), multicast, reserved and unspecified
addresses never do.

A resolver failure is classified by its code, never its text: a name that does
not exist (``EAI_NONAME``, ``EAI_NODATA``) is :class:`UnknownHost` (permanent);
anything else, such as a temporary ``EAI_AGAIN``, is a retryable
:class:`ResolveFailed`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable

import httpcore
import httpx
from aiohttp.abc import AbstractResolver, ResolveResult

from node import errors

# (host, port) -> getaddrinfo-like tuples (family, type, proto, canonname, sockaddr)
Resolve = Callable[[str, int], Awaitable[list[tuple]]]

_PERMANENT_GAI = {getattr(socket, name) for name in ("EAI_NONAME", "EAI_NODATA") if hasattr(socket, name)}


class UnknownHost(errors.RemoteFailure):
    """The name does not exist (NXDOMAIN): retrying cannot help."""

    public = "unknown host"

    def __init__(self, host: str, detail: str):
        super().__init__(f"{host}: {detail}", permanent=True)
        self.host = host


class ResolveFailed(errors.RemoteFailure):
    """The resolver failed for now (temporary failure, timeout): retried."""

    public = "cannot resolve host"

    def __init__(self, host: str, detail: str):
        super().__init__(f"{host}: {detail}", permanent=False)
        self.host = host


class AddressRefused(errors.RefusedAddress):
    """Every address of the host is one we never contact."""

    def __init__(self, host: str, detail: str):
        super().__init__(f"{host}: {detail}")
        self.host = host


def allowed(ip: str, *, insecure: bool) -> bool:
    """Whether we may connect to ``ip`` (global; loopback and private too in development mode)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if addr.is_link_local or addr.is_multicast or addr.is_reserved or addr.is_unspecified:
        return False
    if insecure and (addr.is_loopback or addr.is_private):
        return True
    return addr.is_global


def is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


async def system_resolve(host: str, port: int) -> list[tuple]:
    return await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)


async def resolve_checked(host: str, port: int, *, insecure: bool, resolve: Resolve | None = None) -> list[tuple]:
    """Resolve ``host`` once and keep only the addresses we may connect to.

    Raises :class:`UnknownHost`, :class:`ResolveFailed` or :class:`AddressRefused`.
    """
    host = host.strip("[]")
    try:
        infos = await (resolve or system_resolve)(host, port)
    except socket.gaierror as exc:
        if exc.errno in _PERMANENT_GAI:
            raise UnknownHost(host, f"{type(exc).__name__}: {exc}") from exc
        raise ResolveFailed(host, f"{type(exc).__name__}: {exc}") from exc
    except (OSError, TimeoutError) as exc:
        raise ResolveFailed(host, f"{type(exc).__name__}: {exc}") from exc
    passed = [info for info in infos if allowed(info[4][0], insecure=insecure)]
    if not passed:
        refused = ", ".join(sorted({str(info[4][0]) for info in infos})) or "no address"
        raise AddressRefused(host, f"refusing private or loopback address {refused}")
    return passed


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
