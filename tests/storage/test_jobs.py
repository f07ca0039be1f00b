"""The durable queue (node/storage/jobs.py) on SQLite and PostgreSQL."""

import asyncio
from datetime import timedelta

import pytest
from conftest import async_wait_until

from node.service import create_local_actor
from node.storage import db, jobs
from node.storage.models import Activity, Delivery, Host, InboxItem


@pytest.fixture
async def store(db_url):
    await db.migrate(db_url)
    await db.init(db_url, pool_max=8)
    actor = await create_local_actor("alerts", "Org", "Organization")
    activity = await Activity.create(id="a1", uri="https://n.test/activities/a1", actor=actor,
                                     type="Create", body="{}")
    yield activity
    await db.close()


async def add_deliveries(activity, n, *, host="h.test", due=None):
    due = due or jobs.now()
    for i in range(n):
        await Delivery.create(activity=activity, inbox=f"https://{host}/u{i}/inbox", host=host, next_try=due)


async def test_migrate_is_safe_to_run_twice(db_url, store):
    assert await db.migrate(db_url) == []


async def test_claim_takes_due_rows_once(store):
    await add_deliveries(store, 5)
    first = await jobs.claim("deliveries", "w1", limit=3)
    second = await jobs.claim("deliveries", "w2", limit=10)
    assert len(first) == 3 and len(second) == 2
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    assert all(r["status"] == "running" and r["attempts"] == 1 for r in first + second)
    assert await jobs.claim("deliveries", "w3") == []


async def test_rows_not_yet_due_are_not_claimed(store):
    await add_deliveries(store, 2, due=jobs.now() + timedelta(minutes=5))
    assert await jobs.claim("deliveries", "w1") == []
    later = await jobs.claim("deliveries", "w1", at=jobs.now() + timedelta(minutes=6))
    assert len(later) == 2


async def test_expired_lease_is_claimed_again(store):
    """A worker that died holding rows: once the lease passes, another worker takes them."""
    await add_deliveries(store, 2)
    held = await jobs.claim("deliveries", "dead", lease=30)
    assert len(held) == 2
    assert await jobs.claim("deliveries", "alive") == []
    retaken = await jobs.claim("deliveries", "alive", at=jobs.now() + timedelta(seconds=31))
    assert sorted(r["id"] for r in retaken) == sorted(r["id"] for r in held)
    assert all(r["attempts"] == 2 and r["locked_by"] == "alive" for r in retaken)


async def test_live_workers_renew_their_leases(store):
    await add_deliveries(store, 2)
    held = await jobs.claim("deliveries", "live", lease=30)
    await jobs.renew("live", lease=300)
    assert await jobs.claim("deliveries", "other", at=jobs.now() + timedelta(seconds=60)) == []
    retaken = await jobs.claim("deliveries", "other", at=jobs.now() + timedelta(seconds=301))
    assert len(retaken) == len(held) == 2


async def test_finish_retry_and_release(store):
    await add_deliveries(store, 3)
    a, b, c = await jobs.claim("deliveries", "w1")
    await jobs.finish("deliveries", [a["id"]], extra={"last_status": 202})
    await jobs.retry("deliveries", b["id"], next_try=jobs.now() + timedelta(hours=1), error="HTTP 500")
    await jobs.release("deliveries", "w1")
    rows = {r.id: r for r in await Delivery.all()}
    assert rows[a["id"]].status == "done" and rows[a["id"]].last_status == 202
    assert rows[b["id"]].status == "pending" and rows[b["id"]].last_error == "HTTP 500"
    assert rows[c["id"]].status == "pending" and rows[c["id"]].locked_by is None
    again = await jobs.claim("deliveries", "w2")
    assert [r["id"] for r in again] == [c["id"]]


async def test_parked_hosts_are_skipped_until_the_park_ends(store):
    await add_deliveries(store, 2, host="down.test")
    await add_deliveries(store, 1, host="up.test")
    await Host.create(host="down.test", consecutive_failures=5, parked_until=jobs.now() + timedelta(minutes=10))
    claimed = await jobs.claim("deliveries", "w1")
    assert {r["host"] for r in claimed} == {"up.test"}
    await jobs.finish("deliveries", [r["id"] for r in claimed])
    later = await jobs.claim("deliveries", "w1", at=jobs.now() + timedelta(minutes=11))
    assert {r["host"] for r in later} == {"down.test"}


async def test_concurrent_claimers_never_share_a_row(store):
    await add_deliveries(store, 200)
    results = await asyncio.gather(*(jobs.claim("deliveries", f"w{i}", limit=15) for i in range(8)))
    ids = [r["id"] for rows in results for r in rows]
    assert len(ids) == len(set(ids))
    while rows := await jobs.claim("deliveries", "tail", limit=50):
        ids += [r["id"] for r in rows]
    assert sorted(ids) == sorted(d.id for d in await Delivery.all())


async def test_inbox_rows_are_idempotent_on_activity_id(store):
    assert await jobs.insert_inbox_items([("https://m.test/a/1", "https://m.test/u", "{}"),
                                          ("https://m.test/a/2", "https://m.test/u", "{}"),
                                          ("https://m.test/a/2", "https://m.test/u", "{}")]) \
        == {"https://m.test/a/1", "https://m.test/a/2"}  # what was stored now: the duplicates are not
    assert await jobs.insert_inbox_items([("https://m.test/a/1", "https://m.test/u", "{}"),
                                          ("https://m.test/a/3", "https://m.test/u", "{}")]) \
        == {"https://m.test/a/3"}
    assert await InboxItem.all().count() == 3
    assert (await jobs.counts("inbox_items")) == {"pending": 3}


async def test_unknown_queue_is_refused(store):
    with pytest.raises(ValueError):
        await jobs.claim("local_actors", "w1")


async def test_add_deliveries_skips_queued_inboxes_and_finishes_the_job_with_the_rows(store):
    await jobs.queue_fanout(store.id, extra_inboxes=["https://x.test/inbox"])
    (job,) = await jobs.claim("fanout_jobs", "w1")
    targets = [(f"https://h{i % 3}.test/u{i}/inbox", f"h{i % 3}.test") for i in range(7)]
    await jobs.add_deliveries(store.id, targets[:4], at=jobs.now(), chunk=3)
    assert await jobs.fanout_pending(store.id)  # no done_job: the fan-out is still running
    await jobs.add_deliveries(store.id, targets, at=jobs.now(), chunk=3, done_job=job["id"])
    rows = await jobs.deliveries_of(store.id)
    assert sorted(r.inbox for r in rows) == sorted(i for i, _ in targets)  # each inbox once
    assert [r.host for r in rows] == sorted(r.host for r in rows)
    assert all(r.status == "pending" and r.attempts == 0 for r in rows)
    assert not await jobs.fanout_pending(store.id)
    states = await jobs.delivery_states([store.id])
    assert len(states) == 7 and {s["activity_id"] for s in states} == {store.id}


async def test_an_empty_fan_out_still_finishes_its_job(store):
    await jobs.queue_fanouts([[store.id]])
    (job,) = await jobs.claim("fanout_jobs", "w1")
    assert job["to_followers"] and job["activity_id"] == store.id
    await jobs.add_deliveries(store.id, [], at=jobs.now(), done_job=job["id"])
    assert not await jobs.fanout_pending(store.id) and await jobs.deliveries_of(store.id) == []


async def test_a_delayed_fan_out_is_not_claimed_before_its_time(store):
    await jobs.queue_fanout(store.id)
    await jobs.delay_fanout(store.id, jobs.now() + timedelta(minutes=5))
    assert await jobs.claim("fanout_jobs", "w1") == []
    assert len(await jobs.claim("fanout_jobs", "w1", at=jobs.now() + timedelta(minutes=6))) == 1


async def test_host_health_parks_after_failures_and_clears_on_success(store):
    at = jobs.now()
    park_for = {1: None, 2: None, 3: 60.0}.get
    assert await jobs.host_failed("h.test", "HTTP 503", at, park_for) == (1, None, None)
    assert await jobs.host_failed("h.test", "HTTP 503", at, park_for) == (2, None, None)
    failures, park, until = await jobs.host_failed("h.test", "x" * 3000, at, park_for)
    assert (failures, park) == (3, 60.0) and until == at + timedelta(seconds=60)
    row = await jobs.host("h.test")
    assert row.parked_until == until and len(row.last_error) == 2000
    assert await jobs.parked_hosts(at) == 1 and await jobs.parked_hosts(until + timedelta(seconds=1)) == 0
    await jobs.hosts_succeeded({"h.test", "never-failed.test"}, at)
    hosts = await jobs.hosts()
    assert list(hosts) == ["h.test"]  # a host that never failed has no row
    assert hosts["h.test"].consecutive_failures == 0 and hosts["h.test"].parked_until is None
    assert hosts["h.test"].last_success == at
    assert await jobs.parked_hosts(at) == 0


async def test_failed_deliveries_of_a_host_and_listing_by_status(store):
    await add_deliveries(store, 2, host="h.test")
    assert not await jobs.host_has_failed_deliveries("h.test")
    a, _ = await jobs.claim("deliveries", "w1")
    await jobs.finish("deliveries", [a["id"]], status="failed")
    assert await jobs.host_has_failed_deliveries("h.test")
    assert not await jobs.host_has_failed_deliveries("other.test")
    failed = await jobs.deliveries_in(["failed"])
    assert [d.id for d in failed] == [a["id"]] and failed[0].activity.uri == store.uri
    assert len(await jobs.deliveries_in(["running"])) == 1


async def test_depth_counts_open_rows_and_the_oldest_due(store):
    at = jobs.now()
    assert await jobs.depth("deliveries", at) == ({"pending": 0, "running": 0, "failed": 0}, None)
    await add_deliveries(store, 3, due=at - timedelta(seconds=30))
    await add_deliveries(store, 1, host="later.test", due=at + timedelta(hours=1))
    (first, *_) = await jobs.claim("deliveries", "w1", limit=1, at=at)
    await jobs.finish("deliveries", [first["id"]])
    counts, oldest = await jobs.depth("deliveries", at)
    assert counts == {"pending": 3, "running": 0, "failed": 0}  # done rows are not counted
    assert oldest == at - timedelta(seconds=30)
    with pytest.raises(ValueError):
        await jobs.depth("local_actors", at)


def test_the_lease_is_configured_at_start():
    before = jobs.LEASE
    try:
        jobs.configure(lease=7)
        assert jobs.LEASE == 7.0
    finally:
        jobs.configure(lease=before)


async def _pg_session(db_url: str):
    import asyncpg

    return await asyncpg.connect(db_url)


@pytest.mark.parametrize("db_kind", ["postgres"])  # row locks: SQLite has one writer at a time
async def test_renew_passes_over_a_row_locked_by_a_recording(db_url, store):
    """Renewing leases never waits for a row another transaction holds (a group being recorded):
    waiting could close a deadlock with that transaction (seen under load, PostgreSQL)."""
    await add_deliveries(store, 2)
    held, other = await jobs.claim("deliveries", "live", lease=30)
    session = await _pg_session(db_url)
    try:
        lock = session.transaction()
        await lock.start()
        await session.execute("SELECT id FROM deliveries WHERE id = $1 FOR UPDATE", held["id"])
        await asyncio.wait_for(jobs.renew("live", lease=600), timeout=30)  # before: waited for the lock
        await lock.rollback()
    finally:
        await session.close()
    rows = {r.id: r for r in await Delivery.filter(id__in=[held["id"], other["id"]])}
    assert rows[other["id"]].lease_until > jobs.now() + timedelta(seconds=500)
    assert rows[held["id"]].lease_until < jobs.now() + timedelta(seconds=31)  # passed over, renewed next beat


@pytest.mark.parametrize("db_kind", ["postgres"])
async def test_recording_outcomes_survives_a_deadlock(db_url, store):
    """PostgreSQL breaks a deadlock by rolling one transaction back: when that is the recording of
    a group of outcomes, it is run again, and no outcome is lost."""
    import asyncpg

    await Host.create(host="h.test", consecutive_failures=2)
    other = await _pg_session(db_url)
    try:
        # The node's connections check for a deadlock after waiting 1 s (PostgreSQL's default),
        # this session after 20 s: when the cycle closes within that second, PostgreSQL breaks it
        # by rolling the recording back. A slower machine may miss the second: then this session
        # is the one rolled back, and the test tries again.
        await other.execute("SET deadlock_timeout = '20s'")
        for _attempt in range(3):
            await add_deliveries(store, 1)
            (row,) = await jobs.claim("deliveries", "w", lease=60)
            tx = other.transaction()
            await tx.start()
            await other.execute("UPDATE hosts SET last_error = 'other' WHERE host = 'h.test'")  # the host row
            # the recording takes the delivery row, then waits for the host row ...
            recording = asyncio.create_task(jobs.record_deliveries(done=[row["id"]], at=jobs.now(), retries=[],
                                                                   failed=[], hosts_ok=["h.test"]))

            async def waiting_for_a_lock():
                return await other.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")

            await async_wait_until(waiting_for_a_lock, interval=0.005, message="the recording waiting for the host")
            try:  # ... and this session waits for the delivery row the recording holds: a deadlock
                await other.execute("UPDATE deliveries SET last_error = 'other' WHERE id = $1", row["id"])
            except asyncpg.exceptions.DeadlockDetectedError:  # this session was the one rolled back
                await tx.rollback()
                await asyncio.wait_for(recording, timeout=60)
                continue
            await tx.commit()
            await asyncio.wait_for(recording, timeout=60)  # before: raised DeadlockDetectedError
            break
        else:
            pytest.fail("the cycle never closed within PostgreSQL's 1 s deadlock check")
    finally:
        await other.close()
    done = await Delivery.get(id=row["id"])
    assert done.status == "done" and done.locked_by is None and done.last_error == "other"
    assert (await Host.get(host="h.test")).consecutive_failures == 0


def test_only_rollbacks_of_class_40_are_transient():
    class Rolled(Exception):
        sqlstate = "40P01"

    class Unique(Exception):
        sqlstate = "23505"

    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = Rolled()
    assert jobs._transient(Rolled()) and jobs._transient(wrapped)
    assert not jobs._transient(Unique()) and not jobs._transient(ValueError("40P01"))
