"""Nothing is lost: SIGKILL the node in the middle of a fan-out, restart it, all arrives.

Delivery is at-least-once by design (a POST in flight when the process dies
cannot be known to have arrived); receivers deduplicate by activity id, as our
own inbox does. So the test asserts that every inbox gets every activity, with
a valid signature, and that only POSTs the killed process held unrecorded (in
flight, or answered but not yet recorded) are sent again, each at most once more.
"""

import asyncio
from collections import Counter

import httpx
from conftest import (
    EXAMPLE,
    listening_sockets,
    port_of,
    read_log,
    seed_followers,
    start_receiver,
    unrecorded_deliveries,
    wait_for,
)

from node.config import NodeConfig

HOSTS = 5
FOLLOWERS_PER_HOST = 60
ALERTS = 2
IN_FLIGHT = 32  # the node's default delivery concurrency


def test_sigkill_mid_fanout_loses_nothing(db_url, nodes, tmp_path):
    member = nodes("member", db_url).init()
    config = NodeConfig.load(member.data_dir)
    sockets = listening_sockets(HOSTS)
    asyncio.run(seed_followers(config, dict.fromkeys(map(port_of, sockets), FOLLOWERS_PER_HOST)))

    # A recording receiver on 5 loopback hosts, slow enough (80 ms) to interrupt the fan-out.
    pem = tmp_path / "member.pem"
    member.start()
    pem.write_text(httpx.get(member.actor, headers={"Accept": "application/activity+json"})
                   .json()["publicKey"]["publicKeyPem"])
    log = tmp_path / "received.jsonl"
    receiver = start_receiver(log, pem, 0.08, sockets)
    try:
        ids = [member.cli("alert", "publish", "--force", str(EXAMPLE)).stdout.strip() for _ in range(ALERTS)]
        expected = HOSTS * FOLLOWERS_PER_HOST * ALERTS

        # When the node is killed (SIGKILL) with part of the fan-out delivered
        wait_for(lambda: len(read_log(log)) >= 60, message="the fan-out to start")
        member.kill()
        at_kill = len(read_log(log))
        assert at_kill < expected, "the fan-out finished before the kill; slow the receiver down"
        # what the dead process had claimed and not recorded: nothing else may be sent again
        held = unrecorded_deliveries(member.database_url())

        # and restarted, every pending delivery is still sent
        member.start()
        wait_for(lambda: len({(r["path"], r["port"]) for r in read_log(log)}) == HOSTS * FOLLOWERS_PER_HOST
                 and len({(r["path"], r["port"], r["id"]) for r in read_log(log)}) == expected,
                 timeout=300, message=f"all {expected} deliveries")
        wait_for(lambda: "0 pending" in member.cli("deliveries").stdout, message="an empty queue")
    finally:
        receiver.kill()
        receiver.wait()
        for sock in sockets:
            sock.close()

    records = read_log(log)
    assert all(r["verified"] for r in records), "every delivery carries a valid signature"
    assert {r["type"] for r in records} == {"Create"}
    per_inbox = Counter((r["port"], r["path"], r["id"]) for r in records)
    assert len(per_inbox) == expected
    assert {activity for _, _, activity in per_inbox} == set(_activity_ids(member, ids))
    repeated = {key: n for key, n in per_inbox.items() if n > 1}
    assert set(repeated.values()) <= {2}, "a POST was repeated more than once"
    assert set(repeated) <= held, (f"{len(set(repeated) - held)} POSTs repeated that the killed node had "
                                   f"recorded (of {len(repeated)} repeated, {len(held)} unrecorded at the kill)")
    assert "0 failed" in member.cli("deliveries", "--failed").stdout


def _activity_ids(member, alert_ids: list[str]) -> list[str]:
    """The Create activity id of each alert, read from the member's outbox."""
    page = httpx.get(f"{member.actor}/outbox?page=1", headers={"Accept": "application/activity+json"}).json()
    by_object = {item["object"]["id"]: item["id"] for item in page["orderedItems"]}
    return [by_object[a] for a in alert_ids]


FAST_HOSTS, FAST_PER_HOST = 2, 8  # answer at once
HELD_HOSTS, HELD_PER_HOST = 3, 12  # hold every POST until the node is killed


async def _recorded(db_url: str) -> dict[str, str]:
    """Inboxes whose delivery outcome the node has recorded (read from its database): inbox -> status."""
    from node.storage import db
    from node.storage.models import Delivery

    await db.init(db_url)
    try:
        rows = await Delivery.all().values_list("inbox", "status", "last_error")
        return {inbox: status for inbox, status, error in rows if status in ("done", "failed") or error}
    finally:
        await db.close()


def test_an_acknowledged_delivery_is_not_sent_again_after_sigkill(db_url, nodes, tmp_path):
    """Fast receivers' outcomes are recorded soon after their answer, not when a group fills.

    Most receivers of the fan-out hold their POSTs, so a group of ``concurrency`` outcomes
    never fills; the fast receivers' 202s must still be recorded (within the flush interval).
    Once the database says so, the node is killed; after the restart only the held
    deliveries are sent again.
    """
    member = nodes("member", db_url).init()
    config = NodeConfig.load(member.data_dir)
    sockets = listening_sockets(FAST_HOSTS + HELD_HOSTS)
    ports = [port_of(sock) for sock in sockets]
    fast, held = ports[:FAST_HOSTS], ports[FAST_HOSTS:]

    asyncio.run(seed_followers(config, {**dict.fromkeys(fast, FAST_PER_HOST), **dict.fromkeys(held, HELD_PER_HOST)}))
    fast_inboxes = {f"http://127.0.0.1:{p}/users/u{i}/inbox" for p in fast for i in range(FAST_PER_HOST)}
    total = len(fast_inboxes) + HELD_HOSTS * HELD_PER_HOST
    assert len(fast_inboxes) < IN_FLIGHT, "the fast outcomes alone must not fill a group"

    pem = tmp_path / "member.pem"
    member.start()
    pem.write_text(httpx.get(member.actor, headers={"Accept": "application/activity+json"})
                   .json()["publicKey"]["publicKeyPem"])
    log = tmp_path / "received.jsonl"
    receiver = start_receiver(log, pem, 0, sockets, hold=sockets[FAST_HOSTS:])
    try:
        alert = member.cli("alert", "publish", str(EXAMPLE)).stdout.strip()

        # Every fast receiver has answered and the node has recorded it, while the held ones wait.
        wait_for(lambda: asyncio.run(_recorded(config.database_url)).keys() >= fast_inboxes, timeout=30,
                 message="the fast receivers' outcomes to be recorded")
        member.kill()
        # Recorded without waiting for the held deliveries (whose outcome never came) to fill a group.
        assert asyncio.run(_recorded(config.database_url)) == dict.fromkeys(fast_inboxes, "done")
        httpx.post(f"http://127.0.0.1:{held[0]}/_release")  # the held POSTs were cut off by the kill

        member.start()
        wait_for(lambda: len({(r["port"], r["path"]) for r in read_log(log)}) == total, timeout=60,
                 message=f"all {total} inboxes")
        wait_for(lambda: "0 pending" in member.cli("deliveries").stdout, message="an empty queue")
    finally:
        receiver.kill()
        receiver.wait()

    records = read_log(log)
    assert all(r["verified"] for r in records)
    assert {r["id"] for r in records} == set(_activity_ids(member, [alert]))
    per_inbox = Counter(f"http://127.0.0.1:{r['port']}{r['path']}" for r in records)
    assert {inbox: n for inbox, n in per_inbox.items() if inbox in fast_inboxes} == dict.fromkeys(fast_inboxes, 1), \
        "an inbox that answered before the kill got the activity again"
    assert "0 failed" in member.cli("deliveries", "--failed").stdout
