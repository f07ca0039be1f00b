"""node.services.profile: one function shows, one saves the profile, for `aan profile` and the settings form.

The last test is the drift this service removes: a profile edited in the web
interface reaches a separate `aan worker` process without a restart.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import httpx
import orjson
import pytest
from conftest import ROOT, free_port, wait_for
from webui_support import PASSWORD, csrf_of, png_bytes, post_form, site  # noqa: F401 - fixture

from node import errors
from node.config import NodeConfig
from node.media import header_image, media_dir
from node.ops.keys import actors_version
from node.services import profile
from node.storage import db
from node.storage.models import Activity, Follower, LocalActor

pytest_plugins = ("service_support",)  # the node fixture, opened as the CLI opens it


async def _updates() -> list[dict]:
    return [orjson.loads(a.body) for a in await Activity.filter(type="Update").order_by("created_at", "id")]


async def test_show_reads_the_profile_and_the_composer_settings(node):
    shown = await profile.show(node)
    assert shown.name == "Example <Org>" and shown.fields == [] and shown.header is None
    assert shown.languages == profile.DEFAULT_LANGUAGES and shown.timezone == "UTC"
    assert shown.as_dict() == {"name": "Example <Org>", "summary": node.org.summary, "fields": []}


async def test_update_saves_bumps_the_actors_version_and_sends_update_actor(node):
    before = await actors_version()
    shown = await profile.update(node, name="  Free Press Now ", summary="We defend journalists.",
                                 fields=[{"name": "Website", "value": "https://freepress.example"}],
                                 languages=["fr", "en", "not a tag", "fr"], timezone="Europe/Paris")
    assert shown.name == "Free Press Now" and shown.languages == ["fr", "en"] and shown.timezone == "Europe/Paris"
    stored = await LocalActor.get(username="alerts")
    assert (stored.name, stored.summary) == ("Free Press Now", "We defend journalists.")
    assert stored.profile_fields == [{"name": "Website", "value": "https://freepress.example"}]
    assert await profile.languages() == ["fr", "en"] and await profile.timezone() == "Europe/Paris"
    assert await actors_version() == (before or 0) + 1  # other processes reload their cached actor
    [update] = await _updates()
    assert update["object"]["name"] == "Free Press Now" and update["object"]["attachment"][0]["name"] == "Website"


async def test_nothing_given_changes_nothing_and_sends_nothing(node):
    before = await actors_version()
    assert (await profile.update(node)).name == "Example <Org>"
    assert await actors_version() == before and await _updates() == []


async def test_invalid_input_is_refused_per_field_and_changes_nothing(node):
    with pytest.raises(errors.Invalid) as caught:
        await profile.update(node, name=" ", summary="changed", languages=["not a tag"], timezone="Mars/Olympus",
                             avatar=b"not an image")
    assert set(caught.value.fields) == {"name", "languages", "timezone", "avatar"}
    assert caught.value.fields["name"] == "The organisation needs a name."
    stored = await LocalActor.get(username="alerts")
    assert stored.name == "Example <Org>" and stored.summary != "changed" and stored.icon_url is None
    assert await actors_version() is None and await _updates() == []
    assert await profile.languages() == profile.DEFAULT_LANGUAGES


async def test_avatar_and_header_are_replaced_under_new_names_and_removed(node):
    await profile.update(node, avatar=png_bytes(500, 500), header=png_bytes(900, 300))
    first = node.org.icon_url.rsplit("/", 1)[-1]
    header = await header_image(node.urls, "alerts")
    assert (media_dir(node.config.data_dir) / first).is_file()
    assert await profile.public_profile_file(node, first) == media_dir(node.config.data_dir) / first
    await profile.update(node, avatar=png_bytes(300, 300))
    second = node.org.icon_url.rsplit("/", 1)[-1]
    assert second != first and not (media_dir(node.config.data_dir) / first).exists()
    assert await profile.public_profile_file(node, first) is None
    assert await header_image(node.urls, "alerts") == header  # kept
    await profile.update(node, avatar=None, header=None)
    assert node.org.icon_url is None and await header_image(node.urls, "alerts") is None
    assert not (media_dir(node.config.data_dir) / second).exists()
    updates = [json.dumps(u["object"]) for u in await _updates()]
    assert first in updates[0] and second in updates[1] and second not in updates[2] and '"image"' in updates[1]
    assert '"image"' not in updates[2]


async def test_the_settings_form_calls_the_same_service(site):  # noqa: F811 - the fixture
    """The web adapter: the form's change is saved, bumps actors_version and sends Update(actor)."""
    admin = await site.login("amina", "admin")
    r = await post_form(admin, "/admin/settings", {"name": "Free Press Now", "summary": "", "languages": ["en"],
                                                   "timezone": "UTC"})
    assert r.status_code == 303, r.text[-2000:]
    assert await actors_version() == 1
    assert [u["object"]["name"] for u in await _updates()] == ["Free Press Now"]
    r = await post_form(admin, "/admin/settings", {"name": "", "summary": "changed", "languages": ["en"]})
    assert r.status_code == 400 and "The organisation needs a name." in r.text
    assert (await LocalActor.get(username="alerts")).summary == "" and await actors_version() == 1


def test_aan_profile_shows_and_changes_through_the_same_service(db_url, nodes):
    """The CLI adapter: prints the profile; a change bumps actors_version and queues Update(actor)."""
    pub = nodes("pub", db_url).init()
    shown = json.loads(pub.cli("profile").stdout)
    assert shown == {"name": "pub org", "summary": "", "fields": []}
    changed = json.loads(pub.cli("profile", "--name", "Free Press Now", "--field", "Website=https://fp.example",
                                 "--field", "Signal=+1 555").stdout)
    assert changed["name"] == "Free Press Now"
    assert changed["fields"] == [{"name": "Website", "value": "https://fp.example"},
                                 {"name": "Signal", "value": "+1 555"}]
    cleared = json.loads(pub.cli("profile", "--clear-fields", "--field", "Mail=desk@fp.example").stdout)
    assert cleared["fields"] == [{"name": "Mail", "value": "desk@fp.example"}]
    bad = pub.cli("profile", "--name", " ", check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("aan: error: name: The organisation needs a name.")
    bad = pub.cli("profile", "--field", "no-equals-sign", check=False)
    assert bad.returncode == 2 and "expected NAME=VALUE" in bad.stderr
    assert json.loads(pub.cli("profile").stdout) == cleared

    async def stored():
        await db.init(NodeConfig.load(pub.data_dir).database_url)
        try:
            return await actors_version(), [u["object"]["name"] for u in await _updates()]
        finally:
            await db.close()

    assert asyncio.run(stored()) == (2, ["Free Press Now", "Free Press Now"])


# --- the drift: web form -> separate `aan worker`, real processes -----------------------------------------


async def _seed_follower(config: NodeConfig, port: int) -> None:
    await db.init(config.database_url)
    try:
        actor = await LocalActor.get(username=config.username)
        await Follower.create(local_actor=actor, actor_uri=f"http://127.0.0.1:{port}/users/kim",
                              inbox=f"http://127.0.0.1:{port}/users/kim/inbox", follow_id="f-kim")
    finally:
        await db.close()


def _records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def test_a_profile_edited_in_the_browser_reaches_a_separate_worker_without_restart(db_url, nodes, tmp_path):
    pub = nodes("pub", db_url).init()
    pub.cli("user", "add", "amina", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    port = free_port()
    asyncio.run(_seed_follower(NodeConfig.load(pub.data_dir), port))
    fast = {"AAN_REFRESH_SECONDS": "0.2"}
    pub.start("--workers-in-process", "0", env=fast)  # web only: the worker below does all the sending
    pem = tmp_path / "pub.pem"
    pem.write_text(httpx.get(pub.actor, headers={"Accept": "application/activity+json"})
                   .json()["publicKey"]["publicKeyPem"])
    received = tmp_path / "received.jsonl"
    receiver = subprocess.Popen([sys.executable, str(ROOT / "tests" / "receiver.py"), str(received), str(pem),
                                 "0", str(port)], stdout=subprocess.PIPE, cwd=ROOT)
    worker_log = tmp_path / "worker.log"
    with open(worker_log, "ab") as out:
        worker = subprocess.Popen([sys.executable, "-m", "node.cli", "worker"], stdout=out, stderr=subprocess.STDOUT,
                                  cwd=ROOT, env={**os.environ, "AAN_DATA_DIR": str(pub.data_dir),
                                                 "AAN_LOG_LEVEL": "info", "AAN_QUEUE_LEASE": "3", **fast})
    try:
        assert receiver.stdout.readline().strip() == b"ready"
        wait_for(lambda: "running" in worker_log.read_text(), message="the worker to start")
        with httpx.Client(base_url=pub.base, timeout=10) as browser:  # a person signed in to /admin
            page = browser.get("/login")
            r = browser.post("/login", data={"csrf": csrf_of(page.text), "username": "amina",
                                             "password": PASSWORD, "next": "/admin"})
            assert r.status_code == 303, r.text[-2000:]
            csrf = csrf_of(browser.get("/admin/settings").text)
            r = browser.post("/admin/settings", data={"csrf": csrf, "name": "Free Press Now", "summary": "Hello",
                                                      "languages": ["en"], "timezone": "UTC"},
                             files={"avatar": ("", b"", "application/octet-stream")})
            assert r.status_code == 303, r.text[-2000:]

        # the worker's cached actor follows the database (its refresh loop saw actors_version move) ...
        wait_for(lambda: "alerts 'Free Press Now'" in worker_log.read_text(),
                 message="the worker to reload the edited profile")
        # ... and the Update(actor) it signed and delivered carries the new name
        wait_for(lambda: any(r["type"] == "Update" and r["object_name"] == "Free Press Now" and r["verified"]
                             for r in _records(received)), message="the Update(actor) delivered by the worker")
        assert worker.poll() is None
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        receiver.kill()
        receiver.wait()
