"""Work queued by another process wakes the workers at once (node.storage.wake).

Every process here runs with ``AAN_QUEUE_POLL=600``: an idle worker looks at its queues again
only after ten minutes unless it is woken, and every wait below gives up after one. So each step
that crosses processes — ``aan alert publish`` / ``aan member add`` / ``aan follow`` queueing a
delivery for ``aan serve``, an ``aan serve --workers-in-process 0`` storing an inbox item for a
separate ``aan worker`` — can only finish because the wake-up arrived (a Unix datagram socket in
the data directory on SQLite, LISTEN/NOTIFY on PostgreSQL).
"""

import asyncio
import os
import socket

import pytest
from conftest import PG_ADMIN_URL, async_wait_until, wait_until
from test_clearinghouse import alert_file, follow, members, received
from test_ops_scale import Worker

from node.storage import wake

SLOW_POLL = {"AAN_QUEUE_POLL": "600"}


def stale_socket(directory) -> str:
    """A socket file nobody listens on: what a killed process leaves behind."""
    directory.mkdir(mode=0o700, exist_ok=True)
    path = directory / "999999-dead.sock"
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        sock.bind(f"/proc/self/fd/{fd}/{path.name}")  # however long the directory's path
    finally:
        sock.close()
        os.close(fd)
    assert path.exists()
    return path


def test_alerts_cross_processes_without_waiting_for_the_poll(db_kind, database_factory, nodes, tmp_path):
    """Member (`aan serve`) -> Clearing House (`aan serve --workers-in-process 0` + `aan worker`)
    -> reader, every hop started by another process than the one whose worker takes it."""
    ch = nodes("ch", database_factory(db_kind), username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http", "--db", ch.db_url)
    ch.start("--workers-in-process", "0", env=SLOW_POLL)
    worker = Worker(ch.data_dir, tmp_path / "ch-worker.log", env=SLOW_POLL).wait_ready()
    try:
        member = nodes("member", database_factory(db_kind), username="alerts").init()
        member.start(env=SLOW_POLL)
        reader = nodes("reader", username="reader").init().start(env=SLOW_POLL)
        stale = [stale_socket(member.data_dir / "wake"), stale_socket(ch.data_dir / "wake")]

        # `aan member add` queues the Follow; the worker sends it; the member's Accept lands in the
        # web process, which wakes the worker again
        ch.cli("member", "add", member.handle)
        wait_until(lambda: members(ch).get(member.actor, {}).get("state") == "active", message="member active")
        follow(reader, ch.handle)  # `aan follow` wakes the reader's serve; its Follow wakes the CH's worker

        first = member.cli("alert", "publish", alert_file(tmp_path, "a", headline="Editor detained in Izmir",
                                                          target="Ayse Yilmaz")).stdout.strip()
        got = wait_until(lambda: received(reader).get(first), message="the boost at the reader")
        assert got["via"] == ch.actor and got["actor"] == member.actor
        if db_kind == "sqlite":  # a stale socket did not stop the wake-ups; the sender removed it
            assert not any(path.exists() for path in stale)
            assert any(p.suffix == ".sock" for p in (member.data_dir / "wake").iterdir())  # the live one
        member.cli("alert", "delete", first)
        wait_until(lambda: first not in received(reader), message="the deletion at the reader")
    finally:
        worker.kill()


def _wake_backends(db_url: str) -> list[int]:
    import asyncpg

    async def run():
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
                                    db_url.rsplit("/", 1)[1], wake.APPLICATION)
            return [r["pid"] for r in rows]
        finally:
            await conn.close()

    return asyncio.run(run())


def _terminate(pid: int) -> None:
    import asyncpg

    async def run():
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await conn.close()

    asyncio.run(run())


def test_a_lost_listen_connection_comes_back(database_factory, nodes, tmp_path):
    """PostgreSQL: the server drops the worker's LISTEN connection; it reconnects and is woken again."""
    member = nodes("member", database_factory("postgres"), username="alerts").init()
    member.start(env=SLOW_POLL)
    reader = nodes("reader", username="reader").init().start(env=SLOW_POLL)
    (before,) = wait_until(lambda: _wake_backends(member.db_url), message="the member's LISTEN connection")
    _terminate(before)
    wait_until(lambda: (pids := _wake_backends(member.db_url)) and before not in pids,
               message="a new LISTEN connection")
    follow(reader, member.handle)  # the member's own inbox: woken in process
    first = member.cli("alert", "publish", alert_file(tmp_path, "a", headline="Editor detained in Izmir",
                                                      target="Ayse Yilmaz")).stdout.strip()
    wait_until(lambda: received(reader).get(first), message="the alert at the reader")
    assert "lost the wake-up connection" in member.log.read_text()


# --- the socket transport on its own ------------------------------------------------------------------

async def test_sockets_wake_every_listener_but_the_sender(tmp_path):
    directory = tmp_path / ("x" * 90) / "wake"  # longer than a socket address may be: reached by descriptor
    directory.parent.mkdir()
    first, second, sender = wake.SocketWake(directory), wake.SocketWake(directory), wake.SocketWake(directory)
    woken = {"first": 0, "second": 0}
    try:
        await first.listen(lambda: woken.__setitem__("first", woken["first"] + 1))
        await second.listen(lambda: woken.__setitem__("second", woken["second"] + 1))
        assert oct(directory.stat().st_mode & 0o777) == "0o700"
        assert len(list(directory.iterdir())) == 2
        stale = stale_socket(directory)
        sender.notify()
        await async_wait_until(lambda: woken["first"] and woken["second"], message="both listeners woken")
        assert not stale.exists()
        first.notify()  # a listener does not wake itself (its process already knows)
        await async_wait_until(lambda: woken["second"] == 2, message="the other listener woken")
        assert woken["first"] == 1
    finally:
        for one in (first, second, sender):
            await one.close()
    assert list(directory.iterdir()) == []  # each listener removed its socket


async def test_sending_with_no_listener_is_harmless(tmp_path):
    sender = wake.SocketWake(tmp_path / "wake")
    sender.notify()  # no directory yet
    (tmp_path / "wake").mkdir()
    (tmp_path / "wake" / "notes.txt").write_text("not a socket")
    sender.notify()
    await sender.close()
    assert os.listdir(tmp_path / "wake") == ["notes.txt"]


@pytest.mark.parametrize("db_kind", ["postgres"])
async def test_notify_reaches_a_listener_after_its_connection_was_dropped(node):
    """The in-process view of the same: the listener reconnects and a NOTIFY sent after wakes it."""
    listener = wake.for_database(node.config.database_url, node.config.data_dir)
    listener.RETRY = (0.05,)
    woken = asyncio.Event()
    try:
        await listener.listen(woken.set)
        await asyncio.wait_for(listener.connected.wait(), 60)
        first = await listener.listener_pid()
        woken.clear()
        node.wake.notify()
        await asyncio.wait_for(woken.wait(), 60)

        await asyncio.to_thread(_terminate, first)
        await async_wait_until(lambda: listener.connected.is_set() and listener._conn is not None
                               and listener._conn.get_server_pid() != first, message="reconnected")
        woken.clear()
        node.wake.notify()
        await node.wake.flush()
        await asyncio.wait_for(woken.wait(), 60)
    finally:
        await listener.close()
