"""Registry reads: the directory, the profile, counts for the home page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import QueryDict

from hanjari.core import regions

from .models import SECTORS, Designation, DesignationKind, Organization

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

SORTS = {
    "name": ("name", "id"),
    "-created": ("-created_at", "-id"),
    "region": ("sido", "sigungu", "name", "id"),
}


@dataclass(frozen=True)
class DirectoryFilters:
    """The directory's filters, read from the query string (bookmarkable).

    `kind` is a sector key (`village`, `self_sufficiency`, `social_enterprise`,
    `cooperative`) or a `DesignationKind` value; `sido` / `sigungu` canonical or alias
    names; `q` free text over name, industry, products and description; `sort` one of
    `SORTS`; `all_status` also lists designations missing from the latest list.
    """

    kind: str = ""
    subtype: str = ""
    sido: str = ""
    sigungu: str = ""
    industry: str = ""
    q: str = ""
    sort: str = "name"
    all_status: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> DirectoryFilters:
        def get(name: str, limit: int = 100) -> str:
            # Control characters (e.g. NUL, which PostgreSQL refuses) are dropped.
            text = _CONTROL.sub("", query.get(name) or "")
            return text.strip()[:limit]

        sido_text = get("sido")
        sido = regions.resolve_sido(sido_text) if sido_text else None
        kind = get("kind")
        if kind and kind not in SECTORS and kind not in DesignationKind.values:
            kind = ""
        sort = get("sort") or "name"
        return cls(
            kind=kind,
            subtype=get("subtype"),
            sido=sido.name if sido else "",
            sigungu=get("sigungu", 40) if sido else "",
            industry=get("industry"),
            q=get("q", 200),
            sort=sort if sort in SORTS else "name",
            all_status=query.get("all_status") in ("1", "on", "true"),
        )

    def kinds(self) -> list[str]:
        if not self.kind:
            return []
        return [str(k) for k in SECTORS[self.kind][1]] if self.kind in SECTORS else [self.kind]


def organization_directory(*, filters: DirectoryFilters) -> QuerySet[Organization]:
    """The directory's rows: organisations matching `filters`, designations prefetched.

    Organisations without a matching designation are left out when a kind or subtype
    is given. Ordered by `filters.sort`.
    """
    qs = Organization.objects.all()
    designation_q = Q(organization=OuterRef("pk"))
    if not filters.all_status:
        designation_q &= Q(status=Designation.Status.ACTIVE)
    if filters.kinds():
        designation_q &= Q(kind__in=filters.kinds())
    if filters.subtype:
        designation_q &= Q(subtype=filters.subtype)
    if filters.kinds() or filters.subtype or not filters.all_status:
        qs = qs.filter(Exists(Designation.objects.filter(designation_q)))
    if filters.sido:
        qs = qs.in_region(filters.sido, filters.sigungu)
    if filters.industry:
        qs = qs.filter(industry__icontains=filters.industry)
    if filters.q:
        from hanjari.core.names import normalize_name

        norm = normalize_name(filters.q)
        text_q = (
            Q(name__icontains=filters.q)
            | Q(industry__icontains=filters.q)
            | Q(products__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(address__icontains=filters.q)
        )
        if norm:
            text_q |= Q(name_normalized__contains=norm)
        qs = qs.filter(text_q)
    return qs.order_by(*SORTS[filters.sort]).prefetch_related("designations")


def sector_counts(*, sido: str = "", sigungu: str = "") -> dict[str, int]:
    """Number of organisations with a current designation of each sector (유형),
    nationally or in a region. Keys are `SECTORS` keys plus ``total``."""
    qs = Designation.objects.current()
    if sido:
        qs = qs.filter(organization__sido=sido)
    if sigungu:
        qs = qs.filter(organization__sigungu=sigungu)
    counts: dict[str, int] = {}
    for key, (_label, kinds) in SECTORS.items():
        counts[key] = qs.filter(kind__in=kinds).values("organization").distinct().count()
    counts["total"] = qs.values("organization").distinct().count()
    return counts


def home_region() -> tuple[str, str]:
    """(canonical 시도, 시군구) of the `HANJARI_HOME_REGION` setting."""
    from django.conf import settings

    text = settings.HANJARI_HOME_REGION.strip()
    sido_text, _sep, sigungu = text.partition(" ")
    sido = regions.resolve_sido(sido_text)
    return (sido.name if sido else "", sigungu.strip())


def subtype_choices(kind: str) -> list[str]:
    """Distinct sub-types (세부 유형) in use for a kind or sector, sorted."""
    kinds = DirectoryFilters(kind=kind).kinds()
    qs = Designation.objects.exclude(subtype="")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return sorted(set(qs.values_list("subtype", flat=True)))


def sigungu_choices(sido: str) -> list[str]:
    """Distinct 시군구 names of organisations in `sido`, sorted."""
    if not sido:
        return []
    values = (
        Organization.objects.filter(sido=sido).exclude(sigungu="").values_list("sigungu", flat=True)
    )
    return sorted(set(values))


def organization_profile(*, pk: int) -> Organization:
    """One organisation with designations (and their sources) and councils loaded.
    Raises Organization.DoesNotExist."""
    return Organization.objects.prefetch_related(
        "designations__dataset",
        "designations__source_record__import_run",
        "councils",
    ).get(pk=pk)


def newest_organizations(limit: int = 8) -> QuerySet[Organization]:
    """The most recently added organisations."""
    return Organization.objects.order_by("-created_at", "-id").prefetch_related("designations")[
        :limit
    ]


def merge_queue() -> QuerySet[Any]:
    """Pending merge candidates with both sides and their designations."""
    from .models import MergeCandidate

    return (
        MergeCandidate.objects.filter(status=MergeCandidate.Status.PENDING)
        .select_related("left", "right")
        .prefetch_related("left__designations__dataset", "right__designations__dataset")
    )


def council_list() -> QuerySet[Any]:
    from .models import Council

    return Council.objects.annotate(member_count=Count("memberships"))
