"""Outgoing delivery in two stages, both driven by rows in the database.

1. Fan-out: a ``FanoutJob`` names an activity (or several: the Announces of one
   boosted alert); we expand it to one ``Delivery`` row per activity and inbox
   (followers' shared inboxes deduplicated, our own host skipped, hosts
   interleaved) and mark the job done. The small jobs of one pass are written in
   one transaction; a big one commits every ``FANOUT_BATCH`` rows. Rows are unique
   per (activity, inbox), so a fan-out re-run after a crash adds nothing twice.
2. Delivery: claimed rows are POSTed, each signed at this attempt with the
   author's key (fresh ``Date``), and their outcome is recorded through the
   policy in :mod:`node.activitypub.retry`.

The HTTP client is aiohttp: measured on this machine it sends about 5x more
signed POSTs per second than one httpx client at the same concurrency
(docs/performance.md). It is imported, and the session opened, when the first delivery is
sent: an idle node does not carry it (docs/performance.md, idle memory).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import orjson

from node import errors
from node.activitypub import netguard, retry
from node.activitypub.fetch import FetchError, check_url
from node.activitypub.remote import same_origin
from node.activitypub.signatures import body_digest, sign_headers
from node.ops import logs, metrics
from node.storage import jobs
from node.storage.models import Activity, Follower, RemoteActor

if TYPE_CHECKING:
    import aiohttp

    from node.service import Node

log = logging.getLogger("aan.delivery")
FANOUT_CHUNK = 1000
FANOUT_BATCH = 10_000  # delivery rows committed together by a fan-out
ANALYZE_EVERY = 5.0  # seconds: small fan-outs refresh the queue's statistics at most this often
FANOUT_JOBS = 100  # fan-out jobs claimed (and, when small, written in one transaction) per pass
FANOUT_ANALYZE = 5_000  # a fan-out at least this big refreshes the planner's statistics (PostgreSQL)
USER_AGENT = "aan"
HOST_BACKLOG = 32  # x per_host: claimed rows of one host a worker holds; more go back to the queue
HOST_BUSY_DELAY = 5.0  # seconds before rows put back for a busy host are due again
FLUSH_AFTER = 0.2  # seconds: an answered delivery is recorded at most this long after its answer
FLUSH_GROUP = 256  # outcomes recorded together (one transaction) when they come faster than FLUSH_AFTER
INBOX_BACKLOG = 20  # inbox rows handled in one pass from which the inbox counts as busy (a burst, not a trickle)
GIVE_WAY_HOLD = 1.0  # seconds deliveries wait at most for a busy inbox ...
GIVE_WAY_SLICE = 0.1  # ... before they send for at least this long (no starvation under a sustained burst)
CHECKED_URLS = 20_000  # inbox URLs whose scheme and address passed check_url, remembered (then forgotten at once)


class GiveWay:
    """Deliveries give way to received work: while the inbox worker has a backlog (a burst of
    received activities, e.g. member alerts at a Clearing House), sends wait, so the CPU goes to
    verifying, storing and indexing what came in first. A wait lasts at most ``GIVE_WAY_HOLD``
    seconds; then sends go out for at least ``GIVE_WAY_SLICE`` seconds whatever the inbox does,
    so a sustained burst slows deliveries down (to about a tenth) but never stops them. A trickle
    (fewer than ``INBOX_BACKLOG`` rows per pass) holds nothing: a single alert's boost goes at once.
    """

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.open.set()
        self.closed_at = 0.0
        self.opened_at = 0.0

    def inbox_pass(self, handled: int) -> None:
        """Called after each pass of the inbox worker with the number of rows it handled."""
        now = time.monotonic()
        if handled < INBOX_BACKLOG:
            if not self.open.is_set():
                self.open.set()
                self.opened_at = now
        elif self.open.is_set() and now - self.opened_at >= GIVE_WAY_SLICE:
            self.open.clear()
            self.closed_at = now

    async def wait(self) -> None:
        if self.open.is_set():
            return
        remaining = self.closed_at + GIVE_WAY_HOLD - time.monotonic()
        if remaining > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.open.wait(), remaining)
        if not self.open.is_set():  # held long enough: a slice of sending
            self.open.set()
            self.opened_at = time.monotonic()


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


async def fanout_once(node: Node, worker: str, *, limit: int = FANOUT_JOBS) -> int:
    """Claim up to ``limit`` fan-out jobs and expand them into delivery rows; return how many jobs.

    Small jobs (the usual case: an alert, a boost) are expanded together: each author's followers
    read once, every row of every job inserted and the jobs marked done in one transaction. A job
    whose activities reach ``FANOUT_BATCH`` inboxes or more goes on its own, committed in batches.
    """
    rows = await jobs.claim("fanout_jobs", worker, limit=limit)
    if not rows:
        return 0
    activities = {a.id: a for a in await Activity.filter(
        id__in=sorted({i for row in rows for i in _job_activities(row)}))}
    followers: dict[int, list[str]] = {}
    audiences: dict[int, list[str]] = {}
    small: list[tuple[dict, list[tuple[str, list[tuple[str, str]]]]]] = []
    for row in rows:
        with logs.activity(node.urls.activity(row["activity_id"])):
            plan = []
            for activity_id in _job_activities(row):
                activity = activities.get(activity_id)
                if activity is None:  # deleted meanwhile (cannot happen through the node: kept with its rows)
                    log.warning("fan-out job %s: no activity %s", row["id"], activity_id)
                    continue
                inboxes = await _inboxes(node, row, activity, followers, audiences)
                plan.append((activity, inboxes))
            if sum(len(inboxes) for _, inboxes in plan) >= FANOUT_BATCH:
                for activity, inboxes in plan[:-1]:
                    await _fanout_big(node, activity, inboxes, done_job=None)
                await _fanout_big(node, plan[-1][0], plan[-1][1], done_job=row["id"])
                continue
            small.append((row, [(a.id, [(i, host_of(i)) for i in inboxes]) for a, inboxes in plan]))
            for activity, inboxes in plan:
                log.info("fan-out %s %s to %d inboxes", activity.type, activity.uri, len(inboxes))
    if small:
        now = jobs.now()
        await jobs.add_fanouts([(row["id"], targets) for row, targets in small], at=now, chunk=FANOUT_CHUNK)
        added = sum(len(t) for _, targets in small for _, t in targets)
        metrics.FANOUT_ROWS.inc(added)
        _unanalyzed[0] += added
        # many small fan-outs add up to a big queue too (boosts at a Clearing House): refresh the
        # statistics as a big fan-out does, at most every ANALYZE_EVERY seconds
        if _unanalyzed[0] >= FANOUT_ANALYZE and time.monotonic() - _unanalyzed[1] >= ANALYZE_EVERY:
            _unanalyzed[:] = [0, time.monotonic()]
            await jobs.analyze("deliveries")
    node.poke()
    return len(rows)


_unanalyzed: list = [0, 0.0]  # delivery rows added by small fan-outs since the last ANALYZE, and its time


def _job_activities(row: dict) -> list[str]:
    return [row["activity_id"], *_load_json(row.get("more_activities"))]


async def _inboxes(node: Node, row: dict, activity: Activity, followers: dict[int, list[str]],
                   audiences: dict[int, list[str]]) -> list[str]:
    """The inboxes one activity of a job goes to (followers read once per author and pass)."""
    inboxes: list[str] = list(_load_json(row["extra_inboxes"]))
    if row["to_followers"]:
        if activity.actor_id not in followers:
            followers[activity.actor_id] = [i async for i in _follower_inboxes(activity.actor_id)]
        seen = set(inboxes)
        for inbox in followers[activity.actor_id]:
            if inbox not in seen:
                seen.add(inbox)
                inboxes.append(inbox)
    if activity.type in ("Update", "Delete") and node.urls.alert_id_from_url(activity.object_uri or ""):
        if activity.actor_id not in audiences:
            audiences[activity.actor_id] = await _clearinghouse_audiences(node, activity.actor_id)
        seen = set(inboxes)
        for inbox in audiences[activity.actor_id]:
            if inbox not in seen:
                seen.add(inbox)
                inboxes.append(inbox)
    own = node.urls.domain.lower()
    return interleave_hosts([i for i in inboxes if host_of(i) != own])


async def _fanout_big(node: Node, activity: Activity, inboxes: list[str], *, done_job: int | None) -> None:
    """One big activity's rows, committed every FANOUT_BATCH rows so that delivery of a big
    fan-out starts before all of it is written (an interrupted fan-out runs again and adds only
    the missing rows); with ``done_job``, the job is marked done with the last batch."""
    now = jobs.now()
    targets = [(i, host_of(i)) for i in inboxes]
    for start in range(0, max(1, len(inboxes)), FANOUT_BATCH):
        last = start + FANOUT_BATCH >= len(inboxes)
        await jobs.add_deliveries(activity.id, targets[start:start + FANOUT_BATCH], at=now, chunk=FANOUT_CHUNK,
                                  done_job=done_job if last else None)
        if start == 0 and len(inboxes) >= FANOUT_ANALYZE:
            await jobs.analyze("deliveries")  # before autovacuum would: claims must use the index from now on
        node.poke()
    metrics.FANOUT_ROWS.inc(len(inboxes))
    log.info("fan-out %s %s to %d inboxes", activity.type, activity.uri, len(inboxes))


def interleave_hosts(inboxes: list[str]) -> list[str]:
    """Round-robin over hosts (first inbox of each host, then the second...), order kept per host.

    Rows are claimed in id order, so a claimed batch then spans many hosts: one
    slow host's inboxes do not fill a worker's batch.
    """
    by_host: dict[str, list[str]] = {}
    for inbox in inboxes:
        by_host.setdefault(host_of(inbox), []).append(inbox)
    if len(by_host) <= 1:
        return inboxes
    queues = list(by_host.values())
    out: list[str] = []
    for depth in range(max(len(q) for q in queues)):
        out += [q[depth] for q in queues if depth < len(q)]
    return out


async def _clearinghouse_audiences(node: Node, actor_id: int) -> list[str]:
    """Inboxes of servers that know our alerts through a Clearing House boost (method 9.3a).

    A Clearing House among our followers advertises ``aanAudience``: the shared
    inboxes of its own followers. Our Update and Delete go there too, signed by us,
    so readers who saw an alert only as a boost also see its edits and deletion.
    """
    inboxes: list[str] = []
    followers = await Follower.filter(local_actor_id=actor_id).values_list("actor_uri", flat=True)
    for row in await RemoteActor.filter(uri__in=list(followers)):
        url = (row.document or {}).get("aanAudience")
        if not isinstance(url, str) or not same_origin(url, row.uri):
            continue
        try:
            document = await node.fetcher.get(url)
        except FetchError as exc:
            log.warning("cannot read the audience of %s: %s", row.uri, exc)
            continue
        inboxes += [i for i in document.get("items", []) if isinstance(i, str)]
    return inboxes


async def _follower_inboxes(actor_id: int):
    """Each follower's shared inbox if it has one, else its inbox; read in chunks."""
    last = 0
    while True:
        batch = await Follower.filter(local_actor_id=actor_id, id__gt=last).order_by("id") \
            .limit(5000).values_list("id", "inbox", "shared_inbox")
        if not batch:
            return
        for _fid, inbox, shared in batch:
            yield shared or inbox
        last = batch[-1][0]


def _load_json(value):
    return orjson.loads(value) if isinstance(value, str) else (value or [])


class Deliverer:
    """Sends claimed delivery rows with one aiohttp session."""

    def __init__(self, node: Node, *, concurrency: int = 32, per_host: int = 8, timeout: float = 10.0,
                 host_backlog: int | None = None, resolve: netguard.Resolve | None = None):
        self.node = node
        self.concurrency = concurrency
        self.per_host = per_host
        self.timeout_s = timeout
        self.session: aiohttp.ClientSession | None = None  # opened by the first send
        self._bodies: OrderedDict[str, tuple[bytes, str, str]] = OrderedDict()  # body, author, Digest
        self._checked: set[str] = set()  # inbox URLs that passed check_url (it depends on the URL alone)
        self.group = max(concurrency, FLUSH_GROUP)
        self.resolve = resolve  # replaces the system resolver (tests); its answers are still checked
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._parked: dict[str, datetime] = {}  # hosts parked while we held their rows
        self.host_backlog = host_backlog or HOST_BACKLOG * per_host
        self.stopping = False  # set by Workers.stop: send nothing more, finish what is in flight
        self.give_way = GiveWay()  # the inbox worker reports its passes (Workers); sends wait while it is busy

    async def __aenter__(self) -> Deliverer:
        return self  # the session is opened by the first send (aiohttp is not imported before)

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        # Names are resolved once, by the guarded resolver, and the connector connects only to
        # addresses that passed it (its cache holds checked answers only).
        connector = aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=self.per_host,
                                         ttl_dns_cache=300, resolver=self.resolver())
        self.session = aiohttp.ClientSession(connector=connector,
                                             timeout=aiohttp.ClientTimeout(total=self.timeout_s, connect=5.0),
                                             headers={"User-Agent": f"{USER_AGENT} (+{self.node.urls.base})"},
                                             skip_auto_headers=("Content-Type",))
        return self.session

    async def __aexit__(self, *exc) -> None:
        if self.session:
            await self.session.close()

    async def _activity(self, activity_id: str) -> tuple[bytes, str, str]:
        """The body to send (serialised once per activity), its author and its ``Digest``."""
        hit = self._bodies.get(activity_id)
        if hit:
            return hit
        row = await Activity.get(id=activity_id).prefetch_related("actor")
        body = row.body.encode()
        value = (body, row.actor.username, body_digest(body))
        self._bodies[activity_id] = value
        while len(self._bodies) > 256:
            self._bodies.popitem(last=False)
        return value

    def resolver(self) -> netguard.GuardedResolver:
        return netguard.GuardedResolver(insecure=self.node.insecure, resolve=self.resolve)

    async def send(self, row: dict) -> tuple[int | None, str | None, bool, str | None]:
        """One attempt: (status, error, permanent_error, retry_after)."""
        import aiohttp  # imported by the first send (_open); a dictionary look-up after that

        inbox = row["inbox"]
        refused = self.node.blocks.reason(row["host"]) if getattr(self.node, "blocks", None) else None
        if refused:
            return None, metrics.Failure(refused, "blocked"), True, None
        try:
            if inbox not in self._checked:
                await check_url(inbox, insecure=self.node.insecure)  # scheme, IP literals
                if len(self._checked) >= CHECKED_URLS:
                    self._checked.clear()
                self._checked.add(inbox)
            body, username, digest = await self._activity(row["activity_id"])
            headers = sign_headers("POST", inbox, key_id=self.node.key_id(username),
                                   private_key=self.node.keys[username], body=body, digest=digest)
            session = self.session or self._open()
            async with session.post(inbox, data=body, headers=headers, allow_redirects=False) as resp:
                await resp.read()
                return resp.status, None if resp.status < 300 else await _text(resp), False, \
                    resp.headers.get("Retry-After")
        except errors.RemoteFailure as exc:  # refused address, unknown host (permanent) or a resolver failure
            kind = "refused" if isinstance(exc, errors.RefusedAddress) else "network"
            return None, metrics.Failure(exc.detail, kind), exc.permanent, None
        except aiohttp.ClientConnectorCertificateError as exc:
            return None, f"TLS: {exc}", True, None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return None, f"{type(exc).__name__}: {exc}", False, None

    def _slot(self, host: str) -> asyncio.Semaphore:
        slot = self._host_slots.get(host)
        if slot is None:
            slot = self._host_slots[host] = asyncio.Semaphore(self.per_host)
        return slot

    def _parked_until(self, host: str) -> datetime | None:
        until = self._parked.get(host)
        if until is not None and until <= jobs.now():
            del self._parked[host]
            return None
        return until

    async def run_batch(self, rows: list[dict], more=None) -> int:
        """Send a claimed batch, recording outcomes as they come in groups (:attr:`group` rows).

        Recording as we go (not once per batch) bounds what a crash can make us
        send twice: a group is recorded (one transaction, :func:`record`) when it is full or
        ``FLUSH_AFTER`` seconds after its oldest outcome, whichever comes first, so a crash
        repeats only the POSTs in flight and those answered in the last ``FLUSH_AFTER`` seconds
        (also when most receivers are slow and a group would take long to fill). At full
        speed a group fills in about 100 ms, so it costs one commit per ~250 deliveries.

        ``more`` (an async callable returning further claimed rows, ``[]`` when none are
        due) keeps the batch rolling: once fewer than ``2 x concurrency`` rows are ready
        to send, the next rows are claimed while these go out. Without it, sending
        paused at every batch boundary for the final record and the next claim (measured:
        about a quarter of a 1,000-inbox fan-out, bench/fanout.py). Returns the number of
        rows claimed.

        A slow or dead host cannot hold the worker: a row first takes one of its host's
        ``per_host`` slots, and only then one of the ``concurrency`` sending slots, so
        rows waiting for a busy host hold no sending slot and do not count as ready (the
        worker claims more for other hosts). At most ``host_backlog`` rows of one host
        are held; further ones, and those of a host parked meanwhile, go back to the
        queue unsent (their attempt not counted). After :attr:`stopping` is set nothing
        more is sent or claimed; unsent rows are left for ``Workers.stop`` to release.
        """
        sem = asyncio.Semaphore(self.concurrency)
        finished: list[tuple[dict, tuple]] = []
        put_back: list[tuple[dict, datetime, str]] = []
        flushing = asyncio.Lock()
        oldest: float | None = None  # monotonic time of the oldest unrecorded outcome
        wake = asyncio.Event()  # set on the first unrecorded outcome, on a full group and at the end
        closing = False
        held: dict[str, int] = {}  # rows of each host in this run, not yet finished
        ready = 0  # rows holding their host's slot, waiting for a sending slot
        low = asyncio.Event()

        async def flush() -> None:
            nonlocal oldest
            async with flushing:
                group, later = finished[:], put_back[:]
                del finished[:len(group)], put_back[:len(later)]
                oldest = None if not (finished or put_back) else time.monotonic()
                with logs.activity(None):  # a group spans activities: each line names its own
                    if group:
                        parked = await record([r for r, _ in group], [o for _, o in group])
                        self._parked.update(parked or {})
                    for row, when, reason in later:
                        metrics.DELIVERIES_DEFERRED.labels(reason).inc()
                        await jobs.retry("deliveries", row["id"], next_try=when,
                                         error=row.get("last_error") or "",
                                         extra={"attempts": max(0, row["attempts"] - 1)})

        def unrecorded() -> None:
            nonlocal oldest
            if oldest is None:
                oldest = time.monotonic()
                wake.set()
            if len(finished) >= self.group:
                wake.set()

        async def recorder() -> None:
            """Record outcomes when a group is full or FLUSH_AFTER after the oldest one."""
            while True:
                if closing:
                    return
                if oldest is None:
                    wake.clear()
                    await wake.wait()
                    continue
                delay = oldest + FLUSH_AFTER - time.monotonic()
                if delay > 0 and len(finished) < self.group:
                    wake.clear()
                    try:
                        await asyncio.wait_for(wake.wait(), delay)
                    except TimeoutError:
                        pass
                    continue
                await flush()

        async def send(row: dict, host: str) -> tuple | None:
            nonlocal ready
            async with self._slot(host):
                until = self._parked_until(host)
                if until is not None:
                    put_back.append((row, until, "host parked"))
                    return None
                ready += 1
                try:
                    if not self.stopping:
                        await self.give_way.wait()
                    await sem.acquire()
                finally:
                    ready -= 1
                try:
                    return None if self.stopping else await self.send(row)
                finally:
                    sem.release()

        async def one(row: dict) -> None:
            host = row["host"]
            row["activity_uri"] = self.node.urls.activity(row["activity_id"])
            with logs.activity(row["activity_uri"]):
                if held.get(host, 0) >= self.host_backlog:
                    put_back.append((row, jobs.now() + timedelta(seconds=HOST_BUSY_DELAY), "host busy"))
                    unrecorded()
                    outcome = None
                else:
                    held[host] = held.get(host, 0) + 1
                    try:
                        outcome = await send(row, host)
                    finally:
                        held[host] -= 1
            if ready < 2 * self.concurrency:
                low.set()
            if outcome is not None:
                finished.append((row, outcome))
                unrecorded()

        recording = asyncio.create_task(recorder(), name="delivery-recorder")
        groups = [asyncio.gather(*(one(r) for r in rows))]
        total = len(rows)
        try:
            while more is not None and not self.stopping:
                await low.wait()
                low.clear()
                if self.stopping or recording.done() \
                        or any(g.done() and not g.cancelled() and g.exception() for g in groups):
                    break  # the gather or the recorder below raises it: claim nothing more
                groups = [g for g in groups if not g.done()]  # a long rolling batch must not keep every row
                if ready >= 2 * self.concurrency:
                    continue
                try:
                    extra = await more()
                except Exception:  # noqa: BLE001 - finish what we hold; the next pass claims again
                    log.exception("claiming further deliveries failed")
                    break
                if not extra:
                    break
                total += len(extra)
                groups.append(asyncio.gather(*(one(r) for r in extra)))
        except asyncio.CancelledError:
            for group in groups:
                group.cancel()
            recording.cancel()
            raise
        try:
            await asyncio.gather(*groups)
        finally:
            closing = True
            wake.set()
            await recording  # raises what a recording failed with
        await flush()
        self._host_slots.clear()  # every slot is free again
        return total


async def _text(resp) -> str:
    try:
        return (await resp.text(errors="replace"))[:300]
    except Exception:  # noqa: BLE001 - only for the log line
        return ""


async def record(rows: list[dict], results: list) -> dict[str, datetime]:
    """Apply the retry policy to a group of attempts and update hosts; return hosts parked now.

    The whole group is written in one transaction (one commit): done rows with one UPDATE, retries
    and failures with one statement each, the hosts that answered with one UPDATE. Hosts that failed
    and inboxes that are gone (410) are handled after it, one by one (rare)."""
    now = jobs.now()
    done: list[int] = []
    retries: list[tuple[int, datetime, str, int | None]] = []
    failed: list[tuple[int, int | None, str]] = []
    gone: list[str] = []
    host_ok: set[str] = set()
    host_bad: dict[str, str] = {}
    counted: dict[tuple[str, int | None, str | None], int] = {}
    for row, (status, error, permanent, retry_after) in zip(rows, results, strict=True):
        if error is None and status is not None and 200 <= status < 300:  # the usual case, as retry.decide says
            done.append(row["id"])
            host_ok.add(row["host"])
            key = ("done", status // 100 * 100, None)
            counted[key] = counted.get(key, 0) + 1
            continue
        decision = retry.decide(status, row["attempts"], error=error, permanent_error=permanent,
                                retry_after=retry_after, now=now)
        detail = f"{decision.reason}: {error}" if error and decision.action != "done" else decision.reason
        metrics.count_delivery(decision.action, status, error)
        if decision.action != "done":
            log.info("delivery to %s: %s, %s", row["inbox"], decision.action, detail[:300],
                     extra={"activity": row.get("activity_uri") or row["activity_id"]})
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
    for (action, status, error), n in counted.items():
        metrics.count_delivery(action, status, error, n)
    await jobs.record_deliveries(done=done, at=now, retries=retries, failed=failed, hosts_ok=host_ok)
    for inbox in gone:
        await _inbox_gone(inbox)
    parked = {}
    for host, detail in host_bad.items():
        until = await _host_failed(host, detail, now)
        if until is not None:
            parked[host] = until
    return parked


async def _host_failed(host: str, detail: str, now: datetime) -> datetime | None:
    failures, park, until = await jobs.host_failed(host, detail, now, retry.park_for)
    if park:
        log.warning("parking host %s for %.0fs after %d failures", host, park, failures)
        metrics.HOSTS_PARKED_EVENTS.inc()
    return until


async def _inbox_gone(inbox: str) -> None:
    """410 from an inbox: its actor is gone, stop delivering to it."""
    await Follower.filter(inbox=inbox).delete()
    await RemoteActor.filter(inbox=inbox).update(gone=True)


async def claim_deliveries(worker: str, limit: int) -> list[dict]:
    """Three quarters of the oldest due rows, one quarter of the newest.

    A big fan-out queues its rows before a later small activity's; oldest-first
    alone would send every one of them first. The newest-first share lets the
    later activity through within a few claims while the big one keeps going.
    """
    newest = limit // 4
    rows = await jobs.claim("deliveries", worker, limit=limit - newest)
    if newest and len(rows) >= limit - newest:
        rows += await jobs.claim("deliveries", worker, limit=newest, newest=True)
    return rows


async def deliver_once(node: Node, deliverer: Deliverer, worker: str, *, limit: int = 200) -> int:
    """Claim due deliveries ``limit`` at a time and send them until none are due; return how many."""
    rows = await claim_deliveries(worker, limit)
    if not rows:
        return 0
    return await deliverer.run_batch(rows, more=lambda: claim_deliveries(worker, limit))
