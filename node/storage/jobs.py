"""The durable job queue: claim rows with a lease, record what happened.

This is the only module that knows how the queue works. A queue is a table
with the columns of :class:`node.storage.models.QueueMixin`. A row is
``pending`` until a worker claims it: the claim sets ``status='running'``,
``lease_until`` and ``locked_by`` in one statement, so two workers never get
the same row (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer
at a time, so its ``UPDATE … RETURNING`` is atomic). A worker that dies leaves
the row ``running`` with a lease in the past; the next claim takes it again.
That is why delivery is at-least-once, and receivers are idempotent on the
activity id.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from node.storage import db
from node.storage.models import Delivery, FanoutJob, Host

QUEUES = {"inbox_items", "fanout_jobs", "deliveries"}
# How long a claim holds a row. Live workers renew their leases (Workers' heartbeat), so a row
# held by a process that died is back in the queue within this many seconds. Set at start from
# the settings (``AAN_QUEUE_LEASE``) by :func:`configure`.
LEASE = 30.0


def configure(*, lease: float) -> None:
    """Take the queue's settings (called once at start; storage reads no environment)."""
    global LEASE
    LEASE = float(lease)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def now() -> datetime:
    return datetime.now(UTC)


def _sql(sql: str) -> str:
    """Our raw SQL is written with ``?``; asyncpg wants ``$1, $2…``."""
    if not db.is_postgres():
        return sql
    parts = sql.split("?")
    out = [parts[0]]
    for i, part in enumerate(parts[1:], start=1):
        out.append(f"${i}{part}")
    return "".join(out)


async def claim(table: str, worker: str, *, limit: int = 50, lease: float | None = None,
                at: datetime | None = None, newest: bool = False) -> list[dict]:
    """Claim up to ``limit`` due rows of ``table`` for ``lease`` seconds (the oldest due, or ``newest``)."""
    if table not in QUEUES:
        raise ValueError(f"unknown queue {table!r}")
    at = at or now()
    until = at + timedelta(seconds=LEASE if lease is None else lease)
    parked, parked_params = "", []
    if table == "deliveries":
        parked = " AND host NOT IN (SELECT host FROM hosts WHERE parked_until IS NOT NULL AND parked_until > ?)"
        parked_params = [at]
    lock = " FOR UPDATE SKIP LOCKED" if db.is_postgres() else ""
    # Two index range scans on (status, next_try, id) instead of one scan of the whole table: the due
    # pending rows in order, and rows whose holder died (lease over). Each may bring ``limit`` rows.
    sql = (
        f"WITH due AS (SELECT id FROM {table} WHERE status='pending' AND next_try <= ?{parked} "
        f"ORDER BY {'next_try DESC, id DESC' if newest else 'next_try, id'} LIMIT ?{lock}), "
        f"expired AS (SELECT id FROM {table} WHERE status='running' AND lease_until < ?{parked} "
        f"ORDER BY lease_until LIMIT ?{lock}) "
        f"UPDATE {table} SET status='running', lease_until=?, locked_by=?, attempts=attempts+1 "
        f"WHERE id IN (SELECT id FROM due UNION ALL SELECT id FROM expired) RETURNING *"
    )
    params = [at, *parked_params, limit, at, *parked_params, limit, until, worker]
    rows = await db.conn().execute_query_dict(_sql(sql), params)
    rows.sort(key=lambda r: r["id"])
    return rows


async def finish(table: str, ids: list[int], *, status: str = "done", extra: dict | None = None) -> None:
    """Mark claimed rows finished (``done`` or ``failed``)."""
    if not ids:
        return
    sets = ["status=?", "lease_until=NULL", "locked_by=NULL"]
    params: list = [status]
    for key, value in (extra or {}).items():
        sets.append(f"{key}=?")
        params.append(value)
    marks = ",".join("?" * len(ids))
    sql = f"UPDATE {table} SET {', '.join(sets)} WHERE id IN ({marks})"
    await db.conn().execute_query(_sql(sql), params + list(ids))


async def retry(table: str, row_id: int, *, next_try: datetime, error: str, extra: dict | None = None) -> None:
    """Put a claimed row back in the queue for a later attempt."""
    sets = ["status='pending'", "lease_until=NULL", "locked_by=NULL", "next_try=?", "last_error=?"]
    params: list = [next_try, error[:2000]]
    for key, value in (extra or {}).items():
        sets.append(f"{key}=?")
        params.append(value)
    sql = f"UPDATE {table} SET {', '.join(sets)} WHERE id=?"
    await db.conn().execute_query(_sql(sql), params + [row_id])


async def record_deliveries(*, done: list[int], at: datetime, retries: list[tuple[int, datetime, str, int | None]],
                            failed: list[tuple[int, int | None, str]], hosts_ok: Iterable[str]) -> None:
    """Record a group of delivery attempts in ONE transaction (one commit, a few statements):
    ``done`` row ids (delivered at ``at``), ``retries`` as (id, next try, error, last status),
    ``failed`` as (id, last status, error), and the hosts that answered (their failures forgotten;
    a host only has a row once it failed). A transaction PostgreSQL rolled back to break a deadlock
    or a serialization conflict is run again (:func:`_transient`): an outcome must not be lost."""
    hosts_ok = sorted(set(hosts_ok))
    for attempt in range(TRANSIENT_ATTEMPTS):
        try:
            return await _record_deliveries(done=done, at=at, retries=retries, failed=failed, hosts_ok=hosts_ok)
        except Exception as exc:
            if not _transient(exc) or attempt == TRANSIENT_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.01 * 2 ** attempt)


TRANSIENT_ATTEMPTS = 4


def _transient(exc: BaseException) -> bool:
    """Whether the database rolled the transaction back for a reason that running it again can get
    past: SQLSTATE class 40 (``40P01`` deadlock detected, ``40001`` serialization failure), on the
    error or on what it wraps."""
    seen: BaseException | None = exc
    while seen is not None:
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str) and state.startswith("40"):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def _record_deliveries(*, done: list[int], at: datetime, retries: list[tuple[int, datetime, str, int | None]],
                             failed: list[tuple[int, int | None, str]], hosts_ok: Iterable[str]) -> None:
    async with in_transaction() as conn:
        if done:
            marks = ",".join("?" * len(done))
            await conn.execute_query(_sql(
                "UPDATE deliveries SET status='done', lease_until=NULL, locked_by=NULL, delivered_at=? "
                f"WHERE id IN ({marks})"), [at, *done])
        if retries:
            await conn.execute_many(_sql(
                "UPDATE deliveries SET status='pending', lease_until=NULL, locked_by=NULL, next_try=?, "
                "last_error=?, last_status=? WHERE id=?"),
                [[when, error[:2000], status, row_id] for row_id, when, error, status in retries])
        if failed:
            await conn.execute_many(_sql(
                "UPDATE deliveries SET status='failed', lease_until=NULL, locked_by=NULL, last_status=?, "
                "last_error=? WHERE id=?"),
                [[status, error[:2000], row_id] for row_id, status, error in failed])
        names = sorted(set(hosts_ok))
        if names:
            marks = ",".join("?" * len(names))
            await conn.execute_query(_sql(
                "UPDATE hosts SET consecutive_failures=0, parked_until=NULL, last_success=? "
                f"WHERE host IN ({marks})"), [at, *names])


async def renew(worker: str, *, lease: float | None = None) -> None:
    """Extend every lease this worker holds (called periodically while it runs).

    On PostgreSQL the rows are taken ``SKIP LOCKED``: a row locked by a transaction that is
    recording its outcome (which ends its lease anyway) is passed over, not waited for. Waiting
    for it could deadlock: the recording may in turn wait for a row this statement already holds
    (seen under load at a Clearing House, ``deadlock detected`` in the delivery recorder).
    """
    until = now() + timedelta(seconds=LEASE if lease is None else lease)
    for table in sorted(QUEUES):
        if db.is_postgres():
            sql = (f"UPDATE {table} SET lease_until=? WHERE id IN (SELECT id FROM {table} "
                   "WHERE locked_by=? AND status='running' FOR UPDATE SKIP LOCKED)")
        else:  # SQLite has no row locks: one writer at a time
            sql = f"UPDATE {table} SET lease_until=? WHERE locked_by=? AND status='running'"
        await db.conn().execute_query(_sql(sql), [until, worker])


async def release(table: str, worker: str) -> None:
    """Give back every row this worker holds (graceful shutdown)."""
    sql = f"UPDATE {table} SET status='pending', lease_until=NULL, locked_by=NULL WHERE locked_by=? AND status='running'"
    await db.conn().execute_query(_sql(sql), [worker])


async def analyze(table: str) -> None:
    """Refresh PostgreSQL's statistics of a queue table (after a burst of rows; no-op on SQLite).

    Planned with statistics from when the table was nearly empty, the claim scans and sorts every
    pending row (measured: 50 ms per claim with 90,000 pending) instead of reading the first rows of
    its index; autovacuum's own ANALYZE can come a minute or more later.
    """
    if table in QUEUES and db.is_postgres():
        await db.conn().execute_script(f"ANALYZE {table}")


async def counts(table: str) -> dict[str, int]:
    rows = await db.conn().execute_query_dict(f"SELECT status, COUNT(*) AS n FROM {table} GROUP BY status")
    return {r["status"]: int(r["n"]) for r in rows}


async def insert_inbox_items(items: list[tuple[str, str, str]]) -> set[str]:
    """Store (activity_id, actor_uri, body) rows in one transaction (group commit); return the
    activity ids stored now.

    A repeated activity id is a no-op, which makes the inbox idempotent: it is not in the
    returned set (a duplicate, for the ingest log), nor is a second copy within ``items``.
    """
    if not items:
        return set()
    at = now()
    stored: set[str] = set()
    async with in_transaction() as conn:
        for start in range(0, len(items), 500):  # within every database's limit on parameters
            chunk = items[start:start + 500]
            sql = _sql(
                "INSERT INTO inbox_items (activity_id, actor_uri, body, status, attempts, next_try, created_at) "
                "VALUES " + ", ".join(["(?, ?, ?, 'pending', 0, ?, ?)"] * len(chunk))
                + " ON CONFLICT (activity_id) DO NOTHING RETURNING activity_id"
            )
            params = [value for a, b, c in chunk for value in (a, b, c, at, at)]
            stored.update(row["activity_id"] for row in await conn.execute_query_dict(sql, params))
    return stored


async def purge_received(actor: str, uri: str, *, keep: str | None, finished_only: bool = False) -> None:
    """Empty the stored bodies of activities we received about ``uri`` (the texts of an alert
    retracted or replaced by its author ``actor``): ``actor``'s own (unless ``finished_only``,
    every one but ``keep``, the activity being processed) and, once processed, anyone's that
    mention it (a group's boost embeds the Create). The rows stay, so a replay of the same
    activity id is still refused as a duplicate."""
    from tortoise.expressions import Q

    from node.storage.models import InboxItem

    finished = Q(status__in=["done", "failed"])
    query = InboxItem.filter(finished if finished_only else (finished | Q(actor_uri=actor)), body__contains=uri)
    if keep:
        query = query.exclude(activity_id=keep)
    await query.update(body="{}")


# --- fan-out jobs -------------------------------------------------------------------------------

async def queue_fanout(activity_id: str, *, to_followers: bool = True, extra_inboxes: list[str] | None = None,
                       at: datetime | None = None, conn=None, more: list[str] | None = None) -> None:
    """Queue the fan-out of a stored activity (to its author's followers and/or ``extra_inboxes``);
    ``more`` activities go out with it, each the same way (one job)."""
    await FanoutJob.create(activity_id=activity_id, to_followers=to_followers, extra_inboxes=extra_inboxes or [],
                           more_activities=more or [], next_try=at or now(), using_db=conn)


async def queue_fanouts(activity_ids: list[list[str]], *, at: datetime | None = None) -> None:
    """Queue one fan-out job to followers per list of ``activity_ids`` (each activity to its own
    author's followers; one statement for all the jobs)."""
    due = at or now()
    if not any(activity_ids):
        return
    await FanoutJob.bulk_create([FanoutJob(activity_id=group[0], more_activities=list(group[1:]), to_followers=True,
                                           extra_inboxes=[], next_try=due)
                                 for group in activity_ids if group])


async def delay_fanout(activity_id: str | None, until: datetime) -> None:
    """Hold the pending fan-out of ``activity_id`` until ``until``."""
    await FanoutJob.filter(activity_id=activity_id, status="pending").update(next_try=until)


async def fanout_pending(activity_id: str) -> bool:
    """Whether the fan-out of ``activity_id`` has not finished yet."""
    return await FanoutJob.filter(activity_id=activity_id).exclude(status="done").exists()


# --- deliveries ---------------------------------------------------------------------------------

async def add_deliveries(activity_id: str, targets: list[tuple[str, str]], *, at: datetime,
                         chunk: int = 1000, done_job: int | None = None) -> None:
    """Queue one delivery of ``activity_id`` per (inbox, host) of ``targets``, in one transaction of
    statements of ``chunk`` rows; an inbox already queued for the activity is skipped. With
    ``done_job``, that fan-out job is marked done in the same transaction."""
    sql = _sql(
        "INSERT INTO deliveries (activity_id, inbox, host, status, attempts, next_try, created_at) "
        "VALUES (?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (activity_id, inbox) DO NOTHING"
    )
    async with in_transaction() as conn:
        for start in range(0, len(targets), chunk):
            await conn.execute_many(sql, [[activity_id, inbox, host, at, at]
                                          for inbox, host in targets[start:start + chunk]])
        if done_job is not None:
            mark = _sql("UPDATE fanout_jobs SET status='done', lease_until=NULL, locked_by=NULL WHERE id=?")
            await conn.execute_query(mark, [done_job])


async def add_fanouts(done: list[tuple[int, list[tuple[str, list[tuple[str, str]]]]]], *, at: datetime,
                      chunk: int = 1000) -> None:
    """Several small fan-outs in ONE transaction: for each (fan-out job id, [(activity id, [(inbox,
    host)…])…]) the delivery rows (an inbox already queued for its activity is skipped), then
    every one of those jobs marked done."""
    sql = _sql(
        "INSERT INTO deliveries (activity_id, inbox, host, status, attempts, next_try, created_at) "
        "VALUES (?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (activity_id, inbox) DO NOTHING"
    )
    values = [[activity_id, inbox, host, at, at]
              for _, activities in done for activity_id, targets in activities for inbox, host in targets]
    ids = [job for job, _ in done]
    async with in_transaction() as conn:
        for start in range(0, len(values), chunk):
            await conn.execute_many(sql, values[start:start + chunk])
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            await conn.execute_query(_sql(
                "UPDATE fanout_jobs SET status='done', lease_until=NULL, locked_by=NULL "
                f"WHERE id IN ({','.join('?' * len(part))})"), part)


async def deliveries_of(activity_id: str) -> list[Delivery]:
    """The deliveries of one activity, by host."""
    return await Delivery.filter(activity_id=activity_id).order_by("host")


async def delivery_states(activity_ids: list[str]) -> list[dict]:
    """(activity_id, status) of every delivery of ``activity_ids``."""
    return await Delivery.filter(activity_id__in=activity_ids).values("activity_id", "status")


async def deliveries_in(statuses: list[str]) -> list[Delivery]:
    """Deliveries in ``statuses`` with their activity, by host then id."""
    return await Delivery.filter(status__in=statuses).prefetch_related("activity").order_by("host", "id")


async def host_has_failed_deliveries(host: str) -> bool:
    return await Delivery.filter(host=host, status="failed").exists()


# --- hosts --------------------------------------------------------------------------------------

async def hosts() -> dict[str, Host]:
    """The delivery health of every host that ever failed, by name."""
    return {h.host: h for h in await Host.all()}


async def host(name: str) -> Host | None:
    return await Host.filter(host=name).first()


async def hosts_succeeded(names: Iterable[str], at: datetime) -> None:
    """Hosts that answered: their failures are forgotten (one statement; a host has a row once it failed)."""
    await Host.filter(host__in=sorted(names)).update(consecutive_failures=0, parked_until=None, last_success=at)


async def host_failed(name: str, error: str, at: datetime,
                      park_for: Callable[[int], float | None]) -> tuple[int, float | None, datetime | None]:
    """Count a failure of host ``name``; park it for ``park_for(consecutive failures)`` seconds if that
    says so. Returns (consecutive failures, seconds parked or None, parked until or None)."""
    row, _ = await Host.get_or_create(host=name)
    row.consecutive_failures += 1
    row.last_error = error[:2000]
    park = park_for(row.consecutive_failures)
    if park:
        row.parked_until = at + timedelta(seconds=park)
    await row.save()
    return row.consecutive_failures, park or None, row.parked_until if park else None


# --- gauges -------------------------------------------------------------------------------------

def _as_datetime(value) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))  # SQLite's MIN() of a timestamp is text
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def depth(table: str, at: datetime) -> tuple[dict[str, int], datetime | None]:
    """Rows of a queue pending, running and failed, and the ``next_try`` of the oldest row due at ``at``."""
    if table not in QUEUES:
        raise ValueError(f"unknown queue {table!r}")
    counts = {"pending": 0, "running": 0, "failed": 0}
    rows = await db.conn().execute_query_dict(
        f"SELECT status, COUNT(*) AS n FROM {table} WHERE status IN ('pending', 'running', 'failed') "
        "GROUP BY status")
    counts.update({r["status"]: int(r["n"]) for r in rows})
    oldest = await db.conn().execute_query_dict(
        _sql(f"SELECT MIN(next_try) AS t FROM {table} WHERE status='pending' AND next_try <= ?"), [at])
    return counts, _as_datetime(oldest[0]["t"]) if oldest else None


async def parked_hosts(at: datetime) -> int:
    """How many hosts are parked at ``at``."""
    rows = await db.conn().execute_query_dict(
        _sql("SELECT COUNT(*) AS n FROM hosts WHERE parked_until IS NOT NULL AND parked_until > ?"), [at])
    return int(rows[0]["n"])
