"""Named queries of node/storage/queries.py on SQLite and PostgreSQL."""

from datetime import UTC, datetime

import pytest
from tortoise.transactions import in_transaction

from node.storage import db, queries
from node.storage.models import Case, IndexedAlert, Member


@pytest.fixture
async def store(db_url):
    await db.migrate(db_url)
    await db.init(db_url, pool_max=4)
    yield db_url
    await db.close()


async def test_ping_and_applied_migrations(store):
    await queries.ping()
    applied = await queries.applied_migrations()
    shipped = sorted(p.name for p in (db.MIGRATIONS / db.dialect(store) / "models").glob("[0-9]*_*.py"))
    assert applied == sorted(shipped, key=lambda name: int(name.split("_", 1)[0]))
    async with in_transaction() as conn:
        await queries.snapshot(conn)
        assert await queries.applied_migrations(conn) == applied


async def test_reset_sequence_moves_past_inserted_ids(store):
    await Member.create(id=41, actor_uri="https://m.test/u", handle="u@m.test", name="M")
    if db.is_postgres():
        async with in_transaction() as conn:
            await queries.reset_sequence(conn, "members", "id")
    member = await Member.create(actor_uri="https://n.test/u", handle="u@n.test", name="N")
    assert member.id == 42


async def test_current_cases_in_windows(store):
    for case_id, country, day, merged in (("c1", "TR", "2026-11-01", None), ("c2", "TR", "2026-11-20", None),
                                          ("c3", "TR", "2026-11-02", "c1"), ("c4", "BR", "2026-11-01", None)):
        await Case.create(id=case_id, title=case_id, country=country, incident_date=day, merged_into=merged)
    found = await queries.current_cases_in([("TR", "2026-10-25", "2026-11-05"), ("BR", "2026-11-01", "2026-11-01")])
    assert sorted(c.id for c in found) == ["c1", "c4"]  # c3 was merged away, c2 is outside the window
    assert all(isinstance(c, Case) for c in found) and {c.country for c in found} == {"TR", "BR"}
    assert await queries.current_cases_in([]) == []


async def test_with_list_item_matches_whole_codes(store):
    member = await Member.create(actor_uri="https://m.test/u", handle="u@m.test", name="M")
    for i, cats in enumerate((["detention"], ["detention_long", "killing"], [])):
        await IndexedAlert.create(uri=f"https://m.test/a/{i}", member=member, alert_type="alert", headline=f"h{i}",
                                  language="en", country="TR", incident_date="2026-11-01", categories=cats,
                                  note={}, published=datetime(2026, 11, 1, tzinfo=UTC))
    hits = await queries.with_list_item(IndexedAlert.all(), "categories", "detention").values_list("uri", flat=True)
    assert hits == ["https://m.test/a/0"]
    both = queries.with_list_item(queries.with_list_item(IndexedAlert.all(), "categories", "killing"),
                                  "act_types", "arrested")
    assert await both.count() == 0
    with pytest.raises(ValueError):
        queries.with_list_item(IndexedAlert.all(), "no_such_column", "x")
