"""A recording inbox server for delivery tests: several loopback ports, one process.

Run as ``python tests/receiver.py LOG PUBKEY.pem DELAY fd:N...`` with listening
sockets inherited from the test (``conftest.start_receiver``). Every POST is
checked with our verifier against the sender's public key and appended to LOG
as one JSON line: port, path, activity id and type, whether the signature verified, the
name of the object when it is a document (an actor's name in Update(actor)), and the
wall-clock time it was answered.
Answers 202 after DELAY seconds (to make a fan-out take long enough to be
interrupted).

A port given as ``PORT:hold`` holds every POST unanswered (nothing logged) until
``POST /_release`` reaches any port; from then on it answers like the others.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time

import orjson
from aiohttp import web

from node.activitypub.keys import load_public_key
from node.activitypub.signatures import SignatureError, parse_request


def make_app(port: int, log, key, delay: float, hold: bool = False,
             released: asyncio.Event | None = None) -> web.Application:
    released = released or asyncio.Event()

    async def release(request: web.Request) -> web.Response:
        released.set()
        return web.Response(status=204)

    async def inbox(request: web.Request) -> web.Response:
        body = await request.read()
        if hold:
            await released.wait()
        url = f"http://{request.headers.get('Host')}{request.raw_path}"
        try:
            ok = parse_request(request.method, url, dict(request.headers), body).verify(key)
        except SignatureError:
            ok = False
        activity = orjson.loads(body)
        obj = activity.get("object")
        await asyncio.sleep(delay)
        log.write(json.dumps({"port": port, "path": request.path, "id": activity.get("id"),
                              "type": activity.get("type"), "verified": ok, "at": time.time(),
                              "object_name": obj.get("name") if isinstance(obj, dict) else None}) + "\n")
        log.flush()
        return web.Response(status=202 if ok else 401)

    app = web.Application()
    app.router.add_post("/_release", release)
    app.router.add_post("/{tail:.*}", inbox)
    return app


async def main(log_path: str, pem_path: str, delay: float, specs: list[str]) -> None:
    with open(pem_path) as pem:
        key = load_public_key(pem.read())
    released = asyncio.Event()
    with open(log_path, "a") as log:
        runners = []
        for spec in specs:  # fd:N (an inherited listening socket) or PORT, optionally followed by :hold
            kind, _, rest = spec.partition(":")
            if kind == "fd":
                fd, _, mode = rest.partition(":")
                sock = socket.socket(fileno=int(fd))
            else:
                mode = rest
                sock = socket.create_server(("127.0.0.1", int(kind)))
            runner = web.AppRunner(make_app(sock.getsockname()[1], log, key, delay, mode == "hold", released),
                                   access_log=None)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            runners.append(runner)
        print("ready", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]))
