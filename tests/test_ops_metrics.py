"""/metrics, /readyz and structured logs, in process (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
import logging
from datetime import timedelta

import httpx
import pytest
from conftest import app_client, example_alert, make_node_config
from prometheus_client.parser import text_string_to_metric_families

from node.activitypub import outbox
from node.activitypub.delivery import fanout_once
from node.app import create_app
from node.config import Settings
from node.ops import logs
from node.storage import db, jobs
from node.storage.models import Follower, Host


@pytest.fixture
async def client(db_url, tmp_path):
    async with app_client(await make_node_config(db_url, tmp_path)) as c:
        yield c


def samples(text: str) -> dict[tuple, float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def test_metrics_expose_requests_inbox_queues_and_parked_hosts(client):
    node = client.node
    for i in range(3):
        await Follower.create(local_actor=node.org, actor_uri=f"http://peer{i}.test/u", follow_id=f"f{i}",
                              inbox=f"http://peer{i}.test/u/inbox")
    await outbox.publish_alert(node.org, node.urls, example_alert())
    await fanout_once(node, "w")
    await Host.create(host="peer0.test", consecutive_failures=5, parked_until=jobs.now() + timedelta(minutes=10))
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.post("/inbox", content=b"{}", headers={"Content-Type": "text/plain"})).status_code == 415

    response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    got = samples(response.text)
    assert got[("aan_http_requests_total", (("method", "GET"), ("route", "/healthz"), ("status", "200")))] >= 1
    assert got[("aan_http_requests_total", (("method", "POST"), ("route", "/inbox"), ("status", "415")))] >= 1
    assert got[("aan_inbox_rejected_total", (("reason", "content_type"), ("status", "415")))] >= 1
    assert got[("aan_queue_rows", (("queue", "deliveries"), ("status", "pending")))] == 3
    assert got[("aan_queue_rows", (("queue", "fanout_jobs"), ("status", "pending")))] == 0
    assert got[("aan_hosts_parked", ())] == 1
    assert got[("aan_database_up", ())] == 1
    assert got[("aan_queue_oldest_due_seconds", (("queue", "deliveries"),))] >= 0
    assert ("process_resident_memory_bytes", ()) in got
    assert ("aan_deliveries_total", (("outcome", "done"), ("status_class", "2xx"))) in got
    for name in ("aan_delivery_retries_total", "aan_hosts_parked_events_total", "aan_inbox_accepted_total",
                 "aan_fanout_rows_total", "aan_http_request_duration_seconds_count"):
        assert any(key[0] == name for key in got), name


async def test_metrics_token(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path)
    settings = Settings.from_environ({"AAN_METRICS_TOKEN": "s3cret"}, data_dir=config.data_dir)  # read at start
    app = create_app(config, run_workers=0, settings=settings)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport,
                                                                    base_url="http://node.test") as client:
        assert (await client.get("/metrics")).status_code == 401
        assert (await client.get("/metrics", headers={"Authorization": "Bearer s3cret"})).status_code == 200


async def test_readyz_checks_the_database_and_migrations(client):
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"database": "ok", "migrations": "current"}
    rows = await db.conn().execute_query_dict("SELECT id, version FROM aerich ORDER BY id DESC")
    latest = rows[0]
    await db.conn().execute_query(jobs._sql("DELETE FROM aerich WHERE id = ?"), [latest["id"]])
    behind = await client.get("/readyz")
    assert behind.status_code == 503 and "1 not applied (run 'aan migrate')" in behind.json()["checks"]["migrations"]
    await db.conn().execute_query(
        jobs._sql("INSERT INTO aerich (version, app, content) VALUES (?, 'models', '{}')"), [latest["version"]])
    await db.conn().execute_query(
        jobs._sql("INSERT INTO aerich (version, app, content) VALUES (?, 'models', '{}')"), ["99_future.py"])
    ahead = await client.get("/readyz")
    assert ahead.status_code == 503 and "newer than this code" in ahead.json()["checks"]["migrations"]


def test_json_log_lines_carry_the_activity_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ActivityFilter())
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("aan.test-json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with logs.activity("https://a.example/activities/1"):
            logger.warning("delivery to %s failed", "https://b.example/inbox")
        logger.warning("no activity here")
        logger.warning("explicit", extra={"activity": "https://c.example/x", "host": "c.example"})
    finally:
        logger.removeHandler(handler)
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["msg"] == "delivery to https://b.example/inbox failed" and first["level"] == "WARNING"
    assert first["activity"] == "https://a.example/activities/1" and first["logger"] == "aan.test-json"
    assert "activity" not in second
    assert third["activity"] == "https://c.example/x" and third["host"] == "c.example"
