"""One resolution for the check and the connection (no DNS rebinding).

Every outgoing request resolves its host name exactly once, inside the HTTP
client: the addresses are filtered here and the client connects only to an
address that passed. A name that answers a public address to a first lookup
and ``127.0.0.1`` or ``10.x`` to a second one therefore gets nowhere: there is
no second lookup.

* httpx (signed fetches, WebFinger, remote follow, key refresh):
  :class:`GuardedBackend`, an httpcore network backend, in :func:`http_client`
  (:mod:`node.activitypub.guard_httpx`).
* aiohttp (deliveries): :class:`GuardedResolver` on the ``TCPConnector``
  (:mod:`node.activitypub.guard_aiohttp`).

Each client library is imported when first used, not with this module.

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
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from node import errors

if TYPE_CHECKING:  # imported on first use (__getattr__): an idle node loads neither client library
    import httpx

    from node.activitypub.guard_aiohttp import GuardedResolver as GuardedResolver
    from node.activitypub.guard_httpx import GuardedBackend as GuardedBackend
    from node.activitypub.guard_httpx import GuardedTransport as GuardedTransport

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


def http_client(*, insecure: bool, resolve: Resolve | None = None, headers: dict | None = None,
                limits: httpx.Limits | None = None) -> httpx.AsyncClient:
    """The node's httpx client (:func:`node.activitypub.guard_httpx.http_client`); imports httpx."""
    from node.activitypub import guard_httpx

    return guard_httpx.http_client(insecure=insecure, resolve=resolve, headers=headers, limits=limits)


_LAZY = {"GuardedBackend": "guard_httpx", "GuardedTransport": "guard_httpx", "GuardedResolver": "guard_aiohttp"}


def __getattr__(name: str) -> Any:
    """The client-specific classes, imported on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"node.activitypub.{_LAZY[name]}"), name)
    globals()[name] = value
    return value
