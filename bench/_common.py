"""Helpers shared by the benchmark scripts (not a test module).

Everything here talks to 127.0.0.1 only. Child processes are tracked and
stopped by PID; temporary directories are removed on exit.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_ALERT = ROOT / "node" / "examples" / "first-alert.md"

_children: list[subprocess.Popen] = []
_tempdirs: list[Path] = []
_cleanups: list = []


def _cleanup() -> None:
    for proc in reversed(_children):
        stop_process(proc)
    for fn in reversed(_cleanups):
        with contextlib.suppress(Exception):
            fn()
    _cleanups.clear()
    for path in _tempdirs:
        shutil.rmtree(path, ignore_errors=True)
    _tempdirs.clear()


atexit.register(_cleanup)


def _on_signal(signum, _frame):
    _cleanup()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, _on_signal)


def on_exit(fn) -> None:
    """Run ``fn`` at clean-up (before temp dirs are removed)."""
    _cleanups.append(fn)


def tempdir(prefix: str = "aan-bench-") -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    _tempdirs.append(path)
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def free_ports(n: int, host: str = "127.0.0.1") -> list[int]:
    """``n`` distinct free ports (held open together so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind((host, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def aan_cmd(*args: str, cpu: int | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "node.cli", *args]
    return ["taskset", "-c", str(cpu), *cmd] if cpu is not None else cmd


def aan(data_dir: Path, *args: str, cpu: int | None = None, timeout: float = 120) -> str:
    """Run the real ``aan`` command line; return stdout; raise on failure."""
    env = {**os.environ, "AAN_DATA_DIR": str(data_dir)}
    result = subprocess.run(aan_cmd(*args, cpu=cpu), capture_output=True, text=True, env=env,
                            timeout=timeout, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"aan {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def spawn(cmd: list[str], *, log: Path, env: dict | None = None) -> subprocess.Popen:
    with open(log, "ab") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT,
                                env={**os.environ, **(env or {})}, start_new_session=True)
    _children.append(proc)
    if _boost["on"]:
        _boost_group(proc.pid)
    return proc


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM, then SIGKILL, this one process (by its PID)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            proc.wait()
    if proc in _children:
        _children.remove(proc)


def http_status(port: int, path: str = "/healthz", timeout: float = 0.5) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def wait_healthy(proc: subprocess.Popen, port: int, *, log: Path, timeout: float = 30,
                 interval: float = 0.01) -> float:
    """Poll /healthz until 200; return the monotonic time it first answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited ({proc.returncode}): {log.read_text()[-2000:]}")
        if http_status(port) == 200:
            return time.monotonic()
        time.sleep(interval)
    raise RuntimeError(f"no 200 on /healthz within {timeout}s: {log.read_text()[-2000:]}")


def init_node(base: Path, port: int, *, db: str | None = None, name: str = "node",
              role: str = "member") -> Path:
    data_dir = base / name
    args = ["init", "--domain", f"127.0.0.1:{port}", "--name", f"Bench {name}", "--insecure-http",
            "--role", role]
    if db:
        args += ["--db", db]
    aan(data_dir, *args, cpu=1)
    return data_dir


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (and its reaped children), in seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def median(values):
    return statistics.median(values) if values else float("nan")


# --- PostgreSQL: one throwaway database per run ---------------------------------------------------

def pg_create(admin_url: str) -> tuple[str, callable]:
    """Create a fresh database next to ``admin_url``; return (url, drop)."""
    import asyncpg

    name = f"aan_bench_{uuid.uuid4().hex[:10]}"

    async def run(sql):
        conn = await asyncpg.connect(admin_url, timeout=5)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    base = admin_url.rsplit("/", 1)[0]

    def drop():
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    on_exit(drop)
    return f"{base}/{name}", drop


def count_rows(db_url: str, table: str, where: str = "") -> int:
    sql = f"SELECT COUNT(*) FROM {table} {where}"
    if db_url.startswith("sqlite"):
        import sqlite3

        path = db_url.split("://", 1)[1].split("?", 1)[0]
        con = sqlite3.connect(path, timeout=30)
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()
    import asyncpg

    async def run():
        conn = await asyncpg.connect(db_url.replace("postgres://", "postgresql://", 1), timeout=5)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    return asyncio.run(run())


def node_db_url(data_dir: Path) -> str:
    import json

    return json.loads((data_dir / "config.json").read_text())["database_url"]


def pin_self(cpu: int) -> None:
    os.sched_setaffinity(0, {cpu})


_PROBE = r"""
import time
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
n, t0, c0 = 0, time.perf_counter(), time.process_time()
while time.perf_counter() - t0 < 1.0:
    k.sign(b"x" * 200, padding.PKCS1v15(), hashes.SHA256()); n += 1
print(round(n / (time.perf_counter() - t0)), round(n / max(1e-9, time.process_time() - c0)))
"""


def speed_probe(cpu: int = 0, *, per_cpu_second: bool = False):
    """RSA-2048 signs per second on ``cpu`` right now (the shared VM's speed varies by +-30 %;
    /work/shared/docs/performance.md measured 4,222/s). With ``per_cpu_second``, (signs per second
    of wall time, signs per second of the probe's own CPU time): the second is what a signature
    costs even when other processes share the CPU."""
    out = subprocess.run(["taskset", "-c", str(cpu), sys.executable, "-c", _PROBE], capture_output=True,
                         text=True, timeout=60, check=True)
    wall, own = (int(x) for x in out.stdout.split())
    return (wall, own) if per_cpu_second else wall


# --- other processes on this machine ----------------------------------------------------------------
# The machine is shared (other people's test suites run node processes too). Every bench waits
# for a quiet machine before measuring and reports how much CPU others used meanwhile.

def system_busy_seconds(cpu: int | None = None) -> float:
    """CPU seconds spent busy since boot (user+nice+system+irq+softirq+steal), by all CPUs or one."""
    name = "cpu" if cpu is None else f"cpu{cpu}"
    with open("/proc/stat") as fh:
        line = next(line for line in fh if line.split()[0] == name)
    fields = [int(x) for x in line.split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


QUIET = 0.15  # CPUs that other processes may use during a measurement that counts


def wait_quiet(max_wait: float = 300.0, threshold: float = QUIET, own: tuple[int, ...] = ()) -> float:
    """Wait until processes other than ``own`` use < ``threshold`` CPU for 1 s; return the last
    measured share (in CPUs). Gives up after ``max_wait`` seconds (and says so)."""
    deadline = time.monotonic() + max_wait
    while True:
        b0, o0 = system_busy_seconds(), sum(_cpu_or_zero(p) for p in own)
        time.sleep(1.0)
        share = (system_busy_seconds() - b0) - (sum(_cpu_or_zero(p) for p in own) - o0)
        if share < threshold or time.monotonic() > deadline:
            wait_quiet._said = False
            if share >= threshold:
                print(f"  (machine not quiet after {max_wait:.0f} s: others use {share:.2f} CPU; measuring anyway)",
                      flush=True)
            return share
        if not getattr(wait_quiet, "_said", False):
            print(f"  (waiting for a quiet machine: other processes use {share:.2f} CPU)", flush=True)
            wait_quiet._said = True


def _cpu_or_zero(pid: int) -> float:
    try:
        return cpu_seconds(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


class OtherLoad:
    """CPU used by processes other than ``own`` between start() and stop(), in CPUs; with ``cpu``,
    only what others took of that CPU (``own`` must then be the processes pinned to it)."""

    def __init__(self, own: tuple[int, ...], cpu: int | None = None):
        self.own = own
        self.cpu = cpu

    def start(self) -> None:
        self.t0, self.b0 = time.monotonic(), system_busy_seconds(self.cpu)
        self.o0 = sum(_cpu_or_zero(p) for p in self.own)

    def stop(self) -> float:
        dt = time.monotonic() - self.t0
        busy = system_busy_seconds(self.cpu) - self.b0
        own = sum(_cpu_or_zero(p) for p in self.own) - self.o0
        return max(0.0, (busy - own) / dt) if dt > 0 else 0.0


_boost = {"on": False}


def boost_priority() -> bool:
    """Run this process and every child it starts at nice -20 (root only), so that other people's
    processes on the shared machine get little of the CPUs the measured processes are pinned to.

    The kernel groups processes by session (``sched_autogroup``), and nice only ranks processes
    within a group, so the group of this process and of every child (each starts its own
    session) is set to -20 as well, through /proc/<pid>/autogroup."""
    try:
        os.setpriority(os.PRIO_PROCESS, 0, -20)
    except OSError:
        return False
    _boost["on"] = True
    _boost_group(os.getpid())
    return True


def _boost_group(pid: int) -> None:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/autogroup", "w") as fh:
        fh.write("-20")


def run_loop(coro):
    """Run ``coro`` on uvloop when it is installed (receivers, load generators), else asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coro)
    return uvloop.run(coro)


# --- the machine's and PostgreSQL's CPU (the Clearing House scripts) ------------------------------------

def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy since boot (all CPUs, /proc/stat)."""
    return system_busy_seconds()


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server's processes (backends that exited are lost)."""
    total = 0.0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as fh:
                if fh.read().strip() != "postgres":
                    continue
            total += cpu_seconds(int(pid))
        except (OSError, ValueError, IndexError):
            continue
    return total


def own_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy(seconds: float = 1.0) -> float:
    """Fraction of the machine's CPU time that was busy over ``seconds`` (/proc/stat, all CPUs)."""
    def snap() -> tuple[int, int]:
        with open("/proc/stat") as fh:
            values = [int(x) for x in fh.readline().split()[1:]]
        return values[3] + values[4], sum(values)  # idle + iowait, total

    idle0, total0 = snap()
    time.sleep(seconds)
    idle1, total1 = snap()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


def wait_machine_quiet(threshold: float, max_wait: float) -> tuple[float, float]:
    """Wait (at most ``max_wait`` s) until the whole machine is at most ``threshold`` busy.
    Returns (busy fraction last seen, seconds waited)."""
    started = time.monotonic()
    while True:
        busy = machine_busy()
        if busy <= threshold or time.monotonic() - started >= max_wait:
            return busy, time.monotonic() - started


async def pg_connect(db_url: str):
    import asyncpg

    return await asyncpg.connect(db_url.replace("postgres://", "postgresql://", 1), timeout=5)


def signing_line(probe: int, figure: float, what: str) -> str:
    """``figure`` next to the RSA-2048 signing rate measured in the same run, as a ratio."""
    return (f"{what}: {figure:,.0f}/s = {figure / probe:.2f} x the RSA-2048 signing rate of this run "
            f"({probe:,} signs/s on CPU 0)")


# --- fake remote actors (documents served over loopback) ---------------------------------------------

def actor_doc(actor_id: str, public_pem: str, *, kind: str = "Person", name: str = "", username: str = "",
              shared_inbox: str | None = None) -> dict:
    """An ActivityPub actor document with its RSA key (``#main-key``)."""
    doc = {
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        "id": actor_id, "type": kind, "preferredUsername": username or actor_id.rsplit("/", 1)[1],
        "name": name or actor_id, "inbox": f"{actor_id}/inbox", "outbox": f"{actor_id}/outbox",
        "followers": f"{actor_id}/followers",
        "publicKey": {"id": f"{actor_id}#main-key", "owner": actor_id, "publicKeyPem": public_pem},
    }
    if shared_inbox:
        doc["endpoints"] = {"sharedInbox": shared_inbox}
    return doc


async def start_actor_server(port: int, lookup, stats: dict | None = None):
    """Serve actor documents on 127.0.0.1:``port`` in this event loop: ``lookup(path)`` returns the
    document for a request path (or None: 404). Counts fetches in ``stats["fetches"]``. Returns the
    aiohttp runner (``await runner.cleanup()`` to stop)."""
    import json

    from aiohttp import web

    async def actor(request):
        if stats is not None:
            stats["fetches"] = stats.get("fetches", 0) + 1
        doc = lookup(request.path)
        if doc is None:
            return web.Response(status=404)
        return web.Response(body=json.dumps(doc).encode(), content_type="application/activity+json")

    app = web.Application()
    app.router.add_get("/{tail:.*}", actor)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


# --- followers' inboxes: one receiver process for every script ------------------------------------------

RESPONSE = b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"
STALL = 0.005  # an inter-arrival gap (per activity) longer than this counts as a stall of the sender


def receiver_main(ports: list[int], control_port: int, *, pem_file: str | None = None, actor_url: str | None = None,
                  verify_every: int = 20, clock: str = "monotonic") -> None:
    """Plays followers' inboxes on ``ports`` (raw asyncio + httptools): answers 202 at once, records
    every POST per activity (count, first and last arrival by ``clock``, distinct inboxes, stalls)
    and verifies every ``verify_every``-th HTTP signature, with the key in ``pem_file`` or the one
    of ``actor_url`` (fetched once per port). ``GET http://127.0.0.1:<control_port>/stats`` returns
    the figures (:func:`receiver_stats`). Prints ``ready`` once listening; stops on SIGTERM."""
    import httptools
    import orjson
    from aiohttp import ClientSession, web

    from node.activitypub.keys import load_public_key
    from node.activitypub.signatures import SignatureError, parse_request

    now_of = time.monotonic if clock == "monotonic" else time.time
    fixed = load_public_key(Path(pem_file).read_text()) if pem_file else None
    keys: dict[int, object] = {}  # port -> the sender's key (actor_url), fetched once per host
    session: list = []
    stats = {"total": 0, "verified_ok": 0, "verified_bad": 0, "bad_requests": 0, "key_fetches": 0,
             "announces": 0, "first": None, "last": None, "activities": {}}

    async def fetch_key(port: int) -> None:
        keys[port] = None
        async with session[0].get(actor_url, headers={"Accept": "application/activity+json"}) as resp:
            document = await resp.json(content_type=None)
        keys[port] = load_public_key(document["publicKey"]["publicKeyPem"])
        stats["key_fetches"] += 1

    def handle(port: int, url: bytes, headers: list, body: bytes) -> None:
        now = now_of()
        stats["total"] += 1
        stats["first"] = stats["first"] or now
        stats["last"] = now
        try:
            activity = orjson.loads(body)
            activity_id = activity["id"]
        except Exception:  # noqa: BLE001 - counted
            stats["bad_requests"] += 1
            return
        if activity.get("type") == "Announce":
            stats["announces"] += 1
        entry = stats["activities"].get(activity_id)
        if entry is None:
            entry = stats["activities"][activity_id] = {"count": 0, "first": now, "last": now, "inboxes": set(),
                                                        "stalls": 0, "stalled": 0.0}
        gap = now - entry["last"]
        if gap > STALL:
            entry["stalls"] += 1
            entry["stalled"] += gap
        entry["count"] += 1
        entry["last"] = now
        entry["inboxes"].add((port, url))
        key = fixed
        if key is None and actor_url:
            if port not in keys:
                asyncio.get_running_loop().create_task(fetch_key(port))
            key = keys.get(port)
        if verify_every and key is not None and stats["total"] % verify_every == 0:
            try:
                good = parse_request("POST", f"http://127.0.0.1:{port}{url.decode()}", headers, body).verify(key)
            except SignatureError:
                good = False
            stats["verified_ok" if good else "verified_bad"] += 1

    class Inbox(asyncio.Protocol):
        def __init__(self, port: int):
            self.port, self.transport = port, None
            self.parser = httptools.HttpRequestParser(self)
            self.url, self.headers, self.body = b"", [], []

        def connection_made(self, transport):
            self.transport = transport

        def data_received(self, data):
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserError:
                stats["bad_requests"] += 1
                self.transport.close()

        def on_message_begin(self):
            self.url, self.headers, self.body = b"", [], []

        def on_url(self, url):
            self.url += url

        def on_header(self, name, value):
            self.headers.append((name, value))

        def on_body(self, body):
            self.body.append(body)

        def on_message_complete(self):
            handle(self.port, self.url, self.headers, b"".join(self.body))
            self.transport.write(RESPONSE)
            if not self.parser.should_keep_alive():
                self.transport.close()

    async def stats_view(_request):
        out = {k: v for k, v in stats.items() if k != "activities"}
        out["activities"] = {a: {"count": e["count"], "first": e["first"], "last": e["last"],
                                 "inboxes": len(e["inboxes"]), "stalls": e["stalls"], "stalled": e["stalled"]}
                             for a, e in stats["activities"].items()}
        out["distinct"] = sum(len(e["inboxes"]) for e in stats["activities"].values())  # (activity, inbox) pairs
        out["bad"] = out["bad_requests"]
        return web.json_response(out)

    async def main():
        loop = asyncio.get_running_loop()
        session.append(ClientSession())
        servers = [await loop.create_server(lambda p=p: Inbox(p), "127.0.0.1", p, backlog=1024) for p in ports]
        app = web.Application()
        app.router.add_get("/stats", stats_view)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", control_port).start()
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        print("ready", flush=True)
        try:
            await stop.wait()
        finally:
            for server in servers:
                server.close()
            await session[0].close()
            await runner.cleanup()

    run_loop(main())


def start_receiver(ports: list[int], control_port: int, *, log: Path, pem_file: str | None = None,
                   actor_url: str | None = None, verify_every: int = 20, clock: str = "monotonic",
                   cpu: int | None = 1, timeout: float = 20) -> subprocess.Popen:
    """Start :func:`receiver_main` as a child process (pinned to ``cpu``); return once it listens."""
    import json

    spec = json.dumps({"ports": ports, "control_port": control_port, "pem_file": pem_file, "actor_url": actor_url,
                       "verify_every": verify_every, "clock": clock})
    cmd = [sys.executable, str(Path(__file__).resolve()), "--receiver", spec]
    proc = spawn(["taskset", "-c", str(cpu), *cmd] if cpu is not None else cmd, log=log)
    deadline = time.monotonic() + timeout
    while http_status(control_port, "/stats") != 200:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"receiver did not start: {log.read_text()[-2000:]}")
        time.sleep(0.05)
    return proc


def receiver_stats(control_port: int) -> dict:
    import json
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{control_port}/stats", timeout=30) as resp:
        return json.loads(resp.read())


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--receiver":
    import json

    sys.path.insert(0, str(ROOT))  # this checkout's node package, whatever the editable install points at
    _spec = json.loads(sys.argv[2])
    receiver_main(_spec.pop("ports"), _spec.pop("control_port"), **_spec)
