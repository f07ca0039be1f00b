"""The Clearing House website: the aggregated alert index, cases, members, feeds, the weekly digest.

Served only by a node in the ``clearinghouse`` role (``node.app`` puts these
routes before the member routes for that role). Everything shown is a
member's alert as indexed (:class:`~node.storage.models.IndexedAlert`) and
stays credited to that member; only approved, non-deleted alerts appear.

Search (``q``): every whitespace-separated word must occur in
``search_text``. ``search_text`` is stored lower-cased but not ASCII-folded
(:func:`node.clearinghouse.ingest.search_text`), so each word matches if
either its lower-cased form (``"Özgür"`` → ``"özgür"``) or its ``anyascii``
folded form (→ ``"ozgur"``) occurs. Hence a query with diacritics finds text
with the same diacritics or their ASCII spelling, and an ASCII query finds
ASCII text; an ASCII query finds *accented* text only once ingest also stores
the folded form in ``search_text``. It is a portable ``LIKE`` per word (both
sides are lower-cased in Python, so SQLite's ASCII-only case folding does not
matter), not PostgreSQL full-text search.

Incident dates are ``YYYY[-MM[-DD]]``; the ``from``/``to`` filters take ISO
dates and keep an alert whose incident period overlaps the range (an alert
dated ``2026-11`` is kept by ``from=2026-11-20``).

The digest covers one ISO week (Monday to Sunday, UTC) by *publication*
time: the cases that had alerts published that week, grouped by region
(``vocab.REGIONS`` order, then "Other"), country (by name) and case (by its
first alert of the week), each alert credited IFEX-style, "Headline (Member)".
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from anyascii import anyascii
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from tortoise.expressions import Q
from tortoise.functions import Count

from node import vocab
from node.activitypub.actors import iso
from node.clearinghouse.cases import resolve
from node.clearinghouse.ingest import UPDATE_TYPES
from node.render import is_safe_link
from node.storage import queries
from node.storage.models import Case, CaseEvent, IndexedAlert, Member
from node.web.pages import RTL, _base

PAGE_SIZE = 20
FEED_SIZE = 50
DIGEST_FEED_WEEKS = 8
MAX_QUERY_WORDS = 10
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html", "xml"]),
)
TEMPLATES.filters["xml"] = lambda value: _XML_ILLEGAL.sub("", str(value if value is not None else ""))
TEMPLATES.globals.update(iso=iso, safe_link=lambda url: bool(url) and is_safe_link(str(url)))

BOOST_LABELS = {
    "boosted": "Boosted by the Clearing House",
    "attached": "Attached to the case (not boosted)",
    "undone": "Boost withdrawn",
    "pending": "Not yet boosted",
}


# --- helpers ------------------------------------------------------------------------------------


def _label(table, code: str) -> str:
    try:
        return vocab.label(table, code)
    except KeyError:
        return code


def _region(country: str) -> str | None:
    entry = vocab.COUNTRIES.get(country or "")
    return entry.region if entry else None


def _render(name: str, request: Request, status_code: int = 200, **context) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(**_base(request), **context)
    return HTMLResponse(html, status_code=status_code)


def _not_found(request: Request, message: str) -> HTMLResponse:
    return _render("message.html", request, 404, title="Not found", message=message)


def _atom(name: str, request: Request, **context) -> Response:
    body = TEMPLATES.get_template(name).render(**_base(request), **context)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


def _approved():
    return IndexedAlert.filter(review="approved", deleted=False)


def _item(row: IndexedAlert, urls) -> dict:
    """A row for a template; ``member`` and ``case`` must be fetched."""
    member, case = row.member, row.case
    return {
        "uri": row.uri,
        "headline": row.headline,
        "summary": row.summary,
        "language": row.language,
        "dir": "rtl" if row.language.split("-")[0].lower() in RTL else "ltr",
        "type": row.alert_type,
        "type_label": _label(vocab.ALERT_TYPES, row.alert_type),
        "is_update": row.alert_type in UPDATE_TYPES or bool(row.follows),
        "country": row.country,
        "country_name": _label(vocab.COUNTRIES, row.country),
        "incident_date": row.incident_date,
        "categories": [(c, _label(vocab.CATEGORIES, c)) for c in row.categories or []],
        "act_types": [(c, _label(vocab.ACT_TYPES, c)) for c in row.act_types or []],
        "published": row.published,
        "updated": row.updated,
        "boost": row.boost,
        "boost_label": BOOST_LABELS.get(row.boost, row.boost),
        "member": {"id": member.id, "name": member.name or member.handle, "handle": member.handle,
                   "actor": member.actor_uri},
        "case": {"id": case.id, "title": case.title, "url": urls.case(case.id)} if case else None,
    }


# --- the alert index ----------------------------------------------------------------------------


def _iso_date(value: str) -> str | None:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _words(query: str) -> list[str]:
    return [w[:64] for w in query.split()][:MAX_QUERY_WORDS]


async def _find_member(value: str) -> Member | None:
    if re.fullmatch(r"[0-9]{1,9}", value):
        return await Member.filter(id=int(value)).first()
    if value.startswith(("http://", "https://")):
        return await Member.filter(actor_uri=value).first()
    return await Member.filter(handle="@" + value.lstrip("@")).first()


async def _filtered(params) -> tuple[object, dict, list[str]]:
    """The queryset for the query parameters, the filters as understood, and any problems."""
    f = {k: (params.get(k) or "").strip() for k in
         ("q", "country", "category", "act_type", "member", "type", "from", "to")}
    problems: list[str] = []
    qs = _approved()
    if f["country"]:
        f["country"] = f["country"].upper()
        qs = qs.filter(country=f["country"])
    if f["category"]:
        if f["category"] not in vocab.CATEGORIES:
            problems.append("Unknown category.")
        qs = queries.with_list_item(qs, "categories", f["category"])
    if f["act_type"]:
        if f["act_type"] not in vocab.ACT_TYPES:
            problems.append("Unknown act type.")
        qs = queries.with_list_item(qs, "act_types", f["act_type"])
    if f["type"]:
        qs = qs.filter(alert_type=f["type"])
    if f["member"]:
        member = await _find_member(f["member"])
        if member is None:
            problems.append("No such member.")
            qs = qs.filter(id=-1)
        else:
            f["member"] = str(member.id)
            qs = qs.filter(member_id=member.id)
    for key in ("from", "to"):
        if f[key] and _iso_date(f[key]) is None:
            problems.append(f"The “{key}” date must be an ISO date (YYYY-MM-DD); it was ignored.")
            f[key] = ""
    if f["from"]:
        # a partial incident date (YYYY or YYYY-MM) is kept when its period reaches the range
        start = f["from"]
        qs = qs.filter(Q(incident_date__gte=start) | Q(incident_date=start[:7]) | Q(incident_date=start[:4]))
    if f["to"]:
        qs = qs.filter(incident_date__lte=f["to"])
    for word in _words(f["q"]):
        raw, folded = word.lower(), anyascii(word).lower()
        cond = Q(search_text__contains=raw)
        if folded and folded != raw:
            cond |= Q(search_text__contains=folded)
        qs = qs.filter(cond)
    return qs, f, problems


def _query_string(filters: dict, **extra) -> str:
    params = {k: v for k, v in filters.items() if v}
    params.update({k: v for k, v in extra.items() if v})
    return urlencode(params)


async def _choices(filters: dict) -> dict:
    countries = set(await _approved().distinct().values_list("country", flat=True))
    if filters.get("country"):
        countries.add(filters["country"])
    members = await Member.all().order_by("name", "id")
    return {
        "countries": sorted(((c, _label(vocab.COUNTRIES, c)) for c in countries), key=lambda p: p[1]),
        "categories": [(c, t.label) for c, t in vocab.CATEGORIES.items()],
        "act_types": [(c, t.label) for c, t in vocab.ACT_TYPES.items()],
        "types": [(c, t.label) for c, t in vocab.ALERT_TYPES.items()],
        "members": [(str(m.id), m.name or m.handle) for m in members],
    }


async def index_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    page = request.query_params.get("page", "1")
    page = int(page) if re.fullmatch(r"[0-9]{1,5}", page) and int(page) > 0 else 1
    qs, filters, problems = await _filtered(request.query_params)
    total = await qs.count()
    rows = await qs.select_related("member", "case").order_by("-published", "-id") \
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    feeds = []
    if filters["country"] in vocab.COUNTRIES:
        feeds.append((f"{urls.base}/feeds/country/{filters['country'].lower()}.atom",
                      f"Alerts: {_label(vocab.COUNTRIES, filters['country'])}"))
    if filters["category"] in vocab.CATEGORIES:
        feeds.append((f"{urls.base}/feeds/category/{filters['category']}.atom",
                      f"Alerts: {_label(vocab.CATEGORIES, filters['category'])}"))
    return _render(
        "ch_index.html", request, items=[_item(r, urls) for r in rows], page=page, total=total,
        has_next=page * PAGE_SIZE < total, filters=filters, problems=problems,
        filtered=any(filters.values()), choices=await _choices(filters),
        prev_qs=_query_string(filters, page=str(page - 1) if page > 2 else ""),
        next_qs=_query_string(filters, page=str(page + 1)), feeds=feeds,
    )


# --- cases --------------------------------------------------------------------------------------


async def case_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    case = await Case.filter(id=request.path_params["case_id"]).first()
    if case is None:
        return _not_found(request, "There is no such case.")
    if case.merged_into:
        current = await resolve(case)
        if current is None or current.merged_into:
            return _not_found(request, "This case was merged into a case that no longer exists.")
        return RedirectResponse(urls.case(current.id), status_code=301)
    rows = await _approved().filter(case=case).select_related("member", "case").order_by("published", "id")
    if not rows:  # every alert of the case was deleted (or none is approved): nothing of it is shown
        return _render("message.html", request, 410, title="Gone",
                       message="This case was withdrawn: none of its alerts is published.")
    items = [_item(r, urls) for r in rows]
    aliases = await _aliases(case.id)
    events = await CaseEvent.filter(case_id__in=[case.id, *aliases]).order_by("created_at", "id")
    known = {r.uri: r for r in await IndexedAlert.filter(
        uri__in=list({u for e in events for u in _event_alerts(e)})).select_related("member")}
    return _render(
        "ch_case.html", request, case=case, items=items, aliases=aliases,
        country_name=_label(vocab.COUNTRIES, case.country),
        members=sorted({i["member"]["name"] for i in items}),
        events=[_event(e, case.id, known, urls) for e in events],
    )


async def _aliases(case_id: str) -> list[str]:
    """Every case merged (directly or through another alias) into ``case_id``."""
    found: list[str] = []
    frontier = [case_id]
    while frontier:
        frontier = [c for c in await Case.filter(merged_into__in=frontier).values_list("id", flat=True)
                    if c not in found and c != case_id]
        found += frontier
    return found


def _event_alerts(event: CaseEvent) -> list[str]:
    detail = event.detail if isinstance(event.detail, dict) else {}
    uris = list(detail.get("alerts") or [])
    if detail.get("alert"):
        uris.append(detail["alert"])
    return [u for u in uris if isinstance(u, str)]


def _event(event: CaseEvent, case_id: str, known: dict, urls) -> dict:
    detail = event.detail if isinstance(event.detail, dict) else {}

    def alert_ref(uri: str) -> dict:
        row = known.get(uri)
        shown = row is not None and row.review == "approved" and not row.deleted
        return {"uri": uri, "headline": row.headline if shown else None,
                "member": (row.member.name or row.member.handle) if shown else None}

    def case_ref(key: str) -> dict | None:
        other = detail.get(key)
        return {"id": other, "url": urls.case(other)} if isinstance(other, str) and other else None

    return {
        "kind": event.kind,
        "by": event.by,
        "at": event.created_at,
        "in_alias": event.case_id if event.case_id != case_id else None,
        "how": detail.get("how"),
        "alerts": [alert_ref(u) for u in _event_alerts(event)],
        "from": case_ref("from"),
        "into": case_ref("into"),
        "to": case_ref("to"),
        "split_from": case_ref("split_from"),
    }


# --- members ------------------------------------------------------------------------------------


async def members_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    counts = dict(await _approved().annotate(n=Count("id")).group_by("member_id").values_list("member_id", "n"))
    rows = []
    for member in await Member.all().order_by("name", "id"):
        latest = await _approved().filter(member=member).select_related("member", "case") \
            .order_by("-published", "-id").first()
        rows.append({"member": member, "count": counts.get(member.id, 0),
                     "latest": _item(latest, urls) if latest else None,
                     "alerts_url": f"{urls.base}/alerts?{urlencode({'member': member.id})}"})
    return _render("ch_members.html", request, rows=rows)


# --- Atom feeds ---------------------------------------------------------------------------------


async def _alert_feed(request: Request, qs, *, title: str, self_url: str, html_url: str) -> Response:
    node = request.app.state.node
    rows = await qs.select_related("member", "case").order_by("-published", "-id").limit(FEED_SIZE)
    items = [_item(r, node.urls) for r in rows]
    updated = max((iso(r.updated or r.published) for r in rows), default=iso(node.org.created_at))
    return _atom("ch_feed.xml", request, items=items, title=title, self_url=self_url,
                 html_url=html_url, updated=updated)


async def feed_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    return await _alert_feed(request, _approved(), title=f"{request.app.state.node.config.name}: all alerts",
                             self_url=urls.atom_feed, html_url=urls.alerts_index)


async def country_feed_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    cc = request.path_params["cc"].upper()
    if cc not in vocab.COUNTRIES:
        return _not_found(request, "There is no such country code.")
    return await _alert_feed(
        request, _approved().filter(country=cc), title=f"Alerts: {_label(vocab.COUNTRIES, cc)}",
        self_url=f"{urls.base}/feeds/country/{cc.lower()}.atom",
        html_url=f"{urls.alerts_index}?{urlencode({'country': cc})}")


async def category_feed_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    code = request.path_params["code"]
    if code not in vocab.CATEGORIES:
        return _not_found(request, "There is no such category.")
    qs = queries.with_list_item(_approved(), "categories", code)
    return await _alert_feed(
        request, qs, title=f"Alerts: {_label(vocab.CATEGORIES, code)}",
        self_url=f"{urls.base}/feeds/category/{code}.atom",
        html_url=f"{urls.alerts_index}?{urlencode({'category': code})}")


# --- the weekly digest --------------------------------------------------------------------------


def week_name(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(name: str) -> date | None:
    """The Monday of ISO week ``YYYY-Www``; None if there is no such week."""
    match = _WEEK.match(name)
    if not match or not 1000 <= int(match[1]) <= 9998:
        return None
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def _start(monday: date) -> datetime:
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


async def build_digest(monday: date, urls) -> dict:
    """The week's cases, grouped region → country → case, each member's alert of the week credited."""
    rows = await _approved().filter(published__gte=_start(monday),
                                    published__lt=_start(monday + timedelta(days=7))) \
        .select_related("member", "case").order_by("published", "id")
    stories: dict[str, dict] = {}
    for row in rows:
        item = _item(row, urls)
        key = row.case.id if row.case else f"alert:{row.uri}"
        if key not in stories:
            country = row.case.country if row.case else row.country
            stories[key] = {"case": item["case"], "title": row.case.title if row.case else row.headline,
                            "country": country, "alerts": []}
        stories[key]["alerts"].append(item)
    by_region: dict[str | None, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for story in stories.values():  # insertion order: first alert of the week first
        by_region[_region(story["country"])][story["country"]].append(story)
    regions = []
    for code in [*vocab.REGIONS, None]:
        if code not in by_region:
            continue
        countries = sorted(by_region[code].items(), key=lambda kv: _label(vocab.COUNTRIES, kv[0]))
        regions.append({
            "code": code or "other",
            "name": _label(vocab.REGIONS, code) if code else "Other",
            "countries": [{"code": cc, "name": _label(vocab.COUNTRIES, cc), "stories": s} for cc, s in countries],
        })
    sunday = monday + timedelta(days=6)
    return {
        "week": week_name(monday),
        "monday": monday,
        "sunday": sunday,
        "label": f"Week {monday.isocalendar()[1]} of {monday.isocalendar()[0]}",
        "range": f"{vocab.format_date(monday.isoformat())} – {vocab.format_date(sunday.isoformat())}",
        "url": f"{urls.base}/digest/{week_name(monday)}",
        "regions": regions,
        "count": len(rows),
        "updated": max((r.updated or r.published for r in rows), default=None),
    }


def _this_monday() -> date:
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday())


async def digest_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    name = request.path_params.get("week")
    monday = _this_monday() if name is None else parse_week(name)
    if monday is None:
        return _not_found(request, "There is no such week (use the form 2026-W48).")
    digest = await build_digest(monday, urls)
    prev_week = week_name(monday - timedelta(days=7))
    following = monday + timedelta(days=7)
    next_week = week_name(following) if following <= _this_monday() else None
    return _render("ch_digest.html", request, digest=digest, prev_week=prev_week, next_week=next_week)


async def digest_feed_endpoint(request: Request) -> Response:
    node = request.app.state.node
    urls = node.urls
    digests = []
    latest = await _approved().order_by("-published", "-id").first()
    while latest is not None and len(digests) < DIGEST_FEED_WEEKS:
        monday = latest.published.astimezone(UTC).date()
        monday -= timedelta(days=monday.weekday())
        digest = await build_digest(monday, urls)
        digest["html"] = TEMPLATES.get_template("ch_digest_body.html").render(digest=digest, urls=urls)
        digests.append(digest)
        latest = await _approved().filter(published__lt=_start(monday)).order_by("-published", "-id").first()
    updated = max((iso(d["updated"]) for d in digests if d["updated"]), default=iso(node.org.created_at))
    return _atom("ch_digest.xml", request, digests=digests, updated=updated,
                 self_url=f"{urls.base}/digest.atom", html_url=f"{urls.base}/digest")


def routes() -> list[Route]:
    """The Clearing House pages; ``node.app`` puts them before the member routes."""
    return [
        Route("/", index_endpoint),
        Route("/alerts", index_endpoint),
        Route("/cases/{case_id:str}", case_endpoint),
        Route("/members", members_endpoint),
        Route("/feed.atom", feed_endpoint),
        Route("/feeds/country/{cc:str}.atom", country_feed_endpoint),
        Route("/feeds/category/{code:str}.atom", category_feed_endpoint),
        Route("/digest", digest_endpoint),
        Route("/digest.atom", digest_feed_endpoint),
        Route("/digest/{week:str}", digest_endpoint),
    ]
