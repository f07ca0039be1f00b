"""The Clearing House website: alert index and filters, cases, members, Atom feeds, weekly digest.

Members, cases and indexed alerts are inserted directly through the models;
the site runs in process on both databases.
"""

import html
import itertools
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from anyascii import anyascii
from conftest import app_client, make_node_config

from node.app import create_app
from node.services import cases
from node.storage.models import Case, CaseEvent, IndexedAlert, Member

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://node.test"
_uris = itertools.count(1)


@pytest.fixture
async def ch(db_url, tmp_path):
    async with app_client(await make_node_config(db_url, tmp_path, role="clearinghouse")) as client:
        yield client


# --- helpers ------------------------------------------------------------------------------------


async def member(name: str, host: str, state: str = "active") -> Member:
    return await Member.create(actor_uri=f"https://{host}/actors/alerts", handle=f"@alerts@{host}",
                               name=name, state=state)


async def case(case_id: str, title: str, country: str = "TR", incident_date: str = "2024-03-01") -> Case:
    made = await Case.create(id=case_id, title=title, country=country, incident_date=incident_date)
    await CaseEvent.create(case=made, kind="opened", detail={})
    return made


async def alert(by: Member, in_case: Case | None, headline: str, *, published: datetime,
                country: str | None = None, incident_date: str | None = None, summary: str = "",
                categories=("detention",), act_types=("arrested_detained",), alert_type: str = "alert",
                language: str = "en", review: str = "approved", deleted: bool = False,
                boost: str = "boosted", follows: str | None = None, uri: str | None = None,
                fold: bool = False) -> IndexedAlert:
    """An indexed alert; ``search_text`` as ingest builds it (plus the ASCII-folded form if ``fold``)."""
    country = country or (in_case.country if in_case else "TR")
    text = " ".join([headline, summary, by.name, country]).lower()
    if fold:
        text += " " + anyascii(text).lower()
    host = by.actor_uri.split("/")[2]
    uri = uri or f"https://{host}/alerts/{next(_uris)}"
    row = await IndexedAlert.create(
        uri=uri, member=by, case=in_case, alert_type=alert_type, headline=headline, summary=summary,
        language=language, country=country, incident_date=incident_date or (in_case.incident_date if in_case
                                                                              else "2024-03-01"),
        categories=list(categories), act_types=list(act_types), follows=follows, search_text=text,
        note={"id": uri, "alert": {"headline": headline}}, published=published, review=review,
        deleted=deleted, boost=boost)
    if in_case is not None:
        await CaseEvent.create(case=in_case, kind="attached", detail={"alert": uri, "how": "matched"})
    return row


def at(day: int, hour: int = 12, month: int = 3) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


def headlines(page: str) -> list[str]:
    """The result headlines of an index page, in order."""
    found = re.findall(r'<h2 lang="[^"]*" dir="[^"]*">(.*?)</h2>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found]


async def index(client, **params) -> list[str]:
    r = await client.get("/alerts", params=params)
    assert r.status_code == 200, r.text
    return headlines(r.text)


def assert_inert(page: str) -> None:
    assert not re.search(r"<\s*(script|img|iframe)", page, re.I)
    assert not re.search(r"<[^>]*\son\w+\s*=", page, re.I)
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript:", page, re.I)


def entries(feed: str) -> list[ET.Element]:
    return ET.fromstring(feed).findall(f"{ATOM}entry")  # parses: the feed is well-formed XML


# --- the alert index ----------------------------------------------------------------------------


async def sample():
    cpj, misa, rsf = (await member("CPJ", "cpj.test"), await member("MISA", "misa.test"),
                      await member("RSF", "rsf.test"))
    tr, ao = await case("c-tr", "Editor detained", "TR", "2024-03-01"), await case("c-ao", "Presenter killed", "AO",
                                                                                      "2024-03-03")
    await alert(cpj, tr, "Editor detained in Izmir", published=at(2))
    await alert(rsf, tr, "Izmir editor charged", published=at(4), alert_type="update",
                act_types=("legal_action",), categories=("harassment", "detention"), incident_date="2024-03-04")
    await alert(cpj, ao, "Radio presenter gunned down", published=at(5), categories=("physical_safety",),
                act_types=("killed",))
    await alert(misa, ao, "Radio presenter buried", published=at(6), alert_type="update",
                categories=("physical_safety",), act_types=("killed",), incident_date="2024-03")
    await alert(misa, None, "Newspaper closed in Luanda", published=at(7), country="AO",
                categories=("chilling_effect",), act_types=("publication_banned_or_outlet_closed",),
                incident_date="2024-02-20")
    # never shown: deleted by its member, held for review, rejected
    await alert(cpj, tr, "Deleted alert", published=at(8), deleted=True)
    await alert(cpj, tr, "Held alert", published=at(8), review="held", boost="pending")
    await alert(rsf, ao, "Rejected alert", published=at(8), review="rejected", boost="pending")
    return cpj, misa, rsf


async def test_index_filters_one_by_one_and_combined(ch):
    cpj, misa, rsf = await sample()
    every = ["Newspaper closed in Luanda", "Radio presenter buried", "Radio presenter gunned down",
             "Izmir editor charged", "Editor detained in Izmir"]
    assert await index(ch) == every  # newest first, hidden ones left out
    assert headlines((await ch.get("/")).text) == every
    assert await index(ch, country="TR") == ["Izmir editor charged", "Editor detained in Izmir"]
    assert await index(ch, country="ao") == every[:3]
    assert await index(ch, category="detention") == ["Izmir editor charged", "Editor detained in Izmir"]
    assert await index(ch, category="physical_safety") == every[1:3]
    assert await index(ch, act_type="killed") == every[1:3]
    assert await index(ch, act_type="legal_action") == ["Izmir editor charged"]
    assert await index(ch, member=str(misa.id)) == every[:2]
    assert await index(ch, member="@alerts@rsf.test") == ["Izmir editor charged"]
    assert await index(ch, member="alerts@cpj.test") == ["Radio presenter gunned down", "Editor detained in Izmir"]
    assert await index(ch, type="update") == ["Radio presenter buried", "Izmir editor charged"]
    # incident dates: "2024-03" (month precision) overlaps any range in March
    assert await index(ch, **{"from": "2024-03-02"}) == every[1:4]
    assert await index(ch, to="2024-03-01") == [every[0], every[1], every[4]]
    assert await index(ch, **{"from": "2024-03-02", "to": "2024-03-03"}) == every[1:3]
    # combined
    assert await index(ch, country="AO", type="update") == ["Radio presenter buried"]
    assert await index(ch, country="AO", member=str(cpj.id), category="physical_safety") == \
        ["Radio presenter gunned down"]
    assert await index(ch, country="TR", category="physical_safety") == []
    assert await index(ch, member="@nobody@nowhere.test") == []
    assert await index(ch, member="99999999999999999999") == []
    assert await index(ch, page="²") == every  # junk page numbers mean page 1
    r = await ch.get("/alerts", params={"from": "last week"})
    assert r.status_code == 200 and headlines(r.text) == every and "ISO date" in r.text
    # each result: credited, linked to its case and to the member's original
    page = (await ch.get("/alerts", params={"type": "update", "country": "AO"})).text
    row = await IndexedAlert.get(headline="Radio presenter buried")
    assert f'href="{row.uri}"' in page and f'href="{BASE}/cases/c-ao"' in page
    assert '<a class="credit" href="https://misa.test/actors/alerts" dir="auto">MISA</a>' in page


async def test_filter_form_is_labelled_and_keeps_its_values(ch):
    await sample()
    page = (await ch.get("/alerts", params={"country": "AO", "q": "radio", "category": "physical_safety"})).text
    assert '<form class="filters" method="get"' in page
    ids = re.findall(r'<(?:input|select) id="([^"]+)"', page)
    assert len(ids) == 8
    for field_id in ids:
        assert f'<label for="{field_id}">' in page
    assert 'value="radio"' in page
    assert '<option value="AO" selected>Angola</option>' in page
    assert '<option value="physical_safety" selected>' in page
    for tag in ("<script", '<link rel="stylesheet"', "<img"):
        assert tag not in page


async def test_search_every_word_case_insensitive_and_folded(ch):
    cpj = await member("CPJ", "cpj.test")
    c = await case("c1", "x")
    await alert(cpj, c, "Özgür Gündem editor detained", summary="Police raided the newsroom.", published=at(1))
    await alert(cpj, c, "Editor of Cumhuriyet detained", summary="Taken from his home.", published=at(2))
    await alert(cpj, c, "Newsroom raided in Ankara", published=at(3))
    await alert(cpj, c, "Gazeteci Çağlar gözaltına alındı", language="tr", published=at(4), fold=True)
    assert await index(ch, q="editor detained") == ["Editor of Cumhuriyet detained", "Özgür Gündem editor detained"]
    assert await index(ch, q="DETAINED   Editor") == ["Editor of Cumhuriyet detained",
                                                      "Özgür Gündem editor detained"]
    assert await index(ch, q="newsroom raided") == ["Newsroom raided in Ankara", "Özgür Gündem editor detained"]
    assert await index(ch, q="editor ankara") == []
    # diacritics: the query keeps them or is folded; upper case outside ASCII too
    assert await index(ch, q="ÖZGÜR gündem") == ["Özgür Gündem editor detained"]
    assert await index(ch, q="Çağlar") == ["Gazeteci Çağlar gözaltına alındı"]
    assert await index(ch, q="caglar GOZALTINA") == ["Gazeteci Çağlar gözaltına alındı"]  # folded text stored
    # LIKE wildcards in the query are literal
    assert await index(ch, q="%") == [] and await index(ch, q="_") == []
    # with other filters
    assert await index(ch, q="detained", type="alert", country="TR") == ["Editor of Cumhuriyet detained",
                                                                         "Özgür Gündem editor detained"]


async def test_index_paginates_newest_first_keeping_filters(ch):
    cpj = await member("CPJ", "cpj.test")
    c = await case("c1", "x")
    for n in range(23):
        await alert(cpj, c, f"Alert number {n:02d}", published=at(1) + timedelta(hours=n))
    await alert(cpj, None, "Elsewhere", country="AO", published=at(20))
    first = await ch.get("/alerts", params={"country": "TR"})
    assert headlines(first.text) == [f"Alert number {n:02d}" for n in range(22, 2, -1)]
    assert "23 alerts match" in first.text
    nxt = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert nxt and 'rel="prev"' not in first.text
    second = await ch.get(html.unescape(nxt[1]))
    assert headlines(second.text) == ["Alert number 02", "Alert number 01", "Alert number 00"]
    assert 'rel="next"' not in second.text
    prev = re.search(r'<a href="([^"]+)" rel="prev">', second.text)
    assert prev and html.unescape(prev[1]) == f"{BASE}/alerts?country=TR"
    assert headlines((await ch.get("/alerts", params={"page": "9"})).text) == []
    assert len(headlines((await ch.get("/alerts", params={"page": "x"})).text)) == 20


# --- cases --------------------------------------------------------------------------------------


async def test_case_page_timeline_credits_events_and_merged_ids(ch):
    cpj, misa = await member("CPJ", "cpj.test"), await member("MISA", "misa.test")
    ao = await case("c-ao", "Presenter killed in Luanda", "AO", "2024-03-03")
    first = await alert(cpj, ao, "Radio presenter gunned down", summary="Shot outside the station.",
                        published=at(5), language="en")
    await alert(misa, ao, "Presenter buried", summary="Le présentateur a été enterré.", language="fr",
                published=at(6), alert_type="update", boost="attached", follows=first.uri)
    await alert(misa, ao, "Withdrawn", published=at(7), deleted=True, boost="undone")
    dup = await case("c-dup", "Angolan journalist shot", "AO", "2024-03-03")
    await alert(misa, dup, "Journalist shot dead in Luanda", published=at(5, 18), boost="boosted")
    await cases.merge("c-ao", "c-dup", by="editor-ana")

    r = await ch.get("/cases/c-ao")
    assert r.status_code == 200
    page = r.text
    # the title is the current headline of the case's first live report
    assert '<h1 lang="en" dir="ltr">Radio presenter gunned down</h1>' in page and "Angola" in page
    assert "<bdi>March 3, 2024</bdi>" in page  # the incident date, formatted for the reader's language
    order = ["Radio presenter gunned down", "Journalist shot dead in Luanda", "Presenter buried"]
    positions = [page.index(f">{h}</h3>") for h in order]
    assert positions == sorted(positions)  # published order, both members' alerts
    assert "Withdrawn" not in page and "an alert no longer published" in page
    assert '<a class="credit" href="https://cpj.test/actors/alerts" dir="auto">CPJ</a>' in page
    assert '<a class="credit" href="https://misa.test/actors/alerts" dir="auto">MISA</a>' in page
    assert "@alerts@misa.test" in page
    assert '<h3 lang="fr" dir="ltr">Presenter buried</h3>' in page
    assert "Le présentateur a été enterré." in page
    assert f'href="{first.uri}"' in page
    assert page.count("Boosted by the Clearing House") == 2
    assert page.count("Attached to the case (not boosted)") == 1
    assert ">Update</span>" in page
    log = page[page.index('id="log"'):]
    assert "<strong>opened</strong>" in log and "<strong>attached</strong>" in log
    assert f'case <a href="{BASE}/cases/c-dup"><span dir="ltr">c-dup</span></a> merged into this one' in log
    assert "by <bdi>editor-ana</bdi>" in log
    assert '“<bdi lang="en" dir="ltr">Radio presenter gunned down</bdi>” (<bdi>CPJ</bdi>)' in log
    assert '(in case <span dir="ltr">c-dup</span>)' in log  # the alias's own history is kept

    # split: the new case opens, the old one logs the split
    new = await cases.split("c-ao", [first.uri])
    page = (await ch.get("/cases/c-ao")).text
    assert "Radio presenter gunned down</h3>" not in page
    assert f'alerts split off into case <a href="{BASE}/cases/{new.id}"><span dir="ltr">{new.id}</span></a>' in page
    other = (await ch.get(f"/cases/{new.id}")).text
    assert "Radio presenter gunned down</h3>" in other and f"split from <a href=\"{BASE}/cases/c-ao\">" in other

    # the merged id keeps resolving, by a permanent redirect
    r = await ch.get("/cases/c-dup")
    assert r.status_code == 301 and r.headers["location"] == f"{BASE}/cases/c-ao"
    assert (await ch.get("/cases/c-dup", follow_redirects=True)).status_code == 200
    third = await case("c-third", "Third", "AO")
    await cases.merge("c-third", "c-ao")
    r = await ch.get("/cases/c-dup")  # an alias of an alias goes straight to the current case
    assert r.status_code == 301 and r.headers["location"] == f"{BASE}/cases/{third.id}"
    assert (await ch.get("/cases/nope")).status_code == 404


# --- members ------------------------------------------------------------------------------------


async def test_member_directory_counts_and_latest(ch):
    cpj, misa, rsf = await sample()
    await member("Quiet Org", "quiet.test", state="pending")
    page = (await ch.get("/members")).text
    rows = {html.unescape(re.sub(r"<[^>]+>", " ", m)).split()[0]: m
            for m in re.findall(r"<tr>\s*<td>(.*?)</tr>", page, re.S)}
    assert set(rows) == {"CPJ", "MISA", "RSF", "Quiet"}
    assert f'<a href="{BASE}/alerts?member={cpj.id}">2</a>' in rows["CPJ"]  # not the deleted or held ones
    assert f'<a href="{BASE}/alerts?member={misa.id}">2</a>' in rows["MISA"]
    assert f'<a href="{BASE}/alerts?member={rsf.id}">1</a>' in rows["RSF"]  # not the rejected one
    assert "<td>0</td>" in rows["Quiet"] and "<td>pending</td>" in rows["Quiet"]
    assert "<td>active</td>" in rows["CPJ"]
    assert "Radio presenter gunned down" in rows["CPJ"] and "Held alert" not in page
    assert "Newspaper closed in Luanda" in rows["MISA"]
    assert 'href="https://rsf.test/actors/alerts"' in rows["RSF"] and "@alerts@rsf.test" in rows["RSF"]
    assert headlines((await ch.get(f"/alerts?member={cpj.id}")).text) == ["Radio presenter gunned down",
                                                                         "Editor detained in Izmir"]


# --- feeds --------------------------------------------------------------------------------------


async def test_atom_feeds_all_country_category(ch):
    await sample()

    async def titles(path):
        r = await ch.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
        return [e.find(f"{ATOM}title").text for e in entries(r.text)], r.text

    every, feed = await titles("/feed.atom")
    assert every == ["Newspaper closed in Luanda", "Radio presenter buried", "Radio presenter gunned down",
                     "Izmir editor charged", "Editor detained in Izmir"]
    assert (await titles("/feeds/country/tr.atom"))[0] == ["Izmir editor charged", "Editor detained in Izmir"]
    assert (await titles("/feeds/country/AO.atom"))[0] == every[:3]
    assert (await titles("/feeds/country/gm.atom"))[0] == []
    assert (await titles("/feeds/category/detention.atom"))[0] == ["Izmir editor charged",
                                                                   "Editor detained in Izmir"]
    assert (await titles("/feeds/category/physical_safety.atom"))[0] == every[1:3]
    for path in ("/feeds/country/zz.atom", "/feeds/country/turkey.atom", "/feeds/category/nope.atom"):
        assert (await ch.get(path)).status_code == 404, path

    entry = entries(feed)[1]
    row = await IndexedAlert.get(headline="Radio presenter buried")
    assert entry.find(f"{ATOM}id").text == row.uri
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == row.uri
    assert entry.find(f"{ATOM}link[@rel='related']").get("href") == f"{BASE}/cases/c-ao"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "MISA"
    assert entry.find(f"{ATOM}author/{ATOM}uri").text == "https://misa.test/actors/alerts"
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["physical_safety"]
    assert entry.find(f"{ATOM}published").text == "2024-03-06T12:00:00Z"
    assert ET.fromstring(feed).find(f"{ATOM}updated").text == "2024-03-07T12:00:00Z"


# --- the digest ---------------------------------------------------------------------------------


async def test_weekly_digest_groups_region_country_case_and_credits(ch):
    cpj, misa, rsf = (await member("CPJ", "cpj.test"), await member("MISA", "misa.test"),
                      await member("RSF", "rsf.test"))
    ao = await case("c-ao", "Angolan presenter killed", "AO", "2024-03-03")
    ao2 = await case("c-ao2", "Weekly suspended in Luanda", "AO", "2024-03-05")
    gm = await case("c-gm", "Gambian journalist missing", "GM", "2024-03-02")
    mx = await case("c-mx", "Reporter shot in Sinaloa", "MX", "2024-03-04")
    tr = await case("c-tr", "Editor detained", "TR", "2024-03-01")
    # week 2024-W10 is Monday 4 to Sunday 10 March 2024
    await alert(rsf, tr, "Editor detained in Izmir", published=at(4, 9))
    await alert(cpj, ao, "Radio presenter gunned down", published=at(4, 10))
    await alert(misa, ao, "Radio presenter buried", published=at(6), alert_type="update")
    await alert(rsf, ao, "RSF condemns killing of presenter", published=at(7), alert_type="statement")
    await alert(misa, ao2, "Weekly suspended for a month", published=at(9))
    await alert(cpj, gm, "Journalist missing for a week", published=at(5))
    await alert(cpj, mx, "Reporter shot in Culiacán", published=at(10, 23))
    await alert(cpj, ao, "Last week's alert", published=at(3, 23))  # week 9
    await alert(cpj, ao, "Next week's alert", published=at(11, 0))  # week 11
    await alert(cpj, gm, "Deleted one", published=at(5), deleted=True)
    await alert(cpj, gm, "Held one", published=at(5), review="held")
    await alert(cpj, gm, "Rejected one", published=at(5), review="rejected")

    r = await ch.get("/digest/2024-W10")
    assert r.status_code == 200
    page = r.text
    body = page[page.index('<div class="digest">'):page.index('<nav class="pages"')]
    order = ["<h2>Africa</h2>", "<h3 id=\"country-AO\">Angola</h3>", ">Angolan presenter killed</a></h4>",
             "Radio presenter gunned down</a></span> (<bdi>CPJ</bdi>)",
             "Radio presenter buried</a></span> (<bdi>MISA</bdi>)",
             "RSF condemns killing of presenter</a></span> (<bdi>RSF</bdi>)", ">Weekly suspended in Luanda</a></h4>",
             "Weekly suspended for a month</a></span> (<bdi>MISA</bdi>)", '<h3 id="country-GM">Gambia</h3>',
             "Journalist missing for a week</a></span> (<bdi>CPJ</bdi>)", "<h2>Americas</h2>", "Mexico</h3>",
             "Reporter shot in Culiacán</a></span> (<bdi>CPJ</bdi>)", "<h2>Europe and Central Asia</h2>", "Türkiye",
             "Editor detained in Izmir</a></span> (<bdi>RSF</bdi>)"]
    positions = [body.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Asia and the Pacific" not in body and "Middle East" not in body
    assert "<strong>Update:</strong>" in body and "<strong>Statement:</strong>" in body
    assert '<li class="more"><strong>Update:</strong>' in body  # stacked under the story, IFEX's "+"
    assert f'<a href="{BASE}/cases/c-ao">Angolan presenter killed</a>' in body
    for hidden in ("Last week", "Next week", "Deleted one", "Held one", "Rejected one"):
        assert hidden not in body
    assert "Mar 4\u2009–\u200910, 2024" in page  # the week's dates as the locale writes an interval
    assert f'href="{BASE}/digest/2024-W09" rel="prev"' in page
    assert f'href="{BASE}/digest/2024-W11" rel="next"' in page
    assert "Last week&#39;s alert" in (await ch.get("/digest/2024-W09")).text
    for bad in ("/digest/2024-W54", "/digest/2024-10", "/digest/nonsense", "/digest/0001-W01", "/digest/9999-W52"):
        assert (await ch.get(bad)).status_code == 404, bad

    # the current week, and the feed of digests: one entry per week that had alerts
    await alert(cpj, tr, "Happening this week", published=datetime.now(UTC) - timedelta(seconds=1))
    now = await ch.get("/digest")
    assert now.status_code == 200 and "Happening this week" in now.text and 'rel="next"' not in now.text
    feed = (await ch.get("/digest.atom")).text
    weeks = entries(feed)
    year, week, _ = datetime.now(UTC).isocalendar()
    assert [e.find(f"{ATOM}id").text for e in weeks] == [
        f"{BASE}/digest/{year}-W{week:02d}", f"{BASE}/digest/2024-W11", f"{BASE}/digest/2024-W10",
        f"{BASE}/digest/2024-W09"]
    content = weeks[2].find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "Radio presenter gunned down</a></span> (<bdi>CPJ</bdi>)" in content.text
    assert content.text.index("Africa") < content.text.index("Europe and Central Asia")


async def test_digest_feed_keeps_the_last_eight_weeks_with_alerts(ch):
    cpj = await member("CPJ", "cpj.test")
    c = await case("c1", "x")
    for n in range(10):  # weeks 2024-W01 .. W19, every other week
        await alert(cpj, c, f"Alert {n}", published=datetime(2024, 1, 2, tzinfo=UTC) + timedelta(weeks=2 * n))
    ids = [e.find(f"{ATOM}id").text.rsplit("/", 1)[1] for e in entries((await ch.get("/digest.atom")).text)]
    assert ids == [f"2024-W{w:02d}" for w in range(19, 3, -2)]


# --- safety -------------------------------------------------------------------------------------


async def test_hostile_text_is_escaped_everywhere(ch):
    evil = await member('<script>alert(1)</script> Org "x"', "evil.test")
    c = await case("c-evil", "<script>alert(2)</script> case", "TR", "2024-03-05")
    await alert(evil, c, "<script>alert(3)</script> headline", summary='<img src=x onerror="alert(4)"> summary',
                language='en"><b', published=at(5))
    await alert(evil, c, "Link test", published=at(6), uri="javascript:alert(5)")
    await cases.merge("c-evil", (await case("c-evil2", "<iframe>", "TR")).id, by="<script>x</script>")
    pages = {path: (await ch.get(path)).text for path in
             ("/alerts", "/alerts?q=%3Cscript%3E&member=%3Cscript%3E", "/cases/c-evil", "/members",
              "/digest/2024-W10")}
    for path, page in pages.items():
        assert_inert(page)
        assert "&lt;script&gt;" in page, path
    assert "&lt;script&gt;alert(3)&lt;/script&gt; headline" in pages["/alerts"]
    assert '&lt;img src=x onerror=&#34;alert(4)&#34;&gt; summary' in pages["/alerts"]
    assert 'lang="en&#34;&gt;&lt;b"' in pages["/alerts"]
    # the title is the first live report's headline (escaped like it)
    assert ">&lt;script&gt;alert(3)&lt;/script&gt; headline</h1>" in pages["/cases/c-evil"]
    assert "by <bdi>&lt;script&gt;x&lt;/script&gt;</bdi>" in pages["/cases/c-evil"]
    assert "(<bdi>&lt;script&gt;alert(1)&lt;/script&gt; Org &#34;x&#34;</bdi>)" in pages["/digest/2024-W10"]
    for path in ("/feed.atom", "/feeds/country/tr.atom", "/feeds/category/detention.atom", "/digest.atom"):
        feed = (await ch.get(path)).text
        found = entries(feed)
        assert found, path
        if path != "/digest.atom":
            titles = [e.find(f"{ATOM}title").text for e in found]
            assert "<script>alert(3)</script> headline" in titles  # text, not markup
            assert found[0].find(f"{ATOM}link[@rel='alternate']") is None  # javascript: is not a link
        else:
            assert_inert(found[0].find(f"{ATOM}content").text)


async def test_member_nodes_are_unchanged(db_url, tmp_path):
    async with app_client(await make_node_config(db_url, tmp_path)) as client:  # role "member"
        for path in ("/members", "/digest", "/digest.atom", "/cases/x", "/feeds/country/tr.atom"):
            assert (await client.get(path)).status_code == 404, path
        page = (await client.get("/alerts")).text
        assert "<h1>Alerts</h1>" in page and 'class="filters"' not in page and 'nav class="ch"' not in page


async def test_the_role_plugs_its_actors_and_collections_into_the_protocol(db_url, tmp_path):
    """Topic actors and the audience collection exist on a Clearing House only (node.clearinghouse.install)."""
    config = await make_node_config(db_url, tmp_path, role="clearinghouse")
    app = create_app(config, run_workers=False)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        finger = await client.get("/.well-known/webfinger", params={"resource": "acct:tr@node.test"})
        assert finger.status_code == 200 and finger.json()["subject"] == "acct:tr@node.test"
        topic = (await client.get("/actors/detention", headers={"Accept": "application/activity+json"})).json()
        assert topic["type"] == "Group" and topic["preferredUsername"] == "detention"
        assert (await client.get("/actors/xx")).status_code == 404  # not a topic
        actor = (await client.get("/actors/alerts", headers={"Accept": "application/activity+json"})).json()
        assert actor["aanAudience"] == f"{BASE}/actors/alerts/audience"
        unsigned = await client.get("/actors/alerts/audience")
        assert unsigned.status_code == 401  # only a signed member may read it
        assert (await client.get("/actors/tr/audience")).status_code == 404  # the Clearing House actor's only
        assert (await client.get("/actors/nobody/audience")).status_code == 404


async def test_a_member_node_has_no_topic_actors_and_no_audience(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path)  # role "member": nothing installed
    app = create_app(config, run_workers=False)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as client:
        finger = await client.get("/.well-known/webfinger", params={"resource": "acct:tr@node.test"})
        assert finger.status_code == 404
        assert (await client.get("/actors/tr")).status_code == 404
        audience = await client.get("/actors/alerts/audience")
        assert audience.status_code == 404 and audience.json() == {"error": "not found"}
        actor = (await client.get("/actors/alerts", headers={"Accept": "application/activity+json"})).json()
        assert "aanAudience" not in actor


# --- languages ----------------------------------------------------------------------------------


async def multilingual_sample():
    cpj, adala = await member("CPJ", "cpj.test"), await member("عدالة", "adala.test")
    eg = await case("c-eg", "", "EG", "2024-03-03")
    await alert(adala, eg, "احتجاز صحفية في القاهرة", summary="احتجزت الشرطة الصحفية نور علي.", language="ar",
                published=at(4))
    await alert(cpj, eg, "Journalist detained in Cairo", summary="Police detained Nour Ali.", published=at(5),
                alert_type="update", boost="attached", categories=("detention", "harassment"))
    await cases.refresh_titles(["c-eg"])
    return cpj, adala


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("lang, expected", [
    ("fr", {"h1": "Alertes du réseau", "nav": "Synthèse hebdomadaire", "count": "2 alertes",
            "label": "Catégorie", "badge": "Partagée par le Centre d’échange", "history": "Historique du dossier",
            "members": "Membres", "state": "actif", "digest": "Synthèse : Semaine 10 de 2024",
            "range": "4–10 mars 2024", "opened": "dossier ouvert", "date": "4 mars 2024",
            "list": "de CPJ et عدالة", "feed": "toutes les alertes"}),
    ("ar", {"h1": "تنبيهات الشبكة", "nav": "الملخص الأسبوعي", "count": "2 تنبيهات",
            "label": "الفئة", "badge": "أعاد مركز التبادل نشره", "history": "سجل القضية",
            "members": "الأعضاء", "state": "نشط", "digest": "الملخص: الأسبوع 10 من 2024",
            "range": "4–10 مارس 2024", "opened": "فُتحت القضية", "date": "4 مارس 2024",
            "list": "من CPJ وعدالة", "feed": "جميع التنبيهات"}),
])
async def test_pages_in_the_readers_language_with_user_text_marked(ch, lang, expected):
    await multilingual_sample()
    by_param = {path: await ch.get(path, params={"lang": lang}) for path in
                ("/alerts", "/cases/c-eg", "/members", "/digest/2024-W10", "/feed.atom", "/digest.atom")}
    by_header = await ch.get("/alerts", headers={"Accept-Language": f"{lang};q=0.9, en;q=0.1"})
    strip = re.compile(r'<input type="hidden" name="lang"[^>]*>')  # only ?lang= is carried in the form
    assert strip.sub("", by_header.text) == strip.sub("", by_param["/alerts"].text)  # same page as ?lang=
    pages = {path: r.text for path, r in by_param.items()}
    for path, r in by_param.items():
        assert r.status_code == 200, path
    direction = "rtl" if lang == "ar" else "ltr"
    for path in ("/alerts", "/cases/c-eg", "/members", "/digest/2024-W10"):
        assert f'<html lang="{lang}" dir="{direction}">' in pages[path], path
        assert expected["nav"] in pages[path] and "Weekly digest" not in pages[path], path
    index, case_page = pages["/alerts"], pages["/cases/c-eg"]
    assert f'<h1>{expected["h1"]}</h1>' in index and "Alerts from the network" not in index
    assert f'<label for="f-category">{expected["label"]}</label>' in index
    assert expected["count"] in text_of(index)
    assert expected["date"] in text_of(index) and "March" not in text_of(index)
    # user text keeps its own language and direction inside the page's
    assert '<h2 lang="ar" dir="rtl"><a href=' in index and '<h2 lang="en" dir="ltr"><a href=' in index
    assert '<p lang="ar" dir="rtl">احتجزت الشرطة الصحفية نور علي.</p>' in index
    assert '<bdi lang="ar" dir="rtl">احتجاز صحفية في القاهرة</bdi>' in index  # the case title in each result
    # the case page: title, badges, history, lists
    assert '<h1 lang="ar" dir="rtl">احتجاز صحفية في القاهرة</h1>' in case_page
    assert '<h3 lang="en" dir="ltr">Journalist detained in Cairo</h3>' in case_page
    assert expected["badge"] in case_page and "Boosted by the Clearing House" not in case_page
    assert f'<h2 id="log">{expected["history"]}</h2>' in case_page
    assert expected["opened"] in case_page and "case opened" not in case_page
    assert expected["list"] in text_of(case_page)
    assert "<bdi>" in case_page and '<span dir="ltr">c-eg</span>' in case_page
    for english in ("Timeline", "incident ", " alerts", "Read the original", "alert attached"):
        assert english not in text_of(case_page[case_page.index("<main>"):case_page.index("</main>")]), english
    members = pages["/members"]
    assert f'<h1>{expected["members"]}</h1>' in members and f'<td>{expected["state"]}</td>' in members
    assert '<span lang="en" dir="ltr"><a href=' in members
    digest = pages["/digest/2024-W10"]
    assert f'<h1>{expected["digest"]}</h1>' in digest
    assert expected["range"] in text_of(digest).replace("\u2009", "")
    assert '<h4 lang="ar" dir="rtl"><a href=' in digest
    assert "Accept-Language" in by_param["/feed.atom"].headers["vary"]
    assert "Accept-Language" in by_param["/cases/c-eg"].headers["vary"]
    feed = ET.fromstring(pages["/feed.atom"])
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert expected["feed"] in feed.find(f"{ATOM}title").text
    assert [e.get("{http://www.w3.org/XML/1998/namespace}lang") for e in entries(pages["/feed.atom"])] == ["en", "ar"]
    assert expected["digest"] in entries(pages["/digest.atom"])[0].find(f"{ATOM}title").text
    # bad input in the reader's language; an unknown language is English
    r = await ch.get("/alerts", params={"lang": lang, "category": "nope", "from": "yesterday"})
    assert r.status_code == 200 and "ISO" in r.text and "must be an ISO date" not in r.text
    assert "<h1>Alerts from the network</h1>" in (await ch.get("/alerts", params={"lang": "xx"})).text
    missing = await ch.get("/cases/nope", params={"lang": lang})
    assert missing.status_code == 404 and "There is no such case." not in missing.text


async def test_language_is_kept_by_the_filter_form_and_page_links(ch):
    cpj = await member("CPJ", "cpj.test")
    c = await case("c1", "x")
    for n in range(21):
        await alert(cpj, c, f"Alert number {n:02d}", published=at(1) + timedelta(hours=n))
    page = (await ch.get("/alerts", params={"lang": "fr"})).text
    assert '<input type="hidden" name="lang" value="fr">' in page
    nxt = re.search(r'<a href="([^"]+)" rel="next">', page)
    assert nxt and "lang=fr" in html.unescape(nxt[1])
    second = await ch.get(html.unescape(nxt[1]))
    assert "page 2" in second.text and '<html lang="fr"' in second.text
    assert 'name="lang"' not in (await ch.get("/alerts")).text
