"""Permission rows for the registration and check-in URLs (views/registration.py), in
the format of tests/test_permissions.py's TABLE, to merge into the global table.

`REGISTRATION_TABLE`: ``(method, url_name, kwargs, statuses)`` with statuses in
`ROLES` order (anonymous, plain_user, member_a, council_admin_a, member_b, staff) —
the roles of tests/test_permissions.py. A status may be a ``(status, location)``
pair: ``"login"`` is the login page with ``next``; a location ending in ``*`` is a
prefix (the rest names an object the request makes).

kwargs values name objects of `registration_world(...)` (merge them into the global
`world`); URL arguments resolve as:

- ``token``: the object's `.token` (a registration) or the string itself (the signed
  guest confirmation token, ``"confirm_token"``);
- ``pk`` / ``registration_pk``: the object's `.pk`;
- anything not in the world (``"approve"``): the literal value.

POSTs send `registration_post_data(url_name, world)`: a valid form, so the status
shows the permission, not a validation error. tests/events/test_registration_permissions.py
runs these rows on their own until they are merged.
"""

from __future__ import annotations

from typing import Any

ROLES = ("anonymous", "plain_user", "member_a", "council_admin_a", "member_b", "staff")
LOGIN = (302, "login")
STAFF_ONLY_GET = (LOGIN, 403, 403, 403, 403, 200)
TO_REGISTRATION = (303, "/events/registrations/*")
# A guest is sent back to the event page ("check your mailbox"): the registration
# page's address goes only to the e-mail address.
TO_EVENT = (303, "event*")

REGISTRATION_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # the form: everyone (guests register with an e-mail address); plain_user has
    # already registered for "event" (409)
    ("get", "events:register", {"pk": "event"}, (200,) * 6),
    (
        "post",
        "events:register",
        {"pk": "event"},
        (TO_EVENT, 409, TO_REGISTRATION, TO_REGISTRATION, TO_REGISTRATION, TO_REGISTRATION),
    ),
    # the registration page and its QR code: whoever holds the token (contact data
    # inside only for the registrant and staff — tests/events/test_registration_views.py)
    ("get", "events:registration", {"token": "reg_plain"}, (200,) * 6),
    ("get", "events:registration-qr", {"token": "reg_plain"}, (200,) * 6),
    # guest e-mail confirmation: the signed link is the capability; GET shows, POST confirms
    ("get", "events:registration-confirm", {"token": "confirm_token"}, (200,) * 6),
    ("post", "events:registration-confirm", {"token": "confirm_token"}, (TO_REGISTRATION,) * 6),
    # cancelling plain_user's registration: plain_user and staff
    (
        "post",
        "events:registration-cancel",
        {"token": "reg_plain"},
        (403, TO_REGISTRATION, 403, 403, 403, TO_REGISTRATION),
    ),
    ("get", "events:registration-cancel", {"token": "reg_plain"}, (405,) * 6),
    # staff: the list, CSV, badges, decisions
    ("get", "events:manage", {"pk": "event"}, STAFF_ONLY_GET),
    ("get", "events:registrations-csv", {"pk": "event"}, STAFF_ONLY_GET),
    ("get", "events:badges", {"pk": "event"}, STAFF_ONLY_GET),
    (
        "post",
        "events:registration-decide",
        {"pk": "approval_event", "registration_pk": "reg_pending", "action": "approve"},
        (LOGIN, 403, 403, 403, 403, (303, "/events/*")),
    ),
    # POST only: refused before the method check for everyone but staff
    (
        "get",
        "events:registration-decide",
        {"pk": "approval_event", "registration_pk": "reg_pending", "action": "approve"},
        (LOGIN, 403, 403, 403, 403, 405),
    ),
    # check-in: staff
    ("get", "events:checkin", {"pk": "event"}, STAFF_ONLY_GET),
    ("post", "events:checkin", {"pk": "event"}, STAFF_ONLY_GET),
    ("get", "events:checkin-counts", {"pk": "event"}, STAFF_ONLY_GET),
]


def registration_world(*, staff: Any, plain_user: Any) -> dict[str, Any]:
    """The objects the rows point at: an open event with plain_user's confirmed
    registration, a guest's unconfirmed one (and its confirmation token), and an
    event needing approval with a pending registration."""
    from hanjari.events.services import registrations as services
    from tests.events.registration_support import open_event, register

    event = open_event(title="권한표 워크숍", capacity=20)
    reg_plain = register(event, by=plain_user, person_name="권한표 참가자")
    guest = register(event, person_name="권한표 손님", contact_email="perm-guest@example.kr")
    approval_event = open_event(title="권한표 승인 행사", requires_approval=True)
    from tests.factories import UserFactory

    reg_pending = register(approval_event, by=UserFactory(username="perm_pending"))
    return {
        "event": event,
        "reg_plain": reg_plain,
        "approval_event": approval_event,
        "reg_pending": reg_pending,
        "confirm_token": services.guest_confirm_token(guest),
    }


def registration_url_arg(key: str, value: str, world: dict[str, Any]) -> Any:
    """A URL argument of a row (see the module docstring)."""
    if value not in world:
        return value
    obj = world[value]
    if isinstance(obj, str):
        return obj
    return obj.token if key == "token" else obj.pk


def registration_post_data(name: str, world: dict[str, Any]) -> dict[str, Any]:
    """A valid POST body for `name`."""
    if name == "events:register":
        return {
            "person_name": "권한표",
            "organization_name": "권한표협동조합",
            "attendees": 1,
            "contact_email": "perm-new@example.kr",
            "consent": "on",
        }
    if name == "events:checkin":
        return {"token": world["reg_plain"].checkin_code}  # the QR code's check-in code
    return {}
