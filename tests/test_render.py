"""node/render.py: Markdown to Mastodon-safe HTML; nothing executable survives."""

from __future__ import annotations

import re

import pytest

from node import render
from node.render import NOTE_TAGS, markdown_to_html, markdown_to_page_html

RENDERERS = pytest.mark.parametrize("to_html", [markdown_to_html, markdown_to_page_html])


def tags_in(html: str) -> set[str]:
    return set(re.findall(r"<([a-z0-9]+)[\s>/]", html))


def assert_inert(html: str) -> None:
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert re.search(r"<[^>]*\son[a-z]+\s*=", lowered) is None  # no event-handler attribute on any tag
    assert 'href="javascript:' not in lowered and "href='javascript:" not in lowered


@RENDERERS
def test_script_tag_in_markdown_is_shown_as_text(to_html):
    html = to_html("Hello <script>alert('x')</script> world")

    assert_inert(html)
    assert "&lt;script&gt;" in html


@RENDERERS
def test_raw_html_with_event_handler_is_shown_as_text(to_html):
    html = to_html('<img src="x" onerror="alert(1)">\n\n<div onclick="steal()">hi</div>')

    assert_inert(html)
    assert "&lt;img" in html and "&lt;div" in html


@RENDERERS
@pytest.mark.parametrize(
    "md",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](  javascript:alert(1) )",
        "<javascript:alert(1)>",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](vbscript:msgbox)",
        "[ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_link_schemes_never_become_links(to_html, md):
    html = to_html(md)

    assert_inert(html)
    assert "<a" not in html


@RENDERERS
def test_images_become_plain_links_with_alt_text(to_html):
    html = to_html('![Jane at the protest](https://img.example/jane.jpg "t") ![x](javascript:alert(1))')

    assert_inert(html)
    assert (
        '<a href="https://img.example/jane.jpg" rel="nofollow noopener noreferrer">Jane at the protest</a>'
        in html
    )
    assert html.count("<a ") == 1


@RENDERERS
def test_links_keep_only_href_and_get_rel(to_html):
    html = to_html('[report](https://news.example/a?x=1&y=2 "Title") [mail](mailto:desk@news.example)')

    assert (
        '<a href="https://news.example/a?x=1&amp;y=2" rel="nofollow noopener noreferrer">report</a>' in html
    )
    assert '<a href="mailto:desk@news.example" rel="nofollow noopener noreferrer">mail</a>' in html
    assert "title=" not in html


@RENDERERS
def test_relative_links_are_not_links(to_html):
    html = to_html("[home](/about) [up](../x)")

    assert "<a" not in html


def test_headings_become_strong_paragraphs_for_notes():
    html = markdown_to_html("# Background\n\nText.\n\n### Reaction\n\nMore.")

    assert html == (
        "<p><strong>Background</strong></p><p>Text.</p><p><strong>Reaction</strong></p><p>More.</p>"
    )


def test_page_keeps_h2_to_h4_and_clamps_other_levels():
    html = markdown_to_page_html("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")

    assert html == "<h2>One</h2><h2>Two</h2><h3>Three</h3><h4>Four</h4><h4>Six</h4>"


def test_note_html_uses_only_the_mastodon_subset():
    md = (
        "# H\n\n**b** *i* ~~s~~ `c` [l](https://x.example)  \nline\n\n> q\n\n- a\n- b\n\n1. one\n\n"
        "```\ncode\n```\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )

    html = markdown_to_html(md)

    assert tags_in(html) <= NOTE_TAGS
    assert "<hr" not in html and "<table" not in html


def test_paragraph_newlines_are_kept_but_block_gaps_removed():
    html = markdown_to_html("one *two*\n**three**\n\n```\na\n\nb\n```")

    assert html == "<p>one <em>two</em>\n<strong>three</strong></p><pre><code>a\n\nb\n</code></pre>"


def test_sanitiser_is_a_second_line_of_defence():
    """If the Markdown renderer ever let raw HTML through, nh3 must still strip it."""
    raw = (
        '<p onclick="x()">hi<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)" onmouseover="x()">a</a>'
        '<a href="/relative">r</a><img src=x onerror=alert(1)><iframe src="https://x"></iframe>'
        '<a href="https://ok.example" class="evil" target="_blank">ok</a>'
    )

    html = render._sanitise(raw, NOTE_TAGS)

    assert_inert(html)
    assert "alert(1)" not in html and "iframe" not in html and "/relative" not in html
    assert '<a href="https://ok.example" rel="nofollow noopener noreferrer">ok</a>' in html
