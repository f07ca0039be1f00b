"""A database made by the first released schema (migration 0 only), with data in it, upgrades
with ``aan migrate`` to the current schema with its data intact; ``aan migrate`` twice is harmless;
the upgraded node serves the same actor, key and alert (SQLite and PostgreSQL, real processes)."""

from __future__ import annotations

import asyncio
import shutil
from datetime import UTC, datetime

import httpx
from conftest import NodeProcess, aan
from tortoise import Tortoise

from node.activitypub.actors import INSTANCE_USERNAME
from node.activitypub.keys import generate_private_key, private_key_to_pem, public_key_pem
from node.config import NodeConfig
from node.ops.privacy import make_private
from node.storage import db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ALERT_DATA = {
    "type": "alert", "headline": "Journalist detained", "language": "en", "country": "TR",
    "incident_date": "2026-11-20", "categories": ["detention"], "act_types": ["arrested_detained"],
    "targets": [{"name": "Jane Doe", "kind": "individual", "profession": "journalist"}],
    "summary": "Police detained a reporter.", "body": "Police detained reporter Jane Doe.",
    "recommended_action": {"asks": ["Release Jane Doe"]},
}


async def make_first_schema(url: str, tmp, keys: dict[str, str], base: str) -> None:
    """Apply only the first migration file (with aerich, as release 0.1 did), then insert rows with its SQL."""
    from aerich import Command

    dialect = db.dialect(url)
    first = sorted((db.MIGRATIONS / dialect / "models").glob("0_*.py"))[0]
    location = tmp / "first-release" / dialect
    (location / "models").mkdir(parents=True)
    shutil.copy(first, location / "models" / first.name)
    config = db.tortoise_config(url, migrations=True)
    db._forget_cached_sql()
    await Tortoise.init(config=config)
    try:
        command = Command(tortoise_config=config, app="models", location=str(location))
        await command.init()
        assert await command.upgrade(run_in_transaction=True) == [first.name]
        conn = db.conn()
        pg = dialect == "postgres"

        async def insert(table: str, row: dict) -> None:
            marks = ", ".join(f"${i}" if pg else "?" for i in range(1, len(row) + 1))
            sql = f'INSERT INTO "{table}" ({", ".join(row)}) VALUES ({marks})'
            await conn.execute_query(sql, list(row.values()))

        for i, (username, kind) in enumerate((("alerts", "Organization"), (INSTANCE_USERNAME, "Application")), start=1):
            await insert("local_actors", {"id": i, "username": username, "kind": kind, "name": f"{username} name",
                                          "summary": "", "private_key_pem": keys[username],
                                          "public_key_pem": keys[f"{username}.pub"], "profile_fields": "[]",
                                          "icon_url": None, "created_at": NOW})
        for i in range(3):
            await insert("followers", {"local_actor_id": 1, "actor_uri": f"https://m{i}.example/users/u",
                                       "inbox": f"https://m{i}.example/users/u/inbox",
                                       "shared_inbox": f"https://m{i}.example/inbox",
                                       "follow_id": f"https://m{i}.example/f", "created_at": NOW})
        await insert("alerts", {"id": "0190aa00000000001", "local_actor_id": 1, "data": _json(ALERT_DATA),
                                "headline": ALERT_DATA["headline"], "language": "en", "country": "TR",
                                "published": NOW, "updated": None, "deleted_at": None, "featured": False})
        await insert("activities", {"id": "0190aa00000000002", "uri": f"{base}/activities/0190aa00000000002",
                                    "actor_id": 1, "type": "Create", "object_uri": f"{base}/alerts/0190aa00000000001",
                                    "body": "{}", "created_at": NOW})
        await insert("deliveries", {"activity_id": "0190aa00000000002", "inbox": "https://m0.example/inbox",
                                    "host": "m0.example", "status": "pending", "attempts": 1, "next_try": NOW,
                                    "lease_until": None, "locked_by": None, "last_error": "HTTP 503",
                                    "created_at": NOW, "last_status": 503, "delivered_at": None})
        await insert("remote_objects", {"uri": "https://m1.example/notes/1", "actor_uri": "https://m1.example/users/u",
                                        "type": "Note", "in_reply_to": f"{base}/alerts/0190aa00000000001",
                                        "data": '{"content": "solidarity"}', "received_at": NOW,
                                        "updated_at": None, "deleted": False})
        await insert("hosts", {"host": "m2.example", "consecutive_failures": 2, "parked_until": None,
                               "last_error": "timeout", "last_success": NOW})
    finally:
        await Tortoise.close_connections()


def _json(value) -> str:
    import json

    return json.dumps(value)


async def read_back(url: str) -> dict:
    from node.storage.models import Alert, Delivery, Follower, Host, LocalActor, RemoteObject

    await db.init(url)
    try:
        return {
            "keys": {a.username: a.private_key_pem for a in await LocalActor.all()},
            "ed25519": {a.username: a.ed25519_public_key for a in await LocalActor.all()},
            "followers": sorted(await Follower.all().values_list("actor_uri", flat=True)),
            "alert": (await Alert.get(id="0190aa00000000001")).data,
            "delivery": await Delivery.all().values("status", "attempts", "last_status", "host"),
            "reply": await RemoteObject.all().values("uri", "via", "moderation", "data"),
            "host": await Host.all().values("host", "consecutive_failures"),
        }
    finally:
        await db.close()


def test_first_schema_upgrades_with_data_intact(db_kind, database_factory, tmp_path):
    url = database_factory(db_kind)
    node = NodeProcess(tmp_path, "old", url)
    org, instance = generate_private_key(), generate_private_key()
    keys = {"alerts": private_key_to_pem(org), "alerts.pub": public_key_pem(org),
            INSTANCE_USERNAME: private_key_to_pem(instance), f"{INSTANCE_USERNAME}.pub": public_key_pem(instance)}
    asyncio.run(make_first_schema(url, tmp_path, keys, node.base))
    NodeConfig(domain=node.domain, username="alerts", name="alerts name", database_url=url, insecure_http=True,
               data_dir=node.data_dir).save()
    make_private(node.data_dir, url)  # 0600/0700 as `aan init` leaves them: `aan serve` refuses readable secrets

    first = aan("migrate", data_dir=node.data_dir).stdout
    shipped = len(list((db.MIGRATIONS / db_kind / "models").glob("[0-9]*_*.py")))
    assert first.strip().splitlines() == [  # the actors of the old release get their integrity-proof key
        f"applied {shipped - 1} migration(s)",
        f"generated an Ed25519 assertion key for 2 actor(s): alerts, {INSTANCE_USERNAME}"]
    assert aan("migrate", data_dir=node.data_dir).stdout.strip() == "schema is up to date"

    data = asyncio.run(read_back(url))
    assert data["keys"] == {"alerts": keys["alerts"], INSTANCE_USERNAME: keys[INSTANCE_USERNAME]}
    ed25519 = data["ed25519"]
    assert sorted(ed25519) == ["alerts", INSTANCE_USERNAME] and all(v.startswith("z6Mk") for v in ed25519.values())
    assert data["followers"] == [f"https://m{i}.example/users/u" for i in range(3)]
    assert data["alert"] == ALERT_DATA
    assert data["delivery"] == [{"status": "pending", "attempts": 1, "last_status": 503, "host": "m0.example"}]
    assert data["reply"] == [{"uri": "https://m1.example/notes/1", "via": None, "moderation": "pending",
                              "data": {"content": "solidarity"}}]  # columns added later took their defaults
    assert data["host"] == [{"host": "m2.example", "consecutive_failures": 2}]

    # and the upgraded node serves what the old one did
    try:
        node.start()
        assert httpx.get(f"{node.base}/readyz").json()["checks"]["migrations"] == "current"
        actor = httpx.get(node.actor, headers={"Accept": "application/activity+json"}).json()
        assert actor["publicKey"]["publicKeyPem"] == keys["alerts.pub"]
        assert actor["publicKey"]["id"] == f"{node.actor}#main-key"
        assert actor["assertionMethod"] == [{"id": f"{node.actor}#ed25519-key", "type": "Multikey",
                                             "controller": node.actor, "publicKeyMultibase": ed25519["alerts"]}]
        page = httpx.get(f"{node.base}/alerts/0190aa00000000001")
        assert page.status_code == 200 and "Journalist detained" in page.text
        followers = httpx.get(f"{node.actor}/followers", headers={"Accept": "application/activity+json"}).json()
        assert followers["totalItems"] == 3
    finally:
        node.stop()


async def forget_assertion_keys(url: str) -> None:
    from node.storage.models import LocalActor

    await db.init(url)
    try:
        await LocalActor.all().update(ed25519_private_key_pem=None, ed25519_public_key=None)
    finally:
        await db.close()


async def assertion_keys(url: str) -> dict:
    from node.storage.models import LocalActor

    await db.init(url)
    try:
        return {a.username: a.ed25519_public_key for a in await LocalActor.all()}
    finally:
        await db.close()


def test_a_node_gives_its_actors_a_missing_ed25519_key_when_it_starts(db_kind, database_factory, tmp_path):
    """Actors without an integrity-proof key (rows restored from a backup made before the key existed,
    or a schema migrated by another tool than ``aan migrate``) get one when the node starts."""
    url = database_factory(db_kind)
    node = NodeProcess(tmp_path, "restored", url).init()
    asyncio.run(forget_assertion_keys(url))
    assert list(asyncio.run(assertion_keys(url)).values()) == [None, None]
    try:
        node.start()
        actor = httpx.get(node.actor, headers={"Accept": "application/activity+json"}).json()
        stored = asyncio.run(assertion_keys(url))
        assert all(value and value.startswith("z6Mk") for value in stored.values())
        assert actor["assertionMethod"][0]["publicKeyMultibase"] == stored["alerts"]
    finally:
        node.stop()
        node.listener.close()
