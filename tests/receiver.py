"""A recording inbox server for delivery tests: several loopback ports, one process.

Run as ``python tests/receiver.py LOG PUBKEY.pem DELAY PORT...``. Every POST is
checked with our verifier against the sender's public key and appended to LOG
as one JSON line: port, path, activity id and type, whether the signature verified, and
the name of the object when it is a document (an actor's name in Update(actor)).
Answers 202 after DELAY seconds (to make a fan-out take long enough to be
interrupted).
"""

from __future__ import annotations

import asyncio
import json
import sys

import orjson
from aiohttp import web

from node.activitypub.keys import load_public_key
from node.activitypub.signatures import SignatureError, parse_request


def make_app(port: int, log, key, delay: float) -> web.Application:
    async def inbox(request: web.Request) -> web.Response:
        body = await request.read()
        url = f"http://{request.headers.get('Host')}{request.raw_path}"
        try:
            ok = parse_request(request.method, url, dict(request.headers), body).verify(key)
        except SignatureError:
            ok = False
        activity = orjson.loads(body)
        obj = activity.get("object")
        await asyncio.sleep(delay)
        log.write(json.dumps({"port": port, "path": request.path, "id": activity.get("id"),
                              "type": activity.get("type"), "verified": ok,
                              "object_name": obj.get("name") if isinstance(obj, dict) else None}) + "\n")
        log.flush()
        return web.Response(status=202 if ok else 401)

    app = web.Application()
    app.router.add_post("/{tail:.*}", inbox)
    return app


async def main(log_path: str, pem_path: str, delay: float, ports: list[int]) -> None:
    with open(pem_path) as pem:
        key = load_public_key(pem.read())
    with open(log_path, "a") as log:
        runners = []
        for port in ports:
            runner = web.AppRunner(make_app(port, log, key, delay), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            runners.append(runner)
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), [int(p) for p in sys.argv[4:]]))
