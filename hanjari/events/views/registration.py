"""Registration and check-in pages (참가 신청·도착 확인).

- `RegisterView`: the registration form of an event, for members (on behalf of one of
  their organisations or a typed one) and for guests without an account (who confirm
  by e-mail); staff may also enter someone else's registration.
- `RegistrationView`, `RegistrationQrView`, `GuestConfirmView`, `CancelView`: the
  registrant's pages, addressed by the registration's token (a capability: whoever
  holds the link sees the status and the QR code; contact data only the registrant
  and staff).
- Staff: `ManageView` (list, filters, approve / reject / cancel), `RegistrationsCsvView`,
  `BadgesView` (printable name badges), `DecideView`, `CheckInView` (works on a phone:
  search, token field, camera scanning in ``events-registration.js``) and
  `CheckInCountsView` (the live counts, polled by htmx).

Refusals answer 4xx with a Korean message, never 500: htmx requests get the changed
part of the page (marked ``X-Hanjari-Partial``), plain requests a page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.core.csvsafe import rows_to_csv
from hanjari.core.http import client_ip, is_htmx, rate_allows
from hanjari.core.mixins import ObjectPermissionMixin

from .. import permissions, qr, rules, selectors
from ..forms import CheckInForm, RegistrationForm
from ..models import Event, Registration
from ..services import registrations as services
from ..services.registrations import RegistrationError

MANAGE_PAGE_SIZE = 100
GUEST_RATE = (5, 60 * 60)  # guest registrations per address per hour
CHECKIN_POLL_SECONDS = 5

# HTTP status of each refusal code (see RegistrationError).
STATUS_BY_CODE = {
    "unknown_token": 404,
    "ineligible": 403,
    "duplicate": 409,
    "already_checked_in": 409,
}


def _status_of(exc: Exception) -> int:
    if isinstance(exc, PermissionDenied):
        return 403
    return STATUS_BY_CODE.get(getattr(exc, "code", "") or "", 400)


def _message_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or _("이 작업을 할 권한이 없습니다.")


def _private(response: HttpResponse) -> HttpResponse:
    """Pages with a registration's token or contact data: never cached, never indexed."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _partial(request: HttpRequest, template: str, context: dict[str, Any], status: int) -> Any:
    response = render(request, template, context, status=status)
    response["X-Hanjari-Partial"] = "1"  # events-registration.js swaps marked 4xx answers
    return response


def _refuse(
    request: HttpRequest,
    message: str,
    status: int,
    *,
    back_url: str | None = None,
    back_label: str | None = None,
    title: str | None = None,
) -> HttpResponse:
    """A page that says why (4xx)."""
    return _private(
        render(
            request,
            "events/registration/refused.html",
            {
                "message": message,
                "status": status,
                "title": title or _("처리하지 못했습니다"),
                "back_url": back_url,
                "back_label": back_label or _("돌아가기"),
            },
            status=status,
        )
    )


def _visible_event(request: HttpRequest, pk: int) -> Event:
    """The event for public pages: drafts only for staff; 404 otherwise."""
    try:
        return selectors.events_visible_to(request.user).get(pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404(_("행사를 찾을 수 없습니다.")) from exc


def _staff_event(pk: int) -> Event:
    try:
        return selectors.event_for_staff(pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404(_("행사를 찾을 수 없습니다.")) from exc


def _registration(token: str) -> Registration:
    try:
        return selectors.registration_by_token(token=token)
    except Registration.DoesNotExist as exc:
        raise Http404(_("신청 내역을 찾을 수 없습니다. 주소를 다시 확인해 주세요.")) from exc


def _event_crumbs(event: Event, *extra: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("행사"), reverse("events:list")),
        (event.title, event.get_absolute_url()),
        *extra,
    ]


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _guest_rate_ok(request: HttpRequest) -> bool:
    """At most `GUEST_RATE` guest registrations per address per hour (each sends mail),
    counted in the cache all server processes share (`hanjari.core.http.rate_allows`)."""
    limit, window = GUEST_RATE
    return rate_allows(
        f"events:guest-registrations:{client_ip(request)}", limit=limit, window=window
    )


# --- the registration form ------------------------------------------------------------------


def _availability(event: Event) -> dict[str, Any]:
    """What the register page says about seats and the window: the form is shown
    exactly when `rules.registration_refusal` lets the service accept it."""
    refusal = rules.registration_refusal(event, now=timezone.now())
    return {
        "closed_reason": refusal.message if refusal is not None else "",
        "seats_left": selectors.seats_left(event=event),
    }


class RegisterView(View):
    """The registration form of an event (참가 신청). GET shows it (or why registration
    is not possible now); POST registers and redirects (303) to the registration page
    — a guest's to the event page with "check your mailbox" (`_confirm_mail_sent`): the
    registration page's address is only sent by e-mail, to whoever owns the address.
    Refusals re-render the form with the message: 400 (invalid, closed, window), 403
    (eligibility, an organisation not one's own), 409 (already registered), 429 (too
    many guest registrations from one address).

    A guest whose e-mail address already has a live registration for the event gets the
    same answer as a new guest registration (the service mails that address about its
    registration instead): a 409 would tell anyone who types an address whether that
    person registered."""

    template_name = "events/registration/register.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _visible_event(request, pk)
        form = RegistrationForm(user=request.user)
        return self.render_form(request, event, form, 200)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _visible_event(request, pk)
        form = RegistrationForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render_form(request, event, form, 400)
        if form.guest and not _guest_rate_ok(request):
            form.add_error(None, _("신청이 너무 잦습니다. 한 시간 뒤에 다시 해 주세요."))
            response = self.render_form(request, event, form, 429)
            response["Retry-After"] = str(GUEST_RATE[1])
            return response
        data = form.cleaned_data
        on_behalf = bool(data.get("on_behalf"))
        source = (
            Registration.Source.STAFF
            if on_behalf
            else (Registration.Source.GUEST if form.guest else Registration.Source.WEB)
        )
        try:
            registration = services.registration_create(
                event=event,
                by=acting_user(request.user),
                person_name=data["person_name"],
                organization=data.get("organization"),
                organization_name=data.get("organization_name", ""),
                contact_email=data.get("contact_email", ""),
                contact_phone=data.get("contact_phone", ""),
                attendees=data["attendees"],
                accessibility_needs=data.get("accessibility_needs", ""),
                source=source,
            )
        except (RegistrationError, PermissionDenied) as exc:
            if not (form.guest and getattr(exc, "code", "") == "duplicate"):
                form.add_error(None, _message_of(exc))
                return self.render_form(request, event, form, _status_of(exc))
            # A guest's address already registered: answered as a new registration.
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {}).items():
                form.add_error(field if field in form.fields else None, errors)
            if not hasattr(exc, "error_dict"):
                form.add_error(None, _message_of(exc))
            return self.render_form(request, event, form, 400)
        if form.guest:
            messages.success(request, _confirm_mail_sent(data["contact_email"]))
            return HttpResponseRedirect(event.get_absolute_url(), status=303)
        messages.success(request, _status_message(registration))
        if on_behalf:
            target = reverse("events:manage", kwargs={"pk": event.pk})
        else:
            target = reverse("events:registration", kwargs={"token": registration.token})
        return HttpResponseRedirect(target, status=303)

    def render_form(
        self, request: HttpRequest, event: Event, form: RegistrationForm, status: int
    ) -> HttpResponse:
        existing = selectors.registration_of_user(event=event, user=request.user)
        context = {
            "event": event,
            "form": form,
            "existing": existing,
            "eligible_councils": list(event.eligible_councils.all())
            if event.eligibility == Event.Eligibility.COUNCILS
            else [],
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}",
            "breadcrumbs": _event_crumbs(event, (_("참가 신청"), None)),
            **_availability(event),
        }
        return _private(render(request, self.template_name, context, status=status))


def _confirm_mail_sent(email: str) -> str:
    """What a guest is told after registering: a confirmation mail went to `email`."""
    return _("신청을 받았습니다. %(email)s 로 보낸 확인 메일의 링크를 눌러야 접수됩니다.") % {
        "email": email
    }


def _status_message(registration: Registration) -> str:
    """What to tell the registrant about the registration's status."""
    s = Registration.Status
    texts: dict[str, str] = {
        s.UNCONFIRMED: _confirm_mail_sent(registration.contact_email),
        s.PENDING: _("신청이 접수되었습니다. 센터가 승인하면 확정됩니다."),
        s.CONFIRMED: _("참가가 확정되었습니다. 행사장에서 QR 코드를 보여 주세요."),
        s.WAITLISTED: _("자리가 모두 차서 대기자로 등록했습니다. 자리가 나면 순서대로 확정됩니다."),
        s.CANCELLED: _("신청을 취소했습니다."),
        s.REJECTED: _("신청이 거절되었습니다."),
    }
    return texts.get(str(registration.status), "")


# --- the registrant's pages -----------------------------------------------------------------


class RegistrationView(View):
    """A registration's page (신청 내역): status, the QR code when confirmed, the
    waitlist place, the cancel button for the registrant; contact data for the
    registrant and staff only. Addressed by the token; never cached."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        reg = _registration(token)
        if not permissions.can_view_registration(request.user, reg, token=token):
            raise PermissionDenied(_("이 신청 내역을 볼 권한이 없습니다."))
        event = reg.event
        staff = permissions.is_centre_staff(request.user)
        can_cancel = (
            permissions.can_cancel_registration(request.user, reg, token=token)
            and rules.cancellation_refusal(reg, now=timezone.now(), by_staff=staff) is None
        )
        context = {
            "event": event,
            "registration": reg,
            "show_contact": permissions.can_see_contact(request.user, reg, token=token),
            "can_cancel": can_cancel,
            "waitlist_position": selectors.waitlist_position(registration=reg),
            "status_message": _status_message(reg),
            "event_cancelled": event.status == Event.Status.CANCELLED,
            "is_staff": staff,
            "breadcrumbs": _event_crumbs(event, (_("신청 내역"), None)),
        }
        return _private(render(request, "events/registration/registration.html", context))


class RegistrationQrView(View):
    """The registration's QR code as SVG (image/svg+xml, never cached): the absolute
    address of the event's check-in page with the token. Confirmed registrations only
    (404 otherwise: there is nothing to check in yet)."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        reg = _registration(token)
        if reg.status != Registration.Status.CONFIRMED:
            raise Http404(_("확정된 신청에만 QR 코드가 있습니다."))
        if reg.event.status == Event.Status.CANCELLED:
            response = HttpResponse(_("취소된 행사입니다."), status=410, content_type="text/plain")
            return _private(response)
        data = qr.checkin_url(reg, base_url=request.build_absolute_uri("/"))
        title = _("%(event)s 도착 확인 QR 코드") % {"event": reg.event.title}
        response = HttpResponse(qr.svg(data, title=title), content_type="image/svg+xml")
        return _private(response)


class GuestConfirmView(View):
    """A guest's e-mail confirmation (이메일 확인): GET shows the registration and a
    button, POST confirms (GET never changes anything: mail scanners open links).
    A forged or expired link, or one of a registration superseded by a newer one with
    the same e-mail address, is a 400 with the reason."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            reg = services.registration_from_confirm_token(token=token)
        except RegistrationError as exc:
            return _refuse(request, _message_of(exc), 400, title=_("신청을 확인하지 못했습니다"))
        context = {
            "event": reg.event,
            "registration": reg,
            "page_url": reverse("events:registration", kwargs={"token": reg.token}),
            "breadcrumbs": _event_crumbs(reg.event, (_("신청 확인"), None)),
        }
        return _private(render(request, "events/registration/confirm_guest.html", context))

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            reg = services.registration_confirm_guest(token=token)
        except RegistrationError as exc:
            return _refuse(
                request, _message_of(exc), _status_of(exc), title=_("신청을 확인하지 못했습니다")
            )
        messages.success(request, _status_message(reg))
        return HttpResponseRedirect(
            reverse("events:registration", kwargs={"token": reg.token}), status=303
        )


class CancelView(View):
    """POST: cancel a registration (신청 취소) — the registrant (a guest by the token in
    the address) or staff; redirects (303) to the registration page, or to `next` (the
    staff list). 403 for others, 400 when it cannot be cancelled any more."""

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        reg = _registration(token)
        page = reverse("events:registration", kwargs={"token": reg.token})
        try:
            reg = services.registration_cancel(
                registration=reg, by=acting_user(request.user), token=token
            )
        except (RegistrationError, PermissionDenied) as exc:
            return _refuse(
                request,
                _message_of(exc),
                _status_of(exc),
                back_url=page,
                back_label=_("신청 내역으로"),
                title=_("신청을 취소하지 못했습니다"),
            )
        messages.success(request, _("신청을 취소했습니다."))
        return HttpResponseRedirect(_safe_next(request, page), status=303)


# --- staff: the registration list -----------------------------------------------------------


class _StaffEventView(ObjectPermissionMixin, View):
    """Staff pages of one event (센터 관리자): 302 to the login page for anonymous
    users, 403 for others."""

    permission_predicate = staticmethod(permissions.can_manage_registrations)

    def get_permission_object(self) -> Any:
        return None


def _manage_filters(request: HttpRequest) -> dict[str, str]:
    status = request.GET.get("status", "")
    arrival = request.GET.get("arrival", "")
    return {
        "status": status if status in Registration.Status.values else "",
        "q": request.GET.get("q", "").strip()[:100],
        "arrival": arrival if arrival in selectors.MANAGE_FILTERS else "",
    }


class ManageView(_StaffEventView):
    """Staff list of an event's registrations (신청 관리) with filters (status, words,
    arrival), counts and seats, and approve / reject / cancel buttons. htmx requests
    get the results partial only."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _staff_event(pk)
        filters = _manage_filters(request)
        qs = selectors.registrations_for_staff(event=event, **filters)
        page = Paginator(qs, MANAGE_PAGE_SIZE).get_page(request.GET.get("page"))
        query = urlencode({k: v for k, v in filters.items() if v})
        now = timezone.now()
        rows = list(page.object_list)
        # The cancel buttons follow the rule the service applies.
        cancellable = {
            row.pk
            for row in rows
            if rules.cancellation_refusal(row, now=now, by_staff=True) is None
        }
        context = {
            "event": event,
            "page_obj": page,
            "registrations": rows,
            "cancellable": cancellable,
            "filters": filters,
            "querystring": query,
            "next_url": request.get_full_path(),
            "counts": selectors.registration_counts(event=event),
            "seats_taken": selectors.seats_taken(event=event),
            "seats_left": selectors.seats_left(event=event),
            "statuses": Registration.Status.choices,
            "csv_url": reverse("events:registrations-csv", kwargs={"pk": event.pk})
            + (f"?{query}" if query else ""),
            "breadcrumbs": _event_crumbs(event, (_("신청 관리"), None)),
        }
        if is_htmx(request):
            response = render(request, "events/registration/partials/_manage_results.html", context)
        else:
            response = render(request, "events/registration/manage.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return _private(response)


CSV_HEADER = [
    gettext_lazy("번호"),
    gettext_lazy("상태"),
    gettext_lazy("이름"),
    gettext_lazy("소속"),
    gettext_lazy("참석 인원"),
    gettext_lazy("이메일"),
    gettext_lazy("연락처"),
    gettext_lazy("접근성 지원 요청"),
    gettext_lazy("신청 경로"),
    gettext_lazy("신청한 때"),
    gettext_lazy("확정된 때"),
    gettext_lazy("도착 확인"),
]


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class RegistrationsCsvView(_StaffEventView):
    """The registrations of an event as CSV (UTF-8 with BOM, cells that spreadsheets
    would run as formulas made safe: `hanjari.core.csvsafe`), with the list's filters."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _staff_event(pk)
        qs = selectors.registrations_for_staff(event=event, **_manage_filters(request))
        rows = (
            [
                reg.pk,
                reg.get_status_display(),
                reg.person_name,
                reg.affiliation,
                reg.attendees,
                reg.contact_email or (reg.user.email if reg.user else ""),
                reg.contact_phone,
                reg.accessibility_needs,
                reg.get_source_display(),
                _when(reg.created_at),
                _when(reg.confirmed_at),
                _when(reg.checked_in_at),
            ]
            for reg in qs
        )
        body = rows_to_csv([str(h) for h in CSV_HEADER], rows)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="event-{event.pk}-registrations.csv"'
        )
        return _private(response)


class BadgesView(_StaffEventView):
    """Printable name badges (명찰) of the confirmed registrations: organisation and
    name, ten to an A4 page (90 × 55 mm) with the print stylesheet."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _staff_event(pk)
        context = {
            "event": event,
            "badges": selectors.event_badges(event=event),
            "breadcrumbs": _event_crumbs(
                event,
                (_("신청 관리"), reverse("events:manage", kwargs={"pk": event.pk})),
                (_("명찰 인쇄"), None),
            ),
        }
        return _private(render(request, "events/registration/badges.html", context))


DECISIONS = {
    "approve": (services.registration_approve, gettext_lazy("승인했습니다: %(name)s")),
    "reject": (services.registration_reject, gettext_lazy("거절했습니다: %(name)s")),
    "cancel": (services.registration_cancel, gettext_lazy("취소했습니다: %(name)s")),
}


class DecideView(_StaffEventView):
    """POST approve / reject / cancel one registration of the event (staff), then back
    (303) to the list (`next`). 404 for an unknown action or a registration of another
    event; 400 with the reason when the status does not allow it."""

    def post(self, request: HttpRequest, pk: int, registration_pk: int, action: str) -> Any:
        event = _staff_event(pk)
        if action not in DECISIONS:
            raise Http404(_("알 수 없는 동작입니다."))
        reg = (
            Registration.objects.select_related("event")
            .filter(pk=registration_pk, event=event)
            .first()
        )
        if reg is None:
            raise Http404(_("신청 내역을 찾을 수 없습니다."))
        back = _safe_next(request, reverse("events:manage", kwargs={"pk": event.pk}))
        service, done = DECISIONS[action]
        try:
            reg = service(registration=reg, by=acting_user(request.user))
        except (RegistrationError, PermissionDenied) as exc:
            return _refuse(
                request,
                _message_of(exc),
                _status_of(exc),
                back_url=back,
                back_label=_("신청 관리로"),
            )
        messages.success(request, str(done) % {"name": reg.person_name})
        return HttpResponseRedirect(back, status=303)


# --- staff: check-in ------------------------------------------------------------------------


class _CheckInBase(ObjectPermissionMixin, View):
    permission_predicate = staticmethod(permissions.can_check_in)

    def get_permission_object(self) -> Any:
        return None


def _checkin_context(request: HttpRequest, event: Event, q: str) -> dict[str, Any]:
    return {
        "event": event,
        "counts": selectors.checkin_counts(event=event),
        "q": q,
        "results": selectors.checkin_search(event=event, q=q),
        "poll_seconds": CHECKIN_POLL_SECONDS,
    }


class CheckInView(_CheckInBase):
    """The staff check-in page (도착 확인), made for a phone: search by name or
    organisation, the token field (typed, or filled by the camera scanner where the
    browser has BarcodeDetector), live counts.

    GET `?token=` (a phone camera opening the QR code's address) shows that
    registration with a confirm button; GET `?q=` searches (htmx: the results partial).
    POST `token` checks in: 200 with the success message, or the refusal — 404 unknown
    or forged, 400 another event's or not confirmed, 409 already checked in (with the
    first time). htmx requests get the result partial and the counts out of band."""

    template_name = "events/registration/checkin.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _staff_event(pk)
        q = request.GET.get("q", "").strip()[:100]
        context = _checkin_context(request, event, q)
        if is_htmx(request):
            response = render(request, "events/registration/partials/_checkin_search.html", context)
            patch_vary_headers(response, ("HX-Request",))
            return _private(response)
        scanned = (request.GET.get("code", "") or request.GET.get("token", ""))[:500]
        preview = _preview(event, scanned) if scanned.strip() else None
        token = preview["token"] if preview else ""
        context.update(
            preview=preview,
            form=CheckInForm(initial={"token": token}),
            breadcrumbs=_event_crumbs(event, (_("도착 확인"), None)),
        )
        response = render(request, self.template_name, context)
        patch_vary_headers(response, ("HX-Request",))
        return _private(response)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _staff_event(pk)
        form = CheckInForm(request.POST)
        q = request.POST.get("q", "").strip()[:100]
        if not form.is_valid():
            message = " ".join(str(e) for e in form.errors.get("token", []))
            return self.answer(request, event, form, q, message=message, ok=False, status=400)
        try:
            reg = services.registration_check_in(
                event=event, token=form.cleaned_data["token"], by=acting_user(request.user)
            )
        except (RegistrationError, PermissionDenied) as exc:
            return self.answer(
                request, event, form, q, message=_message_of(exc), ok=False, status=_status_of(exc)
            )
        message = _("도착 확인: %(name)s%(org)s, %(n)d명") % {
            "name": reg.person_name,
            "org": f" ({reg.affiliation})" if reg.affiliation else "",
            "n": reg.attendees,
        }
        return self.answer(
            request, event, CheckInForm(), q, message=message, ok=True, status=200, reg=reg
        )

    def answer(
        self,
        request: HttpRequest,
        event: Event,
        form: CheckInForm,
        q: str,
        *,
        message: str,
        ok: bool,
        status: int,
        reg: Registration | None = None,
    ) -> HttpResponse:
        context = _checkin_context(request, event, q)
        context.update(result={"ok": ok, "message": message, "registration": reg})
        if reg is not None:  # arrived: the preview's button gives way to the arrival
            context["preview"] = {
                "registration": reg,
                "token": reg.checkin_code,
                "arrived_now": True,
            }
        if is_htmx(request):
            context["oob"] = True
            return _private(
                _partial(
                    request, "events/registration/partials/_checkin_answer.html", context, status
                )
            )
        context.update(form=form, breadcrumbs=_event_crumbs(event, (_("도착 확인"), None)))
        return _private(render(request, self.template_name, context, status=status))


def _preview(event: Event, scanned: str) -> dict[str, Any]:
    """What a scanned or typed input (`qr.read_checkin_input`) stands for, shown before
    staff press the button (nothing changes on GET). `token` is what the button
    submits: the registration's check-in code, or the input itself when unknown."""
    key = qr.read_checkin_input(scanned)
    reg = selectors.registrations_for_checkin(key=key).first()
    if reg is None:
        return {"error": services.unknown_checkin_message(key), "token": scanned.strip()}
    if reg.event_id != event.pk:
        return {
            "error": _("다른 행사(%(event)s)의 신청입니다.") % {"event": reg.event.title},
            "token": reg.checkin_code,
        }
    return {"registration": reg, "token": reg.checkin_code}


class CheckInCountsView(_CheckInBase):
    """The live counts of the check-in page (confirmed, arrived, not yet arrived) as a
    partial that polls itself every few seconds (htmx)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = _staff_event(pk)
        context = {
            "event": event,
            "counts": selectors.checkin_counts(event=event),
            "poll_seconds": CHECKIN_POLL_SECONDS,
        }
        response = render(request, "events/registration/partials/_checkin_counts.html", context)
        return _private(response)
