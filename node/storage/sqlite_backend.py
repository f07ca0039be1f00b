"""Tortoise's SQLite client, with every transaction opened as ``BEGIN IMMEDIATE``.

Tortoise opens transactions with a plain (deferred) ``BEGIN``. In WAL mode a deferred
transaction that reads and then writes cannot wait for another process's writer: once
that writer commits, the reader's snapshot is stale and SQLite answers "database is
locked" at once, without calling the busy handler. The server, the workers and the
command line share one database file, so ``update_or_create`` (a SELECT then an UPDATE
in one transaction) failed whenever the server wrote in between. ``BEGIN IMMEDIATE``
takes the write lock first, waiting up to ``busy_timeout`` for it, so a transaction
never has to upgrade. Within one process tortoise already serialises transactions on
its single connection, so nothing is lost to the earlier lock.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> SqliteTransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict) -> type[SqliteClient]:
    return ImmediateSqliteClient
