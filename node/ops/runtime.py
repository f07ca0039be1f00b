"""The per-process refresh loop: domain blocks and local actors follow the database.

Processes are stateless apart from caches, so several web and worker processes
(on one machine or many) can share a database. What they cache and must not
keep stale: the domain policy (``aan block ...``) and our actors' keys and
profiles (``aan keys rotate``). Every ``AAN_REFRESH_SECONDS`` (``node.settings.refresh_seconds``,
default 5) the loop reads a
few small settings rows and reloads what changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from node.ops import blocks, keys

if TYPE_CHECKING:
    from node.service import Node

log = logging.getLogger("aan.runtime")


class Refresher:
    def __init__(self, node: Node, interval: float | None = None):
        self.node = node
        self.interval = node.settings.refresh_seconds if interval is None else interval
        self._actors_version = None
        self._task: asyncio.Task | None = None

    async def run_once(self) -> None:
        if await blocks.signature() != self.node.blocks.signature:
            await self.node.blocks.load()
            log.info("domain policy reloaded: %s, %d blocked, %d allowed", self.node.blocks.mode,
                     len(self.node.blocks.blocked), len(self.node.blocks.allowed))
        version = await keys.actors_version()
        if version != self._actors_version:
            changed = await keys.reload_actors(self.node)
            if changed:
                log.warning("reloaded the keys of %s", ", ".join(changed))
            log.info("actors reloaded (version %s): %s", version,
                     ", ".join(f"{a.username} {a.name!r}" for a in self.node.actors.values()))
            self._actors_version = version

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                await self.run_once()
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("refreshing blocks and actors failed")

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="ops-refresh")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
