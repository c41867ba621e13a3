"""Event pages (행사): the list, the event page, calendars (ICS), and the staff pages
for events, programme (순서), booths (홍보부스) and the attendance report.

Public pages show drafts to centre staff only (others get 404). Staff pages use
`permissions.can_manage_events`; anonymous visitors are sent to the login page, other
users get 403. Forms only validate; `services` save.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.core.http import is_htmx
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.news import selectors as news_selectors
from hanjari.recognition import selectors as recognition_selectors

from .. import ics, permissions, rules, selectors, services
from ..forms import (
    ArticleLinkForm,
    BoothForm,
    BoothFormSet,
    EventForm,
    PhotoForm,
    ProgrammeFormSet,
)
from ..models import Booth, Event, ProgrammeItem

LIST_PAGE_SIZE = 20
FEED_PAST_DAYS = 365


def _event_or_404(pk: int, user: Any) -> Event:
    try:
        return selectors.event_detail(pk=pk, user=user)
    except Event.DoesNotExist as exc:
        raise Http404(_("행사를 찾을 수 없습니다.")) from exc


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("행사"), reverse("events:list")), *items]


def _form_errors(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- public pages ---------------------------------------------------------------------------


class EventListView(View):
    """Events (행사): upcoming (soonest first) or past (newest first), by kind
    (`?when=upcoming|past&kind=workshop`), 20 a page. Answers htmx with the results
    partial (the filter form and pagination swap the results only)."""

    template_name = "events/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        when = request.GET.get("when", "upcoming")
        when = when if when in selectors.LIST_WHEN else "upcoming"
        kind = request.GET.get("kind", "")
        kind = kind if kind in Event.Kind.values else ""
        qs = selectors.event_list(user=request.user, when=when, kind=kind)
        page = Paginator(qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
        query = urlencode([(k, v) for k, v in (("when", when), ("kind", kind)) if v])
        tabs = [
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode([("when", key)] + ([("kind", kind)] if kind else [])),
                "active": key == when,
            }
            for key, label in (("upcoming", _("다가오는 행사")), ("past", _("지난 행사")))
        ]
        context = {
            "page_obj": page,
            "events": page.object_list,
            "when": when,
            "kind": kind,
            "kinds": Event.Kind.choices,
            "tabs": tabs,
            "querystring": query,
            "can_manage": permissions.can_manage_events(request.user),
            "breadcrumbs": [(_("행사"), None)],
        }
        template = "events/partials/_list_results.html" if is_htmx(request) else self.template_name
        response = render(request, template, context)
        patch_vary_headers(response, ("HX-Request",))
        return response


def registration_box(event: Event, user: Any) -> dict[str, Any]:
    """What the event page's registration box (참가 신청) shows: whether one can register
    now, seats left (None = no limit), whether new registrations go to the waitlist,
    the window, and the user's own registration."""
    now = timezone.now()
    refusal = rules.registration_refusal(event, now=now)
    opens, closes = event.registration_opens_at, event.registration_deadline
    seats_left = selectors.seats_left(event=event)
    is_open = refusal is None
    window_refused = refusal is not None and refusal.code == "window"
    before = window_refused and bool(opens and now < opens)
    return {
        "is_open": is_open,
        "refusal": refusal,
        "before_window": before,
        "after_window": window_refused and not before,
        "seats_left": seats_left,
        "seats_taken": selectors.seats_taken(event=event),
        "waitlist": is_open and seats_left == 0,
        "opens_at": opens,
        "closes_at": closes,
        "mine": selectors.registration_of_user(event=event, user=user),
    }


def council_participation(event: Event) -> list[dict[str, Any]]:
    """Participants by council (public counts, no names): the people of confirmed
    registrations per council, and the participating councils without registrations
    (listed with no count)."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in selectors.attendance_by_council(event=event):
        rows.append(
            {
                "label": row.label,
                "people": row.registered_people,
                "arrived": row.arrived_people,
                "url": (reverse("registry:council", args=[row.key]) if row.key.isdigit() else None),
            }
        )
        seen.add(row.key)
    for council in event.participating_councils.all():
        if str(council.pk) not in seen:
            rows.append(
                {
                    "label": council.name,
                    "people": None,
                    "arrived": None,
                    "url": reverse("registry:council", args=[council.pk]),
                }
            )
    return rows


class EventView(View):
    """The event page (행사 보기): when and where, organisers, status, the registration
    box, the programme in order, booths with their map, participants by council,
    photos, linked news and what was given there (commendations — names only where
    public —, plaques, donations with unknown amounts marked)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _event_or_404(pk, request.user)
        booths = list(event.booths.all())
        councils = council_participation(event)
        context = {
            "event": event,
            "programme": list(event.programme.all()),
            "booths": booths,
            "booth_map": selectors.booth_map(event=event, booths=booths),
            "photos": list(event.photos.all()),
            "articles": selectors.event_articles(event=event),
            "recognition": recognition_selectors.for_event(event=event),
            "registration": registration_box(event, request.user),
            "councils": councils,
            "councils_have_counts": any(row["people"] is not None for row in councils),
            "organizations": list(event.participating_organizations.all()),
            "organisers": [
                *(
                    (c.name, reverse("registry:council", args=[c.pk]))
                    for c in event.organiser_councils.all()
                ),
                *((o.name, o.get_absolute_url()) for o in event.organiser_organizations.all()),
            ],
            "can_manage": permissions.can_manage_events(request.user, event),
            "breadcrumbs": _crumbs((event.title, None)),
        }
        return render(request, "events/event.html", context)


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class EventIcsView(View):
    """One event as an iCalendar file (``event-<id>.ics``)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _event_or_404(pk, request.user)
        body = ics.calendar(
            [event],
            name=event.title,
            absolute=request.build_absolute_uri,
            host=request.get_host().split(":")[0],
        )
        return _ics_response(body, f"event-{event.pk}.ics")


class CalendarFeedView(View):
    """The public calendar feed (iCalendar): public events from the last year on,
    cancelled ones marked CANCELLED. Subscribe to its address in a calendar app."""

    def get(self, request: HttpRequest) -> HttpResponse:
        events = selectors.calendar_events(past_days=FEED_PAST_DAYS)
        body = ics.calendar(
            events,
            name=_("%(site)s 행사") % {"site": settings.HANJARI_SITE_NAME},
            absolute=request.build_absolute_uri,
            host=request.get_host().split(":")[0],
        )
        response = _ics_response(body, "hanjari-events.ics")
        response["Content-Disposition"] = 'inline; filename="hanjari-events.ics"'
        return response


# --- staff: the event -----------------------------------------------------------------------


class _StaffEventMixin(ObjectPermissionMixin):
    """Staff pages about one event (`pk`): the permission is checked on the event."""

    permission_predicate = staticmethod(permissions.can_manage_events)

    def get_permission_object(self) -> Event:
        return self.get_event()

    def get_event(self) -> Event:
        if not hasattr(self, "_event"):
            try:
                self._event = selectors.event_for_staff(pk=self.kwargs["pk"])
            except Event.DoesNotExist as exc:
                raise Http404(_("행사를 찾을 수 없습니다.")) from exc
        return self._event


class EventCreateView(ObjectPermissionMixin, View):
    """New event (행사 만들기), as a draft unless another status is chosen. Staff."""

    permission_predicate = staticmethod(permissions.can_manage_events)

    def get_permission_object(self) -> None:
        return None

    def get(self, request: HttpRequest) -> HttpResponse:
        form = EventForm(initial={"status": Event.Status.DRAFT})
        return self._render(request, form, 200)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EventForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    event = services.event_create(
                        data=form.service_data(), by=acting_user(request.user)
                    )
                    status = form.cleaned_data.get("status") or Event.Status.DRAFT
                    if status != Event.Status.DRAFT:
                        services.event_set_status(
                            event=event, status=status, by=acting_user(request.user)
                        )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("행사를 만들었습니다."))
                return HttpResponseRedirect(event.get_absolute_url())
        return self._render(request, form, 400)

    def _render(self, request: HttpRequest, form: EventForm, status: int) -> HttpResponse:
        context = {
            "form": form,
            "event": None,
            "breadcrumbs": _crumbs((_("행사 만들기"), None)),
        }
        return render(request, "events/event_form.html", context, status=status)


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class EventEditView(_StaffEventMixin, View):
    """Edit an event (행사 고치기), add photos, link news articles. Staff.

    One page, several forms; the POSTed ``form`` says which: ``event`` (default),
    ``photo``, ``link`` or ``unlink``."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        return self._render(request, event, status=200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        which = request.POST.get("form", "event")
        if which == "photo":
            return self._photo(request, event)
        if which in ("link", "unlink"):
            return self._link(request, event, unlink=which == "unlink")
        form = EventForm(request.POST, request.FILES, instance=Event.objects.get(pk=event.pk))
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.event_update(
                        event=event,
                        data=form.service_data(changed_only=True),
                        by=acting_user(request.user),
                    )
                    if "status" in form.changed_data:
                        services.event_set_status(
                            event=event,
                            status=form.cleaned_data["status"],
                            by=acting_user(request.user),
                        )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("행사 정보를 저장했습니다."))
                return HttpResponseRedirect(event.get_absolute_url())
        return self._render(request, event, form=form, status=400)

    def _photo(self, request: HttpRequest, event: Event) -> HttpResponse:
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.event_photo_add(
                    event=event,
                    image=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                    alt_text=form.cleaned_data["alt_text"],
                    by=acting_user(request.user),
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("사진을 올렸습니다."))
                return HttpResponseRedirect(reverse("events:event-edit", args=[event.pk]))
        return self._render(request, event, photo_form=form, status=400)

    def _link(self, request: HttpRequest, event: Event, *, unlink: bool) -> HttpResponse:
        form = ArticleLinkForm(request.POST)
        if form.is_valid():
            article = news_selectors.latest().filter(pk=form.cleaned_data["article"]).first()
            if article is None:
                form.add_error("article", _("게재된 기사 중에 그 번호가 없습니다."))
            else:
                if unlink:
                    services.event_unlink_article(
                        event=event, article=article, by=acting_user(request.user)
                    )
                    messages.success(request, _("기사 연결을 풀었습니다."))
                else:
                    services.event_link_article(
                        event=event, article=article, by=acting_user(request.user)
                    )
                    messages.success(request, _("기사를 연결했습니다."))
                return HttpResponseRedirect(reverse("events:event-edit", args=[event.pk]))
        return self._render(request, event, link_form=form, status=400)

    def _render(
        self,
        request: HttpRequest,
        event: Event,
        *,
        form: EventForm | None = None,
        photo_form: PhotoForm | None = None,
        link_form: ArticleLinkForm | None = None,
        status: int,
    ) -> HttpResponse:
        context = {
            "event": event,
            "form": form or EventForm(instance=event),
            "photo_form": photo_form or PhotoForm(),
            "link_form": link_form or ArticleLinkForm(),
            "photos": list(event.photos.all()),
            "linked_articles": list(event.articles.all()),
            "breadcrumbs": _crumbs(
                (event.title, event.get_absolute_url()), (_("행사 고치기"), None)
            ),
        }
        return render(request, "events/event_form.html", context, status=status)


# --- staff: programme and booths ---------------------------------------------------------


def _rows_formset(formset_class: Any, items: list[Any], data: Any = None) -> Any:
    """A formset of `items` (existing rows, each form bound to its object) plus blank
    rows for new ones."""

    # mypy cannot type a class built on a formset class chosen at run time.
    class RowsFormSet(formset_class):  # type: ignore[misc, valid-type]
        def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
            kwargs = super().get_form_kwargs(index)
            if index is not None and index < len(items):
                kwargs["instance"] = items[index]
            return kwargs

    initial: list[dict[str, Any]] = [{} for _item in items]
    return RowsFormSet(data, initial=initial, prefix="rows")


def _used_rows(formset: Any) -> list[Any]:
    """Forms of a valid formset that say something: existing rows and filled new ones."""
    return [
        f
        for i, f in enumerate(formset.forms)
        if i < formset.initial_form_count() or f.has_changed()
    ]


REPEATED_ROW_MESSAGE = gettext_lazy(
    "같은 항목이 두 줄에 있습니다. 페이지를 새로 고친 뒤 다시 저장해 주세요."
)


def _repeated_item(forms: list[Any]) -> bool:
    """Whether two rows of a posted formset name the same existing item (a forged or
    stale form: one row editing it, another deleting it)."""
    ids = [f.cleaned_data.get("item_id") for f in forms if f.cleaned_data.get("item_id")]
    return len(ids) != len(set(ids))


class ProgrammeEditView(_StaffEventMixin, View):
    """The programme (순서 관리): every item as a row (order, time, duration, title,
    kind, speaker, place, delete), and blank rows to add. Staff."""

    def _items(self, event: Event) -> list[ProgrammeItem]:
        return list(
            ProgrammeItem.objects.filter(event=event)
            .select_related("speaker_organization")
            .order_by("order", "id")
        )

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        formset = _rows_formset(ProgrammeFormSet, self._items(event))
        return self._render(request, event, formset, 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        items = self._items(event)
        by_id = {i.pk: i for i in items}
        formset = _rows_formset(ProgrammeFormSet, items, request.POST)
        if formset.is_valid():
            if _repeated_item(_used_rows(formset)):
                messages.error(request, REPEATED_ROW_MESSAGE)
                return self._render(request, event, formset, 400)
            rows = []
            for index, form in enumerate(_used_rows(formset)):
                data: dict[str, Any] = form.cleaned_data
                item = by_id.get(data.get("item_id") or 0)
                if data.get("item_id") and item is None:
                    form.add_error(None, _("이 항목은 이미 지워졌습니다. 새로 고쳐 주세요."))
                    return self._render(request, event, formset, 409)
                rows.append(
                    services.ProgrammeRow(
                        item=item,
                        position=data.get("position") or index + 1,
                        data=form.service_data() if not data.get("DELETE") else {},
                        delete=bool(data.get("DELETE")),
                    )
                )
            try:
                services.programme_save(event=event, rows=rows, by=acting_user(request.user))
            except ValidationError as exc:
                messages.error(request, _form_errors(exc))
                return self._render(request, event, formset, 400)
            messages.success(request, _("행사 순서를 저장했습니다."))
            return HttpResponseRedirect(reverse("events:programme-edit", args=[event.pk]))
        return self._render(request, event, formset, 400)

    def _render(self, request: HttpRequest, event: Event, formset: Any, status: int) -> Any:
        context = {
            "event": event,
            "formset": formset,
            "breadcrumbs": _crumbs((event.title, event.get_absolute_url()), (_("순서 관리"), None)),
        }
        return render(request, "events/programme_form.html", context, status=status)


class BoothEditView(_StaffEventMixin, View):
    """Booths (부스 관리): every booth as a row (number, organisation, place, what it
    shows, category, map spot, delete), and blank rows to add. Staff."""

    def _items(self, event: Event) -> list[Booth]:
        return list(Booth.objects.filter(event=event).select_related("organization"))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        return self._render(request, event, _rows_formset(BoothFormSet, self._items(event)), 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        items = self._items(event)
        by_id = {b.pk: b for b in items}
        formset = _rows_formset(BoothFormSet, items, request.POST)
        if formset.is_valid():
            if _repeated_item(_used_rows(formset)):
                messages.error(request, REPEATED_ROW_MESSAGE)
                return self._render(request, event, formset, 400)
            try:
                with transaction.atomic():
                    self._apply(request, event, formset, by_id)
            except ValidationError as exc:
                messages.error(request, _form_errors(exc))
                return self._render(request, event, formset, 400)
            messages.success(request, _("부스를 저장했습니다."))
            return HttpResponseRedirect(reverse("events:booths-edit", args=[event.pk]))
        return self._render(request, event, formset, 400)

    def _apply(
        self, request: HttpRequest, event: Event, formset: Any, by_id: dict[int, Booth]
    ) -> None:
        forms: list[BoothForm] = _used_rows(formset)
        # Deletions first, so a freed number or grid cell can be taken by another row.
        for form in forms:
            booth = by_id.get(form.cleaned_data.get("item_id") or 0)
            if form.cleaned_data.get("DELETE") and booth is not None:
                services.booth_delete(booth=booth, by=acting_user(request.user))
        for form in forms:
            if form.cleaned_data.get("DELETE"):
                continue
            booth = by_id.get(form.cleaned_data.get("item_id") or 0)
            try:
                if booth is None:
                    services.booth_add(
                        event=event, data=form.service_data(), by=acting_user(request.user)
                    )
                elif form.has_changed():
                    services.booth_update(
                        booth=booth, data=form.service_data(), by=acting_user(request.user)
                    )
            except ValidationError as exc:
                _add_errors(form, exc)
                raise

    def _render(self, request: HttpRequest, event: Event, formset: Any, status: int) -> Any:
        context = {
            "event": event,
            "formset": formset,
            "breadcrumbs": _crumbs((event.title, event.get_absolute_url()), (_("부스 관리"), None)),
        }
        return render(request, "events/booths_form.html", context, status=status)


# --- staff: attendance -------------------------------------------------------------------------


class AttendanceView(_StaffEventMixin, View):
    """Attendance report (참석 현황): confirmed registrations and arrivals by council, by
    kind of organisation and by registration source, with the totals and the counts
    per registration status. Staff."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_event()
        context = {
            "event": event,
            "report": selectors.attendance_report(event=event),
            "status_counts": selectors.registration_counts(event=event),
            "breadcrumbs": _crumbs((event.title, event.get_absolute_url()), (_("참석 현황"), None)),
        }
        return render(request, "events/attendance.html", context)


__all__ = [
    "AttendanceView",
    "BoothEditView",
    "CalendarFeedView",
    "EventCreateView",
    "EventEditView",
    "EventIcsView",
    "EventListView",
    "EventView",
    "ProgrammeEditView",
]
