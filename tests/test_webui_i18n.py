"""Interface strings: English and French complete, Arabic for every public page, placeholders intact."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import write_po

from node import i18n
from node.webui.catalog import extract, read, translated

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load(lang: str) -> dict[str, str]:
    """The usable entries of ``lang``'s catalog; English is the template, every msgid as itself."""
    if lang == "en":
        return {m.id: m.id for m in read(i18n.TEMPLATE) if m.id}
    return translated(read(i18n.po_path(lang)))


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


def test_catalogs_compile_and_french_translates_every_msgid_of_the_template():
    template = {m.id for m in read(i18n.TEMPLATE) if m.id}
    assert len(template) > 400
    for lang in ("fr", "ar"):
        catalog = read(i18n.po_path(lang))
        assert not catalog.fuzzy, lang  # pybabel compile skips a catalog marked fuzzy
        assert [(m.id, errors) for m, errors in catalog.check()] == [], lang
        compiled = i18n.compile_po(lang)
        assert compiled, lang
        assert read_mo(io.BytesIO(compiled)).get(next(iter(translated(catalog)))), lang
    french = read(i18n.po_path("fr"))
    untranslated = sorted(msgid for msgid in template if not (french.get(msgid) and french.get(msgid).string))
    assert untranslated == []
    assert sorted(m.id for m in french if m.id and m.fuzzy) == []


def test_gettext_uses_the_compiled_catalog():
    assert i18n.gettext("fr", "Publish") == "Publier" != i18n.gettext("en", "Publish")
    assert i18n.gettext("ar", "Alerts tagged #{tag}", tag="x") == "التنبيهات الموسومة بـ #x"
    assert i18n.gettext("ar", "Add a user") == "Add a user"  # not in the Arabic catalog: English
    assert i18n.gettext("fr", "") == ""  # never the catalog's header
    assert i18n.gettext("de", "Publish") == "Publish" and i18n.gettext("../fr", "Publish") == "Publish"


def test_negotiation_is_babels_per_wanted_language():
    assert i18n.accepted_languages("en;q=0.2, fr-CA, *;q=0.5, de;q=0") == ["fr-CA", "en"]
    assert i18n.best_match("pt", ("en", "pt-BR")) == "pt-BR"  # same language, other region
    assert i18n.best_match("pt, fr", ("fr", "pt-BR")) == "pt-BR"  # order of the header first
    assert i18n.best_match("FR-ca", ("en", "fr")) == "fr"
    assert i18n.best_match("", ("en", "fr")) is None


def test_catalog_command_merges_the_template_and_reports_what_is_missing(tmp_path):
    shutil.copytree(i18n.LOCALES_DIR, tmp_path / "locales")
    locales = tmp_path / "locales"
    before = {path: path.read_bytes() for path in locales.rglob("*.po*")}

    def run(*args):
        done = subprocess.run([sys.executable, "-m", "node.webui.catalog", *args], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent, timeout=120)
        return done.returncode, done.stderr

    assert run(str(locales)) == (0, "ar: 0 missing\nfr: 0 missing\n")
    assert {path: path.read_bytes() for path in locales.rglob("*.po*")} == before  # up to date: untouched

    french = read(i18n.po_path("fr", locales))
    french.delete("Publish")  # a string the French catalog lost, and a stale one the code no longer has
    french.add("A string nothing uses any more", "Une chaîne que plus rien n’utilise")
    with i18n.po_path("fr", locales).open("wb") as out:
        write_po(out, french)
    assert run(str(locales)) == (0, "ar: 0 missing\nfr: 1 missing\n  'Publish'\n")
    merged = read(i18n.po_path("fr", locales))
    assert merged.get("Publish") is not None and "Publish" not in translated(merged)  # empty, or a fuzzy guess
    assert "A string nothing uses any more" in merged.obsolete  # kept for translators, not used
    assert "A string nothing uses any more" not in {m.id for m in read(locales / "messages.pot")}

    assert run(str(tmp_path / "nowhere"))[0] == 2
