"""Interface strings: English and French complete, Arabic for every public page, placeholders intact."""

from __future__ import annotations

import json
import re

from node.webui import i18n
from node.webui.catalog import extract

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load(lang: str) -> dict[str, str]:
    return json.loads((i18n.LOCALES_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def test_english_lists_every_string_in_templates_and_code():
    everything, _ = extract()
    english = load("en")
    assert sorted(everything - set(english)) == [], "run python -m node.webui.catalog"
    assert all(english[m] == m for m in english)


def test_french_is_complete_and_arabic_covers_the_public_pages():
    everything, public = extract()
    assert sorted(everything - set(load("fr"))) == []
    assert sorted(public - set(load("ar"))) == []


def test_translations_keep_their_placeholders():
    for lang in ("fr", "ar"):
        for msgid, text in load(lang).items():
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(text)), (lang, msgid, text)
            assert text.strip(), (lang, msgid)


def test_language_negotiation():
    assert i18n.best_match("fr-CA,fr;q=0.9,en;q=0.8", ("en", "fr", "ar")) == "fr"
    assert i18n.best_match("de-DE,de;q=0.9,ar;q=0.5", ("en", "fr", "ar")) == "ar"
    assert i18n.best_match("de", ("en", "fr", "ar")) is None
    assert i18n.best_match("en;q=0, fr;q=0.1", ("en", "fr")) == "fr"
    assert i18n.text_direction("ar") == "rtl" and i18n.text_direction("fa-IR") == "rtl"
    assert i18n.text_direction("fr") == "ltr"


def test_vocabulary_labels_and_names_in_the_readers_language():
    fr, ar = i18n.Translator("fr"), i18n.Translator("ar")
    assert fr.vocab("CATEGORIES", "detention") == "Détention et emprisonnement"
    assert fr.vocab("COUNTRIES", "TR") == "Turquie" and ar.vocab("COUNTRIES", "TR") == "تركيا"
    assert ar.vocab("ACT_TYPES", "arrested_detained") == "اعتُقل أو احتُجز"
    assert fr.language_name("ar") == "Arabe" and i18n.native_language_name("fr") == "Français"
    assert fr.date("2026-11-20") == "20 novembre 2026" and fr.date("2026-11") == "novembre 2026"
    assert i18n.Translator("xx").lang == "en"  # unknown interface languages fall back to English
