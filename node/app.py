"""The web application: federation endpoints and public pages, one route list."""

from __future__ import annotations

import contextlib
import gc
import logging
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.routing import Route

from node.activitypub import routes as ap
from node.activitypub.inbox import InboxWriter, inbox_endpoint
from node.config import NodeConfig, Settings
from node.limits import HeaderLimits
from node.ops import health, metrics
from node.ops.runtime import Refresher
from node.service import Node
from node.web.lazy import lazy
from node.webui.routes import routes as webui_routes
from node.workers import Workers, install_roles

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("aan")


async def require_current_schema(url: str) -> None:
    """Refuse to serve a database whose schema is older (or newer) than this code."""
    from node.ops.health import migration_state

    missing, unknown = await migration_state(url)
    if missing:
        log.error("the database schema is out of date (%d migration(s) not applied): run 'aan migrate'",
                  len(missing))
        raise RuntimeError("database schema out of date: run 'aan migrate'")
    if unknown:
        log.error("the database was migrated by a newer version of aan: upgrade aan first")
        raise RuntimeError("database schema newer than this code")


def settle_garbage_collector() -> None:
    """Move start-up objects out of the collector's way and collect less often.

    Measured in docs/performance.md: the inbox goes from about 3,650 to 4,300
    signed activities per second and its p99 latency halves.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


def create_app(config: NodeConfig, *, run_workers: int = 1, concurrency: int = 32,
               http: httpx.AsyncClient | None = None, metrics_port: int | None = None,
               metrics_host: str = "127.0.0.1", settings: Settings | None = None) -> Starlette:
    """The ASGI app with ``run_workers`` sets of in-process workers (0: web only).

    ``http`` replaces the client used for fetches (tests inject a transport).
    ``metrics_port`` serves ``/metrics`` on ``metrics_host:metrics_port`` instead of the
    app's own port (0: any free port, logged). ``settings`` are those the entry point read
    (default: the environment's, read when the app starts).
    """

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        node = Node(config, http=http, settings=settings)
        install_roles(node)  # the Clearing House's inbox handlers, topic actors and collections
        try:
            await node.open()
            await require_current_schema(config.database_url)
        except BaseException:
            await node.close()  # else an open database connection keeps the failed process alive
            raise
        app.state.node = node
        app.state.inbox_writer = InboxWriter(node)
        app.state.inbox_writer.start()
        refresher = Refresher(node)  # domain blocks and key rotations made by other processes
        refresher.start()
        workers = [Workers(node, concurrency=concurrency) for _ in range(int(run_workers))]
        for worker in workers:
            await worker.start()
        listener = None
        if metrics_port is not None:
            listener = metrics.MetricsListener(metrics_port, metrics_host, token=node.settings.metrics_token)
            await listener.start()
            app.state.metrics_elsewhere = True
        settle_garbage_collector()
        log.info("aan %s node %s ready", config.role, config.handle)
        try:
            yield
        finally:
            if listener is not None:
                await listener.stop()
            for worker in workers:
                await worker.stop()
            await refresher.stop()
            await app.state.inbox_writer.stop()
            await node.close()

    def pages():  # the HTML side is imported by its first request (node.web.lazy)
        from node.web import pages

        return pages

    def public():
        from node.web import public

        return public

    def icons():
        from node.web import icons

        return icons

    def joint():
        from node.web import joint

        return joint

    routes = [
        Route("/.well-known/webfinger", ap.webfinger_endpoint),
        Route("/.well-known/host-meta", ap.host_meta_endpoint),
        Route("/.well-known/nodeinfo", ap.nodeinfo_links_endpoint),
        Route("/nodeinfo/{version:str}", ap.nodeinfo_endpoint),
        Route("/actor", ap.instance_actor_endpoint),
        Route("/actor/outbox", ap.instance_outbox_endpoint),
        Route("/inbox", inbox_endpoint, methods=["POST"]),
        Route("/actors/{username:str}", ap.actor_endpoint),
        Route("/actors/{username:str}/inbox", ap.personal_inbox_endpoint, methods=["POST"]),
        Route("/actors/{username:str}/outbox", ap.outbox_endpoint),
        Route("/actors/{username:str}/followers", ap.followers_endpoint),
        Route("/actors/{username:str}/following", ap.following_endpoint),
        Route("/actors/{username:str}/featured", ap.featured_endpoint),
        Route("/actors/{username:str}/audience", ap.role_collection("audience")),  # a Clearing House's
        Route("/activities/{activity_id:str}", ap.activity_endpoint),
        Route("/alerts/{alert_id:str}", lazy(pages, "alert_endpoint")),
        Route("/alerts", lazy(pages, "index_endpoint")),
        Route("/joint/{action_id:str}", lazy(joint, "statement_endpoint")),
        Route("/joint/{action_id:str}/signatures/{signature_id:str}", lazy(joint, "signature_endpoint")),
        Route("/", lazy(pages, "index_endpoint")),
        Route("/@{username:str}", lazy(pages, "profile_endpoint")),
        Route("/tags/{name:str}", lazy(pages, "tag_endpoint")),
        Route("/feed.atom", lazy(pages, "atom_endpoint")),
        Route("/favicon.ico", lazy(icons, "favicon_endpoint")),  # the avatar, or the default icon
        Route("/media/{name:str}", lazy(pages, "media_endpoint")),
        Route("/healthz", health.healthz_endpoint),
        Route("/remote-follow", lazy(public, "remote_follow_endpoint"), methods=["GET"]),
        Route("/alerts/{alert_id:str}/case", lazy(public, "case_endpoint"), methods=["GET"]),
        Route("/readyz", health.readyz_endpoint),
        Route("/metrics", metrics.metrics_endpoint),
        *webui_routes(),  # staff web interface (/login, /admin)
    ]
    if config.role == "clearinghouse":
        from node.web import clearinghouse_routes

        routes = clearinghouse_routes.routes() + routes  # the Clearing House's own index, cases, digest and feeds
    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(HeaderLimits)  # 431 for oversized headers, before any route reads one
    app.add_middleware(metrics.MetricsMiddleware)  # requests by route template and status (/metrics)
    return app
