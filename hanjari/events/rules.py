"""Rules that decide whether a registration may happen now (one rule, one place).

Each rule returns ``None`` when the action may happen now, or a
`hanjari.core.rules.Refusal` saying why not. The event page and the registration form
read `registration_refusal` to show or hide the form, the registration page and the
staff list read `cancellation_refusal` to show or hide the cancel button, and the
services raise `RegistrationError` with the refusal's code and message — so a page can
never offer what the service refuses.

Refusal codes:

- `registration_refusal`: ``closed`` (the event does not take registrations: a draft,
  closed, held or cancelled event), ``window`` (outside the registration window, 신청
  기간: before `Event.registration_opens_at` or at/after
  `Event.registration_deadline`).
- `cancellation_refusal`: ``state`` (already cancelled or rejected, already checked in,
  or — for the registrant — the event has been held or cancelled).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.core.rules import Refusal

from .models import SEOUL, Event, Registration

__all__ = ["cancellation_refusal", "registration_refusal", "window_message"]


def _local(value: dt.datetime) -> str:
    """`value` as Seoul wall-clock text, e.g. ``2025-10-24 10:03``."""
    return timezone.localtime(value, timezone=SEOUL).strftime("%Y-%m-%d %H:%M")


def window_message(event: Event) -> str:
    """The refusal for a registration outside the window, with the window in Seoul
    time: "신청 기간이 아닙니다 (… 부터 … 까지)." (or only one side when the other is
    open). The closing side is `Event.registration_deadline` (the explicit closing time,
    else the event's start)."""
    opens, closes = event.registration_opens_at, event.registration_deadline
    if opens and closes:
        return _("신청 기간이 아닙니다 (%(opens)s 부터 %(closes)s 까지).") % {
            "opens": _local(opens),
            "closes": _local(closes),
        }
    if opens:
        return _("신청 기간이 아닙니다 (%(opens)s 부터).") % {"opens": _local(opens)}
    if closes:
        return _("신청 기간이 아닙니다 (%(closes)s 까지).") % {"closes": _local(closes)}
    return _("신청 기간이 아닙니다.")


def registration_refusal(
    event: Event, *, now: dt.datetime, by_staff: bool = False
) -> Refusal | None:
    """Whether `event` takes a registration (참가 신청) at `now` (an aware datetime).

    The event must be open (`Event.Status.OPEN`) and `now` inside the window: at or
    after `registration_opens_at` (when set) and before `Event.registration_deadline`
    (the explicit closing time; without one, the start of the event — or, when its
    time is unknown, the end of its start day in Seoul). With `by_staff` (a centre
    staff member entering someone's registration, source ``staff``) an open or closed
    event takes it whatever the window; drafts, held and cancelled events never do.

    Returns None, or a `Refusal` with code ``closed`` or ``window``. Eligibility,
    duplicates and seats are checked by the service (they need the person and a lock).
    """
    if by_staff and event.status in (Event.Status.OPEN, Event.Status.CLOSED):
        return None
    if event.status != Event.Status.OPEN:
        return Refusal(
            "closed",
            _("신청을 받지 않는 행사입니다 (%(status)s).") % {"status": event.get_status_display()},
        )
    opens = event.registration_opens_at
    if (opens and now < opens) or now >= event.registration_deadline:
        return Refusal("window", window_message(event))
    return None


def cancellation_refusal(
    registration: Registration, *, now: dt.datetime, by_staff: bool = False
) -> Refusal | None:
    """Whether `registration` may be cancelled (신청 취소) at `now`.

    Not when it is already cancelled or rejected, not once the person has checked in
    (도착 확인), and — unless `by_staff` (centre staff cancel at any time before the
    check-in) — not after the event has been held or cancelled. `now` is the moment
    asked about (the rule reads stored states only; it is part of the signature so that
    every "may this happen now?" rule is asked the same way).

    Who may cancel (the registrant or staff) is a permission
    (`permissions.can_cancel_registration`), not part of this rule. Returns None, or a
    `Refusal` with code ``state``.
    """
    del now  # see the docstring
    status = registration.status
    if status in (Registration.Status.CANCELLED, Registration.Status.REJECTED):
        return Refusal(
            "state",
            _("이미 %(status)s된 신청입니다.") % {"status": registration.get_status_display()},
        )
    if registration.checked_in_at is not None:
        return Refusal("state", _("도착 확인한 신청은 취소할 수 없습니다."))
    if not by_staff and registration.event.status == Event.Status.CANCELLED:
        return Refusal("state", _("취소된 행사의 신청은 취소할 수 없습니다."))
    if not by_staff and registration.event.status == Event.Status.HELD:
        return Refusal("state", _("이미 개최된 행사의 신청은 취소할 수 없습니다."))
    return None
