"""Outgoing GETs: always signed by the instance actor, never to private addresses.

Outside development mode (``--insecure-http``) a URL must be ``https`` and we
connect only to global addresses: loopback, RFC 1918, link-local, ULA,
multicast and reserved ranges are refused, on the first request and on every
redirect (at most 3, as Mastodon). The addresses are checked inside the HTTP
client's own resolution (:mod:`node.activitypub.netguard`), so the check and
the connection see the same answer. Documents are capped at 1 MB and must
come back as ActivityPub JSON whose ``id`` equals the URL we asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import orjson

from node import errors
from node.activitypub import netguard
from node.activitypub.signatures import sign_headers

if TYPE_CHECKING:
    import httpx

MAX_DOCUMENT = 1_000_000
MAX_REDIRECTS = 3
AP_TYPES = ("application/activity+json", "application/ld+json")
TIMEOUT = (10.0, 5.0)  # seconds: the whole request, connecting (httpx.Timeout(10.0, connect=5.0))


class FetchError(errors.RemoteFailure):
    """A remote document could not be fetched; ``remote_status`` is the HTTP status if any.

    ``reason`` and ``detail`` are for the log (they may name addresses and exception
    texts); ``public`` is what a peer may be told. ``permanent`` says whether retrying
    can help; it is set from the kind of failure, never from its text.
    """

    permanent_default = False

    def __init__(self, url: str, reason: str, status: int | None = None, *, permanent: bool | None = None):
        self.url = url
        self.reason = reason
        self.permanent = self.permanent_default if permanent is None else permanent
        self.remote_status = status
        errors.AanError.__init__(self, f"{url}: {reason}")


class Gone(FetchError, errors.Gone):
    """The remote answered 410."""

    permanent_default = True


class NotFound(FetchError, errors.NotFound):
    """The remote answered 404."""

    permanent_default = True


class RefusedAddress(FetchError, errors.RefusedAddress):
    """The URL points at an address we do not contact (SSRF guard)."""

    permanent_default = True


async def check_url(url: str, *, insecure: bool) -> None:
    """Raise :class:`RefusedAddress` unless ``url`` may be contacted.

    Checks the scheme and an IP literal host; a host *name* is resolved and
    checked only once, by the HTTP client at connection time
    (:mod:`node.activitypub.netguard`), so that the check and the connection
    see the same addresses.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RefusedAddress(url, "not an http(s) URL")
    if not insecure and parts.scheme != "https":
        raise RefusedAddress(url, "plain http is only allowed in development mode (--insecure-http)")
    host = parts.hostname
    if netguard.is_ip(host) and not netguard.allowed(host.strip("[]"), insecure=insecure):
        raise RefusedAddress(url, f"refusing private or loopback address {host}")


def fetch_error(url: str, exc: Exception) -> FetchError:
    """The :class:`FetchError` of the right kind for a transport-level failure of ``url``."""
    if isinstance(exc, FetchError):
        return exc
    if isinstance(exc, errors.RefusedAddress):
        return RefusedAddress(url, exc.detail)
    if isinstance(exc, errors.RemoteFailure):
        return FetchError(url, exc.detail, permanent=exc.permanent)
    return FetchError(url, f"{type(exc).__name__}: {exc}")


def is_ap_content_type(value: str) -> bool:
    value = value.lower()
    return any(value.startswith(t) for t in AP_TYPES)


class Fetcher:
    """Signed, guarded GETs of ActivityPub documents."""

    def __init__(self, client: httpx.AsyncClient | Callable[[], httpx.AsyncClient], *, key_id: str, private_key,
                 insecure: bool, blocks=None):
        self._client = client  # or a function that makes it on first use (Node.http)
        self.key_id = key_id
        self.private_key = private_key
        self.insecure = insecure
        self.blocks = blocks  # node.ops.blocks.DomainPolicy: blocked domains are never fetched

    @property
    def client(self) -> httpx.AsyncClient:
        return self._client() if callable(self._client) else self._client

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
        import httpx  # imported by the first fetch (Node.http); a dictionary look-up after that

        timeout = httpx.Timeout(TIMEOUT[0], connect=TIMEOUT[1])
        for _ in range(MAX_REDIRECTS + 1):
            await check_url(url, insecure=self.insecure)
            if self.blocks is not None and self.blocks.refuses(url):
                raise RefusedAddress(url, self.blocks.reason(url))
            headers = sign_headers("GET", url, key_id=self.key_id, private_key=self.private_key)
            try:
                async with self.client.stream("GET", url, headers=headers, timeout=timeout,
                                              follow_redirects=False) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return await self._read(url, response), url
            except (httpx.HTTPError, errors.RemoteFailure) as exc:
                raise fetch_error(url, exc) from exc
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
