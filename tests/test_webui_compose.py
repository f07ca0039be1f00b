"""The composer, in process: drafts, translations, images, preview, duplicates, scheduling, edit, delete."""
# ruff: noqa: F811  (pytest fixtures imported from a helper module are used as arguments)

from __future__ import annotations

import asyncio
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import orjson
import pytest
from test_web import assert_inert
from webui_support import BASE, alert_form, png_bytes, post_form, site, sqlite_site  # noqa: F401

from node.activitypub import outbox
from node.alerts import parse_alert_file
from node.services import drafts as scheduler
from node.storage.models import Activity, Alert, Draft, Following, Media, RemoteObject

AP = {"Accept": "application/activity+json"}


def alert_id_of(response) -> str:
    assert response.status_code == 303, response.text[-3000:]
    match = re.match(r"/admin/alerts/([0-9a-f]+)", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


def draft_id_of(response) -> str:
    assert response.status_code == 303, response.text[-3000:]
    return re.match(r"/admin/drafts/([0-9a-f]+)", response.headers["location"]).group(1)


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def assert_no_live_markup(html: str) -> None:
    """Parsed as a browser would: no script but our own file, no handlers, no javascript: URLs."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("iframe", "object", "embed"), tag
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/admin.js"), attrs
        if tag == "img":
            assert attrs.get("src", "").startswith(("/admin/media/", f"{BASE}/media/")), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith(("javascript:", "data:text")), (tag, name, value)


async def publish(client, **overrides) -> str:
    return alert_id_of(await post_form(client, "/admin/compose", alert_form(action="publish", **overrides)))


async def test_publish_with_translation_and_image(site):
    editor = await site.login()
    form = alert_form(action="save", **{"tr-fr-headline": "Journaliste détenue à Istanbul",
                                        "tr-fr-body": "La police a détenu la journaliste **Jane Doe**."})
    form["new_image_alt"] = "Police officers outside the courthouse"
    files = {"new_image": ("photo.jpg", png_bytes(64, 48, with_gps=True, fmt="JPEG"), "image/jpeg")}
    draft = draft_id_of(await post_form(editor, "/admin/compose", form, files))
    media = await Media.get(draft_id=draft)
    assert media.alt_text == "Police officers outside the courthouse" and media.alert_id is None

    # The draft's image is not public: only signed-in staff see it
    assert (await site.client().get(f"/media/{media.filename}")).status_code == 404
    assert (await site.client().get(f"/admin/media/{media.id}")).status_code == 303
    served = await editor.get(f"/admin/media/{media.id}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"

    # Location and camera data are gone from the stored file
    from PIL import Image

    stored = Image.open(io.BytesIO(served.content))
    assert not stored.getexif() and b"SpyCam" not in served.content

    alert_id = alert_id_of(await post_form(editor, f"/admin/drafts/{draft}", alert_form(
        action="publish", **{"tr-fr-headline": "Journaliste détenue à Istanbul",
                             "tr-fr-body": "La police a détenu la journaliste **Jane Doe**.",
                             f"media-{media.id}-alt": "Police officers outside the courthouse"})))
    note = (await site.client().get(f"/alerts/{alert_id}", headers=AP)).json()
    assert list(note["contentMap"]) == ["en", "fr"]
    assert "Journaliste détenue à Istanbul" in note["contentMap"]["fr"]
    assert "<p><strong>Ce que vous pouvez faire</strong></p>" in note["contentMap"]["fr"]  # fixed phrases too
    assert note["attachment"] == [{"type": "Image", "mediaType": "image/jpeg",
                                   "url": f"{BASE}/media/{media.filename}",
                                   "name": "Police officers outside the courthouse", "width": 64, "height": 48}]
    public = await site.client().get(f"/media/{media.filename}")
    assert public.status_code == 200 and public.headers["content-type"] == "image/jpeg"
    # the Create as queued and the outbox carry the same Note
    create = orjson.loads((await Activity.get(type="Create", object_uri=f"{BASE}/alerts/{alert_id}")).body)
    assert create["object"]["attachment"] == note["attachment"]
    page = (await site.client().get("/actors/alerts/outbox?page=1", headers=AP)).json()
    assert page["orderedItems"][0]["object"]["attachment"] == note["attachment"]
    # the web page shows the image with its alt text, and the translation on request
    html = (await site.client().get(f"/alerts/{alert_id}?lang=fr")).text
    assert 'alt="Police officers outside the courthouse"' in html
    assert "Journaliste détenue à Istanbul" in html and '<html lang="fr" dir="ltr">' in html
    assert 'hreflang="en"' in html and 'property="og:image" content="' + f"{BASE}/media/{media.filename}" in html


async def test_images_need_alt_text_and_must_be_images(sqlite_site):
    editor = await sqlite_site.login()
    form = alert_form(action="save", new_image_alt="")
    r = await post_form(editor, "/admin/compose", form, {"new_image": ("a.png", png_bytes(), "image/png")})
    assert r.status_code == 400 and "alt text is required" in r.text
    assert 'id="f-new-image-alt"' in r.text and 'aria-invalid="true"' in r.text
    assert await Media.all().count() == 0
    form["new_image_alt"] = "A description"
    for name, content in (("evil.svg", b"<svg onload=alert(1)></svg>"), ("x.png", b"not an image at all")):
        r = await post_form(editor, "/admin/compose", form, {"new_image": (name, content, "image/png")})
        assert r.status_code == 400 and "not an image we can read" in r.text
    assert await Media.all().count() == 0


async def test_at_most_four_images(sqlite_site):
    editor = await sqlite_site.login()
    form = alert_form(action="save", new_image_alt="A picture")
    draft = draft_id_of(await post_form(editor, "/admin/compose", form, {"new_image": ("a.png", png_bytes(), "image/png")}))
    for _ in range(3):
        r = await post_form(editor, f"/admin/drafts/{draft}", form, {"new_image": ("a.png", png_bytes(), "image/png")})
        assert r.status_code == 303
    r = await post_form(editor, f"/admin/drafts/{draft}", form, {"new_image": ("a.png", png_bytes(), "image/png")})
    assert r.status_code == 400 and await Media.filter(draft_id=draft).count() == 4


async def test_invalid_alerts_are_explained_field_by_field(sqlite_site):
    editor = await sqlite_site.login()
    r = await post_form(editor, "/admin/compose", alert_form(action="publish", country="", categories=None))
    assert r.status_code == 422
    assert '<a href="#f-country">' in r.text and '<a href="#f-categories">' in r.text
    assert await Alert.all().count() == 0 and await Draft.all().count() == 0
    draft = draft_id_of(await post_form(editor, "/admin/compose", alert_form(action="save")))
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="publish", **{"target-0-kind": ""}))
    assert r.status_code == 422 and '<a href="#target-0-kind">This field is required: Target 1 — Kind.</a>' in r.text
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="publish", **{
        "authority-0-email": "not-an-address", "authority-0-name": "Minister"}))
    assert r.status_code == 422 and 'href="#authority-0-email"' in r.text and "valid e-mail address" in r.text
    assert re.search(r'id="authority-0-email"[^>]*aria-describedby="authority-0-email-error" aria-invalid="true"',
                     r.text)
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="publish", incident_date="2026-02-30"))
    assert r.status_code == 422 and 'href="#f-incident_date"' in r.text


async def test_a_refused_publish_lists_every_problem_in_form_order_and_keeps_no_draft(site):
    editor = await site.login()
    r = await post_form(editor, "/admin/compose", alert_form(
        action="publish", summary="", categories=None, country="", incident_date="", **{
            "target-0-kind": "", "authority-0-email": "not-an-address", "authority-0-name": "Minister",
            "source-0-title": "Report", "source-0-url": "not a url"}))
    assert r.status_code == 422
    summary = r.text.split('id="errors"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'<a href="#([^"]+)">', summary)
    assert links == ["f-summary", "f-categories", "f-country", "f-incident_date", "target-0-kind",
                     "authority-0-email", "source-0-url"]
    for field in links:  # and each message beside its field
        assert f'id="{field}-error"' in r.text, field
    assert 'value="Reporter detained in Istanbul"' in r.text  # what was typed is kept
    assert 'action="/admin/compose"' in r.text and not re.search(r'action="/admin/drafts/', r.text)
    assert await Draft.all().count() == 0 and await Alert.all().count() == 0
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", headline="", categories=None,
                                                             scheduled_for="2099-01-01T10:00"))
    assert r.status_code == 422
    summary = r.text.split('id="errors"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<a href="#([^"]+)">', summary) == ["f-headline", "f-categories"]
    assert await Draft.all().count() == 0
    # the same form, fixed, publishes (one draft, now published)
    alert_id = await publish(editor)
    assert await Alert.filter(id=alert_id).count() == 1
    assert [d.state for d in await Draft.all()] == ["published"]


async def test_drafts_keep_incomplete_work_and_add_rows_without_javascript(sqlite_site):
    editor = await sqlite_site.login()
    draft = draft_id_of(await post_form(editor, "/admin/compose", {"action": "save", "headline": "Half written",
                                                                   "language": "en"}))
    assert (await Draft.get(id=draft)).data["alert"]["headline"] == "Half written"
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="add_target"))
    assert r.status_code == 303 and r.headers["location"].endswith("#target-1-name")
    page = (await editor.get(f"/admin/drafts/{draft}")).text
    assert 'id="target-1-name"' in page and 'value="Jane Doe"' in page
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="add_translation", new_translation="ar"))
    assert r.headers["location"].endswith("#tr-ar-headline")
    page = (await editor.get(f"/admin/drafts/{draft}")).text
    assert 'id="tr-ar-headline"' in page and 'lang="ar" dir="rtl"' in page
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="remove_translation:ar"))
    assert "tr-ar-headline" not in (await editor.get(f"/admin/drafts/{draft}")).text


async def test_autosave_and_live_preview(sqlite_site):
    editor = await sqlite_site.login()
    headers = {"X-CSRF-Token": editor.csrf}
    r = await editor.post("/admin/compose/autosave", data={"headline": "Typed so far", "language": "en"},
                          headers=headers)
    saved = r.json()
    assert r.status_code == 200 and saved["url"] == f"/admin/drafts/{saved['id']}"
    r = await editor.post(saved["autosave"], data={**alert_form(), "headline": "Typed a bit more"}, headers=headers)
    assert r.status_code == 200 and "Draft saved" in r.json()["message"]
    assert (await Draft.get(id=saved["id"])).data["alert"]["headline"] == "Typed a bit more"
    r = await editor.post("/admin/preview", data={**alert_form(), "draft_id": saved["id"]}, headers=headers)
    assert r.status_code == 200 and 'id="preview-content"' in r.text
    assert "On Mastodon" in r.text and "<strong>Istanbul</strong>" in r.text and "#<span>Turkey</span>" in r.text
    r = await editor.post("/admin/preview", data={"headline": "Only a headline", "body": "*so far*"}, headers=headers)
    assert "The full preview appears when the alert is complete" in r.text and "<em>so far</em>" in r.text


async def test_preview_without_javascript_shows_mastodon_and_web_versions(sqlite_site):
    editor = await sqlite_site.login()
    draft = draft_id_of(await post_form(editor, "/admin/compose", alert_form(
        action="preview", content_warning="Graphic violence", **{"tr-fr-headline": "Titre français"})))
    page = (await editor.get(f"/admin/drafts/{draft}")).text
    assert "On Mastodon" in page and "On the web page" in page
    assert "<details>" in page and "Graphic violence" in page  # the CW folds the post as on Mastodon
    assert "Titre français" in page


async def test_hostile_text_is_sanitised_everywhere_it_is_shown(sqlite_site):
    editor = await sqlite_site.login()
    hostile = ('<script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
               '<a href="javascript:alert(4)" onclick="alert(5)">x</a> Police held **Jane**.')
    alert_id = await publish(editor, headline="<script>alert(6)</script> Reporter held", body=hostile,
                             **{"tr-fr-body": hostile, "tr-fr-headline": "<b onmouseover=alert(7)>Titre</b>"})
    anonymous = sqlite_site.client()
    pages = [(await anonymous.get(path)).text for path in
             (f"/alerts/{alert_id}", f"/alerts/{alert_id}?lang=fr", "/alerts", f"/alerts/{alert_id}/case")]
    pages.append((await editor.get(f"/admin/alerts/{alert_id}")).text)
    pages.append((await editor.post("/admin/preview", data=alert_form(body=hostile),
                                    headers={"X-CSRF-Token": editor.csrf})).text)
    for html in pages:
        assert_no_live_markup(html)
    note = (await anonymous.get(f"/alerts/{alert_id}", headers=AP)).json()
    for content in note["contentMap"].values():
        assert_no_live_markup(content)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    entry = ET.fromstring((await anonymous.get("/feed.atom")).text).find("{http://www.w3.org/2005/Atom}entry")
    assert_no_live_markup(entry.find("{http://www.w3.org/2005/Atom}content").text)
    assert entry.find("{http://www.w3.org/2005/Atom}title").text == "<script>alert(6)</script> Reporter held"


async def test_edit_sends_an_update_and_keeps_images(site):
    editor = await site.login()
    form = alert_form(action="publish", new_image_alt="A courthouse")
    alert_id = alert_id_of(await post_form(editor, "/admin/compose", form,
                                           {"new_image": ("a.png", png_bytes(), "image/png")}))
    r = await post_form(editor, f"/admin/alerts/{alert_id}/edit", {})
    draft = draft_id_of(r)
    page = (await editor.get(f"/admin/drafts/{draft}")).text
    assert "You are editing a published alert" in page and 'value="Reporter detained in Istanbul"' in page
    media = await Media.get(alert_id=alert_id)
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(
        action="publish", headline="Reporter released on bail", **{f"media-{media.id}-alt": "The courthouse"}))
    assert alert_id_of(r) == alert_id
    update = await Activity.filter(type="Update", object_uri=f"{BASE}/alerts/{alert_id}").first()
    body = orjson.loads(update.body)
    assert "Reporter released on bail" in body["object"]["content"] and body["object"]["updated"]
    assert body["object"]["attachment"][0]["name"] == "The courthouse"
    assert (await Alert.get(id=alert_id)).headline == "Reporter released on bail"
    # a command-line update keeps the images too
    await outbox.update_alert(site.node.urls, alert_id, parse_alert_file(
        (await _example_text()).replace("Journalist detained", "Journalist freed")))
    last = await Activity.filter(type="Update").order_by("-created_at", "-id").first()
    assert orjson.loads(last.body)["object"]["attachment"][0]["name"] == "The courthouse"


async def _example_text() -> str:
    from conftest import EXAMPLE

    return EXAMPLE.read_text()


async def test_delete_asks_for_confirmation_then_sends_delete(sqlite_site):
    editor = await sqlite_site.login()
    form = alert_form(action="publish", new_image_alt="A courthouse")
    alert_id = alert_id_of(await post_form(editor, "/admin/compose", form,
                                           {"new_image": ("a.png", png_bytes(), "image/png")}))
    media = await Media.get(alert_id=alert_id)
    page = await editor.get(f"/admin/alerts/{alert_id}/delete")
    assert page.status_code == 200 and "Delete this alert?" in page.text
    assert not await Activity.filter(type="Delete").exists()  # asking is not deleting
    r = await post_form(editor, f"/admin/alerts/{alert_id}/delete", {})
    assert r.status_code == 303 and r.headers["location"] == "/admin/alerts?msg=deleted"
    assert await Activity.filter(type="Delete", object_uri=f"{BASE}/alerts/{alert_id}").exists()
    anonymous = sqlite_site.client()
    assert (await anonymous.get(f"/alerts/{alert_id}")).status_code == 410
    assert (await anonymous.get(f"/media/{media.filename}")).status_code == 404
    assert not await Media.filter(id=media.id).exists()
    assert (await editor.get(f"/admin/alerts/{alert_id}")).status_code == 410  # a tombstone: nothing to show


async def test_update_on_this_case_prefills_and_links(sqlite_site):
    editor = await sqlite_site.login()
    first = await publish(editor, case="https://ch.example/cases/c1")
    page = (await editor.get(f"/admin/compose?follows={first}")).text
    assert f'value="{BASE}/alerts/{first}"' in page and 'value="https://ch.example/cases/c1"' in page
    assert 'value="Jane Doe"' in page and '<option value="update" selected>' in page
    assert 'value="Reporter detained in Istanbul"' not in page  # the new development is for the author to write
    second = await publish(editor, type="update", follows=f"{BASE}/alerts/{first}",
                           case="https://ch.example/cases/c1", headline="Reporter charged")
    note = (await sqlite_site.client().get(f"/alerts/{second}", headers=AP)).json()
    assert note["inReplyTo"] == f"{BASE}/alerts/{first}" and note["context"] == "https://ch.example/cases/c1"
    case_page = (await sqlite_site.client().get(f"/alerts/{second}/case")).text
    assert "Reporter charged" in case_page and "Reporter detained in Istanbul" in case_page


async def test_duplicates_are_shown_before_publishing(sqlite_site):
    editor = await sqlite_site.login()
    first = await publish(editor)
    await Following.create(local_actor=sqlite_site.node.org, target_uri="https://other.example/actors/a",
                           follow_id="https://node.test/follows/1", state="accepted")
    await RemoteObject.create(uri="https://other.example/alerts/9", actor_uri="https://other.example/actors/a",
                              type="Note", data={"id": "https://other.example/alerts/9", "published": "2026-11-21T00:00:00Z",
                                                 "alert": {"headline": "Journalistin in Istanbul festgenommen",
                                                           "country": "TR", "incident_date": "2026-11-19",
                                                           "categories": ["detention"], "case": "https://ch.example/cases/7",
                                                           "targets": [{"name": "Jane DOE", "kind": "individual"}]}})
    r = await post_form(editor, "/admin/compose", alert_form(action="publish", headline="Second report"))
    assert r.status_code == 409 and "Already reported?" in r.text
    assert f"/admin/alerts/{first}" in r.text and "https://other.example/alerts/9" in r.text
    assert "similar name: Jane Doe" in r.text or "similar name: Jane DOE" in r.text
    assert await Alert.all().count() == 1
    draft = re.search(r'action="/admin/drafts/([0-9a-f]+)"', r.text).group(1)
    # link instead of duplicating: the draft becomes an update of the network alert, in its case
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(
        action="link:https://other.example/alerts/9", headline="Second report"))
    data = (await Draft.get(id=draft)).data["alert"]
    assert data["follows"] == "https://other.example/alerts/9" and data["case"] == "https://ch.example/cases/7"
    assert data["type"] == "update"
    # or confirm it is a different incident
    other = await post_form(editor, "/admin/compose", alert_form(action="publish", headline="Another reporter",
                                                                 new_incident="1"))
    assert alert_id_of(other)
    # a different country is no duplicate
    assert alert_id_of(await post_form(editor, "/admin/compose", alert_form(action="publish", country="BR")))


def _network_alert(actor: str, n: int, *, in_reply_to: str | None = None, case: str, headline: str) -> dict:
    """A Create of a Note carrying an alert, as another node sends it."""
    uri = f"{actor.rsplit('/actors/', 1)[0]}/alerts/{n}"
    note = {"id": uri, "type": "Note", "attributedTo": actor, "inReplyTo": in_reply_to, "context": case,
            "published": "2026-11-21T00:00:00Z", "content": f"<p>{headline}</p>",
            "alert": {"type": "alert", "headline": headline, "country": "TR", "incident_date": "2026-11-20",
                      "categories": ["detention"], "case": case,
                      "targets": [{"name": "Jane Doe", "kind": "individual"}]}}
    return {"id": f"{uri}/activity", "type": "Create", "actor": actor, "object": note}


async def test_hints_and_links_only_take_alerts_the_node_knows(site):
    from node.activitypub import handlers

    node = site.node
    editor = await site.login()
    ours = await publish(editor)
    member = "https://member.example/actors/alerts"
    await Following.create(local_actor=node.org, target_uri=member, follow_id=f"{BASE}/follows/1", state="accepted")
    await handlers.on_create(node, _network_alert(member, 1, case="https://ch.example/cases/7",
                                                  headline="Journalistin in Istanbul festgenommen"))
    # the attacker, whom the node does not follow, replies to our alert with an alert-shaped Note
    attacker = "https://evil.example/actors/mallory"
    await handlers.on_create(node, _network_alert(attacker, 2, in_reply_to=f"{BASE}/alerts/{ours}",
                                                  case="https://evil.example/cases/phish",
                                                  headline="Jane Doe freed, details at evil.example"))
    assert await RemoteObject.filter(actor_uri=attacker).exists()  # stored, as a reply for moderation

    r = await post_form(editor, "/admin/compose", alert_form(action="publish", headline="Second report"))
    assert r.status_code == 409 and "Already reported?" in r.text
    assert f"/admin/alerts/{ours}" in r.text and "https://member.example/alerts/1" in r.text
    assert "evil.example" not in r.text
    preview = await editor.post("/admin/preview", data=alert_form(headline="Second report"),
                                headers={"X-CSRF-Token": editor.csrf})
    assert "member.example" in preview.text and "evil.example" not in preview.text
    draft = re.search(r'action="/admin/drafts/([0-9a-f]+)"', r.text).group(1)
    before = (await Draft.get(id=draft)).data

    # "make mine an update of this one" with what the attacker controls: refused, nothing changes
    for url in ("https://evil.example/alerts/2", "https://evil.example/cases/phish", f"{BASE}/alerts/0000000000",
                "javascript:alert(1)", ""):
        r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action=f"link:{url}",
                                                                          headline="Changed headline"))
        assert r.status_code == 400 and "This is not an alert this node knows" in r.text, url
        assert 'id="f-follows-error"' in r.text
        assert (await Draft.get(id=draft)).data == before
    drafts = await Draft.all().count()
    r = await post_form(editor, "/admin/compose", alert_form(action="link:https://evil.example/alerts/2"))
    assert r.status_code == 400 and await Draft.all().count() == drafts

    # the followed member's alert and our own are accepted, with their own case
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="link:https://member.example/alerts/1"))
    assert r.status_code == 303
    data = (await Draft.get(id=draft)).data["alert"]
    assert (data["follows"], data["case"], data["type"]) == ("https://member.example/alerts/1",
                                                             "https://ch.example/cases/7", "update")
    r = await post_form(editor, f"/admin/drafts/{draft}", alert_form(action=f"link:{BASE}/alerts/{ours}"))
    assert r.status_code == 303
    assert (await Draft.get(id=draft)).data["alert"]["follows"] == f"{BASE}/alerts/{ours}"

    # once the node stops following the member, its alerts are no longer offered or accepted
    await Following.filter(target_uri=member).delete()
    r = await post_form(editor, "/admin/compose", alert_form(action="publish", headline="Third report"))
    assert "member.example" not in r.text
    other = re.search(r'action="/admin/drafts/([0-9a-f]+)"', r.text).group(1)
    r = await post_form(editor, f"/admin/drafts/{other}", alert_form(action="link:https://member.example/alerts/1"))
    assert r.status_code == 400


async def test_scheduled_alerts_leak_nowhere_before_their_time(site):
    editor = await site.login()
    zone_time = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    form = alert_form(action="schedule", scheduled_for=zone_time, client_tz="UTC", headline="Embargoed report",
                      new_image_alt="Embargoed picture")
    r = await post_form(editor, "/admin/compose", form, {"new_image": ("a.png", png_bytes(), "image/png")})
    draft_id = draft_id_of(r)
    assert r.headers["location"].endswith("msg=scheduled")
    draft = await Draft.get(id=draft_id)
    assert draft.state == "scheduled" and draft.scheduled_for > datetime.now(UTC) + timedelta(minutes=100)
    media = await Media.get(draft_id=draft_id)
    anonymous = site.client()
    for path in ("/", "/alerts", "/feed.atom", "/@alerts", "/tags/turkey", f"/media/{media.filename}",
                 "/actors/alerts/outbox?page=1", "/nodeinfo/2.1", "/actors/alerts/featured",
                 "/.well-known/webfinger?resource=acct:alerts@node.test"):
        body = (await anonymous.get(path, headers=AP if "actors" in path else {})).text
        assert "Embargoed" not in body and media.filename not in body, path
    assert (await anonymous.get("/nodeinfo/2.1")).json()["usage"]["localPosts"] == 0
    assert await Activity.all().count() == 0 and await Alert.all().count() == 0
    # the scheduler publishes nothing before the time ...
    assert await scheduler.publish_due(site.node) == 0
    assert await scheduler.publish_due(site.node, now=draft.scheduled_for - timedelta(seconds=1)) == 0
    # ... and exactly once at it, even when several workers race
    due = draft.scheduled_for + timedelta(seconds=1)
    results = await asyncio.gather(*(scheduler.publish_due(site.node, now=due) for _ in range(3)))
    assert sum(results) == 1
    row = await Alert.get(headline="Embargoed report")
    assert await Activity.filter(type="Create").count() == 1
    assert (await anonymous.get(f"/media/{media.filename}")).status_code == 200
    assert "Embargoed report" in (await anonymous.get("/alerts")).text
    assert (await Draft.get(id=draft_id)).alert_id == row.id


async def test_scheduling_needs_a_future_time_and_a_complete_alert(sqlite_site):
    editor = await sqlite_site.login()
    past = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", scheduled_for=past, client_tz="UTC"))
    assert r.status_code == 422 and "Choose a time in the future" in r.text
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", scheduled_for="", client_tz="UTC"))
    assert r.status_code == 422
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", headline="",
                                                             scheduled_for="2099-01-01T10:00", client_tz="UTC"))
    assert r.status_code == 422 and await Draft.filter(state="scheduled").count() == 0


async def test_time_zones_of_the_schedule(sqlite_site):
    editor = await sqlite_site.login()
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", scheduled_for="2099-06-01T12:00",
                                                             client_tz="Europe/Paris"))
    draft = await Draft.get(id=draft_id_of(r))
    assert draft.scheduled_for == datetime(2099, 6, 1, 10, 0, tzinfo=UTC)  # CEST is UTC+2
    r = await post_form(editor, f"/admin/drafts/{draft.id}", alert_form(action="unschedule"))
    assert (await Draft.get(id=draft.id)).state == "draft"


async def test_a_scheduled_draft_that_became_invalid_is_not_published(sqlite_site):
    editor = await sqlite_site.login()
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", scheduled_for="2099-06-01T12:00",
                                                             client_tz="UTC"))
    draft = await Draft.get(id=draft_id_of(r))
    data = dict(draft.data)
    data["alert"] = {**data["alert"], "country": "XX"}
    await Draft.filter(id=draft.id).update(data=data)
    assert await scheduler.publish_due(sqlite_site.node, now=datetime(2099, 6, 1, 12, 1, tzinfo=UTC)) == 0
    draft = await Draft.get(id=draft.id)
    assert draft.state == "draft" and "country" in draft.data["schedule_error"]
    assert await Alert.all().count() == 0


async def test_interface_and_vocabularies_in_french(sqlite_site):
    editor = await sqlite_site.login()
    page = (await editor.get("/admin/compose", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})).text
    assert '<html lang="fr" dir="ltr">' in page
    assert "Ce qui s’est passé" in page or "Ce qui s'est passé" in page
    assert "Détention et emprisonnement" in page  # a category label
    assert '<option value="DE">Allemagne</option>' in page  # a country name, from CLDR
    r = await post_form(editor, "/language", {"lang": "ar", "back": "/admin/compose"})
    assert r.status_code == 303
    page = (await editor.get("/admin/compose")).text
    assert '<html lang="ar" dir="rtl">' in page


async def test_arabic_public_pages_are_right_to_left(sqlite_site):
    editor = await sqlite_site.login()
    alert_id = await publish(editor, **{"tr-ar-headline": "اعتقال صحفية في إسطنبول",
                                        "tr-ar-summary": "اعتقلت الشرطة صحفية بعد تغطيتها احتجاجا."})
    page = (await sqlite_site.client().get(f"/alerts/{alert_id}?lang=ar")).text
    assert '<html lang="ar" dir="rtl">' in page
    assert '<article class="alert" lang="ar" dir="rtl">' in page and "اعتقال صحفية في إسطنبول" in page
    assert "ما يمكنك فعله" in page  # "What you can do" in Arabic
    english = (await sqlite_site.client().get(f"/alerts/{alert_id}")).text
    assert '<html lang="en" dir="ltr">' in english and "Read this alert in:" in english
    assert f'href="{BASE}/alerts/{alert_id}?lang=ar" hreflang="ar" lang="ar"' in english
    # Accept-Language picks the translation when there is one
    arabic = (await sqlite_site.client().get(f"/alerts/{alert_id}", headers={"Accept-Language": "ar"})).text
    assert '<html lang="ar" dir="rtl">' in arabic
    index = (await sqlite_site.client().get("/alerts?lang=ar")).text
    assert '<html lang="ar" dir="rtl">' in index


async def test_opengraph_tags(sqlite_site):
    editor = await sqlite_site.login()
    alert_id = await publish(editor)
    page = (await sqlite_site.client().get(f"/alerts/{alert_id}")).text
    for prop in ("og:title", "og:description", "og:type", "og:url", "og:site_name", "og:image", "og:locale"):
        assert f'property="{prop}"' in page, prop
    assert '<meta property="og:title" content="Reporter detained in Istanbul">' in page
    assert 'name="twitter:card"' in page and 'name="fediverse:creator" content="alerts@node.test"' in page
    assert 'property="og:title"' in (await sqlite_site.client().get("/@alerts")).text


async def test_status_panel_shows_deliveries_and_interactions(sqlite_site):
    from node.storage.models import Delivery, Interaction

    editor = await sqlite_site.login()
    alert_id = await publish(editor)
    url = f"{BASE}/alerts/{alert_id}"
    create = await Activity.get(type="Create", object_uri=url)
    from node.storage.models import FanoutJob

    await FanoutJob.filter(activity=create).update(status="done")
    now = datetime.now(UTC)
    await Delivery.create(activity=create, inbox="https://a.example/inbox", host="a.example", status="done",
                          next_try=now, delivered_at=now, attempts=1, last_status=202)
    await Delivery.create(activity=create, inbox="https://b.example/inbox", host="b.example", status="pending",
                          next_try=now + timedelta(minutes=5), attempts=2, last_status=503,
                          last_error="Service Unavailable")
    await Delivery.create(activity=create, inbox="https://c.example/inbox", host="c.example", status="failed",
                          next_try=now, attempts=1, last_status=403, last_error="Forbidden: blocked")
    await Interaction.create(activity_id="https://a.example/likes/1", kind="Like",
                             actor_uri="https://a.example/users/fan", object_uri=url)
    await Interaction.create(activity_id="https://a.example/boosts/1", kind="Announce",
                             actor_uri="https://a.example/users/booster", object_uri=url)
    page = (await editor.get(f"/admin/alerts/{alert_id}")).text
    assert "Delivered to 1 follower servers" in page
    assert "b.example" in page and "Retrying" in page and "Service Unavailable" in page
    assert "c.example" in page and "Failed" in page and "Forbidden: blocked" in page
    assert "1 boosts" in page and "1 likes" in page and "https://a.example/users/fan" in page
    listing = (await editor.get("/admin/alerts")).text
    assert "1 servers" in listing and "1 pending" in listing and "1 failed" in listing


async def test_replies_are_held_until_approved(sqlite_site):
    editor = await sqlite_site.login()
    alert_id = await publish(editor)
    url = f"{BASE}/alerts/{alert_id}"
    reply = await RemoteObject.create(
        uri="https://a.example/notes/1", actor_uri="https://a.example/users/kim", type="Note", in_reply_to=url,
        data={"id": "https://a.example/notes/1", "content": '<p>Solidarity! <script>alert(1)</script>'
              '<a href="javascript:alert(2)">x</a> <a href="https://a.example/x" onclick="y()">link</a></p>'})
    anonymous = sqlite_site.client()
    assert "Solidarity" not in (await anonymous.get(f"/alerts/{alert_id}")).text
    queue = (await editor.get("/admin/replies")).text
    assert "Solidarity" in queue
    r = await post_form(editor, f"/admin/replies/{reply.id}", {"decision": "approved"})
    assert r.status_code == 303
    page = (await anonymous.get(f"/alerts/{alert_id}")).text
    assert "Solidarity" in page
    assert_inert(page)
    assert_no_live_markup(page)
    assert '<a href="https://a.example/x" rel="nofollow noopener noreferrer">link</a>' in page
    await post_form(editor, f"/admin/replies/{reply.id}", {"decision": "rejected"})
    assert "Solidarity" not in (await anonymous.get(f"/alerts/{alert_id}")).text


async def test_dashboard_counts_followers_over_time(sqlite_site):
    from node.activitypub import handlers
    from node.storage.models import Follower, FollowerEvent

    editor = await sqlite_site.login()
    node = sqlite_site.node

    class Remote:
        def __init__(self, uri):
            self.uri, self.inbox, self.shared_inbox = uri, uri + "/inbox", None

    class Remotes:
        async def actor(self, uri):
            return Remote(uri)

    node.remotes = Remotes()
    for n in range(3):
        await handlers.on_follow(node, {"id": f"https://r.example/f{n}", "type": "Follow",
                                        "actor": f"https://r.example/u{n}", "object": f"{BASE}/actors/alerts"})
    await handlers.on_follow(node, {"id": "https://r.example/f0b", "type": "Follow",  # a repeated Follow
                                    "actor": "https://r.example/u0", "object": f"{BASE}/actors/alerts"})
    await handlers.on_undo(node, {"id": "https://r.example/undo", "type": "Undo", "actor": "https://r.example/u1",
                                  "object": {"type": "Follow", "object": f"{BASE}/actors/alerts"}})
    assert await Follower.all().count() == 2
    kinds = [e.kind for e in await FollowerEvent.all().order_by("id")]
    assert kinds == ["follow", "follow", "follow", "unfollow"]
    page = (await editor.get("/admin")).text
    assert "2 followers now" in page and "3 new" in page and "1 left" in page and "<svg" in page


@pytest.mark.parametrize("handle, expected", [
    ("@kim@social.example", ("kim", "social.example")),
    ("kim@social.example", ("kim", "social.example")),
    ("https://social.example/@kim", ("kim", "social.example")),
    ("social.example", (None, "social.example")),
    ("@kim@", None), ("kim@bad host", None), ("@kim@exa_mple.org/path", None), ("nonsense", None),
    ("kim@localhost", None),
])
def test_remote_follow_handles(handle, expected):
    from node.web.public import parse_handle

    assert parse_handle(handle) == expected


async def test_remote_follow_redirects_to_the_readers_server(tmp_path):
    import httpx
    from conftest import app_client, make_node_config

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.host == "social.example"  # mock transport: nothing leaves the machine
        return httpx.Response(200, json={"subject": "acct:kim@social.example", "links": [
            {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "https://social.example/follow?acct={uri}"}]})

    http = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    config = await make_node_config(f"sqlite://{tmp_path / 'db.sqlite3'}", tmp_path)
    async with app_client(config, http=http) as client:
        profile = (await client.get("/@alerts")).text
        assert 'action="/remote-follow"' in profile and 'for="follow-handle"' in profile
        r = await client.get("/remote-follow", params={"handle": "@kim@social.example",
                                                       "uri": "acct:alerts@node.test"})
        assert r.status_code == 303
        assert r.headers["location"] == "https://social.example/follow?acct=acct%3Aalerts%40node.test"
        r = await client.get("/remote-follow", params={"handle": "not a handle"})
        assert r.status_code == 400 and "Enter your fediverse address" in r.text
        # only our own account or alerts can be the target
        r = await client.get("/remote-follow", params={"handle": "@kim@social.example", "uri": "https://evil.example/x"})
        assert "acct%3Aalerts%40node.test" in r.headers["location"]
    await http.aclose()


async def test_settings_change_the_profile_avatar_header_and_languages(sqlite_site):
    admin = await sqlite_site.login("amina", "admin")
    form = {"name": "Free Press Now", "summary": "We defend journalists.", "field-0-name": "Website",
            "field-0-value": "https://freepress.example", "languages": ["fr", "en"], "other_languages": "pt-BR",
            "timezone": "Europe/Paris"}
    files = {"avatar": ("a.png", png_bytes(500, 500), "image/png"), "header": ("h.png", png_bytes(900, 300), "image/png")}
    r = await post_form(admin, "/admin/settings", form, files)
    assert r.status_code == 303, r.text[-2000:]
    actor = (await sqlite_site.client().get("/actors/alerts", headers=AP)).json()
    assert actor["name"] == "Free Press Now" and actor["attachment"][0]["name"] == "Website"
    assert actor["icon"]["url"] != f"{BASE}/media/alerts-avatar.png" and actor["image"]["type"] == "Image"
    for url in (actor["icon"]["url"], actor["image"]["url"]):
        image = await sqlite_site.client().get(url.replace(BASE, ""))
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    update = await Activity.filter(type="Update").order_by("-created_at").first()
    assert orjson.loads(update.body)["object"]["image"]["url"] == actor["image"]["url"]
    compose = (await admin.get("/admin/compose")).text
    assert re.search(r'<select id="f-language" name="language"[^>]*>\s*<option value="fr" selected>', compose)
    assert '<option value="pt-BR"' in compose
    assert "Europe/Paris" in compose


async def test_a_scheduled_alert_can_be_published_at_once(sqlite_site):
    editor = await sqlite_site.login()
    r = await post_form(editor, "/admin/compose", alert_form(action="schedule", scheduled_for="2099-06-01T12:00",
                                                             client_tz="UTC"))
    draft = draft_id_of(r)
    alert_id = alert_id_of(await post_form(editor, f"/admin/drafts/{draft}", alert_form(action="publish")))
    assert (await Draft.get(id=draft)).state == "published"
    assert await scheduler.publish_due(sqlite_site.node, now=datetime(2099, 6, 2, tzinfo=UTC)) == 0
    assert await Alert.filter(id=alert_id).count() == 1 and await Alert.all().count() == 1


async def test_deleting_a_user_keeps_their_drafts(sqlite_site):
    from node.storage.models import User

    admin = await sqlite_site.login("amina", "admin")
    bo = await sqlite_site.login("bo", "editor")
    draft = draft_id_of(await post_form(bo, "/admin/compose", alert_form(action="save")))
    bo_id = (await User.get(username="bo")).id
    assert (await post_form(admin, f"/admin/users/{bo_id}", {"action": "delete"})).status_code == 303
    assert (await Draft.get(id=draft)).author_id is None


async def test_public_interface_language_follows_the_request(sqlite_site):
    editor = await sqlite_site.login()
    alert_id = await publish(editor)  # English only
    page = (await sqlite_site.client().get(f"/alerts/{alert_id}?lang=fr")).text
    assert '<html lang="fr" dir="ltr">' in page and "Ce que vous pouvez faire" in page
    assert '<article class="alert" lang="en" dir="ltr">' in page  # the text stays in its language
