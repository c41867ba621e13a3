"""Permission rows for the recognition staff pages (포상·기부 관리, /staff/recognition/)
and the organisation picker's suggestions (registry:organization-picker), in the format
of tests/test_permissions.py's TABLE — ``(method, url name, kwargs, statuses in ROLES
order)`` with ROLES = anonymous, plain_user, member_a, council_admin_a, member_b, staff.

Merged there: `STAFF_TABLE` into TABLE, `staff_url_arg(value, world)` into `_url_arg`
and `staff_post_data(name, world)` into `_post_data`. The records the rows name
(``staff_commendation``, ``staff_plaque``, ``staff_donation``: one of each kind) are
made when a row first asks for one (`staff_world`), not with the world: the recognition
index must still find no records in the other rows. A URL's ``kind`` argument is the
kind itself (not a world key). Locations are literal paths (a prefix when they end in
``*``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

LOGIN = (302, "login")
STAFF_ONLY_GET = (LOGIN, 403, 403, 403, 403, 200)


def _staff_post(location: str) -> tuple[Any, ...]:
    return (LOGIN, 403, 403, 403, 403, (302, location))


STAFF_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    ("get", "recognition:staff-list", {}, STAFF_ONLY_GET),
    ("post", "recognition:staff-list", {}, (LOGIN, 403, 403, 403, 403, 405)),
    ("get", "recognition:staff-new", {"kind": "commendation"}, STAFF_ONLY_GET),
    ("get", "recognition:staff-new", {"kind": "plaque"}, STAFF_ONLY_GET),
    ("get", "recognition:staff-new", {"kind": "donation"}, STAFF_ONLY_GET),
    # an unknown kind: as if there were no such page (to staff; others are refused first)
    ("get", "recognition:staff-new", {"kind": "medal"}, (LOGIN, 403, 403, 403, 403, 404)),
    (
        "post",
        "recognition:staff-new",
        {"kind": "commendation"},
        _staff_post("/staff/recognition/commendation/*"),
    ),
    (
        "get",
        "recognition:staff-edit",
        {"kind": "commendation", "pk": "staff_commendation"},
        STAFF_ONLY_GET,
    ),
    ("get", "recognition:staff-edit", {"kind": "plaque", "pk": "staff_plaque"}, STAFF_ONLY_GET),
    (
        "get",
        "recognition:staff-edit",
        {"kind": "donation", "pk": "staff_donation"},
        STAFF_ONLY_GET,
    ),
    # a record asked for under another kind's address: 404
    (
        "get",
        "recognition:staff-edit",
        {"kind": "plaque", "pk": "999999"},
        (LOGIN, 403, 403, 403, 403, 404),
    ),
    (
        "post",
        "recognition:staff-edit",
        {"kind": "commendation", "pk": "staff_commendation"},
        _staff_post("/staff/recognition/commendation/*"),
    ),
    (
        "get",
        "recognition:staff-delete",
        {"kind": "donation", "pk": "staff_donation"},
        STAFF_ONLY_GET,
    ),
    (
        "post",
        "recognition:staff-delete",
        {"kind": "donation", "pk": "staff_donation"},
        _staff_post("/staff/recognition/?kind=donation"),
    ),
    # the organisation picker's suggestions: public, as the directory is (rate limited)
    ("get", "registry:organization-picker", {}, (200,) * 6),
    ("post", "registry:organization-picker", {}, (405,) * 6),
]

DAY = dt.date(2023, 12, 11)


STAFF_KEYS = ("staff_commendation", "staff_plaque", "staff_donation")


def staff_url_arg(value: str, world: dict[str, Any]) -> int | None:
    """The id of the record a row names (made, with the others, on first use), or None
    when `value` names none."""
    if value not in STAFF_KEYS:
        return None
    if value not in world:
        world.update(staff_world(world["org_a"]))
    return int(world[value].pk)


def staff_world(org: Any) -> dict[str, Any]:
    """One record of each kind (entered by the system); the commendation goes to `org`."""
    from hanjari.recognition import services

    staff = None

    return {
        "staff_commendation": services.commendation_create(
            data={"title": "사회적경제 유공자 표창", "recipient_organization": org, "date": DAY},
            by=staff,
        ),
        "staff_plaque": services.plaque_create(
            data={"recipient_name": "김감사", "recipient_office": "전주시의원", "date": DAY},
            by=staff,
        ),
        "staff_donation": services.donation_create(
            data={"donor_name": "전주시 마을기업협회", "amount_krw": 1_000_000, "date": DAY},
            by=staff,
        ),
    }


def staff_post_data(name: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """A valid POST body for each staff form (so the status shows the permission);
    None for other URL names."""
    commendation = {
        "title": "사회적경제 유공자 표창",
        "date": DAY.isoformat(),
        "conferred_by": "전주시장",
        "recipient_name": "",
        "recipient_affiliation": "",
        "recipient_organization": [str(world["org_a"].pk), ""],
        "name_public": "on",
        "event": "",
        "citation": "",
    }
    return {
        "recognition:staff-new": commendation,
        "recognition:staff-edit": {
            **commendation,
            "conferred_by": "전라북도지사",
            "change_reason": "수여 기관을 바로잡습니다.",
        },
        "recognition:staff-delete": {"reason": "같은 기부를 두 번 적었습니다."},
    }.get(name)
