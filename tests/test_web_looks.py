"""What every page shows around the content: the favicon, the follower chart, handles and lists in
right-to-left pages. Runs in process on SQLite and PostgreSQL."""
# ruff: noqa: F811  (pytest fixtures imported from a helper module are used as arguments)

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from webui_support import BASE, alert_form, png_bytes, post_form, site  # noqa: F401

from node.webui import status
from node.webui.views_alerts import _chart

AP = {"Accept": "application/activity+json"}


async def test_favicon_is_the_default_icon_then_the_uploaded_avatar(site):
    public = site.client()
    r = await public.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.content.lstrip().startswith(b"<svg") and b"<script" not in r.content
    assert "max-age" in r.headers["cache-control"]
    admin = await site.login("amina", "admin")
    for client, path in ((public, "/"), (public, "/alerts"), (public, "/@alerts"), (public, "/login"),
                         (admin, "/admin"), (admin, "/admin/compose")):
        page = (await client.get(path)).text
        assert '<link rel="icon" href="/favicon.ico">' in page, path

    form = {"name": "Free Press Now", "summary": "We defend journalists.", "languages": ["en"], "timezone": "UTC"}
    r = await post_form(admin, "/admin/settings", form, {"avatar": ("a.png", png_bytes(64, 64), "image/png")})
    assert r.status_code == 303, r.text[-2000:]
    actor = (await public.get("/actors/alerts", headers=AP)).json()
    avatar = await public.get(actor["icon"]["url"].replace(BASE, ""))
    assert avatar.status_code == 200 and avatar.content.startswith(b"\x89PNG")
    icon = await public.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/png"
    assert icon.content == avatar.content


def points(counts: list[int]) -> list[status.FollowerPoint]:
    first = date(2026, 11, 7)
    out, previous = [], counts[0]
    for n, count in enumerate(counts):
        out.append(status.FollowerPoint(day=first + timedelta(days=n), count=count,
                                        follows=max(count - previous, 0), unfollows=max(previous - count, 0)))
        previous = count
    return out


def test_chart_has_axes_and_labels_its_values():
    flat = _chart(points([0] * 30))
    assert [t["label"] for t in flat["y_ticks"]] == ["0", "1"]  # a scale even with no follower at all
    assert [t["label"] for t in flat["x_ticks"]] == ["Nov 7", "Nov 22", "Dec 6"]
    assert [m["label"] for m in flat["marks"]] == ["0", "0"]  # first and last day
    assert flat["left"] < flat["right"] and flat["top_y"] < flat["base"]

    few = _chart(points([0] * 27 + [1, 3, 2]))
    assert [m["label"] for m in few["marks"]] == ["0", "1", "3", "2"]  # every change, and the ends
    assert [t["label"] for t in few["y_ticks"]] == ["0", "1", "3"]
    ys = {m["label"]: m["y"] for m in few["marks"]}
    assert ys["3"] == few["top_y"] and ys["0"] == few["base"] and ys["3"] < ys["2"] < ys["1"] < ys["0"]

    busy = _chart(points([n * 7 % 13 for n in range(30)]))
    assert len(busy["marks"]) == 2  # the line says it; only the ends are labelled


async def test_dashboard_chart_shows_axes_and_values_in_the_staff_language(site):
    admin = await site.login("amina", "admin")
    page = (await admin.get("/admin")).text
    svg = page[page.index('<svg class="chart"'):page.index("</svg>")]
    assert svg.count("<line ") >= 2  # the two axes
    labels = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert "0" in labels and "1" in labels and len(labels) >= 6  # y ticks, x ticks (days), values
    assert '<circle cx="' in svg
    today = datetime.now(UTC).date()  # the chart's days are UTC days
    french = (await admin.get("/admin", headers={"Accept-Language": "fr"})).text
    assert '<html lang="fr" dir="ltr">' in french
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
    assert f">{today.day} {months[today.month - 1]}</text>" in french  # the last day, as French writes it


async def test_handles_are_left_to_right_and_lists_use_the_locale_pattern(site):
    page = (await site.client().get("/remote-follow", params={"handle": "not a handle", "lang": "ar"})).text
    assert '<html lang="ar" dir="rtl">' in page
    field = re.search(r'<input id="follow-handle"[^>]*>', page)[0]
    assert 'dir="ltr"' in field and 'placeholder="@you@mastodon.social"' in field

    editor = await site.login()
    r = await post_form(editor, "/admin/compose", alert_form(
        action="publish", **{"target-1-name": "Nour Ali", "target-1-kind": "individual",
                             "target-1-profession": "journalist", "target-1-aliases": ""}))
    assert r.status_code == 303, r.text[-2000:]
    alert_id = re.match(r"/admin/alerts/([0-9a-f]+)", r.headers["location"])[1]
    expected = {"en": "<bdi>Jane Doe</bdi> and <bdi>Nour Ali</bdi>", "fr": "<bdi>Jane Doe</bdi> et <bdi>Nour Ali</bdi>",
                "ar": "<bdi>Jane Doe</bdi> و<bdi>Nour Ali</bdi>"}
    for lang, names in expected.items():
        case_page = (await site.client().get(f"/alerts/{alert_id}/case", params={"lang": lang})).text
        assert names in case_page, lang
        assert "</bdi>, <bdi>" not in case_page


async def test_target_labels_are_joined_by_the_locale_pattern(site):
    editor = await site.login()
    r = await post_form(editor, "/admin/compose", alert_form(action="publish"))
    alert_id = re.match(r"/admin/alerts/([0-9a-f]+)", r.headers["location"])[1]
    pages = {lang: (await site.client().get(f"/alerts/{alert_id}", params={"lang": lang})).text for lang in ("en", "ar")}
    assert "<bdi>Jane Doe</bdi> (Individual, Journalist)" in pages["en"]
    assert re.search(r"<bdi>Jane Doe</bdi> \([^,()]+ و[^,()]+\)", pages["ar"])  # no Latin comma in Arabic
