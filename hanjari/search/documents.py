"""The documents of the registry, the news desk and the events: organisations (조직),
published news articles (기사) and public events (행사). Registered by
`SearchConfig.ready()`; other apps add theirs the same way
(`hanjari.search.registry.register`)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from hanjari.core import regions
from hanjari.core.names import legal_form
from hanjari.events.models import SEOUL, Event, ProgrammeItem
from hanjari.news.models import Article, Section, Tag
from hanjari.registry.models import (
    SECTORS,
    Council,
    Designation,
    DesignationKind,
    Organization,
)

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
    without its 시/군/구, in Korean and English (전주시, 전주, Jeonju-si, Jeonju)."""
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
        english = regions.SIGUNGU_ENGLISH.get(sigungu, "")
        if english:
            terms += [english, english.rsplit("-", 1)[0]]  # Jeonju-si, Jeonju
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
    sectors = list(dict.fromkeys(_SECTOR_OF[k] for k in kinds if k in _SECTOR_OF))
    # Korean labels whatever language the saving request used (an edit made through the
    # English interface must not index "Village enterprise" in place of 마을기업).
    with translation.override(settings.LANGUAGE_CODE):
        labels = [str(DesignationKind(k).label) for k in kinds if k in DesignationKind.values]
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
            # Stored in Korean; the page shows it in the reader's language.
            "region": regions.region_label(org.sido, org.sigungu, language="ko"),
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


def build_event(event: Event) -> Document | None:
    """A public event's document: title (A); its kind (워크숍, 박람회 …), description,
    programme item titles and organisers — the free text and the organising
    organisations and councils (B); venue, venue address, region names, participating
    councils and organisations, the programme's speakers (name, role, organisation),
    rooms and item kinds, the English name of its kind (C). Registrations are never
    indexed (private). Drafts (준비 중) are not searchable — the kind's queryset is
    `Event.objects.public()`, which readers see; cancelled events stay findable, as
    their page stays public. The region filter uses the 시도 of the venue address, else
    the one 시도 shared by the organisations and councils it names. The result line
    shows the venue and the start date."""
    if event.status == Event.Status.DRAFT:
        return None
    programme = list(event.programme.all())
    organisers = [
        event.organiser_text,
        *(c.name for c in event.organiser_councils.all()),
        *(o.name for o in event.organiser_organizations.all()),
    ]
    participants = [
        *(c.name for c in event.participating_councils.all()),
        *(o.name for o in event.participating_organizations.all()),
    ]
    programme_extra: list[str] = []
    for item in programme:
        programme_extra += [item.speaker_name, item.speaker_role, item.location]
        if item.speaker_organization is not None:
            programme_extra.append(item.speaker_organization.name)
    # Labels in the site's language (Korean), whatever language the request that saved
    # the event used, and the English one besides.
    with translation.override(settings.LANGUAGE_CODE):
        kind_label = str(Event.Kind(event.kind).label) if event.kind in Event.Kind.values else ""
        item_kinds = [
            str(ProgrammeItem.Kind(i.kind).label)
            for i in programme
            if i.kind in ProgrammeItem.Kind.values and i.kind != ProgrammeItem.Kind.OTHER
        ]
    with translation.override("en"):
        kind_english = str(Event.Kind(event.kind).label) if event.kind in Event.Kind.values else ""
    found, sigungu, _rest = regions.split_address(event.venue_address)
    sido = found.name if found else ""
    if not sido:
        named = [
            *event.organiser_organizations.all(),
            *event.participating_organizations.all(),
            *event.organiser_councils.all(),
            *event.participating_councils.all(),
        ]
        sidos = {x.sido for x in named if x.sido}
        sido = sidos.pop() if len(sidos) == 1 else ""
    description = _SPACES.sub(" ", event.description or "").strip()
    titles = [i.title for i in programme if i.title]
    starts = event.starts_at or dt.datetime.combine(event.start_date, dt.time(0, 0), tzinfo=SEOUL)
    return Document(
        title=event.title,
        description=[kind_label, description, *titles, *organisers],
        other=[
            event.venue_name,
            event.venue_address,
            *region_terms(sido, sigungu),
            *participants,
            *programme_extra,
            *item_kinds,
            kind_english,
        ],
        body=" · ".join(p for p in (description, *titles) if p),
        meta={
            # `region` and `published` are what the result line shows as its place and
            # date (`hanjari.search.views`): the venue and the start.
            "region": event.venue_name or " ".join(p for p in (sido, sigungu) if p),
            "published": starts.isoformat(),
            "status": event.status,
        },
        sido=sido,
        date=starts,
    )


def _event_ids(*querysets: Any) -> list[int]:
    """The distinct `event_id`s of rows of `querysets` (one UNION query)."""
    first, *rest = (qs.order_by().values_list("event_id", flat=True) for qs in querysets)
    return sorted(pk for pk in first.union(*rest) if pk is not None)


def _events_naming_organization(org: Organization) -> list[int]:
    """Events whose document names `org`: as organiser, participant or speaker's
    organisation (one query on each organisation save)."""
    if not org.pk:
        return []
    return _event_ids(
        Event.organiser_organizations.through.objects.filter(organization_id=org.pk),
        Event.participating_organizations.through.objects.filter(organization_id=org.pk),
        ProgrammeItem.objects.filter(speaker_organization_id=org.pk),
    )


def _events_naming_council(council: Council) -> list[int]:
    """Events whose document names `council`: as organiser or participant."""
    if not council.pk:
        return []
    return _event_ids(
        Event.organiser_councils.through.objects.filter(council_id=council.pk),
        Event.participating_councils.through.objects.filter(council_id=council.pk),
    )


def _event_queryset() -> Any:
    return Event.objects.public().prefetch_related(
        Prefetch(
            "programme",
            queryset=ProgrammeItem.objects.select_related("speaker_organization").order_by(
                "order", "id"
            ),
        ),
        "organiser_organizations",
        "organiser_councils",
        "participating_councils",
        "participating_organizations",
    )


def _article_ids(qs: Any) -> list[int]:
    return list(qs.values_list("pk", flat=True))


def register_defaults() -> None:
    """Register organisations, news articles and events (called from
    `SearchConfig.ready`)."""
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
    register(
        "event",
        Event,
        build_event,
        label=_("행사"),
        queryset=_event_queryset,
        related=[
            (ProgrammeItem, lambda item: [item.event_id]),
            (Organization, _events_naming_organization),
            (Council, _events_naming_council),
        ],
        m2m=[
            Event.organiser_organizations.through,
            Event.organiser_councils.through,
            Event.participating_councils.through,
            Event.participating_organizations.through,
        ],
        order=30,
    )
