"""Domain blocks and allow-list mode: parsed, matched, and enforced on inbox, delivery and fetches.

In process against the fake peers of ``tests/peers.py`` (inbox and fetches) and
loopback receivers (delivery), on SQLite and PostgreSQL; then end to end with
two real nodes and the ``aan block`` commands, JSON logs on.
"""

from __future__ import annotations

import json

import httpx
import pytest
from aiohttp import web
from conftest import app_client, example_alert, listening_sockets, make_node_config, port_of, wait_for
from fake_dns import FakeDNS
from peers import FakePeer, Fediverse, follow, mastodon_post, session_key

from node.activitypub import outbox
from node.activitypub.delivery import Deliverer, deliver_once, fanout_once
from node.activitypub.fetch import FetchError
from node.ops import blocks, metrics
from node.ops.runtime import Refresher
from node.services import blocks as block_list
from node.storage.models import Delivery, DomainBlock, Follower, InboxItem

MASTODON_CSV = """#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
spam.example,suspend,true,true,Spam farm,false
noisy.example,silence,false,false,Loud,false
nothing.example,noop,false,false,,false
exa***.example,suspend,false,false,,true
Bad.Example.,suspend,false,false,"Harassment, repeated",false
"""


def test_blocklist_formats():
    parsed = block_list.parse_blocklist(MASTODON_CSV)
    assert parsed.entries == [("spam.example", "Spam farm"), ("bad.example", "Harassment, repeated")]
    assert {line for line, _ in parsed.skipped} == {"noisy.example", "nothing.example", "exa***.example"}
    plain = block_list.parse_blocklist("# my list\nspam.example\n\n*.evil.example  # all of it\nhttps://x.example/@a\n"
                                   "??? what\n")
    assert [d for d, _ in plain.entries] == ["spam.example", "evil.example", "x.example"]
    assert [line for line, _ in plain.skipped] == ["???"]


def test_policy_matches_subdomains_ports_and_the_allow_list():
    policy = blocks.DomainPolicy(own="node.example", blocked={"evil.example", "127.0.0.1:9"})
    assert policy.reason("https://evil.example/users/a") == "domain blocked"
    assert policy.refuses("https://a.b.evil.example/inbox")
    assert not policy.refuses("https://notevil.example/inbox")
    assert policy.refuses("http://127.0.0.1:9/inbox") and not policy.refuses("http://127.0.0.1:10/inbox")
    policy.mode, policy.allowed = "allowlist", {"friend.example"}
    assert not policy.refuses("https://social.friend.example/users/x")
    assert policy.reason("https://stranger.example/users/x") == "domain not on the allow-list"
    assert not policy.refuses("https://node.example/actors/alerts")  # never ourselves
    assert policy.refuses("https://sub.node.example/actors/alerts")


# --- in process: inbox and fetches against fake peers ----------------------------------------------


@pytest.fixture
async def app_env(db_url, tmp_path, monkeypatch):
    mastodon = FakePeer("mastodon.test", "mastodon")
    mastodon.user("alice")
    friends = FakePeer("friends.test", "mastodon")
    friends.user("fred")
    other = FakePeer("other.test", "mastodon")
    other.user("olga")
    fediverse = Fediverse(mastodon, friends, other)
    FakeDNS.public(fediverse.peers).install(monkeypatch)
    config = await make_node_config(db_url, tmp_path, insecure=False, keys=(session_key(1), session_key(2)))
    async with fediverse.client() as http, app_client(config, http=http) as client:
        yield client.node, client, fediverse


async def _post(client, user, activity) -> httpx.Response:
    url = "https://node.test/actors/alerts/inbox"
    body = json.dumps(activity).encode()
    return await client.post("/actors/alerts/inbox", content=body, headers=mastodon_post(user, url, body))


async def test_inbox_refuses_blocked_and_unlisted_domains(app_env):
    node, client, fediverse = app_env
    alice = fediverse.peers["mastodon.test"].users["alice"]
    fred = fediverse.peers["friends.test"].users["fred"]
    olga = fediverse.peers["other.test"].users["olga"]
    org = "https://node.test/actors/alerts"
    before = metrics.INBOX_REJECTED.labels("blocked", "403")._value.get()

    await block_list.add("mastodon.test", reason="spam")
    await node.blocks.load()
    response = await _post(client, alice, follow(alice, org))
    assert response.status_code == 403 and response.json() == {"error": "domain blocked"}
    assert fediverse.peers["mastodon.test"].gets == []  # not even its key was fetched
    assert await InboxItem.all().count() == 0
    assert (await _post(client, fred, follow(fred, org))).status_code == 202

    await block_list.set_mode("allowlist")
    await block_list.add("friends.test", kind="allow")
    await node.blocks.load()
    response = await _post(client, olga, follow(olga, org))
    assert response.status_code == 403 and response.json() == {"error": "domain not on the allow-list"}
    assert (await _post(client, fred, {**follow(fred, org), "id": "https://friends.test/f2"})).status_code == 202
    assert await InboxItem.all().count() == 2
    assert metrics.INBOX_REJECTED.labels("blocked", "403")._value.get() == before + 2


async def test_fetches_to_blocked_domains_are_refused(app_env):
    node, _client, fediverse = app_env
    await block_list.add("other.test")
    await node.blocks.load()
    with pytest.raises(FetchError, match="domain blocked"):
        await node.remotes.actor("https://other.test/users/olga", refresh=True)
    assert fediverse.peers["other.test"].gets == []
    await block_list.remove("other.test")
    assert not (await DomainBlock.all().exists())
    await Refresher(node).run_once()  # what every process does every few seconds
    assert (await node.remotes.actor("https://other.test/users/olga", refresh=True)).uri.endswith("/olga")


# --- in process: delivery to a blocked host ------------------------------------------------------


async def test_deliveries_to_a_blocked_host_fail_without_a_request(node):
    got: list[str] = []

    async def inbox(request: web.Request) -> web.Response:
        got.append(request.path)
        return web.Response(status=202)

    sockets = listening_sockets(2)
    ports = [port_of(s) for s in sockets]
    runners = []
    for sock in sockets:
        app = web.Application()
        app.router.add_post("/{tail:.*}", inbox)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.SockSite(runner, sock).start()
        runners.append(runner)
    try:
        for i, port in enumerate(ports):
            await Follower.create(local_actor=node.org, actor_uri=f"http://127.0.0.1:{port}/u{i}",
                                  inbox=f"http://127.0.0.1:{port}/u{i}/inbox", follow_id=f"f{i}")
        await block_list.add(f"127.0.0.1:{ports[0]}", own=node.config.domain)
        await node.blocks.load()
        before = metrics.DELIVERIES.labels("fail", "blocked")._value.get()
        await outbox.publish_alert(node.org, node.urls, example_alert())
        await fanout_once(node, "w")
        async with Deliverer(node) as deliverer:
            assert await deliver_once(node, deliverer, "w") == 2
        rows = {r.host: r for r in await Delivery.all()}
        blocked, open_ = rows[f"127.0.0.1:{ports[0]}"], rows[f"127.0.0.1:{ports[1]}"]
        assert blocked.status == "failed" and "domain blocked" in blocked.last_error and blocked.last_status is None
        assert open_.status == "done"
        assert got == ["/u1/inbox"]
        assert metrics.DELIVERIES.labels("fail", "blocked")._value.get() == before + 1
    finally:
        for runner in runners:
            await runner.cleanup()


# --- end to end: two real nodes, the aan block commands, JSON logs --------------------------------


def test_block_commands_end_to_end(nodes, tmp_path):
    env = {"AAN_REFRESH_SECONDS": "0.3", "AAN_LOG_FORMAT": "json"}
    a = nodes("a").init().start(env=env)
    b = nodes("b").init().start(env=env)
    blocklist = tmp_path / "blocklist.csv"
    blocklist.write_text(MASTODON_CSV.replace("spam.example", a.domain))
    out = b.cli("block", "import", str(blocklist)).stdout
    assert "blocked 2 new domain(s), updated 0, skipped 3" in out
    listed = json.loads(b.cli("block", "list", "--json").stdout)
    assert {d["domain"]: d["reason"] for d in listed["domains"]} == {a.domain: "Spam farm",
                                                                     "bad.example": "Harassment, repeated"}
    assert listed["mode"] == "blocklist"
    assert b.cli("block", "add", b.domain, check=False).returncode == 2  # never ourselves

    def inbox_answer() -> int:
        """What b's running server answers an unsigned activity from a: 403 while a is not let in."""
        return httpx.post(f"{b.base}/inbox", json={"id": f"{a.base}/x", "type": "Like", "actor": a.actor},
                          headers={"Content-Type": "application/activity+json"}, timeout=30).status_code

    rejected_blocked = 'aan_inbox_rejected_total{reason="blocked",status="403"}'

    def count(scrape: str, name: str) -> float:
        return next((float(line.rsplit(" ", 1)[1]) for line in scrape.splitlines() if line.startswith(name)), 0.0)

    # a's Follow is refused by b's inbox (403, nothing stored): a gives up on it
    wait_for(lambda: inbox_answer() == 403, message="b's server to load the block list")
    before = count(httpx.get(f"{b.base}/metrics").text, rejected_blocked)
    a.cli("follow", b.handle)
    wait_for(lambda: "HTTP 403" in a.cli("deliveries", "--failed").stdout, message="a 403")
    assert "0 follower(s)" in b.cli("followers").stdout
    # b does not even resolve a
    refused = b.cli("follow", a.handle, check=False)
    assert refused.returncode == 2 and "domain blocked" in refused.stderr
    scrape = httpx.get(f"{b.base}/metrics").text
    assert count(scrape, rejected_blocked) == before + 1  # the Follow, once
    lines = [json.loads(line) for line in b.log.read_text().splitlines() if line.startswith("{")]
    rejected = [r for r in lines if r["msg"].startswith("inbox rejected 403")]
    assert any(r["activity"].startswith(a.base + "/activities/") for r in rejected)  # the Follow's id

    # removed from the list (b's running server notices within a second), a's next Follow goes through
    assert f"removed {a.domain}" in b.cli("block", "remove", a.domain).stdout
    wait_for(lambda: inbox_answer() == 401, message="b's server to drop the block")  # 401: unsigned
    a.cli("follow", b.handle)
    wait_for(lambda: "1 follower(s)" in b.cli("followers").stdout, message="the follow")

    # allow-list mode: only listed domains federate
    b.cli("block", "mode", "allowlist")
    wait_for(lambda: inbox_answer() == 403, message="b's server to switch to the allow-list")
    b.cli("block", "allow", a.domain)
    wait_for(lambda: inbox_answer() == 401, message="b's server to allow a")  # 401: unsigned

