"""Readiness: ``/readyz`` answers 200 only when this process can serve.

``/healthz`` (node.web.pages) says the process is up; ``/readyz`` also checks
that the database answers (within 2 s) and that its schema is exactly the one
this code expects: every migration shipped with it applied (``aan migrate``), and
none that it does not know (a newer release migrated the database).
"""

from __future__ import annotations

import asyncio
import re

from starlette.requests import Request
from starlette.responses import JSONResponse

from node.storage import db, queries

_MIGRATION = re.compile(r"^\d+_.+\.py$")


def shipped_migrations(url: str) -> set[str]:
    folder = db.MIGRATIONS / db.dialect(url) / "models"
    return {p.name for p in folder.iterdir() if _MIGRATION.match(p.name)}


async def migration_state(url: str) -> tuple[set[str], set[str]]:
    """(shipped but not applied, applied but unknown to this code)."""
    applied = set(await queries.applied_migrations())
    shipped = shipped_migrations(url)
    return shipped - applied, applied - shipped


async def check(url: str) -> tuple[bool, dict]:
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(2):
            await queries.ping()
            missing, unknown = await migration_state(url)
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        checks["database"] = f"unreachable: {type(exc).__name__}"
        return False, checks
    if missing:
        checks["migrations"] = f"{len(missing)} not applied (run 'aan migrate'): {', '.join(sorted(missing))}"
    elif unknown:
        checks["migrations"] = f"database is newer than this code: {', '.join(sorted(unknown))}"
    else:
        checks["migrations"] = "current"
    return not missing and not unknown, checks


async def healthz_endpoint(request: Request) -> JSONResponse:
    """Liveness: the process answers (``/readyz`` also checks the database and its schema)."""
    return JSONResponse({"status": "ok"})


async def readyz_endpoint(request: Request) -> JSONResponse:
    ready, checks = await check(request.app.state.node.config.database_url)
    return JSONResponse({"status": "ready" if ready else "not ready", "checks": checks},
                        status_code=200 if ready else 503)
