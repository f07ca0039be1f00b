"""``aan keys rotate``: same keyId, new PEM, ``Update(actor)`` to followers; a follower node keeps
verifying us (real processes: the rotating node's server picks the key up from the database)."""

from __future__ import annotations

import json
import sqlite3

import httpx
from conftest import EXAMPLE, wait_for

AP = {"Accept": "application/activity+json"}


def remote_key(node, actor_uri: str) -> str | None:
    with sqlite3.connect(node.data_dir / "aan.sqlite3") as conn:
        row = conn.execute("SELECT public_key_pem FROM remote_actors WHERE uri = ?", (actor_uri,)).fetchone()
    return row[0] if row else None


def test_key_rotation_keeps_followers_verifying(nodes, monkeypatch):
    monkeypatch.setenv("AAN_REFRESH_SECONDS", "0.3")  # servers and the CLI: reload within 0.3 s
    a = nodes("a").init().start()
    b = nodes("b").init().start()
    b.cli("follow", a.handle)
    wait_for(lambda: "1 follower(s)" in a.cli("followers").stdout, message="b to follow a")
    before = httpx.get(a.actor, headers=AP).json()["publicKey"]
    wait_for(lambda: remote_key(b, a.actor) == before["publicKeyPem"], message="b to know a's key")

    out = a.cli("keys", "rotate").stdout
    assert f"rotated the key of {a.actor}#main-key" in out and "queued to 1 follower(s)" in out
    after = wait_for(lambda: (k := httpx.get(a.actor, headers=AP).json()["publicKey"])["publicKeyPem"]
                     != before["publicKeyPem"] and k, message="a to serve its new key")
    assert after["id"] == before["id"]  # same keyId (interop-mastodon.md 3.9)
    shown = a.cli("keys", "show").stdout
    assert f"{a.actor}#main-key" in shown and "SHA256:" in shown

    # b learns the new key from the Update(actor) (its first check fails, it refetches, it verifies)
    wait_for(lambda: remote_key(b, a.actor) == after["publicKeyPem"], message="b to get the new key")
    # and a's next alert, signed with the new key, is accepted by b
    alert = a.cli("alert", "publish", str(EXAMPLE)).stdout.strip()
    wait_for(lambda: any(json.loads(line)["id"] == alert for line in b.cli("received", "--json").stdout.splitlines()),
             message="b to receive a's alert")
    assert "0 failed" in a.cli("deliveries", "--failed").stdout
