"""The audience collection: the shared inboxes of everyone who follows the Clearing House's actors.

Served at ``/actors/{username}/audience`` for the Clearing House actor (registered with the
protocol by :func:`node.clearinghouse.install`); the actor document links it as ``aanAudience``.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from node.activitypub import actors as docs
from node.activitypub.routes import APResponse, not_found
from node.storage.models import Follower

log = logging.getLogger("aan.audience")


async def audience_endpoint(request: Request, actor) -> Response:
    """Clearing House only: the shared inboxes of everyone who follows our actors.

    Members fetch it (signed) to deliver their own Update and Delete of an alert to
    servers that saw it only through our boost (interop-mastodon.md 9.3, method a).
    Only a signer on the host of an active member gets an answer.
    """
    node = request.app.state.node
    if actor is None or node.config.role != "clearinghouse" or actor.username != node.config.username:
        return not_found()
    from node.activitypub.fetch import FetchError
    from node.activitypub.inbox import request_url
    from node.activitypub.signatures import SignatureError, parse_request
    from node.storage.models import Member

    try:
        signed = parse_request("GET", request_url(request, node.urls.scheme), request.headers, b"")
        owner, key = await node.remotes.key(signed.key_id)
        if not signed.verify(key):
            owner, key = await node.remotes.key(signed.key_id, refresh=True)
            if not signed.verify(key):
                raise SignatureError("signature does not verify")
    except SignatureError as exc:
        return JSONResponse({"error": exc.public}, status_code=401)
    except FetchError as exc:
        log.info("audience: cannot fetch key %s: %s", signed.key_id, exc.detail)
        return JSONResponse({"error": "cannot fetch the key"}, status_code=401)
    host = owner.split("/")[2]
    members = await Member.filter(state="active").values_list("actor_uri", flat=True)
    if host not in {m.split("/")[2] for m in members}:
        return JSONResponse({"error": "only members may read the audience"}, status_code=403)
    rows = await Follower.all().values_list("inbox", "shared_inbox")
    inboxes = sorted({shared or inbox for inbox, shared in rows})
    url = node.urls.actor(actor.username) + "/audience"
    return APResponse({"@context": docs.AS_CONTEXT, "id": url, "type": "Collection",
                       "totalItems": len(inboxes), "items": inboxes})
