"""Inbox behaviour under hostile and heavy load, against a real `aan serve` process."""

import asyncio
import socket
import time

import aiohttp
import httpx
import orjson
from aiohttp import web
from conftest import free_port

from node.activitypub.keys import generate_private_key, public_key_pem
from node.activitypub.signatures import sign_headers


def test_a_stalled_upload_is_cut_off_without_holding_up_others(nodes):
    node = nodes("member").init().start(env={"AAN_UPLOAD_DEADLINE": "1.5"})
    slow = socket.create_connection(("127.0.0.1", node.port))
    try:
        slow.sendall(b"POST /inbox HTTP/1.1\r\nHost: " + node.domain.encode() +
                     b"\r\nContent-Type: application/activity+json\r\nContent-Length: 5000\r\n\r\n{\"id\":")
        # While that body never finishes, other requests are answered at once
        started = time.monotonic()
        for _ in range(5):
            assert httpx.get(f"{node.base}/healthz", timeout=2).status_code == 200
        assert time.monotonic() - started < 1.0
        # and after the deadline the stalled request gets 408
        slow.settimeout(5)
        answer = slow.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408")
        assert b"deadline" in answer
    finally:
        slow.close()


async def _burst(node, actor_port: int, count: int, concurrency: int) -> tuple[list[int], int]:
    key = generate_private_key()
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
    await web.TCPSite(runner, "127.0.0.1", actor_port).start()
    inbox = f"{node.base}/inbox"
    requests = []
    for i in range(count):
        body = orjson.dumps({"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor}/a/{i}",
                             "type": "Create", "actor": actor,
                             "object": {"id": f"{actor}/n/{i}", "type": "Note", "attributedTo": actor,
                                        "content": "x" * 2000, "to": ["https://www.w3.org/ns/activitystreams#Public"]}})
        requests.append((body, sign_headers("POST", inbox, key_id=f"{actor}#main-key", private_key=key, body=body)))
    statuses: list[int] = []
    peak = node.rss_kb()
    sem = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def one(body, headers):
            nonlocal peak
            async with sem, session.post(inbox, data=body, headers=headers) as resp:
                statuses.append(resp.status)
                if len(statuses) % 200 == 0:
                    peak = max(peak, node.rss_kb())

        await asyncio.gather(*(one(b, h) for b, h in requests))
    await runner.cleanup()
    return statuses, peak


def test_a_burst_of_valid_requests_is_stored_with_bounded_memory(nodes):
    node = nodes("member").init().start("--workers-in-process", "0")
    before = node.rss_kb()
    statuses, peak = asyncio.run(_burst(node, free_port(), count=3000, concurrency=200))
    assert statuses.count(202) == 3000
    assert httpx.get(f"{node.base}/healthz", timeout=2).status_code == 200
    grown_mb = (peak - before) / 1024
    assert grown_mb < 40, f"RSS grew by {grown_mb:.1f} MB during the burst"
    # every accepted activity is durably stored
    import sqlite3

    db = sqlite3.connect(node.data_dir / "aan.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM inbox_items").fetchone()[0] == 3000
