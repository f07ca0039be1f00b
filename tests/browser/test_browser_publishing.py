"""In a real browser: log in, compose with a translation and an image, preview, publish, see it on the
public page and at a second node that follows this one; schedule an embargoed alert; edit; delete.

Both nodes are real ``aan serve`` processes on loopback; the second follows the first with a signed
Follow, so every alert reaches it as a signed delivery.
"""
# ruff: noqa: F811  (pytest fixtures imported from a helper module are used as arguments)

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from browser_support import browser, page  # noqa: F401
from conftest import EXAMPLE, NodeProcess, wait_for
from webui_support import png_bytes

PASSWORD = "correct horse battery staple"
AP = {"Accept": "application/activity+json"}


def received(node) -> dict[str, dict]:
    out = node.cli("received", "--json").stdout.strip().splitlines()
    return {r["id"]: r for r in map(json.loads, out)}


def received_note(node, uri: str) -> dict | None:
    with sqlite3.connect(node.data_dir / "aan.sqlite3") as db:
        row = db.execute("SELECT data, deleted FROM remote_objects WHERE uri = ?", (uri,)).fetchone()
    return {**json.loads(row[0]), "_deleted": bool(row[1])} if row else None


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    member = NodeProcess(base, "member").init()
    member.cli("user", "add", "amina", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    reader = NodeProcess(base, "reader", username="reader").init()
    try:
        member.start(env={"AAN_SCHEDULER_POLL": "0.2"})
        reader.start()
        reader.cli("follow", member.handle)
        wait_for(lambda: "accepted" in reader.cli("following").stdout, message="the reader's Follow accepted")
        yield member, reader
    finally:
        reader.stop()
        member.stop()


def login(page, node) -> None:
    page.goto(f"{node.base}/login")
    page.fill("#username", "amina")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{node.base}/admin")


def fill_alert(page, *, headline: str, country: str, target: str) -> None:
    page.select_option("#f-type", "alert")
    page.fill("#f-headline", headline)
    page.fill("#f-summary", f"{target} was detained after covering a protest.")
    page.fill("#f-body", f"Police detained **{target}** on 20 November.\n\n- held without charge\n- no lawyer")
    page.select_option("#f-country", country)
    page.fill("#f-incident_date", "2026-11-20")
    page.check("#cat-detention")
    page.check("#act-arrested_detained")
    page.fill("#target-0-name", target)
    page.select_option("#target-0-kind", "individual")
    page.select_option("#target-0-profession", "journalist")
    page.fill("#f-asks", f"Release {target} immediately")


def test_compose_translate_illustrate_preview_publish_and_federate(network, page):
    member, reader = network
    login(page, member)
    page.click("header nav >> text=New alert")
    fill_alert(page, headline="Reporter detained in Istanbul", country="TR", target="Jane Doe")

    # a translation, side by side with the original
    page.select_option("#f-new-translation", "fr")
    page.click("button[value=add_translation]")
    page.wait_for_selector("#tr-fr-headline")
    assert page.locator("#tr-fr [data-mirror=headline]").inner_text() == "Reporter detained in Istanbul"
    page.fill("#tr-fr-headline", "Journaliste détenue à Istanbul")
    page.fill("#tr-fr-summary", "Jane Doe a été arrêtée après avoir couvert une manifestation.")
    page.fill("#tr-fr-body", "La police a arrêté **Jane Doe** le 20 novembre.")

    # an image, with its required description
    page.set_input_files("#f-new-image", files=[{"name": "courthouse.png", "mimeType": "image/png",
                                                 "buffer": png_bytes(120, 80)}])
    assert page.get_attribute("#f-new-image-alt", "aria-required") == "true"  # asked for as soon as chosen
    page.fill("#f-new-image-alt", "Police officers outside the Istanbul courthouse")
    page.click("button:has-text('Upload the image')")
    thumb = page.locator("img.thumb[alt='Police officers outside the Istanbul courthouse']")
    thumb.wait_for()
    assert page.evaluate("img => img.naturalWidth", thumb.element_handle()) > 0

    # the preview, as on Mastodon and as on the web page
    page.click("button[value=preview]")
    preview = page.locator("#preview")
    preview.locator("text=On Mastodon").wait_for()
    assert "Reporter detained in Istanbul" in preview.inner_text()
    assert "Journaliste détenue à Istanbul" in preview.inner_text()  # the French version of the post
    assert preview.locator(".toot-media img[alt='Police officers outside the Istanbul courthouse']").count() >= 1
    # and live, while typing
    page.fill("#f-headline", "Reporter detained in Istanbul, held without charge")
    preview.locator("text=Reporter detained in Istanbul, held without charge").first.wait_for()
    page.locator("#save-status:has-text('Draft saved')").wait_for()  # saved automatically

    page.click("button[value=publish]")
    page.wait_for_url(f"{member.base}/admin/alerts/*")
    assert "The alert is published" in page.inner_text("main")
    alert_url = page.get_attribute("a:has-text('Public page')", "href")

    # the public page, in English and in French
    page.goto(alert_url)
    assert page.inner_text("h1") == "Reporter detained in Istanbul, held without charge"
    image = page.locator("article.alert img[alt='Police officers outside the Istanbul courthouse']")
    assert page.evaluate("img => img.complete && img.naturalWidth", image.element_handle()) > 0
    page.click("nav.langs >> text=Français")
    assert page.inner_text("h1") == "Journaliste détenue à Istanbul"
    assert page.get_attribute("html", "lang") == "fr"
    assert "Ce que vous pouvez faire" in page.inner_text("main")

    # the second node received it, with the translation and the image as an attachment
    wait_for(lambda: alert_url in received(reader), message="the alert at the second node")
    note = received_note(reader, alert_url)
    assert "Journaliste détenue à Istanbul" in note["contentMap"]["fr"]
    assert note["attachment"][0]["name"] == "Police officers outside the Istanbul courthouse"
    assert httpx.get(note["attachment"][0]["url"]).headers["content-type"] == "image/png"


def test_edit_then_delete(network, page):
    member, reader = network
    alert_url = member.cli("alert", "publish", str(EXAMPLE)).stdout.strip()
    wait_for(lambda: alert_url in received(reader), message="the alert at the second node")
    login(page, member)
    page.goto(f"{member.base}/admin/alerts/{alert_url.rsplit('/', 1)[1]}")
    page.click("button:has-text('Edit')")
    page.wait_for_selector("#f-headline")
    assert "You are editing a published alert" in page.inner_text("main")
    page.fill("#f-headline", "Journalist released on bail")
    page.click("button[value=publish]")
    page.wait_for_url(f"{member.base}/admin/alerts/*")
    assert "sent to followers as an update" in page.inner_text("main")
    wait_for(lambda: "released on bail" in (received(reader).get(alert_url) or {}).get("content", ""),
             message="the Update at the second node")

    page.click("a:has-text('Delete')")
    assert "Delete this alert?" in page.inner_text("h1")
    page.click("button:has-text('Delete the alert')")
    page.wait_for_url(f"{member.base}/admin/alerts?msg=deleted")
    wait_for(lambda: (received_note(reader, alert_url) or {}).get("_deleted"), message="the Delete at the second node")
    assert httpx.get(alert_url).status_code == 410


def test_scheduled_alert_is_invisible_until_its_time(network, page):
    member, reader = network
    login(page, member)
    page.goto(f"{member.base}/admin/compose")
    headline = "Embargoed: radio station raided in São Paulo"
    fill_alert(page, headline=headline, country="BR", target="Rádio Liberdade")
    page.select_option("#target-0-kind", "media_outlet")
    page.select_option("#target-0-profession", "")
    when = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=20)  # after the form, even on a busy machine
    page.fill("#f-scheduled_for", when.strftime("%Y-%m-%dT%H:%M:%S"))
    page.click("button[value=schedule]")
    page.wait_for_url("**/admin/drafts/*")
    assert "The alert is scheduled" in page.inner_text("main")

    def visible_anywhere() -> list[str]:
        places = []
        for path in ("/", "/alerts", "/feed.atom", "/@alerts", "/tags/brazil", "/nodeinfo/2.1"):
            if headline in httpx.get(member.base + path).text:
                places.append(path)
        outbox = httpx.get(f"{member.actor}/outbox?page=1", headers=AP).json()
        if any(headline in json.dumps(item) for item in outbox["orderedItems"]):
            places.append("outbox")
        if any(headline in (r.get("content") or "") for r in received(reader).values()):
            places.append("second node")
        return places

    # Not visible anywhere before its time: an observation counts as a leak only if it ended before
    # `when` (on a busy machine one look can take longer than any margin).
    while datetime.now(UTC) < when:
        seen = visible_anywhere()
        if seen:
            assert datetime.now(UTC) >= when, f"leaked before its time: {seen}"
            break
        time.sleep(0.2)  # the interval between looks, not a wait for anything
    wait_for(lambda: headline in httpx.get(f"{member.base}/alerts").text,
             message="publication at the scheduled time")
    listing = json.loads(member.cli("alert", "list", "--json").stdout.splitlines()[0])
    published = datetime.fromisoformat(listing["published"])
    assert listing["headline"] == headline and published >= when
    wait_for(lambda: any(headline in (r.get("content") or "") for r in received(reader).values()),
             message="the scheduled alert at the second node")


def test_publishing_works_without_javascript(network, browser):  # noqa: F811
    member, _ = network
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        login(page, member)
        page.goto(f"{member.base}/admin/compose")
        fill_alert(page, headline="Blogger summoned in Tunis", country="TN", target="Amel B.")
        page.click("button[value=add_target]")  # rows are added by the server
        page.wait_for_selector("#target-1-name")
        page.fill("#target-1-name", "Karim B.")
        page.select_option("#target-1-kind", "individual")
        page.click("button[value=publish]")
        page.wait_for_url(f"{member.base}/admin/alerts/*")
        page.click("a:has-text('Public page')")
        assert page.inner_text("h1") == "Blogger summoned in Tunis"
        assert "Karim B." in page.inner_text("main")
    finally:
        context.close()


def test_drafts_are_saved_automatically(network, page):
    member, _ = network
    login(page, member)
    page.goto(f"{member.base}/admin/compose")
    page.fill("#f-headline", "Half-written alert about a raid")
    page.fill("#f-body", "Typed, never saved by hand.")
    page.wait_for_url(f"{member.base}/admin/drafts/*")  # the first autosave created the draft
    page.locator("#save-status:has-text('Draft saved')").wait_for()
    with page.expect_response(lambda r: r.url.endswith("/autosave") and r.status == 200):
        page.fill("#f-summary", "Added after the first autosave.")  # saved after a pause in typing
    page.locator("#preview-content:has-text('Typed, never saved by hand.')").wait_for()  # live preview
    page.reload()
    assert page.input_value("#f-headline") == "Half-written alert about a raid"
    assert page.input_value("#f-summary") == "Added after the first autosave."
