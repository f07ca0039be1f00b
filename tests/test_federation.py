"""Real nodes federating over loopback: each is `aan serve` in its own process.

Every hop is a real HTTP request with a real signature: the reader stores an
activity only after its inbox verified the member's signature, and the member
accepts a Follow only after verifying the reader's.
"""

import json

import httpx
from conftest import EXAMPLE, wait_for

AP = {"Accept": "application/activity+json"}


def received(node, *, all_=False) -> dict[str, dict]:
    args = ["received", "--json"] + (["--all"] if all_ else [])
    out = node.cli(*args).stdout.strip().splitlines()
    return {r["id"]: r for r in map(json.loads, out)}


def follow(reader, member) -> None:
    reader.cli("follow", member.handle)
    # this Follow's own line: an Accept of an earlier Follow (of another node) must not count
    wait_for(lambda: f"{member.actor}  accepted" in reader.cli("following").stdout,
             message=f"Accept of the Follow of {member.actor}")
    assert reader.actor in member.cli("followers").stdout


def edited(tmp_path, headline: str):
    path = tmp_path / "edited.md"
    text = EXAMPLE.read_text().replace("Journalist detained after reporting on protests", headline)
    path.write_text(text)
    return path


def test_two_nodes_follow_publish_update_delete(db_url, nodes, tmp_path):
    member = nodes("member", db_url).init().start()
    reader = nodes("reader", username="reader").init().start()

    # Given the reader follows the member (WebFinger, signed Follow, signed Accept)
    follow(reader, member)

    # When the member publishes, the reader receives the full alert
    alert_id = member.cli("alert", "publish", str(EXAMPLE)).stdout.strip()
    got = wait_for(lambda: received(reader).get(alert_id), message="Create at the reader")
    assert got["actor"] == member.actor and got["has_alert"]
    assert "Journalist detained after reporting on protests" in got["content"]

    # and the id dereferences at the member to the same Note
    note = httpx.get(alert_id, headers=AP).json()
    assert note["id"] == alert_id and note["type"] == "Note"

    # When the member edits it, the reader gets the Update
    member.cli("alert", "update", alert_id, str(edited(tmp_path, "Journalist released on bail")))
    wait_for(lambda: "released on bail" in (received(reader).get(alert_id) or {}).get("content", ""),
             message="Update at the reader")
    assert received(reader)[alert_id]["updated"]

    # When the member deletes it, the reader drops it and the id answers 410
    member.cli("alert", "delete", alert_id)
    wait_for(lambda: alert_id not in received(reader), message="Delete at the reader")
    assert received(reader, all_=True)[alert_id]["deleted"]
    gone = httpx.get(alert_id, headers=AP)
    assert gone.status_code == 410 and gone.json()["type"] == "Tombstone"

    # and nothing is left pending or failed at the member
    assert "0 pending" in member.cli("deliveries").stdout
    assert "0 failed" in member.cli("deliveries", "--failed").stdout


def test_three_nodes_each_reader_sees_exactly_what_it_follows(db_url, nodes):
    member = nodes("member", db_url).init().start()
    other = nodes("other", username="other").init().start()
    reader = nodes("reader", username="reader").init().start()

    # The reader follows both organisations; a third party follows only `other`.
    follow(reader, member)
    follow(reader, other)
    first = member.cli("alert", "publish", str(EXAMPLE)).stdout.strip()
    second = other.cli("alert", "publish", str(EXAMPLE)).stdout.strip()
    wait_for(lambda: {first, second} <= set(received(reader)), message="both alerts at the reader")
    assert set(received(reader)) == {first, second}
    assert received(other) == {}  # `other` follows nobody: it stores nothing

    # When the reader unfollows the member, later alerts of the member no longer reach it
    reader.cli("follow", member.handle, "--undo")
    wait_for(lambda: reader.actor not in member.cli("followers").stdout, message="Undo(Follow) at the member")
    third = member.cli("alert", "publish", "--force", str(EXAMPLE)).stdout.strip()
    fourth = other.cli("alert", "publish", "--force", str(EXAMPLE)).stdout.strip()
    wait_for(lambda: fourth in received(reader), message="the still-followed alert")
    # once the member has sent everything it was going to send (its fan-out of `third` included)
    # and the reader has processed everything it got, `third` is not there
    wait_for(lambda: member.queues_idle() and reader.queues_idle(), message="both queues idle")
    assert "0 pending" in member.cli("deliveries").stdout
    assert third not in received(reader, all_=True)
    assert set(received(reader)) == {first, second, fourth}
