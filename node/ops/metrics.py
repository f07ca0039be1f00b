"""Prometheus metrics (``prometheus-client``), in the text exposition format.

Two kinds:

* **Process counters** (this process's work since it started): HTTP requests by
  route template and status, inbox accepted, rejected and ignored by reason (the
  last of them, with the same reasons, in the ingest log: ``aan ingest log``), delivery
  attempts by outcome and status class, retries, hosts parked, deliveries put
  back unsent, fan-out rows. Prometheus sums them over processes; each
  ``aan worker`` exposes its own with ``--metrics-port``.
* **Database gauges** (the state every process shares): queue rows per queue and
  status (``done`` rows are not counted), the age of the oldest due row per
  queue, hosts parked now. Computed from the database when the web process's
  ``/metrics`` is scraped, so any one web process answers for the whole node.

``/metrics`` is open unless ``AAN_METRICS_TOKEN`` is set (then it needs
``Authorization: Bearer TOKEN``); the shipped proxy configurations do not pass
``/metrics`` through, so Prometheus scrapes the app port on the private network.
``aan serve --metrics-port PORT`` moves it off the app port to its own address
(``--metrics-host``, default 127.0.0.1); the app port then answers 404 for it.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import sys
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    start_http_server,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from node.storage import jobs

log = logging.getLogger("aan.metrics")

HTTP_REQUESTS = Counter("aan_http_requests", "HTTP requests answered, by route template, method and status",
                        ["route", "method", "status"])
HTTP_SECONDS = Histogram("aan_http_request_duration_seconds", "Time to answer an HTTP request, by route",
                         ["route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10))
INBOX_ACCEPTED = Counter("aan_inbox_accepted", "Activities the inbox stored and answered 202")
INBOX_REJECTED = Counter("aan_inbox_rejected", "Activities the inbox refused, by reason and status",
                         ["reason", "status"])
INBOX_IGNORED = Counter("aan_inbox_ignored", "Activities answered 202 and then ignored (a shape not understood, "
                        "not a member, a duplicate...), by reason; the last ones: aan ingest log", ["reason"])
DELIVERIES = Counter("aan_deliveries", "Delivery attempts by outcome (done, retry, fail, gone) and "
                     "status class (2xx..5xx, network, refused, blocked)", ["outcome", "status_class"])
DELIVERY_RETRIES = Counter("aan_delivery_retries", "Delivery attempts that failed and were scheduled again")
DELIVERIES_DEFERRED = Counter("aan_deliveries_deferred", "Claimed deliveries put back unsent "
                              "(host parked or busy in this worker)", ["reason"])
HOSTS_PARKED_EVENTS = Counter("aan_hosts_parked_events", "Times a failing remote host was parked")
FANOUT_ROWS = Counter("aan_fanout_rows", "Delivery rows created by fan-out")

for _outcome, _class in (("done", "2xx"), ("retry", "5xx"), ("retry", "4xx"), ("retry", "network"),
                         ("fail", "4xx"), ("fail", "network"), ("fail", "refused"), ("fail", "blocked"),
                         ("gone", "4xx")):
    DELIVERIES.labels(_outcome, _class)  # the usual series exist (at 0) before the first delivery

DB_REGISTRY = CollectorRegistry(auto_describe=True)
QUEUE_ROWS = Gauge("aan_queue_rows", "Rows in each queue by status (done rows are not counted)",
                   ["queue", "status"], registry=DB_REGISTRY)
QUEUE_OLDEST_DUE = Gauge("aan_queue_oldest_due_seconds", "How long the oldest due pending row has waited",
                         ["queue"], registry=DB_REGISTRY)
HOSTS_PARKED = Gauge("aan_hosts_parked", "Remote hosts parked now (their deliveries wait)", registry=DB_REGISTRY)
DATABASE_UP = Gauge("aan_database_up", "1 if the last scrape could read the database", registry=DB_REGISTRY)
SCRAPE_SECONDS = Gauge("aan_database_scrape_seconds", "Time the database gauges took to read", registry=DB_REGISTRY)


class Failure(str):
    """An attempt's error text that also names its kind (``blocked``, ``refused``, ``network``).

    Metrics are labelled by the kind the sender set, never by matching the text.
    """

    kind: str = "network"

    def __new__(cls, text: str, kind: str) -> Failure:
        failure = super().__new__(cls, text)
        failure.kind = kind
        return failure


def status_class(status: int | None, error: str | None) -> str:
    if status is not None:
        return f"{status // 100}xx"
    return getattr(error, "kind", "network")


def count_delivery(action: str, status: int | None, error: str | None) -> None:
    DELIVERIES.labels(action, status_class(status, error)).inc()
    if action == "retry":
        DELIVERY_RETRIES.inc()


class MetricsMiddleware:
    """Counts every HTTP request by the route template that answered it (``unmatched`` if none)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        start = time.perf_counter()

        async def send_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            HTTP_REQUESTS.labels(route, scope.get("method", ""), str(status)).inc()
            HTTP_SECONDS.labels(route).observe(time.perf_counter() - start)


async def refresh_database_gauges() -> None:
    """Read queue depths and parked hosts from the database into the gauges."""
    start = time.perf_counter()
    now = jobs.now()
    QUEUE_ROWS.clear()
    QUEUE_OLDEST_DUE.clear()
    for table in sorted(jobs.QUEUES):
        counts, due = await jobs.depth(table, now)
        for status, n in counts.items():
            QUEUE_ROWS.labels(table, status).set(n)
        QUEUE_OLDEST_DUE.labels(table).set(max(0.0, (now - due).total_seconds()) if due else 0.0)
    HOSTS_PARKED.set(await jobs.parked_hosts(now))
    SCRAPE_SECONDS.set(time.perf_counter() - start)


def _authorised(request: Request) -> bool:
    token = request.app.state.node.settings.metrics_token
    if not token:
        return True
    return hmac.compare_digest(request.headers.get("authorization", ""), f"Bearer {token}")


async def exposition() -> bytes:
    """The web process's metrics: its counters and the database gauges, freshly read."""
    try:
        async with asyncio.timeout(5):
            await refresh_database_gauges()
        DATABASE_UP.set(1)
    except Exception:  # noqa: BLE001 - the scrape still answers, with the database marked down
        log.exception("reading queue gauges failed")
        DATABASE_UP.set(0)
    return generate_latest(REGISTRY) + generate_latest(DB_REGISTRY)


async def metrics_endpoint(request: Request) -> Response:
    if getattr(request.app.state, "metrics_elsewhere", False):  # aan serve --metrics-port: not here
        return JSONResponse({"error": "not found"}, status_code=404)
    if not _authorised(request):
        return JSONResponse({"error": "metrics need a bearer token"}, status_code=401)
    return Response(await exposition(), media_type=CONTENT_TYPE_LATEST)


class MetricsListener:
    """``aan serve --metrics-port``: ``/metrics`` on its own address (loopback by default), in the
    web process's event loop (aiohttp), with the same optional bearer token."""

    def __init__(self, port: int, host: str = "127.0.0.1", *, token: str | None = None):
        self.port, self.host, self.token = port, host, token
        self._runner = None

    async def start(self) -> int:
        from aiohttp import web

        async def handle(request: web.Request) -> web.Response:
            token = self.token
            if token and not hmac.compare_digest(request.headers.get("authorization", ""), f"Bearer {token}"):
                return web.json_response({"error": "metrics need a bearer token"}, status=401)
            return web.Response(body=await exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

        app = web.Application()
        app.router.add_get("/metrics", handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port we got (port 0: any free one)
        print(f"metrics on http://{self.host}:{self.port}/metrics", file=sys.stderr, flush=True)
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def serve(port: int, host: str = "127.0.0.1") -> None:
    """Expose this process's counters on ``host:port`` (``aan worker --metrics-port``), in a thread."""
    start_http_server(port, addr=host)
