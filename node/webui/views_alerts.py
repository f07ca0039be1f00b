"""After publishing: the dashboard, the list of alerts and drafts, each alert's status, moderation."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from node import errors
from node.activitypub import normalize, outbox
from node.alerts import Alert
from node.media import note_attachments
from node.render import alert_view, sanitize_remote_html
from node.services import alerts as alert_service
from node.services import drafts as draft_service
from node.storage.models import Alert as AlertRow
from node.storage.models import Draft, RemoteObject
from node.webui import status
from node.webui.web import redirect, render, staff, translator

CHART_WIDTH, CHART_HEIGHT = 600, 160


def _chart(points: list[status.FollowerPoint], t=None) -> dict:
    """An inline SVG line chart (no script, no external library) with its axes and values.

    The plot sits right of the y axis (0, the middle and the top count) and above the x axis (the first,
    middle and last day). Every day whose count changed, and the first and last day, get a dot and their
    count, so a chart of few followers or a flat line still says what it shows.
    """
    from node import i18n

    t = t or i18n.Translator(i18n.DEFAULT_LANGUAGE)
    left, right, top_pad, bottom = 44, 14, 24, 26
    plot_w, plot_h = CHART_WIDTH - left - right, CHART_HEIGHT - top_pad - bottom
    top = max([p.count for p in points] + [1])
    if top > 4 and top % 2:
        top += 1  # a whole middle tick
    step = plot_w / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return round(left + i * step, 1)

    def y(count: int) -> float:
        return round(top_pad + plot_h - count / top * plot_h, 1)

    coords = [(x(i), y(p.count)) for i, p in enumerate(points)]
    base = top_pad + plot_h
    ticks = sorted({0, top // 2, top} if top >= 2 else {0, top})
    days = sorted({0, len(points) // 2, len(points) - 1}) if points else []
    marks = [i for i, p in enumerate(points) if i in (0, len(points) - 1) or p.count != points[i - 1].count]
    if len(marks) > 12:  # a busy month: the line says it; the first and last values are labelled
        marks = [0, len(points) - 1]
    return {
        "width": CHART_WIDTH, "height": CHART_HEIGHT, "top": top,
        "left": left, "right": CHART_WIDTH - right, "base": base, "top_y": top_pad,
        "line": " ".join(f"{cx},{cy}" for cx, cy in coords),
        "area": (f"{left},{base} " + " ".join(f"{cx},{cy}" for cx, cy in coords) + f" {x(len(points) - 1)},{base}")
        if points else "",
        "y_ticks": [{"y": y(v), "label": t.number(v)} for v in ticks],
        "x_ticks": [{"x": x(i), "label": _short_day(points[i].day, t.lang),
                     "anchor": "start" if i == 0 else "end" if i == len(points) - 1 else "middle"} for i in days],
        "marks": [{"x": coords[i][0], "y": coords[i][1], "label": t.number(points[i].count),
                   "anchor": "start" if i == 0 else "end" if i == len(points) - 1 else "middle"} for i in marks],
    }


def _short_day(day, lang: str) -> str:
    from babel.dates import format_skeleton

    from node import i18n

    return format_skeleton("MMMd", day, locale=i18n._babel_lang(lang))


@staff()
async def dashboard_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    points = await status.followers_over_time(node.org.id, 30)
    recent = await AlertRow.filter(deleted_at=None, local_actor_id=node.org.id).order_by("-published").limit(8)
    ids = [r.id for r in recent]
    deliveries = await status.delivery_summary(node, ids)
    interactions = await status.interaction_counts(node, ids)
    scheduled = await Draft.filter(state="scheduled").order_by("scheduled_for").limit(10)
    drafts = await Draft.filter(state="draft").order_by("-updated_at").limit(5)
    pending = await RemoteObject.filter(moderation="pending", deleted=False, in_reply_to__startswith=node.urls.base
                                        + "/alerts/").count()
    return render(request, "admin_dashboard.html", t=t, nav="dashboard", points=points, chart=_chart(points, t),
                  recent=recent, deliveries=deliveries, interactions=interactions, scheduled=scheduled,
                  drafts=drafts, pending_replies=pending,
                  followers_now=points[-1].count if points else 0,
                  gained=sum(p.follows for p in points), lost=sum(p.unfollows for p in points))


@staff()
async def alerts_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    page = request.query_params.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    size = 30
    rows = await AlertRow.filter(deleted_at=None, local_actor_id=node.org.id).order_by("-published") \
        .offset((page - 1) * size).limit(size + 1)
    ids = [r.id for r in rows[:size]]
    drafts = await Draft.filter(state__in=("draft", "scheduled")).order_by("-updated_at").limit(100) \
        if page == 1 else []
    return render(request, "admin_alerts.html", t=t, nav="alerts", rows=rows[:size], page=page,
                  has_next=len(rows) > size, deliveries=await status.delivery_summary(node, ids),
                  interactions=await status.interaction_counts(node, ids), drafts=drafts)


async def _alert_or_404(request: Request, t):
    row = await AlertRow.filter(id=request.path_params["alert_id"]).first()
    if row is None:
        return None, render(request, "admin_message.html", 404, t=t, title=t("Not found"),
                            message=t("There is no such alert."))
    return row, None


@staff()
async def alert_status_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    row, missing = await _alert_or_404(request, t)
    if missing:
        return missing
    if row.deleted_at:  # only a tombstone is kept: nothing to show
        return render(request, "admin_message.html", 410, t=t, title=t("Not found"),
                      message=t("There is no such alert."))
    alert = Alert.from_dict(row.data)
    info = await status.alert_status(node, row)
    names = await status.actor_names(info.likes + info.boosts + [r.actor_uri for r in info.replies])
    replies = [{"row": r, "author": names.get(r.actor_uri, r.actor_uri),
                "html": sanitize_remote_html(normalize.text(r.data, "content") or "")} for r in info.replies]
    attachments = (await note_attachments(node.urls, [row.id]))[row.id]
    view = alert_view(alert, url=node.urls.alert(row.id), ui=t, published=row.published, updated=row.updated,
                      attachments=attachments, alert_id=row.id)
    edit_draft = await Draft.filter(alert_id=row.id, state="draft").first()
    return render(request, "admin_status.html", t=t, nav="alerts", row=row, alert=alert, item=view, info=info,
                  names=names, replies=replies, edit_draft=edit_draft, now=datetime.now(UTC))


@staff()
async def alert_edit_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    try:
        draft = await draft_service.start_edit(node, request.path_params["alert_id"], request.state.user)
    except outbox.NotFoundError:
        return render(request, "admin_message.html", 404, t=t, title=t("Not found"),
                      message=t("There is no such alert."))
    return redirect(request, f"/admin/drafts/{draft.id}")


@staff()
async def alert_delete_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    row, missing = await _alert_or_404(request, t)
    if missing:
        return missing
    if row.deleted_at:
        return redirect(request, "/admin/alerts")
    if request.method == "GET":
        return render(request, "admin_confirm.html", t=t, nav="alerts", title=t("Delete this alert?"),
                      message=t("Its page will say it was withdrawn, and every server that received it will be "
                                "asked to delete it. Copies people already saved cannot be recalled. "
                                "This cannot be undone."),
                      headline=row.headline, action=f"/admin/alerts/{row.id}/delete",
                      confirm=t("Delete the alert"), cancel=f"/admin/alerts/{row.id}", danger=True)
    await alert_service.delete(node, row.id)
    return redirect(request, "/admin/alerts", "deleted")


@staff()
async def alert_pin_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    row, missing = await _alert_or_404(request, t)
    if missing:
        return missing
    pin = request.state.form.get("pin") == "1"
    await alert_service.pin(node, row.id, pin)
    return redirect(request, f"/admin/alerts/{row.id}", "pinned" if pin else "unpinned")


@staff()
async def replies_endpoint(request: Request) -> Response:
    t = translator(request)
    node = request.app.state.node
    which = request.query_params.get("show", "pending")
    which = which if which in ("pending", "approved", "rejected") else "pending"
    prefix = node.urls.base + "/alerts/"
    rows = await RemoteObject.filter(moderation=which, deleted=False, in_reply_to__startswith=prefix) \
        .order_by("-received_at").limit(200)
    names = await status.actor_names([r.actor_uri for r in rows])
    headlines = {}
    ids = {node.urls.alert_id_from_url(r.in_reply_to or "") for r in rows} - {None}
    for alert in await AlertRow.filter(id__in=list(ids)):
        headlines[node.urls.alert(alert.id)] = alert.headline
    replies = [{"row": r, "author": names.get(r.actor_uri, r.actor_uri), "headline": headlines.get(r.in_reply_to, ""),
                "alert_id": node.urls.alert_id_from_url(r.in_reply_to or ""),
                "html": sanitize_remote_html(normalize.text(r.data, "content") or "")} for r in rows]
    return render(request, "admin_replies.html", t=t, nav="replies", replies=replies, which=which)


@staff()
async def reply_endpoint(request: Request) -> Response:
    node = request.app.state.node
    form = request.state.form
    decision = str(form.get("decision") or "")
    try:
        await alert_service.moderate_reply(node, int(request.path_params["reply_id"]), decision)
    except (errors.NotFound, errors.Invalid):
        return redirect(request, "/admin/replies")
    back = str(form.get("back") or "/admin/replies")
    back = back if back.startswith("/admin/") and "//" not in back else "/admin/replies"
    return redirect(request, back, {"approved": "reply_approved", "rejected": "reply_rejected"}.get(decision))
