"""Endpoints whose module is imported by the first request that reaches them.

An idle node need not carry the HTML side (jinja2 templates, markdown-it, nh3, the staff
interface, the Clearing House's pages): the routes are declared at start with
:func:`lazy`, and the module behind each is imported when a request first needs it
(docs/performance.md, idle memory and start time). The import is written out in the
``load`` function the caller passes, so the layer check still sees it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import ModuleType

from starlette.requests import Request
from starlette.responses import Response

Endpoint = Callable[[Request], Awaitable[Response]]


def lazy(load: Callable[[], ModuleType], name: str) -> Endpoint:
    """An endpoint that calls ``load().<name>``, importing the module on its first request.

    The wrapper carries ``name`` as its ``__name__``, so the route's name (``url_for``)
    is the one the real endpoint would give it.
    """
    found: list[Endpoint] = []

    async def endpoint(request: Request) -> Response:
        if not found:
            found.append(getattr(load(), name))
        return await found[0](request)

    endpoint.__name__ = endpoint.__qualname__ = name
    return endpoint
