"""Joint actions in the staff interface: propose (with translations and a Mastodon preview), list,
answer an invitation (sign, decline, withdraw) and follow one of ours (invitees, deliveries,
signatures, close, edit).

Every use case is a function of :mod:`node.services.joint`, the same ones ``aan joint`` calls:
the form's fields are checked by :func:`~node.services.joint.check_proposal`, as a file's front
matter is. Signing, declining and withdrawing speak in the organisation's name: administrators
may, and editors given the right (:func:`node.services.users.may_sign`).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from node import errors, i18n
from node.render import markdown_to_page_html
from node.services import joint, profile, users
from node.webui.web import TEMPLATES, redirect, render, staff, translator

MAX_ROWS = 50
_ADDRESSEE_RE = re.compile(r"^addressee-(\d{1,2})-(name|role|contact)$")
_TR_RE = re.compile(r"^tr-([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,3})?)-(title|text)$")
ANSWERS = {"sign": "joint_signed", "decline": "joint_declined", "withdraw": "joint_withdrawn", "close": "joint_closed"}

# Field labels and the fixed messages of node.services.joint.check_proposal, shown translated.
FIELD_LABELS = {
    "title": "Title of the statement", "language": "Language", "body": "Text of the statement", "addressed_to": "Addressed to",
    "asks": "What the signatories ask for", "deadline": "Signatures until", "about": "About (web address)",
    "invite": "Invite", "translations": "Translations", "type": "Type", "name": "Name", "role": "Role",
    "contact": "Contact", "text": "Text",
}
MESSAGES = (
    "missing", "must be text", "must be a single line of at most 512 characters",
    "expected a BCP 47 tag such as 'en' or 'pt-BR'", "missing (what the signatories ask for)",
    "expected YYYY-MM-DD or an ISO 8601 date and time", "is already past",
    "expected an http or https URL of an alert or a case",
    "missing (user@host handles, actor URLs and/or 'network')",
    "missing (write the letter after the closing '---' line)",
    "missing (whom the statement is addressed to: name, role, contact)",
    "repeats the statement's own language", "'network': this node is not a member of a Clearing House",
)

STATE_LABELS = {"open": "Open", "closed": "Closed", "invited": "Invited", "signed": "Signed", "declined": "Declined",
                "withdrawn": "Withdrawn", "refused": "Signature refused"}
REFUSAL_LABELS = {"closed": "the statement was closed", "deadline": "past the deadline",
                  "outdated": "the text had changed", "refused": "refused"}
DELIVERY_LABELS = {"pending": "Pending delivery", "failed": "Delivery failed", "delivered": "Delivered",
                   "unknown": "Not sent by us"}
LABELS = {"state_labels": STATE_LABELS, "refusal_labels": REFUSAL_LABELS, "delivery_labels": DELIVERY_LABELS}


# --- the form ----------------------------------------------------------------------------------

def _text(value: Any, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.rstrip() if multiline else value.strip()


def _lines(value: Any) -> list[str]:
    return [line.strip() for line in _text(value, multiline=True).split("\n") if line.strip()]


def parse_form(form) -> tuple[dict[str, Any], str]:
    """(front matter fields, letter) of the posted form, as typed (rows left empty are dropped)."""
    rows: dict[int, dict[str, str]] = {}
    translations: dict[str, dict[str, str]] = {}
    for key in form:
        if match := _ADDRESSEE_RE.match(key):
            if int(match.group(1)) < MAX_ROWS:
                rows.setdefault(int(match.group(1)), {})[match.group(2)] = _text(form.get(key))
        elif match := _TR_RE.match(key):
            translations.setdefault(match.group(1), {})[match.group(2)] = _text(
                form.get(key), multiline=match.group(2) == "text")
    addressees = []
    for _, row in sorted(rows.items()):
        if any(row.values()):
            addressees.append({k: v for k, v in row.items() if v})
    invite = [item for item in _lines(form.get("invite")) if item != "network"]
    if form.get("network"):
        invite.append("network")
    data = {
        "type": "joint_action", "title": _text(form.get("title")), "language": _text(form.get("language")),
        "addressed_to": addressees, "asks": _lines(form.get("asks")), "deadline": _text(form.get("deadline")),
        "about": _text(form.get("about")), "invite": invite,
        "translations": {lang: {"title": v.get("title", ""), "text": v.get("text", "")}
                         for lang, v in translations.items()},
    }
    return data, _text(form.get("text"), multiline=True)


def field_id(path: str) -> str | None:
    if m := re.match(r"^addressed_to\[(\d+)\](?:\.(\w+))?", path):
        return f"addressee-{m.group(1)}-{m.group(2) if m.group(2) in ('name', 'role', 'contact') else 'name'}"
    if path == "addressed_to":
        return "addressee-0-name"
    if m := re.match(r"^translations\.([^.]+)\.(title|text)$", path):
        return f"tr-{m.group(1)}-{m.group(2)}"
    if m := re.match(r"^translations\.([^.]+)", path):
        return f"tr-{m.group(1)}-title"
    if path == "body":
        return "f-text"
    if path in ("title", "language", "asks", "deadline", "about", "invite"):
        return f"f-{path}"
    return None


_ORDER = ("type", "title", "language", "body", "addressed_to", "asks", "deadline", "about", "invite", "translations")


def _position(path: str) -> tuple:
    top = re.split(r"[.\[]", path, maxsplit=1)[0]
    index = re.search(r"\[(\d+)\]", path)
    return (_ORDER.index(top) if top in _ORDER else len(_ORDER), int(index.group(1)) if index else -1, path)


def _label(path: str, t) -> str:
    parts = []
    if m := re.match(r"^addressed_to\[(\d+)\](?:\.(\w+))?", path):
        parts.append(t("Addressee {n}", n=int(m.group(1)) + 1))
        if m.group(2) in FIELD_LABELS:
            parts.append(t(FIELD_LABELS[m.group(2)]))
    elif m := re.match(r"^translations\.([^.]+)(?:\.(\w+))?", path):
        parts.append(t("Translation: {language}", language=t.language_name(m.group(1))))
        if m.group(2) in FIELD_LABELS:
            parts.append(t(FIELD_LABELS[m.group(2)]))
    else:
        parts.append(t(FIELD_LABELS[path]) if path in FIELD_LABELS else path)
    return " — ".join(parts)


def explain(exc: errors.Invalid, t) -> list[tuple[str, str | None]]:
    """Every problem of a refused proposal as (message in the author's language, field id), in form order."""
    problems = exc.fields or {"": exc.detail}
    out = []
    for path in sorted(problems, key=_position):
        message = "missing" if path == "body" else problems[path]  # the file's wording speaks of '---' lines
        shown = t(message) if message in MESSAGES else message
        out.append((t("{field}: {message}", field=_label(path, t), message=shown) if path else shown, field_id(path)))
    return out


async def _languages(data: dict[str, Any]) -> list[str]:
    tags = await profile.languages()
    for tag in [data.get("language"), *(data.get("translations") or {})]:
        if tag and tag not in tags and i18n.valid_language_tag(tag):
            tags.append(tag)
    return tags


def _preview(request: Request, data: dict[str, Any], letter: str) -> list[dict[str, Any]]:
    """The statement as a Mastodon timeline shows it: one toot per language of ``contentMap``."""
    note = joint.preview(request.app.state.node, data, letter)
    return [{"lang": lang, "name": i18n.native_language_name(lang), "dir": i18n.text_direction(lang),
             "html": Markup(html)} for lang, html in note["contentMap"].items()]


async def _form(request: Request, t, data: dict[str, Any], letter: str, *, row=None, status_code: int = 200,
                problems: list[tuple[str, str | None]] | None = None, focus: str | None = None) -> Response:
    shown_rows = [dict(a) for a in data.get("addressed_to") or []] + [{}]
    invite = [i for i in data.get("invite") or [] if i != "network"]
    languages = await _languages(data)
    translations = data.get("translations") or {}
    return render(
        request, "admin_joint_form.html", status_code, t=t, nav="joint", data=data, letter=letter, row=row,
        addressees=shown_rows, invite_text="\n".join(invite), network="network" in (data.get("invite") or []),
        errors=problems or [], error_map={f: m for m, f in problems or [] if f}, focus=focus,
        languages=[(tag, t.language_name(tag)) for tag in languages],
        translation_choices=[(tag, t.language_name(tag)) for tag in languages
                             if tag != data.get("language") and tag not in translations],
        preview=_preview(request, data, letter), rtl=i18n.RTL_LANGUAGES,
        action_url=f"/admin/joint/{row.id}/edit" if row else "/admin/joint/new")


def _form_action(data: dict[str, Any], form) -> tuple[str, str | None]:
    """Apply the no-JavaScript buttons (add a translation, remove one); (action, field to focus)."""
    action = str(form.get("action") or "preview")
    focus = None
    if action == "add_translation":
        lang = str(form.get("new_translation") or "").strip()
        if i18n.valid_language_tag(lang) and lang != data.get("language"):
            data["translations"].setdefault(lang, {"title": "", "text": ""})
            focus = f"tr-{lang}-title"
    elif action.startswith("remove_translation:"):
        data["translations"].pop(action.split(":", 1)[1], None)
    elif action == "add_addressee":
        focus = f"addressee-{len(data['addressed_to'])}-name"
    return action, focus


@staff()
async def propose_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    if request.method == "GET":
        languages = await profile.languages()
        data = {"type": "joint_action", "title": "", "language": languages[0], "addressed_to": [], "asks": [],
                "deadline": "", "about": request.query_params.get("about", ""), "invite": [], "translations": {}}
        return await _form(request, t, data, "")
    data, letter = parse_form(request.state.form)
    action, focus = _form_action(data, request.state.form)
    if action != "propose":
        return await _form(request, t, data, letter, focus=focus)
    try:
        proposal = await joint.check(node, data, letter)  # every problem, the invitees looked up too
        row = await joint.propose(node, proposal)
    except joint.ProposalError as exc:
        return await _form(request, t, data, letter, status_code=422, problems=explain(exc, t))
    return redirect(request, f"/admin/joint/{row.id}", "joint_proposed")


@staff(json=True)
async def preview_endpoint(request: Request) -> Response:
    """The preview panel for the posted form (the live preview of admin.js)."""
    t = translator(request)
    node = request.app.state.node
    data, letter = parse_form(request.state.form)
    html = TEMPLATES.get_template("admin_joint_preview.html").render(
        t=t, preview=_preview(request, data, letter), node=node.config, urls=node.urls, org=node.org)
    return HTMLResponse(html)


@staff()
async def edit_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    try:
        row = await joint.get_action(node, request.path_params["action_id"], own=True)
    except (errors.NotFound, errors.Conflict):
        return _not_found(request, t)
    if request.method == "GET":
        data, letter = joint.proposal_data(row)
        return await _form(request, t, data, letter, row=row)
    data, letter = parse_form(request.state.form)
    data["invite"] = list(row.invite or [])  # invitations stand (as with aan joint edit)
    action, focus = _form_action(data, request.state.form)
    if action != "propose":
        return await _form(request, t, data, letter, row=row, focus=focus)
    try:
        await joint.edit(node, row.id, joint.check_proposal(data, letter))
    except joint.ProposalError as exc:
        return await _form(request, t, data, letter, row=row, status_code=422, problems=explain(exc, t))
    return redirect(request, f"/admin/joint/{row.id}", "joint_edited")


# --- list and pages ----------------------------------------------------------------------------

@staff()
async def list_endpoint(request: Request) -> Response:
    t = translator(request)
    items = await joint.list_actions(request.app.state.node)
    own = [i for i in items if i.action.own]
    received = [i for i in items if not i.action.own and i.action.state != "network"]
    return render(request, "admin_joint_list.html", t=t, nav="joint", own=list(reversed(own)),
                  received=list(reversed(received)), **LABELS)


def _not_found(request: Request, t) -> Response:
    return render(request, "admin_message.html", 404, t=t, title=t("Not found"),
                  message=t("There is no such joint action."))


@staff()
async def action_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    try:
        row = await joint.get_action(node, request.path_params["action_id"])
    except errors.NotFound:
        return _not_found(request, t)
    may_sign = users.may_sign(request.state.user)
    if row.own:
        current, earlier = await joint.signatures(node, row)
        return render(request, "admin_joint_status.html", t=t, nav="joint", row=row,
                      open=joint.is_open(row), invitees=await joint.invitee_statuses(node, row),
                      current=current, earlier=earlier, signature_url=node.urls.joint_signature,
                      text_html=Markup(markdown_to_page_html(row.text)), **LABELS)
    if row.state == "network":
        return _not_found(request, t)
    found = await joint.received(node, row.id)
    return render(request, "admin_joint_invitation.html", t=t, nav="joint", row=row, item=found,
                  may_sign=may_sign, text_html=Markup(markdown_to_page_html(row.text)),
                  versions=[(lang, t.language_name(lang), v.get("title", ""),
                             Markup(markdown_to_page_html(str(v.get("text") or ""))), i18n.text_direction(lang))
                            for lang, v in (row.translations or {}).items() if isinstance(v, dict)], **LABELS)


@staff()
async def answer_endpoint(request: Request) -> Response:
    """Sign, decline or withdraw (an invitation we received), or close (one of ours)."""
    t = translator(request)
    node = request.app.state.node
    answer = request.path_params["answer"]
    if answer not in ANSWERS:
        return _not_found(request, t)
    if answer != "close" and not users.may_sign(request.state.user):
        return render(request, "admin_message.html", 403, t=t, title=t("Not allowed"),
                      message=t("Only administrators, and editors given the right, can sign, decline or "
                                "withdraw in the organisation's name."))
    action_id = request.path_params["action_id"]
    try:
        row = await getattr(joint, answer)(node, action_id)
    except errors.NotFound:
        return _not_found(request, t)
    except errors.Conflict:
        return render(request, "admin_message.html", 409, t=t, title=t("Not possible now"),
                      message=t("This joint action is not in a state that allows this (it may have been "
                                "answered or closed meanwhile). Reload its page."))
    except errors.RemoteFailure:
        return render(request, "admin_message.html", 502, t=t, title=t("Not possible now"),
                      message=t("The proposer's server could not be reached. Try again later."))
    return redirect(request, f"/admin/joint/{row.id}", ANSWERS[answer])


__all__ = ["preview_endpoint", "propose_endpoint", "edit_endpoint", "list_endpoint", "action_endpoint", "answer_endpoint"]
