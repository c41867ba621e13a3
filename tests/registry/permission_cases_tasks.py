"""Permission rows for the background import job page, the merge confirmation, undo and
proposal URLs, in the format of tests/test_permissions.py's TABLE — ``(method, url
name, kwargs, statuses in ROLES order)`` with ROLES = anonymous, plain_user, member_a,
council_admin_a, member_b, staff — merged into the global table.

`tasks_world(staff)` adds the objects the rows name (``job``: a queued import job,
``merge``: a standing merge of two organisations), and `tasks_post_data(name, world)`
the POST bodies. Locations: ``"login"``, a URL name, or a literal path (``"/…"``).
"""

from __future__ import annotations

from typing import Any

LOGIN = (302, "login")
STAFF_ONLY_GET = (LOGIN, 403, 403, 403, 403, 200)

TASKS_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # a background import's page: staff
    ("get", "registry:import-job", {"pk": "job"}, STAFF_ONLY_GET),
    ("post", "registry:import-job", {"pk": "job"}, (LOGIN, 403, 403, 403, 403, 405)),
    # the merge confirmation page: staff (the POST rows are in the global table)
    ("get", "registry:merge-decide", {"pk": "candidate"}, STAFF_ONLY_GET),
    # undo a merge: staff, then the restored organisation's history
    (
        "post",
        "registry:merge-undo",
        {"pk": "merge"},
        (LOGIN, 403, 403, 403, 403, (303, "merge_history")),
    ),
    ("get", "registry:merge-undo", {"pk": "merge"}, (LOGIN, 403, 403, 403, 403, 405)),
    # propose a pair from a profile: staff search, then the queue
    ("get", "registry:merge-propose", {"pk": "org_a"}, STAFF_ONLY_GET),
    (
        "post",
        "registry:merge-propose",
        {"pk": "org_a"},
        (LOGIN, 403, 403, 403, 403, (303, "registry:merge-queue")),
    ),
]


def tasks_world(staff: Any) -> dict[str, Any]:
    """A queued import job by `staff` (its file never imported) and a standing merge."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hanjari.registry import services
    from tests.factories import OrganizationFactory

    job = services.import_job_create(
        upload=SimpleUploadedFile("permission.csv", b"a,b\r\n1,2\r\n", "text/csv"), by=staff
    )
    keep = OrganizationFactory(name="권한표 남는 조직")
    drop = OrganizationFactory(name="권한표 합쳐지는 조직")
    drop_pk = drop.pk
    services.organization_merge(keep=keep, drop=drop, by=staff)
    return {
        "job": job,
        "merge": keep.merges.get(),
        "merge_history": f"/organizations/{drop_pk}/history/",
        "merge_partner": OrganizationFactory(name="권한표 병합 후보"),
    }


def tasks_post_data(name: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """The POST body of the rows' URL `name`, or None when it is not one of them."""
    if name == "registry:merge-propose":
        return {"other": world["merge_partner"].pk}
    if name in ("registry:merge-undo", "registry:import-job"):
        return {}
    return None
