"""Serving: content negotiation, ids equal to URLs, discovery documents, pages and feed."""

import re
import xml.etree.ElementTree as ET

import pytest
from conftest import EXAMPLE_TEXT, app_client, example_alert, make_node_config

from node.activitypub import outbox

AP = {"Accept": "application/activity+json"}
LD = {"Accept": 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'}
HOSTILE = EXAMPLE_TEXT.replace(
    "headline: Journalist detained after reporting on protests",
    'headline: "<script>alert(1)</script> Reporter held"',
).replace(
    "Police in **Istanbul**",
    '<img src=x onerror="alert(2)"> [click](javascript:alert(3)) <script>alert(4)</script> Police in **Istanbul**',
)


@pytest.fixture
async def site(db_url, tmp_path):
    async with app_client(await make_node_config(db_url, tmp_path)) as client:
        yield client


async def publish(client, text=None):
    node = client.node
    row = await outbox.publish_alert(node.org, node.urls, example_alert(text or None))
    return node.urls.alert(row.id)


async def test_every_served_id_equals_its_url(site):
    alert = await publish(site)
    actor = "http://node.test/actors/alerts"
    urls = [actor, f"{actor}/outbox", f"{actor}/outbox?page=1", f"{actor}/followers", f"{actor}/following",
            f"{actor}/featured", alert, "http://node.test/actor"]
    for url in urls:
        for accept in (AP, LD):
            r = await site.get(url, headers=accept)
            assert r.status_code == 200, url
            assert r.headers["content-type"] == "application/activity+json"
            assert r.json()["id"] == url
    create = (await site.get(f"{actor}/outbox?page=1", headers=AP)).json()["orderedItems"][0]
    r = await site.get(create["id"], headers=AP)
    assert r.status_code == 200 and r.json()["id"] == create["id"] and r.json()["type"] == "Create"


async def test_browsers_get_html(site):
    alert = await publish(site)
    r = await site.get(alert, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert f'<link rel="alternate" type="application/activity+json" href="{alert}">' in r.text
    r = await site.get("/actors/alerts", headers={"Accept": "text/html"})
    assert r.status_code == 302 and r.headers["location"] == "http://node.test/@alerts"


async def test_webfinger_variants(site):
    for resource in ("acct:alerts@node.test", "alerts@node.test", "http://node.test/actors/alerts",
                     "acct:ALERTS@node.test", "acct:Alerts@NODE.test"):  # the user part is case-insensitive
        r = await site.get("/.well-known/webfinger", params={"resource": resource})
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/jrd+json"
        assert r.headers["access-control-allow-origin"] == "*"
        body = r.json()
        assert body["subject"] == "acct:alerts@node.test"
        assert {"rel": "self", "type": "application/activity+json",
                "href": "http://node.test/actors/alerts"} in body["links"]
    assert (await site.get("/.well-known/webfinger", params={"resource": "acct:nobody@node.test"})).status_code == 404
    assert (await site.get("/.well-known/webfinger", params={"resource": "acct:alerts@other.test"})).status_code == 404
    assert (await site.get("/.well-known/webfinger")).status_code == 400


async def test_host_meta_and_nodeinfo(site):
    await publish(site)
    xrd = await site.get("/.well-known/host-meta")
    link = ET.fromstring(xrd.text).find("{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")
    assert link.get("template") == "http://node.test/.well-known/webfinger?resource={uri}"
    links = (await site.get("/.well-known/nodeinfo")).json()["links"]
    info = (await site.get(links[0]["href"].replace("http://node.test", ""))).json()
    assert info["version"] == "2.1" and info["software"]["name"] == "aan"
    assert info["protocols"] == ["activitypub"] and info["usage"]["localPosts"] == 1


async def test_actor_document_has_what_mastodon_needs(site):
    actor = (await site.get("/actors/alerts", headers=AP)).json()
    assert actor["type"] == "Organization"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert actor["publicKey"]["id"] == actor["id"] + "#main-key"
    assert actor["icon"]["type"] == "Image" and actor["icon"]["mediaType"] == "image/png"
    assert actor["endpoints"]["sharedInbox"] == "http://node.test/inbox"
    assert actor["discoverable"] is True and actor["indexable"] is True
    assert actor["manuallyApprovesFollowers"] is False
    assert "https://www.w3.org/ns/activitystreams" in actor["@context"]
    avatar = await site.get(actor["icon"]["url"].replace("http://node.test", ""))
    assert avatar.status_code == 200 and avatar.content.startswith(b"\x89PNG")


async def test_outbox_pages(site):
    ids = [await publish(site) for _ in range(23)]
    outbox_url = "http://node.test/actors/alerts/outbox"
    top = (await site.get(outbox_url, headers=AP)).json()
    assert top["type"] == "OrderedCollection" and top["totalItems"] == 23
    page1 = (await site.get(top["first"], headers=AP)).json()
    page2 = (await site.get(page1["next"], headers=AP)).json()
    got = [i["object"]["id"] for i in page1["orderedItems"] + page2["orderedItems"]]
    assert got == list(reversed(ids)) and "next" not in page2


async def test_deleted_alert_is_a_tombstone_and_leaves_the_index(site):
    alert = await publish(site)
    await outbox.delete_alert(site.node.urls, alert.rsplit("/", 1)[1])
    r = await site.get(alert, headers=AP)
    assert r.status_code == 410 and r.json()["type"] == "Tombstone"
    assert (await site.get(alert)).status_code == 410
    assert alert not in (await site.get("/alerts")).text
    assert alert not in (await site.get("/feed.atom")).text


async def test_unknown_things_are_404(site):
    for url in ("/alerts/nope", "/actors/nobody", "/activities/nope", "/@nobody"):
        assert (await site.get(url, headers=AP)).status_code == 404


def assert_inert(html: str) -> None:
    """No live script: hostile text may appear only escaped, never as a tag or attribute."""
    assert not re.search(r"<\s*(script|img|iframe)", html, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.I)
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", html, re.I)


async def test_hostile_alert_is_escaped_and_sanitised_everywhere(site):
    alert = await publish(site, HOSTILE)
    page = (await site.get(alert)).text
    index = (await site.get("/alerts")).text
    feed = (await site.get("/feed.atom")).text
    note = (await site.get(alert, headers=AP)).json()
    for html in (page, index):
        assert_inert(html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Reporter held" in html
    atom = "{http://www.w3.org/2005/Atom}"
    entry = ET.fromstring(feed).find(f"{atom}entry")  # well-formed XML
    assert_inert(entry.find(f"{atom}content").text)
    assert entry.find(f"{atom}title").text == "<script>alert(1)</script> Reporter held"  # text, not markup
    assert_inert(note["content"])
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in note["content"]


async def test_index_paginates_newest_first(site):
    ids = [await publish(site) for _ in range(21)]
    first = (await site.get("/alerts")).text
    second = (await site.get("/alerts?page=2")).text
    assert ids[-1] in first and ids[0] not in first and ids[0] in second
    assert 'rel="next"' in first and 'rel="prev"' in second


async def test_no_external_assets(site):
    alert = await publish(site)
    for path in ("/alerts", alert, "/@alerts"):
        html = (await site.get(path)).text
        for tag in ("<script", "<link rel=\"stylesheet\"", "<img"):
            assert tag not in html

