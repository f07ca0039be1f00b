"""Moderation holds: an approved reply that its author edits is held again; the author's Delete removes it.

The attacker is a real (fake-Mastodon) account with real signatures, posting to the
node's inbox; staff moderate through the web interface of the same app. Runs on SQLite
and PostgreSQL (the ``env`` fixture of ``test_inbox``).
"""
# ruff: noqa: F811  (pytest fixtures imported from another test module are used as arguments)

from __future__ import annotations

from urllib.parse import urlsplit

from peers import AS, PUBLIC, create, note
from test_inbox import ORG, SHARED_INBOX, env  # noqa: F401
from webui_support import PASSWORD, csrf_of

from node.services import users
from node.storage.models import RemoteObject

HARMLESS = "<p>Solidarity with our colleague, we shared the alert.</p>"
PHISHING = '<p>Urgent: sign the petition <a href="https://phish.test/login">here</a></p>'


async def _staff(env):
    await users.add("amina", PASSWORD, "editor")
    page = await env.client.get("/login")
    r = await env.client.post("/login", data={"csrf": csrf_of(page.text), "username": "amina",
                                              "password": PASSWORD})
    assert r.status_code == 303, r.text
    return csrf_of((await env.client.get("/admin")).text)


async def _decide(env, csrf: str, row_id: int, decision: str) -> None:
    r = await env.client.post(f"/admin/replies/{row_id}", data={"csrf": csrf, "decision": decision})
    assert r.status_code == 303


async def _public_page(env) -> str:
    r = await env.client.get(urlsplit(env.alert_url).path, headers={"Accept": "text/html"})
    assert r.status_code == 200
    return r.text


def _edited(obj: dict, content: str, updated: str) -> dict:
    return {**obj, "content": content, "contentMap": {"en": content}, "updated": updated}


def _update(user, obj: dict, n: int) -> dict:
    return {"@context": AS, "id": f"{obj['id']}#updates/{n}", "type": "Update", "actor": user.uri,
            "to": [PUBLIC], "object": obj}


async def test_an_approved_reply_edited_with_a_phishing_link_is_held_again(env):
    csrf = await _staff(env)
    alice = env.alice
    original = note(alice, in_reply_to=env.alert_url, mention=ORG, content=HARMLESS)
    await env.accepted(alice, create(alice, original), url=SHARED_INBOX)
    await env.work()
    row = await RemoteObject.get(uri=original["id"])
    assert row.moderation == "pending" and "Solidarity" not in await _public_page(env)
    await _decide(env, csrf, row.id, "approved")
    assert "Solidarity" in await _public_page(env)

    # the author edits the approved reply: a phishing link under the organisation's alert
    edited = _edited(original, PHISHING, "2026-11-21T11:00:00Z")
    await env.accepted(alice, _update(alice, edited, 1), url=SHARED_INBOX)
    await env.work()
    page = await _public_page(env)
    assert "phish.test" not in page and "Solidarity" not in page  # neither text is shown until approved
    assert (await RemoteObject.get(id=row.id)).moderation == "pending"
    queue = (await env.client.get("/admin/replies")).text
    assert "phish.test" in queue  # staff see the new text in the queue
    assert "phish.test" not in (await env.client.get("/admin/replies?show=approved")).text

    # staff approve the new text: shown; the same trick with a second Create of the same id is held too
    await _decide(env, csrf, row.id, "approved")
    assert "phish.test" in await _public_page(env)
    again = _edited(original, '<p>New: <a href="https://phish2.test/">log in</a></p>', "2026-11-21T12:00:00Z")
    await env.accepted(alice, {**create(alice, again), "id": f"{original['id']}/activity2"}, url=SHARED_INBOX)
    await env.work()
    assert (await RemoteObject.get(id=row.id)).moderation == "pending"
    assert "phish2.test" not in await _public_page(env)

    # an Update that changes nothing (or an older one) does not unsettle an approved reply
    await _decide(env, csrf, row.id, "approved")
    await env.accepted(alice, _update(alice, edited, 2), url=SHARED_INBOX)  # older than the stored text
    await env.work()
    assert (await RemoteObject.get(id=row.id)).moderation == "approved"


async def test_a_rejected_reply_stays_hidden_after_an_edit(env):
    csrf = await _staff(env)
    alice = env.alice
    original = note(alice, in_reply_to=env.alert_url, mention=ORG, content=PHISHING)
    await env.accepted(alice, create(alice, original), url=SHARED_INBOX)
    await env.work()
    row = await RemoteObject.get(uri=original["id"])
    await _decide(env, csrf, row.id, "rejected")
    await env.accepted(alice, _update(alice, _edited(original, HARMLESS, "2026-11-21T11:00:00Z"), 1),
                       url=SHARED_INBOX)
    await env.work()
    assert (await RemoteObject.get(id=row.id)).moderation == "rejected"
    assert "Solidarity" not in await _public_page(env)


async def test_the_authors_delete_removes_an_approved_reply(env):
    csrf = await _staff(env)
    alice, bob = env.alice, env.bob
    mine = note(alice, in_reply_to=env.alert_url, mention=ORG, content=HARMLESS)
    theirs = note(bob, in_reply_to=env.alert_url, mention=ORG, content="<p>Shared by Bob.</p>")
    for user, obj in ((alice, mine), (bob, theirs)):
        await env.accepted(user, create(user, obj), url=SHARED_INBOX)
    await env.work()
    for row in await RemoteObject.all():
        await _decide(env, csrf, row.id, "approved")
    assert "Solidarity" in await _public_page(env)

    # someone else (even on alice's server) cannot delete alice's reply
    dave = env.user("mastodon.test", "dave")
    await env.accepted(dave, {"@context": AS, "id": f"{dave.uri}#delete-other", "type": "Delete",
                              "actor": dave.uri, "object": mine["id"]}, url=SHARED_INBOX)
    await env.work()
    assert "Solidarity" in await _public_page(env)

    await env.accepted(alice, {"@context": AS, "id": f"{mine['id']}#delete", "type": "Delete", "actor": alice.uri,
                               "to": [PUBLIC], "object": {"id": mine["id"], "type": "Tombstone"}},
                       url=SHARED_INBOX)
    await env.work()
    page = await _public_page(env)
    assert "Solidarity" not in page and "Shared by Bob" in page
    assert not await RemoteObject.filter(uri=mine["id"]).exists()  # nothing of its text is kept
    for listing in ("pending", "approved", "rejected"):
        assert "Solidarity" not in (await env.client.get(f"/admin/replies?show={listing}")).text

    # an Update after the Delete does not bring it back
    await env.accepted(alice, _update(alice, _edited(mine, PHISHING, "2026-11-22T00:00:00Z"), 3), url=SHARED_INBOX)
    await env.work()
    assert not await RemoteObject.filter(uri=mine["id"]).exists()
    assert "phish.test" not in await _public_page(env)
