"""node.services.cases: list, show, merge, split, called as ``aan case`` calls them (both databases)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from conftest import make_node_config

from node import errors
from node.cli._base import open_node
from node.services import cases
from node.storage.models import Case, CaseEvent, IndexedAlert, Member

_n = itertools.count(1)


@pytest.fixture
async def node(db_url, tmp_path):
    config = await make_node_config(db_url, tmp_path, role="clearinghouse")
    async with open_node(config, role="clearinghouse") as opened:
        yield opened


async def member(host: str) -> Member:
    return await Member.create(actor_uri=f"https://{host}/actors/alerts", handle=f"@alerts@{host}", name=host,
                               state="active")


async def case(case_id: str, title: str) -> Case:
    made = await Case.create(id=case_id, title=title, country="TR", incident_date="2026-11-20")
    await CaseEvent.create(case=made, kind="opened", detail={})
    return made


async def alert(by: Member, in_case: Case, *, day: int, deleted: bool = False) -> IndexedAlert:
    n = next(_n)
    uri = f"{by.actor_uri.rsplit('/actors', 1)[0]}/alerts/{n}"
    return await IndexedAlert.create(
        uri=uri, member=by, case=in_case, alert_type="alert", headline=f"Report {n}", language="en", country="TR",
        incident_date="2026-11-20", note={"id": uri}, published=datetime(2026, 11, day, 12, tzinfo=UTC),
        deleted=deleted)


@pytest.fixture
async def sample(node):
    m1, m2 = await member("m1.test"), await member("m2.test")
    one, two = await case("c-one", "First"), await case("c-two", "Second")
    alerts = [await alert(m1, one, day=21), await alert(m2, one, day=22), await alert(m1, two, day=23),
              await alert(m2, two, day=24, deleted=True)]
    return one, two, alerts


async def test_listing_shows_current_cases_newest_first_counting_live_alerts(sample):
    listed = await cases.listing()
    assert [(s.case.id, s.alerts) for s in listed] == [("c-two", 1), ("c-one", 2)]
    await cases.merge("c-one", "c-two")
    assert [(s.case.id, s.alerts) for s in await cases.listing()] == [("c-one", 3)]


async def test_show_follows_merges_and_lists_alerts_and_history(sample):
    one, two, alerts = sample
    shown = await cases.show("c-one")
    assert shown.case.id == "c-one" and [a.uri for a in shown.alerts] == [alerts[0].uri, alerts[1].uri]
    assert shown.alerts[0].member.handle == "@alerts@m1.test"  # loaded for display
    assert [e.kind for e in shown.events] == ["opened"]
    await cases.merge("c-one", "c-two", by="editor-ana")
    shown = await cases.show("c-two")  # an alias shows the case it became
    assert shown.case.id == "c-one" and [a.uri for a in shown.alerts] == [a.uri for a in alerts]
    assert [(e.kind, e.by) for e in shown.events] == [("opened", "system"), ("merged", "editor-ana")]
    with pytest.raises(errors.NotFound):
        await cases.show("c-none")


async def test_merge_moves_alerts_and_keeps_the_other_as_an_alias(sample):
    one, two, alerts = sample
    kept = await cases.merge("c-one", "c-two", by="editor-ana")
    assert kept.id == "c-one"
    assert {a.case_id for a in await IndexedAlert.all()} == {"c-one"}
    assert (await Case.get(id="c-two")).merged_into == "c-one"
    assert (await cases.resolve(await Case.get(id="c-two"))).id == "c-one"
    merged = await CaseEvent.get(case_id="c-one", kind="merged")
    assert merged.by == "editor-ana" and merged.detail == {"from": "c-two", "alerts": [alerts[2].uri, alerts[3].uri]}
    assert (await CaseEvent.get(case_id="c-two", kind="merged")).detail == {"into": "c-one"}


@pytest.mark.parametrize("keep, other, kind", [
    ("c-one", "c-none", errors.NotFound), ("c-none", "c-one", errors.NotFound),
    ("c-one", "c-one", errors.Invalid),
])
async def test_merge_refusals_change_nothing(sample, keep, other, kind):
    with pytest.raises(kind):
        await cases.merge(keep, other)
    assert {a.case_id for a in await IndexedAlert.all()} == {"c-one", "c-two"}
    assert await CaseEvent.filter(kind="merged").count() == 0


async def test_merging_an_alias_is_refused(sample):
    await cases.merge("c-one", "c-two")
    with pytest.raises(errors.Invalid):
        await cases.merge("c-one", "c-two")
    with pytest.raises(errors.Invalid):
        await cases.merge("c-two", "c-one")
    assert await CaseEvent.filter(kind="merged").count() == 2  # the first merge's two events only


async def test_split_moves_the_named_alerts_into_a_new_case(sample):
    one, two, alerts = sample
    new = await cases.split("c-one", [alerts[1].uri], by="editor-bo")
    assert new.id not in ("c-one", "c-two") and new.title == alerts[1].headline
    assert [a.uri for a in await IndexedAlert.filter(case_id=new.id)] == [alerts[1].uri]
    assert [a.uri for a in await IndexedAlert.filter(case_id="c-one")] == [alerts[0].uri]
    split = await CaseEvent.get(case_id="c-one", kind="split")
    assert split.by == "editor-bo" and split.detail == {"to": new.id, "alerts": [alerts[1].uri]}
    assert (await CaseEvent.get(case_id=new.id)).detail == {"split_from": "c-one", "alerts": [alerts[1].uri]}


async def test_split_refusals_change_nothing(sample):
    one, two, alerts = sample
    with pytest.raises(errors.Invalid, match="not in case"):
        await cases.split("c-one", [alerts[1].uri, alerts[2].uri])  # the second is in another case
    with pytest.raises(errors.Invalid, match="at least one alert"):
        await cases.split("c-one", [alerts[0].uri, alerts[1].uri])
    with pytest.raises(errors.NotFound):
        await cases.split("c-none", [alerts[0].uri])
    await cases.merge("c-two", "c-one")
    with pytest.raises(errors.NotFound):
        await cases.split("c-one", [alerts[0].uri])  # an alias is not a current case
    assert await Case.all().count() == 2 and await CaseEvent.filter(kind="split").count() == 0


async def test_aliases_are_every_case_merged_into_one_directly_or_not(sample):
    await case("c-three", "Third")
    assert await cases.aliases("c-one") == []
    await cases.merge("c-two", "c-three")
    await cases.merge("c-one", "c-two")
    assert await cases.aliases("c-one") == ["c-two", "c-three"]
    assert await cases.aliases("c-two") == ["c-three"]
