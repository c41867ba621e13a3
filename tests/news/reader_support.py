"""Shared helpers for the news reader tests (the role fixtures — editor, reporter — are in
tests/news/conftest.py).

`publish_reference_article()` builds the reference page (data/news/jeonju_workshop_
2023-12-11.txt) through the services — create → submit → approve → publish — with the
approval at its 기사승인 time, so the page must show
``최선경 기자 / 기사승인 : 2023-12-11 17:40:25``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.contrib.auth.models import Group

from hanjari.news import services
from hanjari.news.models import Article, Section
from tests.factories import UserFactory

REPO = Path(__file__).resolve().parents[2]
REFERENCE_FILE = REPO / "data" / "news" / "jeonju_workshop_2023-12-11.txt"
SEOUL = ZoneInfo("Asia/Seoul")
APPROVED_AT = dt.datetime(2023, 12, 11, 17, 40, 25, tzinfo=SEOUL)
REFERENCE_BYLINE = "최선경 기자 / 기사승인 : 2023-12-11 17:40:25"
BROWSER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
XSS_PAYLOADS = [
    "<img src=x onerror=alert(1)>좋은 기사",
    "<script>alert(1)</script>응원합니다",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)" onclick="alert(1)">링크</a>',
    "<iframe src=javascript:alert(1)></iframe>본문",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "3 < 5 & 7 > 2",
]


@dataclass(frozen=True)
class ReferencePage:
    headline: str
    subtitle: str
    caption: str
    paragraphs: list[str]
    copyright_line: str


def reference_page() -> ReferencePage:
    """The parts of the reference page text (only this file's layout)."""
    lines = [line.strip() for line in REFERENCE_FILE.read_text(encoding="utf-8").splitlines()]
    headline = lines[0]
    tools_end = max(i for i, line in enumerate(lines) if line.endswith("인쇄"))
    subtitle = lines[tools_end + 1]
    caption_at = next(i for i, line in enumerate(lines) if line.startswith("▲"))
    copyright_at = next(i for i, line in enumerate(lines) if line.startswith("[저작권자"))
    paragraphs = [line for line in lines[caption_at + 1 : copyright_at] if line]
    return ReferencePage(
        headline=headline,
        subtitle=subtitle,
        caption=lines[caption_at],
        paragraphs=paragraphs,
        copyright_line=lines[copyright_at],
    )


def user_in_group(username: str, group: str, **extra: Any) -> Any:
    user = UserFactory(username=username, **extra)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


SECTION_NAMES = {"centre": "센터 소식", "enterprises": "기업 소식", "press": "언론 보도"}


def section(slug: str = "press") -> Section:
    """A section by slug (the migration creates the three default ones; a transactional
    test that flushed the database gets them again)."""
    return Section.objects.get_or_create(
        slug=slug, defaults={"name": SECTION_NAMES.get(slug, slug)}
    )[0]


def publish(
    article: Article, *, author: Any, editor: Any, at: dt.datetime | None = None
) -> Article:
    """Submit, approve and publish `article` (at time `at`, frozen, when given)."""
    if at is None:
        article = services.article_submit(article=article, by=author)
        article = services.article_approve(article=article, by=editor)
        return services.article_publish(article=article, by=editor)
    with time_machine.travel(at, tick=False):
        return publish(article, author=author, editor=editor)


def published_article(
    *,
    author: Any,
    editor: Any,
    headline: str = "사회적경제 소식",
    at: dt.datetime | None = None,
    organizations: list[Any] | None = None,
    **data: Any,
) -> Article:
    """A published article through the services."""
    data.setdefault("body_source", f"{headline} 본문입니다.")
    article = services.article_create(
        by=author, data={"headline": headline, **data}, organizations=organizations
    )
    return publish(article, author=author, editor=editor, at=at)


def publish_reference_article(
    *, author: Any, editor: Any, organizations: list[Any] | None = None
) -> Article:
    """The reference article (press coverage by 최선경, 뉴스스텝), approved and published
    at 2023-12-11 17:40:25 Korean time, with its photo caption (no image file)."""
    page = reference_page()
    article = services.article_create(
        by=author,
        data={
            "headline": page.headline,
            "subtitle": page.subtitle,
            "body_source": "\n\n".join(page.paragraphs),
            "dateline_prefix": "[뉴스스텝]",
            "byline_name": "최선경",
            "outlet": "뉴스스텝",
            "copyright_line": page.copyright_line,
            "section": section("press"),
        },
        organizations=organizations,
    )
    services.article_add_photo(article=article, by=author, caption=page.caption)
    return publish(article, author=author, editor=editor, at=APPROVED_AT)


# --- a small HTML tree for assertions (stdlib only) -----------------------------------------

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Any]
    parent: Node | None = None

    def text(self) -> str:
        """The text content (like DOM textContent)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Any:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements with `tag` (any when None) whose attributes contain `attrs`; `class_`
        matches one class among several."""
        found = []
        for node in self.iter():
            if tag and node.tag != tag:
                continue
            ok = True
            for key, value in attrs.items():
                if key == "class_":
                    ok = value in node.attrs.get("class", "").split()
                else:
                    ok = node.attrs.get(key.replace("_", "-")) == value
                if not ok:
                    break
            if ok:
                found.append(node)
        return found

    def find(self, tag: str | None = None, **attrs: str) -> Node | None:
        found = self.find_all(tag, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, [])
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, [], self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, [], self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(markup: str | bytes) -> Node:
    """A tree of `markup` for assertions: `.find(tag, class_=…, id=…)`, `.text()`."""
    builder = _TreeBuilder()
    builder.feed(markup.decode() if isinstance(markup, bytes) else markup)
    builder.close()
    return builder.root


def squash(text: str) -> str:
    """Whitespace collapsed to single spaces, trimmed."""
    return " ".join(text.split())
