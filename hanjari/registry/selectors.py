"""Registry reads: the directory, the profile, counts for the home page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.http import QueryDict

from hanjari.core import regions
from hanjari.core.cache import cached
from hanjari.core.names import normalize_name
from hanjari.core.text import replace_controls

from .models import SECTORS, Designation, DesignationKind, Organization, OrganizationMerge

SORTS = {
    # The normalised name drops legal-form markers such as (주), (사), 유한회사.
    "name": ("name_normalized", "name", "id"),
    "-created": ("-created_at", "-id"),
    "region": ("sido", "sigungu", "name", "id"),
    # Best match first for the text box `q` (hanjari.search ranking), then by name.
    "relevance": ("name_normalized", "name", "id"),
}
# Organisations ordered by relevance (the rest follow by name).
RANK_LIMIT = 1000


class TextSearch(Protocol):
    """The directory's text search (`hanjari.search.selectors` satisfies it).

    The registry sits below search, so it cannot import it; the top layer installs it
    with `use_text_search` (hanjari.site's AppConfig.ready).
    """

    def object_ids_sql(self, text: str | None, *, kind: str) -> tuple[str, list[Any]] | None:
        """SQL and parameters selecting the ids of `kind` objects matching `text`; None
        when nothing can match."""

    def ranked_object_ids(self, text: str | None, *, kind: str, limit: int = ...) -> list[int]:
        """Ids of `kind` objects matching `text`, best match first, at most `limit`."""

    def typeahead_object_ids(self, text: str | None, *, kind: str, limit: int = ...) -> list[int]:
        """Ids of `kind` objects whose names match `text` as typed so far (the last word
        a prefix; typos forgiven when nothing matches), best first, at most `limit`."""


_text_search: list[TextSearch] = []


def use_text_search(search: TextSearch) -> None:
    """Install the search the directory's `q` filter uses (replaces any earlier one)."""
    _text_search[:] = [search]


def _search() -> TextSearch:
    if not _text_search:
        raise ImproperlyConfigured("No text search installed: add hanjari.site to INSTALLED_APPS.")
    return _text_search[0]


# The directory's `kind` filter value of one exact designation kind: ``exact:cooperative``
# is 일반협동조합 only, ``cooperative`` the whole 협동조합 sector.
EXACT_KIND = "exact:"


@dataclass(frozen=True)
class DirectoryFilters:
    """The directory's filters, read from the query string (bookmarkable).

    `kind` is a sector key (`village`, `self_sufficiency`, `social_enterprise`,
    `cooperative`) or one exact `DesignationKind` as ``exact:<value>`` (`EXACT_KIND`):
    two kinds share their value with a sector key (``social_enterprise`` is the sector
    and 인증 사회적기업, ``cooperative`` the sector and 일반협동조합), so a bare value
    means the sector when it is one and otherwise is read as ``exact:<value>`` (older
    links); `sido` / `sigungu` canonical or alias
    names; `q` free text, searched with `hanjari.search` (name, other names, kinds,
    industry, products, description, region); `sort` one of `SORTS` (``relevance``:
    best match for `q` first); `all_status` also lists designations missing from the latest list.
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
            text = replace_controls(query.get(name) or "")
            return text.strip()[:limit]

        sido_text = get("sido")
        sido = regions.resolve_sido(sido_text) if sido_text else None
        kind = get("kind")
        if kind not in SECTORS:
            value = kind.removeprefix(EXACT_KIND)
            kind = EXACT_KIND + value if value in DesignationKind.values else ""
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
        if self.kind in SECTORS:
            return [str(k) for k in SECTORS[self.kind][1]]
        return [self.kind.removeprefix(EXACT_KIND)]

    def kind_label(self) -> str:
        """The chosen sector's or exact kind's name in the active language ("" when
        none is chosen)."""
        if not self.kind:
            return ""
        if self.kind in SECTORS:
            return str(SECTORS[self.kind][0])
        return str(DesignationKind(self.kind.removeprefix(EXACT_KIND)).label)


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
    ranked: list[int] = []
    if filters.q:
        # The same Korean-aware search as the search page (hanjari.search, installed
        # by use_text_search): every word of `q` must match the organisation's name,
        # other names, kinds, industry, products, description or region, particles and
        # spacing aside.
        search = _search()
        found = search.object_ids_sql(filters.q, kind="organization")
        if found is None:
            return qs.none()
        # The search backend's own SQL; the query text is a bound parameter.
        qs = qs.filter(pk__in=RawSQL(*found))  # noqa: S611
        if filters.sort == "relevance":
            ranked = search.ranked_object_ids(filters.q, kind="organization", limit=RANK_LIMIT)
    if ranked:
        position = Case(
            *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)],
            default=Value(len(ranked)),
            output_field=IntegerField(),
        )
        qs = qs.annotate(search_rank=position).order_by("search_rank", *SORTS["name"])
        return qs.prefetch_related("designations")
    sort = "name" if filters.sort == "relevance" else filters.sort
    return qs.order_by(*SORTS[sort]).prefetch_related("designations")


def sector_counts(*, sido: str = "", sigungu: str = "") -> dict[str, int]:
    """Number of organisations with a current designation of each sector (유형),
    nationally or in a region. Keys are `SECTORS` keys plus ``total``."""
    return cached(f"registry:sector_counts:{sido}:{sigungu}", lambda: _sector_counts(sido, sigungu))


def _sector_counts(sido: str, sigungu: str) -> dict[str, int]:
    # One query (a filtered distinct count per sector) instead of five; at 40,000
    # organisations it still costs ~25 ms of SQL, hence the cache in sector_counts.
    qs = Designation.objects.current()
    if sido:
        qs = qs.filter(organization__sido=sido)
    if sigungu:
        qs = qs.filter(organization__sigungu=sigungu)
    counts = qs.aggregate(
        **{
            key: Count("organization", filter=Q(kind__in=kinds), distinct=True)
            for key, (_label, kinds) in SECTORS.items()
        },
        total=Count("organization", distinct=True),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def directory_count(*, filters: DirectoryFilters, queryset: QuerySet[Organization]) -> int:
    """The number of organisations in the directory's `queryset` for `filters`, from the
    aggregate cache (counting 40,000 organisations with their designations takes
    ~130 ms and every page of the directory shows it)."""
    return cached(f"registry:directory_count:{filters!r}", queryset.count)


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
    # Distinct values of a whole column: cached like the other aggregates.
    return cached(
        f"registry:subtype_choices:{kind}",
        lambda: sorted(set(qs.values_list("subtype", flat=True).order_by().distinct())),
    )


def sigungu_choices(sido: str) -> list[str]:
    """Distinct 시군구 names of organisations in `sido`, sorted."""
    if not sido:
        return []
    values = (
        Organization.objects.filter(sido=sido).exclude(sigungu="").values_list("sigungu", flat=True)
    )
    return cached(
        f"registry:sigungu_choices:{sido}",
        lambda: sorted(set(values.order_by().distinct())),
    )


def organization_profile(*, pk: int) -> Organization:
    """One organisation with designations (and their sources), councils and photos (in
    their order) loaded. Raises Organization.DoesNotExist."""
    return Organization.objects.prefetch_related(
        "designations__dataset",
        "designations__source_record__import_run",
        "councils",
        "photos",
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


# Suggestions the organisation picker shows at once.
PICKER_LIMIT = 10
_PICKER_ID = re.compile(r"^#(\d{1,18})$")


def organization_picker(*, text: str, limit: int = PICKER_LIMIT) -> list[Organization]:
    """The organisations the organisation picker (조직 고르기) suggests for `text`, at
    most `limit`, designations prefetched: ``#12`` gives organisation 12; otherwise the
    Korean search over names and other names as typed so far (the last word a prefix;
    typos forgiven when nothing matches: `hanjari.search`), and when the search finds
    none, the names containing the text. A name equal to the text (legal-form markers
    and spacing aside, as `normalize_name` compares) comes first. Control characters are
    dropped and the text is cut to 100 characters; empty text gives ``[]``. Never
    raises on odd text."""
    text = replace_controls(text or "", " ").strip()[:100]
    if not text:
        return []
    orgs = Organization.objects.prefetch_related("designations")
    number = _PICKER_ID.match(text)
    if number:
        return list(orgs.filter(pk=int(number.group(1))))
    ids = _search().typeahead_object_ids(text, kind="organization", limit=limit)
    if ids:
        found = orgs.in_bulk(ids)
        rows = [found[pk] for pk in ids if pk in found]
    else:
        rows = list(orgs.filter(name__icontains=text).order_by("name_normalized", "id")[:limit])
    key = normalize_name(text)
    return sorted(rows, key=lambda org: org.name_normalized != key)


def merged_into(*, pk: int) -> Organization | None:
    """The organisation that now stands for the absorbed record `pk`: follows standing
    merges (`OrganizationMerge` with status ``merged``) from `pk` to a record that still
    exists, through a chain of merges (A into B, then B into C gives C). None when `pk`
    was never merged away, the merge was undone, or the chain ends nowhere. At most 20
    steps (a longer chain is treated as none)."""
    seen: set[int] = set()
    current = pk
    for _step in range(20):
        seen.add(current)
        kept_id = (
            OrganizationMerge.objects.filter(
                dropped_id=current, status=OrganizationMerge.Status.MERGED
            )
            .order_by("-merged_at", "-id")
            .values_list("kept_id", flat=True)
            .first()
        )
        if kept_id is None or kept_id in seen:
            return None
        found = Organization.objects.filter(pk=kept_id).first()
        if found is not None:
            return found
        current = kept_id
    return None


def council_kind_counts(*, council: Any) -> dict[str, Any]:
    """How many of `council`'s member organisations hold a designation in force of each
    kind (`DesignationKind`: 인증 사회적기업, 마을기업, 자활기업(지역) …), grouped by
    sector (`SECTORS`: 사회적기업, 마을기업, 자활기업, 협동조합).

    Returns ``{"total": members, "without": members with no designation in force,
    "sectors": [{"key", "label", "count", "kinds": [{"kind", "label", "count"}]}]}``;
    sectors and kinds in `SECTORS` / `DesignationKind` order, those with no member left
    out. An organisation with two kinds counts in both, so the parts may add up to more
    than `total`. One query for the designations, one for the members."""
    members = Organization.objects.filter(council_memberships__council=council)
    current = Designation.objects.current().filter(organization__in=members)
    kinds_of: dict[int, set[str]] = {}
    for org_id, kind in current.values_list("organization_id", "kind"):
        kinds_of.setdefault(org_id, set()).add(kind)
    total = members.count()
    sectors = []
    for key, (label, kinds) in SECTORS.items():
        in_sector = sum(1 for held in kinds_of.values() if held & set(kinds))
        if not in_sector:
            continue
        rows = [
            {
                "kind": kind,
                "label": DesignationKind(kind).label,
                "count": sum(1 for held in kinds_of.values() if kind in held),
            }
            for kind in kinds
        ]
        sectors.append(
            {
                "key": key,
                "label": label,
                "count": in_sector,
                "kinds": [row for row in rows if row["count"]],
            }
        )
    return {"total": total, "without": total - len(kinds_of), "sectors": sectors}


# ---- where an organisation's 사업자등록번호 came from (번호의 출처) ------------------------


@dataclass(frozen=True)
class BrnChange:
    """One change of an organisation's 사업자등록번호 in its history: the new number
    (digits, "" when emptied), who made it (a user, or None for system work such as
    an import without a user) and when (an aware datetime)."""

    brn: str
    by: Any
    at: Any


@dataclass(frozen=True)
class BrnProvenance:
    """The 사업자등록번호 of an organisation that its members cannot have typed, and
    where it came from.

    `number` is the digits to compare a claimant's number with ("" when there is no
    such number). `origin` is ``list`` (a row of an official list held it: `dataset`,
    the list's title, and `reference_date`, its 기준일), ``staff`` (set by centre staff:
    `set_by`, `set_at`), ``system`` (set by system work: an import without a user, or
    a record without history) or "" (none). `member_changes` are the changes made by
    users who are not centre staff (members typing on the profile page before the
    number became staff-only), oldest first: a reviewer should know of them.
    """

    number: str
    origin: str
    dataset: str = ""
    reference_date: Any = None
    set_by: Any = None
    set_at: Any = None
    member_changes: tuple[BrnChange, ...] = ()


def _by_staff(user: Any) -> bool:
    """Whether a history entry's user counts as centre staff: None (system work) or a
    user with `is_staff` / `is_superuser` (a staff account deactivated later still made
    its past changes as staff)."""
    return user is None or bool(user.is_staff or user.is_superuser)


def brn_provenance(organization: Organization, *, at: Any = None) -> BrnProvenance:
    """The `BrnProvenance` of `organization`'s 사업자등록번호, as its history stood at
    `at` (an aware datetime; None: now).

    Reads the record's history (who set each number) and its source records (the rows
    of official lists it was imported from). The number is the last one set by centre
    staff or system work (imports, merges); a number typed by a member is never it.
    When there is none, the newest official row's number. Two or three queries."""
    from .models import SourceRecord

    history = organization.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    if at is not None:
        history = history.filter(history_date__lte=at)
    previous = ""
    trusted = ""
    set_by: Any = None
    set_at: Any = None
    seen = False
    member_changes: list[BrnChange] = []
    for entry in history:
        seen = True
        if entry.history_type == "-" or entry.brn == previous:
            continue
        user = entry.history_user
        if _by_staff(user):
            trusted, set_by, set_at = entry.brn, user, entry.history_date
        else:
            member_changes.append(BrnChange(entry.brn, user, entry.history_date))
        previous = entry.brn
    if not seen:  # no history (written without it): the record is all there is
        trusted = organization.brn
    # The JSON is read whole: a key lookup gives a digit string back as a number on
    # SQLite.
    rows = [
        (values["brn"], title, ref)
        for values, title, ref in SourceRecord.objects.filter(organization=organization)
        .order_by("-reference_date", "-pk")
        .values_list("values", "dataset__title", "reference_date")
        if isinstance(values, dict) and isinstance(values.get("brn"), str) and values["brn"]
    ]
    listed = {brn: (title, ref) for brn, title, ref in reversed(rows)}  # newest wins
    if trusted and trusted in listed:
        title, ref = listed[trusted]
        return BrnProvenance(trusted, "list", title, ref, member_changes=tuple(member_changes))
    if trusted:
        origin = "staff" if set_by is not None else "system"
        return BrnProvenance(
            trusted, origin, set_by=set_by, set_at=set_at, member_changes=tuple(member_changes)
        )
    if rows:
        brn, title, ref = rows[0]
        return BrnProvenance(brn, "list", title, ref, member_changes=tuple(member_changes))
    return BrnProvenance("", "", member_changes=tuple(member_changes))
