"""Shared fixtures: databases (SQLite and PostgreSQL), real node processes on loopback.

PostgreSQL tests use ``AAN_TEST_POSTGRES`` (default
``postgres://postgres@127.0.0.1:5432/postgres``) to create and drop one
database per test. Where no server answers they are skipped with a message;
in CI (``CI=true``) an unreachable server is an error instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import asynccontextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch
from urllib.parse import urlsplit

import httpx
import pytest

from node.urls import Urls

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("AAN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
EXAMPLE = ROOT / "node" / "examples" / "first-alert.md"
_pg_state: dict[str, str | None] = {}


def _pg_unavailable() -> str | None:
    if "reason" not in _pg_state:
        import asyncpg

        async def probe():
            conn = await asyncpg.connect(PG_ADMIN_URL, timeout=30)
            await conn.close()

        try:
            asyncio.run(probe())
            _pg_state["reason"] = None
        except Exception as exc:  # noqa: BLE001
            _pg_state["reason"] = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}"
    return _pg_state["reason"]


def _pg_admin(sql: str) -> None:
    import asyncpg

    async def run():
        conn = await asyncpg.connect(PG_ADMIN_URL, timeout=30)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def make_database(kind: str, tmp_path: Path):
    """Return (url, cleanup) for a fresh database of ``kind``."""
    if kind == "sqlite":
        return f"sqlite://{tmp_path / f'db-{uuid.uuid4().hex[:6]}.sqlite3'}", lambda: None
    reason = _pg_unavailable()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"aan_test_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]

    def cleanup():
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}", cleanup


@pytest.fixture(params=["sqlite", "postgres"])
def db_kind(request) -> str:
    return request.param


@pytest.fixture
def db_url(db_kind, tmp_path):
    url, cleanup = make_database(db_kind, tmp_path)
    yield url
    cleanup()


@pytest.fixture
def database_factory(tmp_path):
    cleanups = []

    def make(kind: str) -> str:
        url, cleanup = make_database(kind, tmp_path)
        cleanups.append(cleanup)
        return url

    yield make
    for cleanup in cleanups:
        cleanup()


def listening_sockets(n: int, backlog: int = 1024) -> list[socket.socket]:
    """``n`` loopback sockets bound to port 0 (the kernel picks) and listening, inheritable.

    The test keeps them open and hands them to the server (``aan serve --fd``, ``web.SockSite``,
    ``tests/receiver.py fd:N``): the port is known before the server starts and no other process
    can take it in between, which a port picked, released and bound again (``free_port``) allows.
    """
    socks = []
    for _ in range(n):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(backlog)
        sock.set_inheritable(True)
        socks.append(sock)
    return socks


def port_of(sock: socket.socket) -> int:
    return sock.getsockname()[1]


def free_ports(n: int) -> list[int]:
    """``n`` distinct free loopback ports, released again: only for servers that cannot take a socket
    (a proxy binary); anything that can must use :func:`listening_sockets`."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port() -> int:
    return free_ports(1)[0]


def start_receiver(log: Path, pem: Path, delay: float, sockets: list[socket.socket],
                   hold: list[socket.socket] = ()) -> subprocess.Popen:
    """tests/receiver.py serving ``sockets`` (see :func:`listening_sockets`); returns once it is ready.

    The sockets in ``hold`` hold every POST unanswered until ``POST /_release`` reaches any port."""
    fds = [s.fileno() for s in sockets]
    held = {s.fileno() for s in hold}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "receiver.py"), str(log), str(pem), str(delay),
                             *(f"fd:{fd}" + (":hold" if fd in held else "") for fd in fds)],
                            stdout=subprocess.PIPE, cwd=ROOT, pass_fds=fds)
    line = proc.stdout.readline().strip()
    if line != b"ready":
        proc.kill()
        proc.wait()
        raise AssertionError(f"the receiver did not start ({line!r})")
    return proc


def read_log(path: Path) -> list[dict]:
    """The records of ``tests/receiver.py``'s log (one JSON object a line); [] before the first."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def aan(*args: str, data_dir: Path, check: bool = True, stdin: str | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``aan`` command line."""
    env = {**os.environ, "AAN_DATA_DIR": str(data_dir)}
    result = subprocess.run([sys.executable, "-m", "node.cli", *args], capture_output=True, text=True,
                            env=env, input=stdin, timeout=timeout, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"aan {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


QUEUES = ("inbox_items", "fanout_jobs", "deliveries")


def queue_rows(url: str, statuses: tuple[str, ...] = ("pending", "running")) -> dict[str, int]:
    """Rows of each queue table in ``statuses``, read straight from the database (no ORM set-up)."""
    marks = ", ".join(f"'{s}'" for s in statuses)
    queries = {t: f"SELECT COUNT(*) FROM {t} WHERE status IN ({marks})" for t in QUEUES}
    if url.startswith("sqlite://"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite://"), timeout=30)
        try:
            return {t: conn.execute(q).fetchone()[0] for t, q in queries.items()}
        finally:
            conn.close()
    import asyncpg

    async def run():
        conn = await asyncpg.connect(url, timeout=30)
        try:
            return {t: await conn.fetchval(q) for t, q in queries.items()}
        finally:
            await conn.close()

    return asyncio.run(run())


def unrecorded_deliveries(url: str, worker: str | None = None) -> set[tuple[int, str, str]]:
    """Delivery rows claimed and not yet recorded (``running``), of ``worker`` if given, as the
    ``(port, inbox path, activity id)`` keys of ``tests/receiver.py``'s log.

    Read right after a SIGKILL these are all a crash may send again (at-least-once delivery): the
    POSTs that were in flight and those answered but not yet recorded. Rows claimed and not yet sent
    are among them too; they will be sent once.
    """
    query = ("SELECT d.inbox, a.uri FROM deliveries d JOIN activities a ON a.id = d.activity_id "
             "WHERE d.status = 'running'" + (" AND d.locked_by = {}" if worker else ""))
    if url.startswith("sqlite://"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite://"), timeout=30)
        try:
            rows = conn.execute(query.format("?"), [worker] if worker else []).fetchall()
        finally:
            conn.close()
    else:
        import asyncpg

        async def run():
            conn = await asyncpg.connect(url, timeout=30)
            try:
                return await conn.fetch(query.format("$1"), *([worker] if worker else []))
            finally:
                await conn.close()

        rows = asyncio.run(run())
    out = set()
    for inbox, activity in rows:
        parts = urlsplit(inbox)
        out.add((parts.port, parts.path, activity))
    return out


class NodeProcess:
    """A real node: ``aan init`` then ``aan serve`` as a subprocess on a loopback port."""

    def __init__(self, base: Path, name: str, db_url: str | None = None, username: str = "alerts",
                 listener: socket.socket | None = None):
        # The listening socket is ours for the life of the test (also across kill and restart):
        # `aan serve --fd` inherits it, so the port in the node's domain is never someone else's.
        self.listener = listener or listening_sockets(1)[0]
        self.port = port_of(self.listener)
        self.data_dir = base / name
        self.name = name
        self.username = username
        self.db_url = db_url
        self.proc: subprocess.Popen | None = None
        self.log = base / f"{name}.log"

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return f"http://{self.domain}"

    @property
    def actor(self) -> str:
        return f"{self.base}/actors/{self.username}"

    @property
    def handle(self) -> str:
        return f"@{self.username}@{self.domain}"

    def init(self) -> NodeProcess:
        args = ["init", "--domain", self.domain, "--username", self.username, "--name",
                f"{self.name} org", "--insecure-http"]
        if self.db_url:
            args += ["--db", self.db_url]
        self.cli(*args)
        return self

    def cli(self, *args: str, check: bool = True, stdin: str | None = None):
        return aan(*args, data_dir=self.data_dir, check=check, stdin=stdin)

    def start(self, *extra: str, env: dict | None = None) -> NodeProcess:
        # Short leases so that rows held by a killed process come back within seconds.
        env = {**os.environ, "AAN_DATA_DIR": str(self.data_dir), "AAN_LOG_LEVEL": "info",
               "AAN_QUEUE_LEASE": "3", **(env or {})}
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "node.cli", "serve", "--fd", str(self.listener.fileno()), *extra],
                stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT, pass_fds=[self.listener.fileno()])

        def healthy() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                # the socket listens before the app does: a request waits in its backlog until then
                return httpx.get(f"{self.base}/healthz", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, message=f"{self.name} to start (log: {self.log})")
        return self

    def database_url(self) -> str:
        return json.loads((self.data_dir / "config.json").read_text())["database_url"]

    def queues_idle(self) -> bool:
        """No inbox item, fan-out job or delivery of this node waits or runs (every one is done or failed)."""
        return sum(queue_rows(self.database_url()).values()) == 0

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def nodes(tmp_path):
    started: list[NodeProcess] = []

    def make(name: str, db_url: str | None = None, **kw) -> NodeProcess:
        node = NodeProcess(tmp_path, name, db_url, **kw)
        started.append(node)
        return node

    yield make
    for node in started:
        node.stop()
        node.listener.close()


WAIT_TIMEOUT = 60.0  # generous: a deadline only matters when the test fails


def wait_until(predicate, timeout: float = WAIT_TIMEOUT, interval: float = 0.05, message: str = "condition"):
    """Poll ``predicate`` until it returns something truthy (returned) or ``timeout`` passes.

    The one way tests synchronise with a node: wait on the state itself, never on a fixed
    sleep against a refresh interval. The deadline is generous since it only matters when
    the test fails (a busy machine must not make a correct node fail).
    """
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {message} (last: {last!r})")
        time.sleep(interval)


wait_for = wait_until  # the older name, kept for existing tests


async def async_wait_until(predicate, timeout: float = WAIT_TIMEOUT, interval: float = 0.02,
                           message: str = "condition"):
    """``wait_until`` for async tests: ``predicate`` may be a plain or an async callable."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if asyncio.iscoroutine(last):
            last = await last
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {message} (last: {last!r})")
        await asyncio.sleep(interval)


async def make_node_config(db_url: str, tmp_path: Path, *, domain: str = "node.test",
                           insecure: bool = True, role: str = "member", name: str = "Example <Org>",
                           keys: tuple | None = None):
    """A node created the way `aan init` does, in process (returns its NodeConfig).

    ``keys``: the (organisation, instance actor) private keys, e.g. ``peers.session_key`` slots,
    instead of two fresh RSA keys, where fake peers must know them before the node exists."""
    from node import service
    from node.activitypub.actors import INSTANCE_USERNAME
    from node.config import NodeConfig
    from node.storage import db

    given = iter(keys or ())
    await db.migrate(db_url)
    await db.init(db_url)
    try:
        with patch.object(service, "generate_private_key", lambda: next(given)) if keys else nullcontext():
            await service.create_local_actor("alerts", name, "Group" if role == "clearinghouse" else "Organization")
            await service.create_local_actor(INSTANCE_USERNAME, domain, "Application")
    finally:
        await db.close()
    config = NodeConfig(domain=domain, username="alerts", name=name, role=role,
                        database_url=db_url, insecure_http=insecure, data_dir=tmp_path / "node")
    config.save()
    return config


@asynccontextmanager
async def app_client(config, *, http: httpx.AsyncClient | None = None, base_url: str | None = None):
    """The node's ASGI app started in this process (its lifespan; no workers) and an httpx client
    talking to it, at ``http(s)://{domain}`` unless ``base_url``; ``client.node`` is the running node.
    ``http``: the client the node fetches and delivers with (e.g. ``Fediverse.client()``)."""
    from node.app import create_app

    app = create_app(config, run_workers=0, http=http)
    base_url = base_url or f"{'http' if config.insecure_http else 'https'}://{config.domain}"
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base_url) as client:
        client.node = app.state.node
        yield client


@pytest.fixture
async def node(db_url, tmp_path):
    """A member node (``make_node_config``), open in this process; no workers run."""
    from node.service import Node

    opened = await Node(await make_node_config(db_url, tmp_path)).open()
    yield opened
    await opened.close()


# Two member nodes of the Clearing House fixture ``ch`` (nothing listens there: their
# activities are handed to the ingest functions directly).
M1 = Urls("m1.test", "http")
M2 = Urls("m2.test", "http")


@pytest.fixture
async def ch(db_url, tmp_path):
    """A Clearing House node open in this process, with M1 and M2 as active members; no workers run."""
    from node.service import Node
    from node.storage.models import Member
    from node.workers import install_roles

    opened = await Node(await make_node_config(db_url, tmp_path, role="clearinghouse")).open()
    install_roles(opened)  # as aan serve and aan worker do: the inbox worker calls the Clearing House's handlers
    for urls in (M1, M2):
        await Member.create(actor_uri=urls.actor("alerts"), handle=f"@alerts@{urls.domain}", state="active",
                            name=urls.domain)
    yield opened
    await opened.close()


@pytest.fixture
def node_dir(db_url, tmp_path) -> Path:
    """The data directory of a node made by the real `aan init` (nothing runs)."""
    data = tmp_path / "node"
    aan("init", "--domain", "alerts.example.org", "--username", "alerts", "--name", "Example Org",
        "--db", db_url, data_dir=data)
    return data


async def seed_followers(config, per_port: dict[int, int], prefix: str = "u") -> None:
    """``per_port[port]`` followers of the node's actor with inboxes on loopback ``port``
    (``http://127.0.0.1:{port}/users/{prefix}{i}/inbox``), written straight to its database."""
    from node.storage import db
    from node.storage.models import Follower, LocalActor

    await db.init(config.database_url)
    try:
        actor = await LocalActor.get(username=config.username)
        await Follower.bulk_create([
            Follower(local_actor=actor, actor_uri=f"http://127.0.0.1:{port}/users/{prefix}{i}",
                     inbox=f"http://127.0.0.1:{port}/users/{prefix}{i}/inbox", follow_id=f"f{port}-{i}")
            for port, n in per_port.items() for i in range(n)])
    finally:
        await db.close()


# --- alerts ------------------------------------------------------------------------------------

EXAMPLE_TEXT = EXAMPLE.read_text()  # node/examples/first-alert.md, the alert most tests publish


def example_alert(text: str | None = None):
    """The example alert parsed (or ``text``, an alert file, parsed)."""
    from node.alerts import parse_alert_file

    return parse_alert_file(EXAMPLE_TEXT if text is None else text)


def alert_text(n: int = 1, *, target: str = "Ayse Yilmaz", country: str = "TR", date: str = "2026-11-20",
               type_: str = "alert", headline: str | None = None, category: str = "detention",
               aliases: list[str] | None = None, profession: str | None = None,
               summary: str = "Something happened.", follows: str | None = None,
               translations: dict[str, dict[str, str]] | None = None, body: str = "Body text.") -> str:
    """A short alert file about one individual, ``target`` (headline ``Report {n} about {target}``
    unless given); ``translations`` maps a language to its fields (``{"fr": {"headline": ...}}``)."""
    return "\n".join([
        "---", f"type: {type_}", f"headline: {headline or f'Report {n} about {target}'}", "language: en",
        f"country: {country}", f"incident_date: {date}", f"categories: [{category}]",
        "targets:", f"  - name: {target}", "    kind: individual",
        *([f"    aliases: [{', '.join(aliases)}]"] if aliases else []),
        *([f"    profession: {profession}"] if profession else []),
        f"summary: {summary}", *([f"follows: {follows}"] if follows else []),
        *(["translations:"] if translations else []),
        *(f"  {lang}: {{{', '.join(f'{k}: {v}' for k, v in fields.items())}}}"
          for lang, fields in (translations or {}).items()),
        "---", body, ""])


def member_activity(urls: Urls, n: int, *, kind: str = "Create", updated=None, **alert) -> dict:
    """A member's ``kind`` activity (Create, Update) of its alert ``a{n}`` (``alert_text(n, **alert)``),
    published 2026-11-21 10:{n % 60}, as the Clearing House receives it."""
    from node.activitypub.notes import alert_to_note

    published = datetime(2026, 11, 21, 10, n % 60, tzinfo=UTC)
    note = alert_to_note(example_alert(alert_text(n, **alert)), urls=urls, username="alerts", alert_id=f"a{n}",
                         published=published, updated=updated)
    return {"id": urls.activity(f"c{n}-{kind}"), "type": kind, "actor": urls.actor("alerts"), "object": note}
