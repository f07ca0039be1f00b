"""Inbox behaviour under hostile and heavy load, against a real `aan serve` process."""

import asyncio
import select
import socket

import aiohttp
import httpx
import orjson
from aiohttp import web
from conftest import listening_sockets, port_of

from node.activitypub.keys import generate_private_key, public_key_pem
from node.activitypub.signatures import sign_headers


def test_a_stalled_upload_is_cut_off_without_holding_up_others(nodes):
    node = nodes("member").init().start(env={"AAN_UPLOAD_DEADLINE": "10"})
    slow = socket.create_connection(("127.0.0.1", node.port))
    try:
        slow.sendall(b"POST /inbox HTTP/1.1\r\nHost: " + node.domain.encode() +
                     b"\r\nContent-Type: application/activity+json\r\nContent-Length: 5000\r\n\r\n{\"id\":")
        # While that body never finishes, other requests are answered (before the stalled one is cut off:
        # a server that waited for it would answer them only after its 408)
        for _ in range(5):
            assert httpx.get(f"{node.base}/healthz", timeout=30).status_code == 200
        assert select.select([slow], [], [], 0)[0] == [], "answered only after the stalled upload was cut off"
        # and after the deadline the stalled request gets 408
        slow.settimeout(60)  # a deadline for a server that never cuts it off
        answer = slow.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408")
        assert b"deadline" in answer
    finally:
        slow.close()


async def _burst(node, count: int, concurrency: int) -> list[int]:
    key = generate_private_key()
    listener = listening_sockets(1)[0]
    actor_port = port_of(listener)
    actor = f"http://127.0.0.1:{actor_port}/users/burst"
    doc = {"@context": "https://www.w3.org/ns/activitystreams", "id": actor, "type": "Person",
           "preferredUsername": "burst", "inbox": f"{actor}/inbox",
           "publicKey": {"id": f"{actor}#main-key", "owner": actor, "publicKeyPem": public_key_pem(key)}}

    async def serve_actor(request):
        return web.Response(body=orjson.dumps(doc), content_type="application/activity+json")

    app = web.Application()
    app.router.add_get("/users/burst", serve_actor)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, listener).start()
    inbox = f"{node.base}/inbox"
    requests = []
    for i in range(count):
        body = orjson.dumps({"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}/a/{i}",
                             "type": "Create", "actor": actor,
                             "object": {"id": f"{actor}/n/{i}", "type": "Note", "attributedTo": actor,
                                        "content": "x" * 2000, "to": ["https://www.w3.org/ns/activitystreams#Public"]}})
        requests.append((body, sign_headers("POST", inbox, key_id=f"{actor}#main-key", private_key=key, body=body)))
    statuses: list[int] = []
    sem = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def one(body, headers):
            async with sem, session.post(inbox, data=body, headers=headers) as resp:
                statuses.append(resp.status)

        await asyncio.gather(*(one(b, h) for b, h in requests))
    await runner.cleanup()
    return statuses


def test_a_burst_of_valid_requests_is_answered_and_stored(nodes):
    # Memory under such a burst is measured by bench/inbox.py (node RSS), not asserted here.
    node = nodes("member").init().start("--workers-in-process", "0")
    statuses = asyncio.run(_burst(node, count=3000, concurrency=200))
    assert statuses.count(202) == 3000
    assert httpx.get(f"{node.base}/healthz", timeout=30).status_code == 200
    # every accepted activity is durably stored
    import sqlite3

    db = sqlite3.connect(node.data_dir / "aan.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM inbox_items").fetchone()[0] == 3000
