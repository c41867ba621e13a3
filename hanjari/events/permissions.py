"""Who may do what with events (행사) and registrations (참가 신청).

Roles: centre staff (센터 관리자) create and edit events, manage registrations
(approve, reject, cancel, CSV, badges) and check people in; a registrant — the
signed-in user who registered, or, for a guest registration (no account), whoever
holds its token (the address sent to them: the token is a capability) — sees and
cancels their own registration and its contact data; everyone reads public event pages.

A token only stands for the registrant when the registration has no account: a signed
in user's registration page may be opened with its token (it shows the status and the
QR code) but its contact data and cancel button are for that user and staff only.
"""

from __future__ import annotations

import secrets
from typing import Any


def _auth(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_centre_staff(user: Any, obj: Any = None) -> bool:
    """Centre staff (센터 관리자): active users with `is_staff`."""
    return _auth(user) and bool(user.is_centre_staff)


def can_manage_events(user: Any, obj: Any = None) -> bool:
    """Create and edit events, their programme and booths: centre staff."""
    return is_centre_staff(user)


def can_manage_registrations(user: Any, event: Any = None) -> bool:
    """List, approve, reject and cancel an event's registrations, export them (CSV) and
    print name badges: centre staff."""
    return is_centre_staff(user)


def can_check_in(user: Any, event: Any = None) -> bool:
    """Use the check-in page (도착 확인) of an event: centre staff."""
    return is_centre_staff(user)


def _token_matches(registration: Any, token: str | None) -> bool:
    return bool(token) and secrets.compare_digest(str(token), str(registration.token))


def is_registrant(user: Any, registration: Any, *, token: str | None = None) -> bool:
    """Whether the requester is the person who registered: the signed-in user it
    belongs to, or — for a guest registration (no account) — the holder of its token."""
    if registration is None:
        return False
    if registration.user_id is not None:
        return _auth(user) and registration.user_id == user.pk
    return _token_matches(registration, token)


def can_view_registration(user: Any, registration: Any, *, token: str | None = None) -> bool:
    """See a registration's page (status, QR code): the registrant, staff, or whoever
    holds its token."""
    if registration is None:
        return False
    return (
        is_registrant(user, registration, token=token)
        or is_centre_staff(user)
        or _token_matches(registration, token)
    )


def can_cancel_registration(user: Any, registration: Any, *, token: str | None = None) -> bool:
    """Cancel a registration: the registrant (a guest by holding the token) or staff."""
    return is_registrant(user, registration, token=token) or is_centre_staff(user)


def can_see_contact(user: Any, registration: Any, *, token: str | None = None) -> bool:
    """See a registration's contact data (e-mail, phone, accessibility needs): the
    registrant and staff only."""
    return is_registrant(user, registration, token=token) or is_centre_staff(user)
