"""``aan worker`` with proposed changes applied in-process, to measure them before they are made.

Only for ``bench/fanout.py --worker-variant``; the node's files are not touched. Usage::

    python bench/_worker_variant.py VARIANTS worker --concurrency 32

VARIANTS is a comma-separated list of:

``uvloop``  run the worker's event loop on uvloop (``aan serve`` already does; ``aan worker``
            uses plain ``asyncio.run``). Proposed for node/cli.py ``cmd_worker``.
``record``  the proposed ``node.activitypub.delivery.record``: the rows that are done, their
            hosts' health reset and every retry/failure of the group written in ONE
            transaction, the host reset as ONE ``UPDATE hosts … WHERE host IN (…)`` instead of
            one UPDATE per host (each its own commit, i.e. its own fsync on SQLite). Same SQL
            values as today (through the ORM), same outcome per row.
``gc``      ``gc.collect(); gc.freeze()`` once the worker has started, and
            ``gc.set_threshold(7000, 10, 10)``. Proposed for node/cli.py.
``batches`` the delivery loop as it was before the rolling claim (one claim of 200 rows per
            pass, sent, recorded, then the next pass claims again): the "before" of
            docs/performance.md.
"""

import asyncio
import gc
import sys
from datetime import timedelta

VARIANTS = set(filter(None, sys.argv.pop(1).split(",")))
unknown = VARIANTS - {"uvloop", "record", "gc", "batches", "none"}
if unknown:
    sys.exit(f"unknown variant(s) {sorted(unknown)}")

from node import workers  # noqa: E402
from node.activitypub import delivery, retry  # noqa: E402
from node.cli import main  # noqa: E402
from node.storage import jobs  # noqa: E402
from node.storage.models import Host  # noqa: E402

if "uvloop" in VARIANTS:
    import uvloop

    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())

if "gc" in VARIANTS:
    _start = workers.Workers.start

    async def start(self) -> None:
        await _start(self)
        gc.collect()
        gc.freeze()
        gc.set_threshold(7000, 10, 10)

    workers.Workers.start = start

if "batches" in VARIANTS:
    async def deliver_once(node, deliverer, worker: str, *, limit: int = 200) -> int:
        claim = getattr(delivery, "claim_deliveries", None)
        rows = await (claim(worker, limit) if claim else jobs.claim("deliveries", worker, limit=limit))
        if rows:
            await deliverer.run_batch(rows)
        return len(rows)

    delivery.deliver_once = deliver_once
    workers.deliver_once = deliver_once

if "record" in VARIANTS:
    from tortoise.transactions import in_transaction

    async def record(rows: list[dict], results: list) -> None:
        """Apply the retry policy to a group of attempts and update hosts, in one transaction."""
        now = jobs.now()
        done: list[int] = []
        host_ok: set[str] = set()
        host_bad: dict[str, str] = {}
        retries: list[tuple] = []
        failed: list[tuple] = []
        gone: list[str] = []
        for row, (status, error, permanent, retry_after) in zip(rows, results, strict=True):
            decision = retry.decide(status, row["attempts"], error=error, permanent_error=permanent,
                                    retry_after=retry_after, now=now)
            detail = f"{decision.reason}: {error}" if error and decision.action != "done" else decision.reason
            if decision.action == "done":
                done.append(row["id"])
                host_ok.add(row["host"])
            elif decision.action == "retry":
                retries.append((row["id"], now + timedelta(seconds=decision.delay), detail, status))
                host_bad[row["host"]] = detail
            else:
                failed.append((row["id"], status, detail))
                if decision.action == "gone":
                    gone.append(row["inbox"])
        async with in_transaction():
            for row_id, next_try, detail, status in retries:
                await jobs.retry("deliveries", row_id, next_try=next_try, error=detail,
                                 extra={"last_status": status})
            for row_id, status, detail in failed:
                await jobs.finish("deliveries", [row_id], status="failed",
                                  extra={"last_status": status, "last_error": detail[:2000]})
            if done:
                await jobs.finish("deliveries", done, extra={"delivered_at": now})
            if host_ok:
                await Host.filter(host__in=sorted(host_ok)).update(consecutive_failures=0, parked_until=None,
                                                                  last_success=now)
        for inbox in gone:
            await delivery._inbox_gone(inbox)
        for host, detail in host_bad.items():
            await delivery._host_failed(host, detail, now)

    delivery.record = record

sys.exit(main())
