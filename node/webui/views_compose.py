"""The composer: write, translate, illustrate, preview, check for duplicates, publish or schedule.

Everything works with plain form posts (each button is ``name="action"``);
``admin.js`` adds autosave and a live preview on top, through the same
server code (``/admin/compose/autosave``, ``/admin/drafts/<id>/autosave``,
``/admin/preview``).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from node import i18n, vocab
from node.activitypub import outbox
from node.activitypub.notes import alert_to_note
from node.alerts import Alert, AlertError
from node.render import alert_view, markdown_to_page_html
from node.services import drafts as publishing
from node.services import profile
from node.services.media import (
    ACCEPT,
    MAX_ATTACHMENTS,
    MediaError,
    attachment,
    clean_alt,
    describe,
    remove_from_draft,
    staff_file,
    store_upload,
)
from node.storage.models import Alert as AlertRow
from node.storage.models import Draft, Media
from node.webui import duplicates, forms
from node.webui.web import TEMPLATES, redirect, render, staff, translator

ROW_GROUPS = ("target", "authority", "source")
REQUIRED = ("headline", "summary", "body", "categories", "country", "incident_date")  # in form order


# --- context -----------------------------------------------------------------------------------------

def _act_type_groups(t) -> list[dict]:
    groups = []
    for category in vocab.CATEGORIES:
        codes = [c for c, act in vocab.ACT_TYPES.items() if act.parent == category]
        groups.append({"category": category, "label": t.vocab("CATEGORIES", category),
                       "acts": [(c, t.vocab("ACT_TYPES", c)) for c in codes]})
    groups.append({"category": "", "label": t("Any category"),
                   "acts": [(c, t.vocab("ACT_TYPES", c)) for c, act in vocab.ACT_TYPES.items() if act.parent is None]})
    return groups


async def _languages(data: dict) -> list[str]:
    tags = await profile.languages()
    for tag in [data.get("language"), *(data.get("translations") or {})]:
        if tag and tag not in tags and i18n.valid_language_tag(tag):
            tags.append(tag)
    return tags


def _local_time(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(zone)).strftime("%Y-%m-%dT%H:%M")


def _zone(name: str):
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return UTC


async def build_preview(node, t, data: dict, media: list[Media], *, exclude: set[str]) -> dict:
    """What the alert will look like on Mastodon and on the web page, and possible duplicates."""
    result: dict = {"error": None, "mastodon": None, "web": None, "partial": None}
    attachments = [attachment(f"/admin/media/{m.id}", m) for m in media]
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        alert = publishing.build_alert(data)
    except AlertError as exc:
        missing = [t(forms.FIELD_LABELS[name]) for name in REQUIRED if not data.get(name)]
        result["error"] = ", ".join(missing) if missing else forms.explain(exc, t)[0]
        body = data.get("body") or ""
        result["partial"] = {"headline": data.get("headline") or "", "summary": data.get("summary") or "",
                             "body_html": Markup(markdown_to_page_html(body)) if body.strip() else ""}
    else:
        note = alert_to_note(alert, urls=node.urls, username=node.org.username, alert_id="preview",
                             published=now, attachments=attachments)
        warnings = note.get("summaryMap") or {}
        result["mastodon"] = {
            "versions": [{"lang": lang, "name": i18n.native_language_name(lang), "dir": i18n.text_direction(lang),
                          "cw": warnings.get(lang), "html": Markup(html)}
                         for lang, html in note["contentMap"].items()],
            "attachments": note["attachment"],
            "tags": [tag["name"] for tag in note["tag"]],
        }
        result["web"] = alert_view(alert, url="#", ui=t, published=now, attachments=attachments)
    result["duplicates"] = await duplicates.find(node, data, exclude=exclude)
    return result


async def _exclusions(node, draft: Draft | None) -> set[str]:
    return {node.urls.alert(draft.alert_id)} if draft and draft.alert_id else set()


async def composer(request: Request, t, draft: Draft | None, data: dict, *, status_code: int = 200,
                   errors: list[tuple[str, str | None]] | None = None, preview: dict | None = None,
                   show_duplicate_warning: bool = False, focus: str | None = None) -> Response:
    node = request.app.state.node
    media = await publishing.draft_media(draft.id) if draft else []
    if preview is None:
        preview = await build_preview(node, t, data, media, exclude=await _exclusions(node, draft))
    shown = copy.deepcopy(data)
    for group, key in (("target", "targets"), ("source", "sources")):
        if not shown[key]:
            forms.add_row(shown, group)
    if not shown["recommended_action"]["authorities"]:
        forms.add_row(shown, "authority")
    zone = await profile.timezone()
    languages = await _languages(data)
    error_map = {field: message for message, field in errors or [] if field}
    editing = bool(draft and draft.alert_id)
    return render(
        request, "admin_compose.html", status_code, t=t, nav="compose", draft=draft, data=shown, media=media,
        editing=editing, preview=preview, errors=errors or [], error_map=error_map, focus=focus,
        show_duplicate_warning=show_duplicate_warning,
        languages=[(tag, t.language_name(tag)) for tag in languages],
        translation_choices=[(tag, t.language_name(tag)) for tag in languages
                             if tag != data.get("language") and tag not in (data.get("translations") or {})],
        choices={name: t.choices(name) for name in ("ALERT_TYPES", "CATEGORIES", "COUNTRIES", "TARGET_KINDS",
                                                    "PROFESSIONS", "PERPETRATOR_TYPES", "DATE_PRECISIONS")},
        act_type_groups=_act_type_groups(t), accept=ACCEPT, max_images=MAX_ATTACHMENTS,
        timezone=zone, scheduled_local=_local_time(draft.scheduled_for if draft else None, zone),
        schedule_error=(draft.data or {}).get("schedule_error") if draft else None,
        action_url=f"/admin/drafts/{draft.id}" if draft else "/admin/compose",
        rtl=i18n.RTL_LANGUAGES,
    )


# --- new alerts ----------------------------------------------------------------------------------------

async def _prefill_update(node, alert_id: str) -> dict | None:
    """"Update on this case": a new alert that follows ``alert_id``, with the case's fields."""
    row = await AlertRow.filter(id=alert_id, deleted_at=None).first()
    if row is None:
        return None
    earlier = Alert.from_dict(row.data)
    data = forms.empty_alert(earlier.language)
    data.update({
        "type": "update", "follows": node.urls.alert(row.id), "case": earlier.case or "",
        "country": earlier.country, "incident_date": earlier.incident_date,
        "incident_date_precision": earlier.incident_date_precision, "categories": list(earlier.categories),
        "act_types": list(earlier.act_types), "perpetrator_type": earlier.perpetrator_type or "",
        "targets": [{"name": x.name, "kind": x.kind, "profession": x.profession or "", "aliases": list(x.aliases)}
                    for x in earlier.targets],
    })
    if earlier.recommended_action:
        data["recommended_action"] = publishing.from_alert(earlier)["recommended_action"]
    return data


@staff()
async def compose_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    if request.method == "GET":
        languages = await profile.languages()
        data = forms.empty_alert(languages[0])
        follows = request.query_params.get("follows")
        if follows:
            data = await _prefill_update(node, outbox.alert_id_from(node.urls, follows)) or data
        return await composer(request, t, None, data)
    form = request.state.form
    data = forms.parse_form(form)
    action = str(form.get("action") or "")
    if action.startswith("link:") and await duplicates.known_alert(node, action.split(":", 1)[1]) is None:
        return await _link_refused(request, t, None, data)  # no draft is created
    upload = form.get("new_image")
    if action in ("publish", "schedule") and not (isinstance(upload, UploadFile) and upload.filename):
        try:
            publishing.build_alert(data)
        except AlertError as exc:  # a refused publish leaves no draft behind
            return await composer(request, t, None, data, status_code=422, errors=forms.explain_all(exc, t))
    draft = await publishing.create(node, request.state.user, data)
    return await _act(request, t, draft, form)


@staff(json=True)
async def compose_autosave_endpoint(request: Request) -> Response:
    form = request.state.form
    draft = await publishing.create(request.app.state.node, request.state.user, forms.parse_form(form))
    return JSONResponse({"id": draft.id, "url": f"/admin/drafts/{draft.id}",
                         "autosave": f"/admin/drafts/{draft.id}/autosave", "message": _now_label(request)})


def _now_label(request: Request) -> str:
    t = translator(request)
    return t("Draft saved {date}", date=t.datetime(datetime.now(UTC), "short"))


# --- drafts ------------------------------------------------------------------------------------------

async def _load_draft(request: Request) -> Draft | None:
    return await Draft.filter(id=request.path_params["draft_id"]).first()


@staff()
async def draft_endpoint(request: Request) -> Response:
    t = translator(request)
    draft = await _load_draft(request)
    if draft is None:
        return render(request, "admin_message.html", 404, t=t, title=t("Not found"),
                      message=t("This draft does not exist (it may have been published or discarded)."))
    if draft.state == "published":
        return redirect(request, f"/admin/alerts/{draft.alert_id}" if draft.alert_id else "/admin/alerts")
    if request.method == "GET":
        return await composer(request, t, draft, (draft.data or {}).get("alert") or forms.empty_alert())
    form = request.state.form
    draft.data = {**(draft.data or {}), "alert": forms.parse_form(form)}
    draft.data.pop("schedule_error", None)
    return await _act(request, t, draft, form)


@staff(json=True)
async def draft_autosave_endpoint(request: Request) -> Response:
    draft = await _load_draft(request)
    if draft is None or draft.state == "published":
        return JSONResponse({"error": "this draft is no longer editable"}, status_code=409)
    form = request.state.form
    draft.data = {**(draft.data or {}), "alert": forms.parse_form(form)}
    await draft.save()
    for media in await publishing.draft_media(draft.id):
        if isinstance(alt := form.get(f"media-{media.id}-alt"), str) and clean_alt(alt):  # autosave skips blanks
            await describe(request.app.state.node, media, alt)
    if draft.state == "scheduled":
        await _keep_schedule_valid(request.app.state.node, draft)
    return JSONResponse({"id": draft.id, "message": _now_label(request), "state": draft.state})


async def _keep_schedule_valid(node, draft: Draft) -> bool:
    """A scheduled draft edited into something unpublishable goes back to being a draft."""
    try:
        await publishing.validate(draft)
    except (AlertError, publishing.PublishError):
        await publishing.unschedule(node, draft)
        return False
    return True


async def _apply_media(node, t, draft: Draft, form) -> list[tuple[str, str | None]]:
    errors: list[tuple[str, str | None]] = []
    media = await publishing.draft_media(draft.id)
    for item in media:
        if form.get(f"media-{item.id}-remove"):
            await remove_from_draft(node, item)  # still on the published alert until the changes are saved
            continue
        submitted = form.get(f"media-{item.id}-alt")
        if submitted is None:
            continue
        try:
            await describe(node, item, str(submitted))
        except MediaError as exc:
            errors.append((t(str(exc)), f"media-{item.id}-alt"))
    upload = form.get("new_image")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read()
        remaining = await Media.filter(draft_id=draft.id).count()
        if not raw:
            pass
        elif remaining >= MAX_ATTACHMENTS:
            errors.append((t("An alert can carry at most 4 images."), "f-new-image"))
        elif not clean_alt(form.get("new_image_alt")):
            errors.append((t("Describe the image for people who cannot see it (alt text is required). "
                             "Choose the file again and fill in its description."), "f-new-image-alt"))
        else:
            try:
                await store_upload(node, raw, str(form.get("new_image_alt")), draft_id=draft.id)
            except MediaError as exc:
                errors.append((t(str(exc)), "f-new-image"))
    return errors


def _parse_schedule(value: str, zone: str) -> datetime | None:
    try:
        local = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        try:
            local = datetime.strptime(value.strip(), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return None
    return local.replace(tzinfo=_zone(zone)).astimezone(UTC)


async def _link_to(node, data: dict, url: str) -> bool:
    """Make the draft follow ``url`` (and join its case) instead of starting a new incident.

    Only an alert this node knows (:func:`duplicates.known_alert`: its own, or received from an
    actor it follows) is accepted, with that alert's case; False (and ``data`` untouched) otherwise.
    """
    known = await duplicates.known_alert(node, url)
    if known is None:
        return False
    data["follows"] = known.url
    if known.case:
        data["case"] = known.case
    if data.get("type") in ("alert", "", None):
        data["type"] = "update"
    return True


async def _link_refused(request: Request, t, draft: Draft | None, data: dict) -> Response:
    """"Make mine an update" of something that is not a known alert: a field error, nothing saved."""
    return await composer(request, t, draft, data, status_code=400, errors=[(
        t("This is not an alert this node knows: choose one of the alerts shown under “Already reported?”."),
        "f-follows")])


async def _act(request: Request, t, draft: Draft, form) -> Response:
    node = request.app.state.node
    action = str(form.get("action") or "save")
    data = draft.data["alert"]
    focus = None
    if action.startswith("add_") and action[4:] in ROW_GROUPS:
        forms.add_row(data, action[4:])
        key = {"target": "targets", "authority": "authorities", "source": "sources"}[action[4:]]
        rows = data["recommended_action"]["authorities"] if key == "authorities" else data[key]
        focus = f"{action[4:]}-{len(rows) - 1}-{'title' if key == 'sources' else 'name'}"
    elif action == "add_translation":
        lang = str(form.get("new_translation") or "").strip()
        if i18n.valid_language_tag(lang) and lang != data.get("language"):
            data["translations"].setdefault(lang, {f: "" for f in forms.TRANSLATION_FIELDS})
            focus = f"tr-{lang}-headline"
    elif action.startswith("remove_translation:"):
        data["translations"].pop(action.split(":", 1)[1], None)
    elif action.startswith("link:") and not await _link_to(node, data, action.split(":", 1)[1]):
        return await _link_refused(request, t, draft, data)  # the draft stays as it was stored
    await draft.save()
    errors = await _apply_media(node, t, draft, form)
    if draft.state == "scheduled" and action not in ("unschedule", "schedule", "publish") \
            and not await _keep_schedule_valid(node, draft):
        errors.append((t("Scheduling cancelled: the alert is no longer complete. Fix it and schedule it again."),
                           None))
    if errors:
        return await composer(request, t, draft, data, status_code=400, errors=errors)
    if focus:
        return redirect(request, f"/admin/drafts/{draft.id}#{focus}")
    if action == "preview":
        return redirect(request, f"/admin/drafts/{draft.id}#preview")
    if action == "unschedule":
        await publishing.unschedule(node, draft)
        return redirect(request, f"/admin/drafts/{draft.id}", "unscheduled")
    if action in ("publish", "schedule"):
        return await _publish_or_schedule(request, t, draft, form, action)
    if action == "discard":
        return redirect(request, f"/admin/drafts/{draft.id}/discard")
    return redirect(request, f"/admin/drafts/{draft.id}", "saved")


async def _publish_or_schedule(request: Request, t, draft: Draft, form, action: str) -> Response:
    node = request.app.state.node
    data = draft.data["alert"]
    try:
        await publishing.validate(draft)
    except AlertError as exc:
        return await composer(request, t, draft, data, status_code=422, errors=forms.explain_all(exc, t))
    except publishing.PublishError as exc:
        return await composer(request, t, draft, data, status_code=422, errors=[(t(str(exc)), None)])
    when = None
    if action == "schedule":
        zone = str(form.get("client_tz") or "") or await profile.timezone()
        when = _parse_schedule(str(form.get("scheduled_for") or ""), zone)
        if when is None:
            return await composer(request, t, draft, data, status_code=422,
                                  errors=[(t("Choose the date and time to publish at."), "f-scheduled_for")])
    if not draft.alert_id and not form.get("new_incident"):
        found = await duplicates.find(node, data, exclude=await _exclusions(node, draft))
        if found:
            return await composer(request, t, draft, data, status_code=409, show_duplicate_warning=True,
                                  errors=[(t("This may be an incident already reported. Link your alert to it, "
                                             "or confirm that it is a different incident."), "duplicates")])
    try:
        if action == "schedule":
            await publishing.schedule(node, draft, when)
            return redirect(request, f"/admin/drafts/{draft.id}", "scheduled")
        row = await publishing.publish_draft(node, draft.id, from_states=("draft", "scheduled"))
    except AlertError as exc:
        return await composer(request, t, draft, data, status_code=422, errors=forms.explain_all(exc, t))
    except publishing.PublishError as exc:
        return await composer(request, t, draft, data, status_code=422, errors=[(t(str(exc)), "f-scheduled_for")])
    except outbox.NotFoundError:
        return render(request, "admin_message.html", 410, t=t, title=t("Alert withdrawn"),
                      message=t("This alert was deleted, so it can no longer be edited."))
    return redirect(request, f"/admin/alerts/{row.id}", "updated" if draft.alert_id else "published")


@staff()
async def discard_endpoint(request: Request) -> Response:
    t = translator(request)
    draft = await _load_draft(request)
    if draft is None or draft.state == "published":
        return redirect(request, "/admin/alerts")
    if request.method == "GET":
        return render(request, "admin_confirm.html", t=t, nav="alerts",
                      title=t("Discard this draft?"),
                      message=t("The draft and its images will be deleted. This cannot be undone."),
                      headline=(draft.data or {}).get("alert", {}).get("headline") or t("(no headline yet)"),
                      action=f"/admin/drafts/{draft.id}/discard", confirm=t("Discard the draft"),
                      cancel=f"/admin/drafts/{draft.id}")
    node = request.app.state.node
    await publishing.discard(node, draft)
    return redirect(request, "/admin/alerts", "discarded")


@staff(json=True)
async def preview_endpoint(request: Request) -> Response:
    """The preview panel for the posted form (the live preview of admin.js)."""
    t = translator(request)
    node = request.app.state.node
    form = request.state.form
    data = forms.parse_form(form)
    draft = await Draft.filter(id=str(form.get("draft_id") or "")).first() if form.get("draft_id") else None
    media = await publishing.draft_media(draft.id) if draft else []
    for item in media:
        alt = form.get(f"media-{item.id}-alt")
        if isinstance(alt, str) and clean_alt(alt):
            item.alt_text = clean_alt(alt)
    preview = await build_preview(node, t, data, media, exclude=await _exclusions(node, draft))
    html = TEMPLATES.get_template("admin_preview.html").render(
        t=t, preview=preview, node=node.config, urls=node.urls, org=node.org, vocab=vocab, data=data,
        show_duplicate_warning=False)
    return HTMLResponse(html)


@staff()
async def media_endpoint(request: Request) -> Response:
    """Images of drafts, for signed-in staff only (published ones are also at /media/<name>)."""
    from starlette.responses import FileResponse

    found = await staff_file(request.app.state.node, request.path_params["media_id"])
    if found is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    path, content_type = found
    return FileResponse(path, media_type=content_type, headers={"Cache-Control": "private, no-store"})
