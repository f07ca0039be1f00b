"""Interface strings in the reader's language, and vocabulary labels for people.

Catalogs are JSON files in ``node/webui/locales/<lang>.json`` mapping the
English source text (the msgid, as written in templates and code) to its
translation; ``en.json`` lists every msgid (mapped to itself) so that the set
of strings to translate is explicit. English and French are complete; Arabic
covers at least every string of the public pages (``tests/test_webui_i18n.py``
checks both). A missing translation falls back to the English text.

Vocabulary codes (``node/vocab.py``) keep their English labels there; their
translations are catalog entries keyed by the English label, and country and
language names come from the Unicode CLDR through Babel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

import datetime as dt
import json
import re
from collections.abc import Mapping
from functools import cache, lru_cache
from pathlib import Path

from node import vocab

LOCALES_DIR = Path(__file__).parent / "locales"
UI_LANGUAGES = ("en", "fr", "ar")
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "ckb", "sd", "ug"})
LANG_COOKIE = "aan_lang"
_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{2}|-[0-9]{3})?$")


@cache
def catalog(lang: str) -> dict[str, str]:
    path = LOCALES_DIR / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def primary(tag: str) -> str:
    return (tag or "").split("-")[0].split("_")[0].lower()


def text_direction(tag: str) -> str:
    return "rtl" if primary(tag) in RTL_LANGUAGES else "ltr"


def gettext(lang: str, msgid: str, /, **values: object) -> str:
    """``msgid`` in ``lang`` (English if untranslated), with ``{name}`` placeholders filled."""
    text = catalog(lang).get(msgid) or msgid
    return text.format(**values) if values else text


class Translator:
    """Callable bound to one language: ``t("Publish")``; also knows direction and vocab labels."""

    def __init__(self, lang: str):
        self.lang = lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE
        self.dir = text_direction(self.lang)

    def __call__(self, msgid: str, /, **values: object) -> str:
        return gettext(self.lang, msgid, **values)

    def vocab(self, table: str, code: str | None) -> str:
        return vocab_label(table, code, self.lang)

    def description(self, table: str, code: str) -> str:
        return vocab_description(table, code, self.lang)

    def language_name(self, tag: str) -> str:
        name = language_name(tag, self.lang)
        return name[:1].upper() + name[1:]

    def date(self, iso_date: str | None) -> str:
        return format_partial_date(iso_date, self.lang)

    def datetime(self, moment: dt.datetime | None, fmt: str = "medium") -> str:
        return format_moment(moment, self.lang, fmt)

    def choices(self, table: str) -> list[tuple[str, str]]:
        return vocab_choices(table, self.lang)


def negotiate(request, explicit: str | None = None, available: tuple[str, ...] = UI_LANGUAGES) -> str:
    """The interface language: ``explicit`` if we have it, else the cookie, else Accept-Language."""
    for candidate in (explicit, request.cookies.get(LANG_COOKIE)):
        if candidate and primary(candidate) in available:
            return primary(candidate)
    return best_match(request.headers.get("accept-language", ""), available) or DEFAULT_LANGUAGE


def best_match(header: str, available) -> str | None:
    """The ``available`` tag the Accept-Language ``header`` prefers most (primary subtags compared)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag))
    for _, _, tag in sorted(ranked):
        for option in available:
            if tag.lower() == option.lower():
                return option
        for option in available:
            if primary(tag) == primary(option):
                return option
    return None


# --- vocabularies --------------------------------------------------------------------------------

def _table(name: str) -> Mapping[str, object]:
    return vocab.ALL[name]


def vocab_label(table: str, code: str | None, lang: str) -> str:
    """The label of ``code`` in vocabulary ``table`` (e.g. ``"CATEGORIES"``) in ``lang``."""
    if not code:
        return ""
    entries = _table(table)
    if code not in entries:
        return code
    if table == "COUNTRIES":
        return country_name(code, lang)
    return gettext(lang, vocab.label(entries, code))


def vocab_description(table: str, code: str, lang: str) -> str:
    entry = _table(table).get(code)
    text = getattr(entry, "description", "")
    return gettext(lang, text) if text else ""


def vocab_choices(table: str, lang: str) -> list[tuple[str, str]]:
    """``(code, label)`` pairs in documented order (countries sorted by their name in ``lang``)."""
    pairs = [(code, vocab_label(table, code, lang)) for code in _table(table)]
    if table == "COUNTRIES":
        from anyascii import anyascii

        pairs.sort(key=lambda pair: anyascii(pair[1]).casefold())
    return pairs


@lru_cache(maxsize=4096)
def _locale(tag: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError  # Babel's data loads on first use, not at start

    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def country_name(code: str, lang: str) -> str:
    locale = _locale(lang)
    name = locale.territories.get(code) if locale else None
    return name or vocab.COUNTRIES[code].name


def language_name(tag: str, lang: str) -> str:
    """``tag`` named in ``lang``: ``language_name("fr", "en") == "French"``."""
    locale = _locale(lang)
    if locale is not None:
        name = locale.languages.get(tag.replace("-", "_")) or locale.languages.get(primary(tag))
        if name:
            return name
    return tag


def native_language_name(tag: str) -> str:
    """``tag`` named in itself: ``"Français"``, ``"العربية"``."""
    locale = _locale(tag)
    name = locale.get_display_name(locale) if locale else None
    return (name[:1].upper() + name[1:]) if name else tag


def valid_language_tag(tag: str) -> bool:
    return bool(_TAG_RE.match(tag or ""))


def format_partial_date(iso_date: str | None, lang: str) -> str:
    """``YYYY-MM-DD`` as a long date, ``YYYY-MM`` as month and year, ``YYYY`` as is."""
    if not iso_date:
        return ""
    from babel.dates import format_date as babel_format_date

    parts = iso_date.split("-")
    try:
        if len(parts) == 3:
            return babel_format_date(dt.date.fromisoformat(iso_date), "long", locale=_babel_lang(lang))
        if len(parts) == 2:
            return babel_format_date(dt.date(int(parts[0]), int(parts[1]), 1), "MMMM y",
                                     locale=_babel_lang(lang))
    except ValueError:
        return iso_date
    return iso_date


def format_moment(moment: dt.datetime | None, lang: str, fmt: str = "medium", tz: str = "UTC") -> str:
    if moment is None:
        return ""
    from babel.dates import format_datetime as babel_format_datetime

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return babel_format_datetime(moment, fmt, tzinfo=_zone(tz), locale=_babel_lang(lang))


def _zone(name: str):
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC


def _babel_lang(lang: str) -> str:
    return lang if _locale(lang) is not None else DEFAULT_LANGUAGE
