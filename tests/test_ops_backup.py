"""``aan backup`` then ``aan restore`` into a fresh data directory: the restored node serves the
same actor, keys, followers and alerts (real processes; PostgreSQL->SQLite and SQLite->PostgreSQL,
so each engine is both a source and a target)."""

from __future__ import annotations

import asyncio
import json
import tarfile

import httpx
import pytest
from conftest import EXAMPLE, NodeProcess, aan

from node.config import NodeConfig
from node.storage import db

AP = {"Accept": "application/activity+json"}
FOLLOWERS = 5


async def seed(config: NodeConfig) -> None:
    from node.storage.models import Follower, LocalActor

    await db.init(config.database_url)
    try:
        actor = await LocalActor.get(username=config.username)
        await Follower.bulk_create([  # inboxes on a closed loopback port: nothing leaves the machine
            Follower(local_actor=actor, actor_uri=f"http://127.0.0.1:9/users/u{i}",
                     inbox=f"http://127.0.0.1:9/users/u{i}/inbox", follow_id=f"http://127.0.0.1:9/f{i}")
            for i in range(FOLLOWERS)])
    finally:
        await db.close()


async def state(url: str) -> dict:
    from node.storage.models import DomainBlock, FanoutJob, LocalActor

    await db.init(url)
    try:
        return {"keys": {a.username: (a.private_key_pem, a.public_key_pem) for a in await LocalActor.all()},
                "pending": await FanoutJob.filter(status="pending").count(),
                "blocks": await DomainBlock.all().values_list("domain", "kind", "reason")}
    finally:
        await db.close()


def served(node: NodeProcess, alert_ids: list[str]) -> dict:
    out = {"actor": httpx.get(node.actor, headers=AP).json(),
           "followers": httpx.get(f"{node.actor}/followers?page=1", headers=AP).json(),
           "outbox": httpx.get(f"{node.actor}/outbox?page=1", headers=AP).json(),
           "webfinger": httpx.get(f"{node.base}/.well-known/webfinger?resource=acct:{node.handle[1:]}").json()}
    for alert in alert_ids:
        out[alert] = httpx.get(alert, headers=AP).json()
    return out


@pytest.mark.parametrize("source,target", [("postgres", "sqlite"), ("sqlite", "postgres")])
def test_backup_restore_round_trip(source, target, database_factory, nodes, tmp_path):
    original = nodes("original", database_factory(source) if source == "postgres" else None).init()
    config = NodeConfig.load(original.data_dir)
    asyncio.run(seed(config))
    alerts = [original.cli("alert", "publish", "--force", str(EXAMPLE)).stdout.strip() for _ in range(2)]
    original.cli("block", "add", "spam.example", "--reason", "spam")
    (original.data_dir / "media").mkdir()
    (original.data_dir / "media" / "photo.png").write_bytes(b"\x89PNG fake image")
    original.start("--workers-in-process", "0")
    before = served(original, alerts)
    original.stop()
    assert before["followers"]["totalItems"] == FOLLOWERS and len(before["outbox"]["orderedItems"]) == 2

    archive = tmp_path / "node.tar.gz"
    out = original.cli("backup", str(archive)).stdout
    assert "keep it secret" in out
    assert original.cli("backup", str(archive), check=False).returncode == 2  # never overwritten silently
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        assert {"config.json", "tables/local_actors.jsonl", "files/media/photo.png"} <= set(tar.getnames())
    assert manifest["tables"]["followers"] == FOLLOWERS and manifest["tables"]["alerts"] == 2

    # restored on a fresh data directory (the machine we move to), same domain and port
    restored = NodeProcess(tmp_path, "restored", listener=original.listener)
    args = ["restore", str(archive)] + (["--db", database_factory("postgres")] if target == "postgres" else [])
    result = aan(*args, data_dir=restored.data_dir)
    assert f"restored @{config.handle}" in result.stdout
    assert aan(*args, data_dir=restored.data_dir, check=False).returncode == 2  # not over an existing node
    restored_config = NodeConfig.load(restored.data_dir)
    assert db.dialect(restored_config.database_url) == target
    assert (restored.data_dir / "media" / "photo.png").read_bytes() == b"\x89PNG fake image"

    original_state = asyncio.run(state(config.database_url))
    restored_state = asyncio.run(state(restored_config.database_url))
    assert restored_state == original_state
    assert original_state["pending"] == 2  # queued work travels too (no worker ran on the original)

    nodes_started = restored.start("--workers-in-process", "0")
    try:
        after = served(nodes_started, alerts)
        assert after == before
        assert httpx.get(f"{restored.base}/readyz").status_code == 200
        # the restored node signs with the same key: its actor document verifies our archived key
        assert after["actor"]["publicKey"]["publicKeyPem"] == original_state["keys"]["alerts"][1]
    finally:
        restored.stop()
    # and it keeps working: a new alert gets a fresh id (sequences moved past the restored rows)
    new = restored.cli("alert", "publish", "--force", str(EXAMPLE)).stdout.strip()
    assert new not in alerts
    assert len(restored.cli("alert", "list", "--json").stdout.splitlines()) == 3
