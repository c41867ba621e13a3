"""Recognition pages (포상·기부): the yearly page of commendations (표창), plaques of
appreciation (감사패) and the donation ledger (기부금), public; and the staff pages
(포상·기부 관리, /staff/recognition/) where centre staff enter, correct (with a reason)
and delete (with a reason) those records through `services`, each with its history."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.events.selectors import today_in_seoul

from . import permissions, selectors, services
from .forms import FORMS, PlaqueForm, ReasonForm, StaffFilterForm
from .models import Commendation, Plaque

FIRST_YEAR = 1900
LAST_YEAR = 2100


class RecognitionIndexView(View):
    """포상·기부: redirects to the newest year with records; with none yet, shows this
    year's (empty) page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        year = selectors.latest_year()
        if year is None:
            return render_year(request, today_in_seoul().year)
        return HttpResponseRedirect(reverse("recognition:year", args=[year]))


class RecognitionYearView(View):
    """One year's recognition: commendations (names only where public, else "N명"),
    plaques, and the donation ledger with its total of known amounts and the number of
    donations whose amount is not public (금액 알 수 없음). Years outside 1900–2100: 404."""

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404(_("그 해의 기록은 없습니다."))
        return render_year(request, year)


def render_year(request: HttpRequest, year: int) -> HttpResponse:
    years = selectors.years_with_data()
    context: dict[str, Any] = {
        "year": year,
        "years": years,
        "summary": selectors.year_summary(year=year),
        "breadcrumbs": [
            (_("포상·기부"), reverse("recognition:index")),
            (_("%(year)d년") % {"year": year}, None),
        ],
        "can_manage": permissions.can_manage_recognition(request.user),
    }
    return render(request, "recognition/year.html", context)


# --- staff pages (포상·기부 관리) ------------------------------------------------------------

STAFF_PAGE_SIZE = 50
KIND_LABELS = {
    "commendation": gettext_lazy("표창"),
    "plaque": gettext_lazy("감사패"),
    "donation": gettext_lazy("기부금"),
}
NEW_LABELS = {
    "commendation": gettext_lazy("표창 적기"),
    "plaque": gettext_lazy("감사패 적기"),
    "donation": gettext_lazy("기부금 적기"),
}
EDIT_LABELS = {
    "commendation": gettext_lazy("표창 고치기"),
    "plaque": gettext_lazy("감사패 고치기"),
    "donation": gettext_lazy("기부금 고치기"),
}


def _staff_crumbs(*items: tuple[Any, str | None]) -> list[tuple[Any, str | None]]:
    return [
        (_("포상·기부"), reverse("recognition:index")),
        (_("포상·기부 관리"), reverse("recognition:staff-list")),
        *items,
    ]


def _kind(kind: str) -> str:
    if kind not in selectors.RECORD_MODELS:
        raise Http404(_("그런 종류의 기록은 없습니다."))
    return kind


def _record(kind: str, pk: int) -> Any:
    model = selectors.RECORD_MODELS[_kind(kind)]
    record = selectors.staff_records(kind=kind).filter(pk=pk).first()
    if record is None:
        raise Http404(_("%(kind)s 기록을 찾을 수 없습니다.") % {"kind": model._meta.verbose_name})
    return record


def record_title(record: Any) -> str:
    """How a staff page names a record: a commendation by its title and recipient, a
    plaque by its recipient, a donation as "donor → recipient"; with its date."""
    if isinstance(record, Commendation):
        who = (
            record.recipient_organization.name
            if record.recipient_organization
            else record.recipient_name
        )
        text = f"{record.title} · {who}" if who else record.title
    elif isinstance(record, Plaque):
        who = (
            record.recipient_organization.name
            if record.recipient_organization
            else f"{record.recipient_name} {record.recipient_office}".strip()
        )
        text = who or str(_("감사패"))
    else:
        text = f"{record.donor_display or '?'} → {record.recipient_display or '?'}"
    return f"{text} ({record.date:%Y-%m-%d})"


def _add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (others: the whole form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class _StaffView(ObjectPermissionMixin, View):
    """Staff pages of recognition records: `permissions.can_manage_recognition`
    (signed out: the login page; others: 403)."""

    permission_predicate = staticmethod(permissions.can_manage_recognition)

    def get_permission_object(self) -> None:
        return None


class StaffListView(_StaffView):
    """포상·기부 관리: the records of one kind (tab: ``?kind=commendation|plaque|donation``),
    newest first, 50 a page, filtered by ``year`` and ``organization`` (the picker;
    recipient, or donor too for donations), with every name (public or not), links to
    correct each one, and the kind's latest deletions with their reasons. Filters that
    are not valid (a year without records, an unknown organisation) answer 400 with the
    form's message and the unfiltered list."""

    def get(self, request: HttpRequest) -> HttpResponse:
        kind = request.GET.get("kind", "")
        kind = kind if kind in selectors.RECORD_MODELS else "commendation"
        form = StaffFilterForm(request.GET, years=selectors.years_with_data())
        year, organization, status = None, None, 200
        if form.is_valid():
            year = form.cleaned_data.get("year")
            organization = form.cleaned_data.get("organization")
        else:
            status = 400
        records = selectors.staff_records(kind=kind, year=year, organization=organization)
        page = Paginator(records, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
        pairs = [("kind", kind)]
        if year:
            pairs.append(("year", str(year)))
        if organization is not None:
            pairs.append(("organization", str(organization.pk)))
        tabs = [
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode([("kind", key), *pairs[1:]]),
                "active": key == kind,
            }
            for key, label in KIND_LABELS.items()
        ]
        context = {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "form": form,
            "tabs": tabs,
            "page_obj": page,
            "records": page.object_list,
            "querystring": urlencode(pairs),
            "new_links": [
                (label, reverse("recognition:staff-new", args=[key]))
                for key, label in NEW_LABELS.items()
            ],
            "deletions": selectors.recent_deletions(kind=kind),
            "breadcrumbs": [
                (_("포상·기부"), reverse("recognition:index")),
                (_("포상·기부 관리"), None),
            ],
        }
        return render(request, "recognition/staff/list.html", context, status=status)


class StaffCreateView(_StaffView):
    """적기: a new commendation, plaque or donation (`kind`) through its service
    (checked, audited); then its staff page. Errors: 400 with the form's messages."""

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:
        form = FORMS[_kind(kind)](initial={"date": today_in_seoul()})
        return self._render(request, kind, form, 200)

    def post(self, request: HttpRequest, kind: str) -> HttpResponse:
        form = FORMS[_kind(kind)](request.POST)
        if form.is_valid():
            by = acting_user(request.user)
            data: Any = form.service_data()
            try:
                if isinstance(form, PlaqueForm):
                    record: Any = services.plaque_create(
                        data=data, by=by, given_by_councils=form.councils()
                    )
                elif kind == "donation":
                    record = services.donation_create(data=data, by=by)
                else:
                    record = services.commendation_create(data=data, by=by)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request, _("%(what)s 기록을 적었습니다.") % {"what": KIND_LABELS[kind]}
                )
                return HttpResponseRedirect(
                    reverse("recognition:staff-edit", args=[kind, record.pk])
                )
        return self._render(request, kind, form, 400)

    def _render(self, request: HttpRequest, kind: str, form: Any, status: int) -> HttpResponse:
        context = {
            "kind": kind,
            "title": NEW_LABELS[kind],
            "form": form,
            "record": None,
            "breadcrumbs": _staff_crumbs((NEW_LABELS[kind], None)),
        }
        return render(request, "recognition/staff/form.html", context, status=status)


class StaffEditView(_StaffView):
    """고치기: a record's form, its correction (a reason is required:
    `rules.change_refusal`) through the service (audited with the values before and
    after), and its history (만듦, 고침 with reasons) from the audit log. A post that
    changes nothing is refused (400), as is one without a reason."""

    def get(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        record = _record(kind, pk)
        return self._render(request, kind, record, FORMS[kind](instance=record), 200)

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        record = _record(kind, pk)
        form = FORMS[kind](request.POST, instance=_record(kind, pk))
        if form.is_valid():
            if not [name for name in form.changed_data if name != "change_reason"]:
                form.add_error(None, _("고친 내용이 없습니다."))
            else:
                try:
                    self._update(kind, record, form, acting_user(request.user))
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(request, _("고친 내용을 저장했습니다."))
                    return HttpResponseRedirect(
                        reverse("recognition:staff-edit", args=[kind, record.pk])
                    )
        return self._render(request, kind, record, form, 400)

    @staticmethod
    def _update(kind: str, record: Any, form: Any, by: Any) -> None:
        data: Any = form.service_data()
        reason = form.cleaned_data["change_reason"]
        if isinstance(form, PlaqueForm):
            services.plaque_update(
                plaque=record, data=data, by=by, reason=reason, given_by_councils=form.councils()
            )
        elif kind == "donation":
            services.donation_update(donation=record, data=data, by=by, reason=reason)
        else:
            services.commendation_update(commendation=record, data=data, by=by, reason=reason)

    def _render(
        self, request: HttpRequest, kind: str, record: Any, form: Any, status: int
    ) -> HttpResponse:
        title = record_title(record)
        context = {
            "kind": kind,
            "title": EDIT_LABELS[kind],
            "record": record,
            "record_title": title,
            "form": form,
            "history": selectors.record_history(record=record),
            "public_url": reverse("recognition:year", args=[record.date.year]),
            "breadcrumbs": _staff_crumbs((title, None)),
        }
        return render(request, "recognition/staff/form.html", context, status=status)


class StaffDeleteView(_StaffView):
    """지우기: GET asks for the reason (a confirmation page showing the record); POST
    deletes through `services.record_delete`, which keeps the reason and every value
    in the audit log (the list shows the latest deletions), then the list. Without a
    reason: 400."""

    def get(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        return self._render(request, kind, _record(kind, pk), ReasonForm(), 200)

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        record = _record(kind, pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                services.record_delete(
                    record=record, by=acting_user(request.user), reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(what)s 기록을 지웠습니다: %(title)s")
                    % {"what": KIND_LABELS[kind], "title": record_title(record)},
                )
                return HttpResponseRedirect(
                    reverse("recognition:staff-list") + "?" + urlencode({"kind": kind})
                )
        return self._render(request, kind, record, form, 400)

    def _render(
        self, request: HttpRequest, kind: str, record: Any, form: Any, status: int
    ) -> HttpResponse:
        title = record_title(record)
        context = {
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "record": record,
            "record_title": title,
            "form": form,
            "breadcrumbs": _staff_crumbs(
                (title, reverse("recognition:staff-edit", args=[kind, record.pk])),
                (_("지우기"), None),
            ),
        }
        return render(request, "recognition/staff/delete.html", context, status=status)
