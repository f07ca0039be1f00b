"""The alert model: one organisation's dispatch about one development.

An alert is written as a Markdown file with a YAML front-matter header
(:func:`parse_alert_file`), stored and federated as a JSON-safe dict
(:meth:`Alert.to_dict` / :meth:`Alert.from_dict`). Every way in goes through
the same validation, so an :class:`Alert` built by either function is valid,
and every problem is reported as one :class:`AlertError` whose message is a
single line naming the field, because members fix these under time pressure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn
from urllib.parse import urlsplit

from node import errors, vocab


class AlertError(errors.Invalid):
    """An alert file or dict is invalid; ``str(error)`` is one line naming the problem."""


@dataclass
class Translation:
    """The same alert in another language; a missing part falls back to the original."""

    headline: str | None = None
    summary: str | None = None
    body: str | None = None  # Markdown
    content_warning: str | None = None


@dataclass
class Target:
    name: str
    kind: str  # vocab.TARGET_KINDS
    profession: str | None = None  # vocab.PROFESSIONS
    aliases: list[str] = field(default_factory=list)


@dataclass
class Authority:
    """Someone readers should write to; at least ``name`` or ``institution`` is set."""

    name: str | None = None
    title: str | None = None
    institution: str | None = None
    address: str | None = None
    email: str | None = None
    fax: str | None = None
    url: str | None = None


@dataclass
class RecommendedAction:
    asks: list[str] = field(default_factory=list)
    authorities: list[Authority] = field(default_factory=list)
    deadline: str | None = None  # YYYY-MM-DD


@dataclass
class Source:
    title: str
    url: str | None = None


@dataclass(kw_only=True)
class Alert:
    type: str = "alert"  # vocab.ALERT_TYPES
    headline: str
    summary: str
    body: str  # Markdown
    language: str  # BCP 47, e.g. "en" or "pt-BR"
    translations: dict[str, Translation] = field(default_factory=dict)
    country: str  # ISO 3166-1 alpha-2, upper-case
    incident_date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    incident_date_precision: str = ""  # vocab.DATE_PRECISIONS; "" = derive from incident_date
    categories: list[str]  # vocab.CATEGORIES, at least one
    act_types: list[str] = field(default_factory=list)  # vocab.ACT_TYPES
    targets: list[Target] = field(default_factory=list)
    perpetrator_type: str | None = None  # vocab.PERPETRATOR_TYPES
    recommended_action: RecommendedAction | None = None
    sources: list[Source] = field(default_factory=list)
    content_warning: str | None = None
    case: str | None = None  # URL of the case this alert belongs to
    follows: str | None = None  # URL of the earlier alert this one follows

    def __post_init__(self) -> None:
        if not self.incident_date_precision:
            self.incident_date_precision = default_date_precision(self.incident_date)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict with every field present (``None``/``[]``/``{}`` when empty).

        This is the storage format and the value of the federated ``alert``
        extension; ``Alert.from_dict(a.to_dict()) == a``.
        """
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Any, *, ignore_unknown: bool = False) -> Alert:
        """Validate ``data`` (as made by :meth:`to_dict`) and build an :class:`Alert`.

        Raises :class:`AlertError`. ``ignore_unknown=True`` skips fields this
        version does not know instead of rejecting them; use it for alerts
        received from other nodes, which may run a newer version.
        """
        return _Reader(ignore_unknown).alert(data)

    def validate(self) -> None:
        """Raise :class:`AlertError` if this alert (e.g. built in code) is invalid."""
        Alert.from_dict(self.to_dict())


def parse_alert_file(text: str) -> Alert:
    """Parse a Markdown alert file: YAML front matter between ``---`` lines, then the body.

    Front-matter fields are named like :meth:`Alert.to_dict` keys (except
    ``body``, which is the Markdown after the header). Raises :class:`AlertError`.
    """
    import yaml

    header, body = _split_front_matter(text)
    try:
        data = yaml.load(header, Loader=_front_matter_loader())  # a SafeLoader subclass
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML's constructors can raise ValueError
        raise AlertError(f"front matter is not valid YAML: {_yaml_problem(exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise AlertError("front matter must be a list of 'field: value' lines")
    if "body" in data:
        raise AlertError(
            "field 'body' is not allowed in the front matter (the body is the Markdown after it)"
        )
    body = body.strip("\n").rstrip()
    if not body.strip():
        raise AlertError("missing body (write the alert text after the closing '---' line)")
    return _Reader(ignore_unknown=False).alert({**data, "body": body})


def earliest_day(value: str) -> dt.date | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as the first day it can mean (None if it is none of them)."""
    parts = (value or "").split("-")
    try:
        return dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def default_date_precision(incident_date: str) -> str:
    """``exact`` for YYYY-MM-DD, ``unknown_day`` for YYYY-MM, ``unknown_month_and_day`` for YYYY."""
    return {10: "exact", 7: "unknown_day", 4: "unknown_month_and_day"}.get(len(incident_date), "exact")


# --- front matter -----------------------------------------------------------


def _split_front_matter(text: str) -> tuple[str, str]:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start == len(lines) or lines[start].rstrip() != "---":
        raise AlertError("no front matter (the file must start with a '---' line, then the header fields)")
    for end in range(start + 1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            return "\n".join(lines[start + 1 : end]), "\n".join(lines[end + 1 :])
    raise AlertError("front matter is not closed (no '---' line after the header fields)")


@functools.cache
def _front_matter_loader() -> type:
    """The front matter's YAML loader, made (and PyYAML imported) by the first alert file read."""
    import yaml

    class _FrontMatterLoader(yaml.SafeLoader):
        """SafeLoader that reads only true/false as booleans, dates as text, and rejects duplicate keys.

        YAML 1.1 reads ``country: NO`` (Norway) and ``language: no`` (Norwegian)
        as ``False``, and ``2026-02-30`` crashes its date constructor; alert
        authors should not have to know that. Dates are validated by the reader.
        """

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate field '{key}'", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    unwanted = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    _FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in unwanted]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _FrontMatterLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    return _FrontMatterLoader


def _yaml_problem(exc: Exception) -> str:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    where = f" (line {mark.line + 2})" if mark is not None else ""  # +1 for 1-based, +1 for '---'
    return " ".join(f"{problem}{where}".split())


# --- validation -------------------------------------------------------------

_LANGUAGE_RE = re.compile(r"^([A-Za-z]{2,3})(?:-([A-Za-z]{2}|[0-9]{3}))?$")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_PRECISIONS_BY_LENGTH = {
    10: ("exact", "estimate"),
    7: ("unknown_day", "estimate"),
    4: ("unknown_month_and_day", "estimate"),
}
_TOP_FIELDS = tuple(f.name for f in dataclasses.fields(Alert))
_TRANSLATION_FIELDS = tuple(f.name for f in dataclasses.fields(Translation))
_TARGET_FIELDS = tuple(f.name for f in dataclasses.fields(Target))
_ACTION_FIELDS = tuple(f.name for f in dataclasses.fields(RecommendedAction))
_AUTHORITY_FIELDS = tuple(f.name for f in dataclasses.fields(Authority))
_SOURCE_FIELDS = tuple(f.name for f in dataclasses.fields(Source))


def _fail(message: str) -> NoReturn:
    raise AlertError(message)


class _Reader:
    """Turns a plain dict into dataclasses, checking each field on the way."""

    def __init__(self, ignore_unknown: bool) -> None:
        self.ignore_unknown = ignore_unknown

    def alert(self, data: Any) -> Alert:
        if not isinstance(data, dict):
            _fail("an alert must be a mapping of fields")
        self.fields(data, "", _TOP_FIELDS)
        language = self.language(self.required_text(data, "language"), "language")
        incident_date, precision = self.incident_date(data)
        alert = Alert(
            type=self.code(data.get("type") or "alert", "type", vocab.ALERT_TYPES, "alert type"),
            headline=self.headline(self.required_text(data, "headline"), "headline"),
            summary=self.required_text(data, "summary"),
            body=self.required_text(data, "body", strip=False),
            language=language,
            translations=self.translations(data.get("translations"), language),
            country=self.country(self.required_text(data, "country")),
            incident_date=incident_date,
            incident_date_precision=precision,
            categories=self.categories(data),
            act_types=self.codes(data.get("act_types"), "act_types", vocab.ACT_TYPES, "act type"),
            targets=[self.target(t, f"targets[{i}]") for i, t in enumerate(self.items(data, "targets"))],
            perpetrator_type=self.optional_code(
                data.get("perpetrator_type"), "perpetrator_type", vocab.PERPETRATOR_TYPES, "perpetrator type"
            ),
            recommended_action=self.action(data.get("recommended_action")),
            sources=[self.source(s, f"sources[{i}]") for i, s in enumerate(self.items(data, "sources"))],
            content_warning=self.text(data.get("content_warning"), "content_warning"),
            case=self.url(data.get("case"), "case"),
            follows=self.url(data.get("follows"), "follows"),
        )
        if alert.type == "update" and not (alert.follows or alert.case):
            _fail("an alert of type 'update' needs 'follows' (the alert it continues) or 'case'")
        for lang, translation in alert.translations.items():
            if translation.content_warning and not alert.content_warning:
                _fail(
                    f"field 'translations.{lang}.content_warning' is set but the alert has no content_warning"
                )
        return alert

    # generic helpers

    def fields(self, data: dict[str, Any], path: str, allowed: tuple[str, ...]) -> None:
        if self.ignore_unknown:
            return
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.75)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                _fail(f"unknown field '{path}{key}'{suggestion}")

    def text(self, value: Any, path: str, *, strip: bool = True) -> str | None:
        """Optional text: ``None`` when absent or blank."""
        if value is None:
            return None
        if not isinstance(value, str):
            _fail(f"field '{path}' must be text, not {_kind(value)}")
        if not value.strip():
            return None
        return value.strip() if strip else value

    def required_text(self, data: dict[str, Any], name: str, path: str = "", *, strip: bool = True) -> str:
        full = f"{path}{name}"
        if data.get(name) is None:
            _fail(f"missing field '{full}'")
        value = self.text(data[name], full, strip=strip)
        if value is None:
            _fail(f"field '{full}' is empty")
        return value

    def headline(self, value: str, path: str) -> str:
        if "\n" in value:
            _fail(f"field '{path}' must be a single line")
        return value

    def items(self, data: dict[str, Any], name: str, path: str = "") -> list[Any]:
        value = data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            _fail(f"field '{path}{name}' must be a list")
        return value

    def text_list(self, value: Any, path: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            _fail(f"field '{path}' must be a list")
        texts = [self.text(item, f"{path}[{i}]") for i, item in enumerate(value)]
        return [t for t in texts if t is not None]

    def mapping(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            _fail(f"field '{path}' must be a mapping of fields, not {_kind(value)}")
        self.fields(value, f"{path}.", allowed)
        return value

    def code(self, value: Any, path: str, vocabulary: dict[str, Any], what: str) -> str:
        if not isinstance(value, str) or value not in vocabulary:
            expected = ", ".join(vocabulary)
            _fail(f"unknown {what} {_show(value)} (expected one of: {expected})")
        return value

    def optional_code(self, value: Any, path: str, vocabulary: dict[str, Any], what: str) -> str | None:
        return None if value is None or value == "" else self.code(value, path, vocabulary, what)

    def codes(self, value: Any, path: str, vocabulary: dict[str, Any], what: str) -> list[str]:
        result: list[str] = []
        for code in self.text_list(value, path):
            code = self.code(code, path, vocabulary, what)
            if code not in result:
                result.append(code)
        return result

    def url(self, value: Any, path: str) -> str | None:
        url = self.text(value, path)
        if url is None:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
            _fail(f"invalid URL {_show(url)} in field '{path}' (expected an http or https URL)")
        return url

    def date(self, value: Any, path: str) -> str | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        text = value if isinstance(value, str) else None
        try:
            if text is None or len(text) != 10:
                raise ValueError
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            _fail(f"invalid date {_show(value)} in field '{path}' (expected YYYY-MM-DD)")

    # specific fields

    def language(self, value: str, path: str) -> str:
        match = _LANGUAGE_RE.match(value)
        if not match:
            _fail(
                f"invalid language {_show(value)} in field '{path}' (expected a BCP 47 tag such as 'en' or 'pt-BR')"
            )
        primary, region = match.groups()
        return primary.lower() + (f"-{region.upper()}" if region else "")

    def country(self, value: str) -> str:
        code = value.upper()
        if code not in vocab.COUNTRIES:
            _fail(f"unknown country {_show(value)} (expected an ISO 3166-1 alpha-2 code such as 'TR')")
        return code

    def categories(self, data: dict[str, Any]) -> list[str]:
        if data.get("categories") is None:
            _fail("missing field 'categories'")
        categories = self.codes(data["categories"], "categories", vocab.CATEGORIES, "category")
        if not categories:
            _fail("field 'categories' needs at least one category")
        return categories

    def incident_date(self, data: dict[str, Any]) -> tuple[str, str]:
        value = data.get("incident_date")
        if value is None or value == "":
            _fail("missing field 'incident_date'")
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            date = value.isoformat()
        elif isinstance(value, int) and not isinstance(value, bool):
            date = f"{value:04d}" if 1000 <= value <= 9999 else str(value)
        elif isinstance(value, str):
            date = value.strip()
        else:
            date = ""
        if not _is_partial_date(date):
            _fail(f"invalid incident_date {_show(value)} (expected YYYY, YYYY-MM or YYYY-MM-DD)")
        precision = self.optional_code(
            data.get("incident_date_precision"),
            "incident_date_precision",
            vocab.DATE_PRECISIONS,
            "date precision",
        ) or default_date_precision(date)
        allowed = _PRECISIONS_BY_LENGTH[len(date)]
        if precision not in allowed:
            _fail(
                f"incident_date_precision '{precision}' does not fit incident_date '{date}' "
                f"(expected {' or '.join(allowed)})"
            )
        return date, precision

    def translations(self, value: Any, language: str) -> dict[str, Translation]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            _fail("field 'translations' must be a mapping of language tags to translated fields")
        result: dict[str, Translation] = {}
        for raw_lang, fields in value.items():
            lang = self.language(str(raw_lang), "translations")
            path = f"translations.{lang}"
            if lang == language:
                _fail(f"field '{path}' repeats the alert's own language")
            if lang in result:
                _fail(f"field '{path}' appears twice")
            data = self.mapping(fields, path, _TRANSLATION_FIELDS)
            translation = Translation(
                headline=self.text(data.get("headline"), f"{path}.headline"),
                summary=self.text(data.get("summary"), f"{path}.summary"),
                body=self.text(data.get("body"), f"{path}.body", strip=False),
                content_warning=self.text(data.get("content_warning"), f"{path}.content_warning"),
            )
            if translation.headline:
                self.headline(translation.headline, f"{path}.headline")
            if translation == Translation():
                _fail(f"field '{path}' is empty")
            result[lang] = translation
        return result

    def target(self, value: Any, path: str) -> Target:
        data = self.mapping(value, path, _TARGET_FIELDS)
        return Target(
            name=self.required_text(data, "name", f"{path}."),
            kind=self.code(
                self.required_text(data, "kind", f"{path}."),
                f"{path}.kind",
                vocab.TARGET_KINDS,
                "target kind",
            ),
            profession=self.optional_code(
                data.get("profession"), f"{path}.profession", vocab.PROFESSIONS, "profession"
            ),
            aliases=self.text_list(data.get("aliases"), f"{path}.aliases"),
        )

    def action(self, value: Any) -> RecommendedAction | None:
        if value is None:
            return None
        path = "recommended_action"
        data = self.mapping(value, path, _ACTION_FIELDS)
        asks = self.text_list(data.get("asks"), f"{path}.asks")
        if not asks:
            _fail(f"missing field '{path}.asks' (what readers should ask for)")
        authorities = [
            self.authority(a, f"{path}.authorities[{i}]")
            for i, a in enumerate(self.items(data, "authorities", f"{path}."))
        ]
        return RecommendedAction(
            asks=asks, authorities=authorities, deadline=self.date(data.get("deadline"), f"{path}.deadline")
        )

    def authority(self, value: Any, path: str) -> Authority:
        data = self.mapping(value, path, _AUTHORITY_FIELDS)
        authority = Authority(
            name=self.text(data.get("name"), f"{path}.name"),
            title=self.text(data.get("title"), f"{path}.title"),
            institution=self.text(data.get("institution"), f"{path}.institution"),
            address=self.text(data.get("address"), f"{path}.address"),
            email=self.text(data.get("email"), f"{path}.email"),
            fax=self.text(data.get("fax"), f"{path}.fax"),
            url=self.url(data.get("url"), f"{path}.url"),
        )
        if not (authority.name or authority.institution):
            _fail(f"field '{path}' needs a name or an institution")
        if authority.email and not _EMAIL_RE.match(authority.email):
            _fail(f"invalid email address {_show(authority.email)} in field '{path}.email'")
        return authority

    def source(self, value: Any, path: str) -> Source:
        data = self.mapping(value, path, _SOURCE_FIELDS)
        return Source(
            title=self.required_text(data, "title", f"{path}."), url=self.url(data.get("url"), f"{path}.url")
        )


def _is_partial_date(text: str) -> bool:
    match = _DATE_RE.match(text)
    if not match:
        return False
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _show(value: Any) -> str:
    """A value quoted for an error message, kept to one short line."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    text = " ".join(text.split())
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__
