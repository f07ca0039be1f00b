"""Worker loops: inbox processing, fan-out and delivery, each claim -> run -> record.

Run in the ``aan serve`` process by default, or alone with ``aan worker``
(several may run against one PostgreSQL database). Each loop sleeps when idle
until woken: by work queued in this process (``Node.poke``), by a wake-up from
another process that queued work (:mod:`node.storage.wake`: a Unix datagram socket
on SQLite, LISTEN/NOTIFY on PostgreSQL), or by the fallback poll
(``AAN_QUEUE_POLL``, 2 s: retries that come due, leases of dead workers, a lost wake-up).
On stop, rows this worker holds are released for others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from node.activitypub.delivery import Deliverer, deliver_once, fanout_once
from node.activitypub.handlers import inbox_once
from node.storage import jobs

if TYPE_CHECKING:
    from node.service import Node

log = logging.getLogger("aan.worker")


def install_roles(node) -> None:
    """Plug joint actions (every node) and the node's role (a Clearing House) into the protocol at start-up.

    The protocol never imports a role: the role registers its inbox handlers, actors and
    collections with ``node.registry`` (:mod:`node.activitypub.registry`). Called by the web
    application's start-up and by :class:`Workers`; calling it again changes nothing.
    """
    from node.services import joint

    joint.install(node.registry)  # joint actions: every node proposes, signs and verifies
    if node.config.role == "clearinghouse":
        from node import clearinghouse

        clearinghouse.install(node.registry)


class Workers:
    def __init__(self, node: Node, *, concurrency: int = 32, poll: float | None = None):
        install_roles(node)  # the inbox worker calls the role's handlers
        self.node = node
        self.name = jobs.worker_name()
        self.poll = node.settings.queue_poll if poll is None else poll
        self.deliverer = Deliverer(node, concurrency=concurrency)
        self._tasks: list[asyncio.Task] = []
        self._stopping = asyncio.Event()

    async def run_once(self) -> int:
        """One pass of every queue; used by tests and by the loops."""
        n = await inbox_once(self.node, self.name)
        n += await fanout_once(self.node, self.name)
        n += await deliver_once(self.node, self.deliverer, self.name)
        return n

    async def start(self) -> None:
        await self.deliverer.__aenter__()
        await self.node.listen_for_wakes()  # work queued by other processes wakes our loops at once
        for name, step, table in (("inbox", self._inbox, "inbox_items"), ("fanout", self._fanout, "fanout_jobs"),
                                  ("delivery", self._deliver, "deliveries")):
            self._tasks.append(asyncio.create_task(self._loop(name, step, table), name=f"worker-{name}"))
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="worker-heartbeat"))
        self._tasks.append(asyncio.create_task(self._scheduler(), name="worker-scheduler"))

    async def _scheduler(self) -> None:
        """Publish scheduled (embargoed) drafts whose time has come (never before it); send the
        Updates of joint statements whose signatures changed (one per statement for several)."""
        from node.services.drafts import publish_due
        from node.services.joint import send_due_updates

        while not self._stopping.is_set():
            for step in (publish_due, send_due_updates):
                try:
                    await step(self.node)
                except Exception:  # noqa: BLE001 - the next pass tries again
                    log.exception("scheduler pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=self.node.settings.scheduler_poll)

    async def _heartbeat(self) -> None:
        """Keep our leases alive while we work; a dead process stops renewing them."""
        while not self._stopping.is_set():
            await asyncio.sleep(self.node.settings.queue_lease / 3)
            try:
                await jobs.renew(self.name, lease=self.node.settings.queue_lease)
            except Exception:  # noqa: BLE001 - the next beat tries again
                log.exception("renewing leases failed")

    async def _inbox(self) -> int:
        handled = await inbox_once(self.node, self.name)
        self.deliverer.give_way.inbox_pass(handled)  # deliveries wait while received work piles up
        return handled

    async def _fanout(self) -> int:
        return await fanout_once(self.node, self.name)

    async def _deliver(self) -> int:
        return await deliver_once(self.node, self.deliverer, self.name)

    async def _loop(self, name: str, step, table: str) -> None:
        """Run ``step`` (one pass of the queue ``table``) until stopped, sleeping when idle.

        A pass that fails gives back the rows it still held: only this loop claims ``table``
        under this worker's name, and our heartbeat would otherwise keep their leases alive for
        as long as the process runs, so that nobody ever took them again. Given back, they are
        claimed anew (a delivery whose outcome was not recorded may be sent twice: at least
        once, as after a crash).
        """
        wake = self.node.waker()
        while not self._stopping.is_set():
            try:
                n = await step()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a bad row must not kill the loop
                log.exception("%s worker pass failed", name)
                try:
                    await jobs.release(table, self.name)
                except Exception:  # noqa: BLE001 - the heartbeat stops renewing them only when we stop
                    log.exception("giving back the rows of a failed %s pass failed", name)
                n = 0
            if n == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=self.poll)
                wake.clear()

    async def stop(self, grace: float | None = None) -> None:
        """Stop claiming; let work in flight finish (``grace`` s, leases kept), cancel the rest; give rows back.

        Deliveries already being sent finish and are recorded (each within the
        Deliverer's timeout); claimed rows not yet sent are released at once for
        other workers. ``aan worker`` and ``aan serve`` call this on SIGTERM.
        """
        self._stopping.set()
        self.deliverer.stopping = True
        self.node.wake_local()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (self.node.settings.shutdown_grace if grace is None else grace)
        pending = {t for t in self._tasks if t.get_name() != "worker-heartbeat"}
        while pending and loop.time() < deadline:
            _, pending = await asyncio.wait(pending, timeout=min(deadline - loop.time(), self.node.settings.queue_lease / 3))
            if pending:
                with contextlib.suppress(Exception):
                    await jobs.renew(self.name, lease=self.node.settings.queue_lease)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        for table in jobs.QUEUES:
            with contextlib.suppress(Exception):
                await jobs.release(table, self.name)
        await self.deliverer.__aexit__(None, None, None)
