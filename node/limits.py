"""Request header limits, enforced before anything reads a header (signatures included).

Two layers, both answering ``431 Request Header Fields Too Large`` with a fixed text:

* :class:`HeaderLimits`, an ASGI middleware (outside every route): a header field
  (name and value) over :data:`MAX_FIELD` bytes, or all header fields together over
  :data:`MAX_FIELDS` bytes. It holds under any ASGI server and in-process tests.
* :class:`LimitedHttpToolsProtocol`, the protocol ``aan serve`` gives uvicorn. uvicorn
  with ``httptools`` enforces no header limit at all (a 4 MB header reaches the app;
  with ``h11`` the limit is ``h11_max_incomplete_event_size`` and the answer a 400),
  so the server would buffer any size before the middleware sees it. This protocol
  refuses a request head (request line and header lines) that grows past
  :data:`MAX_HEAD` bytes while it is still being received, and closes the connection.
"""

from __future__ import annotations

import logging

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_FIELD = 8 * 1024  # one header field: name + value
MAX_FIELDS = 32 * 1024  # all header fields of a request
MAX_HEAD = 48 * 1024  # the whole head on the wire: request line (URL), header lines, line ends
REASON = b"request header fields too large"

log = logging.getLogger("aan.limits")


def too_large(headers) -> bool:
    """Whether ASGI ``headers`` (pairs of bytes) break :data:`MAX_FIELD` or :data:`MAX_FIELDS`."""
    total = 0
    for name, value in headers:
        size = len(name) + len(value)
        total += size
        if size > MAX_FIELD or total > MAX_FIELDS:
            return True
    return False


class HeaderLimits:
    """ASGI middleware: 431 for oversized request headers, before any route runs."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and too_large(scope["headers"]):
            log.info("refused %s %s: request header fields over the limits", scope.get("method"), scope.get("path"))
            await send({"type": "http.response.start", "status": 431,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                    (b"content-length", str(len(REASON)).encode()), (b"connection", b"close")]})
            await send({"type": "http.response.body", "body": REASON})
            return
        await self.app(scope, receive, send)


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a bound on the bytes of a request head."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._in_head = True  # receiving a request line and headers (not yet complete)
        self._head_bytes = 0

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes = True, 0  # whatever arrives next starts a new head

    def data_received(self, data: bytes) -> None:
        if not self._in_head:
            super().data_received(data)
            return
        room = MAX_HEAD - self._head_bytes
        if len(data) <= room:
            self._head_bytes += len(data)
            super().data_received(data)
            return
        # Feed what still fits: if the head completes within it, the rest is body (or a next request).
        self._head_bytes = MAX_HEAD
        if room > 0:
            super().data_received(data[:room])
        if self.transport.is_closing():
            return
        if self._in_head and self._head_bytes >= MAX_HEAD:
            self._refuse()
            return
        self.data_received(data[room:])

    def _refuse(self) -> None:
        log.info("refused a request head over %d bytes from %s", MAX_HEAD, self.client)
        self.transport.write(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
                             b"content-type: text/plain; charset=utf-8\r\n"
                             b"content-length: " + str(len(REASON)).encode() + b"\r\n"
                             b"connection: close\r\n\r\n" + REASON)
        self.transport.close()
