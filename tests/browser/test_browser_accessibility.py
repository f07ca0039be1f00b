"""Automated accessibility check (axe-core, WCAG 2.1 A/AA rules) of the composer and the public pages.

No page may have a violation of impact "serious" or "critical"; minor and moderate ones are listed in
the failure message of any serious one to help fix them together.
"""
# ruff: noqa: F811  (pytest fixtures imported from a helper module are used as arguments)

from __future__ import annotations

import pytest
from browser_support import browser, page  # noqa: F401
from conftest import NodeProcess
from test_browser_publishing import PASSWORD, fill_alert, login
from webui_support import png_bytes

BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def member(tmp_path_factory):
    node = NodeProcess(tmp_path_factory.mktemp("a11y"), "member").init()
    node.cli("user", "add", "amina", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    node.start()
    yield node
    node.stop()


def check(page, what: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
    violations = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING]
    summary = "\n".join(
        f"  [{v['impact']}] {v['id']}: {v['help']} -> "
        + "; ".join(str(node["target"]) for node in v["nodes"][:3]) for v in violations)
    assert not blocking, f"{what}: accessibility violations\n{summary}"


def test_composer_and_public_pages_have_no_serious_violations(member, page):
    page.goto(f"{member.base}/login")
    check(page, "login form")
    page.fill("#username", "amina")
    page.fill("#password", "wrong password")
    page.click("main button[type=submit]")
    check(page, "login form with an error")
    login(page, member)
    check(page, "dashboard")

    page.goto(f"{member.base}/admin/compose")
    check(page, "empty composer")
    page.click("button[value=publish]")  # nothing filled in: errors are announced and linked
    page.wait_for_selector("#errors")
    check(page, "composer with errors")

    fill_alert(page, headline="Journalist detained in Cairo", country="EG", target="Nour Ali")
    page.select_option("#f-new-translation", "ar")
    page.click("button[value=add_translation]")
    page.wait_for_selector("#tr-ar-headline")
    page.fill("#tr-ar-headline", "احتجاز صحفية في القاهرة")
    page.fill("#tr-ar-summary", "احتجزت الشرطة الصحفية نور علي بعد تغطيتها احتجاجا.")
    page.set_input_files("#f-new-image", files=[{"name": "p.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.fill("#f-new-image-alt", "Riot police in front of a newspaper office")
    page.click("button:has-text('Upload the image')")
    page.wait_for_selector("img.thumb")
    page.click("button[value=preview]")
    page.locator("#preview >> text=On Mastodon").wait_for()
    check(page, "composer with a translation, an image and the preview")

    page.click("button[value=publish]")
    page.wait_for_url(f"{member.base}/admin/alerts/*")
    check(page, "status panel")
    alert_url = page.get_attribute("a:has-text('Public page')", "href")
    for path in ("/admin/alerts", "/admin/replies", "/admin/users", "/admin/settings", "/admin/account",
                 f"/admin/alerts/{alert_url.rsplit('/', 1)[1]}/delete"):
        page.goto(member.base + path)
        check(page, path)

    page.goto(f"{member.base}/admin/compose", wait_until="load")
    page.select_option("#ui-lang", "fr")
    page.click("button:has-text('Change')")
    page.wait_for_selector("html[lang=fr]")
    check(page, "composer in French")

    for url in (alert_url, f"{alert_url}?lang=ar", f"{alert_url}/case", f"{member.base}/alerts",
                f"{member.base}/alerts?lang=ar", f"{member.base}/@alerts", f"{member.base}/alerts/nothing",
                f"{member.base}/remote-follow?handle=not+a+handle"):
        page.goto(url)
        check(page, url)
    page.goto(f"{alert_url}?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"


def test_keyboard_only_author_can_reach_every_composer_field(member, page):
    login(page, member)
    page.goto(f"{member.base}/admin/compose")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    reached = set()
    for _ in range(250):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.id || document.activeElement.name || ''"))
        if "f-scheduled_for" in reached:
            break
    for field in ("f-headline", "f-summary", "f-body", "cat-detention", "f-country", "f-incident_date",
                  "target-0-name", "f-asks", "f-new-image", "f-scheduled_for"):
        assert field in reached, field
