"""Registry pages: home, directory, profile, councils, and staff import / merge / history."""

from __future__ import annotations

import dataclasses
import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from hanjari.core.csvsafe import rows_to_csv
from hanjari.core.mixins import ObjectPermissionMixin

from . import permissions, selectors, services
from .forms import ImportForm, MergeDecisionForm, OrganizationForm
from .importers.pipeline import ImportReport, Issue
from .models import SECTORS, Council, DesignationKind, ImportRun, MergeCandidate, Organization

EXPORT_LIMIT = 50_000


class HomeView(TemplateView):
    """Home (홈): counts by sector nationally and for the home region, newest entries."""

    template_name = "registry/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        sido, sigungu = selectors.home_region()
        national = selectors.sector_counts()
        local = selectors.sector_counts(sido=sido, sigungu=sigungu)
        ctx["sectors"] = [
            {
                "key": key,
                "label": label,
                "national": national[key],
                "local": local[key],
                "national_url": reverse("registry:directory") + "?" + urlencode({"kind": key}),
                "local_url": reverse("registry:directory")
                + "?"
                + urlencode({"kind": key, "sido": sido, "sigungu": sigungu}),
            }
            for key, (label, _kinds) in SECTORS.items()
        ]
        ctx["national_total"] = national["total"]
        ctx["local_total"] = local["total"]
        ctx["home_sido"], ctx["home_sigungu"] = sido, sigungu
        ctx["home_url"] = (
            reverse("registry:directory") + "?" + urlencode({"sido": sido, "sigungu": sigungu})
        )
        ctx["newest"] = selectors.newest_organizations()
        return ctx


def _querystring(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


class DirectoryView(ListView):
    """Directory (조직 찾기) with filters; answers with the results partial to htmx."""

    template_name = "registry/directory.html"
    paginate_by = 50
    context_object_name = "organizations"

    def get_queryset(self) -> Any:
        filters = selectors.DirectoryFilters.from_query(self.request.GET)
        if filters.sigungu and filters.sigungu not in selectors.sigungu_choices(filters.sido):
            filters = dataclasses.replace(filters, sigungu="")
        self.filters = filters
        return selectors.organization_directory(filters=self.filters)

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        paginator = Paginator(queryset, page_size)
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
        ctx.update(
            filters=f,
            querystring=_querystring(self.request),
            export_query=_querystring(self.request),
            sector_choices=[(k, v[0]) for k, v in SECTORS.items()],
            kind_choices=DesignationKind.choices,
            sido_choices=[s for s, _label in _sido_choices()],
            sigungu_choices=selectors.sigungu_choices(f.sido),
            subtype_choices=selectors.subtype_choices(f.kind) if f.kind else [],
            sort_choices=[
                ("name", _("이름순")),
                ("-created", _("최근 등록순")),
                ("region", _("지역순")),
            ],
        )
        return ctx


def _sido_choices() -> list[tuple[str, str]]:
    from .models import SIDO_CHOICES

    return list(SIDO_CHOICES)


class DirectoryExportView(View):
    """The directory's current result as CSV (formula-safe cells)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = selectors.DirectoryFilters.from_query(request.GET)
        qs = selectors.organization_directory(filters=filters)[:EXPORT_LIMIT]
        header = [
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
            _("주소 링크"),
        ]
        rows = []
        for org in qs:
            designations = [d for d in org.designations.all()]
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
                    org.website,
                    org.phone,
                    request.build_absolute_uri(org.get_absolute_url()),
                ]
            )
        response = HttpResponse(rows_to_csv(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="hanjari-organizations.csv"'
        return response


class OrganizationView(DetailView):
    """Organisation profile (조직 정보): public fields, designations with sources,
    councils, schema.org JSON-LD."""

    template_name = "registry/organization.html"
    context_object_name = "org"

    def get_object(self, queryset: Any = None) -> Organization:
        try:
            return selectors.organization_profile(pk=self.kwargs["pk"])
        except Organization.DoesNotExist as exc:
            raise Http404(_("조직을 찾을 수 없습니다.")) from exc

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        org: Organization = self.object
        ctx["can_edit"] = permissions.can_edit_organization(self.request.user, org)
        ctx["can_view_history"] = permissions.can_view_history(self.request.user, org)
        ctx["jsonld"] = json.dumps(_jsonld(self.request, org), ensure_ascii=False).replace(
            "<", "\\u003c"
        )
        return ctx


def _jsonld(request: HttpRequest, org: Organization) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": org.name,
        "url": request.build_absolute_uri(org.get_absolute_url()),
    }
    if org.address:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": org.address,
            "addressRegion": org.sido,
            "addressLocality": org.sigungu,
            "addressCountry": "KR",
        }
    if org.website:
        data["sameAs"] = [org.website]
    if org.phone:
        data["telephone"] = org.phone
    if org.products or org.industry:
        data["description"] = org.description or ", ".join(
            p for p in (org.industry, org.products) if p
        )
    if org.brn_display:
        data["taxID"] = org.brn_display
    certs = []
    for d in org.designations.all():
        cert: dict[str, Any] = {"@type": "Certification", "name": d.get_kind_display()}
        if d.issuer:
            cert["issuedBy"] = {"@type": "Organization", "name": d.issuer}
        if d.number:
            cert["certificationIdentification"] = d.number
        if d.start_date:
            cert["validFrom"] = d.start_date.isoformat()
        cert["certificationStatus"] = (
            "https://schema.org/CertificationActive"
            if d.status == d.Status.ACTIVE
            else "https://schema.org/CertificationInactive"
        )
        certs.append(cert)
    if certs:
        data["hasCertification"] = certs
    return data


class OrganizationEditView(ObjectPermissionMixin, View):
    """Profile edit for staff, the organisation's owners/editors and council admins."""

    permission_predicate = staticmethod(permissions.can_edit_organization)
    template_name = "registry/organization_edit.html"

    def get_object(self) -> Organization:
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_object()
        return render(
            request, self.template_name, {"org": org, "form": OrganizationForm(instance=org)}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        org = self.get_object()
        form = OrganizationForm(
            request.POST, request.FILES, instance=Organization.objects.get(pk=pk)
        )
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.changed_data}
            if "logo" in data and data["logo"] is False:
                data["logo"] = ""
            try:
                services.organization_update(organization=org, data=data, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("조직 정보를 저장했습니다."))
                return HttpResponseRedirect(org.get_absolute_url())
        return render(request, self.template_name, {"org": org, "form": form}, status=400)


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
        entries = []
        for record in org_history:
            entries.append(("org", record, _diff(record)))
        for record in des_history:
            entries.append(("designation", record, _diff(record)))
        entries.sort(key=lambda e: e[1].history_date, reverse=True)
        return render(
            request, "registry/organization_history.html", {"org": org, "entries": entries[:500]}
        )


def _diff(record: Any) -> list[tuple[str, Any, Any]]:
    prev = record.prev_record
    if prev is None:
        return []
    delta = record.diff_against(prev)
    return [(c.field, c.old, c.new) for c in delta.changes]


class CouncilListView(ListView):
    template_name = "registry/councils.html"
    context_object_name = "councils"

    def get_queryset(self) -> Any:
        return selectors.council_list()


class CouncilView(DetailView):
    template_name = "registry/council.html"
    context_object_name = "council"
    model = Council

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.object.members.order_by("name").prefetch_related("designations")
        return ctx


class ImportView(ObjectPermissionMixin, View):
    """Staff upload of an official file; shows the report (가져오기)."""

    permission_predicate = staticmethod(permissions.can_import)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, ImportForm(), None, 200)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, form, None, 400)
        upload = form.cleaned_data["file"]
        report = services.registry_import(
            data=upload.read(),
            file_name=upload.name,
            dataset=form.cleaned_data["dataset"],
            reference_date=form.cleaned_data["reference_date"],
            dry_run=form.cleaned_data["dry_run"],
            user=request.user,
        )
        if report.ok and not report.dry_run and report.run_id:
            messages.success(request, _("가져오기를 마쳤습니다."))
            return HttpResponseRedirect(
                reverse("registry:import-run", kwargs={"pk": report.run_id})
            )
        return self._render(request, form, report, 200 if report.ok else 422)

    def _render(
        self, request: HttpRequest, form: ImportForm, report: ImportReport | None, status: int
    ) -> HttpResponse:
        runs = ImportRun.objects.select_related("dataset", "started_by")[:30]
        return render(
            request,
            "registry/import.html",
            {"form": form, "report": report, "runs": runs},
            status=status,
        )


class ImportRunView(ObjectPermissionMixin, View):
    """One import run with its row-by-row report."""

    permission_predicate = staticmethod(permissions.can_import)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = get_object_or_404(ImportRun.objects.select_related("dataset", "started_by"), pk=pk)
        report = _report_of(run)
        return render(request, "registry/import_run.html", {"run": run, "report": report})


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


class MergeDecisionView(ObjectPermissionMixin, View):
    """POST a staff decision on one candidate."""

    permission_predicate = staticmethod(permissions.can_review_merges)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        candidate = get_object_or_404(MergeCandidate, pk=pk)
        form = MergeDecisionForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("결정을 골라 주세요."), status=400)
        try:
            kept = services.merge_candidate_decide(
                candidate=candidate, decision=form.cleaned_data["decision"], by=request.user
            )
        except services.MergeError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(reverse("registry:merge-queue"), status=303)
        if kept is not None:
            messages.success(request, _("%(name)s(으)로 합쳤습니다.") % {"name": kept.name})
        else:
            messages.success(request, _("다른 조직으로 표시했습니다."))
        return HttpResponseRedirect(reverse("registry:merge-queue"), status=303)
