"""Idle memory and start time of ``aan serve`` next to the bare stack, in one run.

    python bench/startup.py [--runs 5] [--alerts 3] [--settle 3] [--requests 40] [--no-breakdown]
                            [--compare DIR]

Two servers are measured the same way, alternately:

* **bare**: uvicorn (uvloop, httptools) serving a minimal Starlette app that holds one RSA-2048
  key with cryptography (``bench/_bare_app.py``): the stack the node is built on, doing nothing.
* **aan serve** on SQLite with default options (the inbox writer and a set of delivery workers
  in the process), ``aan init --insecure-http`` and ``--alerts`` alerts published first.

Each start: the server is spawned pinned to CPU 0 while this script (CPU 1) polls
``GET /healthz`` every 2 ms over a new connection; *start* is spawn → first HTTP 200. ``--settle``
seconds after that first answer ``VmRSS`` is read (*idle RSS*). Then a light load: ``--requests``
rounds of GETs over one keep-alive connection (bare: ``/healthz`` and ``/sign``, which signs with
the key; node: its public pages, the actor, WebFinger, NodeInfo, the Atom feed, the outbox and the
staff login page); 1 s later ``VmRSS`` again (*RSS after load*). Then SIGTERM.

Three bytecode-cache cases, each for both servers:

* *warm*: ``PYTHONPYCACHEPREFIX`` is a directory filled by one unmeasured start (what an
  installed package that was byte-compiled at install sees);
* *cold*: ``PYTHONDONTWRITEBYTECODE=1`` and a fresh, empty ``PYTHONPYCACHEPREFIX`` for every start,
  so every module, the standard library's too, is compiled from source;
* *as installed*: the environment as it is here (``PYTHONDONTWRITEBYTECODE=1``; the
  site-packages have ``__pycache__``, the editable ``node`` package has none).

``--compare DIR`` adds a third server, the ``aan serve`` of another checkout (for instance the code
before a change, unpacked with ``git archive``), measured in the same rounds against the same bare
figures, so that before and after are compared in one run.

Reported: medians, and the node as a ratio to the bare stack of the same run (goals: idle RSS
at most 1.25 x bare, start at most 2 x bare, warm and cold). RSA-2048 signs/s
(``speed_probe``) before and after say how fast the machine was.

The breakdown (skip with ``--no-breakdown``), from extra starts that do not count in the figures:
where the start time goes (``-X importtime`` self time summed per package; the phases of the
node's start-up: imports, database connection, local actors and key load, schema check; through
``bench/_serve_probe.py``), RSS added by each import group in a fresh interpreter (in the
order ``aan serve`` needs them, each group marked whether the idle node has it loaded), and the
memory Python holds at idle by package (``tracemalloc``), split into module import and
long-lived objects made after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import _common as C

HERE = Path(__file__).resolve().parent
GOAL_RSS, GOAL_START = 1.25, 2.0


def read_status(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":")) / 1024


def light_load(port: int, paths: list[str], rounds: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    ok = 0
    try:
        for _ in range(rounds):
            for path, accept in paths:
                conn.request("GET", path, headers={"Accept": accept})
                response = conn.getresponse()
                response.read()
                ok += response.status < 400
    finally:
        conn.close()
    return ok


def one_start(cmd: list[str], port: int, env: dict, log: Path, *, settle: float, paths, rounds: int) -> dict:
    t0 = time.monotonic()
    proc = C.spawn(["taskset", "-c", "0", *cmd], log=log, env=env)
    try:
        first = C.wait_healthy(proc, port, log=log, timeout=60, interval=0.002)
        time.sleep(max(0.0, first + settle - time.monotonic()))
        idle = read_status(proc.pid, "VmRSS")
        answered = light_load(port, paths, rounds) if rounds else 0
        time.sleep(1.0)
        loaded = read_status(proc.pid, "VmRSS")
        peak = read_status(proc.pid, "VmHWM")
    finally:
        C.stop_process(proc)
    expected = rounds * len(paths)
    if answered != expected:
        raise RuntimeError(f"{answered} of {expected} load requests answered < 400: {log.read_text()[-2000:]}")
    return {"start": first - t0, "idle": idle, "loaded": loaded, "peak": peak}


def cases(base: Path) -> list[tuple[str, object]]:
    warm = base / "pycache-warm"
    counter = iter(range(10**6))

    def cold() -> dict:
        return {"PYTHONPYCACHEPREFIX": str(base / f"pycache-cold-{next(counter)}"), "PYTHONDONTWRITEBYTECODE": "1"}

    return [("warm", lambda: {"PYTHONPYCACHEPREFIX": str(warm), "PYTHONDONTWRITEBYTECODE": ""}),
            ("cold", cold),
            ("as installed", lambda: {})]


def fmt_runs(values, scale=1.0, digits=0) -> str:
    return ", ".join(f"{v * scale:.{digits}f}" for v in values)


# --- breakdown -------------------------------------------------------------------------------------

GROUPS = [  # (label, modules): in the order aan serve needs them; the bare stack is the first three
    ("python + asyncio", ["asyncio"]),
    ("uvicorn, uvloop, httptools, starlette", ["uvloop", "httptools", "uvicorn", "starlette.applications",
                                               "starlette.routing", "starlette.responses"]),
    ("cryptography (RSA, serialization)", ["cryptography.hazmat.primitives.asymmetric.rsa",
                                           "cryptography.hazmat.primitives.asymmetric.padding",
                                           "cryptography.hazmat.primitives.serialization"]),
    ("tortoise + pypika + aiosqlite", ["tortoise", "tortoise.backends.sqlite", "aiosqlite"]),
    ("httpx", ["httpx"]),
    ("aiohttp", ["aiohttp"]),
    ("prometheus_client", ["prometheus_client"]),
    ("jinja2", ["jinja2"]),
    ("markdown_it", ["markdown_it"]),
    ("nh3", ["nh3"]),
    ("yaml", ["yaml"]),
    ("pygments", ["pygments.lexers"]),
    ("anyascii", ["anyascii"]),
    ("python_multipart", ["python_multipart"]),
    ("babel", ["babel.dates"]),
    ("PIL", ["PIL.Image"]),
    ("node (what aan serve imports at start)", ["node.cli", "node.app", "node.limits", "node.storage.db"]),
]

_STEPS = r"""
import importlib, json, sys
def rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:")) / 1024
out = [("python", rss(), 0)]
for label, mods in json.loads(sys.argv[1]):
    before = len(sys.modules)
    for m in mods:
        importlib.import_module(m)
    out.append((label, rss(), len(sys.modules) - before))
print(json.dumps(out))
"""


def import_steps(env: dict) -> list:
    out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", _STEPS, json.dumps(GROUPS)],
                         capture_output=True, text=True, timeout=120, check=True, cwd=C.ROOT,
                         env={**os.environ, **env})
    return json.loads(out.stdout)


def importtime(stderr: str) -> tuple[float, dict[str, float]]:
    total, per = 0.0, {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = (part.strip() for part in line.replace("import time:", "").split("|"))
        parts = name.split(".")
        key = ".".join(parts[:2]) if parts[0] == "node" and len(parts) > 1 else parts[0]
        per[key] = per.get(key, 0.0) + int(self_us) / 1e6
        total += int(self_us) / 1e6
    return total, per


def probe_start(cmd_args: list[str], port: int, env: dict, base: Path, *, trace: bool, importtime_flag: bool,
                settle: float) -> tuple[dict, str, float, float]:
    out = base / f"probe-{time.monotonic_ns()}.json"
    cmd = ["taskset", "-c", "0", sys.executable, *(["-X", "importtime"] if importtime_flag else []),
           str(HERE / "_serve_probe.py"), str(out), *(["--trace"] if trace else []), *cmd_args]
    err = base / f"probe-{time.monotonic_ns()}.err"
    t0 = time.monotonic()
    proc = C.spawn(cmd, log=err, env=env)
    try:
        first = C.wait_healthy(proc, port, log=err, timeout=120, interval=0.002)
        time.sleep(settle)
        rss = read_status(proc.pid, "VmRSS")
        Path(str(out) + ".go").touch()
        deadline = time.monotonic() + 60
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        data = json.loads(out.read_text())
    finally:
        C.stop_process(proc)
    return data, err.read_text(), first - t0, rss, t0


def bare_importtime(cmd: list[str], port: int, env: dict, base: Path) -> float:
    err = base / f"bare-importtime-{time.monotonic_ns()}.err"
    proc = C.spawn(["taskset", "-c", "0", sys.executable, "-X", "importtime", *cmd[1:]], log=err, env=env)
    try:
        C.wait_healthy(proc, port, log=err, timeout=60, interval=0.002)
    finally:
        C.stop_process(proc)
    return importtime(err.read_text())[0]


def breakdown(node_args: list[str], bare_cmd: list[str], port: int, env: dict, base: Path, settle: float) -> None:
    print("\n== breakdown (extra starts, warm bytecode cache; not part of the figures above) ==", flush=True)
    bare_imports = bare_importtime(bare_cmd, port, env, base)
    data, err, started, _rss, t0 = probe_start(node_args, port, env, base, trace=False, importtime_flag=True,
                                               settle=0.2)
    total, per = importtime(err)
    marks, spans = data["marks"], data["spans"]
    print(f"aan serve start (under -X importtime, which slows imports): spawn -> first 200 {started * 1000:.0f} ms")
    print(f"  interpreter start, until the probe runs      {(marks['probe'] - t0) * 1000:6.0f} ms")
    print(f"  imports aan serve needs                      {(marks['imports'] - marks['probe']) * 1000:6.0f} ms")
    print(f"  configuration, logging, create_app           {(marks['lifespan'] - marks['imports']) * 1000:6.0f} ms")
    lifespan = marks["ready"] - marks["lifespan"]
    print(f"  app start-up (lifespan)                      {lifespan * 1000:6.0f} ms, of which:")
    for label, seconds in spans.items():
        print(f"      {label:40} {seconds * 1000:6.1f} ms")
    print(f"  uvicorn listening, first request answered    {(t0 + started - marks['ready']) * 1000:6.0f} ms")
    print(f"import time (self, -X importtime): node {total * 1000:.0f} ms in {len(per)} packages; "
          f"bare stack {bare_imports * 1000:.0f} ms. Top packages:")
    for name, seconds in sorted(per.items(), key=lambda kv: -kv[1])[:16]:
        print(f"      {name:40} {seconds * 1000:6.1f} ms")
    loaded = set(data["loaded"])
    print(f"modules loaded at idle: {data['modules']} ({len(data['node_modules'])} of the node's own)")

    steps = import_steps(env)
    print("RSS after each import group, fresh interpreter, in this order ('idle: no' = the idle node "
          "does not load it):")
    prev = None
    for (label, rss, count), (_, mods) in zip(steps, [("python", [])] + GROUPS, strict=True):
        at_idle = "" if not mods else ("" if mods[0].split(".")[0] in loaded else "   idle: no")
        delta = "" if prev is None else f"+{rss - prev:5.1f}"
        print(f"      {label:42} {rss:6.1f} MB {delta:>7} ({count} modules){at_idle}")
        prev = rss

    data, _err, _started, rss, _t0 = probe_start(node_args, port, env, base, trace=True, importtime_flag=False,
                                                 settle=settle)
    print(f"tracemalloc at idle ({settle:g} s after the first answer; RSS under tracing {rss:.1f} MB): "
          f"Python holds {data['traced'] / 2**20:.1f} MB, {data['traced_at_imports'] / 2**20:.1f} MB of it "
          "once the imports were done")
    for kind, what in (("all", "all of it, by package of the allocating line"),
                       ("after_imports", "allocated after the imports and still held (long-lived objects)")):
        table = data[kind]
        print(f"  {what}: {sum(table.values()) / 2**20:.1f} MB; top:")
        for name, size in sorted(table.items(), key=lambda kv: -kv[1])[:10]:
            print(f"      {name:40} {size / 2**20:6.2f} MB")


# --- main ------------------------------------------------------------------------------------------

def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--runs", type=int, default=5, help="starts per server and case")
    p.add_argument("--alerts", type=int, default=3, help="alerts published before measuring")
    p.add_argument("--settle", type=float, default=3.0, help="seconds after the first answer at which RSS is read")
    p.add_argument("--requests", type=int, default=40, help="rounds of the light load (one GET per path each)")
    p.add_argument("--cases", default="warm,cold,as installed", help="bytecode-cache cases to measure")
    p.add_argument("--no-breakdown", action="store_true", help="skip the import/memory breakdown")
    p.add_argument("--compare", metavar="DIR", help="also measure the node of another checkout (e.g. the code "
                   "before a change, from `git archive`) in the same run, as 'aan serve (DIR)'")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine before each start")
    args = p.parse_args()
    C.pin_self(1)
    boosted = C.boost_priority()
    base = C.tempdir()
    port = C.free_port()
    signs_before = C.speed_probe(0)
    data_dir = C.init_node(base, port)
    alert = ""
    for _ in range(args.alerts):
        alert = C.aan(data_dir, "alert", "publish", "--force", str(C.EXAMPLE_ALERT), cpu=1).strip().splitlines()[-1]
    alert_path = "/" + alert.split("/", 3)[3] if alert.startswith("http") else "/alerts"
    key = base / "bare-key.pem"
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric import rsa

    key.write_bytes(rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption()))
    ap, html = "application/activity+json", "text/html"
    domain = f"127.0.0.1:{port}"
    node_args = ["serve", "--port", str(port)]
    servers = {
        "bare": ([sys.executable, str(HERE / "_bare_app.py"), str(port), str(key)], {},
                 [("/healthz", "*/*"), ("/sign", "*/*")] * 4),
        "aan serve": ([sys.executable, "-m", "node.cli", *node_args], {"AAN_DATA_DIR": str(data_dir)},
                      [("/healthz", "*/*"), ("/", html), (alert_path, html), (alert_path, ap), ("/actors/alerts", ap),
                       (f"/.well-known/webfinger?resource=acct:alerts@{domain}", "application/jrd+json"),
                       ("/nodeinfo/2.1", "application/json"), ("/feed.atom", "*/*"),
                       ("/actors/alerts/outbox", ap), ("/login", html)]),
    }
    if args.compare:  # -P: the other checkout's node (PYTHONPATH), not the one in the working directory
        cmd, env, paths = servers["aan serve"]
        servers[f"aan serve ({args.compare})"] = (
            [sys.executable, "-P", "-m", "node.cli", *node_args],
            {**env, "PYTHONPATH": str(Path(args.compare).resolve())}, paths)
    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    results: dict[tuple[str, str], list[dict]] = {}
    log = base / "serve.log"
    for case, make_env in [c for c in cases(base) if c[0] in wanted]:
        if case == "warm":  # one unmeasured start of each fills the cache
            for cmd, env, paths in servers.values():
                one_start(cmd, port, {**env, **make_env()}, log, settle=0.2, paths=paths, rounds=1)
        for _ in range(args.runs):
            for name, (cmd, env, paths) in servers.items():  # alternately, so that both see the same machine
                if not args.no_wait:
                    C.wait_quiet(own=(os.getpid(),))
                results.setdefault((case, name), []).append(
                    one_start(cmd, port, {**env, **make_env()}, log, settle=args.settle, paths=paths,
                              rounds=args.requests))
    signs_after = C.speed_probe(0)

    print(f"RSA-2048 signs/s on CPU 0 (speed_probe): {signs_before} before, {signs_after} after")
    width = max(len(name) for name in servers)
    print(f"{'case':13} {'server':{width}} {'start (ms)':>11} {'idle RSS':>9} {'after load':>10} {'peak':>6}   runs (start ms; idle MB)")
    verdicts = []
    for case in wanted:
        med = {}
        for name in servers:
            rs = results[(case, name)]
            med[name] = {k: C.median([r[k] for r in rs]) for k in ("start", "idle", "loaded", "peak")}
            m = med[name]
            print(f"{case:13} {name:{width}} {m['start'] * 1000:11.0f} {m['idle']:8.1f}M {m['loaded']:9.1f}M "
                  f"{max(r['peak'] for r in rs):5.1f}M   {fmt_runs([r['start'] for r in rs], 1000)}; "
                  f"{fmt_runs([r['idle'] for r in rs], digits=1)}")
        b = med["bare"]
        for name in [n for n in servers if n != "bare"]:
            n = med[name]
            rs_ratio, st_ratio, ld_ratio = n["idle"] / b["idle"], n["start"] / b["start"], n["loaded"] / b["loaded"]
            print(f"{case:13} ratio {name}/bare: start {st_ratio:.2f} x (goal <= {GOAL_START:g}), idle RSS "
                  f"{rs_ratio:.2f} x (goal <= {GOAL_RSS:g}), after load {ld_ratio:.2f} x")
            if name == "aan serve":
                verdicts.append((case, st_ratio <= GOAL_START, rs_ratio <= GOAL_RSS))
    print("conditions: servers pinned to CPU 0, this script on CPU 1" + (", both at nice -20" if boosted else "")
          + f"; SQLite; {args.alerts} alerts published; {args.runs} runs per server and case; RSS "
          f"{args.settle:g} s after the first answer; load {args.requests} rounds; goals: "
          + "; ".join(f"{case}: start {'met' if s else 'NOT met'}, memory {'met' if m else 'NOT met'}"
                      for case, s, m in verdicts), flush=True)
    if not args.no_breakdown:
        breakdown(node_args, servers["bare"][0], port,
                  {"AAN_DATA_DIR": str(data_dir), "PYTHONPYCACHEPREFIX": str(base / "pycache-warm"),
                   "PYTHONDONTWRITEBYTECODE": ""}, base, args.settle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
