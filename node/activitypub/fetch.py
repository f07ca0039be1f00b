"""Outgoing GETs: always signed by the instance actor, never to private addresses.

Outside development mode (``--insecure-http``) a URL must be ``https`` and every
address its host resolves to must be public: loopback, RFC 1918, link-local,
ULA, multicast and reserved ranges are refused, on the first request and on
every redirect (at most 3, as Mastodon). Documents are capped at 1 MB and must
come back as ActivityPub JSON whose ``id`` equals the URL we asked for.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx
import orjson

from node.activitypub.signatures import sign_headers

MAX_DOCUMENT = 1_000_000
MAX_REDIRECTS = 3
AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AP_TYPES = ("application/activity+json", "application/ld+json")
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


class FetchError(Exception):
    """A remote document could not be fetched; ``status`` is the HTTP status if any."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status


class Gone(FetchError):
    """The remote answered 410."""


class NotFound(FetchError):
    """The remote answered 404."""


class RefusedAddress(FetchError):
    """The URL points at an address we do not contact (SSRF guard)."""


def _public(ip: str) -> bool:
    addr = ipaddress.ip_address(ip)
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return not (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
                or addr.is_reserved or addr.is_unspecified)


async def check_url(url: str, *, insecure: bool) -> None:
    """Raise :class:`RefusedAddress` unless ``url`` may be contacted."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedAddress(url, "not an http(s) URL")
    if insecure:
        return
    if parts.scheme != "https":
        raise RefusedAddress(url, "plain http is only allowed in development mode (--insecure-http)")
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(parts.hostname, parts.port or 443,
                                                             type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(url, f"cannot resolve host: {exc}") from exc
    for info in infos:
        if not _public(info[4][0]):
            raise RefusedAddress(url, f"refusing private or loopback address {info[4][0]}")


def is_ap_content_type(value: str) -> bool:
    value = value.lower()
    return any(value.startswith(t) for t in AP_TYPES)


class Fetcher:
    """Signed, guarded GETs of ActivityPub documents."""

    def __init__(self, client: httpx.AsyncClient, *, key_id: str, private_key, insecure: bool, blocks=None):
        self.client = client
        self.key_id = key_id
        self.private_key = private_key
        self.insecure = insecure
        self.blocks = blocks  # node.ops.blocks.DomainPolicy: blocked domains are never fetched

    async def get(self, url: str) -> dict:
        """GET ``url`` as ActivityPub JSON; the document's ``id`` must equal ``url``."""
        target = url.split("#", 1)[0]
        document, _final = await self._get_following_redirects(target)
        if document.get("id") != target:
            raise FetchError(url, f"document id {document.get('id')!r} does not match the URL")
        return document

    async def get_any(self, url: str) -> tuple[dict, str]:
        """GET without the id check (key documents); returns the document and the final URL."""
        return await self._get_following_redirects(url.split("#", 1)[0])

    async def _get_following_redirects(self, url: str) -> tuple[dict, str]:
        for _ in range(MAX_REDIRECTS + 1):
            await check_url(url, insecure=self.insecure)
            if self.blocks is not None and self.blocks.refuses(url):
                raise RefusedAddress(url, self.blocks.reason(url))
            headers = sign_headers("GET", url, key_id=self.key_id, private_key=self.private_key)
            try:
                async with self.client.stream("GET", url, headers=headers, timeout=TIMEOUT,
                                              follow_redirects=False) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return await self._read(url, response), url
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc
        raise FetchError(url, "too many redirects")

    async def _read(self, url: str, response: httpx.Response) -> dict:
        if response.status_code == 410:
            raise Gone(url, "gone", 410)
        if response.status_code == 404:
            raise NotFound(url, "not found", 404)
        if response.status_code != 200:
            raise FetchError(url, f"HTTP {response.status_code}", response.status_code)
        if not is_ap_content_type(response.headers.get("content-type", "")):
            raise FetchError(url, f"not ActivityPub JSON ({response.headers.get('content-type')})")
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_DOCUMENT:
                raise FetchError(url, "document larger than 1 MB")
        try:
            document = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            raise FetchError(url, f"invalid JSON: {exc}") from exc
        if not isinstance(document, dict):
            raise FetchError(url, "document is not a JSON object")
        return document
