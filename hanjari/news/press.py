"""Press imports (언론 보도 가져오기): from a page to an article's fields.

The extraction itself is `hanjari.news.extract` (page text or HTML → `ExtractedArticle`).
This module turns its result into article data (Markdown body, times in Asia/Seoul),
finds the registry organisations named in the text, and reads uploaded or stored
pages. Writes go through `services.article_import`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from hanjari.core.names import normalize_name
from hanjari.registry.models import Organization

from . import extract
from .forms import decode_page, looks_like_html

KST = ZoneInfo("Asia/Seoul")
MIN_NAME_KEY = 4
MAX_SUGGESTIONS = 20
# Names that are only a kind of organisation (a register row "마을기업 주식회사" reduces
# to "마을기업"): they occur in nearly every article and name no one in particular.
GENERIC_KEYS = frozenset(
    normalize_name(term)
    for term in (
        "사회적기업",
        "예비사회적기업",
        "마을기업",
        "자활기업",
        "협동조합",
        "사회적협동조합",
        "협동조합연합회",
        "사회적협동조합연합회",
        "사회적경제",
        "사회적경제기업",
        "사회적경제조직",
        "자활센터",
        "지역자활센터",
        "영농조합법인",
        "농업회사법인",
    )
)

# Markdown that would change a plain paragraph: block markers at the start of a line
# (headings, quotes, lists, code fences, thematic breaks, tables) and inline markers.
_BLOCK_START = re.compile(r"^(\s*)(#|>|[-+*](?=\s)|\d{1,9}[.)](?=\s)|```|~~~|={3,}|-{3,}|\|)")
_INLINE = re.compile(r"([\\`*_<])")
# Brackets only matter as a link: "[text](…)", "[text][…]" or "[label]: …".
_LINK_BRACKETS = re.compile(r"\[([^\[\]]*)\](?=[(\[:])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")


def markdown_paragraph(text: str) -> str:
    """One plain-text paragraph as Markdown that renders to exactly that text.

    Inner line breaks become spaces; ``\\ ` * _ <``, an ``&`` that would start an
    entity, brackets that would make a link, and a block marker at the start (``#``,
    ``>``, list markers, fences) are backslash-escaped. Brackets that cannot form a
    link stay as they are, so a dateline such as ``[뉴스스텝]`` reads unchanged."""
    text = " ".join(text.split())
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _LINK_BRACKETS.sub(lambda m: "\\[" + m.group(1) + "\\]", text)
    return _BLOCK_START.sub(_escape_block_marker, text, count=1)


def _escape_block_marker(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():  # "1. " → "1\. " (a backslash before a digit escapes nothing)
        return indent + marker[:-1] + "\\" + marker[-1]
    return indent + "\\" + marker


def body_markdown(paragraphs: list[str]) -> str:
    """Extracted body paragraphs as Markdown, one blank line between paragraphs."""
    return "\n\n".join(markdown_paragraph(p) for p in paragraphs if p.strip())


def parse_local(value: str | None) -> dt.datetime | None:
    """An extractor time (naive ISO 8601 in Korean local time, or a date only) as an
    aware datetime in Asia/Seoul; a date alone means 00:00. None for None, "" or an
    unreadable value."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=KST)
    return parsed


def extract_page(page: str, *, file_name: str = "", url: str = "") -> extract.ExtractedArticle:
    """Extract an article from page text, or from HTML (an .html/.htm file, or text
    that is clearly an HTML document)."""
    if looks_like_html(page, file_name):
        return extract.extract_html(page, url=url, file_name=file_name)
    return extract.extract_text(page, file_name=file_name)


def _outlet(found: extract.ExtractedArticle) -> str:
    return (getattr(found, "outlet", None) or getattr(found, "site_name", None) or "").strip()


def _captions(found: extract.ExtractedArticle) -> list[str]:
    captions = list(getattr(found, "photo_captions", None) or [])
    if not captions and getattr(found, "photo_caption", None):
        captions = [found.photo_caption]
    return [c for c in captions if c and c.strip()]


@dataclass
class PressFields:
    """What an import saves, before the editor corrects it."""

    data: dict[str, Any]
    photo_captions: list[str]
    notes: str

    def initial(self) -> dict[str, Any]:
        """Initial values for `ImportArticleForm`."""
        return {**self.data, "photo_captions": "\n".join(self.photo_captions)}


def press_fields(found: extract.ExtractedArticle, *, url: str = "") -> PressFields:
    """`services.ARTICLE_FIELDS` data (plus captions) from an extraction result."""
    data = {
        "headline": (found.headline or "").strip(),
        "subtitle": (found.subtitle or "").strip(),
        "byline_name": (found.reporter or "").strip(),
        "outlet": _outlet(found),
        "original_published_at": parse_local(found.published_at),
        "original_updated_at": parse_local(found.updated_at),
        "dateline_prefix": (found.dateline_prefix or "").strip(),
        "body_source": body_markdown(list(found.body_paragraphs or [])),
        "copyright_line": (found.copyright_line or "").strip(),
        "original_url": url,
    }
    notes = found.notes if isinstance(found.notes, str) else "\n".join(found.notes or [])
    return PressFields(data=data, photo_captions=_captions(found), notes=notes)


def suggest_organizations(
    *texts: str, limit: int = MAX_SUGGESTIONS, queryset: Any = None
) -> list[Organization]:
    """Registry organisations named in `texts` (관련 조직 제안).

    Compares each organisation's `normalize_name` key (legal-form markers, spaces and
    punctuation removed) with the normalised text. Only keys of at least
    `MIN_NAME_KEY` (4) characters count, to avoid noise from short names, and never a
    key that is only a kind of organisation (`GENERIC_KEYS`, e.g. "마을기업"). Longer names
    are matched first and their occurrences masked, so "전주시협동조합협의회" in the text
    does not also suggest an organisation called "전주시협동조합". Ordered by first
    occurrence in the text; at most `limit`.
    """
    haystack = normalize_name(" ".join(texts))
    if not haystack:
        return []
    qs = queryset if queryset is not None else Organization.objects.all()
    keys: dict[str, list[int]] = {}
    for pk, key in qs.values_list("pk", "name_normalized").iterator(chunk_size=5000):
        if key and len(key) >= MIN_NAME_KEY and key not in GENERIC_KEYS and key in haystack:
            keys.setdefault(key, []).append(pk)
    first_seen: list[tuple[int, int]] = []
    for key in sorted(keys, key=len, reverse=True):
        position = haystack.find(key)
        if position < 0:
            continue  # only inside a longer name already matched
        first_seen.extend((position, pk) for pk in keys[key])
        haystack = haystack.replace(key, "\x00" * len(key))
    first_seen.sort()
    ids = [pk for _position, pk in first_seen][:limit]
    by_id = Organization.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


_BLOCK_TAGS = (
    "p", "div", "section", "article", "header", "footer", "aside", "nav", "li", "ul", "ol",
    "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "table", "tr", "blockquote",
    "dt", "dd", "pre", "address", "main",
)  # fmt: skip


def display_text(page: str, *, file_name: str = "") -> str:
    """The page as an editor reads it beside the extracted fields: page text as it is;
    for HTML, the visible text with a line per block element (scripts and styles
    dropped), or the HTML itself if it cannot be parsed."""
    if not looks_like_html(page, file_name):
        return page
    try:
        from lxml import html as lxml_html

        root = lxml_html.fromstring(page)
    except Exception:  # unparsable markup: show it as it is
        return page
    for node in root.xpath("//script|//style|//noscript|//template|//head"):
        node.drop_tree()
    for node in root.iter("br", *_BLOCK_TAGS):
        node.tail = "\n" + (node.tail or "")
    lines = [" ".join(line.split()) for line in root.text_content().splitlines()]
    text = "\n".join(line for line in lines if line)
    return text or page


def read_page_file(path: Path) -> str:
    """A stored page (.txt or .html) decoded as UTF-8 or CP949 (see `forms.decode_page`).
    Raises ValidationError for an undecodable file, OSError for an unreadable one."""
    return decode_page(path.read_bytes())
