"""No page scrolls sideways on a phone: every public, staff and Clearing House page at 360 and 390 px.

A member node and a Clearing House that indexes its alerts are real ``aan serve`` processes; Chromium
emulates a phone (a mobile viewport honouring ``<meta name=viewport>``, touch, a 3x screen). Each page,
in English and in Arabic (right to left), must fit: ``scrollWidth <= clientWidth`` of the document.
"""
# ruff: noqa: F811  (pytest fixtures imported from a helper module are used as arguments)

from __future__ import annotations

import pytest
from browser_support import browser  # noqa: F401
from conftest import EXAMPLE, NodeProcess, wait_for
from test_browser_publishing import PASSWORD, fill_alert

WIDTHS = (360, 390)
LONG_URL = "https://example.org/reports/2026/11/a-very-long-path-segment-without-any-break-in-it-at-all-" + "x" * 60


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    base = tmp_path_factory.mktemp("widths")
    member = NodeProcess(base, "member").init()
    member.cli("user", "add", "amina", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    ch = NodeProcess(base, "ch", username="clearinghouse")
    ch.cli("init", "--domain", ch.domain, "--username", "clearinghouse", "--name", "Clearing House",
           "--role", "clearinghouse", "--insecure-http")
    try:
        member.start()
        ch.start()
        ch.cli("member", "add", member.handle)
        wait_for(lambda: "active" in ch.cli("member", "list").stdout, message="the member active")
        alert_url = member.cli("alert", "publish", str(EXAMPLE)).stdout.strip()
        wait_for(lambda: ch.cli("case", "list").stdout.strip() != "", message="the alert indexed in a case")
        yield member, ch, alert_url
    finally:
        ch.stop()
        member.stop()


def overflow(page) -> str | None:
    """None if the page fits its viewport; else its widths and the elements that stick out."""
    found = page.evaluate("""() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth) return null;
        const wide = [...document.querySelectorAll('body *')].filter(e => {
            const r = e.getBoundingClientRect();
            return r.width > 0 && (r.right > root.clientWidth + 0.5 || r.left < -0.5);
        }).slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
            + ' [' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right) + ']');
        return root.scrollWidth + ' > ' + root.clientWidth + ': ' + wide.join(', ');
    }""")
    return found


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def phone(browser, request):
    context = browser.new_context(locale="en-GB", timezone_id="UTC", is_mobile=True, has_touch=True,
                                  device_scale_factor=3, viewport={"width": request.param, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def check(page, url: str, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 500, url
    found = overflow(page)
    if found:
        problems.append(f"{url}: {found}")


def test_public_and_clearing_house_pages_fit_a_phone(network, phone):
    member, ch, alert_url = network
    phone.goto(f"{ch.base}/alerts")
    case_url = phone.get_attribute("a[href*='/cases/']", "href")
    assert case_url, "the Clearing House lists the alert with its case"
    problems: list[str] = []
    for lang in ("", "?lang=ar"):
        for url in (f"{member.base}/", f"{member.base}/alerts", alert_url, f"{alert_url}/case", f"{member.base}/@alerts",
                    f"{member.base}/remote-follow?handle=not+a+handle", f"{member.base}/alerts/nothing",
                    f"{member.base}/login", f"{ch.base}/", case_url, f"{ch.base}/members", f"{ch.base}/digest"):
            check(phone, url + (("&" if "?" in url else "?") + lang[1:] if lang else ""), problems)
    assert phone.get_attribute("html", "dir") == "rtl"  # the last one was in Arabic
    assert not problems, "pages wider than the screen:\n" + "\n".join(problems)


def test_staff_pages_fit_a_phone(network, phone):
    member, _, alert_url = network
    phone.goto(f"{member.base}/login")
    phone.fill("#username", "amina")
    phone.fill("#password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{member.base}/admin")
    alert_id = alert_url.rsplit("/", 1)[1]
    problems: list[str] = []
    for path in ("/admin", "/admin/compose", "/admin/alerts", f"/admin/alerts/{alert_id}", "/admin/replies",
                 "/admin/users", "/admin/settings", "/admin/account", f"/admin/alerts/{alert_id}/delete"):
        check(phone, member.base + path, problems)

    phone.goto(f"{member.base}/admin/compose")
    phone.click("button[value=publish]")  # nothing filled in: the errors are listed
    phone.wait_for_selector("#errors")
    if found := overflow(phone):
        problems.append(f"composer with errors: {found}")
    fill_alert(phone, headline="Journalist detained in Cairo", country="EG", target="Nour Ali")
    phone.fill("#f-body", f"Police detained **Nour Ali**. Source: {LONG_URL}")
    phone.select_option("#f-new-translation", "ar")
    phone.click("button[value=add_translation]")
    phone.wait_for_selector("#tr-ar-headline")
    phone.fill("#tr-ar-headline", "احتجاز صحفية في القاهرة")
    phone.click("button[value=preview]")
    phone.locator("#preview >> text=On Mastodon").wait_for()
    if found := overflow(phone):
        problems.append(f"composer with a translation and the preview: {found}")
    assert not problems, "pages wider than the screen:\n" + "\n".join(problems)
