"""Two processes writing to one database at once (the server, a worker and the command line do),
on SQLite and PostgreSQL: a read-then-write transaction waits its turn instead of failing with
"database is locked" (SQLite transactions begin IMMEDIATE, node/storage/sqlite_backend.py)."""

import asyncio
import subprocess
import sys
from datetime import UTC, datetime

from node.storage import db
from node.storage.models import RemoteActor

URI = "https://peer.example/users/alerts"

UPSERTS = """
import asyncio, sys
from datetime import datetime, timezone
from node.storage import db
from node.storage.models import RemoteActor

async def main(url, who, rounds):
    await db.init(url, pool_max=2)
    for n in range(rounds):
        await RemoteActor.update_or_create(
            defaults={"inbox": f"{who}-{n}", "key_id": f"{who}-{n}", "public_key_pem": "-",
                      "fetched_at": datetime.now(timezone.utc)}, uri=sys.argv[4])
    await db.close()

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


def test_two_processes_upsert_one_row_without_a_lock_error(db_url):
    async def prepare():
        await db.migrate(db_url)
        await db.init(db_url, pool_max=2)
        await RemoteActor.create(uri=URI, key_id="k", public_key_pem="-", inbox="start",
                                 fetched_at=datetime.now(UTC))
        await db.close()

    asyncio.run(prepare())
    rounds = 300
    writers = [subprocess.Popen([sys.executable, "-c", UPSERTS, db_url, who, str(rounds), URI],
                                stderr=subprocess.PIPE, text=True) for who in ("one", "two")]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err[-2000:]

    async def check():
        await db.init(db_url, pool_max=2)
        rows = await RemoteActor.filter(uri=URI).values_list("inbox", flat=True)
        await db.close()
        return rows

    rows = asyncio.run(check())
    assert len(rows) == 1 and rows[0] in (f"one-{rounds - 1}", f"two-{rounds - 1}")
