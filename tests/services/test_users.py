"""node.services.users: staff accounts, called as ``aan user`` and the admin pages call them (both databases)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from conftest import make_node_config

from node import errors
from node.cli._base import open_node
from node.services import users
from node.storage.models import Draft, User, WebSession

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def node(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path)
    async with open_node(config) as opened:
        yield opened


async def session(user: User, *, idle: timedelta = timedelta(0)) -> WebSession:
    now = datetime.now(UTC)
    return await WebSession.create(user=user, key_hash=secrets.token_hex(32), created_at=now - idle,
                                   last_used_at=now - idle)


async def test_add_hashes_the_password_and_lists_by_name(node):
    await users.add("zoe", PASSWORD, "admin")
    bo = await users.add("bo", PASSWORD)
    assert bo.role == "editor" and bo.password_hash.startswith("scrypt$") and PASSWORD not in bo.password_hash
    assert users.verify_password(PASSWORD, bo.password_hash) and not users.verify_password("wrong one!", bo.password_hash)
    assert [(u.username, u.role) for u in await users.listing()] == [("bo", "editor"), ("zoe", "admin")]
    assert (await users.find("bo")).id == bo.id == (await users.get(bo.id)).id


@pytest.mark.parametrize("name, password, role, field", [
    ("bad name", PASSWORD, "editor", "username"),
    ("", PASSWORD, "editor", "username"),
    ("amina", PASSWORD, "owner", "role"),
    ("amina", "short", "editor", "password"),
    ("amina-long", "amina-long", "editor", "password"),
])
async def test_add_refuses_bad_input_naming_the_field_and_creates_nothing(node, name, password, role, field):
    with pytest.raises(errors.Invalid) as caught:
        await users.add(name, password, role)
    assert list(caught.value.fields) == [field]
    assert await User.all().count() == 0


async def test_add_refuses_a_taken_name(node):
    await users.add("bo", PASSWORD)
    with pytest.raises(errors.Conflict, match="already exists"):
        await users.add("bo", "another long password")
    assert users.verify_password(PASSWORD, (await users.find("bo")).password_hash)


async def test_unknown_users_are_not_found(node):
    with pytest.raises(errors.NotFound):
        await users.find("nobody")
    with pytest.raises(errors.NotFound):
        await users.get(42)
    with pytest.raises(errors.NotFound):
        await users.get(2**40)


async def test_set_password_ends_every_session_and_unlocks(node):
    bo = await users.add("bo", PASSWORD)
    await session(bo)
    await User.filter(id=bo.id).update(failed_logins=7, locked_until=datetime.now(UTC) + timedelta(hours=1))
    bo = await users.find("bo")
    with pytest.raises(errors.Invalid) as caught:
        await users.set_password(bo, "short")
    assert "password" in caught.value.fields and await WebSession.filter(user_id=bo.id).count() == 1
    await users.set_password(bo, "a brand new password")
    stored = await users.find("bo")
    assert users.verify_password("a brand new password", stored.password_hash)
    assert stored.session_epoch == 1 and stored.failed_logins == 0 and stored.locked_until is None
    assert await WebSession.filter(user_id=bo.id).count() == 0


async def test_reset_password_returns_a_working_generated_password(node):
    bo = await users.add("bo", PASSWORD)
    await session(bo)
    password = await users.reset_password(bo)
    assert len(password) >= 20 and password != PASSWORD
    assert users.verify_password(password, (await users.find("bo")).password_hash)
    assert await WebSession.filter(user_id=bo.id).count() == 0


async def test_set_role_keeps_the_last_administrator(node):
    amina = await users.add("amina", PASSWORD, "admin")
    bo = await users.add("bo", PASSWORD)
    with pytest.raises(errors.Conflict):
        await users.set_role(amina, "editor")
    with pytest.raises(errors.Invalid):
        await users.set_role(bo, "owner")
    assert (await users.find("amina")).role == "admin" and (await users.find("bo")).role == "editor"
    await users.set_role(bo, "admin")
    await users.set_role(amina, "editor")  # bo is an administrator now
    assert [(u.username, u.role) for u in await users.listing()] == [("amina", "editor"), ("bo", "admin")]


async def test_remove_keeps_drafts_and_ends_sessions(node):
    amina = await users.add("amina", PASSWORD, "admin")
    bo = await users.add("bo", PASSWORD)
    await Draft.create(id="d1", author=bo, data={"headline": "kept"})
    await session(bo)
    await users.remove(bo, acting=amina)
    assert not await User.filter(username="bo").exists()
    draft = await Draft.get(id="d1")
    assert draft.author_id is None and draft.data == {"headline": "kept"}
    assert await WebSession.all().count() == 0


async def test_in_the_web_interface_nobody_removes_themselves_or_the_last_admin(node):
    amina = await users.add("amina", PASSWORD, "admin")
    bo = await users.add("bo", PASSWORD)
    with pytest.raises(errors.Forbidden):
        await users.remove(bo, acting=bo)
    with pytest.raises(errors.Conflict):
        await users.remove(amina, acting=bo)
    assert await User.all().count() == 2
    # the operator at the command line (no signed-in user) can
    await users.remove(await users.find("amina"))
    assert [u.username for u in await users.listing()] == ["bo"]


async def test_log_out_everywhere_ends_every_session_of_that_user_only(node):
    bo = await users.add("bo", PASSWORD)
    cy = await users.add("cy", PASSWORD)
    await session(bo)
    await session(bo)
    kept = await session(cy)
    await users.log_out_everywhere(bo)
    assert bo.session_epoch == 1 and (await users.find("bo")).session_epoch == 1
    assert [s.id for s in await WebSession.all()] == [kept.id]


async def test_open_sessions_and_ending_one_of_ones_own(node):
    bo = await users.add("bo", PASSWORD)
    cy = await users.add("cy", PASSWORD)
    older = await session(bo, idle=timedelta(hours=1))
    newer = await session(bo)
    await session(bo, idle=timedelta(hours=13))  # idle longer than 12 hours: over
    theirs = await session(cy)
    assert [s.id for s in await users.open_sessions(bo, idle_hours=12)] == [newer.id, older.id]
    assert [s.id for s in await users.open_sessions(bo, idle_hours=0.5)] == [newer.id]
    assert not await users.end_session_by_id(bo, theirs.id)  # not bo's
    assert not await users.end_session_by_id(bo, 2**40)
    assert await users.end_session_by_id(bo, older.id)
    assert not await users.end_session_by_id(bo, older.id)  # already over
    assert [s.id for s in await users.open_sessions(bo)] == [newer.id]
    assert await WebSession.filter(id=theirs.id).exists()


async def test_change_password_needs_the_current_one_and_the_same_new_one_twice(node):
    bo = await users.add("bo", PASSWORD)
    await session(bo)
    with pytest.raises(errors.Forbidden):
        await users.change_password(bo, "not my password", "a brand new password", again="a brand new password")
    with pytest.raises(errors.Invalid) as caught:
        await users.change_password(bo, PASSWORD, "a brand new password", again="a brand new passwort")
    assert list(caught.value.fields) == ["new_again"]
    with pytest.raises(errors.Invalid) as caught:
        await users.change_password(bo, PASSWORD, "short", again="short")
    assert list(caught.value.fields) == ["password"]
    stored = await users.find("bo")
    assert users.verify_password(PASSWORD, stored.password_hash) and await WebSession.all().count() == 1
    await users.change_password(bo, PASSWORD, "a brand new password", again="a brand new password")
    assert users.verify_password("a brand new password", (await users.find("bo")).password_hash)
    assert await WebSession.all().count() == 0
