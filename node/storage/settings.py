"""Node settings kept in ``Setting`` rows (composer languages, time zone, profile header).

Values are wrapped (``{"v": value}``): a bare JSON string would not survive the JSON column.
"""

from __future__ import annotations

from typing import Any

from node.storage.models import Setting


async def get_setting(key: str, default: Any = None) -> Any:
    row = await Setting.filter(key=key).first()
    if row is None or not isinstance(row.value, dict) or "v" not in row.value:
        return default
    return row.value["v"]


async def set_setting(key: str, value: Any) -> None:
    """Values are wrapped (``{"v": value}``): a bare JSON string would not survive the JSON column."""
    await Setting.update_or_create(defaults={"value": {"v": value}}, key=key)
