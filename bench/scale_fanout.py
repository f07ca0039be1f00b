"""Scale-out: one alert fanned out to 100,000 follower inboxes on 2,000 hosts, by 1, 2 and 4 ``aan worker``
processes sharing one PostgreSQL queue.

    python bench/scale_fanout.py [--followers 100000] [--hosts 2000] [--workers 1,2,4] [--concurrency 32]
                                 [--db postgres://postgres@127.0.0.1:5432/postgres] [--verify-every 50]
                                 [--repeat 1] [--json bench/results/scale_fanout.json]

Set-up (everything on 127.0.0.1): a fresh PostgreSQL database; ``aan init --insecure-http --db``;
``--followers`` Follower rows (personal inboxes, no shared inbox, follower *i* on host *i mod
--hosts*, each host a port of 127.0.0.1); one receiver process listening on all ``--hosts`` ports
(raw asyncio + httptools, answers 202 at once; on its first request from us each host fetches our
actor document from the web process, as a real server fetches the key, and every
``--verify-every``-th request is verified against that key); one ``aan serve --workers-in-process 0``
web process (answers those actor fetches and a /metrics scrape every 2 s).

For each worker count: the deliveries and hosts tables are emptied, N ``aan worker`` processes start,
one alert is published with ``aan alert publish``, and we wait until every inbox has it. Reported:
deliveries per second from the first to the last delivery (and from publish to the last), the
scaling factor against one worker, the peak RSS of each worker and of the web process, and the CPU
seconds used by the workers, the receiver, the web process and PostgreSQL during the run. The
file-descriptor limit is raised to its hard limit (2,000 listening sockets plus connections).

Results go to docs/performance-scale.md; run on a quiet machine (the script prints the load average
and the busiest other processes before it starts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import _common as C

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "node" / "examples" / "first-alert.md"


# --- helpers ----------------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    return C._cpu_or_zero(pid)


postgres_cpu = C.postgres_cpu
free_port = C.free_port


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def free_port_block(n: int) -> int:
    """A first port such that first..first+n-1 are all free on 127.0.0.1."""
    import socket

    for first in range(20000, 60000 - n, 97):
        socks = []
        try:
            for port in range(first, first + n):
                s = socket.socket()
                s.bind(("127.0.0.1", port))
                socks.append(s)
            return first
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no block of free ports")


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


def aan(data_dir: Path, *args: str) -> str:
    env = {**os.environ, "AAN_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "node.cli", *args], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()


def busy_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pcpu,etime,args", "--sort=-pcpu"], capture_output=True, text=True).stdout
    return [line[:140] for line in out.splitlines()[1:9]]


async def pg(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def seed(url: str, followers: int, first_port: int, hosts: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        actor_id = await conn.fetchval("SELECT id FROM local_actors WHERE username = 'alerts'")
        now = time.time()
        from datetime import UTC, datetime

        at = datetime.fromtimestamp(now, UTC)
        records = []
        for i in range(followers):
            port = first_port + i % hosts
            uri = f"http://127.0.0.1:{port}/users/u{i}"
            records.append((actor_id, uri, f"{uri}/inbox", None, f"{uri}#follow", at))
        await conn.copy_records_to_table(
            "followers", records=records,
            columns=["local_actor_id", "actor_uri", "inbox", "shared_inbox", "follow_id", "created_at"])
        await conn.execute("ANALYZE followers")
    finally:
        await conn.close()


class Sampler:
    """Peak RSS of given processes, sampled every 0.25 s in a thread."""

    def __init__(self, pids: dict[str, int]):
        import threading

        self.pids = pids
        self.peak = dict.fromkeys(pids, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], rss_kb(pid))
            time.sleep(0.25)

    def stop(self) -> dict[str, int]:
        self._stop.set()
        self._thread.join()
        return self.peak


# --- one run ----------------------------------------------------------------------------------------

def run_once(args, data_dir: Path, url: str, web: subprocess.Popen, web_port: int, control_port: int,
             receiver: subprocess.Popen, n_workers: int) -> dict:
    asyncio.run(pg(url, "TRUNCATE deliveries, fanout_jobs, hosts"))
    asyncio.run(pg(url, "VACUUM ANALYZE"))
    env = {**os.environ, "AAN_DATA_DIR": str(data_dir), "AAN_LOG_LEVEL": "warning"}
    profile = (lambda i: ["-m", "cProfile", "-o", f"{args.profile}/worker{n_workers}-{i}.prof"]) \
        if args.profile else (lambda i: [])
    workers = [subprocess.Popen([sys.executable, *profile(i), "-m", "node.cli", "worker",
                                 "--concurrency", str(args.concurrency)],
                                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
               for i in range(n_workers)]
    try:
        time.sleep(2.0)  # workers import and connect
        for w in workers:
            if w.poll() is not None:
                raise RuntimeError(w.stderr.read().decode()[-2000:])
        before = {"receiver": cpu_seconds(receiver.pid), "web": cpu_seconds(web.pid), "postgres": postgres_cpu(),
                  "workers": sum(cpu_seconds(w.pid) for w in workers)}
        sampler = Sampler({"web": web.pid, **{f"worker{i}": w.pid for i, w in enumerate(workers)}})
        known = set(get_json(f"http://127.0.0.1:{control_port}/stats")["activities"])
        t_publish = time.time()
        aan(data_dir, "alert", "publish", "--force", str(EXAMPLE))
        deadline = time.time() + args.timeout
        entry, activity, scrapes = None, None, []
        while time.time() < deadline:
            stats = get_json(f"http://127.0.0.1:{control_port}/stats")
            fresh = {a: e for a, e in stats["activities"].items() if a not in known}
            if fresh:
                activity, entry = next(iter(fresh.items()))
                if entry["inboxes"] >= args.followers:
                    break
            if not scrapes or time.time() - scrapes[-1][0] >= 2:
                with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/metrics", timeout=10) as resp:
                    text = resp.read().decode()
                pending = next((float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(
                    'aan_queue_rows{queue="deliveries",status="pending"}')), None)
                scrapes.append((time.time(), pending))
            time.sleep(0.2)
        peak = sampler.stop()
        after = {"receiver": cpu_seconds(receiver.pid), "web": cpu_seconds(web.pid), "postgres": postgres_cpu(),
                 "workers": sum(cpu_seconds(w.pid) for w in workers)}
        if entry is None or entry["inboxes"] < args.followers:
            raise RuntimeError(f"timed out: {entry}")
        stats = get_json(f"http://127.0.0.1:{control_port}/stats")
        entry = stats["activities"][activity]
        span = entry["last"] - entry["first"]
        return {
            "workers": n_workers, "deliveries": entry["count"], "inboxes": entry["inboxes"],
            "duplicates": entry["count"] - entry["inboxes"],
            "first_delivery_after_publish_s": round(entry["first"] - t_publish, 2),
            "delivery_span_s": round(span, 2), "end_to_end_s": round(entry["last"] - t_publish, 2),
            "deliveries_per_s": round(entry["inboxes"] / span, 1),
            "end_to_end_per_s": round(entry["inboxes"] / (entry["last"] - t_publish), 1),
            "peak_rss_mb": {k: round(v / 1024, 1) for k, v in peak.items()},
            "cpu_s": {k: round(after[k] - before[k], 1) for k in after},
            "verified_ok": stats["verified_ok"], "verified_bad": stats["verified_bad"],
            "key_fetches": stats["key_fetches"],
        }
    finally:
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        for w in workers:
            try:
                w.wait(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--db", default=os.environ.get("AAN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--verify-every", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--profile", metavar="DIR", help="run each worker under cProfile, output in DIR")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # children inherit it
    probe = C.speed_probe(0)
    print(f"load average {os.getloadavg()}; open files {soft} -> {hard}; CPU 0 speed probe {probe:,} RSA-2048 "
          "signs/s", flush=True)
    print("busiest processes before the run:\n  " + "\n  ".join(busy_processes()), flush=True)

    name = f"aan_bench_{uuid.uuid4().hex[:8]}"
    admin = args.db
    url = f"{admin.rsplit('/', 1)[0]}/{name}"
    asyncio.run(pg(admin, f'CREATE DATABASE "{name}"'))
    tmp = Path(tempfile.mkdtemp(prefix="aan-scale-"))
    procs: list[subprocess.Popen] = []
    results = []
    try:
        web_port = free_port()
        data_dir = tmp / "node"
        aan(data_dir, "init", "--domain", f"127.0.0.1:{web_port}", "--name", "Scale bench", "--db", url,
            "--insecure-http")
        first_port = free_port_block(args.hosts)
        t = time.time()
        asyncio.run(seed(url, args.followers, first_port, args.hosts))
        print(f"seeded {args.followers} followers on {args.hosts} hosts in {time.time() - t:.1f} s", flush=True)
        env = {**os.environ, "AAN_DATA_DIR": str(data_dir), "AAN_LOG_LEVEL": "warning"}
        web = subprocess.Popen([sys.executable, "-m", "node.cli", "serve", "--port", str(web_port),
                                "--workers-in-process", "0"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        procs.append(web)
        control = free_port()
        receiver = C.start_receiver(list(range(first_port, first_port + args.hosts)), control, log=tmp / "receiver.log",
                                    actor_url=f"http://127.0.0.1:{web_port}/actors/alerts",
                                    verify_every=args.verify_every, clock="time", cpu=None)
        procs.append(receiver)
        for _ in range(100):
            try:
                get_json(f"http://127.0.0.1:{web_port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        web_idle = rss_kb(web.pid)
        for _ in range(args.repeat):
            for n in [int(x) for x in args.workers.split(",")]:
                result = run_once(args, data_dir, url, web, web_port, control, receiver, n)
                result["web_idle_rss_mb"] = round(web_idle / 1024, 1)
                results.append(result)
                print(json.dumps(result), flush=True)
        base = {r["workers"]: r["deliveries_per_s"] for r in results}
        one = base.get(1)
        print(f"\nRSA-2048 signing rate of this run: {probe:,}/s on CPU 0 (deliveries/s as a ratio to it in brackets)")
        print("\n| workers | deliveries/s (first->last) | end to end /s | scaling | worker peak RSS MB | web peak RSS MB |"
              " CPU s: workers / postgres / receiver / web |")
        print("|---:|---:|---:|---:|---:|---:|---|")
        for r in results:
            workers_rss = max(v for k, v in r["peak_rss_mb"].items() if k.startswith("worker"))
            scale = f"{r['deliveries_per_s'] / one:.2f}x" if one else "-"
            r["signing_rate"] = probe
            c = r["cpu_s"]
            print(f"| {r['workers']} | {r['deliveries_per_s']:,.0f} ({r['deliveries_per_s'] / probe:.2f} x) | {r['end_to_end_per_s']:,.0f} | {scale} | "
                  f"{workers_rss} | {r['peak_rss_mb']['web']} | {c['workers']} / {c['postgres']} / "
                  f"{c['receiver']} / {c['web']} |")
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps({"args": vars(args), "results": results,
                                                   "loadavg_after": os.getloadavg()}, indent=2))
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        asyncio.run(pg(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
