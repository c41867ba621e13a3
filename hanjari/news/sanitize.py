"""Turning user input into safe HTML for articles, and plain text for comments."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt

ARTICLE_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "caption",
    "hr",
    "sup",
    "sub",
    "code",
    "pre",
}
ARTICLE_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}
_MD = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})


def article_html(source: str) -> str:
    """Render article input (Markdown, which may contain HTML) to sanitised HTML.

    Markdown is rendered with markdown-it (CommonMark), then nh3 (ammonia) keeps only
    `ARTICLE_TAGS` / `ARTICLE_ATTRIBUTES`, http(s)/mailto links with
    ``rel="noopener noreferrer nofollow"``; scripts, styles, event-handler attributes
    and `javascript:` URLs are removed. Returns "" for empty input.
    """
    if not source.strip():
        return ""
    return nh3.clean(
        _MD.render(source),
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(value: str) -> str:
    """Comment text: every HTML tag removed (nh3 with no tags allowed), then turned back
    into plain text (nh3 returns HTML, ``3 > 2`` as ``3 &gt; 2``; stored as is, the
    template would escape it a second time and show ``&gt;``). The result is text, to
    be escaped once on output. Strips surrounding whitespace."""
    return html.unescape(nh3.clean(value, tags=set(), attributes={})).strip()
