"""Members' alerts in every JSON-LD shape, through the Clearing House's inbox worker (both databases).

The activities are stored as the inbox stores them (``jobs.insert_inbox_items``) and the real
inbox worker (``inbox_once``) takes them, consecutive Creates in one batch
(``ingest.on_create_batch``), as in production; the signed POST itself is covered for every
shape by tests/activitypub/test_shapes.py. Each variant is indexed, updated or retracted, or
ignored with a count in ``aan_inbox_ignored{reason}``; no inbox item fails.
"""

from __future__ import annotations

import itertools

import orjson
import shapes
from conftest import M1, M2
from conftest import member_activity as activity
from peers import AS, SECURITY
from prometheus_client import REGISTRY

from node.activitypub.handlers import inbox_once
from node.storage import jobs
from node.storage.models import InboxItem, IndexedAlert

_serial = itertools.count(1)
_NAMES = ["Ayse Yilmaz", "Mehmet Demir", "Ana Souza", "Li Wei", "Olga Petrova", "Kwame Mensah", "Rania Haddad",
          "Tomas Novak", "Aroha Ngata", "Diego Ramirez", "Fatima Zahra", "Sven Larsen", "Mei Tanaka",
          "Jonas Berg", "Ines Duarte", "Omar Farouk", "Priya Nair", "Lucas Moreau", "Hana Kim", "Yusuf Okafor"]

CREATE_SHAPES = {
    "context": {"string": AS, "list": [AS, SECURITY], "language": [AS, {"@language": "en"}]},
    "type": {"list": "lists", "iri": "iri"},
    "actor": {"object": "object", "list": "list"},
    "object": {"list": "list"},
    "attributedTo": {"list": "list", "object": "object", "with_group": "with_group"},
    "published": {"list": "list"},
}


def _shaped(urls, n: int, prop: str, shape) -> dict:
    act = activity(urls, n, target=_NAMES[n % len(_NAMES)])
    note, actor = act["object"], act["actor"]
    if prop == "context":
        act["@context"] = shape
    elif prop == "type":
        act["type"], note["type"] = (["Create"], ["Note"]) if shape == "lists" else \
            (f"{shapes.ACTIVITYSTREAMS}Create", "as:Note")
    elif prop == "actor":
        act["actor"] = {"id": actor, "type": "Organization"} if shape == "object" else [actor]
    elif prop == "object":
        act["object"] = [note]
    elif prop == "attributedTo":
        note["attributedTo"] = {"list": [actor], "object": {"id": actor, "type": "Organization"},
                                "with_group": [{"type": "Organization", "id": actor},
                                               {"type": "Group", "id": f"{urls.base}/groups/x"}]}[shape]
    elif prop == "published":
        note["published"] = [note["published"]]
    return act


async def _run(node, items: list[dict]) -> None:
    await jobs.insert_inbox_items([(a["id"], _actor(a), orjson.dumps(a).decode()) for a in items])
    while await inbox_once(node, "test-worker"):
        pass
    failed = await InboxItem.exclude(status="done").values_list("activity_id", "last_error")
    assert not failed, failed


def _actor(a: dict) -> str:
    """The signer the inbox would have recorded (it accepts one actor in any shape)."""
    actor = a["actor"]
    return actor if isinstance(actor, str) else (actor[0] if isinstance(actor, list) else actor["id"])


async def test_member_alerts_in_every_shape_are_indexed_updated_and_retracted(ch):
    variants = []
    for prop, table in CREATE_SHAPES.items():
        for name, shape in table.items():
            variants.append((f"{prop}={name}", _shaped(M1 if len(variants) % 2 else M2, next(_serial), prop, shape)))
    ignored_before = REGISTRY.get_sample_value("aan_inbox_ignored_total", {"reason": "several_objects"}) or 0
    two = activity(M1, next(_serial), target="Two Objects")
    two["object"] = [two["object"], activity(M1, next(_serial), target="Other")["object"]]
    await _run(ch, [a for _, a in variants[:6]] + [two] + [a for _, a in variants[6:]])  # one bad item amid a batch

    for name, act in variants:
        note = act["object"][0] if isinstance(act["object"], list) else act["object"]
        row = await IndexedAlert.get_or_none(uri=note["id"])
        assert row is not None and not row.deleted and row.boost == "boosted", name
    assert not await IndexedAlert.filter(headline__contains="Two Objects").exists()
    assert (REGISTRY.get_sample_value("aan_inbox_ignored_total", {"reason": "several_objects"}) or 0) \
        == ignored_before + 1

    # Updates: object one-or-many, type a list, updated one-or-many
    updates = []
    for (name, act), (_, kind), list_object, list_updated in zip(
            variants, itertools.cycle(shapes.type_shapes("Update").items()),
            itertools.cycle([False, True]), itertools.cycle([True, False, False]), strict=False):
        note = dict(act["object"][0] if isinstance(act["object"], list) else act["object"])
        note["alert"] = {**note["alert"], "headline": f"Edited {name}"}
        note["updated"] = ["2026-12-01T10:00:00Z"] if list_updated else "2026-12-01T10:00:00Z"
        updates.append({"@context": AS, "id": f"{note['id']}#update", "type": kind,
                        "actor": act["actor"], "object": [note] if list_object else note})
    await _run(ch, updates)
    for name, act in variants:
        note = act["object"][0] if isinstance(act["object"], list) else act["object"]
        assert (await IndexedAlert.get(uri=note["id"])).headline == f"Edited {name}", name

    # Deletes: the object an IRI, a list, a Tombstone or a list of Tombstones; type in every shape
    deletes = []
    for (_, act), ((_, kind), (_, shape)) in zip(variants, itertools.cycle(shapes.combos(
            shapes.type_shapes("Delete"), {"string": "string", "list": "list", "tombstone": "object",
                                           "tombstones": "objects"})), strict=False):
        note = act["object"][0] if isinstance(act["object"], list) else act["object"]
        deletes.append({"@context": AS, "id": f"{note['id']}#delete", "type": kind, "actor": act["actor"],
                        "object": shapes.reference_shapes(note["id"], kind="Tombstone")[shape]})
    await _run(ch, deletes)
    for name, act in variants:
        note = act["object"][0] if isinstance(act["object"], list) else act["object"]
        row = await IndexedAlert.get(uri=note["id"])
        assert row.deleted and row.boost == "undone", name
