"""Scale-out behaviour of one worker, in process against loopback receivers (SQLite and PostgreSQL).

* A big fan-out queued first does not hold back a small activity queued after it.
* A slow (or dead) host cannot hold a worker: the other hosts' deliveries go out at
  full speed, the slow host never gets more than its per-host connections, and the
  rows of it the worker cannot start soon go back to the queue unsent.
* Fan-out interleaves hosts, so a claimed batch spans many of them.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from conftest import async_wait_until, example_alert, listening_sockets, port_of

from node.activitypub import outbox
from node.activitypub.delivery import Deliverer, deliver_once, fanout_once, interleave_hosts
from node.storage.models import Activity, Delivery, Follower


@dataclass
class Host:
    port: int
    delay: float = 0.0
    got: list[tuple[float, str, str]] = field(default_factory=list)  # (time, path, activity id)
    active: int = 0
    most_active: int = 0
    gate: asyncio.Event | None = None  # when set up: every request is held until the test opens it

    async def handle(self, request: web.Request) -> web.Response:
        self.active += 1
        self.most_active = max(self.most_active, self.active)
        try:
            body = await request.json()
            if self.gate is not None:
                await self.gate.wait()
            await asyncio.sleep(self.delay)
            self.got.append((time.monotonic(), request.path, body["id"]))
            return web.Response(status=202)
        finally:
            self.active -= 1


@pytest.fixture
async def hosts():
    made, runners = [], []

    async def start(n: int, delay: float = 0.0, gated: bool = False) -> list[Host]:
        out = []
        for sock in listening_sockets(n):
            host = Host(port_of(sock), delay, gate=asyncio.Event() if gated else None)
            app = web.Application()
            app.router.add_post("/{tail:.*}", host.handle)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            runners.append(runner)
            out.append(host)
        made.extend(out)
        return out

    yield start
    for host in made:
        if host.gate is not None:
            host.gate.set()
    for runner in runners:
        await runner.cleanup()


async def add_followers(node, host: Host, n: int, prefix: str = "u") -> None:
    await Follower.bulk_create([
        Follower(local_actor=node.org, actor_uri=f"http://127.0.0.1:{host.port}/{prefix}{i}",
                 inbox=f"http://127.0.0.1:{host.port}/{prefix}{i}/inbox", follow_id=f"f{host.port}-{prefix}{i}")
        for i in range(n)])


async def test_a_big_fanout_does_not_hold_back_a_later_small_activity(node, hosts):
    big_hosts = await hosts(4)
    (small_host,) = await hosts(1)
    for host in big_hosts:
        await add_followers(node, host, 250)
    await outbox.publish_alert(node.org, node.urls, example_alert())
    await fanout_once(node, "w")
    # queued after the 1,000-inbox fan-out: an Accept to one inbox (as when someone follows us)
    follow = {"id": f"http://127.0.0.1:{small_host.port}/f1", "type": "Follow",
              "actor": f"http://127.0.0.1:{small_host.port}/x", "object": node.urls.actor("alerts")}
    await outbox.send_accept(node.org, node.urls, follow, f"http://127.0.0.1:{small_host.port}/x/inbox")
    await fanout_once(node, "w")
    assert await Delivery.filter(status="pending").count() == 1001

    async with Deliverer(node, concurrency=16) as deliverer:
        assert await deliver_once(node, deliverer, "w", limit=100) == 1001
    arrivals = sorted((t, "small") for t, _, _ in small_host.got)
    arrivals += sorted((t, "big") for h in big_hosts for t, _, _ in h.got)
    order = [kind for _, kind in sorted(arrivals)]
    assert len(order) == 1001
    # oldest-first alone would send it last (position 1000); a quarter of each claim is newest-first
    assert order.index("small") < 150, order.index("small")


async def test_a_slow_host_cannot_hold_the_worker(node, hosts):
    (slow,) = await hosts(1, gated=True)  # holds every request until the test lets it answer
    fast = await hosts(20)
    await add_followers(node, slow, 60, prefix="s")
    for host in fast:
        await add_followers(node, host, 6)
    await outbox.publish_alert(node.org, node.urls, example_alert())
    await fanout_once(node, "w")

    # the timeout only matters if the test fails: the slow host's requests must not time out meanwhile
    async with Deliverer(node, concurrency=8, per_host=2, timeout=120.0, host_backlog=8) as deliverer:
        task = asyncio.create_task(deliver_once(node, deliverer, "w", limit=50))
        # 120 fast deliveries (20 hosts) all arrive while the slow host has answered nothing yet
        await async_wait_until(lambda: sum(len(h.got) for h in fast) == 120 or task.done(),
                               message="the fast hosts' deliveries")
        assert sum(len(h.got) for h in fast) == 120 and slow.got == [] and slow.active > 0
        slow.gate.set()
        sent = await task
    assert slow.most_active <= 2  # never more than per_host connections to it
    # the worker did not hold all 60 slow rows: beyond host_backlog they went back to the queue, unsent
    # and with their attempt not counted
    assert sent == 180
    rows = await Delivery.filter(host=f"127.0.0.1:{slow.port}").values("status", "attempts")
    put_back = [r for r in rows if r["status"] == "pending"]
    assert put_back and all(r["attempts"] == 0 for r in put_back)
    assert len(slow.got) == sum(r["status"] == "done" for r in rows)


def test_fanout_interleaves_hosts():
    inboxes = [f"https://a.example/u{i}" for i in range(3)] + ["https://b.example/u0"] + \
        [f"https://c.example/u{i}" for i in range(2)]
    assert interleave_hosts(inboxes) == ["https://a.example/u0", "https://b.example/u0", "https://c.example/u0",
                                         "https://a.example/u1", "https://c.example/u1", "https://a.example/u2"]


async def test_graceful_stop_sends_nothing_more_and_leaves_rows_to_release(node, hosts):
    (host,) = await hosts(1, gated=True)
    await add_followers(node, host, 30)
    await outbox.publish_alert(node.org, node.urls, example_alert())
    await fanout_once(node, "w")
    async with Deliverer(node, concurrency=4, per_host=4) as deliverer:
        task = asyncio.create_task(deliver_once(node, deliverer, "w", limit=30))
        await async_wait_until(lambda: host.active == 4 or task.done(), message="four POSTs in flight")
        deliverer.stopping = True  # as Workers.stop does
        host.gate.set()
        await task
    done = await Delivery.filter(status="done").count()
    assert done == len(host.got) == 4  # the four in flight finished and were recorded; nothing else sent
    assert await Delivery.filter(status="running", locked_by="w").count() == 26
    assert await Activity.all().count() == 1
