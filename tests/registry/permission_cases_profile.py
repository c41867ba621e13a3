"""Permission rows for the organisation's photo pages (사진 관리), in the format of
tests/test_permissions.py's TABLE — ``(method, url name, kwargs, statuses in ROLES
order)`` with ROLES = anonymous, plain_user, member_a, council_admin_a, member_b,
staff — merged into the global table.

Who: the organisation's owners and editors (member_a edits org_a) and centre staff;
not a council admin of a council org_a belongs to, nor another organisation's member
(the same rule as the profile edit, `permissions.can_edit_organization`).

`profile_world(org_a, staff)` adds the objects the rows name (``photo_a``: a photo of
org_a; ``photos_a``: org_a's photo page, where every accepted POST goes back to), and
`profile_post_data(name, world)` the POST bodies.
"""

from __future__ import annotations

from typing import Any

LOGIN = (302, "login")
BACK = (303, "photos_a")
EDITORS_POST = (LOGIN, 403, BACK, 403, 403, BACK)

PROFILE_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # the photo page and the upload
    ("get", "registry:organization-photos", {"pk": "org_a"}, (LOGIN, 403, 200, 403, 403, 200)),
    ("post", "registry:organization-photos", {"pk": "org_a"}, EDITORS_POST),
    # one photo: its description and order (POST only), and its deletion (POST only)
    (
        "get",
        "registry:organization-photo",
        {"pk": "org_a", "photo_pk": "photo_a"},
        (LOGIN, 403, 405, 403, 403, 405),
    ),
    ("post", "registry:organization-photo", {"pk": "org_a", "photo_pk": "photo_a"}, EDITORS_POST),
    (
        "get",
        "registry:organization-photo-delete",
        {"pk": "org_a", "photo_pk": "photo_a"},
        (LOGIN, 403, 405, 403, 403, 405),
    ),
    (
        "post",
        "registry:organization-photo-delete",
        {"pk": "org_a", "photo_pk": "photo_a"},
        EDITORS_POST,
    ),
]


def profile_world(org_a: Any, staff: Any) -> dict[str, Any]:
    """A photo of `org_a` (added by `staff`) and the address of org_a's photo page."""
    from django.urls import reverse

    from hanjari.registry import services
    from tests.registry.profile_support import png_upload

    photo = services.organization_photo_add(
        organization=org_a, image=png_upload(), alt_text="권한표 사진", by=staff
    )
    return {"photo_a": photo, "photos_a": reverse("registry:organization-photos", args=[org_a.pk])}


def profile_post_data(name: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """The POST body of the rows' URL `name`, or None when it is not one of them."""
    from tests.registry.profile_support import png_upload

    if name == "registry:organization-photos":
        return {"image": png_upload(), "alt_text": "새 사진", "caption": ""}
    if name == "registry:organization-photo":
        prefix = f"photo-{world['photo_a'].pk}"
        return {f"{prefix}-alt_text": "고친 설명", f"{prefix}-caption": ""}
    if name == "registry:organization-photo-delete":
        return {}
    return None
