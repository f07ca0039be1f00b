"""An idle node does not load what it has not used yet (docs/performance.md, idle memory).

The app of ``aan serve`` (default options: workers in the process) is started in a fresh
interpreter, driven through its ASGI lifespan and asked ``/healthz``: by then neither HTTP
client library, nor the HTML side (templates, Markdown, sanitiser, YAML), nor the staff
interface may be imported. Then the first requests for a public page and the sign-in page
import what they need and answer as before.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

HEAVY = ("aiohttp", "httpx", "httpcore", "jinja2", "markdown_it", "nh3", "yaml", "PIL", "babel",
         "node.web.pages", "node.web.public", "node.webui.views_auth", "node.webui.views_compose",
         "node.activitypub.guard_httpx", "node.activitypub.guard_aiohttp")

SCRIPT = r"""
import asyncio, json, sys

from node.app import create_app
from node.config import Settings

HEAVY = json.loads(sys.argv[1])


async def request(app, path, host):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": [(b"host", host.encode()), (b"accept", b"text/html")],
             "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 80), "state": dict(state)}
    await app(scope, receive, send)
    return sent[0]["status"]


async def main():
    settings = Settings.from_environ()
    config = settings.read_config().node
    app = create_app(config, run_workers=1, settings=settings)
    inbox, outbox = asyncio.Queue(), asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": state},
                                       inbox.get, outbox.put))
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started
    result = {"healthz": await request(app, "/healthz", config.domain)}
    result["idle"] = [name for name in HEAVY if name in sys.modules]
    result["index"] = await request(app, "/", config.domain)
    result["login"] = await request(app, "/login", config.domain)
    result["after"] = [name for name in HEAVY if name in sys.modules]
    await inbox.put({"type": "lifespan.shutdown"})
    stopped = await outbox.get()
    assert stopped["type"] == "lifespan.shutdown.complete", stopped
    await lifespan
    print(json.dumps(result))


state = {}
asyncio.run(main())
"""


def test_idle_node_loads_no_client_library_and_no_html_side(node_dir):
    env = {**os.environ, "AAN_DATA_DIR": str(node_dir)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(HEAVY)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["healthz"] == 200
    assert result["idle"] == []
    assert result["index"] == 200 and result["login"] == 200
    assert {"node.web.pages", "node.webui.views_auth", "jinja2"} <= set(result["after"])
