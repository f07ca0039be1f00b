"""Which interface strings exist: extracted from templates and code, for the catalogs and their test.

``python -m node.webui.catalog`` rewrites ``locales/en.json`` (every msgid,
mapped to itself) and lists, per language, the strings still to translate:
English and French must be complete, Arabic must cover the public pages
(``tests/test_webui_i18n.py`` checks both).
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

from node import vocab
from node.webui.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "web" / "templates"
PUBLIC_TEMPLATES = ("base.html", "alert.html", "index.html", "profile.html", "message.html",
                    "webui_alert_article.html", "webui_follow_form.html", "webui_remote_follow.html", "webui_case.html")
PYTHON = [ROOT / "webui" / name for name in ("views_auth.py", "views_compose.py", "views_alerts.py", "web.py",
                                            "public.py", "forms.py", "media.py", "publishing.py", "auth.py")]
PUBLIC_PYTHON = [ROOT / "webui" / "public.py"]
_TEMPLATE_CALL = re.compile(r"""\bt\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')""")
# Strings that templates pass through t() indirectly (a variable or a lookup).
DYNAMIC_ADMIN = ("Delivered", "Pending", "Retrying", "Failed", "Waiting for moderation", "Shown on the public page",
                 "Hidden", "Publication", "Update sent", "Deletion sent")
DYNAMIC_PUBLIC = ("Not found", "There is no such alert.", "Alert withdrawn", "This alert was deleted by its publisher.",
                  "No such account.")
MESSAGE_CLASSES = {"MediaError", "PublishError", "AuthError"}


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
    from node.webui import forms, web

    public: set[str] = set(DYNAMIC_PUBLIC) | vocab_msgids()
    for name in PUBLIC_TEMPLATES:
        public |= _template_msgids(TEMPLATES / name)
    for path in PUBLIC_PYTHON:
        public |= _python_msgids(path)
    everything = set(public) | set(DYNAMIC_ADMIN)
    for path in TEMPLATES.glob("admin_*.html"):
        everything |= _template_msgids(path)
    for path in PYTHON:
        everything |= _python_msgids(path)
    everything |= set(web.MESSAGES.values()) | set(forms.FIELD_LABELS.values()) | set(forms.GROUP_LABELS.values())
    everything |= {msgid for _, msgid in forms._PATTERNS}
    everything.discard("")
    return everything, public


def main() -> int:
    everything, public = extract()
    (LOCALES_DIR / "en.json").write_text(
        json.dumps({m: m for m in sorted(everything)}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for lang, needed in (("fr", everything), ("ar", public)):
        path = LOCALES_DIR / f"{lang}.json"
        have = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        missing = sorted(needed - set(have))
        print(f"{lang}: {len(missing)} missing", file=sys.stderr)
        for msgid in missing:
            print(f"  {msgid!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
