"""Fan-out: signed deliveries per second from ONE worker process to 1,000 inboxes on 50 hosts.

    python bench/fanout.py [--alerts 5] [--followers 1000] [--hosts 50] [--concurrency 32]
                           [--db postgres://postgres@127.0.0.1:5432/postgres] [--no-clients]

Set-up: ``aan init --insecure-http`` in a temp dir; ``--followers`` Follower rows inserted
straight into its database (actor ``http://127.0.0.1:<port>/users/u<i>``, a personal inbox
each, no shared inbox: 1,000 distinct inboxes spread over ``--hosts`` ports of 127.0.0.1).
A receiver process pinned to CPU 1 listens on those ports (raw asyncio + httptools),
answers 202 at once, records arrival times per activity and inbox, and verifies every
``--verify-every``-th HTTP signature against the node's public key. ``aan worker``
(``--concurrency``) runs pinned to CPU 0. Each alert is published with ``aan alert publish``
(pinned to CPU 1); its rate is the number of deliveries over the time from the first to the
last one received. Afterwards the deliveries table must show every row ``done``.

Side measurement (unless ``--no-clients``): the same signed POSTs (fresh Date + RSA signature
per request, the real activity body) sent for a few seconds by a small loop pinned to CPU 0
with one httpx.AsyncClient and with one aiohttp.ClientSession, at several concurrencies.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import _common as C

STALL = C.STALL  # an inter-arrival gap longer than this counts as a stall of the sender
receiver_stats = C.receiver_stats


# --- client side measurement (runs as its own process, pinned to CPU 0) -----------------------------

body_of = [b""]  # the activity body, for _raw_client


def client_main(kind: str, loop: str, concurrency: int, seconds: float, inboxes_file: str, pem_file: str,
                key_id: str, body_file: str) -> None:
    import resource

    from node.activitypub.keys import load_private_key
    from node.activitypub.signatures import sign_headers

    inboxes = json.loads(Path(inboxes_file).read_text())
    key = load_private_key(Path(pem_file).read_text())
    body = Path(body_file).read_bytes()
    body_of[0] = body
    state = {"ok": 0, "other": 0, "i": 0}

    async def run():
        if kind == "httpx":
            import httpx

            client = httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency), timeout=10)

            async def post(url, headers):
                resp = await client.post(url, content=body, headers=headers)
                return resp.status_code

            close = client.aclose
        elif kind == "raw":
            post, close = _raw_client()
        else:
            import aiohttp

            session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=concurrency, limit_per_host=8),
                timeout=aiohttp.ClientTimeout(total=10), skip_auto_headers=("Content-Type",))

            async def post(url, headers):
                async with session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    return resp.status

            close = session.close
        deadline = [float("inf")]

        async def worker():
            while time.monotonic() < deadline[0]:
                url = inboxes[state["i"] % len(inboxes)]
                state["i"] += 1
                headers = sign_headers("POST", url, key_id=key_id, private_key=key, body=body)
                status = await post(url, headers)
                if measuring[0]:
                    state["ok" if status == 202 else "other"] += 1

        measuring = [False]
        deadline[0] = time.monotonic() + 0.5 + seconds
        tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
        await asyncio.sleep(0.5)  # warm-up: connections opened
        measuring[0] = True
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        await asyncio.sleep(seconds)
        measuring[0] = False
        r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        await asyncio.gather(*tasks)
        await close()
        cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
        print(json.dumps({"kind": kind, "loop": loop, "concurrency": concurrency, "rate": state["ok"] / (t1 - t0),
                          "other": state["other"], "cpu_pct": 100 * cpu / (t1 - t0),
                          "cpu_us_per_req": 1e6 * cpu / max(1, state["ok"])}))

    if loop == "uvloop":
        import uvloop

        uvloop.run(run())
    else:
        asyncio.run(run())  # plain asyncio, like `aan worker`


CLIENT_CASES = [("aiohttp", "asyncio", 32), ("aiohttp", "uvloop", 32), ("raw", "uvloop", 32),
                ("httpx", "asyncio", 32), ("httpx", "uvloop", 32)]


def _raw_client():
    """Experiment only (not the node's code): the least an HTTP/1.1 keep-alive POST can cost in
    Python, an asyncio protocol with httptools' response parser and one pool of connections per
    host:port; no TLS, no redirects, no timeouts. What aiohttp costs on top of this is what stands
    between the delivery worker and the signing rate (docs/performance.md, fan-out)."""
    import asyncio
    from urllib.parse import urlsplit

    import httptools

    class Conn(asyncio.Protocol):
        def __init__(self):
            self.parser = httptools.HttpResponseParser(self)
            self.transport = None
            self.waiter = None

        def connection_made(self, transport):
            self.transport = transport

        def data_received(self, data):
            self.parser.feed_data(data)

        def on_message_complete(self):
            waiter, self.waiter = self.waiter, None
            if waiter is not None and not waiter.done():
                waiter.set_result(self.parser.get_status_code())

        def connection_lost(self, exc):
            if self.waiter is not None and not self.waiter.done():
                self.waiter.set_exception(ConnectionError("connection lost"))

    pools: dict[tuple[str, int], list[Conn]] = {}

    async def post(url, headers):
        parts = urlsplit(url)
        key = (parts.hostname, parts.port or 80)
        pool = pools.setdefault(key, [])
        loop = asyncio.get_running_loop()
        while pool and pool[-1].transport.is_closing():
            pool.pop()
        conn = pool.pop() if pool else (await loop.create_connection(Conn, *key))[1]
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        conn.waiter = loop.create_future()
        conn.transport.write(f"POST {parts.path} HTTP/1.1\r\n{head}Content-Length: {len(body_of[0])}\r\n\r\n"
                             .encode() + body_of[0])
        status = await conn.waiter
        if conn.parser.should_keep_alive():
            pool.append(conn)
        else:
            conn.transport.close()
        return status

    async def close():
        for pool in pools.values():
            for conn in pool:
                conn.transport.close()

    return post, close


# --- orchestration ----------------------------------------------------------------------------------

async def _insert_followers(db_url: str, follower_urls: list[tuple[str, str]]) -> tuple[str, str, str]:
    from node.storage import db
    from node.storage.models import Follower, LocalActor

    await db.init(db_url)
    try:
        actor = await LocalActor.get(username="alerts")
        await Follower.bulk_create([
            Follower(local_actor=actor, actor_uri=uri, inbox=inbox, shared_inbox=None, follow_id=f"{uri}#follow")
            for uri, inbox in follower_urls
        ], batch_size=500)
        return actor.public_key_pem, actor.private_key_pem, actor.username
    finally:
        await db.close()


async def _delivery_counts(db_url: str) -> dict:
    from node.storage import db, jobs

    await db.init(db_url)
    try:
        return await jobs.counts("deliveries")
    finally:
        await db.close()


async def _activity_body(db_url: str) -> str:
    from node.storage import db
    from node.storage.models import Activity

    await db.init(db_url)
    try:
        row = await Activity.filter(type="Create").order_by("created_at").first()
        return row.body
    finally:
        await db.close()


def run_clients(args, base, receiver_pid, inboxes, private_pem, key_id, body, ceiling: float) -> list[dict]:
    (base / "inboxes.json").write_text(json.dumps(inboxes))
    (base / "private.pem").write_text(private_pem)
    (base / "body.json").write_bytes(body.encode())
    results = []
    for kind, loop, concurrency in CLIENT_CASES:
        out = []
        for _ in range(args.client_runs):
            if not args.no_wait:
                C.wait_quiet(own=(os.getpid(), receiver_pid))
            cmd = ["taskset", "-c", "0", sys.executable, __file__, "--client", kind, loop, str(concurrency),
                   str(args.client_seconds), str(base / "inboxes.json"), str(base / "private.pem"), key_id,
                   str(base / "body.json")]
            proc = subprocess_run(cmd, timeout=args.client_seconds + 60)
            out.append(json.loads(proc.strip().splitlines()[-1]))
        rates = [o["rate"] for o in out]
        mid = sorted(out, key=lambda o: o["rate"])[len(out) // 2]
        results.append({"kind": kind, "loop": loop, "concurrency": concurrency, "median_rate": C.median(rates),
                        "rates": rates, "cpu_us_per_req": mid["cpu_us_per_req"], "cpu_pct": mid["cpu_pct"],
                        "non_202": sum(o["other"] for o in out)})
        print(f"  client {kind:7} ({loop:7}) one client, {concurrency:2} in flight: median {C.median(rates):,.0f} "
              f"signed POSTs/s (runs {', '.join(f'{r:,.0f}' for r in rates)}); {mid['cpu_us_per_req']:.0f} µs "
              f"CPU/request, client CPU {mid['cpu_pct']:.0f}%; = {C.median(rates) / ceiling:.2f} x the signing rate",
              flush=True)
    return results


def subprocess_run(cmd, timeout):
    import subprocess

    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=C.ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"{cmd[3:6]} failed: {result.stderr[-2000:]}")
    return result.stdout


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--alerts", type=int, default=8, help="alerts published one after the other (one run each)")
    p.add_argument("--followers", type=int, default=1000)
    p.add_argument("--hosts", type=int, default=50, help="receiver ports (hosts)")
    p.add_argument("--concurrency", type=int, default=32, help="aan worker --concurrency")
    p.add_argument("--verify-every", type=int, default=20, help="receiver verifies every N-th signature (0: none)")
    p.add_argument("--timeout", type=float, default=60.0, help="max seconds to wait for one alert's fan-out")
    p.add_argument("--db", help="PostgreSQL admin URL; a fresh database is created next to it and dropped")
    p.add_argument("--worker-variant", default="", metavar="LIST",
                   help="experiment: run the worker with proposed changes (uvloop,record,gc; see bench/_worker_variant.py)")
    p.add_argument("--no-clients", action="store_true", help="skip the httpx/aiohttp client comparison")
    p.add_argument("--client-seconds", type=float, default=3.0)
    p.add_argument("--client-runs", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-wait", action="store_true",
                   help="do not wait for other processes on the machine to go quiet before each alert, "
                        "nor discard alerts they disturbed")
    p.add_argument("--max-retries", type=int, default=6, help="disturbed alerts discarded at most")
    p.add_argument("--profile", metavar="FILE", help="py-spy the worker during the alerts (collapsed stacks)")
    p.add_argument("--idle", action="store_true", help="with --profile: include idle samples")
    # internal entry point (child process)
    p.add_argument("--client", nargs=8, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.client:
        kind, loop, concurrency, seconds, inboxes, pem, key_id, body = args.client
        client_main(kind, loop, int(concurrency), float(seconds), inboxes, pem, key_id, body)
        return 0
    return orchestrate(args)


def orchestrate(args) -> int:
    started = time.monotonic()
    boosted = C.boost_priority()
    if not args.no_wait:
        C.wait_quiet(own=(os.getpid(),))
    probe = C.speed_probe(0)
    base = C.tempdir()
    db = None
    if args.db:
        db, _drop = C.pg_create(args.db)
    *ports, node_port, control_port = C.free_ports(args.hosts + 2)
    data_dir = C.init_node(base, node_port, db=db)
    db_url = C.node_db_url(data_dir)
    followers = []
    for i in range(args.followers):
        port = ports[i % len(ports)]
        uri = f"http://127.0.0.1:{port}/users/u{i}"
        followers.append((uri, f"{uri}/inbox"))
    public_pem, private_pem, username = asyncio.run(_insert_followers(db_url, followers))
    (base / "public.pem").write_text(public_pem)
    env = {"AAN_DATA_DIR": str(data_dir)}

    receiver = C.start_receiver(ports, control_port, log=base / "receiver.log", pem_file=str(base / "public.pem"),
                                verify_every=args.verify_every, clock="monotonic", cpu=1)

    worker_cmd = ["worker", "--concurrency", str(args.concurrency)]
    if not args.worker_variant:
        cmd = C.aan_cmd(*worker_cmd, cpu=0)
    else:
        cmd = ["taskset", "-c", "0", sys.executable, str(C.ROOT / "bench" / "_worker_variant.py"),
               args.worker_variant, *worker_cmd]
    worker = C.spawn(cmd, log=base / "worker.log", env=env)
    time.sleep(1.0)
    if worker.poll() is not None:
        raise RuntimeError(f"worker exited: {(base / 'worker.log').read_text()[-2000:]}")

    runs = []
    seen: set[str] = set()
    spy = None
    if args.profile:
        spy = C.spawn(["taskset", "-c", "1", "py-spy", "record", "-p", str(worker.pid), "-d", "600", "-r", "250",
                       "--nonblocking", "-f", "raw", "-o", args.profile, "--threads"] + (["--idle"] if args.idle else []),
                      log=base / "py-spy.log")
        time.sleep(1.0)
    try:
        published = 0
        while len(runs) < args.alerts:
            n = published
            published += 1
            if not args.no_wait:
                C.wait_quiet(own=(os.getpid(), worker.pid, receiver.pid))
            # the worker is paused while the publishing CLI runs (on CPU 1, the receiver's core), so
            # that process's start-up and exit do not overlap the measured fan-out
            worker.send_signal(signal.SIGSTOP)
            try:
                t_cli = time.monotonic()
                C.aan(data_dir, "alert", "publish", "--force", str(C.EXAMPLE_ALERT), cpu=1)
                cli_s = time.monotonic() - t_cli
            finally:
                worker.send_signal(signal.SIGCONT)
            cpu0, rcpu0 = C.cpu_seconds(worker.pid), C.cpu_seconds(receiver.pid)
            others = C.OtherLoad((worker.pid,), cpu=0)  # what others took of the worker's CPU
            others.start()
            t_publish = time.monotonic()
            deadline = time.monotonic() + args.timeout
            entry = None
            while time.monotonic() < deadline:
                stats = receiver_stats(control_port)
                new = [a for a in stats["activities"] if a not in seen]
                if new:
                    entry = stats["activities"][new[0]]
                    if entry["count"] >= args.followers:
                        seen.add(new[0])
                        break
                time.sleep(0.02)
            else:
                raise RuntimeError(f"alert {n + 1}: only {entry and entry['count']} of {args.followers} deliveries "
                                   f"within {args.timeout}s; worker log: {(base / 'worker.log').read_text()[-2000:]}")
            other_cpu = others.stop()
            time.sleep(0.3)  # let the worker record the last outcomes
            cpu = C.cpu_seconds(worker.pid) - cpu0
            span = entry["last"] - entry["first"]
            rcpu = C.cpu_seconds(receiver.pid) - rcpu0
            run = {"deliveries": entry["count"], "inboxes": entry["inboxes"], "span_s": span,
                   "rate": entry["count"] / span if span > 0 else float("nan"),
                   "first_after_resume_s": entry["first"] - t_publish, "cli_s": cli_s,
                   "receiver_cpu_s": rcpu, "others_cpu": other_cpu,
                   "stalls": entry["stalls"], "stalled_s": entry["stalled"],
                   "worker_cpu_s": cpu, "worker_cpu_us_per_delivery": 1e6 * cpu / entry["count"]}
            disturbed = not args.no_wait and other_cpu > C.QUIET and published - len(runs) <= args.max_retries
            if not disturbed:
                runs.append(run)
            print(f"  alert {n + 1}{' (discarded: disturbed by other processes)' if disturbed else ''}: {run['deliveries']} deliveries to {run['inboxes']} inboxes in {span:.3f} s "
                  f"= {run['rate']:,.0f}/s; first one {run['first_after_resume_s'] * 1000:.0f} ms after the worker resumed; "
                  f"{run['stalls']} gaps > {STALL * 1000:.0f} ms adding up to "
                  f"{run['stalled_s'] * 1000:.0f} ms; worker CPU {run['worker_cpu_us_per_delivery']:.0f} µs/delivery; "
                  f"receiver CPU {rcpu:.2f} s; others on CPU 0 {other_cpu:.2f}",
                  flush=True)
        stats = receiver_stats(control_port)
        counts = asyncio.run(_delivery_counts(db_url))
        if spy:
            spy.send_signal(2)
            spy.wait(timeout=30)
    finally:
        C.stop_process(worker)
    rates = [r["rate"] for r in runs]
    total = published * args.followers
    ok = (counts.get("done", 0) == total and sum(counts.values()) == total and stats["verified_bad"] == 0
          and stats["bad_requests"] == 0 and all(r["inboxes"] == args.followers for r in runs))
    db_name = "PostgreSQL" if args.db else "SQLite (WAL, synchronous=FULL)"
    probe_after, probe_cpu = C.speed_probe(0, per_cpu_second=True)
    ceiling = (probe + probe_after) / 2
    per_delivery = C.median([r["worker_cpu_us_per_delivery"] for r in runs])
    print(f"{C.signing_line(round(ceiling), C.median(rates), 'fan-out, signed deliveries per worker')} "
          f"(probes {probe:,} before, {probe_after:,} after); in CPU time: the worker spends {per_delivery:.0f} µs "
          f"per delivery, a signature costs {1e6 / probe_cpu:.0f} µs ({probe_cpu:,} signs per CPU second): "
          f"{1e6 / probe_cpu / per_delivery:.2f} x", flush=True)
    print(f"fan-out: median {C.median(rates):,.0f} deliveries/s (runs {', '.join(f'{r:,.0f}' for r in rates)}); "
          f"{args.followers} inboxes on {args.hosts} hosts; aan worker --concurrency {args.concurrency} on CPU 0"
          f"{' (variant ' + args.worker_variant + ')' if args.worker_variant else ''}, "
          f"receiver on CPU 1{' (nice -20)' if boosted else ''}; {db_name}; target >= 2,500/s")
    print(f"checks: deliveries table {counts}; receiver got {stats['total']} POSTs, signatures verified "
          f"{stats['verified_ok']} ok / {stats['verified_bad']} bad (every {args.verify_every}th); "
          f"duplicates {stats['total'] - total}; " + ("OK" if ok else "FAILED"), flush=True)

    clients = []
    if not args.no_clients:
        body = asyncio.run(_activity_body(db_url))
        key_id = f"http://127.0.0.1:{node_port}/actors/{username}#main-key"
        clients = run_clients(args, base, receiver.pid, [i for _, i in followers], private_pem, key_id, body, ceiling)
    C.stop_process(receiver)
    print(f"CPU 0 speed probe: {probe:,} RSA-2048 signs/s (reference 4,222/s); wall time {time.monotonic() - started:.0f} s")
    if args.json:
        print(json.dumps({"runs": runs, "clients": clients, "counts": counts}, indent=1))
    shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
