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
n, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < 1.0:
    k.sign(b"x" * 200, padding.PKCS1v15(), hashes.SHA256()); n += 1
print(round(n / (time.perf_counter() - t0)))
"""


def speed_probe(cpu: int = 0) -> int:
    """RSA-2048 signs per second on ``cpu`` right now (the shared VM's speed varies by +-30 %;
    /work/shared/docs/performance.md measured 4,222/s)."""
    out = subprocess.run(["taskset", "-c", str(cpu), sys.executable, "-c", _PROBE], capture_output=True,
                         text=True, timeout=60, check=True)
    return int(out.stdout.strip())


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
