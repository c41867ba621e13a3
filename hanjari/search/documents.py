"""The documents of the registry and the news desk: organisations (조직) and published
news articles (기사). Registered by `SearchConfig.ready()`; other apps add theirs the
same way (`hanjari.search.registry.register`)."""

from __future__ import annotations

import html
import re
from typing import Any

from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from hanjari.core import regions
from hanjari.core.names import legal_form
from hanjari.news.models import Article, Section, Tag
from hanjari.registry.models import SECTORS, Designation, DesignationKind, Organization

from .registry import Document, register

# English names of the kinds, so "village enterprise" or "social cooperative" finds them.
KIND_ENGLISH: dict[str, str] = {
    DesignationKind.SOCIAL_ENTERPRISE: "certified social enterprise",
    DesignationKind.PRE_SOCIAL_ENTERPRISE_REGIONAL: "pre-certified social enterprise regional",
    DesignationKind.PRE_SOCIAL_ENTERPRISE_MINISTRY: "pre-certified social enterprise ministry",
    DesignationKind.VILLAGE_ENTERPRISE: "village enterprise",
    DesignationKind.SELF_SUFFICIENCY_LOCAL: "self-sufficiency enterprise local",
    DesignationKind.SELF_SUFFICIENCY_REGIONAL: "self-sufficiency enterprise regional",
    DesignationKind.SELF_SUFFICIENCY_NATIONAL: "self-sufficiency enterprise national",
    DesignationKind.COOPERATIVE: "cooperative",
    DesignationKind.SOCIAL_COOPERATIVE: "social cooperative",
    DesignationKind.COOPERATIVE_FEDERATION: "cooperative federation",
    DesignationKind.SOCIAL_COOPERATIVE_FEDERATION: "social cooperative federation",
    DesignationKind.MIXED_COOPERATIVE_FEDERATION: "mixed cooperative federation",
}
_SECTOR_OF = {kind: key for key, (_label, kinds) in SECTORS.items() for kind in kinds}
_SPACES = re.compile(r"\s+")


def region_terms(sido: str, sigungu: str) -> list[str]:
    """Every name a person may use for a region: the 시도's canonical, short, former
    and English names (전북특별자치도, 전북, 전라북도, Jeonbuk), and the 시군구 with and
    without its 시/군/구 (전주시, 전주)."""
    terms: list[str] = []
    found = regions.resolve_sido(sido)
    if found is not None:
        terms += [found.name, found.short_name, found.english_name, *found.aliases]
    elif sido:
        terms.append(sido)
    if sigungu:
        terms.append(sigungu)
        if len(sigungu) >= 3 and sigungu[-1] in "시군구":
            terms.append(sigungu[:-1])
    return terms


def plain_text(fragment: str) -> str:
    """The text of an HTML fragment, entities decoded, whitespace collapsed."""
    return _SPACES.sub(" ", html.unescape(strip_tags(fragment or ""))).strip()


def build_organization(org: Organization) -> Document:
    """An organisation's document: name and other names (A); industry, products,
    description and its kinds in Korean (B); sub-types, English kind names, legal
    form, region names and address (C)."""
    designations = list(org.designations.all())
    kinds = list(dict.fromkeys(d.kind for d in designations))
    labels = [str(DesignationKind(k).label) for k in kinds if k in DesignationKind.values]
    sectors = list(dict.fromkeys(_SECTOR_OF[k] for k in kinds if k in _SECTOR_OF))
    sector_labels = [str(SECTORS[s][0]) for s in sectors]
    other: list[str] = [d.subtype for d in designations if d.subtype]
    other += [KIND_ENGLISH.get(k, "") for k in kinds]
    if org.legal_form and org.legal_form != "other":
        try:
            form = legal_form(org.legal_form)
            other += [form.name, form.english_name]
        except KeyError:
            pass
    other += region_terms(org.sido, org.sigungu)
    other.append(org.address)
    shown = [org.industry, org.products, org.description]
    current = [d.kind for d in designations if d.status == Designation.Status.ACTIVE]
    return Document(
        title=org.name,
        names=[str(a) for a in (org.aliases or []) if a],
        description=[org.industry, org.products, org.description, *labels, *sector_labels],
        other=other,
        body=" · ".join(p.strip() for p in shown if p and p.strip()),
        meta={
            "kinds": list(dict.fromkeys(current or kinds)),
            "region": org.region_display,
        },
        sido=org.sido,
        date=org.created_at,
    )


def build_article(article: Article) -> Document | None:
    """A published article's document: headline (A); subtitle and tags (B); body text,
    section, outlet and the names of the organisations it is about (C). Drafts,
    submitted, approved and withdrawn articles are not searchable; a scheduled one is
    hidden until its publication time (`visible_from`)."""
    if article.status != Article.Status.PUBLISHED or article.published_at is None:
        return None
    body = plain_text(article.body_html)
    orgs = list(article.organizations.all())
    sidos = {o.sido for o in orgs if o.sido}
    tags = [t.name for t in article.tags.all()]
    # The time the article page shows (see `Article.shown_at`).
    shown = article.original_published_at or article.approved_at or article.published_at
    return Document(
        title=article.headline,
        description=[article.subtitle, *tags],
        other=[
            body,
            article.section.name if article.section else "",
            article.outlet,
            *(o.name for o in orgs),
        ],
        body=" ".join(p for p in (article.subtitle, body) if p),
        meta={
            "section": article.section.name if article.section else "",
            "published": shown.isoformat(),
            "outlet": article.outlet,
        },
        sido=sidos.pop() if len(sidos) == 1 else "",
        date=article.published_at,
        visible_from=article.published_at,
    )


def _article_ids(qs: Any) -> list[int]:
    return list(qs.values_list("pk", flat=True))


def register_defaults() -> None:
    """Register organisations and news articles (called from `SearchConfig.ready`)."""
    register(
        "organization",
        Organization,
        build_organization,
        label=_("조직"),
        queryset=lambda: Organization.objects.prefetch_related("designations"),
        related=[(Designation, lambda d: [d.organization_id])],
        fuzzy=True,
        order=10,
    )
    register(
        "article",
        Article,
        build_article,
        label=_("소식"),
        queryset=lambda: Article.objects.select_related("section").prefetch_related(
            "tags", "organizations"
        ),
        related=[
            (Tag, lambda t: _article_ids(t.articles.all())),
            (Section, lambda s: _article_ids(s.articles.all())),
            (Organization, lambda o: _article_ids(o.articles.all()) if o.pk else []),
        ],
        m2m=[Article.tags.through, Article.organizations.through],
        order=20,
    )
