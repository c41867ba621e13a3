"""Registration and check-in writes (참가 신청·도착 확인).

Seats: an event's `capacity` counts seats (a registration holds `attendees` seats)
while the registration is confirmed or waiting for staff approval (pending). When the
seats are gone a registration is waitlisted; when seats free (a cancellation, a
rejection) the waitlist is promoted in order, skipping a party that does not fit
(first fit: a later, smaller party may take the last seats). So after every write no
waitlisted registration fits in the free seats, and a new registration is never
confirmed ahead of a waiting one that would fit.

The last seat cannot go twice: every write that changes who holds seats locks the
event row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite runs each transaction
with ``BEGIN IMMEDIATE``, settings ``transaction_mode``, so writers are serialised)
and counts the seats inside that lock.

Guests (no account) register as `unconfirmed` and get an e-mail with a signed
confirmation link (`guest_confirm_token`); only the confirmation gives them a seat.
E-mails are sent after the transaction commits. Every write is in the audit log.

An unconfirmed registration is only a claim that someone owns an e-mail address, so it
never stands in anyone's way: it holds no seat, it does not count as a registration of
that address (a new registration with the address replaces it — `superseded`, i.e.
cancelled with `Registration.superseded_by` set — so a stranger cannot block someone
else's address by registering it and never confirming; nor once staff cancel or reject
it while unconfirmed: its `Registration.email_confirmed_at` stays empty), its link
dies after `GUEST_CONFIRM_MAX_AGE`, and after that its personal data is deleted
(`registration_purge_unconfirmed`, run daily by ``manage.py events_purge_unconfirmed``):
data of people who never confirmed is not kept (개인정보 보호법 제21조: personal data
no longer needed is destroyed without delay). A guest whose address already has a
live registration is not told so on the page (that would tell anyone whether an
address is registered for an event); the address gets an e-mail about its existing
registration instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.accounts.models import Membership
from hanjari.core.audit import log_action
from hanjari.core.rules import Refusal
from hanjari.registry.models import CouncilMembership, Organization

from .. import permissions, qr, rules, selectors, tasks
from ..models import SEOUL, Event, Registration
from ..rules import window_message

__all__ = [
    "GUEST_CONFIRM_MAX_AGE",
    "SUPERSEDED_ACTION",
    "RegistrationError",
    "guest_confirm_token",
    "promote_waitlist",
    "registration_approve",
    "registration_cancel",
    "registration_check_in",
    "registration_confirm_guest",
    "registration_create",
    "registration_from_confirm_token",
    "registration_purge_unconfirmed",
    "registration_reject",
    "window_message",
]

logger = logging.getLogger(__name__)

GUEST_CONFIRM_SALT = "hanjari.events.guest-confirm"
GUEST_CONFIRM_MAX_AGE = 7 * 24 * 60 * 60  # seconds a guest has to confirm by e-mail
# The audit action of an unconfirmed registration replaced by a newer one with the
# same e-mail address (recorded only; the state is `Registration.superseded_by`).
SUPERSEDED_ACTION = "events.registration.superseded"
REJECTED_ACTION = "events.registration.rejected"
PURGE_BATCH = 500
Status = Registration.Status
Source = Registration.Source
# The states a guest registration whose address was never confirmed can be in.
NEVER_CONFIRMED_STATUSES = (Status.UNCONFIRMED, Status.CANCELLED, Status.REJECTED)


class RegistrationError(ValidationError):
    """A registration or check-in refused for a reason the person can act on, with a
    Korean message and a `code`:

    - ``closed`` (the event does not take registrations now), ``window`` (outside the
      registration window), ``ineligible``, ``duplicate``, ``too_many`` (more attendees
      than the capacity), ``state`` (not possible in the registration's status);
    - check-in: ``unknown_token``, ``other_event``, ``not_confirmed``,
      ``already_checked_in``;
    - guest confirmation links: ``bad_token`` (forged or expired), ``superseded`` (a
      newer registration with the same e-mail address replaced this one).
    """

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(message, code=code)
        self.code = code


def _local(value: dt.datetime) -> str:
    """`value` as Seoul wall-clock text, e.g. ``2025-10-24 10:03``."""
    return timezone.localtime(value, timezone=SEOUL).strftime("%Y-%m-%d %H:%M")


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _lock_event(event: Event) -> Event:
    """The event row again, locked for this transaction (see the module docstring)."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _lock_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "user", "organization")
        .get(pk=registration.pk)
    )


# --- checks ---------------------------------------------------------------------------------


def _raise(refusal: Refusal | None) -> None:
    """Raise `refusal` (from `hanjari.events.rules`) as a `RegistrationError`."""
    if refusal is not None:
        raise RegistrationError(refusal.message, refusal.code)


def _check_eligible(event: Event, organization: Organization | None, *, by_staff: bool) -> None:
    """Who may register (신청 자격): anyone; members of the eligible councils (the
    organisation registered for is a member, registry `CouncilMembership`); or the
    invited organisations. Staff entering a registration may register anyone."""
    if by_staff or event.eligibility == Event.Eligibility.ANYONE:
        return
    if event.eligibility == Event.Eligibility.COUNCILS:
        councils = list(event.eligible_councils.all())
        names = ", ".join(c.name for c in councils) or _("지정한 협의회")
        ok = (
            organization is not None
            and CouncilMembership.objects.filter(
                organization=organization, council__in=councils
            ).exists()
        )
        if not ok:
            raise RegistrationError(
                _(
                    "이 행사는 %(councils)s 회원사만 신청할 수 있습니다. "
                    "로그인한 뒤 회원사 소속으로 신청해 주세요."
                )
                % {"councils": names},
                "ineligible",
            )
    elif event.eligibility == Event.Eligibility.INVITED:
        ok = (
            organization is not None
            and event.invited_organizations.filter(pk=organization.pk).exists()
        )
        if not ok:
            raise RegistrationError(
                _(
                    "초청받은 조직만 신청할 수 있는 행사입니다. "
                    "로그인한 뒤 초청받은 조직 소속으로 신청해 주세요."
                ),
                "ineligible",
            )


def _live_with_email(event: Event, email: str) -> Registration | None:
    """The oldest registration of `event` with the e-mail address `email` (case does
    not matter) that counts: neither cancelled nor unconfirmed, nor rejected while it
    was unconfirmed (see the module docstring: its address was never shown to belong
    to whoever registered it, so staff turning a stranger's registration down must not
    block the address's owner; `Registration.email_confirmed_at` is empty). None when
    there is none or `email` is empty."""
    if not email:
        return None
    return (
        Registration.objects.filter(event=event, contact_email__iexact=email)
        .exclude(status__in=(Status.CANCELLED, Status.UNCONFIRMED))
        .exclude(status=Status.REJECTED, email_confirmed_at__isnull=True)
        .order_by("created_at", "id")
        .first()
    )


def _check_duplicate(event: Event, user: Actor, email: str) -> None:
    """One registration per person and event: the same account while its registration
    is not cancelled, or the same e-mail address (case does not matter) while a
    registration with it is neither cancelled nor unconfirmed (nor rejected while
    unconfirmed, `_live_with_email`). An unconfirmed one does not count: its address
    was never shown to belong to whoever registered it, and counting it would let
    anyone block someone else's address (it is superseded instead,
    `_supersede_unconfirmed`). Raises `RegistrationError` ``duplicate``."""
    if (
        user is not None
        and Registration.objects.filter(event=event, user=user)
        .exclude(status=Status.CANCELLED)
        .exists()
    ):
        raise RegistrationError(_("이미 이 행사에 신청했습니다."), "duplicate")
    if _live_with_email(event, email) is not None:
        raise RegistrationError(_("이 이메일로 이미 이 행사에 신청했습니다."), "duplicate")


def _supersede_unconfirmed(
    event: Event, new: Registration, user: Actor, now: dt.datetime
) -> list[Registration]:
    """Cancel the unconfirmed registrations of the locked `event` with the e-mail
    address of the just saved registration `new` (case does not matter): the newest
    registration with an address is the one its owner can confirm. They never held
    seats, so nobody is promoted and nobody is mailed (the address gets `new`'s mail).
    Each gets `superseded_by` = `new` and an audit entry `SUPERSEDED_ACTION` naming
    `new`. Returns them."""
    if not new.contact_email:
        return []
    old = (
        Registration.objects.select_for_update(of=("self",))
        .filter(event=event, status=Status.UNCONFIRMED, contact_email__iexact=new.contact_email)
        .exclude(pk=new.pk)
        .order_by("created_at", "id")
    )
    superseded: list[Registration] = []
    for reg in old:
        _set_status(reg, Status.CANCELLED, now)
        reg.superseded_by = new
        _save(reg)
        log_action(
            SUPERSEDED_ACTION,
            user=user,
            target=reg,
            data={"event": event.pk, "previous": Status.UNCONFIRMED, "superseded_by": new.pk},
        )
        superseded.append(reg)
    return superseded


def _seat_status(event: Event, registration: Registration) -> str:
    """Confirmed (or pending, when the event needs staff approval) if the attendees fit
    in the free seats, else waitlisted. Call with the event locked."""
    if event.capacity is not None:
        taken = selectors.seats_taken(event=event, exclude=registration)
        if registration.attendees > event.capacity - taken:
            return Status.WAITLISTED
    return Status.PENDING if event.requires_approval else Status.CONFIRMED


def _set_status(registration: Registration, status: str, now: dt.datetime) -> None:
    registration.status = status
    if status == Status.CONFIRMED and registration.confirmed_at is None:
        registration.confirmed_at = now
    if status == Status.CANCELLED:
        registration.cancelled_at = now


def _save(registration: Registration) -> None:
    registration.full_clean()
    registration.save()


# --- e-mail ---------------------------------------------------------------------------------


def guest_confirm_token(registration: Registration) -> str:
    """The signed token of a guest's confirmation link (valid `GUEST_CONFIRM_MAX_AGE`
    seconds). It names the registration and the e-mail address it was sent to; it is
    not the registration's own token, so opening the registration page does not let
    anyone confirm an address they cannot read."""
    return signing.dumps(
        {"r": registration.pk, "e": registration.contact_email.lower()}, salt=GUEST_CONFIRM_SALT
    )


def _recipient(registration: Registration) -> str:
    if registration.contact_email:
        return registration.contact_email
    user = registration.user
    return (getattr(user, "email", "") or "") if user is not None else ""


def _site(path: str) -> str:
    return settings.HANJARI_SITE_URL.rstrip("/") + path


def _send(registration_id: int, kind: str) -> None:
    """Send the `kind` e-mail about a registration (after commit; errors are logged,
    never raised: the registration stands)."""
    reg = Registration.objects.select_related("event", "organization", "user").get(
        pk=registration_id
    )
    to = _recipient(reg)
    if not to:
        return
    event = reg.event
    page_url = _site(reverse("events:registration", kwargs={"token": reg.token}))
    context = {
        "registration": reg,
        "event": event,
        "site_name": settings.HANJARI_SITE_NAME,
        "page_url": page_url,
        "event_url": _site(event.get_absolute_url()),
    }
    if kind == "guest_confirm":
        context["confirm_url"] = _site(
            reverse("events:registration-confirm", kwargs={"token": guest_confirm_token(reg)})
        )
        context["valid_days"] = GUEST_CONFIRM_MAX_AGE // 86400
    subjects = {
        "guest_confirm": _("[%(site)s] 참가 신청 이메일 확인: %(event)s"),
        "confirmed": _("[%(site)s] 참가 확정: %(event)s"),
        "received": _("[%(site)s] 참가 신청 접수: %(event)s"),
        "rejected": _("[%(site)s] 참가 신청 결과: %(event)s"),
        "cancelled": _("[%(site)s] 참가 신청 취소: %(event)s"),
        "already_registered": _("[%(site)s] 이미 신청한 행사: %(event)s"),
    }
    subject = subjects[kind] % {"site": settings.HANJARI_SITE_NAME, "event": event.title}
    # One line: a title kept from before line breaks were refused would make Django
    # refuse the header (BadHeaderError) and the guest would never get the mail.
    subject = " ".join(subject.split())
    body = render_to_string(f"events/registration/email/{kind}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[to])
    if kind == "confirmed":
        message.attach("checkin-qr.png", qr.png(qr.checkin_url(reg)), "image/png")
    message.send()


def _notify(registration: Registration, kind: str) -> None:
    """Queue the `kind` e-mail for after the commit."""
    pk = registration.pk
    transaction.on_commit(lambda: _send(pk, kind), robust=True)


def _notify_status(registration: Registration) -> None:
    if registration.status == Status.CONFIRMED:
        _notify(registration, "confirmed")
    elif registration.status in (Status.PENDING, Status.WAITLISTED):
        _notify(registration, "received")


# --- writes ---------------------------------------------------------------------------------


class _AddressTaken(RegistrationError):
    """A guest's ``duplicate``: `existing` is the live registration with the address
    (kept inside this module: whoever registered must not learn about it)."""

    def __init__(self, message: Any, existing: Registration) -> None:
        super().__init__(message, "duplicate")
        self.existing = existing


def registration_create(
    *,
    event: Event,
    by: Actor = None,
    person_name: str,
    organization: Organization | None = None,
    organization_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    attendees: int = 1,
    accessibility_needs: str = "",
    source: str,
    now: dt.datetime | None = None,
) -> Registration:
    """Register `person_name` (on behalf of `organization`, or `organization_name`
    typed) for `event` with `attendees` seats. One transaction.

    `by` is the signed-in user registering (None or anonymous: a guest). `source` is a
    `Registration.Source`: ``web`` (a member), ``guest`` (no account) or ``staff`` (a
    centre staff member entering someone's registration: no window or eligibility
    check, the registration belongs to nobody's account).

    Checks, in this order, with the event locked: the event is open and `now` is
    inside the registration window; a member registers only for an organisation they
    belong to; eligibility (anyone, members of the eligible councils, invited
    organisations); no registration of the same account that is not cancelled, and
    none with the same e-mail address that is neither cancelled nor unconfirmed (nor
    rejected while unconfirmed); the attendees fit the capacity at all. Then: a
    guest's registration is `unconfirmed` and gets an e-mail with a confirmation
    link; otherwise it is confirmed (pending when the event needs approval) when the
    seats are free, else waitlisted, and gets an e-mail. Unconfirmed registrations
    with the same e-mail address are superseded (cancelled, audit entry
    `SUPERSEDED_ACTION`): their links stop working. Returns the saved registration.

    Raises `RegistrationError` (a `ValidationError` with a Korean message and a code,
    see there), `ValidationError` for invalid fields, `PermissionDenied` when a
    non-staff user claims the staff source or an organisation they do not belong to.
    When a guest is refused as ``duplicate`` because their address has a live
    registration, that address also gets an e-mail about its existing registration
    (with its page), so the front end may answer the guest as if the registration had
    been received — which it must, not to tell anyone whether an address is registered.
    """
    try:
        return _create(
            event=event,
            by=by,
            person_name=person_name,
            organization=organization,
            organization_name=organization_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            attendees=attendees,
            accessibility_needs=accessibility_needs,
            source=source,
            now=now,
        )
    except _AddressTaken as exc:
        # Queued outside the rolled-back transaction of `_create`, whose callbacks are
        # dropped with it.
        _notify(exc.existing, "already_registered")
        raise RegistrationError(exc.messages[0], "duplicate") from None


@transaction.atomic
def _create(
    *,
    event: Event,
    by: Actor,
    person_name: str,
    organization: Organization | None,
    organization_name: str,
    contact_email: str,
    contact_phone: str,
    attendees: int,
    accessibility_needs: str,
    source: str,
    now: dt.datetime | None,
) -> Registration:
    """`registration_create` inside its transaction (see there)."""
    now = now or timezone.now()
    user = by if _is_authenticated(by) else None
    staff = permissions.is_centre_staff(user)
    if source not in Source.values:
        raise ValidationError({"source": _("알 수 없는 신청 경로입니다.")})
    if source == Source.STAFF and not staff:
        raise PermissionDenied(_("센터 관리자만 대신 신청할 수 있습니다."))
    if source == Source.WEB and user is None:
        source = Source.GUEST
    if source == Source.GUEST and user is not None:
        source = Source.WEB
    by_staff = source == Source.STAFF
    guest = source == Source.GUEST
    contact_email = (contact_email or "").strip()
    if guest and not contact_email:
        raise ValidationError(
            {"contact_email": _("로그인하지 않고 신청하려면 이메일 주소가 필요합니다.")}
        )
    if (
        organization is not None
        and source == Source.WEB
        and not staff
        and not Membership.objects.filter(user=user, organization=organization).exists()
    ):
        raise PermissionDenied(_("소속된 조직으로만 신청할 수 있습니다."))

    event = _lock_event(event)
    _raise(rules.registration_refusal(event, now=now, by_staff=by_staff))
    _check_eligible(event, organization, by_staff=by_staff)
    owner = None if by_staff else user
    if not guest:
        _check_duplicate(event, owner, contact_email)
    if event.capacity is not None and attendees > event.capacity:
        raise RegistrationError(
            _("참석 인원이 행사 정원(%(capacity)d명)보다 많습니다.") % {"capacity": event.capacity},
            "too_many",
        )
    # A guest's address is checked last, so that every other refusal is the same
    # whether or not the address is registered (see `registration_create`).
    if guest and (taken := _live_with_email(event, contact_email)) is not None:
        raise _AddressTaken(_("이 이메일로 이미 이 행사에 신청했습니다."), taken)

    # Seats freed without a promotion (an event's capacity raised by an edit) go to
    # those already waiting first.
    _promote(event, now, user)
    registration = Registration(
        event=event,
        user=owner,
        organization=organization,
        organization_name="" if organization is not None else organization_name.strip(),
        person_name=person_name.strip(),
        contact_email=contact_email,
        contact_phone=contact_phone.strip(),
        attendees=attendees,
        accessibility_needs=accessibility_needs.strip(),
        source=source,
        status=Status.UNCONFIRMED,
    )
    if not guest:
        registration.email_confirmed_at = now  # no confirmation needed
        _set_status(registration, _seat_status(event, registration), now)
    _save(registration)
    log_action(
        "events.registration.created",
        user=user,
        target=registration,
        data={
            "event": event.pk,
            "status": registration.status,
            "source": source,
            "attendees": attendees,
        },
    )
    _supersede_unconfirmed(event, registration, user, now)
    if guest:
        _notify(registration, "guest_confirm")
        tasks.schedule_purge(registration.created_at, GUEST_CONFIRM_MAX_AGE)
    else:
        _notify_status(registration)
    return registration


def _expired() -> RegistrationError:
    return RegistrationError(
        _("확인 링크의 유효 기간이 지났습니다. 다시 신청해 주세요."), "bad_token"
    )


def _is_superseded(registration: Registration) -> bool:
    """Whether a newer registration with its e-mail address replaced `registration`
    (`Registration.superseded_by`, set by `_supersede_unconfirmed`)."""
    return registration.status == Status.CANCELLED and registration.superseded_by_id is not None


def _check_link_alive(registration: Registration, now: dt.datetime) -> None:
    """Refuse the confirmation link of a superseded registration (``superseded``) or of
    an unconfirmed one older than `GUEST_CONFIRM_MAX_AGE` (``bad_token``, expired: the
    same age after which `registration_purge_unconfirmed` deletes it, whatever the
    link's own signing time)."""
    if _is_superseded(registration):
        raise RegistrationError(
            _(
                "같은 이메일 주소로 더 나중에 한 신청이 있어 이 확인 링크는 더 이상 쓸 수 "
                "없습니다. 가장 최근에 받은 확인 메일의 링크를 눌러 주세요."
            ),
            "superseded",
        )
    max_age = dt.timedelta(seconds=GUEST_CONFIRM_MAX_AGE)
    if registration.status == Status.UNCONFIRMED and registration.created_at <= now - max_age:
        raise _expired()


def registration_from_confirm_token(*, token: str, now: dt.datetime | None = None) -> Registration:
    """The registration a guest confirmation link (`guest_confirm_token`) names,
    without changing anything (the confirmation page shows it before the POST).

    Raises `RegistrationError` ``bad_token`` for a forged or expired link (older than
    `GUEST_CONFIRM_MAX_AGE`, or naming an unconfirmed registration older than that at
    `now`), or one for a registration whose e-mail address has changed since or that no
    longer exists (purged); ``superseded`` when a newer registration with the same
    e-mail address replaced it."""
    now = now or timezone.now()
    try:
        data = signing.loads(token, salt=GUEST_CONFIRM_SALT, max_age=GUEST_CONFIRM_MAX_AGE)
        pk, email = int(data["r"]), str(data["e"])
    except signing.SignatureExpired as exc:
        raise _expired() from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise RegistrationError(_("올바른 확인 링크가 아닙니다."), "bad_token") from exc
    found = Registration.objects.select_related("event", "organization").filter(pk=pk).first()
    if found is None or found.contact_email.lower() != email:
        raise RegistrationError(_("올바른 확인 링크가 아닙니다."), "bad_token")
    _check_link_alive(found, now)
    return found


@transaction.atomic
def registration_confirm_guest(*, token: str, now: dt.datetime | None = None) -> Registration:
    """Confirm a guest's e-mail address with the signed `token` of their confirmation
    link (`guest_confirm_token`): the registration then takes seats — confirmed,
    pending approval, or waitlisted — and gets the e-mail for that status.

    Confirming again changes nothing (returns the registration as it is). Raises
    `RegistrationError` ``bad_token`` for a forged, expired or outdated link,
    ``superseded`` when a newer registration with the same e-mail address replaced it,
    ``state`` for a cancelled or rejected registration, ``closed`` when the event was
    cancelled or has been held.
    """
    now = now or timezone.now()
    found = registration_from_confirm_token(token=token, now=now)
    event = _lock_event(found.event)
    registration = _lock_registration(found)
    _check_link_alive(registration, now)  # again, as stored now that it is locked
    if registration.status in (Status.CANCELLED, Status.REJECTED):
        raise RegistrationError(
            _("%(status)s된 신청입니다.") % {"status": registration.get_status_display()}, "state"
        )
    if registration.status != Status.UNCONFIRMED:
        return registration
    if event.status not in (Event.Status.OPEN, Event.Status.CLOSED):
        raise RegistrationError(
            _("신청을 받지 않는 행사입니다 (%(status)s).") % {"status": event.get_status_display()},
            "closed",
        )
    _promote(event, now, None)
    registration.email_confirmed_at = now
    _set_status(registration, _seat_status(event, registration), now)
    _save(registration)
    log_action(
        "events.registration.guest_confirmed",
        target=registration,
        data={"event": event.pk, "status": registration.status},
    )
    _notify_status(registration)
    return registration


def _promote(event: Event, now: dt.datetime, by: Actor) -> list[Registration]:
    """Promote waitlisted registrations of the locked `event` that fit, in order."""
    if event.status not in (Event.Status.OPEN, Event.Status.CLOSED):
        return []
    free = None if event.capacity is None else event.capacity - selectors.seats_taken(event=event)
    promoted: list[Registration] = []
    waiting = Registration.objects.filter(event=event, status=Status.WAITLISTED).order_by(
        "created_at", "id"
    )
    for reg in waiting:
        if free is not None and reg.attendees > free:
            continue
        _set_status(reg, Status.PENDING if event.requires_approval else Status.CONFIRMED, now)
        _save(reg)
        if free is not None:
            free -= reg.attendees
        log_action(
            "events.registration.promoted",
            user=by,
            target=reg,
            data={"event": event.pk, "status": reg.status},
        )
        _notify_status(reg)
        promoted.append(reg)
        if free is not None and free <= 0:
            break
    return promoted


@transaction.atomic
def promote_waitlist(
    *, event: Event, by: Actor = None, now: dt.datetime | None = None
) -> list[Registration]:
    """Give free seats of `event` to waitlisted registrations, oldest first, each one
    that fits (a party larger than the free seats waits; a later smaller one may go
    ahead). Promoted ones become confirmed (pending when the event needs approval) and
    get an e-mail. Only while the event is open or closed (not after it was held or
    cancelled). Returns the promoted registrations. Called by the services that free
    seats; call it after raising an event's capacity."""
    return _promote(_lock_event(event), now or timezone.now(), by)


@transaction.atomic
def registration_cancel(
    *,
    registration: Registration,
    by: Actor,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Cancel `registration` (신청 취소): by its registrant (`by` the user it belongs to,
    or — a guest registration — anyone presenting its `token`) or by staff. Frees its
    seats and promotes the waitlist.

    Raises `PermissionDenied` for anyone else; `RegistrationError` ``state`` when it is
    already cancelled or rejected, when the person has checked in, or (for the
    registrant) when the event has been held or cancelled.
    """
    now = now or timezone.now()
    if not permissions.can_cancel_registration(by, registration, token=token):
        raise PermissionDenied(_("이 신청을 취소할 권한이 없습니다."))
    event = _lock_event(registration.event)
    reg = _lock_registration(registration)
    _raise(rules.cancellation_refusal(reg, now=now, by_staff=permissions.is_centre_staff(by)))
    held_seats = reg.status in selectors.SEAT_STATUSES
    previous = reg.status
    _set_status(reg, Status.CANCELLED, now)
    _save(reg)
    log_action(
        "events.registration.cancelled",
        user=by,
        target=reg,
        data={"event": event.pk, "previous": previous},
    )
    if not permissions.is_registrant(by, reg, token=token):
        _notify(reg, "cancelled")  # cancelled by staff: tell the registrant
    if held_seats:
        _promote(event, now, by)
    return reg


@transaction.atomic
def registration_approve(
    *, registration: Registration, by: Actor, now: dt.datetime | None = None
) -> Registration:
    """Approve a pending registration (승인): it becomes confirmed and gets its
    e-mail with the QR code. Staff only (`PermissionDenied`); `RegistrationError`
    ``state`` unless it is pending."""
    if not permissions.can_manage_registrations(by, registration.event):
        raise PermissionDenied(_("센터 관리자만 승인할 수 있습니다."))
    now = now or timezone.now()
    event = _lock_event(registration.event)
    reg = _lock_registration(registration)
    if reg.status != Status.PENDING:
        raise RegistrationError(
            _("승인 대기 중인 신청만 승인할 수 있습니다 (지금: %(status)s).")
            % {"status": reg.get_status_display()},
            "state",
        )
    _set_status(reg, Status.CONFIRMED, now)
    _save(reg)
    log_action("events.registration.approved", user=by, target=reg, data={"event": event.pk})
    _notify_status(reg)
    return reg


@transaction.atomic
def registration_reject(
    *, registration: Registration, by: Actor, now: dt.datetime | None = None
) -> Registration:
    """Reject a registration waiting for approval, on the waitlist or not yet
    confirmed by e-mail (거절): it frees its seats (the waitlist is promoted) and the
    registrant gets an e-mail. Staff only (`PermissionDenied`); `RegistrationError`
    ``state`` for confirmed (cancel those instead), cancelled or rejected ones."""
    if not permissions.can_manage_registrations(by, registration.event):
        raise PermissionDenied(_("센터 관리자만 거절할 수 있습니다."))
    now = now or timezone.now()
    event = _lock_event(registration.event)
    reg = _lock_registration(registration)
    if reg.status not in (Status.PENDING, Status.WAITLISTED, Status.UNCONFIRMED):
        raise RegistrationError(
            _("승인 대기·대기·이메일 확인 대기 중인 신청만 거절할 수 있습니다 (지금: %(status)s).")
            % {"status": reg.get_status_display()},
            "state",
        )
    held_seats = reg.status in selectors.SEAT_STATUSES
    previous = reg.status
    _set_status(reg, Status.REJECTED, now)
    _save(reg)
    log_action(
        REJECTED_ACTION,
        user=by,
        target=reg,
        data={"event": event.pk, "previous": previous},
    )
    _notify(reg, "rejected")
    if held_seats:
        _promote(event, now, by)
    return reg


@transaction.atomic
def registration_check_in(
    *, event: Event, token: str, by: Actor, now: dt.datetime | None = None
) -> Registration:
    """Mark the arrival (도착 확인) of the registration with `token` at `event`.

    `token` is what staff scanned, typed or pasted (`qr.read_checkin_input`): the
    registration's check-in code (`Registration.checkin_code`) or the check-in address
    its QR code holds, its number as the staff list shows it (``12``, ``#12``), or the
    address of its page; spaces are ignored. A bare private token is not accepted (it
    is not a check-in code).

    Staff only (`PermissionDenied`). Refuses with `RegistrationError`:
    ``unknown_token`` (malformed, forged or unknown code, number or address),
    ``other_event`` (a registration for another event), ``not_confirmed`` (pending,
    waitlisted, unconfirmed, cancelled or rejected), ``already_checked_in`` (with the
    first time, e.g. "이미 도착 확인됨: 2025-10-24 10:03"), ``closed`` (the event was
    cancelled). Returns the registration with `checked_in_at` / `checked_in_by` set.
    """
    if not permissions.can_check_in(by, event):
        raise PermissionDenied(_("센터 관리자만 도착 확인을 할 수 있습니다."))
    now = now or timezone.now()
    key = qr.read_checkin_input(token)
    reg = selectors.registrations_for_checkin(key=key).select_for_update(of=("self",)).first()
    if reg is None:
        raise RegistrationError(unknown_checkin_message(key), "unknown_token")
    if reg.event_id != event.pk:
        raise RegistrationError(
            _("다른 행사(%(event)s)의 신청입니다.") % {"event": reg.event.title}, "other_event"
        )
    if reg.event.status == Event.Status.CANCELLED:  # as stored now, not as `event` was read
        raise RegistrationError(_("취소된 행사입니다."), "closed")
    if reg.status != Status.CONFIRMED:
        raise RegistrationError(
            _("확정되지 않은 신청입니다 (%(status)s).") % {"status": reg.get_status_display()},
            "not_confirmed",
        )
    if reg.checked_in_at is not None:
        raise RegistrationError(
            _("이미 도착 확인됨: %(time)s") % {"time": _local(reg.checked_in_at)},
            "already_checked_in",
        )
    reg.checked_in_at = now
    reg.checked_in_by = by if getattr(by, "pk", None) else None
    _save(reg)
    log_action("events.registration.checked_in", user=by, target=reg, data={"event": event.pk})
    return reg


def unknown_checkin_message(key: qr.CheckinKey | None) -> str:
    """The refusal for a check-in input that names no registration (`key` from
    `qr.read_checkin_input`): about the number when a number was typed."""
    if key is not None and key.kind == "number":
        return _("%(number)s번 신청을 찾을 수 없습니다. 신청 내역을 이름으로 찾아 주세요.") % {
            "number": key.value
        }
    return _("등록되지 않은 QR 코드입니다. 신청 내역을 이름으로 찾아 주세요.")


# --- personal data of registrations never confirmed -----------------------------------------


def _never_confirmed_before(cutoff: dt.datetime) -> list[int]:
    """Ids of guest registrations created before `cutoff` whose e-mail address was never
    confirmed (`Registration.email_confirmed_at` empty): those still unconfirmed, and
    those superseded, cancelled or rejected while unconfirmed."""
    return list(
        Registration.objects.filter(
            source=Source.GUEST,
            created_at__lt=cutoff,
            email_confirmed_at__isnull=True,
            confirmed_at__isnull=True,
            status__in=NEVER_CONFIRMED_STATUSES,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def registration_purge_unconfirmed(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Delete the guest registrations whose e-mail address was never confirmed and whose
    confirmation link is dead: created more than `GUEST_CONFIRM_MAX_AGE` before `now`,
    and still unconfirmed, or superseded, cancelled or rejected while unconfirmed.

    Why: such a registration's name, e-mail, phone and accessibility needs were given
    for a registration that never happened; personal data no longer needed for its
    purpose is destroyed without delay (개인정보 보호법 제21조 ①). They never held seats,
    so no seat count or waitlist changes. Their audit entries stay as they are: they
    never held the person's name or contact data (a registration is recorded as
    ``#<id> · <event title>``, `Registration.__str__`); one audit entry
    ``events.registration.purged`` lists the deleted ids.

    Registrations of accounts, staff entries and guest registrations that were
    confirmed (even if cancelled later) are never touched; the rows are locked and
    their status read again before they are deleted, so a guest confirming in the
    instant between the choice and the deletion keeps theirs. Idempotent: a second run
    finds nothing more. With `dry_run` nothing changes. Returns how many registrations
    were (or, with `dry_run`, would be) deleted. Raises nothing beyond database errors.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=GUEST_CONFIRM_MAX_AGE)
    ids = _never_confirmed_before(cutoff)
    if dry_run or not ids:
        return len(ids)
    deleted: list[int] = []
    for start in range(0, len(ids), PURGE_BATCH):
        batch = ids[start : start + PURGE_BATCH]
        # Locked and read again: still one of the states a never confirmed one can be in.
        still = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(
                pk__in=batch,
                email_confirmed_at__isnull=True,
                confirmed_at__isnull=True,
                status__in=NEVER_CONFIRMED_STATUSES,
            )
            .values_list("pk", flat=True)
        )
        Registration.objects.filter(pk__in=still).delete()
        deleted += still
    ids = sorted(deleted)
    if not ids:
        return 0
    log_action(
        "events.registration.purged",
        data={"registrations": ids, "count": len(ids), "created_before": cutoff.isoformat()},
    )
    logger.info("purged %d never confirmed guest registrations", len(ids))
    return len(ids)
