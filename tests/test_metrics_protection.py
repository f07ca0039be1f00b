"""``/metrics`` can be protected (issue 8, section 6): a bearer token from ``AAN_METRICS_TOKEN``,
or ``aan serve --metrics-port`` on its own loopback address (the app port then answers 404).
Real ``aan serve`` processes, both databases (the scrape reads the queue gauges from them)."""

from __future__ import annotations

import re

import httpx
from conftest import wait_for

TOKEN = "scrape-me-0123456789"


def test_metrics_need_the_bearer_token_when_one_is_set(nodes, db_url, db_kind):
    node = nodes("org", db_url if db_kind == "postgres" else None).init().start(env={"AAN_METRICS_TOKEN": TOKEN})
    url = f"{node.base}/metrics"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(url, headers={"Authorization": TOKEN}).status_code == 401
    response = httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "aan_queue_rows" in response.text and "aan_database_up 1.0" in response.text


def metrics_address(node) -> str:
    found = wait_for(lambda: re.search(r"metrics on (http://127\.0\.0\.1:\d+/metrics)", node.log.read_text()),
                     message="the metrics address in the log")
    return found.group(1)


def test_metrics_on_their_own_loopback_port(nodes, db_url, db_kind):
    node = nodes("org", db_url if db_kind == "postgres" else None).init().start("--metrics-port", "0")
    url = metrics_address(node)
    assert int(url.rsplit(":", 1)[1].split("/")[0]) != node.port
    response = httpx.get(url)
    assert response.status_code == 200
    assert "aan_queue_rows" in response.text and "aan_database_up 1.0" in response.text
    assert httpx.get(f"{node.base}/metrics").status_code == 404  # not on the public port any more
    assert httpx.get(f"{node.base}/healthz").status_code == 200


def test_the_metrics_port_honours_the_token_too(nodes):
    node = nodes("org").init().start("--metrics-port", "0", env={"AAN_METRICS_TOKEN": TOKEN})
    url = metrics_address(node)
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
