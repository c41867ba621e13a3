"""Permission rows for the membership pages (members, invitations, leaving, council
join requests, the staff owner page) and the "내 조직" dashboard, in the format of
tests/test_permissions.py's TABLE — ``(method, url name, kwargs, statuses in ROLES
order)`` with ROLES = anonymous, plain_user, member_a, council_admin_a, member_b,
staff — merged into the global table.

`members_world(...)` adds the objects the rows name:

- ``org_owned``: an organisation whose owner is member_a (its only owner), with an
  editor (``editor_membership``, user ``perm_editor``); member_b is a member of
  another organisation, plain_user of none;
- ``invitation`` / ``invite_token``: member_a's invitation of plain_user's address
  (plain@example.kr) to ``org_owned`` as editor; ``expired_token``: a link past its
  expiry; a token that matches nothing is a literal;
- ``join_request``: ``org_owned`` asks to join the council council_admin_a administers;
  ``other_join_request``: to the world's council, which has no admin (council_admin_a
  must not decide it); ``open_council``: a council ``org_owned`` may still ask to join.

Locations: ``"login"``, or a key of the world holding a path (``members_owned``,
``members_a``, ``admin_council_page``) or a URL name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

LOGIN = (302, "login")
STAFF_ONLY_GET = (LOGIN, 403, 403, 403, 403, 200)
OWNER_POST = (LOGIN, 403, (303, "members_owned"), 403, 403, (303, "members_owned"))
OWNER_405 = (LOGIN, 403, 405, 403, 403, 405)

MEMBERS_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # the members page: the organisation's members (owner and editor) and staff
    ("get", "membership:members", {"pk": "org_owned"}, (LOGIN, 403, 200, 403, 403, 200)),
    ("get", "membership:members", {"pk": "org_a"}, (LOGIN, 403, 200, 403, 403, 200)),
    ("post", "membership:members", {"pk": "org_owned"}, OWNER_405),
    # invite: owners and staff; an editor (member_a of org_a) may not
    ("post", "membership:invite", {"pk": "org_owned"}, OWNER_POST),
    (
        "post",
        "membership:invite",
        {"pk": "org_a"},
        (LOGIN, 403, 403, 403, 403, (303, "members_a")),
    ),
    ("get", "membership:invite", {"pk": "org_owned"}, OWNER_405),
    # roles and removal: owners and staff
    (
        "post",
        "membership:member-role",
        {"pk": "org_owned", "membership_pk": "editor_membership"},
        OWNER_POST,
    ),
    (
        "post",
        "membership:member-remove",
        {"pk": "org_owned", "membership_pk": "editor_membership"},
        OWNER_POST,
    ),
    (
        "get",
        "membership:member-remove",
        {"pk": "org_owned", "membership_pk": "editor_membership"},
        OWNER_405,
    ),
    # leaving: one's own membership (the last owner names the editor as successor)
    ("get", "membership:leave", {"pk": "org_owned"}, (LOGIN, 403, 200, 403, 403, 403)),
    (
        "post",
        "membership:leave",
        {"pk": "org_owned"},
        (LOGIN, 403, (303, "my-organizations"), 403, 403, 403),
    ),
    # invitations: resend and revoke by owners and staff
    ("post", "membership:invitation-resend", {"pk": "invitation"}, OWNER_POST),
    ("post", "membership:invitation-revoke", {"pk": "invitation"}, OWNER_POST),
    ("get", "membership:invitation-revoke", {"pk": "invitation"}, OWNER_405),
    # accepting: only the account that owns the invited address (plain_user). By id
    # (from the dashboard) anyone else finds nothing; by the link's token they get a
    # 403 page that says why
    (
        "post",
        "membership:invitation-accept",
        {"pk": "invitation"},
        (LOGIN, (303, "members_owned"), 404, 404, 404, 404),
    ),
    ("get", "membership:invitation", {"token": "invite_token"}, (200, 200, 403, 403, 403, 403)),
    (
        "post",
        "membership:invitation",
        {"token": "invite_token"},
        (LOGIN, (303, "members_owned"), 403, 403, 403, 403),
    ),
    ("get", "membership:invitation", {"token": "expired_token"}, (410,) * 6),
    ("get", "membership:invitation", {"token": "no-such-token"}, (404,) * 6),
    # council join requests: owners ask; that council's admin and staff decide
    ("get", "membership:join-request", {}, (LOGIN, 403, 200, 403, 403, 403)),
    (
        "post",
        "membership:join-request",
        {},
        (LOGIN, 403, (303, "members_owned"), 403, 403, 403),
    ),
    (
        "post",
        "membership:join-request-decide",
        {"pk": "join_request"},
        (LOGIN, 403, 403, (303, "admin_council_page"), 403, (303, "admin_council_page")),
    ),
    (
        "post",
        "membership:join-request-decide",
        {"pk": "other_join_request"},
        (LOGIN, 403, 403, 403, 403, (303, "/councils/council")),
    ),
    (
        "get",
        "membership:join-request-decide",
        {"pk": "join_request"},
        (LOGIN, 403, 403, 405, 403, 405),
    ),
    # the staff owner page
    ("get", "membership:owners", {"pk": "org_owned"}, STAFF_ONLY_GET),
    (
        "post",
        "membership:owners",
        {"pk": "org_owned"},
        (LOGIN, 403, 403, 403, 403, (303, "members_owned")),
    ),
    # "내 조직": every signed-in person
    ("get", "my-organizations", {}, (LOGIN, 200, 200, 200, 200, 200)),
]


def members_world(
    *, staff: Any, plain_user: Any, member_a: Any, council_admin_a: Any, org_a: Any, council: Any
) -> dict[str, Any]:
    """The objects the rows point at (see the module docstring)."""
    from django.urls import reverse
    from django.utils import timezone

    from hanjari.accounts.models import Membership
    from hanjari.membership import services
    from tests.factories import CouncilFactory, MembershipFactory, OrganizationFactory, UserFactory
    from tests.membership.support import own_address

    org = OrganizationFactory(name="권한표 회원관리 조직")
    MembershipFactory(user=member_a, organization=org, role=Membership.Role.OWNER)
    editor = MembershipFactory(user=UserFactory(username="perm_editor"), organization=org)
    own_address(plain_user, "plain@example.kr")
    issued = services.invitation_create(
        organization=org, email=plain_user.email, role="editor", by=member_a
    )
    expired = services.invitation_create(
        organization=org,
        email="late@example.kr",
        role="editor",
        by=member_a,
        now=timezone.now() - dt.timedelta(days=30),
    )
    admin_council = council_admin_a.council_roles.get().council
    join_request = services.join_request_create(
        organization=org, council=admin_council, by=member_a, message="함께하고 싶습니다."
    )
    other = services.join_request_create(organization=org, council=council, by=member_a)
    return {
        "org_owned": org,
        "editor_membership": editor,
        "invitation": issued.invitation,
        "invite_token": issued.token,
        "expired_token": expired.token,
        "join_request": join_request,
        "other_join_request": other,
        "open_council": CouncilFactory(name="권한표 열린 협의회"),
        "members_owned": reverse("membership:members", args=[org.pk]),
        "members_a": reverse("membership:members", args=[org_a.pk]),
        "admin_council_page": reverse("registry:council", args=[admin_council.pk]),
    }


def members_post_data(name: str, world: dict[str, Any]) -> dict[str, Any] | None:
    """A valid POST body for the rows' URL `name`, or None when it is not one of them."""
    if not name.startswith("membership:"):
        return None
    return {
        "membership:invite": {"email": "new@example.kr", "role": "editor"},
        "membership:member-role": {"role": "owner"},
        "membership:leave": {"successor": world["editor_membership"].pk},
        "membership:join-request": {
            "organization": world["org_owned"].pk,
            "council": world["open_council"].pk,
            "message": "가입을 신청합니다.",
        },
        "membership:join-request-decide": {"decision": "approve"},
        "membership:owners": {"account": "perm_editor", "previous": "editor"},
    }.get(name, {})
