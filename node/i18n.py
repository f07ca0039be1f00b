"""Languages for both interfaces: interface strings in the reader's language, negotiation, names, dates.

Interface strings are gettext catalogs in ``node/locales``: ``messages.pot``
lists every msgid (the English source text, as written in templates and
code) and ``<lang>/LC_MESSAGES/messages.po`` holds one language, the layout
``pybabel`` and translation editors (Poedit, Weblate...) expect. English and
French are complete; Arabic covers at least every string of the public pages
(``tests/test_webui_i18n.py`` checks both; ``python -m node.webui.catalog``
regenerates the ``.pot``, merges it into the ``.po`` files and lists what is
missing). A missing translation falls back to the English text. Strings keep
``{name}`` placeholders, filled after translation.

A ``.po`` file is compiled to ``.mo`` with Babel on its first use, in memory:
the ``.po`` stays the one source, so no compiled file can be stale, none is
committed, and a read-only installation works.

Vocabulary codes (``node/vocab.py``) keep their English labels there; their
translations are catalog entries keyed by the English label, and country and
language names come from the Unicode CLDR through Babel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

import datetime as dt
import gettext as _gettext
import io
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path

from node import vocab

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
UI_LANGUAGES = ("en", "fr", "ar")
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "yi", "dv", "ku", "ckb", "sd", "ug"})
LANG_COOKIE = "aan_lang"
_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z]{2}|-[0-9]{3})?$")


def po_path(lang: str, directory: Path = LOCALES_DIR) -> Path:
    return directory / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(lang: str) -> bytes | None:
    """The ``.mo`` of ``lang``'s catalog, compiled with Babel (None when there is no catalog)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    path = po_path(lang)
    if not path.exists():
        return None
    with path.open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # translated, non-fuzzy entries only
    return compiled.getvalue()


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The gettext translations of ``lang`` (no-op for English and languages without a catalog)."""
    if not lang or not re.fullmatch(r"[a-z]{2,3}(?:_[A-Za-z0-9]+)?", lang) or lang == DEFAULT_LANGUAGE:
        return _gettext.NullTranslations()
    compiled = compile_po(lang)
    if compiled is None:
        return _gettext.NullTranslations()
    return _gettext.GNUTranslations(io.BytesIO(compiled))


def primary(tag: str) -> str:
    return (tag or "").split("-")[0].split("_")[0].lower()


def text_direction(tag: str) -> str:
    return "rtl" if primary(tag) in RTL_LANGUAGES else "ltr"


def gettext(lang: str, msgid: str, /, **values: object) -> str:
    """``msgid`` in ``lang`` (English if untranslated), with ``{name}`` placeholders filled."""
    text = translations(lang).gettext(msgid) if msgid else msgid  # gettext("") is the catalog header
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

    def number(self, value: int | float) -> str:
        return format_number(value, self.lang)

    def list(self, items: Iterable[object], style: str = "standard") -> str:
        return format_word_list(items, self.lang, style)


def negotiate(request, explicit: str | None = None, available: tuple[str, ...] = UI_LANGUAGES) -> str:
    """The interface language: ``explicit`` if we have it, else the cookie, else Accept-Language."""
    for candidate in (explicit, request.cookies.get(LANG_COOKIE)):
        if candidate and primary(candidate) in available:
            return primary(candidate)
    return best_match(request.headers.get("accept-language", ""), available) or DEFAULT_LANGUAGE


def accepted_languages(header: str) -> list[str]:
    """The tags of an Accept-Language ``header``, most wanted first (quality, then order); q=0 dropped."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(ranked)]


def choose_version(available: list[str], requested: str | None, accept_language: str = "") -> str:
    """Which language version of a text to show: the one asked for (``?lang=``, exact tag, then
    the same primary language) if there is one, else the reader's (Accept-Language), else the
    original (the first of ``available``)."""
    if requested:
        for tag in available:
            if tag.lower() == requested.lower():
                return tag
        for tag in available:
            if primary(tag) == primary(requested):
                return tag
    if accept_language:
        match = best_match(accept_language, tuple(available))
        if match:
            return match
    return available[0]


def best_match(header: str, available: Iterable[str]) -> str | None:
    """The ``available`` tag the Accept-Language ``header`` prefers most, negotiated with Babel.

    Each wanted tag, in order, is matched by Babel (same tag, a CLDR alias, or
    its language alone: ``fr-CA`` gets ``fr``); failing that, an available tag
    of the same language (``pt`` gets ``pt-BR``).
    """
    from babel.core import negotiate_locale

    options: dict[str, str] = {}
    for option in available:
        if option:
            options.setdefault(option.lower(), option)
    by_language: dict[str, str] = {}
    for option in options.values():
        by_language.setdefault(primary(option), option)
    for tag in accepted_languages(header):
        found = negotiate_locale([tag], list(options), sep="-")
        if found is not None and found.lower() in options:
            return options[found.lower()]
        if primary(tag) in by_language:
            return by_language[primary(tag)]
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


def format_number(value: int | float, lang: str) -> str:
    """``value`` with the locale's digits and grouping (CLDR through Babel)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=_babel_lang(lang))


def format_word_list(items: Iterable[object], lang: str, style: str = "standard") -> str:
    """Words joined by the locale's CLDR list pattern: ``a, b and c``, ``a, b et c``, ``a وb وc``.

    If any item is markup (``__html__``), every item is escaped and the result is markup, so a
    template can list links or ``<bdi>`` names; CLDR's separators hold no markup characters.
    """
    from babel.lists import format_list

    items = list(items)
    if not any(hasattr(item, "__html__") for item in items):
        return format_list([str(item) for item in items], style=style, locale=_babel_lang(lang))
    from markupsafe import Markup, escape

    return Markup(format_list([str(escape(item)) for item in items], style=style, locale=_babel_lang(lang)))


def _zone(name: str):
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return dt.UTC


def _babel_lang(lang: str) -> str:
    return lang if _locale(lang) is not None else DEFAULT_LANGUAGE
