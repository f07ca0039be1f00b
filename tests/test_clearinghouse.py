"""A network on loopback: members, a Clearing House, readers — each a real `aan serve`."""

import asyncio
import json

import httpx
import pytest
from conftest import alert_text, wait_for

from node.config import NodeConfig

AP = {"Accept": "application/activity+json"}


def alert_file(tmp_path, name: str, *, headline: str, target: str, country: str = "TR",
               date: str = "2026-11-20", type_: str = "alert", follows: str | None = None,
               category: str = "detention"):
    path = tmp_path / f"{name}.md"
    path.write_text(alert_text(headline=headline, target=target, country=country, date=date, type_=type_,
                               category=category, profession="journalist", summary=f"{headline}.",
                               follows=follows, body=f"{headline}, reported by a member."))
    return str(path)


def received(node, *, all_=False) -> dict[str, dict]:
    out = node.cli("received", "--json", *(["--all"] if all_ else [])).stdout.splitlines()
    return {r["id"]: r for r in map(json.loads, out)}


def members(ch) -> dict[str, dict]:
    return {r["actor"]: r for r in map(json.loads, ch.cli("member", "list", "--json").stdout.splitlines())}


def follow(reader, handle: str) -> None:
    reader.cli("follow", handle)
    user, domain = handle.lstrip("@").split("@")
    actor = f"http://{domain}/actors/{user}"  # this Follow's own line, not any earlier Accept
    wait_for(lambda: f"{actor}  accepted" in reader.cli("following").stdout, message=f"Accept from {handle}")


def settled(*nodes) -> bool:
    """Every queue of ``nodes`` idle, checked in the order the activities travel (sender first)."""
    return all(node.queues_idle() for node in nodes)


@pytest.fixture
def network(db_url, nodes):
    ch = nodes("ch", db_url, username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http", "--db", db_url)
    ch.start()
    m1 = nodes("m1", username="alerts").init().start()
    m2 = nodes("m2", username="alerts").init().start()
    reader = nodes("reader", username="reader").init().start()
    for member in (m1, m2):
        ch.cli("member", "add", member.handle)
    wait_for(lambda: all(members(ch).get(m.actor, {}).get("state") == "active" for m in (m1, m2)),
             message="members active")
    follow(reader, ch.handle)
    return ch, m1, m2, reader


def test_boosts_reach_a_reader_of_the_clearinghouse_with_edits_and_deletes(network, tmp_path):
    ch, m1, m2, reader = network
    first = m1.cli("alert", "publish", alert_file(tmp_path, "a", headline="Editor detained in Izmir",
                                                  target="Ayse Yilmaz")).stdout.strip()
    got = wait_for(lambda: received(reader).get(first), message="the boost at the reader")
    assert got["via"] == ch.actor and got["actor"] == m1.actor and got["has_alert"]
    # the original dereferences at the member
    assert httpx.get(first, headers=AP).json()["attributedTo"] == m1.actor

    # an edit at the member reaches the reader, which never followed the member
    m1.cli("alert", "update", first, alert_file(tmp_path, "a2", headline="Editor detained in Izmir, then charged",
                                                 target="Ayse Yilmaz"))
    wait_for(lambda: "then charged" in received(reader)[first]["content"], message="the edit at the reader")

    # and so does the deletion (the Clearing House also undoes its boost)
    m1.cli("alert", "delete", first)
    wait_for(lambda: first not in received(reader), message="the deletion at the reader")
    assert members(ch)[m1.actor]["alerts"] == 0


def test_reports_of_one_incident_become_one_case_with_one_boost(network, tmp_path):
    ch, m1, m2, reader = network
    a = m1.cli("alert", "publish", alert_file(tmp_path, "a", headline="Reporter Yusuf Çelik arrested",
                                              target="Yusuf Çelik")).stdout.strip()
    wait_for(lambda: a in received(reader), message="the first report's boost")
    b = m2.cli("alert", "publish", alert_file(tmp_path, "b", headline="Journalist Youssef Celik held",
                                              target="Youssef Celik", date="2026-11-21")).stdout.strip()
    wait_for(lambda: b in ch.cli("case", "list").stdout or "2 alert(s)" in ch.cli("case", "list").stdout,
             message="the second report indexed")
    cases = ch.cli("case", "list").stdout.strip().splitlines()
    assert len(cases) == 1 and "2 alert(s)" in cases[0]
    case_id = cases[0].split()[0]
    shown = ch.cli("case", "show", case_id).stdout
    assert a in shown and b in shown and "attached" in shown
    page = httpx.get(f"{ch.base}/cases/{case_id}").text  # the public case page lists both reports
    assert a in page and b in page and "m1 org" in page and "m2 org" in page
    # an update from the second member is boosted
    c = m2.cli("alert", "publish", alert_file(tmp_path, "c", headline="Youssef Celik released on bail",
                                              target="Youssef Celik", type_="update", follows=b)).stdout.strip()
    wait_for(lambda: c in received(reader), message="the update's boost")
    assert b not in received(reader)
    assert set(received(reader)) == {a, c}
    assert "3 alert(s)" in ch.cli("case", "list").stdout


def test_a_non_members_alert_is_not_boosted(network, nodes, tmp_path):
    ch, m1, m2, reader = network
    stranger = nodes("stranger", username="alerts").init()
    # A stale follow: the stranger still believes the Clearing House follows it.
    asyncio.run(_seed_follower(NodeConfig.load(stranger.data_dir), ch))
    stranger.start()
    s = stranger.cli("alert", "publish", alert_file(tmp_path, "s", headline="Unverified claim",
                                                    target="Somebody Else")).stdout.strip()
    m = m1.cli("alert", "publish", alert_file(tmp_path, "m", headline="Member report", target="Other Person",
                                              country="EG")).stdout.strip()
    wait_for(lambda: m in received(reader), message="the member's boost")
    # the stranger's Create reached the Clearing House, which did all it was going to do with it
    wait_for(lambda: settled(stranger, ch, reader), message="the stranger's delivery and its handling")
    assert "0 pending" in stranger.cli("deliveries").stdout
    assert s not in received(reader, all_=True)
    assert s not in ch.cli("case", "list").stdout


async def _seed_follower(config, ch) -> None:
    from node.storage import db
    from node.storage.models import Follower, LocalActor

    await db.init(config.database_url)
    try:
        actor = await LocalActor.get(username=config.username)
        await Follower.create(local_actor=actor, actor_uri=ch.actor, inbox=f"{ch.actor}/inbox",
                              shared_inbox=f"{ch.base}/inbox", follow_id=f"{ch.base}/activities/stale")
    finally:
        await db.close()


def test_topic_actor_boosts_only_matching_alerts(network, nodes, tmp_path):
    ch, m1, m2, _ = network
    turkey_reader = nodes("tr-reader", username="reader").init().start()
    follow(turkey_reader, f"@tr@{ch.domain}")
    tr = m1.cli("alert", "publish", alert_file(tmp_path, "tr", headline="Newspaper raided in Ankara",
                                               target="Gazete Ankara")).stdout.strip()
    eg = m2.cli("alert", "publish", alert_file(tmp_path, "eg", headline="Blogger detained in Cairo",
                                               target="Ali Hassan", country="EG")).stdout.strip()
    got = wait_for(lambda: received(turkey_reader).get(tr), message="the Turkish alert via @tr")
    assert got["via"] == f"{ch.base}/actors/tr"
    wait_for(lambda: settled(m2, ch, turkey_reader), message="the Egyptian alert handled everywhere")
    assert "  EG  " in ch.cli("case", "list").stdout  # indexed (a case), only not boosted by @tr
    assert eg not in received(turkey_reader, all_=True)
    topic = httpx.get(f"{ch.base}/actors/tr", headers=AP).json()
    assert topic["type"] == "Group" and topic["preferredUsername"] == "tr"


def test_a_separate_worker_runs_the_clearinghouse_handlers(db_url, nodes, tmp_path):
    """`aan serve --workers-in-process 0` and one `aan worker` on one database: the worker plugs the role in."""
    from test_ops_scale import Worker

    ch = nodes("ch", db_url, username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http", "--db", db_url)
    ch.start("--workers-in-process", "0")
    worker = Worker(ch.data_dir, tmp_path / "ch-worker.log").wait_ready()
    try:
        m1 = nodes("m1", username="alerts").init().start()
        ch.cli("member", "add", m1.handle)
        # the member's Accept, taken by the worker, makes it active (the role's answer hook)
        wait_for(lambda: members(ch).get(m1.actor, {}).get("state") == "active", message="member active")
        m1.cli("alert", "publish", alert_file(tmp_path, "w", headline="Reporter detained in Van",
                                              target="Deniz Kaya"))
        # its alert, taken by the worker, is indexed into a case (the role's Create handler)
        wait_for(lambda: members(ch)[m1.actor]["alerts"] == 1, message="the alert indexed by the worker")
        assert "1 alert(s)" in ch.cli("case", "list").stdout
    finally:
        worker.kill()
