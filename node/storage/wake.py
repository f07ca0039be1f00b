r"""Cross-process wake-ups: a process that queued work tells the worker processes to look now.

A worker sleeps while its queues are empty. Work queued in its own process wakes it through
an ``asyncio.Event`` (:meth:`node.service.Node.poke`); work queued by another process
(``aan alert publish``, the web interface or the inbox of an ``aan serve --workers-in-process 0``,
another ``aan worker`` whose fan-out made deliveries others can share) wakes it through this
module, after the work's transaction committed, so a woken worker's claim sees the rows. A
wake-up carries nothing: it only says "look at the queues now". A lost one costs latency, never
work: every worker still polls its queues (``AAN_QUEUE_POLL``).

* **SQLite** (every process on one machine, one data directory): each listening process binds a
  Unix datagram socket ``<data dir>/wake/<pid>-<random>.sock`` (directory 0700, like the rest of
  the data directory). A sender sends one empty datagram to every other socket in that directory,
  without blocking; a socket nobody listens on any more (a process that was killed) answers
  ``ECONNREFUSED`` and is removed; a full receive buffer means a wake-up is already waiting.
* **PostgreSQL** (workers may run on other machines): each listening process holds one dedicated
  connection that ``LISTEN``\s on :data:`CHANNEL`, and reconnects when it is lost (and then looks
  at the queues once, for what it may have missed); a sender runs ``SELECT pg_notify(...)`` on
  the pool, with its own token as the payload so that it does not wake itself.

The first wake-up is sent at once; further ones within :attr:`Wake.MIN_GAP` seconds are sent as
one at the end of that gap, so a busy process sends at most 1 / MIN_GAP a second however often
it queues work (the workers it wakes find the rows of all of them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path

from node.storage import db

log = logging.getLogger("aan.wake")

CHANNEL = "aan_wake"
APPLICATION = "aan-wake"  # the LISTEN connection's application_name (pg_stat_activity)
SOCKET_DIR = "wake"
SUFFIX = ".sock"
# A datagram socket path must fit in sun_path (108 bytes on Linux, with its NUL). A longer one
# is reached through the directory's descriptor (/proc/self/fd/N/name), which is short.
_MAX_PATH = 100


def for_database(database_url: str, data_dir: Path | str) -> Wake:
    """The wake-up transport of a node: PostgreSQL's LISTEN/NOTIFY, or sockets in ``data_dir``."""
    if db.dialect(database_url) == "postgres":
        return PostgresWake(database_url)
    return SocketWake(Path(data_dir) / SOCKET_DIR)


class Wake:
    """Send wake-ups to the other listening processes, and listen for them."""

    MIN_GAP = 0.02  # seconds: wake-ups asked for sooner after the last one sent go as one, at its end

    def __init__(self) -> None:
        self._last = float("-inf")
        self._later: asyncio.TimerHandle | None = None

    def notify(self) -> None:
        """Wake every other listening process (call it after the work's transaction committed)."""
        if self._later is not None:
            return  # one is due at the end of the gap; it covers this one
        wait = self._last + self.MIN_GAP - time.monotonic()
        if wait > 0:
            self._later = asyncio.get_running_loop().call_later(wait, self._fire)
            return
        self._fire()

    def _fire(self) -> None:
        self._later = None
        self._last = time.monotonic()
        self._send()

    def _send(self) -> None:
        raise NotImplementedError

    async def flush(self) -> None:
        """Send what is asked for now and wait until it is sent (before closing the database)."""
        if self._later is not None:
            self._later.cancel()
            self._fire()

    async def listen(self, on_wake: Callable[[], None]) -> None:
        """Call ``on_wake()`` (in the event loop) whenever another process sends a wake-up."""
        raise NotImplementedError

    async def close(self) -> None:
        """Send what is asked for, stop listening and sending; idempotent."""
        await self.flush()


class SocketWake(Wake):
    def __init__(self, directory: Path):
        super().__init__()
        self.directory = directory
        self._dirfd: int | None = None
        self._sender: socket.socket | None = None
        self._listener: socket.socket | None = None
        self._name: str | None = None

    def _address(self, name: str) -> str:
        path = str(self.directory / name)
        if len(path) <= _MAX_PATH:
            return path
        if self._dirfd is None:
            self._dirfd = os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        return f"/proc/self/fd/{self._dirfd}/{name}"

    def _send(self) -> None:
        try:
            names = [e.name for e in os.scandir(self.directory) if e.name.endswith(SUFFIX)]
        except FileNotFoundError:
            return  # no process ever listened here
        except OSError as exc:
            log.warning("cannot list wake-up sockets in %s: %s", self.directory, exc)
            return
        if self._sender is None:
            self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sender.setblocking(False)
        for name in names:
            if name == self._name:
                continue  # our own process woke itself already
            try:
                self._sender.sendto(b"", self._address(name))
            except (ConnectionRefusedError, FileNotFoundError):
                # Nobody listens on it any more (its process was killed): remove it. A socket that
                # is still bound never refuses, so a live listener's file is never removed here.
                with contextlib.suppress(OSError):
                    os.unlink(self.directory / name)
            except (BlockingIOError, InterruptedError):
                pass  # its buffer is full: a wake-up is already waiting there
            except OSError as exc:
                log.debug("wake-up to %s failed: %s", name, exc)

    async def listen(self, on_wake: Callable[[], None]) -> None:
        if self._listener is not None:
            return
        try:
            self.directory.mkdir(mode=0o700, parents=False, exist_ok=True)
            name = f"{os.getpid()}-{secrets.token_hex(4)}{SUFFIX}"
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            try:
                sock.setblocking(False)
                sock.bind(self._address(name))
                os.chmod(self.directory / name, 0o600)
            except OSError:
                sock.close()
                raise
        except OSError as exc:
            log.warning("cannot listen for wake-ups in %s (%s): work queued by other processes waits "
                        "for the next poll", self.directory, exc)
            return
        self._listener, self._name = sock, name

        def readable() -> None:
            try:
                while True:
                    sock.recv(16)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                return
            on_wake()

        asyncio.get_running_loop().add_reader(sock.fileno(), readable)

    async def close(self) -> None:
        await self.flush()
        if self._listener is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._listener.fileno())
            self._listener.close()
            if self._name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self.directory / self._name)
            self._listener = self._name = None
        if self._sender is not None:
            self._sender.close()
            self._sender = None
        if self._dirfd is not None:
            os.close(self._dirfd)
            self._dirfd = None


class PostgresWake(Wake):
    # Seconds between reconnection attempts of a lost LISTEN connection (doubling up to the last),
    # and between checks that an idle one still answers.
    RETRY = (0.5, 1.0, 2.0, 5.0, 10.0)
    CHECK = 30.0

    def __init__(self, database_url: str):
        super().__init__()
        self.dsn = db.asyncpg_dsn(database_url)
        self.token = secrets.token_hex(8)  # the payload of our NOTIFYs: our own listener ignores them
        self._sending: asyncio.Task | None = None
        self._again = False
        self._listening: asyncio.Task | None = None
        self._conn = None
        self.connected = asyncio.Event()  # set while the LISTEN connection is up (tests wait on it)

    def _send(self) -> None:
        if self._sending is not None and not self._sending.done():
            self._again = True  # sent once more when the current one is through
            return
        self._again = False
        self._sending = asyncio.get_running_loop().create_task(self._notify(), name="wake-notify")

    async def _notify(self) -> None:
        while True:
            try:
                await db.conn().execute_query("SELECT pg_notify($1, $2)", [CHANNEL, self.token])
            except Exception as exc:  # noqa: BLE001 - a lost wake-up only waits for the poll
                log.warning("sending a wake-up failed: %s", exc)
            if not self._again:
                return
            self._again = False

    async def flush(self) -> None:
        await super().flush()
        if self._sending is not None:
            with contextlib.suppress(Exception):
                await self._sending

    async def listen(self, on_wake: Callable[[], None]) -> None:
        if self._listening is None:
            self._listening = asyncio.get_running_loop().create_task(self._listen(on_wake), name="wake-listen")

    async def _listen(self, on_wake: Callable[[], None]) -> None:
        import asyncpg

        attempt = 0
        while True:
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self.dsn, timeout=10, server_settings={"application_name": APPLICATION})
            except (OSError, asyncpg.PostgresError) as exc:
                delay = self.RETRY[min(attempt, len(self.RETRY) - 1)]
                attempt += 1
                log.warning("cannot listen for wake-ups (%s); trying again in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            self._conn = conn
            try:
                conn.add_termination_listener(lambda _conn, lost=lost: lost.set())
                await conn.add_listener(CHANNEL, self._on_notify(on_wake))
                if attempt:
                    log.warning("listening for wake-ups again")
                attempt = 0
                self.connected.set()
                on_wake()  # look once: a wake-up may have been sent while we were not listening
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), timeout=self.CHECK)
                    if not lost.is_set():
                        try:  # a connection that died without a word fails here
                            await conn.fetchval("SELECT 1", timeout=10)
                        except (OSError, asyncpg.PostgresError,
                                asyncpg.InterfaceError) as exc:
                            log.warning("the wake-up connection does not answer: %s", exc)
                            lost.set()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("the wake-up connection failed: %s", exc)
            finally:
                self.connected.clear()
                self._conn = None
                with contextlib.suppress(Exception):
                    conn.terminate()
            log.warning("lost the wake-up connection; reconnecting")
            await asyncio.sleep(self.RETRY[0])
            attempt = 1

    def _on_notify(self, on_wake: Callable[[], None]):
        def received(_conn, _pid, _channel, payload: str) -> None:
            if payload != self.token:  # not our own
                on_wake()

        return received

    async def listener_pid(self) -> int | None:
        """The server process of the LISTEN connection (None while there is none)."""
        return None if self._conn is None else self._conn.get_server_pid()

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._listening
            self._listening = None
        await self.flush()
