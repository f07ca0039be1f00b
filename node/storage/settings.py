"""Node settings kept in ``Setting`` rows, in one encoding.

A value is stored wrapped, ``{"v": value}``: any JSON value (a bare string too, which
tortoise's JSON column would read back as JSON text) survives the round trip the same
on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from node.storage.models import Setting

# Settings written bare (not wrapped) before migration 5 (setting_encoding), which wraps them.
BARE_BEFORE_MIGRATION_5 = ("federation_mode", "domain_blocks_version", "actors_version")


def _unwrap(stored: Any, default: Any) -> Any:
    if not isinstance(stored, dict) or "v" not in stored:
        return default
    return stored["v"]


async def get_setting(key: str, default: Any = None, *, conn=None) -> Any:
    """The value of setting ``key``, or ``default`` when there is none."""
    row = await Setting.filter(key=key).using_db(conn).first()
    return default if row is None else _unwrap(row.value, default)


async def get_settings(keys: list[str]) -> dict[str, Any]:
    """The values of the settings among ``keys`` that exist, by key (one query)."""
    return {key: _unwrap(value, None) for key, value in
            await Setting.filter(key__in=keys).values_list("key", "value")}


async def settings_starting(prefix: str) -> dict[str, Any]:
    """Every setting whose key starts with ``prefix``, by key."""
    return {key: _unwrap(value, None) for key, value in
            await Setting.filter(key__startswith=prefix).values_list("key", "value")}


async def set_setting(key: str, value: Any, *, conn=None) -> None:
    """Store ``value`` (any JSON value) as setting ``key`` (in the transaction ``conn``, if given)."""
    row = await Setting.filter(key=key).using_db(conn).first() or Setting(key=key)
    row.value = {"v": value}
    await row.save(using_db=conn)


async def delete_setting(key: str) -> None:
    await Setting.filter(key=key).delete()


async def bump(key: str, *, conn=None) -> int:
    """Add one to the counter setting ``key`` (0 when there is none yet); return the new value.

    Other processes poll such counters to know when to reload what they hold.
    """
    current = await get_setting(key, 0, conn=conn)
    value = (current if isinstance(current, int) and not isinstance(current, bool) else 0) + 1
    await set_setting(key, value, conn=conn)
    return value


def upgrade_row(key: str, value: Any) -> Any:
    """The stored value of a setting row from before migration 5 (an older backup), in today's encoding."""
    if key in BARE_BEFORE_MIGRATION_5 and not (isinstance(value, dict) and "v" in value):
        return {"v": value}
    return value
