"""Search test helpers: organisations and articles made through the ORM (their
search documents follow through the signals, indexed on commit — or, inside a test's
transaction, when the next search flushes them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from hanjari.news.models import Article, Section, Tag
from hanjari.registry.models import DesignationKind
from hanjari.search import ranking
from tests.factories import DesignationFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def _fresh_frequencies():
    """Each test ranks with its own data's document frequencies (they are cached per
    process, and a test's data is rolled back after it)."""
    ranking.forget()


def make_org(name: str, *kinds: str, **fields: Any) -> Any:
    """An organisation with designations (`kind` or `kind:subtype`)."""
    org = OrganizationFactory(name=name, **fields)
    for kind in kinds or (DesignationKind.VILLAGE_ENTERPRISE,):
        kind, _sep, subtype = str(kind).partition(":")
        DesignationFactory(organization=org, kind=kind, subtype=subtype)
    return org


def make_article(
    headline: str,
    body: str = "",
    *,
    subtitle: str = "",
    status: str = Article.Status.PUBLISHED,
    published_at: dt.datetime | None = None,
    tags: tuple[str, ...] = (),
    section: str = "",
) -> Article:
    """A news article; published an hour ago unless told otherwise."""
    when = published_at or timezone.now() - dt.timedelta(hours=1)
    article = Article.objects.create(
        headline=headline,
        subtitle=subtitle,
        body_source=body,
        body_html=f"<p>{body}</p>" if body else "",
        status=status,
        published_at=when if status == Article.Status.PUBLISHED else None,
        section=Section.objects.get_or_create(name=section, slug=section)[0] if section else None,
    )
    for name in tags:
        article.tags.add(Tag.objects.get_or_create(name=name)[0])
    return article


@pytest.fixture
def corpus(db):
    """A small corpus across kinds, regions and spellings."""
    return {
        "dubu": make_org(
            "더불어락두부마을협동조합",
            DesignationKind.VILLAGE_ENTERPRISE,
            sido="광주광역시",
            sigungu="광산구",
            industry="제조업",
            products="두부, 콩물",
        ),
        "hanok": make_org("전주한옥마을협동조합", industry="서비스업", products="체험식당"),
        "koiro": make_org(
            "㈜코이로",
            DesignationKind.SELF_SUFFICIENCY_LOCAL,
            sido="서울특별시",
            sigungu="강서구",
            industry="청소",
        ),
        "social": make_org(
            "행복나눔사회적협동조합", DesignationKind.SOCIAL_COOPERATIVE, industry="돌봄"
        ),
        "gs": make_org(
            "GS25 전주중앙점", DesignationKind.SELF_SUFFICIENCY_LOCAL, industry="유통ㆍ판매(편의점)"
        ),
        "desc": make_org(
            "새벽빵공방", industry="제조업", description="우리 밀 두부 과자를 굽습니다."
        ),
        "article": make_article(
            "전주한옥마을협동조합, 마을기업 우수사례로 뽑혀",
            "전주시는 전주한옥마을협동조합이 마을기업 우수사례로 뽑혔다고 밝혔다.",
            subtitle="체험식당 운영으로 지역 일자리",
            tags=("마을기업",),
        ),
    }
