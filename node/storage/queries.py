"""Named queries outside the queue (the queue's are in :mod:`node.storage.jobs`).

Every raw SQL statement of the node is in ``node/storage/``; callers above use
these functions or the ORM models. Our SQL is written with ``?`` placeholders and
passed through :func:`node.storage.jobs._sql` for PostgreSQL.
"""

from __future__ import annotations

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from node.storage import db
from node.storage.jobs import _sql
from node.storage.models import Case

# --- health and backup --------------------------------------------------------------------------


async def ping(conn=None) -> None:
    """One round trip to the database (raises if it does not answer)."""
    await (conn or db.conn()).execute_query("SELECT 1")


async def applied_migrations(conn=None) -> list[str]:
    """The migrations applied to the database (aerich's table), oldest first."""
    rows = await (conn or db.conn()).execute_query_dict(
        "SELECT version FROM aerich WHERE app = 'models' ORDER BY id")
    return [r["version"] for r in rows]


async def snapshot(conn) -> None:
    """Make the transaction ``conn`` read one snapshot of the database (PostgreSQL's ``REPEATABLE
    READ``; a SQLite transaction already does). Call it first in the transaction."""
    if db.is_postgres():
        await conn.execute_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


async def reset_sequence(conn, table: str, column: str) -> None:
    """PostgreSQL: move the serial sequence of ``table.column`` past its largest value (rows were
    inserted with their ids)."""
    await conn.execute_query(
        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'), "
        f"COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)")


# --- Clearing House: cases and search -----------------------------------------------------------


async def current_cases_in(windows: list[tuple[str, str, str]]) -> list[Case]:
    """Cases not merged away in any of ``windows`` (country, first date, last date; ISO dates).

    The same rows as ``Case.filter(Q(country=…, incident_date__gte=…, incident_date__lte=…) | …,
    merged_into=None)``, without the ORM's cost of building a query of many OR terms.
    """
    if not windows:
        return []
    sql = _sql("SELECT * FROM cases WHERE merged_into IS NULL AND ("
               + " OR ".join(["(country = ? AND incident_date >= ? AND incident_date <= ?)"] * len(windows))
               + ")")
    _, found = await db.conn().execute_query(sql, [v for window in windows for v in window])
    return [Case._init_from_db(**dict(record)) for record in found]


def with_list_item(query: QuerySet, column: str, code: str) -> QuerySet:
    """Rows of ``query`` whose JSON list ``column`` holds the string ``code`` (SQLite and PostgreSQL:
    the list as text, ``LIKE '%"code"%'``)."""
    model = query.model
    if column not in model._meta.fields_db_projection:
        raise ValueError(f"{model.__name__} has no column {column!r}")
    name = f"_{column}_text"
    text = RawSQL(f'CAST("{model._meta.db_table}"."{column}" AS TEXT)')
    return query.annotate(**{name: text}).filter(**{f"{name}__contains": f'"{code}"'})
