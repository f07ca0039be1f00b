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
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from tortoise.expressions import Q
from tortoise.functions import Count

from node import i18n, vocab
from node.activitypub.actors import iso
from node.clearinghouse.ingest import UPDATE_TYPES
from node.render import is_safe_link
from node.services import cases
from node.storage import queries
from node.storage.models import Case, CaseEvent, IndexedAlert, Member
from node.web.pages import _base

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
# A translated text whose ``{placeholders}`` take markup (a link, a <bdi>): the text is escaped,
# plain values are escaped by Markup.format, markup values are kept.
TEMPLATES.filters["fill"] = lambda text, **values: Markup(escape(text)).format(**values)
TEMPLATES.globals.update(
    link=lambda url, text: Markup('<a href="{}">{}</a>').format(url, text),
    bdi=lambda text: Markup("<bdi>{}</bdi>").format(text),
    ltr=lambda text: Markup('<span dir="ltr">{}</span>').format(text),
    user_text=lambda text, lang, direction: Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(lang, direction, text),
)
TEMPLATES.filters.update(bdi=TEMPLATES.globals["bdi"], ltr=TEMPLATES.globals["ltr"])

BOOST_LABELS = {
    "boosted": "Boosted by the Clearing House",
    "attached": "Attached to the case (not boosted)",
    "undone": "Boost withdrawn",
    "pending": "Not yet boosted",
}
# Interface strings the templates and this module look up indirectly (``t(variable)``); listed
# for the catalogs (``node.webui.catalog``).
EVENT_KINDS = {"opened": "opened", "attached": "attached", "merged": "merged", "split": "split",
               "edited": "edited", "retracted": "retracted"}
MEMBER_STATES = {"pending": "pending", "active": "active", "removed": "removed"}
ATTACHED_HOW = {"explicit": "named by its member", "matched": "matched"}
DYNAMIC = (*BOOST_LABELS.values(), *EVENT_KINDS.values(), *MEMBER_STATES.values(), *ATTACHED_HOW.values(), "system",
           "Gone", "There is no such case.", "This case was merged into a case that no longer exists.",
           "This case was withdrawn: none of its alerts is published.", "There is no such country code.",
           "There is no such category.", "There is no such week (use the form 2026-W48).")


# --- helpers ------------------------------------------------------------------------------------


def _label(table, code: str, t: i18n.Translator | None = None) -> str:
    """``code``'s label in ``table`` (e.g. ``vocab.COUNTRIES``), in ``t``'s language (English without)."""
    if t is not None:
        name = next((n for n, tb in vocab.ALL.items() if tb is table), None)
        if name is not None:
            return t.vocab(name, code) or code
    try:
        return vocab.label(table, code)
    except KeyError:
        return code


def _region(country: str) -> str | None:
    entry = vocab.COUNTRIES.get(country or "")
    return entry.region if entry else None


def _render(name: str, request: Request, status_code: int = 200, **context) -> HTMLResponse:
    html = TEMPLATES.get_template(name).render(**_base(request), **context)
    return HTMLResponse(html, status_code=status_code, headers={"Vary": "Accept-Language, Cookie"})


def _ui(request: Request) -> i18n.Translator:
    """The reader's interface language (``?lang=``, the language cookie, Accept-Language), as ``_base``."""
    return i18n.Translator(i18n.negotiate(request, request.query_params.get("lang")))


def _not_found(request: Request, message: str) -> HTMLResponse:
    return _render("message.html", request, 404, title="Not found", message=message)


def _atom(name: str, request: Request, **context) -> Response:
    body = TEMPLATES.get_template(name).render(**_base(request), **context)
    return Response(body, media_type="application/atom+xml; charset=utf-8",
                    headers={"Vary": "Accept-Language, Cookie"})  # titles and labels in the reader's language


def _approved():
    return IndexedAlert.filter(review="approved", deleted=False)


def _item(row: IndexedAlert, urls, t: i18n.Translator, title_langs: dict | None = None) -> dict:
    """A row for a template, labels in ``t``'s language; ``member`` and ``case`` must be fetched."""
    member, case = row.member, row.case
    return {
        "uri": row.uri,
        "headline": row.headline,
        "summary": row.summary,
        "language": row.language,
        "dir": i18n.text_direction(row.language),
        "type": row.alert_type,
        "type_label": _label(vocab.ALERT_TYPES, row.alert_type, t),
        "is_update": row.alert_type in UPDATE_TYPES or bool(row.follows),
        "country": row.country,
        "country_name": _label(vocab.COUNTRIES, row.country, t),
        "incident_date": row.incident_date,
        "categories": [(c, _label(vocab.CATEGORIES, c, t)) for c in row.categories or []],
        "act_types": [(c, _label(vocab.ACT_TYPES, c, t)) for c in row.act_types or []],
        "published": row.published,
        "updated": row.updated,
        "boost": row.boost,
        "boost_label": t(BOOST_LABELS[row.boost]) if row.boost in BOOST_LABELS else row.boost,
        "member": {"id": member.id, "name": member.name or member.handle, "handle": member.handle,
                   "actor": member.actor_uri},
        "case": {"id": case.id, "title": case.title, "url": urls.case(case.id),
                 **_title_text((title_langs or {}).get(case.id))} if case else None,
    }


def _title_text(language: str | None) -> dict:
    """``lang`` and ``dir`` of a case title: its first live report's language (unknown: ``dir=auto``)."""
    return {"title_lang": language or "", "title_dir": i18n.text_direction(language) if language else "auto"}


async def _title_languages(case_ids) -> dict[str, str]:
    """The language of each case's title: that of its first live report, as ``cases.refresh_titles`` takes it."""
    ids = sorted({c for c in case_ids if c})
    first: dict[str, str] = {}
    if ids:
        for case_id, language in await _approved().filter(case_id__in=ids).order_by("published", "id") \
                .values_list("case_id", "language"):
            first.setdefault(case_id, language)
    return first


async def _items(rows, urls, t: i18n.Translator) -> list[dict]:
    langs = await _title_languages(r.case_id for r in rows)
    return [_item(r, urls, t, langs) for r in rows]


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


async def _filtered(params, t: i18n.Translator) -> tuple[object, dict, list[str]]:
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
            problems.append(t("Unknown category."))
        qs = queries.with_list_item(qs, "categories", f["category"])
    if f["act_type"]:
        if f["act_type"] not in vocab.ACT_TYPES:
            problems.append(t("Unknown act type."))
        qs = queries.with_list_item(qs, "act_types", f["act_type"])
    if f["type"]:
        qs = qs.filter(alert_type=f["type"])
    if f["member"]:
        member = await _find_member(f["member"])
        if member is None:
            problems.append(t("No such member."))
            qs = qs.filter(id=-1)
        else:
            f["member"] = str(member.id)
            qs = qs.filter(member_id=member.id)
    for key in ("from", "to"):
        if f[key] and _iso_date(f[key]) is None:
            problems.append(t("The “{key}” date must be an ISO date (YYYY-MM-DD); it was ignored.", key=key))
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


async def _choices(filters: dict, t: i18n.Translator) -> dict:
    countries = set(await _approved().distinct().values_list("country", flat=True))
    if filters.get("country"):
        countries.add(filters["country"])
    members = await Member.all().order_by("name", "id")
    return {
        "countries": sorted(((c, _label(vocab.COUNTRIES, c, t)) for c in countries),
                            key=lambda p: anyascii(p[1]).casefold()),
        "categories": t.choices("CATEGORIES"),
        "act_types": t.choices("ACT_TYPES"),
        "types": t.choices("ALERT_TYPES"),
        "members": [(str(m.id), m.name or m.handle) for m in members],
    }


async def index_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    page = request.query_params.get("page", "1")
    page = int(page) if re.fullmatch(r"[0-9]{1,5}", page) and int(page) > 0 else 1
    t = _ui(request)
    lang_param = t.lang if request.query_params.get("lang") else ""  # kept by the form and the page links
    qs, filters, problems = await _filtered(request.query_params, t)
    total = await qs.count()
    rows = await qs.select_related("member", "case").order_by("-published", "-id") \
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    feeds = []
    if filters["country"] in vocab.COUNTRIES:
        feeds.append((f"{urls.base}/feeds/country/{filters['country'].lower()}.atom",
                      t("Alerts: {topic}", topic=_label(vocab.COUNTRIES, filters["country"], t))))
    if filters["category"] in vocab.CATEGORIES:
        feeds.append((f"{urls.base}/feeds/category/{filters['category']}.atom",
                      t("Alerts: {topic}", topic=_label(vocab.CATEGORIES, filters["category"], t))))
    return _render(
        "ch_index.html", request, items=await _items(rows, urls, t), page=page, total=total,
        has_next=page * PAGE_SIZE < total, filters=filters, problems=problems,
        filtered=any(filters.values()), choices=await _choices(filters, t),
        prev_qs=_query_string(filters, page=str(page - 1) if page > 2 else "", lang=lang_param),
        next_qs=_query_string(filters, page=str(page + 1), lang=lang_param), feeds=feeds, lang_param=lang_param,
    )


# --- cases --------------------------------------------------------------------------------------


async def case_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    case = await Case.filter(id=request.path_params["case_id"]).first()
    if case is None:
        return _not_found(request, "There is no such case.")
    if case.merged_into:
        current = await cases.resolve(case)
        if current is None or current.merged_into:
            return _not_found(request, "This case was merged into a case that no longer exists.")
        return RedirectResponse(urls.case(current.id), status_code=301)
    rows = await _approved().filter(case=case).select_related("member", "case").order_by("published", "id")
    if not rows:  # every alert of the case was deleted (or none is approved): nothing of it is shown
        return _render("message.html", request, 410, title="Gone",
                       message="This case was withdrawn: none of its alerts is published.")
    t = _ui(request)
    items = await _items(rows, urls, t)
    aliases = await cases.aliases(case.id)
    events = await CaseEvent.filter(case_id__in=[case.id, *aliases]).order_by("created_at", "id")
    known = {r.uri: r for r in await IndexedAlert.filter(
        uri__in=list({u for e in events for u in _event_alerts(e)})).select_related("member")}
    return _render(
        "ch_case.html", request, case=case, items=items, aliases=aliases,
        country_name=_label(vocab.COUNTRIES, case.country, t),
        members=sorted({i["member"]["name"] for i in items}), title=_title_text(items[0]["language"]),
        events=[_event(e, case.id, known, urls) for e in events],
    )


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
                "language": row.language if shown else None,
                "dir": i18n.text_direction(row.language) if shown else None,
                "member": (row.member.name or row.member.handle) if shown else None}

    def case_ref(key: str) -> dict | None:
        other = detail.get(key)
        return {"id": other, "url": urls.case(other)} if isinstance(other, str) and other else None

    return {
        "kind": event.kind,
        "kind_label": EVENT_KINDS.get(event.kind),
        "by": event.by,
        "at": event.created_at,
        "in_alias": event.case_id if event.case_id != case_id else None,
        "how": detail.get("how"),
        "how_label": ATTACHED_HOW.get(detail.get("how")),
        "alerts": [alert_ref(u) for u in _event_alerts(event)],
        "from": case_ref("from"),
        "into": case_ref("into"),
        "to": case_ref("to"),
        "split_from": case_ref("split_from"),
    }


# --- members ------------------------------------------------------------------------------------


async def members_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    t = _ui(request)
    counts = dict(await _approved().annotate(n=Count("id")).group_by("member_id").values_list("member_id", "n"))
    rows = []
    members = await Member.all().order_by("name", "id")
    latest_rows = [await _approved().filter(member=member).select_related("member", "case")
                   .order_by("-published", "-id").first() for member in members]
    langs = await _title_languages(r.case_id for r in latest_rows if r)
    for member, latest in zip(members, latest_rows, strict=True):
        rows.append({"member": member, "count": counts.get(member.id, 0),
                     "latest": _item(latest, urls, t, langs) if latest else None,
                     "state": MEMBER_STATES.get(member.state),
                     "alerts_url": f"{urls.base}/alerts?{urlencode({'member': member.id})}"})
    return _render("ch_members.html", request, rows=rows)


# --- joint actions ------------------------------------------------------------------------------


async def joint_endpoint(request: Request) -> Response:
    """Open joint statements the Clearing House invited every member to sign, with their live count."""
    from node.services import joint

    return _render("ch_joint.html", request, actions=await joint.network_actions(request.app.state.node))


# --- Atom feeds ---------------------------------------------------------------------------------


async def _alert_feed(request: Request, qs, *, title: str, self_url: str, html_url: str) -> Response:
    node = request.app.state.node
    rows = await qs.select_related("member", "case").order_by("-published", "-id").limit(FEED_SIZE)
    items = await _items(rows, node.urls, _ui(request))
    updated = max((iso(r.updated or r.published) for r in rows), default=iso(node.org.created_at))
    return _atom("ch_feed.xml", request, items=items, title=title, self_url=self_url,
                 html_url=html_url, updated=updated)


async def feed_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    t = _ui(request)
    title = t("{name}: all alerts", name=request.app.state.node.config.name)
    return await _alert_feed(request, _approved(), title=title,
                             self_url=urls.atom_feed, html_url=urls.alerts_index)


async def country_feed_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    cc = request.path_params["cc"].upper()
    t = _ui(request)
    if cc not in vocab.COUNTRIES:
        return _not_found(request, "There is no such country code.")
    return await _alert_feed(
        request, _approved().filter(country=cc), title=t("Alerts: {topic}", topic=_label(vocab.COUNTRIES, cc, t)),
        self_url=f"{urls.base}/feeds/country/{cc.lower()}.atom",
        html_url=f"{urls.alerts_index}?{urlencode({'country': cc})}")


async def category_feed_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    code = request.path_params["code"]
    t = _ui(request)
    if code not in vocab.CATEGORIES:
        return _not_found(request, "There is no such category.")
    qs = queries.with_list_item(_approved(), "categories", code)
    return await _alert_feed(
        request, qs, title=t("Alerts: {topic}", topic=_label(vocab.CATEGORIES, code, t)),
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


async def build_digest(monday: date, urls, t: i18n.Translator | None = None) -> dict:
    """The week's cases, grouped region → country → case, each member's alert of the week credited."""
    t = t or i18n.Translator(i18n.DEFAULT_LANGUAGE)
    rows = await _approved().filter(published__gte=_start(monday),
                                    published__lt=_start(monday + timedelta(days=7))) \
        .select_related("member", "case").order_by("published", "id")
    stories: dict[str, dict] = {}
    langs = await _title_languages(r.case_id for r in rows)
    for row in rows:
        item = _item(row, urls, t, langs)
        key = row.case.id if row.case else f"alert:{row.uri}"
        if key not in stories:
            country = row.case.country if row.case else row.country
            title = _title_text(langs.get(row.case.id)) if row.case else \
                {"title_lang": row.language, "title_dir": item["dir"]}
            stories[key] = {"case": item["case"], "title": row.case.title if row.case else row.headline,
                            "country": country, "alerts": [], **title}
        stories[key]["alerts"].append(item)
    by_region: dict[str | None, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for story in stories.values():  # insertion order: first alert of the week first
        by_region[_region(story["country"])][story["country"]].append(story)
    regions = []
    for code in [*vocab.REGIONS, None]:
        if code not in by_region:
            continue
        countries = sorted(by_region[code].items(), key=lambda kv: anyascii(_label(vocab.COUNTRIES, kv[0], t))
                           .casefold())
        regions.append({
            "code": code or "other",
            "name": _label(vocab.REGIONS, code, t) if code else t("Other"),
            "countries": [{"code": cc, "name": _label(vocab.COUNTRIES, cc, t), "stories": s}
                          for cc, s in countries],
        })
    sunday = monday + timedelta(days=6)
    return {
        "week": week_name(monday),
        "monday": monday,
        "sunday": sunday,
        "label": t("Week {week} of {year}", week=t.number(monday.isocalendar()[1]), year=monday.isocalendar()[0]),
        "range": _date_range(monday, sunday, t),
        "url": f"{urls.base}/digest/{week_name(monday)}",
        "regions": regions,
        "count": len(rows),
        "updated": max((r.updated or r.published for r in rows), default=None),
    }


def _date_range(first: date, last: date, t: i18n.Translator) -> str:
    """``first``–``last`` as the locale writes an interval of days (CLDR through Babel)."""
    from babel.dates import format_interval

    return format_interval(first, last, "yMMMd", locale=i18n._babel_lang(t.lang))


def _this_monday() -> date:
    today = datetime.now(UTC).date()
    return today - timedelta(days=today.weekday())


async def digest_endpoint(request: Request) -> Response:
    urls = request.app.state.node.urls
    name = request.path_params.get("week")
    monday = _this_monday() if name is None else parse_week(name)
    if monday is None:
        return _not_found(request, "There is no such week (use the form 2026-W48).")
    digest = await build_digest(monday, urls, _ui(request))
    prev_week = week_name(monday - timedelta(days=7))
    following = monday + timedelta(days=7)
    next_week = week_name(following) if following <= _this_monday() else None
    return _render("ch_digest.html", request, digest=digest, prev_week=prev_week, next_week=next_week)


async def digest_feed_endpoint(request: Request) -> Response:
    node = request.app.state.node
    urls = node.urls
    t = _ui(request)
    digests = []
    latest = await _approved().order_by("-published", "-id").first()
    while latest is not None and len(digests) < DIGEST_FEED_WEEKS:
        monday = latest.published.astimezone(UTC).date()
        monday -= timedelta(days=monday.weekday())
        digest = await build_digest(monday, urls, t)
        digest["html"] = TEMPLATES.get_template("ch_digest_body.html").render(digest=digest, urls=urls, t=t,
                                                                            lang=t.lang)
        digests.append(digest)
        latest = await _approved().filter(published__lt=_start(monday)).order_by("-published", "-id").first()
    updated = max((iso(d["updated"]) for d in digests if d["updated"]), default=iso(node.org.created_at))
    return _atom("ch_digest.xml", request, digests=digests, updated=updated,
                 self_url=f"{urls.base}/digest.atom", html_url=f"{urls.base}/digest")
