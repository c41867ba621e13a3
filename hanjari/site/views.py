"""Pages that combine apps: home, organisation profile and council.

The registry owns organisations and councils; these pages add what the other apps
know about them (news, events, recognition), so they live above all of them
(layers: core → accounts → registry → news/events/recognition → search → site). Their
URL names stay in the ``registry`` namespace (``registry:organization``,
``registry:council``) and ``home``: see `hanjari.site.urls`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from hanjari.claims import selectors as claims_selectors
from hanjari.core import regions
from hanjari.core.text import CONTROL_CHARS
from hanjari.events import selectors as events_selectors
from hanjari.membership import permissions as membership_permissions
from hanjari.membership import selectors as membership_selectors
from hanjari.membership.forms import DecisionForm, JoinRequestForm
from hanjari.news import selectors as news_selectors
from hanjari.recognition import selectors as recognition_selectors
from hanjari.registry import permissions as registry_permissions
from hanjari.registry import selectors as registry_selectors
from hanjari.registry.contacts import WEEKDAYS, EmployeeRange, opening_hours_lines, sorted_hours
from hanjari.registry.models import SECTORS, Council, Organization, OrganizationPhoto
from hanjari.registry.public import PublicContacts, public_brn, public_contacts

from . import dashboard

# schema.org day names by stored weekday key.
SCHEMA_DAYS = {day.key: day.schema for day in WEEKDAYS}


class HomeView(TemplateView):
    """Home (홈): counts by sector nationally and for the home region, newest entries."""

    template_name = "site/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        sido, sigungu = registry_selectors.home_region()
        national = registry_selectors.sector_counts()
        local = registry_selectors.sector_counts(sido=sido, sigungu=sigungu)
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
        ctx["empty_sectors"] = [s["label"] for s in ctx["sectors"] if not s["national"]]
        ctx["local_total"] = local["total"]
        ctx["home_region"] = regions.region_label(sido, sigungu)
        ctx["home_url"] = (
            reverse("registry:directory") + "?" + urlencode({"sido": sido, "sigungu": sigungu})
        )
        ctx["newest"] = registry_selectors.newest_organizations()
        ctx["latest_news"] = list(news_selectors.latest()[:5])
        return ctx


class OrganizationView(DetailView):
    """Organisation profile (조직 정보): public fields, designations with sources,
    councils, schema.org JSON-LD."""

    template_name = "site/organization.html"
    context_object_name = "org"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Organization.DoesNotExist as exc:
            # A record merged away: send visitors (bookmarks, exported CSV links) to the
            # organisation that absorbed it. A temporary redirect, since the merge can
            # be undone and the old address then shows the record again.
            survivor = registry_selectors.merged_into(pk=self.kwargs["pk"])
            if survivor is None:
                raise Http404(_("조직을 찾을 수 없습니다.")) from exc
            return HttpResponseRedirect(survivor.get_absolute_url())

    def get_object(self, queryset: Any = None) -> Organization:
        return registry_selectors.organization_profile(pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        org: Organization = self.object
        ctx["can_edit"] = registry_permissions.can_edit_organization(self.request.user, org)
        ctx["can_view_history"] = registry_permissions.can_view_history(self.request.user, org)
        ctx["can_view_members"] = membership_permissions.can_view_members(self.request.user, org)
        ctx["offer"] = claims_selectors.claim_offer(user=self.request.user, organization=org)
        ctx["brn_public"] = public_brn(org)
        ctx["contacts"] = contacts = public_contacts(org)
        ctx["hours"] = opening_hours_lines(org.opening_hours)
        ctx["photos"] = list(org.photos.all())
        ctx["jsonld"] = json.dumps(
            _jsonld(self.request, org, contacts, ctx["photos"]), ensure_ascii=False
        ).replace("<", "\\u003c")
        ctx["breadcrumbs"] = [(_("조직 찾기"), reverse("registry:directory")), (org.name, None)]
        ctx["articles"] = list(news_selectors.about_organization(organization=org)[:10])
        ctx["events"] = events_selectors.events_for_organization(organization=org)
        ctx["recognition"] = recognition_selectors.for_organization(organization=org)
        return ctx


def _jsonld(
    request: HttpRequest,
    org: Organization,
    contacts: PublicContacts,
    photos: list[OrganizationPhoto],
) -> dict[str, Any]:
    """The profile's schema.org ``Organization`` (JSON-LD): name, the profile's address
    as ``url``, postal address, description, founding date, employee range
    (``numberOfEmployees``), opening hours (``openingHoursSpecification``), logo and
    photos (``image``), designations (``hasCertification``), and of the contact details
    only the public ones (`contacts`: ``telephone``, ``email``, and the website and
    social links as ``sameAs``). Never the 대표자명 or a non-public contact."""
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
    if contacts.same_as:
        data["sameAs"] = contacts.same_as
    if contacts.phone:
        data["telephone"] = contacts.phone
    if contacts.email:
        data["email"] = contacts.email
    if org.description or org.products or org.industry:
        data["description"] = org.description or ", ".join(
            p for p in (org.industry, org.products) if p
        )
    if org.founded_on:
        data["foundingDate"] = org.founded_on.isoformat()
    bounds = EmployeeRange.bounds(org.employee_range)
    if bounds:
        employees: dict[str, Any] = {"@type": "QuantitativeValue", "minValue": bounds[0]}
        if bounds[1] is not None:
            employees["maxValue"] = bounds[1]
        data["numberOfEmployees"] = employees
    hours = sorted_hours(org.opening_hours)
    if hours:
        data["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[item['day']]}",
                "opens": item["opens"],
                "closes": item["closes"],
            }
            for item in hours
        ]
    if org.logo:
        data["logo"] = request.build_absolute_uri(org.logo.url)
    if photos:
        data["image"] = [request.build_absolute_uri(p.image.url) for p in photos]
    if org.brn_verified and public_brn(org):
        data["taxID"] = public_brn(org)
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


class CouncilView(DetailView):
    """A council (협의회) and its member organisations; its admins and staff also see
    the member management form."""

    template_name = "site/council.html"
    context_object_name = "council"
    model = Council

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["members"] = self.object.members.order_by("name").prefetch_related("designations")
        ctx["can_manage"] = registry_permissions.can_manage_council(self.request.user, self.object)
        query = CONTROL_CHARS.sub("", self.request.GET.get("org_q", "")).strip()[:100]
        ctx["org_q"] = query
        if ctx["can_manage"] and query:
            ctx["candidates"] = (
                Organization.objects.filter(name__icontains=query)
                .exclude(pk__in=self.object.members.values("pk"))
                .order_by("name")[:20]
            )
        ctx["breadcrumbs"] = [
            (_("협의회"), reverse("registry:councils")),
            (self.object.name, None),
        ]
        ctx["kind_counts"] = registry_selectors.council_kind_counts(council=self.object)
        if ctx["can_manage"]:
            ctx["join_requests"] = [
                (req, DecisionForm(auto_id=f"id_r{req.pk}_%s"))
                for req in membership_selectors.pending_join_requests(self.object)
            ]
        offer = membership_selectors.organizations_to_offer(self.request.user, self.object)
        if offer.exists():
            ctx["join_form"] = JoinRequestForm(
                initial={"council": self.object.pk, "organization": offer[0].pk},
                organizations=offer,
                councils=Council.objects.filter(pk=self.object.pk),
                hidden=("council",),
            )
        ctx["events"] = events_selectors.events_for_council(council=self.object)
        ctx["recognition"] = recognition_selectors.for_council(council=self.object)
        return ctx


class MyOrganizationsView(LoginRequiredMixin, TemplateView):
    """ "내 조직" (my organisations): invitations addressed to me, then each organisation
    I belong to with my role, its links and what waits there (`dashboard`), and the
    councils I administer with their pending join requests."""

    template_name = "site/my_organizations.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        memberships = list(membership_selectors.my_memberships(user))
        items = dashboard.waiting_items(user, memberships)
        mine = {m.organization_id for m in memberships}
        ctx["cards"] = [
            {
                "membership": m,
                "org": m.organization,
                "can_edit": registry_permissions.can_edit_organization(user, m.organization),
                "waiting": [
                    i for i in items if i.organization and i.organization.pk == m.organization_id
                ],
            }
            for m in memberships
        ]
        ctx["other_items"] = [
            i for i in items if i.organization is None or i.organization.pk not in mine
        ]
        ctx["invitations"] = list(membership_selectors.invitations_for(user))
        ctx["councils"] = membership_selectors.councils_administered(user)
        ctx["breadcrumbs"] = [(_("내 조직"), None)]
        return ctx
