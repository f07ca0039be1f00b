"""The composer's form: HTML fields <-> the draft's data <-> an :class:`~node.alerts.Alert`.

A draft keeps what the author typed, complete or not (``Draft.data["alert"]``
has the shape of ``Alert.to_dict()`` with raw strings). Only publishing and
scheduling need a valid alert: :func:`~node.services.drafts.alert_input` drops empty rows and
turns the draft into the dict ``Alert.from_dict`` validates, and
:func:`explain` turns the one-line :class:`~node.alerts.AlertError` into a
message in the author's language plus the id of the field to fix.

Field names: ``headline``, ``summary``, … for single fields;
``target-<i>-name`` (``kind``, ``profession``, ``aliases``),
``authority-<i>-<field>``, ``source-<i>-<field>`` for repeated groups;
``tr-<lang>-<field>`` for translations; ``categories`` and ``act_types``
repeated checkboxes; ``asks`` one request per line.
"""

from __future__ import annotations

import re
from typing import Any

from node.alerts import AlertError
from node.services.drafts import (  # the draft data <-> Alert part is the drafts service's
    AUTHORITY_FIELDS,
    TEXT_FIELDS,
    TRANSLATION_FIELDS,
    error_path,
)

SOURCE_FIELDS = ("title", "url")
MAX_ROWS = 50
_ROW_RE = re.compile(r"^(target|authority|source)-(\d{1,3})-([a-z_]+)$")
_TR_RE = re.compile(r"^tr-([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,3})?)-([a-z_]+)$")


def _text(value: Any, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.rstrip() if multiline else value.strip()


def empty_alert(language: str = "en") -> dict[str, Any]:
    return {"type": "alert", "headline": "", "summary": "", "body": "", "language": language,
            "translations": {}, "country": "", "incident_date": "", "incident_date_precision": "",
            "categories": [], "act_types": [], "targets": [], "perpetrator_type": "",
            "recommended_action": {"asks": [], "authorities": [], "deadline": ""}, "sources": [],
            "content_warning": "", "case": "", "follows": ""}


def parse_form(form) -> dict[str, Any]:
    """The composer's submitted fields as draft data (nothing validated, nothing dropped)."""
    data = empty_alert()
    for name in TEXT_FIELDS:
        data[name] = _text(form.get(name), multiline=name == "body")
    data["type"] = data["type"] or "alert"
    data["categories"] = [c for c in form.getlist("categories") if isinstance(c, str)]
    data["act_types"] = [c for c in form.getlist("act_types") if isinstance(c, str)]
    rows: dict[str, dict[int, dict[str, str]]] = {"target": {}, "authority": {}, "source": {}}
    translations: dict[str, dict[str, str]] = {}
    for key in form:
        if match := _ROW_RE.match(key):
            group, index, field = match.group(1), int(match.group(2)), match.group(3)
            if index < MAX_ROWS:
                rows[group].setdefault(index, {})[field] = _text(form.get(key), multiline=field == "address")
        elif match := _TR_RE.match(key):
            lang, field = match.group(1), match.group(2)
            if field in TRANSLATION_FIELDS:
                translations.setdefault(lang, {})[field] = _text(form.get(key), multiline=field == "body")
    data["targets"] = [
        {"name": r.get("name", ""), "kind": r.get("kind", ""), "profession": r.get("profession", ""),
         "aliases": [a.strip() for a in r.get("aliases", "").split(",") if a.strip()]}
        for _, r in sorted(rows["target"].items())
    ]
    data["recommended_action"] = {
        "asks": [line.strip() for line in _text(form.get("asks"), multiline=True).split("\n") if line.strip()],
        "authorities": [{f: r.get(f, "") for f in AUTHORITY_FIELDS} for _, r in sorted(rows["authority"].items())],
        "deadline": _text(form.get("deadline")),
    }
    data["sources"] = [{f: r.get(f, "") for f in SOURCE_FIELDS} for _, r in sorted(rows["source"].items())]
    data["translations"] = {lang: {f: fields.get(f, "") for f in TRANSLATION_FIELDS}
                            for lang, fields in translations.items()}
    return data


def add_row(data: dict[str, Any], group: str) -> None:
    """One more empty row in a repeated group (the no-JavaScript "add another" buttons)."""
    if group == "target":
        data["targets"].append({"name": "", "kind": "", "profession": "", "aliases": []})
    elif group == "authority":
        data["recommended_action"]["authorities"].append({f: "" for f in AUTHORITY_FIELDS})
    elif group == "source":
        data["sources"].append({f: "" for f in SOURCE_FIELDS})


# --- explaining validation errors ------------------------------------------------------------------

FIELD_LABELS = {
    "type": "Type of alert", "headline": "Headline", "summary": "Summary", "body": "Text of the alert",
    "language": "Language", "country": "Country", "incident_date": "Date of the incident",
    "incident_date_precision": "How precise is the date?", "categories": "Categories",
    "act_types": "What happened", "perpetrator_type": "Alleged perpetrator",
    "content_warning": "Content warning", "case": "Case (web address)",
    "follows": "Follows the alert (web address)", "asks": "What should readers ask for?",
    "deadline": "Act before", "name": "Name", "kind": "Kind", "profession": "Profession",
    "aliases": "Other spellings", "title": "Title", "institution": "Institution", "address": "Postal address",
    "email": "E-mail", "fax": "Fax", "url": "Web address", "authorities": "Whom to write to",
    "sources": "Sources", "targets": "Who was targeted", "translations": "Translations",
}
GROUP_LABELS = {"targets": "Target {n}", "authorities": "Authority {n}", "sources": "Source {n}"}
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(?:missing field|field '[^']+' is empty)"), "This field is required: {field}."),
    (re.compile(r"needs at least one category"), "Choose at least one category."),
    (re.compile(r"^invalid URL"), "Enter a web address starting with http:// or https:// in: {field}."),
    (re.compile(r"^invalid incident_date"), "Enter the date as YYYY, YYYY-MM or YYYY-MM-DD: {field}."),
    (re.compile(r"^invalid date"), "Enter a real date as YYYY-MM-DD: {field}."),
    (re.compile(r"^invalid email"), "Enter a valid e-mail address: {field}."),
    (re.compile(r"needs a name or an institution"), "Give a name or an institution: {field}."),
    (re.compile(r"must be a single line"), "Keep this to a single line: {field}."),
    (re.compile(r"^an alert of type 'update' needs"),
     "An update needs the alert it follows or the case it belongs to."),
    (re.compile(r"does not fit incident_date"), "The date precision does not fit the date given."),
    (re.compile(r"content_warning' is set but the alert has no"),
     "A translated content warning needs a content warning in the original language."),
    (re.compile(r"^unknown country"), "Choose a country from the list."),
    (re.compile(r"^invalid language"), "Choose a language from the list: {field}."),
    (re.compile(r"repeats the alert's own language"), "A translation cannot be in the alert's own language."),
]


def field_id(path: str | None) -> str | None:
    """The id of the input that holds ``path`` (an AlertError field path)."""
    if not path:
        return None
    if m := re.match(r"^targets\[(\d+)\](?:\.(\w+))?", path):
        return f"target-{m.group(1)}-{m.group(2) or 'name'}"
    if m := re.match(r"^recommended_action\.authorities\[(\d+)\](?:\.(\w+))?", path):
        return f"authority-{m.group(1)}-{m.group(2) or 'name'}"
    if m := re.match(r"^sources\[(\d+)\](?:\.(\w+))?", path):
        return f"source-{m.group(1)}-{m.group(2) or 'title'}"
    if m := re.match(r"^translations\.([^.]+)\.(\w+)", path):
        return f"tr-{m.group(1)}-{m.group(2)}"
    if path.startswith("recommended_action."):
        return f"f-{path.split('.', 1)[1].split('.')[0].split('[')[0]}"
    if path == "recommended_action":
        return "f-asks"
    return f"f-{path.split('.')[0].split('[')[0]}"


def field_label(path: str, t) -> str:
    parts = []
    for piece in path.split("."):
        m = re.match(r"^(\w+)\[(\d+)\]$", piece)
        if m and m.group(1) in GROUP_LABELS:
            parts.append(t(GROUP_LABELS[m.group(1)], n=int(m.group(2)) + 1))
        elif piece == "recommended_action":
            continue
        elif piece in FIELD_LABELS:
            parts.append(t(FIELD_LABELS[piece]))
        elif re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$", piece) and path.startswith("translations"):
            parts.append(t.language_name(piece))
    return " — ".join(parts) or path


def explain(error: AlertError | str, t) -> tuple[str, str | None]:
    """(message in the author's language, id of the field to fix or None)."""
    message = str(error)
    path = error_path(message)
    label = field_label(path, t) if path else ""
    for pattern, msgid in _PATTERNS:
        if pattern.search(message):
            return t(msgid, field=label), field_id(path)
    return message, field_id(path)


FORM_ORDER = ("type", "language", "headline", "summary", "body", "content_warning", "categories", "act_types",
              "country", "incident_date", "incident_date_precision", "targets", "perpetrator_type",
              "recommended_action", "sources", "case", "follows", "translations")
"""The composer's fields from top to bottom (the order its errors are listed in)."""
_SUB_ORDER = ("asks", "authorities", "deadline", "name", "kind", "profession", "aliases", "title",
              "institution", "address", "email", "fax", "url", "headline", "summary", "body", "content_warning")
_PATH_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def _form_position(path: str) -> tuple:
    parts = _PATH_PART.findall(path)
    if not parts:
        return (len(FORM_ORDER),)
    top = parts[0][1]
    key: list[int] = [FORM_ORDER.index(top) if top in FORM_ORDER else len(FORM_ORDER)]
    for index, name in parts[1:]:
        key.append(int(index) if index else (_SUB_ORDER.index(name) if name in _SUB_ORDER else 0))
    return tuple(key)


def explain_all(error: AlertError, t) -> list[tuple[str, str | None]]:
    """Every problem of ``error`` (its ``fields``, else its text) as (message, field id), in form order."""
    problems = error.fields or {error_path(str(error)) or "": str(error)}
    return [explain(problems[path], t) for path in sorted(problems, key=_form_position)]
