"""Fan-out and delivery against real HTTP receivers on loopback (SQLite and PostgreSQL).

The node is opened in process (development mode, so loopback peers are
allowed); the receivers are aiohttp servers in the same event loop whose
answers each test chooses. Every received POST is verified with the node's key.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import timedelta

import orjson
import pytest
from aiohttp import web
from conftest import async_wait_until, example_alert, listening_sockets, port_of
from fake_dns import FakeDNS, gai_error

from node.activitypub import outbox
from node.activitypub.delivery import Deliverer, deliver_once, fanout_once
from node.activitypub.keys import load_public_key
from node.activitypub.signatures import parse_request
from node.storage import jobs
from node.storage.models import Delivery, Follower, Host, RemoteActor


@dataclass
class Receiver:
    """One loopback host; ``answers`` maps an inbox path to (status, headers)."""

    port: int
    answers: dict[str, tuple[int, dict]] = field(default_factory=dict)
    got: list[tuple[str, dict, bool]] = field(default_factory=list)
    key: object = None

    def inbox(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}/inbox"

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        url = f"http://{request.headers['Host']}{request.raw_path}"
        verified = parse_request("POST", url, dict(request.headers), body).verify(self.key)
        self.got.append((request.path, orjson.loads(body), verified))
        status, headers = self.answers.get(request.path, (202, {}))
        return web.Response(status=status, headers=headers)


@pytest.fixture
async def receivers(node):
    servers, runners = [], []
    for sock in listening_sockets(2):
        receiver = Receiver(port_of(sock), key=load_public_key(node.org.public_key_pem))
        app = web.Application()
        app.router.add_post("/{tail:.*}", receiver.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        servers.append(receiver)
        runners.append(runner)
    yield servers
    for runner in runners:
        await runner.cleanup()


async def follower(node, actor_uri: str, inbox: str, shared: str | None = None) -> None:
    await Follower.create(local_actor=node.org, actor_uri=actor_uri, inbox=inbox, shared_inbox=shared,
                          follow_id=f"{actor_uri}#follow")


async def publish(node) -> str:
    row = await outbox.publish_alert(node.org, node.urls, example_alert())
    return node.urls.alert(row.id)


async def run(node, deliverer) -> None:
    await fanout_once(node, "w")
    await deliver_once(node, deliverer, "w")


async def test_fanout_dedupes_shared_inboxes_and_skips_our_host(node, receivers):
    a, b = receivers
    shared = a.inbox("shared")
    await follower(node, "http://x/u1", a.inbox("u1"), shared)
    await follower(node, "http://x/u2", a.inbox("u2"), shared)
    await follower(node, "http://x/u3", b.inbox("u3"))
    await follower(node, "http://node.test/actors/local", "http://node.test/inbox")
    note_id = await publish(node)
    async with Deliverer(node) as deliverer:
        await run(node, deliverer)
    assert sorted(p for p, _, _ in a.got + b.got) == ["/shared/inbox", "/u3/inbox"]
    for _, activity, verified in a.got + b.got:
        assert verified and activity["type"] == "Create" and activity["object"]["id"] == note_id
    assert {d.inbox for d in await Delivery.all()} == {shared, b.inbox("u3")}
    assert await Delivery.filter(status="done").count() == 2


async def test_fanout_twice_adds_no_second_delivery(node, receivers):
    a, _ = receivers
    await follower(node, "http://x/u1", a.inbox("u1"))
    await publish(node)
    await fanout_once(node, "w")
    # a crashed fan-out is run again: the unique (activity, inbox) keeps one row
    await jobs.db.conn().execute_query("UPDATE fanout_jobs SET status='pending'")
    await fanout_once(node, "w")
    assert await Delivery.all().count() == 1


async def test_410_removes_the_follower(node, receivers):
    a, _ = receivers
    a.answers["/gone/inbox"] = (410, {})
    await follower(node, "http://x/gone", a.inbox("gone"))
    await RemoteActor.create(uri="http://x/gone", key_id="http://x/gone#k", public_key_pem="-", inbox=a.inbox("gone"),
                             fetched_at=jobs.now())
    await publish(node)
    async with Deliverer(node) as deliverer:
        await run(node, deliverer)
    row = await Delivery.get()
    assert row.status == "failed" and row.last_status == 410
    assert not await Follower.exists()
    assert (await RemoteActor.get()).gone


async def test_503_with_retry_after_is_rescheduled_then_delivered(node, receivers):
    a, _ = receivers
    a.answers["/busy/inbox"] = (503, {"Retry-After": "120"})
    await follower(node, "http://x/busy", a.inbox("busy"))
    await publish(node)
    async with Deliverer(node) as deliverer:
        await run(node, deliverer)
        row = await Delivery.get()
        assert row.status == "pending" and row.last_status == 503 and row.attempts == 1
        wait = (row.next_try - jobs.now()).total_seconds()
        assert 100 < wait <= 120
        # nothing is due yet
        assert await deliver_once(node, deliverer, "w") == 0
        # when it is due, the next attempt is signed afresh and succeeds
        del a.answers["/busy/inbox"]
        await Delivery.filter(id=row.id).update(next_try=jobs.now() - timedelta(seconds=1))
        assert await deliver_once(node, deliverer, "w") == 1
    row = await Delivery.get()
    assert row.status == "done" and row.attempts == 2
    first, second = a.got
    assert first[2] and second[2] and first[1]["id"] == second[1]["id"]


async def test_permanent_4xx_gives_up_at_once(node, receivers):
    a, _ = receivers
    a.answers["/bad/inbox"] = (400, {})
    await follower(node, "http://x/bad", a.inbox("bad"))
    await publish(node)
    async with Deliverer(node) as deliverer:
        await run(node, deliverer)
    row = await Delivery.get()
    assert row.status == "failed" and row.last_status == 400 and "HTTP 400" in row.last_error


async def test_a_failing_host_is_parked_and_does_not_block_others(node, receivers):
    a, b = receivers
    a.answers["/u/inbox"] = (500, {})
    await follower(node, "http://x/u", a.inbox("u"))
    async with Deliverer(node) as deliverer:
        for _ in range(5):
            await publish(node)
            await fanout_once(node, "w")
            await Delivery.filter(status="pending").update(next_try=jobs.now() - timedelta(seconds=1))
            await deliver_once(node, deliverer, "w")
        host = await Host.get(host=f"127.0.0.1:{a.port}")
        assert host.consecutive_failures == 5 and host.parked_until > jobs.now()
        # the parked host's rows wait; another host's delivery still goes out
        await follower(node, "http://y/v", b.inbox("v"))
        await publish(node)
        await fanout_once(node, "w")
        await Delivery.filter(status="pending").update(next_try=jobs.now() - timedelta(seconds=1))
        assert await deliver_once(node, deliverer, "w") == 1
    assert [p for p, _, _ in b.got] == ["/v/inbox"]


async def test_refused_address_fails_without_a_request(node, receivers):
    """Outside development mode, loopback inboxes are never contacted (SSRF guard)."""
    a, _ = receivers
    node.config.insecure_http = False
    await follower(node, "https://x/u", f"https://127.0.0.1:{a.port}/u/inbox")
    await publish(node)
    async with Deliverer(node) as deliverer:
        await run(node, deliverer)
    row = await Delivery.get()
    assert row.status == "failed" and "refusing" in row.last_error
    assert a.got == []


async def test_a_temporary_resolver_failure_is_retried_an_unknown_name_fails(node):
    """Decided by the resolver's error code (EAI_AGAIN or EAI_NONAME), never by the text."""
    dns = FakeDNS({"flaky.test": [gai_error(socket.EAI_AGAIN)], "nxdomain.test": [gai_error(socket.EAI_NONAME)]})
    await follower(node, "http://flaky.test/u", "http://flaky.test/u/inbox")
    await follower(node, "http://nxdomain.test/u", "http://nxdomain.test/u/inbox")
    await publish(node)
    async with Deliverer(node, resolve=dns) as deliverer:
        await run(node, deliverer)
    flaky = await Delivery.get(inbox="http://flaky.test/u/inbox")
    assert flaky.status == "pending" and flaky.next_try > jobs.now() and flaky.last_error
    gone = await Delivery.get(inbox="http://nxdomain.test/u/inbox")
    assert gone.status == "failed" and gone.last_error
    assert dns.lookups == {"flaky.test": 1, "nxdomain.test": 1}


async def test_one_group_of_mixed_outcomes_is_recorded_row_by_row(node, receivers):
    """Outcomes are recorded a group at a time (one transaction): each row still gets its own
    outcome, and a host that answered 2xx has its failures forgotten."""
    a, b = receivers
    a.answers["/busy/inbox"] = (503, {"Retry-After": "120"})
    a.answers["/bad/inbox"] = (400, {})
    a.answers["/gone/inbox"] = (410, {})
    for name in ("ok", "busy", "bad", "gone"):
        await follower(node, f"http://x/{name}", a.inbox(name))
    await follower(node, "http://y/ok", b.inbox("ok"))
    await Host.create(host=f"127.0.0.1:{b.port}", consecutive_failures=3, last_error="earlier")
    await publish(node)
    async with Deliverer(node) as deliverer:
        await run(node, deliverer)
    rows = {d.inbox: d for d in await Delivery.all()}
    assert rows[a.inbox("ok")].status == "done" and rows[a.inbox("ok")].delivered_at is not None
    assert rows[b.inbox("ok")].status == "done"
    busy = rows[a.inbox("busy")]
    assert busy.status == "pending" and busy.last_status == 503 and "Retry-After" in busy.last_error
    assert busy.locked_by is None and 100 < (busy.next_try - jobs.now()).total_seconds() <= 120
    assert rows[a.inbox("bad")].status == "failed" and rows[a.inbox("bad")].last_status == 400
    assert rows[a.inbox("gone")].status == "failed" and rows[a.inbox("gone")].last_status == 410
    assert not await Follower.filter(inbox=a.inbox("gone")).exists()
    assert (await Host.get(host=f"127.0.0.1:{b.port}")).consecutive_failures == 0
    assert (await Host.get(host=f"127.0.0.1:{a.port}")).consecutive_failures == 1  # the 503


async def test_small_fanouts_of_one_pass_are_written_together_and_once(node, receivers):
    """Several fan-out jobs claimed in one pass are expanded in one transaction; run again
    (a crash before the jobs were marked done), they add no row; each inbox gets each activity once."""
    a, b = receivers
    for i in range(3):
        await follower(node, f"http://x/u{i}", a.inbox(f"u{i}"))
    await follower(node, "http://y/v", b.inbox("v"))
    notes = [await publish(node) for _ in range(3)]
    assert await fanout_once(node, "w") == 3
    assert await Delivery.all().count() == 12
    await jobs.db.conn().execute_query("UPDATE fanout_jobs SET status='pending'")
    assert await fanout_once(node, "w") == 3
    assert await Delivery.all().count() == 12
    async with Deliverer(node) as deliverer:
        assert await deliver_once(node, deliverer, "w") == 12
    got = [(path, activity["object"]["id"]) for path, activity, verified in a.got + b.got if verified]
    assert len(got) == len(set(got)) == 12
    assert {note for _, note in got} == set(notes)


async def test_deliveries_give_way_to_a_busy_inbox_but_are_never_starved(monkeypatch):
    """While the inbox worker reports a backlog, sends wait; when it is done they go on; and under
    a backlog that never ends they still go, after a bounded wait."""
    import asyncio

    from node.activitypub import delivery

    monkeypatch.setattr(delivery, "GIVE_WAY_HOLD", 0.2)
    gate = delivery.GiveWay()
    gate.inbox_pass(1)  # a trickle holds nothing
    await asyncio.wait_for(gate.wait(), 5)
    gate.inbox_pass(delivery.INBOX_BACKLOG)  # a burst
    waiting = asyncio.ensure_future(gate.wait())
    await asyncio.sleep(0)
    assert not waiting.done()
    gate.inbox_pass(0)  # the inbox caught up: sends go on
    await asyncio.wait_for(waiting, 5)

    monkeypatch.setattr(delivery, "GIVE_WAY_SLICE", 0.0)
    gate.inbox_pass(delivery.INBOX_BACKLOG)
    assert not gate.open.is_set()
    await asyncio.wait_for(gate.wait(), 5)  # the backlog never ends: the wait is bounded
    assert gate.open.is_set()


FAIL_DONE = {
    # A real failure of the database while outcomes are recorded: marking a delivery done raises
    # while the table ``fail_done`` has a row (the test removes it once the failure was seen).
    "sqlite": [
        "CREATE TABLE fail_done (n INTEGER)",
        "INSERT INTO fail_done VALUES (1)",
        "CREATE TRIGGER fail_done_t BEFORE UPDATE OF status ON deliveries "
        "WHEN NEW.status = 'done' AND EXISTS (SELECT 1 FROM fail_done) "
        "BEGIN SELECT RAISE(ABORT, 'recording refused (test)'); END",
    ],
    "postgres": [
        "CREATE TABLE fail_done (n INTEGER)",
        "INSERT INTO fail_done VALUES (1)",
        "CREATE FUNCTION fail_done_f() RETURNS trigger AS $$ BEGIN "
        "IF EXISTS (SELECT 1 FROM fail_done) THEN RAISE EXCEPTION 'recording refused (test)'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER fail_done_t BEFORE UPDATE ON deliveries FOR EACH ROW "
        "WHEN (NEW.status = 'done') EXECUTE FUNCTION fail_done_f()",
    ],
}


async def test_rows_of_a_pass_whose_recording_failed_are_sent_again(node, receivers, db_kind, caplog):
    """When recording a group's outcomes fails, the worker's pass ends and the rows it still holds
    are given back: they are claimed and sent again, not left ``running`` under a lease that the
    live worker's heartbeat keeps renewing (they were never sent again, seen under load)."""
    from node.workers import Workers

    a, _ = receivers
    for i in range(5):
        await follower(node, f"http://x/u{i}", a.inbox(f"u{i}"))
    for statement in FAIL_DONE[db_kind]:
        await jobs.db.conn().execute_script(statement)
    workers = Workers(node, concurrency=4)
    await workers.start()
    try:
        note = await publish(node)
        await async_wait_until(lambda: "delivery worker pass failed" in caplog.text, message="the recording failure")
        await jobs.db.conn().execute_script("DELETE FROM fail_done")
        node.poke()

        async def all_done():
            rows = await Delivery.all()
            return len(rows) == 5 and all(r.status == "done" for r in rows)

        await async_wait_until(all_done, message="every delivery recorded done")
    finally:
        await workers.stop(grace=5)
    got = {path for path, activity, verified in a.got if verified and activity["object"]["id"] == note}
    assert got == {f"/u{i}/inbox" for i in range(5)}
