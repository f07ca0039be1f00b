"""The normalising layer (node.activitypub.normalize), shape by shape.

The shapes are those of the ActivityStreams 2.0 core (any property one-or-many, a reference
an IRI or an embedded object or a ``Link``; https://www.w3.org/TR/activitystreams-core/
sections 4.1-4.3 and 4.7 for natural-language maps) as real servers send them
(/work/shared/docs/interop-mastodon.md sections 6 and 10, and tests/shapes.py).
"""

from __future__ import annotations

import pytest

from node.activitypub import normalize as n
from node.activitypub.remote import get_id
from node.errors import Invalid

A = "https://node.test/alerts/a1"
B = "https://mastodon.test/users/alice"


@pytest.mark.parametrize("value, expected", [
    (None, []),
    (A, [A]),
    ([A], [A]),
    ([A, B, A], [A, B]),
    ({"id": A, "type": "Note"}, [A]),
    ({"type": "Link", "href": A}, [A]),
    ({"type": "Link", "id": "https://x.test/link/1", "href": A}, [A]),  # a Link points at its href
    ({"type": "Mention", "href": B, "name": "@alice"}, [B]),
    ({"@id": A}, [A]),
    ([{"id": A}, {"type": "Link", "href": B}, "", 42, None, {"type": "Note"}], [A, B]),
    (42, []),
    ({"type": "Note"}, []),
    ("", []),
])
def test_ids(value, expected):
    assert n.ids(value) == expected
    assert n.first_id(value) == (expected[0] if expected else None)
    assert get_id(value) == n.first_id(value)  # every existing reader of references agrees


def test_single_id_needs_exactly_one():
    assert n.single_id([B]) == B and n.single_id({"id": B, "type": "Person"}) == B
    assert n.single_id([B, A]) is None and n.single_id([]) is None and n.single_id(7) is None


@pytest.mark.parametrize("value, expected", [
    ("Note", {"Note"}),
    (["Note"], {"Note"}),
    (["Note", "pt:Comment"], {"Note", "pt:Comment"}),
    ("as:Note", {"Note"}),
    ("https://www.w3.org/ns/activitystreams#Note", {"Note"}),
    ([["Note"]], set()),
    (None, set()),
    (3, set()),
    ({"type": ["Create"]}, {"Create"}),
])
def test_types(value, expected):
    assert n.types(value) == expected


def test_embedded_one_or_many():
    note = {"id": A, "type": "Note"}
    assert n.embedded(note) is note and n.embedded([note]) is note
    assert n.embedded(A) is None and n.embedded({"type": "Link", "href": A}) is None
    with pytest.raises(n.Unintelligible) as raised:
        n.embedded([note, {"id": B, "type": "Note"}])
    assert raised.value.reason == "several_objects" and isinstance(raised.value, Invalid)


@pytest.mark.parametrize("obj, languages, expected", [
    ({"content": "<p>x</p>"}, (), "<p>x</p>"),
    ({"contentMap": {"fr": "<p>fr</p>", "en": "<p>en</p>"}}, (), "<p>fr</p>"),  # the original: first key
    ({"contentMap": {"fr": "<p>fr</p>", "en": "<p>en</p>"}}, ("en",), "<p>en</p>"),
    ({"contentMap": {"pt-BR": "<p>pt</p>"}}, ("pt",), "<p>pt</p>"),
    ({"content": "<p>c</p>", "contentMap": {"fr": "<p>fr</p>"}}, (), "<p>c</p>"),
    ({"content": "<p>c</p>", "contentMap": {"fr": "<p>fr</p>"}}, ("fr",), "<p>fr</p>"),
    ({"content": [{"@value": "<p>de</p>", "@language": "de"}, {"@value": "<p>en</p>", "@language": "en"}]},
     ("en",), "<p>en</p>"),
    ({"content": {"@value": "<p>v</p>"}}, (), "<p>v</p>"),
    ({"content": None, "contentMap": None}, (), None),
    ({"content": 5}, (), None),
    ({"contentMap": {"en": 5}}, (), None),
    ("not an object", (), None),
])
def test_text(obj, languages, expected):
    assert n.text(obj, "content", languages) == expected


def test_language_is_the_first_key_of_the_map():
    assert n.language({"contentMap": {"tr": "x", "en": "y"}}) == "tr"
    assert n.language({"content": "x"}) is None


def test_links_and_the_web_link():
    html = {"type": "Link", "href": "https://pt.test/w/1", "mediaType": "text/html"}
    json = {"type": "Link", "href": "https://pt.test/videos/1", "mediaType": "application/activity+json"}
    assert n.links({"url": "https://m.test/@a/1"}) == [n.Link("https://m.test/@a/1")]
    assert n.links({"url": [json, html]}) == [n.Link("https://pt.test/videos/1", "application/activity+json"),
                                              n.Link("https://pt.test/w/1", "text/html")]
    assert n.web_link({"url": [json, html]}) == "https://pt.test/w/1"
    assert n.web_link({"url": [json]}) == "https://pt.test/videos/1"
    assert n.web_link({"url": ["javascript:alert(1)"]}) is None
    assert n.web_link({"url": {"type": "Link", "href": "https://m.test/x", "rel": ["alternate"]}}) == "https://m.test/x"
    assert n.links({"url": [{"type": "Link"}, 4, None]}) == [] and n.web_link({}) is None


def test_string_reads_the_first_plain_value():
    assert n.string({"updated": ["2026-11-21T10:00:00Z", "x"]}, "updated") == "2026-11-21T10:00:00Z"
    assert n.string({"updated": {"@value": "2026-11-21T10:00:00Z"}}, "updated") == "2026-11-21T10:00:00Z"
    assert n.string({"updated": 3}, "updated") is None and n.string(None, "updated") is None


def test_with_text_keeps_the_original_choice_of_text():
    note = {"id": A, "contentMap": {"tr": "<p>tr</p>", "en": "<p>en</p>"}, "summary": [{"@value": "cw"}]}
    stored = n.with_text(note)
    assert (stored["content"], stored["summary"], stored["contentMap"]) == ("<p>tr</p>", "cw", note["contentMap"])
    assert "name" not in stored and "content" not in note
    plain = {"id": A, "content": "<p>x</p>"}
    assert n.with_text(plain) is plain
