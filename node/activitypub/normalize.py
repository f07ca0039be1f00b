"""Reading incoming ActivityStreams properties in every shape that real servers send.

Incoming documents are compacted JSON-LD, so any property may be a single value or a
list, a reference may be an IRI string or an embedded object (a ``Link`` whose ``href``
is the target, or the object itself with its ``id``), ``type`` may be a list (and a term
may come as ``as:Note`` or a full IRI), the text may come only as ``contentMap`` (or as a
list of ``{"@value", "@language"}`` values), and ``url`` may be a list of ``Link``s with
media types. Every handler reads incoming properties through these helpers, never with
``obj["x"].startswith(...)`` or ``obj.get("type") in {...}``.

What cannot be understood raises :class:`Unintelligible` (an :class:`~node.errors.Invalid`
with a short fixed ``reason``); the inbox worker logs it at info level, counts it in
``aan_inbox_ignored{reason}``, writes it to the ingest log (``aan ingest log``) and marks the
item done (:func:`ignored`): no traceback, no retries of something that will never be understood.

Core protocol: no imports from the web interface or the Clearing House.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from node.errors import Invalid

log = logging.getLogger("aan.inbox")

AS_NAMESPACE = "https://www.w3.org/ns/activitystreams#"
LINK_TYPES = frozenset({"Link", "Mention", "Hashtag"})
_MAX_ITEMS = 256  # a property with more values than this is not read past it


class Unintelligible(Invalid):
    """An incoming document, or one of its properties, in a shape this node does not understand.

    ``reason`` is one of a small fixed set of labels (the metric's label); ``detail`` is for
    the log.
    """

    public = "activity not understood"

    def __init__(self, reason: str, detail: str | None = None):
        self.reason = reason
        super().__init__(detail or reason)


def ignored(reason: str, detail: str, *args, activity: dict | None = None, note: str | None = None) -> None:
    """Log (info), count and write to the ingest log an incoming item that is ignored.

    ``activity`` (its id, type and actor; never its content) is what the ingest log
    (:mod:`node.storage.ingest_log`, ``aan ingest log``) shows beside ``reason``, with status
    202 (accepted, then ignored). The log's detail is ``detail % args`` unless ``note``
    replaces it (where the text could quote the alert itself).
    """
    from node.ops import metrics
    from node.storage import ingest_log

    metrics.INBOX_IGNORED.labels(reason).inc()
    log.info("ignored (%s): " + detail, reason, *args)
    activity = activity if isinstance(activity, dict) else {}
    activity_id = activity.get("id")
    if note is None:
        try:
            note = detail % args if args else detail
        except (TypeError, ValueError):
            note = detail
    ingest_log.record(status=202, reason=reason, activity_id=activity_id if isinstance(activity_id, str) else None,
                      type=",".join(sorted(types(activity.get("type")))), actor=single_id(activity.get("actor")),
                      detail=note)


def values(value) -> list:
    """One-or-many: ``None`` → ``[]``, a list → its items (``None`` items dropped), else ``[value]``."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v for v in value[:_MAX_ITEMS] if v is not None]
    return [value]


def _term(value) -> str | None:
    """A type term without the ActivityStreams prefix (``as:Note``, full IRI → ``Note``)."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith(AS_NAMESPACE):
        return value[len(AS_NAMESPACE):]
    if value.startswith("as:"):
        return value[3:]
    return value


def types(value) -> set[str]:
    """The types of a ``type`` value (a string or a list of them); ``{}`` if none is readable."""
    if isinstance(value, dict):  # an object passed by mistake: read its own type
        value = value.get("type", value.get("@type"))
    return {t for t in map(_term, values(value)) if t}


def type_of(obj) -> set[str]:
    """The types of an embedded object (``set()`` for an IRI or anything else)."""
    return types(obj.get("type", obj.get("@type"))) if isinstance(obj, dict) else set()


def _iri(value) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _one_id(value) -> str | None:
    """The IRI one reference points at: a string, a Link's ``href``, or an object's ``id``."""
    if isinstance(value, str):
        return _iri(value)
    if isinstance(value, dict):
        if type_of(value) & LINK_TYPES and _iri(value.get("href")):
            return _iri(value.get("href"))
        return _iri(value.get("id")) or _iri(value.get("@id")) or _iri(value.get("href"))
    return None


def ids(value) -> list[str]:
    """One-or-many, IRI-or-object → the IRIs, in order, without repeats (unreadable items skipped)."""
    found: list[str] = []
    for item in values(value):
        iri = _one_id(item)
        if iri and iri not in found:
            found.append(iri)
    return found


def first_id(value) -> str | None:
    """The first IRI of :func:`ids`, or ``None``."""
    for item in values(value):
        iri = _one_id(item)
        if iri:
            return iri
    return None


def single_id(value) -> str | None:
    """The IRI when ``value`` names exactly one (``actor`` of an activity); else ``None``."""
    found = ids(value)
    return found[0] if len(found) == 1 else None


def objects(value) -> list[dict]:
    """The embedded objects (not ``Link``s, not bare IRIs) of a one-or-many value."""
    return [v for v in values(value) if isinstance(v, dict) and not (type_of(v) & LINK_TYPES and "href" in v)]


def embedded(value) -> dict | None:
    """The one embedded object of ``value`` (a list of one is unwrapped); ``None`` for an IRI.

    Raises :class:`Unintelligible` for several objects where one is expected.
    """
    found = objects(value)
    if len(found) > 1:
        raise Unintelligible("several_objects", f"{len(found)} embedded objects where one is expected")
    return found[0] if found else None


def _literal(value, language: str | None = None) -> str | None:
    """A string from a plain string, a ``{"@value"}`` object or a list of them."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("@value"), str):
        return value["@value"]
    if isinstance(value, list):
        texts = [(v.get("@language") if isinstance(v, dict) else None, _literal(v)) for v in value[:_MAX_ITEMS]]
        texts = [(lang, text) for lang, text in texts if text is not None]
        for lang, text in texts:
            if language and lang == language:
                return text
        return texts[0][1] if texts else None
    return None


def text(obj, name: str, languages: list[str] | tuple[str, ...] = ()) -> str | None:
    """The text of property ``name`` (``content``, ``summary``, ``name``) of ``obj``.

    ``name`` itself if it is a string (or a JSON-LD value, or a list of them), else
    ``nameMap``: the first of ``languages`` it has, else its first entry (the original
    language, as Mastodon reads it). ``None`` when there is no text.
    """
    if not isinstance(obj, dict):
        return None
    plain = _literal(obj.get(name), languages[0] if languages else None)
    mapped = obj.get(f"{name}Map")
    if isinstance(mapped, dict):
        entries = [(k, _literal(v)) for k, v in mapped.items() if isinstance(k, str)]
        entries = [(k, v) for k, v in entries if v is not None]
        for language in languages:
            for key, value in entries:
                if key.lower() == language.lower() or key.lower().split("-")[0] == language.lower():
                    return value
        if plain is not None:
            return plain
        return entries[0][1] if entries else None
    return plain


def string(obj, name: str) -> str | None:
    """A plain string property (``published``, ``updated``): the first string of one-or-many."""
    if not isinstance(obj, dict):
        return None
    for item in values(obj.get(name)):
        value = _literal(item)
        if value is not None:
            return value
    return None


TEXT_PROPERTIES = ("content", "summary", "name")


def with_text(obj: dict) -> dict:
    """``obj`` with ``content``, ``summary`` and ``name`` as plain strings where :func:`text` finds one.

    Stored copies of remote objects keep their own text choice this way: PostgreSQL's
    ``jsonb`` does not keep the key order of a ``contentMap``, whose first key is the
    original language. The maps themselves are kept as they came.
    """
    changes = {}
    for name in TEXT_PROPERTIES:
        if not isinstance(obj.get(name), str):
            value = text(obj, name)
            if value is not None:
                changes[name] = value
    return {**obj, **changes} if changes else obj


def language(obj, name: str = "content") -> str | None:
    """The language of the text of ``name``: the first key of ``nameMap`` (as Mastodon reads it)."""
    mapped = obj.get(f"{name}Map") if isinstance(obj, dict) else None
    if isinstance(mapped, dict):
        return next((k for k in mapped if isinstance(k, str) and k), None)
    return None


@dataclass(frozen=True)
class Link:
    href: str
    media_type: str | None = None
    rel: tuple[str, ...] = ()


def links(obj, name: str = "url") -> list[Link]:
    """The links of property ``name``: IRI strings and ``Link`` objects (href + mediaType)."""
    if not isinstance(obj, dict):
        return []
    found: list[Link] = []
    for item in values(obj.get(name)):
        if isinstance(item, str) and _iri(item):
            found.append(Link(_iri(item)))
        elif isinstance(item, dict):
            href = _iri(item.get("href")) or (None if type_of(item) & LINK_TYPES else _one_id(item))
            if href is None and isinstance(item.get("url"), (str, list, dict)) and name != "url":
                href = first_id(item.get("url"))
            if href:
                media_type = item.get("mediaType") if isinstance(item.get("mediaType"), str) else None
                rel = tuple(r for r in values(item.get("rel")) if isinstance(r, str))
                found.append(Link(href, media_type, rel))
    return found


def web_link(obj, name: str = "url") -> str | None:
    """The link to show to a person: the first ``text/html`` one, else the first http(s) one."""
    found = [link for link in links(obj, name) if link.href.startswith(("https://", "http://"))]
    for link in found:
        if link.media_type and link.media_type.split(";")[0].strip() == "text/html":
            return link.href
    return found[0].href if found else None
