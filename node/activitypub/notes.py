"""An alert as an ActivityPub ``Note`` that Mastodon shows in full.

Layout (see ``docs/vocabulary.md`` and interop-mastodon.md sections 6-7):

* ``Note``, not ``Article``: Mastodon shows only the title and a link for
  ``Article`` and never its ``content``.
* No ``name``: Mastodon ignores it on a Note and GoToSocial would fold the
  post behind it, so the headline is the first paragraph of ``content``.
* ``summary`` is the *content warning* on Mastodon, Misskey and GoToSocial,
  so the alert's summary is the second paragraph of ``content`` and
  ``summary`` is only set when the alert has a real ``content_warning``.
* ``contentMap`` carries the original language first (Mastodon reads the
  language from the first key) and each translation after it.
* Hashtags for the country and each category are both ``Hashtag`` tags and
  links in the last paragraph, which Mastodon shows as its hashtag bar.
* The full structured alert rides along under our ``alert`` term (a JSON
  literal in the ``aan`` namespace), so other aan nodes get the structure and
  Mastodon ignores it.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from node import vocab
from node.alerts import Alert, AlertError, Authority, RecommendedAction, Translation
from node.render import is_safe_link, markdown_to_html
from node.urls import AS_PUBLIC, Urls

AAN_NAMESPACE = "https://w3id.org/aan/ns#"

AAN_CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "sensitive": "as:sensitive",
        "Hashtag": "as:Hashtag",
        "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
        "toot": "http://joinmastodon.org/ns#",
        "discoverable": "toot:discoverable",
        "indexable": "toot:indexable",
        "featured": {"@id": "toot:featured", "@type": "@id"},
        "schema": "http://schema.org#",
        "PropertyValue": "schema:PropertyValue",
        "value": "schema:value",
        "aan": AAN_NAMESPACE,
        "alert": {"@id": "aan:alert", "@type": "@json"},
    },
]

# Keys under which a received Note may carry the extension: compacted with our
# context, with a bare prefix, or fully expanded by a JSON-LD processor.
_ALERT_KEYS = ("alert", "aan:alert", f"{AAN_NAMESPACE}alert")
MAX_ATTACHMENTS = 4


def alert_to_note(
    alert: Alert,
    *,
    urls: Urls,
    username: str,
    alert_id: str,
    published: dt.datetime,
    updated: dt.datetime | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Build the Mastodon-friendly ``Note`` for ``alert``, published by actor ``username``.

    ``attachments`` are ``Image`` objects (``url``, ``mediaType``, alt text as
    ``name``); Mastodon keeps at most four (interop-mastodon.md 6.8).
    """
    url = urls.alert(alert_id)
    tags = alert_hashtags(alert, urls)
    hashtags_html = _hashtags_paragraph(tags)
    content_map = {
        language: _content(alert, translation, hashtags_html, language)
        for language, translation in [(alert.language, Translation()), *alert.translations.items()]
    }
    note: dict[str, Any] = {
        "@context": AAN_CONTEXT,
        "id": url,
        "type": "Note",
        "attributedTo": urls.actor(username),
        "url": url,
        "published": format_timestamp(published),
    }
    if updated is not None:
        note["updated"] = format_timestamp(updated)
    note["to"] = [AS_PUBLIC]
    note["cc"] = [urls.followers(username)]
    note["inReplyTo"] = alert.follows
    if alert.case:
        note["context"] = alert.case
    note["sensitive"] = bool(alert.content_warning)
    if alert.content_warning:
        note["summary"] = alert.content_warning
        note["summaryMap"] = {alert.language: alert.content_warning} | {
            language: translation.content_warning or alert.content_warning
            for language, translation in alert.translations.items()
        }
    note["content"] = content_map[alert.language]
    note["contentMap"] = content_map
    note["tag"] = tags
    note["attachment"] = list(attachments or [])[:MAX_ATTACHMENTS]
    note["alert"] = alert.to_dict()
    return note


def note_to_alert(note: dict[str, Any]) -> Alert | None:
    """The structured alert carried by a received Note, or ``None`` if it has none.

    Raises :class:`~node.alerts.AlertError` if the extension is present but
    invalid. Fields unknown to this version are ignored (a newer node may
    have added some); everything else is validated like a local alert.
    """
    raw = next((note[key] for key in _ALERT_KEYS if note.get(key) is not None), None)
    if raw is None:
        return None
    if isinstance(raw, list) and len(raw) == 1:  # expanded JSON-LD wraps values in a list
        raw = raw[0]
    if isinstance(raw, dict) and "@value" in raw:  # expanded form of an @json literal
        raw = raw["@value"]
    if not isinstance(raw, dict):
        raise AlertError("the Note's 'alert' extension is not a JSON object")
    return Alert.from_dict(raw, ignore_unknown=True)


def alert_hashtags(alert: Alert, urls: Urls) -> list[dict[str, str]]:
    """``Hashtag`` objects for the alert's country and each of its categories."""
    names = [vocab.country_hashtag(alert.country)] + [vocab.category_hashtag(c) for c in alert.categories]
    tags: list[dict[str, str]] = []
    for name in names:
        if all(tag["name"].lower() != f"#{name}".lower() for tag in tags):
            tags.append({"type": "Hashtag", "name": f"#{name}", "href": urls.tag(name.lower())})
    return tags


def format_timestamp(moment: dt.datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, to the second; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _content(alert: Alert, translation: Translation, hashtags_html: str, language: str) -> str:
    """The HTML for one language, falling back to the original for missing parts."""
    parts = [
        f"<p><strong>{escape(translation.headline or alert.headline)}</strong></p>",
        _text_paragraph(translation.summary or alert.summary),
        markdown_to_html(translation.body or alert.body),
    ]
    if alert.recommended_action:
        parts.append(_action_html(alert.recommended_action, language))
    parts.append(hashtags_html)
    return "".join(parts)


def _action_html(action: RecommendedAction, language: str) -> str:
    parts = [f"<p><strong>{escape(vocab.label(vocab.PHRASES, 'what_you_can_do', language))}</strong></p>"]
    if action.asks:
        parts.append("<ul>" + "".join(f"<li>{escape(ask)}</li>" for ask in action.asks) + "</ul>")
    if action.authorities:
        parts.append(f"<p>{escape(vocab.label(vocab.PHRASES, 'send_appeals_to', language))}</p>")
        parts.extend(_authority_html(authority, language) for authority in action.authorities)
    if action.deadline:
        sentence = vocab.label(vocab.PHRASES, "act_before", language)
        parts.append(f"<p>{escape(sentence.format(date=vocab.format_date(action.deadline, language)))}</p>")
    return "".join(parts)


def _authority_html(authority: Authority, language: str) -> str:
    who = ", ".join(escape(part) for part in (authority.title, authority.institution) if part)
    lines = []
    if authority.name:
        lines.append(f"<strong>{escape(authority.name)}</strong>" + (f", {who}" if who else ""))
    elif who:
        lines.append(who)
    if authority.address:
        lines.extend(escape(line.strip()) for line in authority.address.splitlines() if line.strip())
    if authority.email:
        email = escape(authority.email)
        lines.append(
            f'{escape(vocab.label(vocab.PHRASES, "email", language))}: <a href="mailto:{email}">{email}</a>'
        )
    if authority.fax:
        lines.append(f"{escape(vocab.label(vocab.PHRASES, 'fax', language))}: {escape(authority.fax)}")
    if authority.url and is_safe_link(authority.url):
        link = escape(authority.url)
        lines.append(f'<a href="{link}">{link}</a>')
    return "<p>" + "<br>".join(lines) + "</p>"


def _text_paragraph(text: str) -> str:
    return "<p>" + "<br>".join(escape(line) for line in text.splitlines()) + "</p>"


def _hashtags_paragraph(tags: list[dict[str, str]]) -> str:
    links = [
        f'<a href="{escape(tag["href"])}" class="mention hashtag" rel="tag">#<span>{escape(tag["name"][1:])}</span></a>'
        for tag in tags
    ]
    return "<p>" + " ".join(links) + "</p>"
