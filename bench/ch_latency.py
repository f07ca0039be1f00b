"""Propagation latency on loopback: member alert committed -> Clearing House boost at a reader.

    python bench/ch_latency.py [--alerts 200] [--warmup 5] [--gap-ms 100:200] [--mode poll,wake]
                               [--runs 1] [--quiet 0.25 --quiet-wait 90]
                               [--db postgres://postgres@127.0.0.1:5432/postgres]

Results and their discussion: docs/performance-clearinghouse.md.

Three real parties, all on 127.0.0.1:

* a member: ``aan init`` (SQLite) + ``aan serve`` pinned to CPU 1;
* a Clearing House: ``aan init --role clearinghouse`` on a fresh PostgreSQL database
  (created next to ``--db`` and dropped afterwards) + ``aan serve`` pinned to CPU 0; the member
  is added with the real ``aan member add`` (Follow, Accept, member active);
* a reader: an aiohttp inbox in this process (pinned to CPU 1 with the member) that records the
  arrival time of each Announce and verifies its HTTP signature against the Clearing House's
  public key. It is made a follower of the Clearing House by a ``followers`` row written into the
  Clearing House's database before it starts (the Follow handshake is not what is measured).

This process opens the member's database itself (``Node(config).open()``) and publishes each alert
with ``node.activitypub.outbox.publish_alert``; t0 is taken right after that call returns, i.e.
after its transaction committed. Latency = arrival of the Announce at the reader - t0 (both
``time.time()`` in this process). Alerts are published one at a time with a random gap
(``--gap-ms``), each with its own target, country and incident date (15 days apart), so each opens
its own case and is boosted: this measures latency, not throughput.

Stages are read afterwards from the two databases (wall-clock timestamps written by the nodes):
member fan-out row created (the member's worker picked the job up), Clearing House inbox row
stored, alert indexed, Announce queued, reader arrival.

Modes (``--mode``):

``poll``  as shipped. The job is queued by another process than ``aan serve``, so the member's
          worker only sees it at its next idle poll (``node/workers.py``: every 50 ms).
``wake``  the proposed cross-process wake-up, measured before it is made: the member's ``aan serve``
          is started through this file (``--serve-with-wake SOCK``), which adds to it a Unix
          datagram socket whose readability calls ``node.poke()``; the publisher sends one byte
          to it after each commit. Nothing in node/ is changed by this.
"""

from __future__ import annotations

import sys

# --- the 'wake' variant of `aan serve` (must run before anything else is imported) -----------------

if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--serve-with-wake":
    import asyncio
    import os
    import socket

    _sock_path = sys.argv[2]
    from node import workers as _workers

    _start = _workers.Workers.start

    async def _start_with_wake(self) -> None:
        await _start(self)
        try:
            os.unlink(_sock_path)
        except FileNotFoundError:
            pass
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(_sock_path)
        sock.setblocking(False)

        def readable() -> None:
            try:
                while True:
                    sock.recv(64)
            except BlockingIOError:
                pass
            self.node.poke()

        asyncio.get_running_loop().add_reader(sock.fileno(), readable)
        self._wake_socket = sock

    _workers.Workers.start = _start_with_wake
    from node.cli import main as _main

    sys.exit(_main(sys.argv[3:]))

# --- the benchmark ----------------------------------------------------------------------------------

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from datetime import date, timedelta  # noqa: E402

import _common as C  # noqa: E402

COUNTRIES = ["TR", "EG", "IR", "MX", "RU", "IN", "PH", "BY", "AZ", "VN"]
FIRST = ["Ayse", "Mehmet", "Zeynep", "Omar", "Leila", "Dmitri", "Priya", "Maria", "Nguyen", "Rustam",
         "Farah", "Carlos", "Olga", "Arjun", "Rosa", "Tariq", "Elif", "Hossein", "Lucia", "Bao"]
LAST = ["Yilmaz", "Hassan", "Karimi", "Hernandez", "Volkov", "Sharma", "Santos", "Tran", "Aliyev",
        "Demir", "Mansour", "Moradi", "Lopez", "Petrova", "Iyer", "Reyes", "Pham", "Guliyev", "Kaya",
        "Nasser"]


def alert_text(i: int) -> str:
    """A valid alert file; distinct target, country and date (15 days apart) for every i."""
    name = f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]}"
    when = date(2016, 1, 1) + timedelta(days=15 * i)
    return "\n".join([
        "---", "type: alert", f"headline: Journalist {name} detained (bench {i})", "language: en",
        f"country: {COUNTRIES[i % len(COUNTRIES)]}", f"incident_date: {when.isoformat()}",
        "categories: [detention]", "act_types: [arrested_detained]",
        "targets:", f"  - name: {name}", "    kind: individual", "    profession: journalist",
        f"summary: Police detained {name} after a report on local corruption.",
        "recommended_action:", f"  asks: [Release {name} immediately]",
        "---", f"Police detained **{name}**, a reporter, on {when:%d %B %Y}. Colleagues ask for support.", ""])


# the machine's and PostgreSQL's CPU: bench/_common.py
machine_busy, busy_cpu_seconds, postgres_cpu, own_cpu = C.machine_busy, C.busy_cpu_seconds, C.postgres_cpu, C.own_cpu
wait_quiet = C.wait_machine_quiet


# --- PostgreSQL / SQLite helpers --------------------------------------------------------------------

async def pg(db_url: str, sql: str, *args, fetch: bool = True):
    import asyncpg

    conn = await asyncpg.connect(db_url.replace("postgres://", "postgresql://", 1), timeout=5)
    try:
        return await (conn.fetch(sql, *args) if fetch else conn.execute(sql, *args))
    finally:
        await conn.close()


async def seed_reader(ch_db: str, username: str, reader_base: str) -> None:
    """The reader follows the Clearing House (row written before the Clearing House starts)."""
    await pg(ch_db, "INSERT INTO followers (local_actor_id, actor_uri, inbox, shared_inbox, follow_id, created_at) "
                    "SELECT id, $2, $3, NULL, $4, now() FROM local_actors WHERE username = $1",
             username, f"{reader_base}/users/reader", f"{reader_base}/users/reader/inbox",
             f"{reader_base}/follows/1", fetch=False)


async def wait_member_active(ch_db: str, actor: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = await pg(ch_db, "SELECT state FROM members WHERE actor_uri = $1", actor)
        if rows and rows[0]["state"] == "active":
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"member {actor} not active within {timeout}s")


def ts(value) -> float:
    """A database timestamp (aware datetime, or SQLite text) as seconds since the epoch."""
    from datetime import datetime

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.timestamp()


# --- one run ------------------------------------------------------------------------------------------

def setup(args, mode: str) -> dict:
    """Databases, the two node processes, membership (synchronous: _common uses asyncio.run)."""
    base = C.tempdir()
    member_port, ch_port, reader_port = C.free_ports(3)
    ch_db, drop = C.pg_create(args.db)
    member_dir = C.init_node(base, member_port, name="member")
    ch_dir = C.init_node(base, ch_port, db=ch_db, name="ch", role="clearinghouse")
    reader_base = f"http://127.0.0.1:{reader_port}"
    asyncio.run(seed_reader(ch_db, "alerts", reader_base))
    env = {"AAN_LOG_LEVEL": "warning"}
    ch_log, member_log = base / "ch.log", base / "member.log"
    ch = C.spawn(C.aan_cmd("serve", "--port", str(ch_port), cpu=0), log=ch_log,
                 env={**env, "AAN_DATA_DIR": str(ch_dir)})
    wake_path = str(base / "member-wake.sock")
    serve = ["serve", "--port", str(member_port)]
    member_cmd = (["taskset", "-c", "1", sys.executable, str(C.ROOT / "bench" / "ch_latency.py"),
                   "--serve-with-wake", wake_path, *serve] if mode == "wake" else C.aan_cmd(*serve, cpu=1))
    member = C.spawn(member_cmd, log=member_log, env={**env, "AAN_DATA_DIR": str(member_dir)})
    C.wait_healthy(ch, ch_port, log=ch_log)
    C.wait_healthy(member, member_port, log=member_log)
    member_actor = f"http://127.0.0.1:{member_port}/actors/alerts"
    C.aan(ch_dir, "member", "add", f"@alerts@127.0.0.1:{member_port}", cpu=1)
    asyncio.run(wait_member_active(ch_db, member_actor))
    return {"base": base, "ch_db": ch_db, "drop": drop, "ch": ch, "member": member, "member_dir": member_dir,
            "ch_actor": f"http://127.0.0.1:{ch_port}/actors/alerts", "reader_port": reader_port,
            "wake_path": wake_path}


def teardown(env: dict) -> None:
    C.stop_process(env["member"])
    C.stop_process(env["ch"])
    env["drop"]()


async def run(args, mode: str, env: dict) -> dict:
    from aiohttp import web

    from node.activitypub import outbox
    from node.activitypub.keys import load_public_key
    from node.activitypub.signatures import SignatureError, parse_request
    from node.alerts import parse_alert_file
    from node.config import NodeConfig
    from node.service import Node
    from node.storage import models

    ch_db, ch_actor, reader_port, wake_path = env["ch_db"], env["ch_actor"], env["reader_port"], env["wake_path"]
    member_dir = env["member_dir"]
    request = urllib.request.Request(ch_actor, headers={"Accept": "application/activity+json"})
    ch_key = load_public_key(json.loads(urllib.request.urlopen(request, timeout=5).read())["publicKey"]["publicKeyPem"])

    arrivals: dict[str, tuple[float, bool]] = {}
    got = asyncio.Event()
    bad: list[str] = []

    async def inbox(req: web.Request) -> web.Response:
        t = time.time()
        body = await req.read()
        try:
            ok = parse_request("POST", f"http://{req.headers.get('Host')}{req.raw_path}",
                               dict(req.headers), body).verify(ch_key)
        except SignatureError:
            ok = False
        activity = json.loads(body)
        if activity.get("type") == "Announce" and activity.get("actor") == ch_actor:
            arrivals.setdefault(activity["object"], (t, ok))
            got.set()
        else:
            bad.append(activity.get("type"))
        return web.Response(status=202 if ok else 401)

    app = web.Application()
    app.router.add_post("/users/reader/inbox", inbox)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", reader_port).start()

    config = NodeConfig.load(member_dir)
    node = await Node(config).open()
    alerts = [parse_alert_file(alert_text(i)) for i in range(args.warmup + args.alerts)]
    wake = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) if mode == "wake" else None
    committed: dict[str, float] = {}
    order: list[str] = []
    rng = random.Random(7)
    lo, hi = (float(x) / 1000 for x in args.gap_ms.split(":"))
    pids = [env["ch"].pid, env["member"].pid]
    busy0, ours0, t_start = busy_cpu_seconds(), sum(map(C.cpu_seconds, pids)) + postgres_cpu() + own_cpu(), time.time()
    try:
        for alert in alerts:
            row = await outbox.publish_alert(node.org, node.urls, alert)
            t0 = time.time()
            if wake is not None:
                try:
                    wake.sendto(b"!", wake_path)
                except OSError:
                    pass
            uri = node.urls.alert(row.id)
            committed[uri] = t0
            order.append(uri)
            await asyncio.sleep(rng.uniform(lo, hi))
        deadline = time.monotonic() + args.timeout
        while len(arrivals.keys() & committed.keys()) < len(committed) and time.monotonic() < deadline:
            got.clear()
            try:
                await asyncio.wait_for(got.wait(), timeout=0.5)
            except TimeoutError:
                pass
        wall = time.time() - t_start
        others = (busy_cpu_seconds() - busy0) - (sum(map(C.cpu_seconds, pids)) + postgres_cpu() + own_cpu() - ours0)
        # stages, from the member's database (this process has it open) and the Clearing House's
        creates = {a.object_uri: a.id for a in await models.Activity.filter(type="Create")}
        fanned = {d.activity_id: ts(d.created_at) for d in await models.Delivery.all()}
    finally:
        await node.close()
        await runner.cleanup()
        if wake is not None:
            wake.close()
    ch_rows = await pg(ch_db, "SELECT i.uri, i.received_at, i.boost, i.case_id, "
                              "(SELECT created_at FROM inbox_items WHERE activity_id = "
                              "  (i.create_activity->>'id')) AS stored, "
                              "(SELECT a.created_at FROM boosts b JOIN activities a ON a.id = b.activity_id "
                              "  WHERE b.alert_id = i.id LIMIT 1) AS announced "
                              "FROM indexed_alerts i")
    cases = (await pg(ch_db, "SELECT COUNT(*) AS n FROM cases"))[0]["n"]

    by_uri = {r["uri"]: r for r in ch_rows}
    measured = order[args.warmup:]
    total, stages = [], {"member picks up (fan-out row)": [], "member -> CH inbox stored": [],
                         "CH stored -> indexed": [], "CH indexed -> Announce queued": [],
                         "Announce queued -> reader": []}
    missing = 0
    for uri in measured:
        if uri not in arrivals:
            missing += 1
            continue
        t0, t_arr = committed[uri], arrivals[uri][0]
        total.append(t_arr - t0)
        r = by_uri.get(uri)
        picked = fanned.get(creates.get(uri))
        if r is None or picked is None or r["stored"] is None or r["announced"] is None:
            continue
        marks = [t0, picked, ts(r["stored"]), ts(r["received_at"]), ts(r["announced"]), t_arr]
        for values, a, b in zip(stages.values(), marks, marks[1:], strict=False):
            values.append(b - a)
    return {
        "mode": mode, "n": len(measured), "missing": missing, "lat": total, "stages": stages,
        "verified": sum(1 for u in measured if arrivals.get(u, (0, False))[1]),
        "boosted": sum(1 for r in ch_rows if r["boost"] == "boosted"), "indexed": len(ch_rows), "cases": cases,
        "unexpected": bad, "others_pct": 100 * others / wall,
    }


def ms(values, p) -> str:
    return f"{C.pct(values, p) * 1000:.1f}"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--alerts", type=int, default=200, help="measured alerts")
    p.add_argument("--warmup", type=int, default=5, help="alerts published first and not counted")
    p.add_argument("--gap-ms", default="100:200", help="random pause between publications, MIN:MAX ms")
    p.add_argument("--mode", default="poll,wake", help="comma-separated: poll (as shipped), wake (proposal)")
    p.add_argument("--runs", type=int, default=1, help="runs per mode, each on a fresh network")
    p.add_argument("--timeout", type=float, default=30, help="seconds to wait for the last boost")
    p.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/postgres",
                   help="PostgreSQL admin URL; a fresh database is created next to it per run and dropped")
    p.add_argument("--quiet", type=float, default=0.25,
                   help="before each run, wait until the machine is at most this busy (shared VM)")
    p.add_argument("--quiet-wait", type=float, default=90, help="longest wait for --quiet, seconds")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    started = time.monotonic()
    probe = C.speed_probe(0)
    print(f"CPU 0 speed probe: {probe:,} RSA-2048 signs/s (reference 4,222/s)", flush=True)
    C.pin_self(1)
    ok = True
    results = []
    for mode in args.mode.split(","):
        for i in range(args.runs):
            busy, waited = wait_quiet(args.quiet, args.quiet_wait)
            r = C_run(args, mode)
            results.append(r)
            lat = r["lat"]
            good = (not r["missing"] and r["verified"] == r["n"] and r["cases"] == r["indexed"]
                    == r["boosted"] == r["n"] + args.warmup and not r["unexpected"])
            ok = ok and good
            print(f"\n[{mode}] run {i + 1}: {len(lat)}/{r['n']} boosts arrived, {r['verified']} signatures verified; "
                  f"CH indexed {r['indexed']}, cases {r['cases']}, boosted {r['boosted']} "
                  f"({'OK' if good else 'CHECK FAILED'}); machine {100 * busy:.0f}% busy before the run "
                  f"(waited {waited:.0f} s); other processes used {r['others_pct']:.0f}% of one CPU during it",
                  flush=True)
            print(f"  commit -> boost at reader: median {ms(lat, 50)} ms  p90 {ms(lat, 90)} ms  "
                  f"p99 {ms(lat, 99)} ms  max {max(lat) * 1000:.1f} ms  (min {min(lat) * 1000:.1f} ms)")
            for name, values in r["stages"].items():
                print(f"    {name:34} median {ms(values, 50):>6} ms  p90 {ms(values, 90):>6} ms  "
                      f"max {max(values) * 1000 if values else float('nan'):6.1f} ms")
    print(f"\nconditions: member aan serve (SQLite, WAL FULL) on CPU 1; Clearing House aan serve on PostgreSQL "
          f"(fresh database) on CPU 0; publisher + reader (this process) on CPU 1; PostgreSQL server unpinned; "
          f"{args.alerts} alerts (+{args.warmup} warm-up) per run, {args.gap_ms} ms apart; "
          f"targets median < 50 ms, p99 < 250 ms; wall time {time.monotonic() - started:.0f} s")
    for mode in args.mode.split(","):
        runs = [r for r in results if r["mode"] == mode]
        lat = [x for r in runs for x in r["lat"]]
        if len(runs) > 1:
            meds = [C.pct(r["lat"], 50) * 1000 for r in runs]
            p99s = [C.pct(r["lat"], 99) * 1000 for r in runs]
            others = [r["others_pct"] for r in runs]
            print(f"runs [{mode}]: medians {', '.join(f'{m:.1f}' for m in meds)} ms (median of runs "
                  f"{C.median(meds):.1f} ms); p99s {', '.join(f'{m:.1f}' for m in p99s)} ms (median of runs "
                  f"{C.median(p99s):.1f} ms); other processes {', '.join(f'{o:.0f}%' for o in others)} of one CPU")
        if lat:
            med, p99 = C.pct(lat, 50), C.pct(lat, 99)
            print(f"pooled [{mode}]: median {med * 1000:.1f} ms ({'met' if med < 0.05 else 'MISSED'}), "
                  f"p90 {ms(lat, 90)} ms, p99 {p99 * 1000:.1f} ms ({'met' if p99 < 0.25 else 'MISSED'}), "
                  f"max {max(lat) * 1000:.1f} ms over {len(lat)} alerts")
    if args.json:
        print(json.dumps([{k: v for k, v in r.items()} for r in results]))
    return 0 if ok else 1


def C_run(args, mode: str) -> dict:
    env = setup(args, mode)
    try:
        try:
            import uvloop
        except ImportError:
            return asyncio.run(run(args, mode, env))
        return uvloop.run(run(args, mode, env))
    finally:
        teardown(env)


if __name__ == "__main__":
    sys.exit(main())
