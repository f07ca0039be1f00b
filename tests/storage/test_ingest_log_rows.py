"""The ingest log's storage: buffered entries written in one go, long values cut, the table trimmed
to the newest rows (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from node.storage import db, ingest_log


@pytest.fixture
async def log_store(db_url):
    await db.migrate(db_url)
    await db.init(db_url, pool_max=4)
    ingest_log.configure(keep=10)
    yield
    ingest_log.configure(keep=1000)
    await db.close()


def add(n: int, **kw) -> None:
    for i in range(n):
        ingest_log.record(status=401, reason="signature", activity_id=f"https://x.test/activities/{i}",
                          type="Create", actor="https://X.test:8443/users/a", **kw)


async def test_entries_wait_in_memory_until_flushed_and_are_cut_to_size(log_store):
    add(1, detail="d" * 1000)
    assert ingest_log.pending() == 1 and await ingest_log.count() == 0  # record() does no I/O
    assert await ingest_log.flush() == 1 and ingest_log.pending() == 0
    row, = await ingest_log.recent()
    assert (row.status, row.reason, row.host, row.type) == (401, "signature", "x.test", "Create")
    assert len(row.detail) == 300 and row.detail.endswith("…")


async def test_the_table_keeps_the_newest_rows(log_store):
    add(4)
    await ingest_log.flush()
    assert await ingest_log.count() == 4  # fewer than `keep`: all stay
    add(25)
    assert await ingest_log.flush() == 10  # the buffer itself holds at most `keep`: the newest
    rows = await ingest_log.recent(limit=100)
    assert len(rows) == 10  # 14 written, trimmed to 10 in the same flush: the first 4 are gone
    assert [r.activity_id for r in rows] == [f"https://x.test/activities/{i}" for i in range(24, 14, -1)]
    await ingest_log.trim(keep=3)
    assert [r.activity_id for r in await ingest_log.recent()] == [f"https://x.test/activities/{i}"
                                                                  for i in (24, 23, 22)]
    assert await ingest_log.recent(reason="blocked") == []


async def test_entries_of_work_that_failed_are_dropped(log_store):
    with pytest.raises(RuntimeError), ingest_log.held():
        add(2)
        raise RuntimeError("rolled back")
    assert ingest_log.pending() == 0
    with ingest_log.held():
        add(1)
        assert ingest_log.pending() == 0  # held until the block ends
    assert ingest_log.pending() == 1
    await ingest_log.flush()
