"""The ingest log: what the inbox refused or ignored, with the metric's reason, for ``aan ingest log``.

Real nodes on loopback (a Clearing House on SQLite and PostgreSQL, members on SQLite), real
signatures: a non-member's alert, a delivery sent twice, unsigned and unreadable POSTs, and
the log's bound. The log never holds an activity's text.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3

import httpx
import pytest
from conftest import wait_for
from test_clearinghouse import _seed_follower, alert_file, members, received, settled

from node.config import NodeConfig

SECRET = "Name Of A Source At Risk"


def log_entries(node, *args: str) -> list[dict]:
    out = node.cli("ingest", "log", "--json", *args).stdout
    return [json.loads(line) for line in out.splitlines()]  # JSON Lines: every line parses alone


def sql(url: str, query: str, *params) -> list[tuple]:
    """Run ``query`` (``?`` placeholders) on a node's database, straight (no ORM)."""
    if url.startswith("sqlite://"):
        conn = sqlite3.connect(url.removeprefix("sqlite://"), timeout=30)
        try:
            rows = conn.execute(query, params).fetchall()
            conn.commit()
            return rows
        finally:
            conn.close()
    import asyncpg

    parts = query.split("?")
    query = parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))

    async def run():
        conn = await asyncpg.connect(url, timeout=30)
        try:
            return [tuple(r) for r in await conn.fetch(query, *params)]
        finally:
            await conn.close()

    return asyncio.run(run())


def post(node, activity: dict | None = None, *, body: bytes | None = None, headers: dict | None = None) -> int:
    body = body if body is not None else json.dumps(activity).encode()
    return httpx.post(f"{node.base}/inbox", content=body, timeout=30,
                      headers={"Content-Type": "application/activity+json", **(headers or {})}).status_code


def unsigned_create(sender, n: int) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{sender.base}/activities/forged-{n}",
            "type": "Create", "actor": sender.actor,
            "object": {"id": f"{sender.base}/alerts/forged-{n}", "type": "Note", "attributedTo": sender.actor,
                       "content": f"<p>{SECRET} was detained ({n})</p>"}}


@pytest.fixture
def house(db_url, nodes, tmp_path):
    ch = nodes("ch", db_url, username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http", "--db", db_url)
    ch.start()
    m1 = nodes("m1", username="alerts").init().start()
    ch.cli("member", "add", m1.handle)
    wait_for(lambda: members(ch).get(m1.actor, {}).get("state") == "active", message="member active")
    stranger = nodes("stranger", username="alerts").init()
    # A stale follow: the stranger still believes the Clearing House follows it, and delivers to it.
    asyncio.run(_seed_follower(NodeConfig.load(stranger.data_dir), ch))
    stranger.start()
    return ch, m1, stranger


def test_the_clearinghouse_logs_a_non_member_and_a_duplicate_with_their_reasons(house, tmp_path):
    ch, m1, stranger = house
    s = stranger.cli("alert", "publish", alert_file(tmp_path, "s", headline="Unverified claim",
                                                    target="Somebody Else")).stdout.strip()
    m = m1.cli("alert", "publish", alert_file(tmp_path, "m", headline="Member report",
                                              target="Other Person")).stdout.strip()
    wait_for(lambda: members(ch)[m1.actor]["alerts"] == 1, message="the member's alert indexed")

    # the stranger's Create was signed and stored (202), then ignored: not a member
    ignored = wait_for(lambda: [e for e in log_entries(ch, "--reason", "not_a_member")],
                       message="the non-member's alert in the ingest log")
    assert len(ignored) == 1
    entry = ignored[0]
    assert (entry["status"], entry["type"], entry["actor"], entry["host"]) == (202, "Create", stranger.actor,
                                                                              "127.0.0.1")
    assert entry["activity"].startswith(stranger.base + "/") and entry["at"]
    assert s not in ch.cli("case", "list").stdout

    # the member's delivery of its Create is sent again (at-least-once, as after a crash): the same
    # activity id is stored once, answered 202, and logged as a duplicate
    wait_for(lambda: settled(m1, ch), message="the member's deliveries done")
    again = sql(m1.database_url(), "UPDATE deliveries SET status='pending' WHERE activity_id IN "
                "(SELECT id FROM activities WHERE type='Create' AND object_uri=?) RETURNING id", m)
    assert again
    dup = wait_for(lambda: log_entries(ch, "--reason", "duplicate"), message="the duplicate in the ingest log")
    assert dup[0]["status"] == 202 and dup[0]["actor"] == m1.actor and dup[0]["type"] == "Create"
    wait_for(lambda: settled(m1, ch), message="the second delivery handled")
    assert members(ch)[m1.actor]["alerts"] == 1  # indexed once

    # the text lines: time, status, reason, type, actor, activity id; oldest first
    lines = ch.cli("ingest", "log").stdout.splitlines()
    assert lines[-1] == f"{len(lines) - 1} entries"
    first = next(line for line in lines if "not_a_member" in line)
    assert first.split()[2:7] == ["202", "not_a_member", "Create", stranger.actor, entry["activity"]]
    assert lines.index(first) < next(i for i, line in enumerate(lines) if " duplicate " in line)
    assert "Unverified claim" not in ch.cli("ingest", "log", "--json").stdout
    # /metrics counts them by the same reasons (the web process runs the workers here)
    metrics = httpx.get(f"{ch.base}/metrics").text
    assert 'aan_inbox_ignored_total{reason="not_a_member"} 1.0' in metrics
    assert 'aan_inbox_ignored_total{reason="duplicate"}' in metrics


def test_a_member_logs_refused_requests_without_their_text(db_url, nodes):
    member = nodes("member", db_url).init().start()
    sender = nodes("sender")  # never started: only its name is used
    assert post(member, unsigned_create(sender, 1)) == 401
    assert post(member, body=b'{"id": "x", "type": ', headers={
        "Signature": f'keyId="{sender.actor}#main-key",signature="AAAA"'}) == 400
    too_big = {**unsigned_create(sender, 2), "padding": "x" * 1_100_000}
    assert post(member, too_big) == 413

    entries = wait_for(lambda: (e := log_entries(member)) and len(e) == 3 and e, message="three entries")
    by_reason = {e["reason"]: e for e in entries}
    assert set(by_reason) == {"signature", "malformed", "too_large"}
    unsigned = by_reason["signature"]
    assert (unsigned["status"], unsigned["type"], unsigned["actor"], unsigned["activity"]) == (
        401, "Create", sender.actor, f"{sender.base}/activities/forged-1")
    assert "Signature" in unsigned["detail"]
    assert by_reason["malformed"]["status"] == 400 and by_reason["malformed"]["actor"] == ""
    assert by_reason["malformed"]["host"] == "127.0.0.1"  # from the (unverified) keyId
    assert by_reason["too_large"]["status"] == 413
    assert [e["reason"] for e in log_entries(member, "--reason", "signature")] == ["signature"]
    # nothing of what was sent is kept: not in the command's output, not in the table
    assert SECRET not in member.cli("ingest", "log", "--json").stdout
    rows = sql(member.database_url(), "SELECT * FROM ingest_log")
    assert len(rows) == 3 and SECRET not in repr(rows)
    # the metric counts the same reasons
    metrics = httpx.get(f"{member.base}/metrics").text
    assert 'aan_inbox_rejected_total{reason="signature",status="401"} 1.0' in metrics


def test_the_log_keeps_the_last_entries_and_refuses_a_bad_limit(db_url, nodes):
    member = nodes("member", db_url).init().start(env={"AAN_INGEST_LOG_KEEP": "5"})
    sender = nodes("sender")
    for n in range(12):
        assert post(member, unsigned_create(sender, n)) == 401
    last = f"{sender.base}/activities/forged-11"
    wait_for(lambda: any(e["activity"] == last for e in log_entries(member)), message="the last refusal logged")
    newest = [f"{sender.base}/activities/forged-{n}" for n in range(7, 12)]
    # trimmed right after the write that brought it over (a reader may come in between)
    wait_for(lambda: [a for (a,) in sql(member.database_url(), "SELECT activity_id FROM ingest_log ORDER BY id")]
             == newest, message="the table trimmed to the last 5")

    listed = log_entries(member, "--limit", "2")
    assert [e["activity"] for e in listed] == [f"{sender.base}/activities/forged-{n}" for n in (10, 11)]
    bad = member.cli("ingest", "log", "--limit", "0", check=False)
    assert bad.returncode == 2 and "--limit" in bad.stderr and not bad.stdout
    assert not received(member, all_=True)
