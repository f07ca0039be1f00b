"""Markdown to HTML that is safe to federate and to serve.

Two outputs, one pipeline: markdown-it-py (CommonMark, raw HTML disabled,
plus ``~~strikethrough~~``) renders, then nh3 sanitises to an allow-list.

* :func:`markdown_to_html` produces the subset that survives Mastodon's
  sanitizer unchanged (interop-mastodon.md 6.3), so what we send is what
  readers see: headings become ``<p><strong>``, images become links.
* :func:`markdown_to_page_html` is for our own alert page and may also keep
  ``h2``-``h4`` (the page's ``h1`` is the headline).

Links keep only ``href`` with an http, https or mailto URL, and get
``rel="nofollow noopener noreferrer"``. The Markdown parser already refuses
other schemes; the sanitiser enforces it again so that a parser change can
never let ``javascript:`` or an event handler through.

Used by both interfaces: :func:`alert_view` is the one description of how an
alert is laid out on its web page (the public page, ``alert.html``, and the
composer's "on the web page" preview both render it with
``webui_alert_article.html``); :func:`sanitize_remote_html` cuts a remote
reply down for the public page and the staff's moderation list.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:  # markdown-it and nh3 are imported by the first render (an idle node renders nothing)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from node import i18n
from node.alerts import Alert

NOTE_TAGS = frozenset(
    {
        "p",
        "br",
        "span",
        "a",
        "del",
        "s",
        "pre",
        "blockquote",
        "code",
        "b",
        "strong",
        "u",
        "i",
        "em",
        "ul",
        "ol",
        "li",
    }
)
PAGE_TAGS = NOTE_TAGS | {"h2", "h3", "h4"}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener noreferrer"

_LINK_RE = re.compile(r"^(?:https?://[^\s/?#]+|mailto:[^\s@]+@[^\s@]+)", re.IGNORECASE)
_BLOCK_GAP_RE = re.compile(r"\n+(?=</?(?:p|ul|ol|li|blockquote|pre|h[1-6])[\s>])")


def markdown_to_html(md: str) -> str:
    """Render Markdown to the HTML subset Mastodon keeps (for a Note's ``content``)."""
    return _sanitise(_parser(keep_headings=False).render(md), NOTE_TAGS)


def markdown_to_page_html(md: str) -> str:
    """Render Markdown for our own web page: the Note subset plus ``h2``-``h4``."""
    return _sanitise(_parser(keep_headings=True).render(md), PAGE_TAGS)


def is_safe_link(url: str) -> bool:
    """True for an absolute http(s) URL with a host, or a mailto: address."""
    return bool(_LINK_RE.match(url.strip()))


def _sanitise(rendered: str, tags: frozenset[str]) -> str:
    import nh3

    cleaned = nh3.clean(
        rendered,
        tags=set(tags),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}, "*": set()},  # "*" overrides ammonia's default lang/title
        attribute_filter=_keep_attribute,
        url_schemes=set(LINK_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    # Mastodon and most clients render the text between block elements, so
    # drop markdown-it's newlines there (never inside a paragraph or <pre>).
    return _BLOCK_GAP_RE.sub("", cleaned).strip()


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """Keep a safe ``href`` and the ``rel`` nh3 adds itself; drop every other attribute."""
    if element == "a" and attribute == "href" and is_safe_link(value):
        return value
    if element == "a" and attribute == "rel":
        return LINK_REL
    return None


@functools.cache
def _parser(*, keep_headings: bool) -> MarkdownIt:
    """The two parsers (Note, page), each made by its first use."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("strikethrough")
    md.validateLink = is_safe_link  # type: ignore[method-assign]
    if keep_headings:
        md.add_render_rule("heading_open", _page_heading_open)
        md.add_render_rule("heading_close", _page_heading_close)
    else:
        md.add_render_rule("heading_open", lambda *_: "<p><strong>")
        md.add_render_rule("heading_close", lambda *_: "</strong></p>\n")
    md.add_render_rule("image", _image_as_link)
    return md


def _page_level(token: Token) -> str:
    level = min(max(int(token.tag[1:]), 2), 4)  # h1 is the page title; h5/h6 read as h4
    return f"h{level}"


def _page_heading_open(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"<{_page_level(tokens[idx])}>"


def _page_heading_close(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f"</{_page_level(tokens[idx])}>\n"


def _image_as_link(renderer: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """Images are dropped by Mastodon; keep them as a link labelled with the alt text."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{html.escape(src)}">{html.escape(alt)}</a>'




def alert_view(alert: Alert, *, url: str, ui: i18n.Translator, published: datetime | None = None,
               updated: datetime | None = None, language: str | None = None, attachments: list[dict] | None = None,
               alert_id: str | None = None) -> dict:
    """Everything the alert's page shows, in ``language`` (the original's parts fill any gaps)."""
    display = language if language in alert.translations else alert.language
    tr = alert.translations.get(display)
    headline = (tr.headline if tr else None) or alert.headline
    summary = (tr.summary if tr else None) or alert.summary
    body = (tr.body if tr else None) or alert.body
    warning = ((tr.content_warning if tr else None) or alert.content_warning) if alert.content_warning else None
    body_raw = markdown_to_page_html(body)
    return {
        "id": alert_id, "url": url, "alert": alert, "published": published, "updated": updated,
        "type_label": ui.vocab("ALERT_TYPES", alert.type),
        "country_name": ui.vocab("COUNTRIES", alert.country),
        "categories": [ui.vocab("CATEGORIES", c) for c in alert.categories],
        "act_types": [ui.vocab("ACT_TYPES", c) for c in alert.act_types],
        "headline": headline, "summary": summary, "content_warning": warning,
        "body_raw": markdown_to_page_html(alert.body), "body_html": Markup(body_raw),
        "language": display, "dir": i18n.text_direction(display),
        # parts the translation leaves out are shown in the original, marked with its language
        "fallback": {"headline": not (tr and tr.headline), "summary": not (tr and tr.summary),
                     "body": not (tr and tr.body)} if tr else {},
        "original_dir": i18n.text_direction(alert.language),
        "languages": [(tag, i18n.native_language_name(tag)) for tag in [alert.language, *alert.translations]],
        "attachments": attachments or [],
        "incident_date": ui.date(alert.incident_date),
        "deadline": ui.date(alert.recommended_action.deadline) if alert.recommended_action else "",
        "translations": {
            lang: {"t": t, "body_html": Markup(markdown_to_page_html(t.body or ""))}
            for lang, t in (alert.translations or {}).items()
        },
        "rtl": i18n.RTL_LANGUAGES,
    }


def sanitize_remote_html(html: str) -> str:
    """A remote reply's HTML, cut down to the tags Mastodon keeps and safe links only."""
    import nh3

    return nh3.clean(
        html or "", tags=set(NOTE_TAGS), clean_content_tags={"script", "style"},
        attributes={"a": {"href"}, "*": set()},
        attribute_filter=lambda el, attr, value: value if (el == "a" and attr == "href" and is_safe_link(value))
        else (LINK_REL if el == "a" and attr == "rel" else None),
        url_schemes={"http", "https", "mailto"}, link_rel=LINK_REL, strip_comments=True,
    )
