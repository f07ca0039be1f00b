"""Inbox throughput of ONE ``aan serve`` process: signed Creates verified and durably stored per second.

    python bench/inbox.py [--duration 10] [--warmup 2] [--concurrency 128[,256…]] [--runs 3]
                          [--db postgres://postgres@127.0.0.1:5432/postgres]
                          [--node-gc freeze|freeze-threshold] [--profile FILE] [--trace FILE]

Set-up: ``aan init --insecure-http`` in a temp dir, ``aan serve --workers-in-process 0``
pinned to CPU 0. This script is the load generator, pinned to CPU 1; in the same event
loop it serves the fake remote actors' documents (so the node fetches each key once over
loopback). N distinct requests are pre-signed (2 processes, before the node starts) with
``sign_headers`` and one fixed RSA-2048 key, then replayed with aiohttp at a fixed
concurrency: first one request per actor (key fetch), then ``--warmup`` s, then
``--duration`` s measured. Afterwards inbox_items must hold exactly as many rows as
requests answered 202 (every 202 must be durably stored). With ``--db postgres://…/x`` a
fresh database is created next to that URL for each run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import resource
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import _common as C

NOTE_HTML = (
    "<p>Police in <strong>Istanbul</strong> detained reporter Jane Doe on 20 November 2026 after she "
    "covered a protest outside the courthouse. Her lawyer said she was held without charge and her "
    "equipment was confiscated. Colleagues from three outlets have called for her immediate release; "
    "press-freedom organisations are asking members to write to the Ministry of Justice. "
    "<a href=\"https://example.org/tags/pressfreedom\" class=\"mention hashtag\" rel=\"tag\">#<span>"
    "PressFreedom</span></a> <a href=\"https://example.org/tags/turkey\" class=\"mention hashtag\" "
    "rel=\"tag\">#<span>Turkey</span></a></p>"
)


def activity_body(actor_base: str, actor: int, n: int) -> bytes:
    """A realistic ~3 KB Mastodon-style Create(Note); unique per (actor, n)."""
    user = f"{actor_base}/users/u{actor}"
    note = f"{user}/statuses/{n}"
    doc = {
        "@context": ["https://www.w3.org/ns/activitystreams", {
            "ostatus": "http://ostatus.org#", "atomUri": "ostatus:atomUri",
            "inReplyToAtomUri": "ostatus:inReplyToAtomUri", "conversation": "ostatus:conversation",
            "sensitive": "as:sensitive", "toot": "http://joinmastodon.org/ns#",
            "votersCount": "toot:votersCount", "blurhash": "toot:blurhash",
            "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
            "Hashtag": "as:Hashtag"}],
        "id": f"{note}/activity",
        "type": "Create",
        "actor": user,
        "published": "2026-11-20T10:15:00Z",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [f"{user}/followers"],
        "object": {
            "id": note, "type": "Note", "summary": None, "inReplyTo": None,
            "published": "2026-11-20T10:15:00Z", "url": f"{actor_base}/@u{actor}/{n}",
            "attributedTo": user, "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "cc": [f"{user}/followers"], "sensitive": False, "atomUri": note,
            "inReplyToAtomUri": None, "conversation": f"tag:127.0.0.1,2026-11-20:objectId={n}:objectType=Conversation",
            "content": NOTE_HTML, "contentMap": {"en": NOTE_HTML},
            "attachment": [{"type": "Document", "mediaType": "image/jpeg",
                            "url": f"{actor_base}/media/{n}.jpg", "name": "Protest outside the courthouse",
                            "blurhash": "UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH", "width": 1200, "height": 800}],
            "tag": [{"type": "Hashtag", "href": f"{actor_base}/tags/pressfreedom", "name": "#pressfreedom"},
                    {"type": "Hashtag", "href": f"{actor_base}/tags/turkey", "name": "#turkey"}],
            "replies": {"id": f"{note}/replies", "type": "Collection",
                        "first": {"type": "CollectionPage", "next": f"{note}/replies?only_other_accounts=true&page=true",
                                  "partOf": f"{note}/replies", "items": []}},
        },
    }
    return json.dumps(doc, separators=(",", ":")).encode()


# --- pre-signing (in worker processes) -------------------------------------------------------------

_sign_ctx: dict = {}


def _sign_init(pem: str, inbox_url: str, actor_base: str, actors: int) -> None:
    from node.activitypub.keys import load_private_key

    _sign_ctx.update(key=load_private_key(pem), inbox=inbox_url, base=actor_base, actors=actors)


def _sign_range(start: int, end: int) -> list[tuple[str, str, str]]:
    """(Date, Digest, Signature) for request numbers start..end-1."""
    from node.activitypub.signatures import sign_headers

    ctx = _sign_ctx
    out = []
    for i in range(start, end):
        actor = i % ctx["actors"]
        body = activity_body(ctx["base"], actor, i)
        h = sign_headers("POST", ctx["inbox"], key_id=f"{ctx['base']}/users/u{actor}#main-key",
                         private_key=ctx["key"], body=body)
        out.append((h["Date"], h["Digest"], h["Signature"]))
    return out


def presign(n: int, pem: str, inbox_url: str, actor_base: str, actors: int) -> list[tuple[str, str, str]]:
    chunk = 2000
    with ProcessPoolExecutor(max_workers=2, initializer=_sign_init,
                             initargs=(pem, inbox_url, actor_base, actors)) as pool:
        parts = pool.map(_sign_range, range(0, n, chunk), [min(n, s + chunk) for s in range(0, n, chunk)])
        return [item for part in parts for item in part]


# --- fake remote actors ----------------------------------------------------------------------------

def actor_doc(base: str, i: int, pem: str) -> dict:
    return C.actor_doc(f"{base}/users/u{i}", pem, name=f"Sender {i}", shared_inbox=f"{base}/inbox")


async def start_actor_server(port: int, base: str, public_pem: str, stats: dict):
    def lookup(path: str) -> dict | None:
        name = path.rsplit("/", 1)[-1]
        if path != f"/users/{name}" or not name.startswith("u") or not name[1:].isdigit():
            return None
        return actor_doc(base, int(name[1:]), public_pem)

    return await C.start_actor_server(port, lookup, stats)


# --- load ------------------------------------------------------------------------------------------

async def load(args, concurrency: int, signed, node_port, actor_base, node_pid) -> dict:
    import aiohttp

    url = f"http://127.0.0.1:{node_port}{args.path}"
    host = f"127.0.0.1:{node_port}"
    total = len(signed)
    state = {"next": 0, "ok": 0, "errors": {}, "window_ok": 0, "lat": [], "trace": []}
    window = (float("inf"), float("inf"))

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60),
                                    skip_auto_headers=("User-Agent",))

    async def send(i: int) -> None:
        date, digest, signature = signed[i]
        body = activity_body(actor_base, i % args.actors, i)
        headers = {"Host": host, "Date": date, "Digest": digest, "Content-Type": "application/activity+json",
                   "Signature": signature}
        t0 = time.perf_counter()
        try:
            async with session.post(url, data=body, headers=headers) as resp:
                await resp.read()
                status = resp.status
        except Exception as exc:  # noqa: BLE001 - counted as an error
            status = type(exc).__name__
        t1 = time.perf_counter()
        if status == 202:
            state["ok"] += 1
            if window[0] <= t1 < window[1]:
                state["window_ok"] += 1
                state["lat"].append(t1 - t0)
                if args.trace:
                    state["trace"].append((t0, t1))
        else:
            state["errors"][str(status)] = state["errors"].get(str(status), 0) + 1

    cpu_marks: dict = {}
    others = C.OtherLoad((node_pid,), cpu=0)  # what others took of the node's CPU
    try:
        # 1. one request per actor, all at once: the node fetches each actor's key (once)
        state["next"] = args.actors
        await asyncio.gather(*(send(i) for i in range(args.actors)))
        # 2. warm-up, then the measured window, at a fixed number of requests in flight
        start = time.perf_counter()
        window = (start + args.warmup, start + args.warmup + args.duration)

        async def worker():
            while time.perf_counter() < window[1] and state["next"] < total:
                i = state["next"]
                state["next"] += 1
                await send(i)

        async def marks():
            await asyncio.sleep(max(0.0, window[0] - time.perf_counter()))
            cpu_marks["start"] = (C.cpu_seconds(node_pid), resource.getrusage(resource.RUSAGE_SELF))
            others.start()
            await asyncio.sleep(max(0.0, window[1] - time.perf_counter()))
            cpu_marks["end"] = (C.cpu_seconds(node_pid), resource.getrusage(resource.RUSAGE_SELF))
            cpu_marks["others"] = others.stop()

        gc.collect()
        gc.freeze()  # the load generator's own GC pauses must not show up as node latency
        mark_task = asyncio.create_task(marks())
        prof = asyncio.create_task(profile(args, node_pid, window)) if args.profile else None
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        ended = time.perf_counter()
        exhausted = state["next"] >= total and ended < window[1]
        if prof:
            await prof
        if not mark_task.done():
            mark_task.cancel()
            cpu_marks["end"] = (C.cpu_seconds(node_pid), resource.getrusage(resource.RUSAGE_SELF))
    finally:
        await session.close()
        gc.unfreeze()
    measured = min(window[1], ended) - window[0]
    node_cpu = gen_cpu = float("nan")
    if "start" in cpu_marks:
        node_cpu = cpu_marks["end"][0] - cpu_marks["start"][0]
        a, b = cpu_marks["start"][1], cpu_marks["end"][1]
        gen_cpu = (b.ru_utime + b.ru_stime) - (a.ru_utime + a.ru_stime)
    if args.trace:
        with open(args.trace, "w") as fh:
            fh.writelines(f"{a - window[0]:.6f} {b - window[0]:.6f}\n" for a, b in state["trace"])
    return {
        "concurrency": concurrency, "sent": state["next"], "ok": state["ok"], "errors": state["errors"],
        "window_ok": state["window_ok"], "measured_s": measured, "exhausted": exhausted,
        "rate": state["window_ok"] / measured if measured > 0 else 0.0,
        "p50_ms": C.pct(state["lat"], 50) * 1000, "p99_ms": C.pct(state["lat"], 99) * 1000,
        "node_cpu_pct": 100 * node_cpu / measured if measured > 0 else float("nan"),
        "gen_cpu_pct": 100 * gen_cpu / measured if measured > 0 else float("nan"),
        "others_cpu": cpu_marks.get("others", float("nan")),
    }


async def profile(args, pid: int, window) -> None:
    """py-spy (pinned to CPU 1) samples the node during the measured window; collapsed stacks to a file."""
    await asyncio.sleep(max(0.0, window[0] - time.perf_counter()))
    cmd = ["taskset", "-c", "1", "py-spy", "record", "-p", str(pid), "-d", str(max(1, int(args.duration))),
           "-r", "250", "--nonblocking", "-f", "raw", "-o", args.profile, "--threads"]
    proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    try:
        await asyncio.wait_for(proc.wait(), timeout=args.duration + 30)
    except TimeoutError:
        proc.kill()
        await proc.wait()


# --- one run ---------------------------------------------------------------------------------------

def one_run(args, concurrency: int, signed, node_port, actor_port, actor_base, public_pem) -> dict:
    base = C.tempdir()
    db = drop = None
    if args.db:
        db, drop = C.pg_create(args.db)
    try:
        data_dir = C.init_node(base, node_port, db=db)
        db_url = C.node_db_url(data_dir)
        log = base / "serve.log"
        serve = ["serve", "--port", str(node_port), "--workers-in-process", "0"]
        if args.node_gc == "default":
            cmd = C.aan_cmd(*serve, cpu=0)
        else:  # measuring a proposed change: same serve, GC tuned after start-up (bench/_serve_gc.py)
            cmd = ["taskset", "-c", "0", sys.executable, str(C.ROOT / "bench" / "_serve_gc.py"), args.node_gc, *serve]
        proc = C.spawn(cmd, log=log, env={"AAN_DATA_DIR": str(data_dir)})
        stats: dict = {}
        try:
            C.wait_healthy(proc, node_port, log=log)
            if not args.no_wait:
                C.wait_quiet(own=(os.getpid(), proc.pid))

            async def main():
                runner = await start_actor_server(actor_port, actor_base, public_pem, stats)
                try:
                    return await load(args, concurrency, signed, node_port, actor_base, proc.pid)
                finally:
                    await runner.cleanup()

            result = _run_loop(main())
            result["rows"] = C.count_rows(db_url, "inbox_items")
            result["key_fetches"] = stats.get("fetches", 0)
            result["node_rss_mb"] = C.rss_kb(proc.pid) / 1024
        finally:
            C.stop_process(proc)
    finally:
        if drop:
            drop()
        shutil.rmtree(base, ignore_errors=True)
    return result


_run_loop = C.run_loop


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring")
    p.add_argument("--concurrency", default="128",
                   help="requests in flight; a comma-separated list runs each in turn")
    p.add_argument("--runs", type=int, default=3, help="runs per concurrency, each on a fresh node; median reported")
    p.add_argument("--actors", type=int, default=50, help="distinct fake remote actors (keys)")
    p.add_argument("--requests", type=int, default=0,
                   help="pre-signed requests (0: enough for 9,000/s over warm-up + duration)")
    p.add_argument("--path", default="/inbox", help="inbox path (/inbox is the shared inbox)")
    p.add_argument("--db", help="PostgreSQL admin URL, e.g. postgres://postgres@127.0.0.1:5432/postgres; "
                                "a fresh database is created next to it for each run and dropped")
    p.add_argument("--node-gc", choices=("default", "freeze", "freeze-threshold"), default="default",
                   help="experiment: GC setting applied in the node after start-up (see bench/_serve_gc.py)")
    p.add_argument("--profile", metavar="FILE", help="py-spy the node during the window (collapsed stacks)")
    p.add_argument("--trace", metavar="FILE", help="write each measured request's start/end times")
    p.add_argument("--json", action="store_true", help="also print all results as JSON")
    p.add_argument("--no-wait", action="store_true",
                   help="do not wait for other processes on the machine to go quiet before each run, "
                        "nor discard runs they disturbed")
    p.add_argument("--max-retries", type=int, default=6, help="disturbed runs discarded at most")
    args = p.parse_args()
    levels = [int(c) for c in str(args.concurrency).split(",")]
    n = args.requests or int(9_000 * (args.warmup + args.duration)) + args.actors
    started = time.monotonic()

    from node.activitypub.keys import generate_private_key, private_key_to_pem, public_key_pem

    boosted = C.boost_priority()
    if not args.no_wait:
        C.wait_quiet(own=(os.getpid(),))
    probe = C.speed_probe(0)
    key = generate_private_key()
    pem, public_pem = private_key_to_pem(key), public_key_pem(key)
    node_port, actor_port = C.free_ports(2)
    actor_base = f"http://127.0.0.1:{actor_port}"
    t = time.monotonic()
    signed = presign(n, pem, f"http://127.0.0.1:{node_port}{args.path}", actor_base, args.actors)
    print(f"pre-signed {n} requests in {time.monotonic() - t:.1f} s (2 processes); "
          f"CPU 0 speed probe: {probe:,} RSA-2048 signs/s (reference 4,222/s)", flush=True)
    C.pin_self(1)

    db = "PostgreSQL (fresh database per run)" if args.db else "SQLite (WAL, synchronous=FULL)"
    ok = True
    summary = []
    for concurrency in levels:
        results = []
        retries = 0
        while len(results) < args.runs:
            r = one_run(args, concurrency, signed, node_port, actor_port, actor_base, public_pem)
            run = len(results)
            if not args.no_wait and r["others_cpu"] > C.QUIET and retries < args.max_retries:
                retries += 1
                print(f"  c={concurrency} run discarded ({r['rate']:,.0f} req/s): other processes took "
                      f"{r['others_cpu']:.2f} of CPU 0 during it", flush=True)
                continue
            results.append(r)
            durable = "OK" if r["rows"] == r["ok"] else "MISMATCH"
            ok = ok and r["rows"] == r["ok"] and not r["errors"]
            print(f"  c={concurrency} run {run + 1}: {r['rate']:,.0f} req/s  p50 {r['p50_ms']:.1f} ms  "
                  f"p99 {r['p99_ms']:.1f} ms  errors {sum(r['errors'].values())}{' ' + str(r['errors']) if r['errors'] else ''}"
                  f"  202s {r['ok']} = rows {r['rows']} [{durable}]  key fetches {r['key_fetches']}  "
                  f"node CPU {r['node_cpu_pct']:.0f}%  load-gen CPU {r['gen_cpu_pct']:.0f}%  "
                  f"node RSS {r['node_rss_mb']:.0f} MB  others on CPU 0 {r['others_cpu']:.2f}" + ("  (ran out of pre-signed requests)" if r["exhausted"] else ""),
                  flush=True)
        rates = [r["rate"] for r in results]
        line = (f"inbox c={concurrency}: median {C.median(rates):,.0f} req/s verified+stored "
                f"(runs {', '.join(f'{x:,.0f}' for x in rates)}); p50 {C.median([r['p50_ms'] for r in results]):.1f} ms, "
                f"p99 {C.median([r['p99_ms'] for r in results]):.1f} ms; = {C.median(rates) / probe:.2f} x the "
                f"RSA-2048 signing rate of this run ({probe:,}/s on CPU 0)")
        summary.append((line, results))
        print(line, flush=True)
    print(f"conditions: {db}; node GC {args.node_gc}; {args.warmup:g} s warm-up + {args.duration:g} s measured; "
          f"{args.runs} run(s) per level; {args.actors} sender keys; node pinned to CPU 0, load generator to CPU 1"
          f"{', both at nice -20' if boosted else ''}; "
          f"target >= 4,000 req/s; wall time {time.monotonic() - started:.0f} s")
    print("durability check: " + ("every 202 has its row in inbox_items, no errors" if ok else "FAILED"))
    if args.json:
        print(json.dumps([r for _, rs in summary for r in rs], indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
