"""node/alerts.py: parsing alert files, validation messages, dict round trip."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import EXAMPLE_TEXT

from node.alerts import (
    Alert,
    AlertError,
    Authority,
    RecommendedAction,
    Source,
    Target,
    Translation,
    parse_alert_file,
)


def with_header(replace: dict[str, str | None] | None = None, add: str = "") -> str:
    """The example file with some top-level header lines replaced (None drops the field) or added."""
    replace = replace or {}
    header, body = EXAMPLE_TEXT.split("\n---\n", 1)
    lines = header.split("\n")[1:]
    out: list[str] = []
    skipping = False
    for line in lines:
        key = line.split(":", 1)[0]
        if not line.startswith(" ") and key in replace:
            skipping = True
            if replace[key] is not None:
                out.append(f"{key}: {replace[key]}")
            continue
        if skipping and line.startswith(" "):
            continue
        skipping = False
        out.append(line)
    if add:
        out.append(add)
    return "---\n" + "\n".join(out) + "\n---\n" + body


def error_of(text: str) -> str:
    with pytest.raises(AlertError) as info:
        parse_alert_file(text)
    message = str(info.value)
    assert "\n" not in message
    return message


def full_alert() -> Alert:
    return Alert(
        type="update",
        headline="Detained reporter starts hunger strike",
        summary="Jane Doe has refused food since Monday.",
        body="Jane Doe, held since 20 November, **started a hunger strike**.\n\n- item\n",
        language="en",
        translations={
            "fr": Translation(headline="La journaliste détenue entame une grève de la faim", body="Texte."),
            "tr": Translation(summary="Jane Doe pazartesiden beri açlık grevinde."),
        },
        country="TR",
        incident_date="2026-11",
        categories=["detention", "harassment"],
        act_types=["arrested_detained", "legal_action"],
        targets=[Target(name="Jane Doe", kind="individual", profession="reporter", aliases=["J. Doe"])],
        perpetrator_type="security_forces",
        recommended_action=RecommendedAction(
            asks=["Release Jane Doe", "Drop all charges"],
            authorities=[
                Authority(
                    name="A. Minister",
                    title="Minister of Justice",
                    institution="Ministry of Justice",
                    address="1 Main Street\nAnkara",
                    email="minister@justice.example",
                    fax="+90 312 000 0000",
                    url="https://justice.example/contact",
                )
            ],
            deadline="2026-12-04",
        ),
        sources=[Source(title="Witness account"), Source(title="Report", url="https://news.example/a")],
        content_warning=None,
        case="https://member.example/cases/42",
        follows="https://member.example/alerts/41",
    )


# --- the example -------------------------------------------------------------


def test_parse__the_documented_example_parses():
    alert = parse_alert_file(EXAMPLE_TEXT)

    assert alert.type == "alert"
    assert alert.headline == "Journalist detained after reporting on protests"
    assert alert.summary == "Police detained a reporter in Istanbul after she covered a protest."
    assert alert.body == "Police in **Istanbul** detained reporter Jane Doe on 20 November 2026."
    assert alert.language == "en"
    assert alert.country == "TR"
    assert alert.incident_date == "2026-11-20"
    assert alert.incident_date_precision == "exact"
    assert alert.categories == ["detention"]
    assert alert.act_types == ["arrested_detained"]
    assert alert.targets == [Target(name="Jane Doe", kind="individual", profession="journalist")]
    assert alert.recommended_action == RecommendedAction(
        asks=["Release Jane Doe immediately and unconditionally"]
    )
    assert alert.translations == {} and alert.sources == [] and alert.content_warning is None


def test_parse__translations_in_front_matter():
    text = with_header(
        add="translations: {fr: {headline: Journaliste détenue, summary: Résumé., body: Corps.}}"
    )

    alert = parse_alert_file(text)

    assert alert.translations == {
        "fr": Translation(headline="Journaliste détenue", summary="Résumé.", body="Corps.")
    }


@pytest.mark.parametrize(
    ("date", "stored", "precision"),
    [
        ("2026-11-20", "2026-11-20", "exact"),
        ("2026-11", "2026-11", "unknown_day"),
        ("2026", "2026", "unknown_month_and_day"),
    ],
)
def test_parse__incident_date_forms_and_default_precision(date, stored, precision):
    alert = parse_alert_file(with_header({"incident_date": date}))

    assert (alert.incident_date, alert.incident_date_precision) == (stored, precision)


def test_parse__norway_and_norwegian_are_not_booleans():
    """YAML 1.1 reads NO/no as false; the front-matter loader must not."""
    alert = parse_alert_file(with_header({"country": "NO", "language": "no"}))

    assert (alert.country, alert.language) == ("NO", "no")


def test_parse__language_and_country_are_normalised():
    alert = parse_alert_file(with_header({"country": "tr", "language": "pt-br"}))

    assert (alert.country, alert.language) == ("TR", "pt-BR")


def test_parse__crlf_and_bom_are_accepted():
    alert = parse_alert_file("\ufeff" + EXAMPLE_TEXT.replace("\n", "\r\n"))

    assert alert.body == "Police in **Istanbul** detained reporter Jane Doe on 20 November 2026."


def test_parse__update_with_follows_is_valid():
    alert = parse_alert_file(with_header({"type": "update"}, add="follows: https://member.example/alerts/1"))

    assert alert.follows == "https://member.example/alerts/1"


# --- one-line error messages -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (with_header({"headline": None}), "missing field 'headline'"),
        (with_header({"summary": None}), "missing field 'summary'"),
        (with_header({"language": None}), "missing field 'language'"),
        (with_header({"country": None}), "missing field 'country'"),
        (with_header({"incident_date": None}), "missing field 'incident_date'"),
        (with_header({"categories": None}), "missing field 'categories'"),
        (with_header({"headline": '""'}), "field 'headline' is empty"),
        (with_header({"categories": "[]"}), "field 'categories' needs at least one category"),
        (with_header(add="foo: 1"), "unknown field 'foo'"),
        (with_header(add="headine: x"), "unknown field 'headine' (did you mean 'headline'?)"),
        (
            with_header({"incident_date": "2026-02-30"}),
            "invalid incident_date '2026-02-30' (expected YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        (
            with_header({"incident_date": "20 November 2026"}),
            "invalid incident_date '20 November 2026' (expected YYYY, YYYY-MM or YYYY-MM-DD)",
        ),
        (
            with_header({"country": "XX"}),
            "unknown country 'XX' (expected an ISO 3166-1 alpha-2 code such as 'TR')",
        ),
        (
            with_header({"country": "Turkey"}),
            "unknown country 'Turkey' (expected an ISO 3166-1 alpha-2 code such as 'TR')",
        ),
        (
            with_header({"language": "english"}),
            "invalid language 'english' in field 'language' (expected a BCP 47 tag such as 'en' or 'pt-BR')",
        ),
        (
            with_header({"type": "update"}),
            "an alert of type 'update' needs 'follows' (the alert it continues) or 'case'",
        ),
        (
            with_header(add="follows: javascript:alert(1)"),
            "invalid URL 'javascript:alert(1)' in field 'follows' (expected an http or https URL)",
        ),
        (
            with_header({"incident_date": "2026-11"}, add="incident_date_precision: exact"),
            "incident_date_precision 'exact' does not fit incident_date '2026-11' (expected unknown_day or estimate)",
        ),
        (
            with_header({"targets": "[{name: Jane Doe}]"}),
            "missing field 'targets[0].kind'",
        ),
        (
            with_header({"targets": "[{name: Jane Doe, kind: individual, job: reporter}]"}),
            "unknown field 'targets[0].job'",
        ),
        (
            with_header({"recommended_action": "{asks: [Release her], deadline: 2026-13-01}"}),
            "invalid date '2026-13-01' in field 'recommended_action.deadline' (expected YYYY-MM-DD)",
        ),
        (
            with_header({"recommended_action": "{asks: [x], authorities: [{title: Minister}]}"}),
            "field 'recommended_action.authorities[0]' needs a name or an institution",
        ),
        (
            with_header(add="translations: {en: {headline: Again}}"),
            "field 'translations.en' repeats the alert's own language",
        ),
        (
            with_header(add="translations: {fr: {content_warning: Violence}}"),
            "field 'translations.fr.content_warning' is set but the alert has no content_warning",
        ),
        (with_header({"headline": "[1, 2]"}), "field 'headline' must be text, not a list"),
    ],
)
def test_parse__errors_are_one_line_and_name_the_problem(text, message):
    assert error_of(text) == message


def test_parse__unknown_category_lists_the_choices():
    message = error_of(with_header({"categories": "[detentions]"}))

    assert message == (
        "unknown category 'detentions' (expected one of: "
        "physical_safety, detention, harassment, impunity, chilling_effect)"
    )


def test_parse__unknown_act_type_lists_the_choices():
    message = error_of(with_header({"act_types": "[arrest]"}))

    assert message.startswith("unknown act type 'arrest' (expected one of: killed, attempted_killing,")
    assert "arrested_detained" in message


def test_parse__unknown_profession_and_target_kind():
    assert error_of(with_header({"targets": "[{name: X, kind: person}]"})).startswith(
        "unknown target kind 'person' (expected one of: individual, group,"
    )
    assert error_of(with_header({"targets": "[{name: X, kind: individual, profession: hack}]"})).startswith(
        "unknown profession 'hack' (expected one of: journalist,"
    )


def test_parse__malformed_yaml():
    message = error_of(with_header({"headline": "[unclosed"}))

    assert message.startswith("front matter is not valid YAML: ")
    assert "(line " in message


def test_parse__duplicate_field_is_a_yaml_error():
    message = error_of(with_header(add="headline: Second headline"))

    assert message.startswith("front matter is not valid YAML: duplicate field 'headline'")


def test_parse__no_front_matter():
    assert error_of("Police detained a reporter.\n") == (
        "no front matter (the file must start with a '---' line, then the header fields)"
    )


def test_parse__unclosed_front_matter():
    assert (
        error_of("---\nheadline: x\n") == "front matter is not closed (no '---' line after the header fields)"
    )


def test_parse__front_matter_that_is_not_a_mapping():
    assert error_of("---\n- a\n- b\n---\nBody\n") == "front matter must be a list of 'field: value' lines"


def test_parse__empty_body():
    text = EXAMPLE_TEXT.split("\n---\n", 1)[0] + "\n---\n\n   \n"

    assert error_of(text) == "missing body (write the alert text after the closing '---' line)"


def test_parse__body_in_front_matter_is_refused():
    assert error_of(with_header(add="body: text")).startswith(
        "field 'body' is not allowed in the front matter"
    )


# --- dict round trip -----------------------------------------------------------


def test_to_dict__is_json_safe_and_round_trips_exactly():
    alert = full_alert()

    data = alert.to_dict()
    through_json = json.loads(json.dumps(data))

    assert through_json == data
    assert Alert.from_dict(through_json) == alert
    assert Alert.from_dict(through_json).to_dict() == data


def test_to_dict__translations_survive_the_round_trip():
    alert = full_alert()

    restored = Alert.from_dict(json.loads(json.dumps(alert.to_dict())))

    assert restored.translations == alert.translations
    assert list(restored.translations) == ["fr", "tr"]


def test_to_dict__example_round_trips():
    alert = parse_alert_file(EXAMPLE_TEXT)

    assert Alert.from_dict(alert.to_dict()) == alert


def test_to_dict__has_every_field():
    data = parse_alert_file(EXAMPLE_TEXT).to_dict()

    assert list(data) == [
        "type", "headline", "summary", "body", "language", "translations", "country",
        "incident_date", "incident_date_precision", "categories", "act_types", "targets",
        "perpetrator_type", "recommended_action", "sources", "content_warning", "case", "follows",
    ]  # fmt: skip
    assert data["incident_date"] == "2026-11-20"


def test_from_dict__accepts_date_objects():
    data = parse_alert_file(EXAMPLE_TEXT).to_dict()
    data["incident_date"] = dt.date(2026, 11, 20)
    data["recommended_action"]["deadline"] = dt.date(2026, 12, 4)

    alert = Alert.from_dict(data)

    assert (alert.incident_date, alert.recommended_action.deadline) == ("2026-11-20", "2026-12-04")


def test_from_dict__validates_like_the_parser():
    data = parse_alert_file(EXAMPLE_TEXT).to_dict()
    data["categories"] = ["detentions"]

    with pytest.raises(AlertError, match=r"^unknown category 'detentions'"):
        Alert.from_dict(data)


def test_from_dict__unknown_fields_rejected_unless_ignored():
    data = parse_alert_file(EXAMPLE_TEXT).to_dict() | {"added_in_v2": True}

    with pytest.raises(AlertError, match=r"^unknown field 'added_in_v2'$"):
        Alert.from_dict(data)
    assert Alert.from_dict(data, ignore_unknown=True) == parse_alert_file(EXAMPLE_TEXT)


def test_from_dict__not_a_mapping():
    with pytest.raises(AlertError, match="must be a mapping"):
        Alert.from_dict(["not", "a", "dict"])


def test_validate__catches_an_invalid_alert_built_in_code():
    alert = parse_alert_file(EXAMPLE_TEXT)
    alert.country = "ZZ"

    with pytest.raises(AlertError, match=r"^unknown country 'ZZ'"):
        alert.validate()


def test_alert__precision_defaults_from_the_date_when_built_in_code():
    alert = Alert(
        headline="h",
        summary="s",
        body="b",
        language="en",
        country="TR",
        incident_date="2026",
        categories=["impunity"],
    )

    assert alert.incident_date_precision == "unknown_month_and_day"
