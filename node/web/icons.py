"""``/favicon.ico``: the organisation's uploaded avatar, else the default icon shipped with the node.

Browsers ask for ``/favicon.ico`` on every page load whatever the page says;
the layouts also name it in ``<link rel="icon">``. The answer is an image
of the type it is (PNG for an uploaded avatar, SVG for the default icon),
which browsers accept under that name; it is cached for an hour, so a new
avatar shows soon.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from node.storage.models import LocalActor

try:  # the public pages' own module (node/web/public.py) once they no longer live in the staff interface
    from node.web.public import media_response
except ImportError:
    from node.webui.public import media_response

DEFAULT_ICON = Path(__file__).parent / "static" / "favicon.svg"
CACHE = "public, max-age=3600"


async def favicon_endpoint(request: Request) -> Response:
    node = request.app.state.node
    # read again: the avatar may have changed since the node loaded its organisation
    icon_url = (await LocalActor.filter(id=node.org.id).first().values_list("icon_url", flat=True)) or ""
    if icon_url.startswith(node.urls.media("")):  # an avatar uploaded to this node
        uploaded = await media_response(node, icon_url.rsplit("/", 1)[1])
        if uploaded is not None:
            uploaded.headers["Cache-Control"] = CACHE
            return uploaded
    return Response(DEFAULT_ICON.read_bytes(), media_type="image/svg+xml",
                    headers={"Cache-Control": CACHE, "X-Content-Type-Options": "nosniff"})
