"""Which interface strings exist: extracted from templates and code, for the catalogs and their test.

``python -m node.webui.catalog`` does what ``pybabel extract`` and ``pybabel
update`` would, with an extractor that knows this code: it rewrites
``node/locales/messages.pot`` (every msgid), merges it into each
``node/locales/<lang>/LC_MESSAGES/messages.po`` (new strings untranslated,
near matches marked fuzzy, removed ones kept as obsolete) and lists, per
language, the strings still to translate: English and French must be
complete, Arabic must cover the public pages (``tests/test_webui_i18n.py``
checks both). Translators edit the ``.po`` files with any gettext tool; a
new language is ``pybabel init -i node/locales/messages.pot -d node/locales
-l LANG`` (then add it to ``node.i18n.UI_LANGUAGES``).
"""

from __future__ import annotations

import ast
import io
import re
import sys
from pathlib import Path

from node import vocab
from node.i18n import DOMAIN, LOCALES_DIR, TEMPLATE, po_path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "web" / "templates"
PUBLIC_TEMPLATES = ("base.html", "alert.html", "index.html", "profile.html", "message.html", "joint.html",
                    "webui_alert_article.html", "webui_follow_form.html", "webui_remote_follow.html", "webui_case.html")
PYTHON = [ROOT / "webui" / name for name in ("views_auth.py", "views_compose.py", "views_alerts.py", "web.py",
                                            "forms.py", "auth.py", "views_joint.py")]
PYTHON += [ROOT / "services" / name for name in ("media.py", "drafts.py")]  # their errors' messages are msgids
PUBLIC_PYTHON = [ROOT / "web" / "public.py"]
PYTHON += PUBLIC_PYTHON
_TEMPLATE_CALL = re.compile(r"""\bt\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
# Strings that templates pass through t() indirectly (a variable or a lookup).
DYNAMIC_ADMIN = ("Delivered", "Pending", "Retrying", "Failed", "Waiting for moderation", "Shown on the public page",
                 "Hidden", "Publication", "Update sent", "Deletion sent",
                 # field messages of node.services.profile.update, shown translated beside their fields
                 "The organisation needs a name.", "Choose at least one language.")
DYNAMIC_PUBLIC = ("Not found", "There is no such alert.", "There is no such statement.", "Alert withdrawn", "This alert was deleted by its publisher.",
                  "No such account.")
MESSAGE_CLASSES = {"MediaError", "PublishError"}
# The Clearing House's pages (public: Arabic covers them too).
CLEARINGHOUSE_TEMPLATES = ("ch_base.html", "ch_index.html", "ch_case.html", "ch_members.html", "ch_macros.html",
                           "ch_digest.html", "ch_digest_body.html", "ch_digest.xml", "ch_feed.xml")
CLEARINGHOUSE_PYTHON = ROOT / "web" / "clearinghouse.py"


def _template_msgids(path: Path) -> set[str]:
    found = set()
    for match in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
        found.add(ast.literal_eval(match.group(1)))
    return found


def _python_msgids(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else (
                node.func.attr if isinstance(node.func, ast.Attribute) else "")
            args = node.args
            literal = bool(args) and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
            message = name in MESSAGE_CLASSES and path.name != "auth.py" and literal and "{" not in args[0].value
            if (name == "t" and literal) or message:
                found.add(args[0].value)
            elif name == "LoginResult" and len(args) > 1 and isinstance(args[1], ast.Constant):
                found.add(args[1].value)
            elif name == "LoginResult":
                for kw in node.keywords:
                    if kw.arg == "error" and isinstance(kw.value, ast.Constant):
                        found.add(kw.value.value)
    return found


def vocab_msgids() -> set[str]:
    found: set[str] = set()
    for name, table in vocab.ALL.items():
        if name == "COUNTRIES":
            continue  # country names come from CLDR (Babel)
        for code in table:
            found.add(vocab.label(table, code))
    for code in vocab.CATEGORIES:
        found.add(vocab.CATEGORIES[code].description)
    for code in vocab.PHRASES:  # the fixed phrases of a Note, in each language of the alert
        found.add(vocab.label(vocab.PHRASES, code))
    return found


def extract() -> tuple[set[str], set[str]]:
    """(every msgid, the msgids of the public pages)."""
    from node.web import clearinghouse
    from node.webui import forms, views_joint, web

    public: set[str] = set(DYNAMIC_PUBLIC) | vocab_msgids() | set(clearinghouse.DYNAMIC)
    for name in (*PUBLIC_TEMPLATES, *CLEARINGHOUSE_TEMPLATES):
        public |= _template_msgids(TEMPLATES / name)
    for path in (*PUBLIC_PYTHON, CLEARINGHOUSE_PYTHON):
        public |= _python_msgids(path)
    everything = set(public) | set(DYNAMIC_ADMIN)
    for path in TEMPLATES.glob("admin_*.html"):
        everything |= _template_msgids(path)
    for path in PYTHON:
        everything |= _python_msgids(path)
    everything |= set(web.MESSAGES.values()) | set(forms.FIELD_LABELS.values()) | set(forms.GROUP_LABELS.values())
    everything |= {msgid for _, msgid in forms._PATTERNS}
    everything |= set(views_joint.FIELD_LABELS.values()) | set(views_joint.MESSAGES)
    for labels in views_joint.LABELS.values():
        everything |= set(labels.values())
    everything.discard("")
    return everything, public


HEADER = """\
# Interface strings of aan (Action Alert Network node).
# This file is distributed under the same license as the aan project (AGPL-3.0-or-later).
# Regenerate with: python -m node.webui.catalog
#"""
_DATES = re.compile(rb'^"(?:POT-Creation-Date|PO-Revision-Date): .*\n', re.M)


def template_catalog(msgids: set[str]):
    """The ``.pot`` catalog of ``msgids``."""
    from babel.messages.catalog import Catalog

    template = Catalog(domain=DOMAIN, header_comment=HEADER, project="aan", version=_version(), charset="utf-8")
    for msgid in sorted(msgids):
        template.add(msgid)
    return template


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aan")
    except PackageNotFoundError:
        return None


def read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        return read_po(source, domain=DOMAIN)


def write(path: Path, catalog) -> bool:
    """Write ``catalog`` to ``path`` unless only its dates would change; True if written."""
    from babel.messages.pofile import write_po

    buffer = io.BytesIO()
    write_po(buffer, catalog, no_location=True, sort_output=True)
    text = buffer.getvalue()
    if path.exists() and _DATES.sub(b"", path.read_bytes()) == _DATES.sub(b"", text):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)
    return True


def translated(catalog) -> dict[str, str]:
    """msgid -> translation of ``catalog``'s usable entries (translated, not fuzzy, not obsolete)."""
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def languages(directory: Path = LOCALES_DIR) -> list[str]:
    return sorted(path.parent.parent.name for path in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update(directory: Path = LOCALES_DIR) -> dict[str, list[str]]:
    """Rewrite the ``.pot`` of ``directory``, merge it into its ``.po`` files; what each language lacks."""
    everything, public = extract()
    template = template_catalog(everything)
    write(directory / TEMPLATE.name, template)
    report = {}
    for lang in languages(directory):
        catalog = read(po_path(lang, directory))
        catalog.update(template)
        write(po_path(lang, directory), catalog)
        needed = public if lang == "ar" else everything  # Arabic: the public pages
        report[lang] = sorted(needed - set(translated(catalog)))
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m node.webui.catalog [LOCALES_DIR]``: update the catalogs, list what is missing."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and not Path(args[0]).is_dir()):
        print("usage: python -m node.webui.catalog [LOCALES_DIR]  (default: node/locales)", file=sys.stderr)
        return 2
    for lang, missing in update(Path(args[0]) if args else LOCALES_DIR).items():
        print(f"{lang}: {len(missing)} missing", file=sys.stderr)
        for msgid in missing:
            print(f"  {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
