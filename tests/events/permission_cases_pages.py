"""Permission rows for the event pages and recognition URLs, in the format of
tests/test_permissions.py's TABLE — ``(method, url name, kwargs, statuses in ROLES
order)`` with ROLES = anonymous, plain_user, member_a, council_admin_a, member_b,
staff — to merge into the global table.

To merge: add `PAGES_TABLE` to TABLE, `pages_world(staff)` to the `world` fixture's
objects (keys ``event``: an open public event, ``draft_event``: a draft), and
`pages_post_data(name, world)` to `_post_data`. Locations: ``"login"``, a literal path
prefix ending in ``*`` (``"/events/*"``: the request made a new object or went back to
its own page), or ``"event*"`` (the world event's page).

tests/events/test_permissions_pages.py runs these rows on their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

LOGIN = (302, "login")
STAFF_ONLY_GET = (LOGIN, 403, 403, 403, 403, 200)

PAGES_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # public pages
    ("get", "events:list", {}, (200,) * 6),
    ("get", "events:feed", {}, (200,) * 6),
    ("get", "events:event", {"pk": "event"}, (200,) * 6),
    ("post", "events:event", {"pk": "event"}, (405,) * 6),
    ("get", "events:ics", {"pk": "event"}, (200,) * 6),
    # a draft is for staff only (everyone else: as if it did not exist)
    ("get", "events:event", {"pk": "draft_event"}, (404, 404, 404, 404, 404, 200)),
    ("get", "events:ics", {"pk": "draft_event"}, (404, 404, 404, 404, 404, 200)),
    # staff: events, programme, booths, attendance
    ("get", "events:event-new", {}, STAFF_ONLY_GET),
    ("post", "events:event-new", {}, (LOGIN, 403, 403, 403, 403, (302, "/events/*"))),
    ("get", "events:event-edit", {"pk": "event"}, STAFF_ONLY_GET),
    ("post", "events:event-edit", {"pk": "event"}, (LOGIN, 403, 403, 403, 403, (302, "event*"))),
    ("get", "events:event-edit", {"pk": "draft_event"}, STAFF_ONLY_GET),
    ("get", "events:programme-edit", {"pk": "event"}, STAFF_ONLY_GET),
    (
        "post",
        "events:programme-edit",
        {"pk": "event"},
        (LOGIN, 403, 403, 403, 403, (302, "/events/*")),
    ),
    ("get", "events:booths-edit", {"pk": "event"}, STAFF_ONLY_GET),
    (
        "post",
        "events:booths-edit",
        {"pk": "event"},
        (LOGIN, 403, 403, 403, 403, (302, "/events/*")),
    ),
    ("get", "events:attendance", {"pk": "event"}, STAFF_ONLY_GET),
    ("post", "events:attendance", {"pk": "event"}, (LOGIN, 403, 403, 403, 403, 405)),
    # recognition: public (the index shows this year's empty page while there is no data)
    ("get", "recognition:index", {}, (200,) * 6),
    ("get", "recognition:year", {"year": "2023"}, (200,) * 6),
    ("post", "recognition:year", {"year": "2023"}, (405,) * 6),
]


def pages_world(staff: Any) -> dict[str, Any]:
    """The objects the rows name: an open event two weeks ahead and a draft."""
    from hanjari.events.models import Event
    from tests.events.pages_support import make_event

    return {
        "event": make_event(title="권한표 행사"),
        "draft_event": make_event(title="권한표 초안 행사", status=Event.Status.DRAFT),
    }


def _empty_formset() -> dict[str, str]:
    return {
        "rows-TOTAL_FORMS": "0",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }


def pages_post_data(name: str, world: dict[str, Any]) -> dict[str, Any]:
    """A valid POST for each staff form (so the status shows the permission)."""
    start = world["event"].start_date if "event" in world else dt.date(2031, 5, 2)
    event_form = {
        "title": "권한표 행사",
        "kind": "workshop",
        "status": "open",
        "start_date": start.isoformat(),
        "start_time": "14:00",
        "end_date": start.isoformat(),
        "end_time": "17:00",
        "eligibility": "anyone",
        "venue_name": "라한호텔 전주",
    }
    return {
        "events:event-new": {**event_form, "title": "권한표 새 행사", "status": "draft"},
        "events:event-edit": event_form,
        "events:programme-edit": _empty_formset(),
        "events:booths-edit": _empty_formset(),
    }.get(name, {})
