"""Database set-up: one URL picks SQLite (embedded default) or PostgreSQL.

Migrations are aerich's, kept per dialect under ``node/storage/migrations/<dialect>``
because aerich writes dialect-specific SQL.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from tortoise import Tortoise, connections

MIGRATIONS = Path(__file__).parent / "migrations"
MODELS = ["node.storage.models"]  # aerich's own model is added only to migrate (it is heavy to import)

# WAL with synchronous=FULL: a received alert or a queued delivery is on disk when we
# say so. Group commit (node.activitypub.inbox) pays the fsync once per batch.
SQLITE_PRAGMAS = {"journal_mode": "WAL", "synchronous": "FULL", "busy_timeout": "10000"}


def dialect(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme.startswith("sqlite"):
        return "sqlite"
    if scheme in ("postgres", "postgresql", "asyncpg", "psycopg"):
        return "postgres"
    raise ValueError(f"unsupported database URL scheme {scheme!r} (use sqlite:// or postgres://)")


def normalise_url(url: str) -> str:
    """Add our SQLite pragmas; map ``postgresql://`` to tortoise's ``postgres://``."""
    parts = urlsplit(url)
    if dialect(url) == "sqlite":
        query = dict(SQLITE_PRAGMAS)
        query.update(parse_qsl(parts.query))
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
    if parts.scheme == "postgresql":
        return urlunsplit(("postgres",) + tuple(parts[1:]))
    return url


def asyncpg_dsn(url: str) -> str:
    """A PostgreSQL URL as asyncpg's own connections take it (without tortoise's pool options)."""
    return normalise_url(url).split("?", 1)[0].replace("postgres://", "postgresql://", 1)


def tortoise_config(url: str, *, pool_max: int = 10, migrations: bool = False) -> dict:
    url = normalise_url(url)
    if dialect(url) == "postgres":
        sep = "&" if "?" in url else "?"
        if "maxsize" not in url:
            url = f"{url}{sep}minsize=1&maxsize={pool_max}"
    connection: str | dict = url
    if dialect(url) == "sqlite":
        # tortoise's own client, but transactions take the write lock first (see sqlite_backend)
        from tortoise.backends.base.config_generator import expand_db_url

        connection = expand_db_url(url)
        connection["engine"] = "node.storage.sqlite_backend"
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": MODELS + (["aerich.models"] if migrations else []),
                           "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _forget_cached_sql() -> None:
    """Tortoise caches INSERT/UPDATE SQL per connection *name*, not per dialect.

    A process that opens SQLite and later PostgreSQL under the same name (the
    test suite does) must drop that cache, or it sends ``?`` placeholders to
    PostgreSQL.
    """
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    EXECUTOR_CACHE.clear()


async def init(url: str, *, pool_max: int = 10) -> None:
    _forget_cached_sql()
    await Tortoise.init(config=tortoise_config(url, pool_max=pool_max), _enable_global_fallback=True)


async def close() -> None:
    await Tortoise.close_connections()


def conn():
    return connections.get("default")


def is_postgres() -> bool:
    return conn().capabilities.dialect == "postgres"


async def migrate(url: str) -> list[str]:
    """Bring the schema up to date; safe to run any number of times."""
    from aerich import Command

    config = tortoise_config(url, migrations=True)
    # (Re-)initialise tortoise for this URL ourselves: aerich skips its own init
    # whenever a context from an earlier database is still marked initialised.
    _forget_cached_sql()
    await Tortoise.init(config=config)
    try:
        command = Command(tortoise_config=config, app="models", location=str(MIGRATIONS / dialect(url)))
        await command.init()
        return await command.upgrade(run_in_transaction=True)
    finally:
        await Tortoise.close_connections()


async def migrate_locked(url: str) -> list[str]:
    """``migrate`` under a PostgreSQL advisory lock, so two processes upgrading at once take turns."""
    import asyncpg

    if dialect(url) != "postgres":
        return await migrate(url)
    conn = await asyncpg.connect(asyncpg_dsn(url), timeout=10)
    try:
        await conn.execute("SELECT pg_advisory_lock(7305419)")  # any fixed number, ours
        return await migrate(url)
    finally:
        await conn.close()  # closing the session releases the lock
