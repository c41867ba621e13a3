"""Event registrations in a person's own data (hanjari.accounts.personal_data).

Download: every registration the user made (the event, the status, and the name,
contact and access needs they typed). Deletion (회원 탈퇴): registrations that may
still be cancelled by the registrant are cancelled through the registration service
(the seats go back and the waitlist moves up); then every registration of the user
keeps its event, organisation, head count and dates (the event's attendance figures)
but loses the name, e-mail address, phone number and access needs typed into it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.accounts.models import User
from hanjari.accounts.personal_data import iso

from . import rules
from .models import Registration


def registrations_export(user: User) -> list[dict[str, Any]]:
    """The user's registrations, oldest first, as JSON-able dicts."""
    rows = Registration.objects.filter(user=user).select_related("event", "organization")
    return [
        {
            "event": r.event.title,
            "event_id": r.event_id,
            "event_start": iso(r.event.start_date),
            "status": r.status,
            "organization": r.organization.name if r.organization else r.organization_name,
            "person_name": r.person_name,
            "contact_email": r.contact_email,
            "contact_phone": r.contact_phone,
            "attendees": r.attendees,
            "accessibility_needs": r.accessibility_needs,
            "created_at": iso(r.created_at),
            "confirmed_at": iso(r.confirmed_at),
            "cancelled_at": iso(r.cancelled_at),
            "checked_in_at": iso(r.checked_in_at),
        }
        for r in rows.order_by("created_at", "id")
    ]


def registrations_erase(user: User) -> int:
    """Cancel what the user could still cancel and blank the personal fields of every
    registration of theirs (see the module docstring). Returns the number of
    registrations blanked."""
    from .services import registration_cancel

    now = timezone.now()
    for registration in Registration.objects.filter(user=user).select_related("event"):
        if rules.cancellation_refusal(registration, now=now) is None:
            try:
                registration_cancel(registration=registration, by=user, now=now)
            except ValidationError:  # refused after all (e.g. the event was held)
                pass
    return Registration.objects.filter(user=user).update(
        person_name=_("탈퇴한 사용자"),
        contact_email="",
        contact_phone="",
        accessibility_needs="",
    )
