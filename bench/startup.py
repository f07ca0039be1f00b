"""Idle memory and cold start of ``aan serve``.

    python bench/startup.py [--runs 5] [--alerts 3] [--settle 3]

Set-up: ``aan init --insecure-http`` in a temp dir and ``--alerts`` alerts published with
``aan alert publish``. Then ``--runs`` times: ``aan serve`` (default options, i.e. with the
in-process workers) is spawned pinned to CPU 0 while this script, pinned to CPU 1, polls
``GET /healthz`` every 2 ms over a new connection; "start" is the time from just before
the spawn to the first HTTP 200. ``--settle`` seconds after the spawn, VmRSS is read from
/proc/<pid>/status; then the process is stopped with SIGTERM. Medians are reported.

Python's bytecode cache matters for the start time. This environment sets
PYTHONDONTWRITEBYTECODE=1, so the node's own modules (an editable install without
``__pycache__``) are compiled on every start. Both cases are measured: "as installed"
(the environment as it is) and "bytecode cached" (PYTHONPYCACHEPREFIX pointing at a temp dir
that the first, unmeasured start fills), which is what a normal installation sees.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import _common as C


def one_start(data_dir, port: int, settle: float, env: dict, log) -> dict:
    t0 = time.monotonic()
    proc = C.spawn(C.aan_cmd("serve", "--port", str(port), cpu=0), log=log,
                   env={"AAN_DATA_DIR": str(data_dir), **env})
    try:
        first = C.wait_healthy(proc, port, log=log, timeout=30, interval=0.002)
        started = first - t0
        time.sleep(max(0.0, t0 + settle - time.monotonic()))
        rss = C.rss_kb(proc.pid) / 1024
        with open(f"/proc/{proc.pid}/status") as fh:
            hwm = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024
    finally:
        C.stop_process(proc)
    return {"start_s": started, "rss_mb": rss, "hwm_mb": hwm}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--alerts", type=int, default=3, help="alerts published before measuring")
    p.add_argument("--settle", type=float, default=3.0, help="seconds after spawn at which RSS is read")
    p.add_argument("--no-wait", action="store_true", help="do not wait for a quiet machine before each start")
    args = p.parse_args()
    C.pin_self(1)
    boosted = C.boost_priority()
    base = C.tempdir()
    port = C.free_port()
    data_dir = C.init_node(base, port)
    for _ in range(args.alerts):
        C.aan(data_dir, "alert", "publish", "--force", str(C.EXAMPLE_ALERT), cpu=1)
    pycache = base / "pycache"
    cases = [("as installed", {}),
             ("bytecode cached", {"PYTHONPYCACHEPREFIX": str(pycache), "PYTHONDONTWRITEBYTECODE": ""})]
    ok = True
    for name, env in cases:
        if env:  # one unmeasured start fills the cache
            one_start(data_dir, port, 0.5, env, base / "serve.log")
        results = []
        for _ in range(args.runs):
            if not args.no_wait:
                C.wait_quiet(own=(os.getpid(),))
            results.append(one_start(data_dir, port, args.settle, env, base / "serve.log"))
        start = C.median([r["start_s"] for r in results])
        rss = C.median([r["rss_mb"] for r in results])
        starts = ", ".join(f"{r['start_s'] * 1000:.0f}" for r in results)
        rsss = ", ".join(f"{r['rss_mb']:.1f}" for r in results)
        peak = max(r["hwm_mb"] for r in results)
        print(f"{name:16}: spawn -> first 200 on /healthz: median {start * 1000:.0f} ms (runs {starts}); "
              f"RSS {args.settle:g} s after start: median {rss:.1f} MB (runs {rsss}; peak {peak:.1f} MB)", flush=True)
        ok = ok and start < 0.5 and rss < 60
    print(f"conditions: aan serve (default: workers in process) pinned to CPU 0, poller on CPU 1"
          f"{', both at nice -20' if boosted else ''}; SQLite; "
          f"{args.alerts} alerts published; {args.runs} runs per case; targets: start < 500 ms, idle RSS < 60 MB; "
          + ("both met" if ok else "NOT MET"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
