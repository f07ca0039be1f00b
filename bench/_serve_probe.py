"""``aan serve`` with probes, for the breakdown of ``bench/startup.py`` only (not the figures).

    python bench/_serve_probe.py OUT [--trace] serve --port …

Without ``--trace``: records when each start-up phase ends (``time.monotonic()``, comparable
with the bench's own clock): the imports ``aan serve`` needs, the database connection, the
local actors' query and their key load, the schema check, the end of the app's start-up.
With ``--trace``: starts ``tracemalloc`` before anything of the node is imported and, when
asked, sums the memory Python allocated that is still held by package of the allocating
line (the bytecode of imported modules shows as ``<frozen importlib._bootstrap_external>``),
and what was allocated after the imports and is still held (long-lived objects: caches, the
ORM's state, the workers...). C memory outside Python's allocator
(OpenSSL, SQLite, uvloop) is not seen by tracemalloc; the bench reports RSS next to it.

The JSON is written to OUT when the file ``OUT.go`` appears (the bench creates it once
the node has answered and settled).
"""

import json
import os
import sys
import threading
import time

T_PROBE = time.monotonic()
OUT = sys.argv.pop(1)
TRACE = sys.argv[1] == "--trace"
if TRACE:
    import tracemalloc

    sys.argv.pop(1)
    tracemalloc.start(1)

marks: dict[str, float] = {"probe": T_PROBE}
spans: dict[str, float] = {}


def _package(filename: str) -> str:
    parts = filename.replace("\\", "/").split("/")
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1:]
        return rest[0].removesuffix(".py").split(".")[0] if rest else "?"
    if "node" in parts:  # this repository's package
        i = len(parts) - 1 - parts[::-1].index("node")
        rest = parts[i + 1:]
        return "node." + rest[0].removesuffix(".py") if len(rest) > 1 else "node"
    if filename.startswith("<"):
        return filename
    return "stdlib"


def _by_package(stats) -> dict[str, int]:
    table: dict[str, int] = {}
    for stat in stats:
        name = _package(stat.traceback[0].filename)
        table[name] = table.get(name, 0) + getattr(stat, "size_diff", stat.size)
    return table


def _memory() -> dict:
    snapshot = tracemalloc.take_snapshot()
    after = snapshot.compare_to(_at_imports, "filename")
    return {"traced": tracemalloc.get_traced_memory()[0], "traced_at_imports": _traced_at_imports,
            "all": _by_package(snapshot.statistics("filename")), "after_imports": _by_package(after)}


def _watch() -> None:
    while not os.path.exists(OUT + ".go"):
        time.sleep(0.05)
    result = {"marks": marks, "spans": spans, "modules": len(sys.modules),
              "loaded": sorted({m.split(".")[0] for m in list(sys.modules)}),
              "node_modules": sorted(m for m in list(sys.modules) if m == "node" or m.startswith("node."))}
    if TRACE:
        result.update(_memory())
    with open(OUT + ".tmp", "w") as fh:
        json.dump(result, fh)
    os.replace(OUT + ".tmp", OUT)


def _timed(owner, name: str, label: str) -> None:
    original = getattr(owner, name)

    async def wrapper(*args, **kwargs):
        t = time.monotonic()
        try:
            return await original(*args, **kwargs)
        finally:
            spans[label] = spans.get(label, 0.0) + time.monotonic() - t

    setattr(owner, name, wrapper)


threading.Thread(target=_watch, daemon=True, name="probe").start()

# what cmd_serve imports
import uvicorn  # noqa: E402, F401

from node import app, service  # noqa: E402
from node.cli import main  # noqa: E402
from node.limits import LimitedHttpToolsProtocol  # noqa: E402, F401
from node.storage import db  # noqa: E402

marks["imports"] = time.monotonic()
if TRACE:
    _at_imports = tracemalloc.take_snapshot()
    _traced_at_imports = tracemalloc.get_traced_memory()[0]
_timed(db, "init", "database connection (tortoise init)")
_timed(app, "require_current_schema", "schema check")
_timed(service.Node, "load_actors", "local actors: query + key load")
_load_key = service.load_private_key


def _load_private_key(pem):
    t = time.monotonic()
    try:
        return _load_key(pem)
    finally:
        spans["key load (of which)"] = spans.get("key load (of which)", 0.0) + time.monotonic() - t


service.load_private_key = _load_private_key
_open = service.Node.open


async def _node_open(self, *args, **kwargs):
    marks.setdefault("lifespan", time.monotonic())
    return await _open(self, *args, **kwargs)


service.Node.open = _node_open
_settle = app.settle_garbage_collector


def _settled() -> None:
    _settle()
    marks.setdefault("ready", time.monotonic())


app.settle_garbage_collector = _settled
sys.exit(main())
