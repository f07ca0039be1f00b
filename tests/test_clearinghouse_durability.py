"""The Clearing House killed (SIGKILL) in the middle of boosting: nothing lost, nothing boosted twice."""

import asyncio
from collections import Counter

import httpx
from conftest import (
    listening_sockets,
    port_of,
    read_log,
    seed_followers,
    start_receiver,
    unrecorded_deliveries,
    wait_for,
)
from test_clearinghouse import alert_file, members

from node.config import NodeConfig

HOSTS, PER_HOST, ALERTS = 4, 50, 3


def test_clearinghouse_restart_mid_boost(db_url, nodes, tmp_path):
    ch = nodes("ch", db_url, username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http", "--db", db_url)
    sockets = listening_sockets(HOSTS)
    asyncio.run(seed_followers(NodeConfig.load(ch.data_dir), dict.fromkeys(map(port_of, sockets), PER_HOST), "r"))
    ch.start()
    member = nodes("m1", username="alerts").init().start()
    ch.cli("member", "add", member.handle)
    wait_for(lambda: members(ch).get(member.actor, {}).get("state") == "active", message="member active")

    pem = tmp_path / "ch.pem"
    pem.write_text(httpx.get(ch.actor, headers={"Accept": "application/activity+json"}).json()
                   ["publicKey"]["publicKeyPem"])
    log = tmp_path / "boosts.jsonl"
    receiver = start_receiver(log, pem, 0.08, sockets)
    expected = HOSTS * PER_HOST * ALERTS
    try:
        for i, name in enumerate(["Ayse Yilmaz", "Mehmet Demir", "Zeynep Kaya"][:ALERTS]):
            member.cli("alert", "publish", alert_file(tmp_path, f"a{i}", headline=f"{name} held", target=name))
        wait_for(lambda: len(read_log(log)) >= 40, message="boosts to start")
        ch.kill()
        assert len(read_log(log)) < expected, "all boosts went out before the kill; slow the receiver"
        held = unrecorded_deliveries(ch.database_url())  # all that a crash may send again
        ch.start()
        wait_for(lambda: len({(r["port"], r["path"], r["id"]) for r in read_log(log)}) == expected,
                 timeout=300, message=f"all {expected} boost deliveries")
        wait_for(lambda: "0 pending" in ch.cli("deliveries").stdout, message="an empty queue")
    finally:
        receiver.kill()
        receiver.wait()
        for sock in sockets:
            sock.close()
    records = read_log(log)
    assert all(r["verified"] and r["type"] == "Announce" for r in records)
    per_inbox = Counter((r["port"], r["path"], r["id"]) for r in records)
    assert len({activity for _, _, activity in per_inbox}) == ALERTS  # one Announce per alert, never two
    repeated = {key: n for key, n in per_inbox.items() if n > 1}
    assert set(repeated.values()) <= {2}, "a boost was repeated more than once"
    assert set(repeated) <= held, (f"{len(set(repeated) - held)} boosts repeated that the killed node had "
                                   f"recorded (of {len(repeated)} repeated, {len(held)} unrecorded at the kill)")
    assert members(ch)[member.actor]["alerts"] == ALERTS
    assert len(ch.cli("case", "list").stdout.strip().splitlines()) == ALERTS
