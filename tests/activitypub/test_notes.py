"""node/activitypub/notes.py: an alert as a Note that Mastodon shows in full, and back."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE_TEXT

from node import vocab
from node.activitypub.notes import AAN_CONTEXT, alert_hashtags, alert_to_note, note_to_alert
from node.alerts import Alert, AlertError, Authority, RecommendedAction, Translation, parse_alert_file
from node.urls import AS_PUBLIC, Urls

URLS = Urls("member.example")
PUBLISHED = dt.datetime(2026, 11, 21, 9, 30, tzinfo=dt.UTC)
TURKEY_LINK = (
    '<a href="https://member.example/tags/turkey" class="mention hashtag" rel="tag">#<span>Turkey</span></a>'
)
DETENTION_LINK = '<a href="https://member.example/tags/detention" class="mention hashtag" rel="tag">#<span>Detention</span></a>'


def example() -> Alert:
    return parse_alert_file(EXAMPLE_TEXT)


def note_for(alert: Alert, **kwargs) -> dict:
    return alert_to_note(alert, urls=URLS, username="alerts", alert_id="a1", published=PUBLISHED, **kwargs)


# --- shape -----------------------------------------------------------------------


def test_note__is_a_note_without_name_and_with_ids():
    note = note_for(example())

    assert note["type"] == "Note"
    assert "name" not in note
    assert note["@context"] == AAN_CONTEXT
    assert note["id"] == note["url"] == "https://member.example/alerts/a1"
    assert note["attributedTo"] == "https://member.example/actors/alerts"
    assert note["published"] == "2026-11-21T09:30:00Z"
    assert "updated" not in note
    assert note["attachment"] == []
    assert note["inReplyTo"] is None
    assert "context" not in note


def test_note__is_public_and_cc_followers():
    note = note_for(example())

    assert note["to"] == [AS_PUBLIC]
    assert note["cc"] == ["https://member.example/actors/alerts/followers"]


def test_note__headline_is_first_paragraph_then_summary_then_body():
    content = note_for(example())["content"]

    assert content.startswith(
        "<p><strong>Journalist detained after reporting on protests</strong></p>"
        "<p>Police detained a reporter in Istanbul after she covered a protest.</p>"
        "<p>Police in <strong>Istanbul</strong> detained reporter Jane Doe on 20 November 2026.</p>"
        "<p><strong>What you can do</strong></p>"
        "<ul><li>Release Jane Doe immediately and unconditionally</li></ul>"
    )


def test_note__hashtags_are_tags_and_linked_in_the_last_paragraph():
    note = note_for(example())

    assert note["tag"] == [
        {"type": "Hashtag", "name": "#Turkey", "href": "https://member.example/tags/turkey"},
        {"type": "Hashtag", "name": "#Detention", "href": "https://member.example/tags/detention"},
    ]
    assert note["content"].endswith(f"<p>{TURKEY_LINK} {DETENTION_LINK}</p>")


def test_hashtags__camel_case_ascii_for_countries_and_categories():
    alert = example()
    alert.country = "CI"
    alert.categories = ["physical_safety", "chilling_effect"]

    names = [tag["name"] for tag in alert_hashtags(alert, URLS)]

    assert names == ["#CoteDIvoire", "#PhysicalSafety", "#ChillingEffect"]
    assert alert_hashtags(alert, URLS)[1]["href"] == "https://member.example/tags/physicalsafety"


def test_note__content_map_has_the_language_first():
    note = note_for(example())

    assert list(note["contentMap"]) == ["en"]
    assert note["contentMap"]["en"] == note["content"]


def test_note__no_content_warning_means_no_summary():
    note = note_for(example())

    assert note["sensitive"] is False
    assert "summary" not in note and "summaryMap" not in note


def test_note__content_warning_becomes_summary_and_sensitive():
    alert = example()
    alert.content_warning = "Graphic violence"
    alert.translations = {
        "fr": Translation(headline="Journaliste détenue", content_warning="Violence explicite")
    }

    note = note_for(alert)

    assert note["sensitive"] is True
    assert note["summary"] == "Graphic violence"
    assert note["summaryMap"] == {"en": "Graphic violence", "fr": "Violence explicite"}
    assert "Graphic violence" not in note["content"]  # the CW is not repeated in the body


def test_note__translations_fill_content_map_with_fallback():
    alert = example()
    alert.translations = {
        "fr": Translation(
            headline="Journaliste détenue après un reportage", body="La police a **arrêté** Jane Doe."
        ),
        "tr": Translation(summary="Polis bir muhabiri gözaltına aldı."),
    }

    content_map = note_for(alert)["contentMap"]

    assert list(content_map) == ["en", "fr", "tr"]
    fr, tr = content_map["fr"], content_map["tr"]
    assert fr.startswith("<p><strong>Journaliste détenue après un reportage</strong></p>")
    assert (
        "<p>Police detained a reporter in Istanbul after she covered a protest.</p>" in fr
    )  # summary falls back
    assert "<p>La police a <strong>arrêté</strong> Jane Doe.</p>" in fr
    assert tr.startswith("<p><strong>Journalist detained after reporting on protests</strong></p>")
    assert "<p>Polis bir muhabiri gözaltına aldı.</p>" in tr
    assert all(html.endswith(f"<p>{TURKEY_LINK} {DETENTION_LINK}</p>") for html in content_map.values())


def test_note__update_links_previous_alert_and_case():
    alert = example()
    alert.type = "update"
    alert.follows = "https://member.example/alerts/a0"
    alert.case = "https://member.example/cases/7"

    note = note_for(
        alert, updated=dt.datetime(2026, 11, 22, 12, 0, 5, 123, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    )

    assert note["inReplyTo"] == "https://member.example/alerts/a0"
    assert note["context"] == "https://member.example/cases/7"
    assert note["updated"] == "2026-11-22T09:00:05Z"


def test_note__naive_datetimes_are_utc():
    note = alert_to_note(
        example(), urls=URLS, username="alerts", alert_id="a1", published=dt.datetime(2026, 1, 2, 3, 4, 5)
    )

    assert note["published"] == "2026-01-02T03:04:05Z"


def test_note__text_is_escaped():
    alert = example()
    alert.headline = "<script>alert(1)</script> & co"
    alert.summary = 'He said "<b>no</b>"'
    alert.recommended_action = RecommendedAction(
        asks=["<img src=x onerror=alert(1)>"],
        authorities=[Authority(name="<i>Minister</i>", address="1 <Main> St\nAnkara", email="m@gov.example")],
        deadline="2026-12-04",
    )

    content = note_for(alert)["content"]

    assert "<script>" not in content and "<img" not in content and "<i>" not in content
    assert "<p><strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</strong></p>" in content
    assert "<p>He said &quot;&lt;b&gt;no&lt;/b&gt;&quot;</p>" in content
    assert (
        "<p><strong>&lt;i&gt;Minister&lt;/i&gt;</strong><br>1 &lt;Main&gt; St<br>Ankara<br>"
        'Email: <a href="mailto:m@gov.example">m@gov.example</a></p>'
    ) in content
    assert "<p>Please act before 4 December 2026.</p>" in content


def test_note__is_json_serialisable():
    alert = example()
    alert.translations = {"fr": Translation(headline="Titre")}

    json.dumps(note_for(alert))


# --- the alert extension -------------------------------------------------------


def test_note_to_alert__round_trips_the_structured_alert():
    alert = example()
    alert.translations = {"fr": Translation(headline="Titre", summary="Résumé.", body="Corps.")}
    received = json.loads(json.dumps(note_for(alert)))

    assert received["alert"] == alert.to_dict()
    assert note_to_alert(received) == alert


def test_note_to_alert__none_without_extension():
    note = note_for(example())
    del note["alert"]

    assert note_to_alert(note) is None


def test_note_to_alert__accepts_expanded_json_ld_form():
    alert = example()
    note = {"https://w3id.org/aan/ns#alert": [{"@type": "@json", "@value": alert.to_dict()}]}

    assert note_to_alert(note) == alert


def test_note_to_alert__ignores_fields_from_newer_versions():
    note = note_for(example())
    note["alert"] = note["alert"] | {"added_later": {"x": 1}}

    assert note_to_alert(note) == example()


def test_note_to_alert__invalid_extension_raises():
    note = note_for(example())
    broken = copy.deepcopy(note)
    broken["alert"]["country"] = "XX"

    with pytest.raises(AlertError, match=r"^unknown country 'XX'"):
        note_to_alert(broken)
    with pytest.raises(AlertError, match="not a JSON object"):
        note_to_alert(note | {"alert": "oops"})


def test_context__declares_mastodon_terms_and_the_alert_extension():
    assert AAN_CONTEXT[:2] == ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
    terms = AAN_CONTEXT[2]
    assert terms["aan"] == "https://w3id.org/aan/ns#"
    assert terms["alert"] == {"@id": "aan:alert", "@type": "@json"}
    assert terms["sensitive"] == "as:sensitive" and terms["Hashtag"] == "as:Hashtag"
    assert terms["featured"] == {"@id": "toot:featured", "@type": "@id"}


# --- documentation and vocabulary ------------------------------------------------


def test_docs__example_note_matches_the_code():
    """docs/vocabulary.md shows the Note for the example alert; keep it true."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    example_section = doc.split("## 5. Example", 1)[1]
    alert_file = example_section.split("```markdown\n", 1)[1].split("```", 1)[0]
    documented = json.loads(example_section.split("```json\n", 1)[1].split("```", 1)[0])

    alert = parse_alert_file(alert_file)
    note = alert_to_note(alert, urls=URLS, username="alerts", alert_id="01JD5XK3M7", published=PUBLISHED)

    assert alert == example()
    assert note == documented


def test_country_hashtags__are_valid_distinct_mastodon_tags():
    tags = [vocab.country_hashtag(code) for code in vocab.COUNTRIES]

    assert all(re.fullmatch(r"[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*", tag) for tag in tags)
    assert len({tag.lower() for tag in tags}) == len(tags)
    assert len(vocab.COUNTRIES) == 250  # 249 ISO 3166-1 codes + XK
    assert {code for code, c in vocab.COUNTRIES.items() if c.region is None} == {"AQ"}
    assert all(c.region in vocab.REGIONS for c in vocab.COUNTRIES.values() if c.region)
