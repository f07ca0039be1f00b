"""Clearing House ingest, in process: review, boost policy, cases, edits, deletes (both databases)."""

from datetime import UTC, datetime

import orjson
import pytest
from conftest import M1, M2, make_node_config
from conftest import member_activity as activity

from node.alerts import parse_alert_file
from node.clearinghouse import ingest, review
from node.services import cases
from node.storage.models import Activity, Boost, Case, CaseEvent, Follower, IndexedAlert, Member
from node.urls import Urls
from node.workers import install_roles


async def announces() -> list[str]:
    return [a.object_uri for a in await Activity.filter(type="Announce").order_by("created_at")]


async def test_first_report_opens_a_case_and_is_boosted(ch):
    await ingest.on_create(ch, activity(M1, 1))
    row = await IndexedAlert.get()
    assert row.boost == "boosted" and row.case_id
    assert await announces() == [M1.alert("a1")]
    assert [e.kind for e in await CaseEvent.all()] == ["opened"]


async def test_second_report_of_the_same_incident_is_attached_not_boosted(ch):
    await ingest.on_create(ch, activity(M1, 1, target="Yusuf Çelik"))
    await ingest.on_create(ch, activity(M2, 2, target="Youssef Celik", date="2026-11-22"))
    first, second = await IndexedAlert.all().order_by("id")
    assert second.case_id == first.case_id and second.boost == "attached"
    assert await announces() == [M1.alert("a1")]
    # an update (it follows the second report) is boosted
    await ingest.on_create(ch, activity(M2, 3, target="Youssef Celik", type_="update", follows=M2.alert("a2")))
    third = await IndexedAlert.get(uri=M2.alert("a3"))
    assert third.case_id == first.case_id and third.boost == "boosted"
    assert await announces() == [M1.alert("a1"), M2.alert("a3")]


async def test_different_person_country_or_date_opens_separate_cases(ch):
    await ingest.on_create(ch, activity(M1, 1))
    await ingest.on_create(ch, activity(M1, 2, target="Mehmet Demir"))
    await ingest.on_create(ch, activity(M1, 3, country="EG"))
    await ingest.on_create(ch, activity(M1, 4, date="2026-06-01"))
    assert await Case.all().count() == 4
    assert len(await announces()) == 4


@pytest.mark.parametrize("policy, boosted", [("all", 2), ("first-only", 1), ("first-and-updates", 2)])
async def test_boost_policy(ch, policy, boosted):
    ch.config.boost_policy = policy
    await ingest.on_create(ch, activity(M1, 1))
    await ingest.on_create(ch, activity(M2, 2, type_="update" if policy != "all" else "alert",
                                        follows=M1.alert("a1") if policy != "all" else None))
    assert len(await announces()) == boosted


async def test_non_members_and_plain_notes_are_ignored(ch):
    stranger = Urls("stranger.test", "http")
    await ingest.on_create(ch, activity(stranger, 1))
    plain = activity(M1, 2)
    del plain["object"]["alert"]
    await ingest.on_create(ch, plain)
    forged = activity(M1, 3)
    forged["object"]["attributedTo"] = M2.actor("alerts")
    await ingest.on_create(ch, forged)
    await Member.filter(actor_uri=M2.actor("alerts")).update(state="removed")
    await ingest.on_create(ch, activity(M2, 4))
    assert await IndexedAlert.all().count() == 0 and await announces() == []


async def test_ingest_is_idempotent(ch):
    a = activity(M1, 1)
    await ingest.on_create(ch, a)
    await ingest.on_create(ch, a)
    assert await IndexedAlert.all().count() == 1 and len(await announces()) == 1
    assert await Boost.all().count() == 1


async def test_review_holds_until_approved(ch):
    ch.config.review = True
    await ingest.on_create(ch, activity(M1, 1))
    await ingest.on_create(ch, activity(M1, 2, target="Mehmet Demir"))
    assert [r.uri for r in await review.held()] == [M1.alert("a1"), M1.alert("a2")]
    assert await announces() == []
    approved = await review.decide(ch, M1.alert("a1"), approve=True)
    rejected = await review.decide(ch, M1.alert("a2"), approve=False)
    assert approved.boost == "boosted" and rejected.review == "rejected" and rejected.boost == "pending"
    assert await announces() == [M1.alert("a1")]
    with pytest.raises(review.ReviewError):
        await review.decide(ch, M1.alert("a2"), approve=True)


async def test_update_reindexes_and_delete_undoes_the_boost(ch):
    await ingest.on_create(ch, activity(M1, 1))
    later = datetime(2026, 11, 22, tzinfo=UTC)
    await ingest.on_update(ch, activity(M1, 1, kind="Update", updated=later, headline="Editor released"))
    row = await IndexedAlert.get()
    assert row.headline == "Editor released" and "editor released" in row.search_text
    await ingest.on_delete(ch, {"id": M1.activity("d1"), "type": "Delete", "actor": M1.actor("alerts"),
                                "object": {"id": M1.alert("a1"), "type": "Tombstone"}})
    row = await IndexedAlert.get()
    assert row.deleted and row.boost == "undone"
    undo = await Activity.get(type="Undo")
    assert '"type":"Announce"' in undo.body and (await Boost.get()).undone


async def test_topic_actors_with_followers_also_announce(ch):
    from node.clearinghouse import topics

    tr = await topics.ensure(ch, "tr")
    await topics.ensure(ch, "eg")  # exists, but nobody follows it
    await Follower.create(local_actor=tr, actor_uri="http://r.test/u", inbox="http://r.test/u/inbox",
                          follow_id="x")
    await ingest.on_create(ch, activity(M1, 1))
    boosts = await Boost.all().prefetch_related("announcer", "activity")
    assert sorted(b.announcer.username for b in boosts) == ["alerts", "tr"]
    group = next(b for b in boosts if b.announcer.username == "tr")
    assert '"object":{"id":"http://m1.test/activities/c1-Create","type":"Create"' in group.activity.body


async def test_merge_and_split_are_logged(ch):
    await ingest.on_create(ch, activity(M1, 1))
    await ingest.on_create(ch, activity(M2, 2, target="Mehmet Demir"))
    one, two = await Case.all().order_by("created_at")
    await cases.merge(one.id, two.id)
    assert await IndexedAlert.filter(case_id=one.id).count() == 2
    assert (await Case.get(id=two.id)).merged_into == one.id
    assert (await cases.resolve(await Case.get(id=two.id))).id == one.id
    new = await cases.split(one.id, [M2.alert("a2")])
    assert (await IndexedAlert.get(uri=M2.alert("a2"))).case_id == new.id
    kinds = [e.kind for e in await CaseEvent.filter(case_id=one.id).order_by("id")]
    assert kinds == ["opened", "merged", "split"]
    with pytest.raises(cases.CaseError):
        await cases.split(one.id, [M1.alert("a1")])  # would empty the case
    with pytest.raises(cases.CaseError):
        await cases.merge(one.id, two.id)  # two is an alias now


@pytest.mark.parametrize("policy", ["all", "first-only", "first-and-updates"])
async def test_an_alert_split_into_a_case_of_its_own_is_boosted_by_the_policy(ch, policy):
    ch.config.boost_policy = policy
    await ingest.on_create(ch, activity(M1, 1, target="Yusuf Çelik"))
    await ingest.on_create(ch, activity(M2, 2, target="Youssef Celik", date="2026-11-22"))
    first, second = await IndexedAlert.all().order_by("id")
    assert second.case_id == first.case_id
    expected = [M1.alert("a1"), M2.alert("a2")] if policy == "all" else [M1.alert("a1")]
    assert await announces() == expected
    new = await ingest.split(ch, first.case_id, [M2.alert("a2")])
    moved = await IndexedAlert.get(uri=M2.alert("a2"))
    assert moved.case_id == new.id and moved.boost == "boosted"  # it opens a case: every policy boosts that
    assert await announces() == [M1.alert("a1"), M2.alert("a2")]  # once, also where it was boosted before
    assert await Boost.filter(alert=moved, announcer__username="alerts").count() == 1
    assert (await IndexedAlert.get(uri=M1.alert("a1"))).boost == "boosted"
    with pytest.raises(cases.CaseError):  # a refused split boosts nothing
        await ingest.split(ch, new.id, [M2.alert("a2")])
    assert len(await announces()) == 2


async def test_the_role_is_installed_once_however_often_an_entry_point_asks(ch):
    """`aan serve` installs the role at start-up and again for its in-process workers: nothing twice."""
    before = (dict(ch.registry.objects), list(ch.registry.follow_answers), list(ch.registry.actor_resolvers),
              {kind: list(hooks) for kind, hooks in ch.registry.observers.items()})
    install_roles(ch)
    assert (ch.registry.objects, ch.registry.follow_answers, ch.registry.actor_resolvers,
            ch.registry.observers) == before
    assert ch.registry.roles == {"joint", "clearinghouse"}  # joint actions: on every node
    assert len(ch.registry.observers["Invite"]) == 2  # a joint invitation; a network one to forward
    assert set(ch.registry.objects) == {"Create", "Update", "Delete", "Announce"}
    assert len(ch.registry.follow_answers) == 1 and set(ch.registry.batches) == {"Create"}


async def test_the_inbox_hands_members_activities_to_the_role(ch):
    """Through the protocol's handlers: a member's Accept activates it, its Create is indexed, its boost is not kept."""
    from node.activitypub import handlers
    from node.storage.models import Following, RemoteObject

    await Member.filter(actor_uri=M1.actor("alerts")).update(state="pending")
    await Following.create(local_actor=ch.org, target_uri=M1.actor("alerts"), follow_id=M1.activity("f1"))
    await handlers.on_accept(ch, {"id": M1.activity("acc"), "type": "Accept", "actor": M1.actor("alerts"),
                                  "object": M1.activity("f1")})
    assert (await Member.get(actor_uri=M1.actor("alerts"))).state == "active"
    await handlers.on_create(ch, activity(M1, 1))
    assert (await IndexedAlert.get()).boost == "boosted"
    await handlers.on_interaction(ch, {"id": M1.activity("boost"), "type": "Announce", "actor": M1.actor("alerts"),
                                       "object": "http://elsewhere.test/notes/1"})  # not fetched, not kept
    assert not await RemoteObject.exists()
    await handlers.on_delete(ch, {"id": M1.activity("del"), "type": "Delete", "actor": M1.actor("alerts"),
                                  "object": M1.alert("a1")})
    assert (await IndexedAlert.get()).deleted


@pytest.fixture
async def ch_site(db_url, tmp_path):
    """A Clearing House web application in process (no workers) and its node."""
    import httpx

    from node.app import create_app

    config = await make_node_config(db_url, tmp_path, role="clearinghouse")
    app = create_app(config, run_workers=False)
    async with app.router.lifespan_context(app), \
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://node.test") as client:
        for urls in (M1, M2):
            await Member.create(actor_uri=urls.actor("alerts"), handle=f"@alerts@{urls.domain}", state="active",
                                name=urls.domain)
        yield app.state.node, client


async def outbox_of(client, name: str) -> tuple[int, list[dict]]:
    """totalItems of an outbox and every item, following its pages."""
    headers = {"Accept": "application/activity+json"}
    top = (await client.get(f"/actors/{name}/outbox", headers=headers)).json()
    items, url = [], top["first"]
    while url:
        page = (await client.get(url.removeprefix("http://node.test"), headers=headers)).json()
        assert page["totalItems"] == top["totalItems"] and page["type"] == "OrderedCollectionPage"
        items += page["orderedItems"]
        url = page.get("next")
    return top["totalItems"], items


async def nodeinfo_counts(client) -> tuple[int, int]:
    doc = (await client.get("/nodeinfo/2.1")).json()
    return doc["usage"]["localPosts"], doc["metadata"]["announces"]


async def test_the_outboxes_list_the_announces_newest_first_and_undone_ones_go(ch_site, monkeypatch):
    from node.activitypub import routes
    from node.clearinghouse import topics
    from node.services import alerts

    node, client = ch_site
    monkeypatch.setattr(routes, "PAGE_SIZE", 2)  # a few boosts are several pages
    tr = await topics.ensure(node, "tr")
    await Follower.create(local_actor=tr, actor_uri="http://r.test/u", inbox="http://r.test/u/inbox",
                          follow_id="x")
    assert await outbox_of(client, "alerts") == (0, []) and await nodeinfo_counts(client) == (0, 0)
    # an alert the Clearing House writes itself, before the boosts: listed after them (older)
    own = await alerts.publish(node, parse_alert_file("\n".join([
        "---", "headline: Clearing House statement", "language: en", "country: TR", "incident_date: 2026-11-01",
        "categories: [detention]", "summary: A statement.", "---", "Text.", ""])))
    people = ["Ayse Yilmaz", "Mehmet Demir", "Hasan Kaya", "Elif Sahin", "Can Dundar"]
    for n, person in enumerate(people, 1):  # five cases opened, five boosts by each actor
        await ingest.on_create(node, activity(M1 if n % 2 else M2, n, target=person))
    await ingest.on_create(node, activity(M2, 9, target="Hasan Kaya", date="2026-11-22"))  # joins: no boost
    newest_first = [(M1 if n % 2 else M2).alert(f"a{n}") for n in range(5, 0, -1)]
    total, items = await outbox_of(client, "alerts")
    assert total == 6 and [i["type"] for i in items] == ["Announce"] * 5 + ["Create"]
    assert [i["object"] for i in items[:5]] == newest_first and items[5]["object"]["id"] == node.urls.alert(own.id)
    assert all(i["actor"] == "http://node.test/actors/alerts" for i in items)
    total, items = await outbox_of(client, "tr")  # the topic actor announces the Create (FEP-1b12)
    assert total == 5 and [i["object"]["object"]["id"] for i in items] == newest_first
    assert await outbox_of(client, "eg") == (0, [])  # a topic actor without boosts
    assert await nodeinfo_counts(client) == (11, 10)
    # a member deletes an alert: its boosts are undone and leave both outboxes
    await ingest.on_delete(node, {"id": M1.activity("d3"), "type": "Delete", "actor": M1.actor("alerts"),
                                  "object": {"id": M1.alert("a3"), "type": "Tombstone"}})
    gone = newest_first.copy()
    gone.remove(M1.alert("a3"))
    total, items = await outbox_of(client, "alerts")
    assert total == 5 and [i["object"] for i in items[:4]] == gone and items[4]["type"] == "Create"
    total, items = await outbox_of(client, "tr")
    assert total == 4 and [i["object"]["object"]["id"] for i in items] == gone
    assert await nodeinfo_counts(client) == (9, 8)


async def test_one_fanout_job_per_boosted_alert_reaches_every_follower_inbox_once(ch):
    """The Announces of one alert (Clearing House + topic actor) are one fan-out job; the fan-out
    and delivery send each Announce to each of its announcer's followers once, signed by it, and
    a fan-out run again (a crash before its jobs were marked done) adds nothing."""
    from aiohttp import web
    from conftest import listening_sockets, port_of

    from node.activitypub.delivery import Deliverer, deliver_once, fanout_once
    from node.activitypub.keys import load_public_key
    from node.activitypub.signatures import parse_request
    from node.clearinghouse import topics
    from node.storage import jobs
    from node.storage.models import Delivery, FanoutJob, LocalActor

    sock = listening_sockets(1)[0]
    port = port_of(sock)
    keys = {a.username: load_public_key(a.public_key_pem) for a in await LocalActor.all()}
    got: list[tuple[str, str, str, bool]] = []  # (inbox path, announcer, activity id, signature verified)

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        doc = orjson.loads(body)
        signed = parse_request("POST", f"http://{request.headers['Host']}{request.raw_path}", dict(request.headers),
                               body)
        got.append((request.path, doc["actor"].rsplit("/", 1)[1], doc["id"],
                    signed.verify(keys[doc["actor"].rsplit("/", 1)[1]])))
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/{tail:.*}", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    try:
        inbox = f"http://127.0.0.1:{port}/{{}}/inbox".format
        tr = await topics.ensure(ch, "tr")
        keys["tr"] = load_public_key(tr.public_key_pem)
        for name in ("r1", "r2", "both"):
            await Follower.create(local_actor=ch.org, actor_uri=f"http://r.test/{name}", inbox=inbox(name),
                                  follow_id=f"f-{name}")
        for name in ("t1", "both"):  # "both" follows the Clearing House and the topic actor
            await Follower.create(local_actor=tr, actor_uri=f"http://r.test/{name}", inbox=inbox(name),
                                  follow_id=f"g-{name}")
        await ingest.on_create_batch(ch, [activity(M1, 1), activity(M1, 2, target="Mehmet Demir")])

        fanouts = await FanoutJob.all()
        assert len(fanouts) == 2, "one fan-out job per boosted alert, not one per announcer"
        assert all(len(job.more_activities) == 1 for job in fanouts)
        assert await fanout_once(ch, "w") == 2
        expected = {(f"/{name}/inbox", "alerts") for name in ("r1", "r2", "both")} | \
            {(f"/{name}/inbox", "tr") for name in ("t1", "both")}
        assert await Delivery.all().count() == 2 * len(expected)

        # a fan-out interrupted after writing its rows runs again and adds none
        await FanoutJob.all().update(status="pending")
        assert await fanout_once(ch, "w") == 2
        assert await Delivery.all().count() == 2 * len(expected)

        async with Deliverer(ch) as deliverer:
            assert await deliver_once(ch, deliverer, "w") == 2 * len(expected)
        assert await deliver_once(ch, deliverer, "w") == 0
    finally:
        await runner.cleanup()
    assert all(verified for *_, verified in got)
    sent = [(path, announcer, activity_id) for path, announcer, activity_id, _ in got]
    assert len(sent) == len(set(sent)) == 2 * len(expected), "each Announce reached each inbox exactly once"
    assert {(path, announcer) for path, announcer, _ in sent} == expected
    assert await Delivery.filter(status="done").count() == 2 * len(expected)
    assert await jobs.counts("fanout_jobs") == {"done": 2}
