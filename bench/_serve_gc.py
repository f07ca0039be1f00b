"""``aan serve`` with a garbage-collector setting applied once the app has started.

Only for the benchmarks' ``--node-gc`` experiments: it measures a change proposed for
``node/app.py`` (lifespan) without editing the node. Usage (as ``aan``)::

    python bench/_serve_gc.py MODE serve --port … --workers-in-process 0

MODE: ``freeze`` (gc.collect(); gc.freeze() after start-up) or
``freeze-threshold`` (the same, plus gc.set_threshold(7000, 10, 10)).
"""

import gc
import sys

from node.activitypub import inbox
from node.cli import main

MODE = sys.argv.pop(1)
if MODE not in ("freeze", "freeze-threshold"):
    sys.exit(f"unknown mode {MODE!r}")
_start = inbox.InboxWriter.start


def start(self) -> None:  # the last step of the app's lifespan start-up
    _start(self)
    gc.collect()
    gc.freeze()
    if MODE == "freeze-threshold":
        gc.set_threshold(7000, 10, 10)


inbox.InboxWriter.start = start
sys.exit(main())
