"""Registry pages: directory, profile edit and history, councils, and staff import / merge.

Pages that combine the registry with other apps (home, profile, council) are in
`hanjari.site`."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.db.models import Q
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from hanjari.accounts.actors import acting_user
from hanjari.core import pagecache, regions
from hanjari.core.csvsafe import rows_to_csv, safe_cell
from hanjari.core.http import client_ip, is_htmx, rate_allows
from hanjari.core.identifiers import is_object_id
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.core.rules import Refusal

from . import contacts, permissions, selectors, services
from .forms import (
    PERSONAL_DATA_HELP,
    ImportForm,
    MergeDecisionForm,
    OrganizationForm,
    PhotoEditForm,
    PhotoUploadForm,
    describe_organization,
    organization_kinds,
)
from .importers.layouts import LAYOUTS
from .importers.pipeline import Issue
from .models import (
    PHOTO_LIMIT,
    SECTORS,
    Council,
    DesignationKind,
    ImportJob,
    ImportRun,
    MergeCandidate,
    Organization,
    OrganizationMerge,
    OrganizationPhoto,
)
from .public import public_contacts

EXPORT_LIMIT = 50_000


# Characters a text column cannot hold (PostgreSQL refuses NUL) or that no filter needs.
_CONTROL_CHARS = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127])


def _clean_query(query: QueryDict) -> QueryDict:
    """`query` without control characters (``?q=%00`` must not reach the database)."""
    cleaned = QueryDict(mutable=True)
    for key, values in query.lists():
        cleaned.setlist(key, [v.translate(_CONTROL_CHARS) for v in values])
    return cleaned


def directory_filters(query: QueryDict) -> selectors.DirectoryFilters:
    """The directory's filters from a query string, as the page shows them.

    On top of `DirectoryFilters.from_query`: a 시군구 written with its 구
    (``전주시 덕진구``) means the 시; a 시군구 that no organisation of the chosen 시도
    has, and a 세부 유형 not used by the chosen kind (or given without a kind), are
    dropped, so the filters applied are always the ones the form shows selected.
    """
    filters = selectors.DirectoryFilters.from_query(_clean_query(query))
    sigungu, subtype = filters.sigungu, filters.subtype
    if sigungu:
        sido = regions.resolve_sido(filters.sido)
        sigungu = regions.normalize_sigungu(sido, sigungu) or sigungu
        if sigungu not in selectors.sigungu_choices(filters.sido):
            sigungu = ""
    if subtype and (not filters.kind or subtype not in selectors.subtype_choices(filters.kind)):
        subtype = ""
    if (sigungu, subtype) != (filters.sigungu, filters.subtype):
        filters = dataclasses.replace(filters, sigungu=sigungu, subtype=subtype)
    return filters


def filters_query(filters: selectors.DirectoryFilters) -> str:
    """The canonical, bookmarkable query string of `filters` (no page), e.g.
    ``sido=전북특별자치도&sigungu=전주시`` URL-encoded; "" for no filter."""
    params = [
        (key, getattr(filters, key))
        for key in ("q", "kind", "subtype", "sido", "sigungu", "industry")
        if getattr(filters, key)
    ]
    if filters.sort != "name":
        params.append(("sort", filters.sort))
    if filters.all_status:
        params.append(("all_status", "1"))
    return urlencode(params)


def applied_filters(filters: selectors.DirectoryFilters) -> list[tuple[str, str]]:
    """The filters set, as (label, value) pairs in the form's order, for the printed
    "조건: 유형 마을기업 · 시도 전북특별자치도" line (a pair with an empty value is a
    flag shown by its label alone)."""
    pairs = [
        (_("유형"), filters.kind_label()),
        (_("세부 유형"), filters.subtype),
        (_("시도"), regions.sido_label(filters.sido)),
        (_("시군구"), regions.sigungu_label(filters.sigungu)),
        (_("업종"), filters.industry),
        (_("검색어"), filters.q),
    ]
    applied = [(label, value) for label, value in pairs if value]
    if filters.all_status:
        applied.append((_("최신 목록에 없는 조직 포함"), ""))
    return applied


class DirectoryView(ListView):
    """Directory (조직 찾기) with filters; answers with the results partial to htmx."""

    template_name = "registry/directory.html"
    paginate_by = 50
    context_object_name = "organizations"

    def get_queryset(self) -> Any:
        self.filters = directory_filters(self.request.GET)
        return selectors.organization_directory(filters=self.filters)

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        paginator = Paginator(queryset, page_size)
        # The number of matches comes from the aggregate cache (see directory_count).
        paginator.count = selectors.directory_count(filters=self.filters, queryset=queryset)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_template_names(self) -> list[str]:
        htmx = getattr(self.request, "htmx", None)
        if htmx and not htmx.boosted:
            return ["registry/partials/_directory_results.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        f = self.filters
        query = filters_query(f)
        ctx.update(
            filters=f,
            querystring=query,
            applied_filters=applied_filters(f),
            export_query=query,
            sector_choices=[(k, v[0]) for k, v in SECTORS.items()],
            kind_choices=[(selectors.EXACT_KIND + k, v) for k, v in DesignationKind.choices],
            sido_choices=[s for s, _label in _sido_choices()],
            sigungu_choices=selectors.sigungu_choices(f.sido),
            subtype_choices=selectors.subtype_choices(f.kind) if f.kind else [],
            sort_choices=[
                ("name", _("이름순")),
                ("-created", _("최근 등록순")),
                ("region", _("지역순")),
                ("relevance", _("검색어 관련도순")),
            ],
        )
        return ctx


def _sido_choices() -> list[tuple[str, str]]:
    from .models import SIDO_CHOICES

    return list(SIDO_CHOICES)


# The anonymous directory CSV (조직 목록 내려받기). Written a row at a time while it is
# sent, so a national export (40,000 organisations, about 2.6 MB) never sits whole in a
# server process; kept per filter set in the pages cache for the current content
# generation (hanjari.core.pagecache), so a second request for the same filters costs
# no query; and limited per client address, so a few clients cannot hold every server
# process with exports (docs/operations.md, "Directory CSV").
EXPORT_ROWS_PER_CHUNK = 200


def _export_header() -> list[str]:
    return [
        _("이름"),
        _("인증·지정"),
        _("세부 유형"),
        _("시도"),
        _("시군구"),
        _("주소"),
        _("업종"),
        _("주 생산품·서비스"),
        _("누리집"),
        _("대표 전화"),
        _("한자리 조직 페이지"),
    ]


def _csv_lines(rows: list[list[Any]]) -> str:
    """`rows` as CSV text, each cell made formula-safe (`hanjari.core.csvsafe`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return buf.getvalue()


def export_chunks(request: HttpRequest, filters: selectors.DirectoryFilters) -> Iterator[str]:
    """The directory CSV of `filters` in pieces: the UTF-8 BOM and header first (so Excel
    reads Korean), then `EXPORT_ROWS_PER_CHUNK` organisations a piece, at most
    `EXPORT_LIMIT` in all. Reads the organisations in batches from the database. The
    누리집 and 대표 전화 columns hold only public values (`public_contacts`)."""
    yield "\ufeff" + _csv_lines([_export_header()])
    qs = selectors.organization_directory(filters=filters)[:EXPORT_LIMIT]
    rows: list[list[Any]] = []
    for org in qs.iterator(chunk_size=EXPORT_ROWS_PER_CHUNK * 5):
        designations = list(org.designations.all())
        # Only what the organisation (or the official list) made public.
        contact = public_contacts(org)
        rows.append(
            [
                org.name,
                "; ".join(d.get_kind_display() for d in designations),
                "; ".join(d.subtype for d in designations if d.subtype),
                org.sido,
                org.sigungu,
                org.address,
                org.industry,
                org.products,
                contact.website,
                contact.phone,
                request.build_absolute_uri(org.get_absolute_url()),
            ]
        )
        if len(rows) >= EXPORT_ROWS_PER_CHUNK:
            yield _csv_lines(rows)
            rows = []
    if rows:
        yield _csv_lines(rows)


def _export_cache_key(request: HttpRequest, filters: selectors.DirectoryFilters) -> str:
    parts = (
        pagecache.generation(),
        get_language() or "",
        request.scheme or "",
        request.get_host(),
        filters_query(filters),
    )
    return "hanjari:export:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _stored_while_sent(chunks: Iterator[str], key: str, seconds: int) -> Iterator[bytes]:
    """`chunks` encoded as UTF-8, and once the last one is sent the whole document kept
    under `key` for `seconds` (an export the client abandoned is not kept)."""
    sent: list[bytes] = []
    for chunk in chunks:
        data = chunk.encode()
        if seconds > 0:
            sent.append(data)
        yield data
    if seconds > 0:
        caches[pagecache.PAGES].set(key, b"".join(sent), timeout=seconds)


class DirectoryExportView(View):
    """The directory's current result as CSV (formula-safe cells), streamed, cached per
    filter set and limited per client (`export_refusal`); 429 with a message past the
    limit."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        refusal = export_refusal(request)
        if refusal is not None:
            refused = render(
                request, "registry/export_limited.html", {"refusal": refusal}, status=429
            )
            refused["Retry-After"] = str(settings.HANJARI_EXPORT_RATE_WINDOW)
            return refused
        filters = directory_filters(request.GET)
        seconds = int(settings.HANJARI_EXPORT_CACHE_SECONDS)
        key = _export_cache_key(request, filters)
        stored = caches[pagecache.PAGES].get(key) if seconds > 0 else None
        response: HttpResponseBase
        if stored is not None:
            response = HttpResponse(stored, content_type="text/csv; charset=utf-8")
            response[pagecache.HEADER] = "hit"
        else:
            response = StreamingHttpResponse(
                _stored_while_sent(export_chunks(request, filters), key, seconds),
                content_type="text/csv; charset=utf-8",
            )
            response[pagecache.HEADER] = "miss"
        response["Content-Disposition"] = 'attachment; filename="hanjari-organizations.csv"'
        return response


def export_refusal(request: HttpRequest) -> Refusal | None:
    """Whether `request` may download the directory CSV now: None, or a `Refusal`
    (code ``"rate"``) when its address asked for more than
    ``HANJARI_EXPORT_RATE_LIMIT`` exports in ``HANJARI_EXPORT_RATE_WINDOW`` seconds.
    Centre staff are not limited. Counts the request (call once per request)."""
    if permissions.is_centre_staff(request.user):
        return None
    limit = int(settings.HANJARI_EXPORT_RATE_LIMIT)
    window = int(settings.HANJARI_EXPORT_RATE_WINDOW)
    if rate_allows(f"registry:export:{client_ip(request)}", limit=limit, window=window):
        return None
    return Refusal(
        "rate",
        _(
            "목록 내려받기를 너무 자주 요청했습니다. %(minutes)d분 뒤에 다시 시도해 "
            "주세요 (%(minutes)d분에 %(limit)d번까지)."
        )
        % {"minutes": max(1, window // 60), "limit": limit},
    )


class OrganizationEditView(ObjectPermissionMixin, View):
    """Profile edit for staff, the organisation's owners/editors and council admins."""

    permission_predicate = staticmethod(permissions.can_edit_organization)
    template_name = "registry/organization_edit.html"

    def get_object(self) -> Organization:
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_object()
        form = OrganizationForm(instance=org, identity_editable=_identity_editable(request))
        return self._render(request, org, form, 200)

    def _render(
        self, request: HttpRequest, org: Organization, form: OrganizationForm, status: int
    ) -> HttpResponse:
        context = {
            "org": org,
            "form": form,
            "photo_count": org.photos.count(),
            "photo_limit": PHOTO_LIMIT,
            "personal_data_help": PERSONAL_DATA_HELP,
            "breadcrumbs": _org_breadcrumbs(org, _("정보 고치기")),
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_object()
        # The form gets its own copy: validation must not touch `org` before the service.
        form = OrganizationForm(
            request.POST,
            request.FILES,
            instance=Organization.objects.get(pk=org.pk),
            identity_editable=_identity_editable(request),
        )
        status = 400
        if form.is_valid():
            try:
                services.organization_update(
                    organization=org,
                    data=cast(services.ProfileFields, form.profile_changes()),
                    by=acting_user(request.user),
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, _("조직 정보를 저장했습니다."))
                return HttpResponseRedirect(org.get_absolute_url())
        return self._render(request, org, form, status)


def _identity_editable(request: HttpRequest) -> bool:
    """Whether the edit page lets this person change the identifying fields
    (`services.IDENTIFYING_FIELDS`): centre staff only."""
    return permissions.is_centre_staff(request.user)


def _add_service_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's `ValidationError` on `form`: by field where it names a field of
    the form, on the form otherwise."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# Photo uploads one user may make in an hour (each is decoded and re-encoded).
PHOTO_UPLOADS_PER_HOUR = 30


class OrganizationPhotosView(ObjectPermissionMixin, View):
    """The organisation's photos (사진 관리): GET lists them with a form each (text
    alternative, caption, move, delete) and the upload form; POST uploads one
    (`services.organization_photo_add`), then back here (303), or the page again with
    the form's errors (400). Owners, editors and staff."""

    permission_predicate = staticmethod(permissions.can_edit_organization)

    def get_permission_object(self) -> Organization:
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        return _render_photos(request, org, PhotoUploadForm(), 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        form = PhotoUploadForm(request.POST, request.FILES)
        if not rate_allows(
            f"registry:photo-upload:{request.user.pk}", limit=PHOTO_UPLOADS_PER_HOUR, window=3600
        ):
            form.add_error(
                None,
                _("사진을 너무 자주 올렸습니다. 한 시간에 %(limit)d장까지 올릴 수 있습니다.")
                % {"limit": PHOTO_UPLOADS_PER_HOUR},
            )
            return _render_photos(request, org, form, 429)
        if form.is_valid():
            try:
                services.organization_photo_add(
                    organization=org,
                    image=form.cleaned_data["image"],
                    alt_text=form.cleaned_data["alt_text"],
                    caption=form.cleaned_data["caption"],
                    by=acting_user(request.user),
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("사진을 올렸습니다."))
                return HttpResponseRedirect(
                    reverse("registry:organization-photos", args=[org.pk]), status=303
                )
        return _render_photos(request, org, form, 400)


def _render_photos(
    request: HttpRequest,
    org: Organization,
    upload: PhotoUploadForm,
    status: int,
    edited: tuple[int, PhotoEditForm] | None = None,
) -> HttpResponse:
    """The photo page of `org` with `upload` as the upload form and, when `edited` is
    given, that photo's form (with its errors) in place of a fresh one."""
    photos = list(org.photos.all())
    rows = []
    for i, photo in enumerate(photos):
        form = (
            edited[1]
            if edited and edited[0] == photo.pk
            else PhotoEditForm(instance=photo, prefix=f"photo-{photo.pk}")
        )
        rows.append({"photo": photo, "form": form, "first": i == 0, "last": i == len(photos) - 1})
    context = {
        "org": org,
        "rows": rows,
        "upload": upload,
        "refusal": services.photo_add_refusal(org),
        "photo_limit": PHOTO_LIMIT,
        "breadcrumbs": [
            (_("조직 찾기"), reverse("registry:directory")),
            (org.name, org.get_absolute_url()),
            (_("정보 고치기"), reverse("registry:organization-edit", args=[org.pk])),
            (_("사진 관리"), None),
        ],
    }
    return render(request, "registry/organization_photos.html", context, status=status)


class OrganizationPhotoView(ObjectPermissionMixin, View):
    """POST one photo's change: its text alternative and caption (``save``), or a move
    (``move`` = ``up`` / ``down``); then the photo page (303), or the page with the
    photo form's errors (400). A photo of another organisation is a 404."""

    permission_predicate = staticmethod(permissions.can_edit_organization)

    def get_permission_object(self) -> Organization:
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
        photo = get_object_or_404(
            OrganizationPhoto.objects.select_related("organization"), pk=photo_pk, organization=pk
        )
        by = acting_user(request.user)
        back = HttpResponseRedirect(reverse("registry:organization-photos", args=[pk]), status=303)
        move = request.POST.get("move", "")
        if move:
            if move not in ("up", "down"):
                return HttpResponse(_("사진을 옮길 방향을 골라 주세요."), status=400)
            services.organization_photo_move(photo=photo, direction=move, by=by)
            return back
        form = PhotoEditForm(request.POST, instance=photo, prefix=f"photo-{photo.pk}")
        if form.is_valid():
            try:
                services.organization_photo_update(
                    photo=OrganizationPhoto.objects.select_related("organization").get(pk=photo.pk),
                    alt_text=form.cleaned_data["alt_text"],
                    caption=form.cleaned_data["caption"],
                    by=by,
                )
            except ValidationError as exc:
                _add_service_errors(form, exc)
            else:
                messages.success(request, _("사진 설명을 저장했습니다."))
                return back
        return _render_photos(request, photo.organization, PhotoUploadForm(), 400, (photo.pk, form))


class OrganizationPhotoDeleteView(ObjectPermissionMixin, View):
    """POST: delete one photo of the organisation, then the photo page (303)."""

    permission_predicate = staticmethod(permissions.can_edit_organization)

    def get_permission_object(self) -> Organization:
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
        photo = get_object_or_404(
            OrganizationPhoto.objects.select_related("organization"), pk=photo_pk, organization=pk
        )
        services.organization_photo_delete(photo=photo, by=acting_user(request.user))
        messages.success(request, _("사진을 지웠습니다."))
        return HttpResponseRedirect(reverse("registry:organization-photos", args=[pk]), status=303)


def _org_breadcrumbs(org: Organization, current: str) -> list[tuple[str, str | None]]:
    return [
        (_("조직 찾기"), reverse("registry:directory")),
        (org.name, org.get_absolute_url()),
        (current, None),
    ]


class OrganizationHistoryView(ObjectPermissionMixin, View):
    """Change history (변경 이력) of an organisation and its designations, staff only."""

    permission_predicate = staticmethod(permissions.can_view_history)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        ids = [org.pk, *org.merged_from]
        org_history = Organization.history.filter(id__in=ids).select_related("history_user")
        from .models import Designation

        des_history = Designation.history.filter(
            Q(organization_id__in=ids) | Q(id__in=org.designations.values("id"))
        ).select_related("history_user")
        photo_history = OrganizationPhoto.history.filter(
            Q(organization_id__in=ids) | Q(id__in=org.photos.values("id"))
        ).select_related("history_user")
        entries = []
        for record in org_history:
            delta = _delta(record)
            entries.append(
                ("org", record, _diff(record, delta), _org_change_summary(record, delta))
            )
        for record in des_history:
            entries.append(("designation", record, _diff(record), ""))
        for record in photo_history:
            delta = _delta(record)
            entries.append(
                ("photo", record, _diff(record, delta), _photo_change_summary(record, delta))
            )
        entries.sort(key=lambda e: e[1].history_date, reverse=True)
        return render(
            request,
            "registry/organization_history.html",
            {
                "org": org,
                "entries": entries[:500],
                "merges": [
                    (merge, services.merge_undo_refusal(merge))
                    for merge in org.merges.select_related("merged_by", "undone_by")
                ],
                "breadcrumbs": _org_breadcrumbs(org, _("변경 이력")),
            },
        )


def _delta(record: Any) -> Any:
    """The changes of history `record` against the one before it (django-simple-history's
    `ModelDelta`), or None for the first record."""
    prev = record.prev_record
    return None if prev is None else record.diff_against(prev)


_NO_DELTA = object()


def _diff(record: Any, delta: Any = _NO_DELTA) -> list[tuple[str, Any, Any]]:
    """(field label, old, new) for each field `record` changed against the one before
    (`delta`, when the caller has it already: `_delta`).

    Labels are the model fields' verbose names (업종, not ``industry``); values the
    model derives itself (`HISTORY_HIDDEN_FIELDS`) are left out.
    """
    if delta is _NO_DELTA:
        delta = _delta(record)
    if delta is None:
        return []
    meta = record.instance_type._meta
    rows = []
    for change in delta.changes:
        if change.field in HISTORY_HIDDEN_FIELDS:
            continue
        try:
            field = meta.get_field(change.field)
        except FieldDoesNotExist:
            rows.append((change.field, change.old, change.new))
            continue
        rows.append((str(field.verbose_name), _shown(field, change.old), _shown(field, change.new)))
    return rows


def _shown(field: Any, value: Any) -> Any:
    """A history value as a person reads it: a list (다른 이름) as comma-separated text,
    opening hours as ``월~금 09:00~18:00``, a 공개 switch as 공개 / 비공개, a choice as
    its label (직원 수 ``1-4`` as 1~4명), a link to an organisation as its name and
    number instead of a bare id."""
    name = getattr(field, "name", "")
    if name == "opening_hours":
        return contacts.opening_hours_text(value)
    if name in services.PUBLIC_FIELDS:
        return _("공개") if value else _("비공개")
    if isinstance(value, bool):
        return _("예") if value else _("아니요")
    if getattr(field, "choices", None) and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if value not in (None, "") and getattr(field, "related_model", None) is Organization:
        name = Organization.objects.filter(pk=value).values_list("name", flat=True).first()
        return f"{name} (#{value})" if name else f"#{value}"
    return value


# Kept in the history tables but not listed: bookkeeping, not a change anyone made.
HISTORY_HIDDEN_FIELDS = frozenset({"name_normalized", "brn_verified", "crn_verified"})

# What an organisation's change was about, by the fields it changed, in this order: the
# history's 종류 column names each group that changed ("연락처 공개 설정 변경").
_CONTACT_FIELDS = frozenset(services.PUBLIC_SWITCHES)
_CHANGE_GROUPS: tuple[tuple[Any, Callable[[str], bool]], ...] = (
    (gettext_lazy("연락처 공개 설정 변경"), lambda f: f in services.PUBLIC_FIELDS),
    (gettext_lazy("연락처 변경"), lambda f: f in _CONTACT_FIELDS),
    (gettext_lazy("소개 변경"), lambda f: f == "description"),
    (gettext_lazy("로고 변경"), lambda f: f == "logo"),
    (gettext_lazy("여는 시간 변경"), lambda f: f in ("opening_hours", "opening_hours_note")),
    (gettext_lazy("병합"), lambda f: f == "merged_from"),
    (
        gettext_lazy("기본 정보 변경"),
        lambda f: (
            f not in services.PUBLIC_FIELDS
            and f not in _CONTACT_FIELDS
            and f
            not in ("description", "logo", "opening_hours", "opening_hours_note", "merged_from")
            and f not in HISTORY_HIDDEN_FIELDS
        ),
    ),
)


def _org_change_summary(record: Any, delta: Any) -> str:
    """The 종류 of an organisation's history record in words: 만듦 / 지움, or for a change
    the groups of fields it changed (`delta`, from `_delta`; `_CHANGE_GROUPS`: "연락처 공개
    설정 변경 · 연락처 변경"), or 바뀜 when it changed nothing shown."""
    if record.history_type == "+":
        return _("만듦")
    if record.history_type == "-":
        return _("지움")
    fields = set(delta.changed_fields) if delta is not None else set()
    names = [str(label) for label, belongs in _CHANGE_GROUPS if any(belongs(f) for f in fields)]
    return " · ".join(names) or _("바뀜")


def _photo_change_summary(record: Any, delta: Any) -> str:
    """The 종류 of a photo's history record: 사진 추가 / 사진 삭제, 사진 순서 변경 or
    사진 설명 변경 (by `delta`, from `_delta`)."""
    if record.history_type == "+":
        return _("사진 추가")
    if record.history_type == "-":
        return _("사진 삭제")
    fields = set(delta.changed_fields) if delta is not None else set()
    names = []
    if "position" in fields:
        names.append(_("사진 순서 변경"))
    if fields & {"alt_text", "caption"}:
        names.append(_("사진 설명 변경"))
    return " · ".join(names) or _("바뀜")


class CouncilListView(ListView):
    template_name = "registry/councils.html"
    context_object_name = "councils"

    def get_queryset(self) -> Any:
        return selectors.council_list()


class ImportView(ObjectPermissionMixin, View):
    """Staff upload of an official file (가져오기): the file is stored and imported in
    the background (`services.import_job_create`); the page then follows the job."""

    permission_predicate = staticmethod(permissions.can_import)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ImportForm(), 200)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, 400)
        try:
            job = services.import_job_create(
                upload=form.cleaned_data["file"],
                dataset=form.cleaned_data["dataset"],
                reference_date=form.cleaned_data["reference_date"],
                dry_run=form.cleaned_data["dry_run"],
                by=acting_user(request.user),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self._render(request, form, 400)
        messages.info(request, _("파일을 받았습니다. 가져오기는 뒤에서 진행됩니다."))
        return HttpResponseRedirect(job.get_absolute_url(), status=303)

    def _render(self, request: HttpRequest, form: ImportForm, status: int) -> HttpResponse:
        runs = ImportRun.objects.select_related("dataset", "started_by")[:30]
        jobs = ImportJob.objects.select_related("created_by", "run")[:10]
        return render(
            request,
            "registry/import.html",
            {"form": form, "runs": runs, "jobs": jobs},
            status=status,
        )


# Seconds between two looks of the job page at a job that is not finished.
IMPORT_POLL_SECONDS = 2


class ImportJobView(ObjectPermissionMixin, View):
    """One background import (가져오기 작업): its state and progress while it runs
    (htmx asks again every `IMPORT_POLL_SECONDS` for the status fragment), then the
    row-by-row report, or the message of a failure."""

    permission_predicate = staticmethod(permissions.can_import)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        # Reads no table the running import writes (not even its ImportRun, linked by id):
        # on SQLite without WAL (the tests' shared in-memory database) such a read would
        # wait for the import's transaction or fail while the page asks every 2 seconds.
        job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=pk)
        done, total = (
            services.import_job_progress(job) if job.status == ImportJob.Status.RUNNING else (0, 0)
        )
        summary, errors, warnings = _job_report(job)
        context = {
            "job": job,
            "done": done,
            "total": total,
            "percent": int(100 * done / total) if total else None,
            "summary": summary,
            "errors": errors,
            "warnings": warnings,
            "report_layout": LAYOUTS.get(str(job.report.get("dataset", ""))),
            "poll_seconds": IMPORT_POLL_SECONDS,
        }
        if is_htmx(request):
            return render(request, "registry/partials/_import_job_status.html", context)
        context["breadcrumbs"] = [
            (_("공식 명부 가져오기"), reverse("registry:import")),
            (job.file_name, None),
        ]
        return render(request, "registry/import_job.html", context)


_SUMMARY_FIELDS = (
    "rows",
    "created",
    "changed",
    "unchanged",
    "missing",
    "organizations_created",
    "linked",
    "queued",
)


def _job_report(job: ImportJob) -> tuple[Any, list[Any], list[Any]]:
    """The finished job's counts (for `_report_summary.html`), errors and warnings (for
    `_report_table.html`), read from the report the import returned."""
    data = job.report or {}
    if not data:
        return None, [], []
    counts = {name: data.get(name, 0) for name in _SUMMARY_FIELDS}
    reference = data.get("reference_date")
    summary = SimpleNamespace(
        **counts, reference_date=dt.date.fromisoformat(reference) if reference else None
    )

    def issues(key: str) -> list[Any]:
        return [
            SimpleNamespace(
                row=i.get("row"),
                column=i.get("column", ""),
                value=i.get("value", ""),
                reason=i.get("reason", ""),
            )
            for i in data.get(key, [])
        ]

    return summary, issues("errors"), issues("warnings")


class ImportRunView(ObjectPermissionMixin, View):
    """One import run with its row-by-row report."""

    permission_predicate = staticmethod(permissions.can_import)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(ImportRun.objects.select_related("dataset", "started_by"), pk=pk)
        report = _report_of(run)
        breadcrumbs = [(_("공식 명부 가져오기"), reverse("registry:import")), (run.file_name, None)]
        return render(
            request,
            "registry/import_run.html",
            {"run": run, "report": report, "breadcrumbs": breadcrumbs},
        )


def _report_of(run: ImportRun) -> dict[str, list[Issue]]:
    data = run.report or {}
    return {
        "errors": [Issue(**i) for i in data.get("errors", [])],
        "warnings": [Issue(**i) for i in data.get("warnings", [])],
    }


class ImportRunCsvView(ObjectPermissionMixin, View):
    """The run's errors and warnings as CSV."""

    permission_predicate = staticmethod(permissions.can_import)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(ImportRun, pk=pk)
        report = _report_of(run)
        rows = [("error", i.row, i.column, i.value, i.reason) for i in report["errors"]]
        rows += [("warning", i.row, i.column, i.value, i.reason) for i in report["warnings"]]
        body = rows_to_csv(["level", "row", "column", "value", "reason"], rows)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-report.csv"'
        return response


class MergeQueueView(ObjectPermissionMixin, View):
    """Merge review queue (병합 검토): pending candidates, both records side by side."""

    permission_predicate = staticmethod(permissions.can_review_merges)

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.merge_queue(), 20).get_page(request.GET.get("page"))
        return render(
            request,
            "registry/merge_queue.html",
            {"page_obj": page, "candidates": page.object_list, "querystring": ""},
        )


MERGE_DECISIONS = ("keep_left", "keep_right")


class MergeDecisionView(ObjectPermissionMixin, View):
    """A staff decision on one candidate. GET: the confirmation page (병합 확인) — both
    records side by side, which one stays (``?decision=keep_left|keep_right``), what the
    merge does. POST: ``distinct`` at once; a merge only with ``confirm=yes`` from that
    page (without it, back to the page: a merge is never one click)."""

    permission_predicate = staticmethod(permissions.can_review_merges)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(MergeCandidate.objects.select_related("left", "right"), pk=pk)
        decision = request.GET.get("decision", "")
        return self._confirm(request, candidate, decision, 200)

    def _confirm(
        self, request: HttpRequest, candidate: MergeCandidate, decision: str, status: int
    ) -> HttpResponse:
        context = {
            "c": candidate,
            "decision": decision if decision in MERGE_DECISIONS else "keep_left",
            "pending": candidate.status == MergeCandidate.Status.PENDING,
            "both": candidate.left is not None and candidate.right is not None,
            "breadcrumbs": [
                (_("병합 검토"), reverse("registry:merge-queue")),
                (_("병합 확인"), None),
            ],
        }
        return render(request, "registry/merge_confirm.html", context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(MergeCandidate, pk=pk)
        form = MergeDecisionForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("결정을 골라 주세요."), status=400)
        decision = form.cleaned_data["decision"]
        if decision in MERGE_DECISIONS and request.POST.get("confirm") != "yes":
            url = (
                reverse("registry:merge-decide", args=[pk])
                + "?"
                + urlencode({"decision": decision})
            )
            return HttpResponseRedirect(url, status=303)
        try:
            kept = services.merge_candidate_decide(
                candidate=candidate, decision=decision, by=request.user
            )
        except services.MergeError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("registry:merge-queue"), status=303)
        if kept is not None:
            messages.success(
                request,
                _("%(name)s(으)로 합쳤습니다. 되돌리려면 이 조직의 변경 이력에서 되돌리세요.")
                % {"name": kept.name},
            )
        else:
            messages.success(request, _("다른 조직으로 표시했습니다."))
        return HttpResponseRedirect(reverse("registry:merge-queue"), status=303)


class MergeUndoView(ObjectPermissionMixin, View):
    """POST: undo one merge (병합 되돌리기, from the organisation's history page); then
    the restored organisation's history, or back with the refusal's message."""

    permission_predicate = staticmethod(permissions.can_review_merges)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        merge = get_object_or_404(OrganizationMerge, pk=pk)
        try:
            restored = services.organization_merge_undo(merge=merge, by=acting_user(request.user))
        except (services.MergeError, IntegrityError) as exc:
            # An IntegrityError (the database refusing what the undo would leave, e.g. a
            # link to a record deleted since) is a refusal too, never a 500; nothing of
            # the undo was kept.
            messages.error(
                request,
                str(exc)
                if isinstance(exc, services.MergeError)
                else _("이 병합은 지금 되돌릴 수 없습니다. 그 뒤에 바뀐 기록과 맞지 않습니다."),
            )
            back = (
                reverse("registry:organization-history", args=[merge.kept_id])
                if merge.kept_id
                else reverse("registry:merge-queue")
            )
            return HttpResponseRedirect(back, status=303)
        messages.success(
            request,
            _("병합을 되돌렸습니다: %(name)s을(를) 다시 따로 두었습니다.")
            % {"name": restored.name},
        )
        return HttpResponseRedirect(
            reverse("registry:organization-history", args=[restored.pk]), status=303
        )


# Organisations a search on the merge proposal page shows at most.
PROPOSE_RESULTS = 20


class MergeProposeView(ObjectPermissionMixin, View):
    """Staff put a pair in the merge queue from a profile (병합 후보 올리기). GET: search
    the other organisation by name (``q``; htmx gets the results fragment); POST
    ``other`` (an id from those results): the pair is queued, then the queue."""

    permission_predicate = staticmethod(permissions.can_review_merges)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        return self._render(request, org, 200)

    def _render(
        self, request: HttpRequest, org: Organization, status: int, error: str = ""
    ) -> HttpResponse:
        query = request.GET.get("q", "").translate(_CONTROL_CHARS).strip()[:100]
        results: list[Organization] = []
        if query:
            from hanjari.core.names import normalize_name

            normalized = normalize_name(query)
            found = Q(name__icontains=query) | Q(aliases__icontains=query)
            if normalized:
                found |= Q(name_normalized__icontains=normalized)
            results = list(
                Organization.objects.filter(found)
                .exclude(pk=org.pk)
                .prefetch_related("designations")
                .order_by("name", "pk")[:PROPOSE_RESULTS]
            )
        # Pairs already waiting in the queue are shown as such, without a button that
        # could only answer "already waiting".
        queued = {
            other_id
            for pair in MergeCandidate.objects.filter(
                Q(left=org) | Q(right=org), status=MergeCandidate.Status.PENDING
            ).values_list("left_id", "right_id")
            for other_id in pair
            if other_id != org.pk
        }
        context = {"org": org, "q": query, "results": results, "error": error, "queued": queued}
        if is_htmx(request):
            return render(request, "registry/partials/_merge_propose_results.html", context)
        context["breadcrumbs"] = _org_breadcrumbs(org, _("병합 후보 올리기"))
        return render(request, "registry/merge_propose.html", context, status=status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = get_object_or_404(Organization, pk=pk)
        other_id = request.POST.get("other", "")
        if not is_object_id(other_id):
            return self._render(request, org, 400, _("병합할 조직을 검색해서 골라 주세요."))
        other = get_object_or_404(Organization, pk=int(other_id))
        try:
            services.merge_candidate_propose(left=org, right=other, by=acting_user(request.user))
        except services.MergeError as exc:
            return self._render(request, org, 409, str(exc))
        messages.success(
            request,
            _("%(left)s ↔ %(right)s 쌍을 병합 검토 대기열에 올렸습니다.")
            % {"left": org.name, "right": other.name},
        )
        return HttpResponseRedirect(reverse("registry:merge-queue"), status=303)


# Suggestions one user (signed out: one address) may ask the organisation picker for in
# a window of seconds: typing pauses of 250 ms give at most about 4 a second.
PICKER_RATE_LIMIT = 120
PICKER_RATE_WINDOW = 60


class OrganizationPickerView(View):
    """The organisation picker's suggestions (조직 고르기, `forms.OrganizationPickerField`):
    ``?q=`` → up to `selectors.PICKER_LIMIT` organisations (`selectors.organization_picker`:
    Korean search over names, typos forgiven, ``#id``) as listbox options for the
    picker's htmx, or with ``?format=json`` as ``{"results": [{"id", "name", "region",
    "kinds", "detail", "url"}]}``. Public, as the directory is (names, regions and kinds
    are public); at most `PICKER_RATE_LIMIT` requests per `PICKER_RATE_WINDOW` seconds
    per user (signed out: per address), then 429 with a message. Empty text: no
    options."""

    def get(self, request: HttpRequest) -> HttpResponse:
        as_json = request.GET.get("format") == "json"
        user = request.user
        who = f"user:{user.pk}" if user.is_authenticated else f"ip:{client_ip(request)}"
        if not rate_allows(
            f"registry:picker:{who}", limit=PICKER_RATE_LIMIT, window=PICKER_RATE_WINDOW
        ):
            message = _("너무 자주 찾았습니다. 잠시 뒤에 다시 해 보세요.")
            if as_json:
                return JsonResponse({"error": message}, status=429)
            return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        orgs = selectors.organization_picker(text=request.GET.get("q", ""))
        items = [describe_organization(org) for org in orgs]
        if as_json:
            results = [
                {
                    "id": org.pk,
                    "name": org.name,
                    "region": org.region_display,
                    "kinds": organization_kinds(org),
                    "detail": item.detail,
                    "url": org.get_absolute_url(),
                }
                for org, item in zip(orgs, items, strict=True)
            ]
            return JsonResponse({"results": results})
        return render(
            request, "registry/partials/_organization_picker_options.html", {"items": items}
        )


class CouncilMemberView(ObjectPermissionMixin, View):
    """POST: a council admin or staff adds (`action=add`) or removes (`action=remove`)
    a member organisation (`organization` = id)."""

    permission_predicate = staticmethod(permissions.can_manage_council)

    def get_permission_object(self) -> Council:
        return get_object_or_404(Council, pk=self.kwargs["pk"])

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        council = get_object_or_404(Council, pk=pk)
        action = request.POST.get("action")
        org_id = request.POST.get("organization", "")
        if action not in ("add", "remove") or not is_object_id(org_id):
            return HttpResponse(_("조직과 동작을 골라 주세요."), status=400)
        org = get_object_or_404(Organization, pk=int(org_id))
        names = {"name": org.name}
        by = acting_user(request.user)
        if action == "add":
            if services.council_member_add(council=council, organization=org, by=by):
                messages.success(request, _("%(name)s을(를) 회원으로 넣었습니다.") % names)
        elif services.council_member_remove(council=council, organization=org, by=by):
            messages.success(request, _("%(name)s을(를) 회원에서 뺐습니다.") % names)
        return HttpResponseRedirect(reverse("registry:council", kwargs={"pk": pk}), status=303)
