"""Membership reads (회원 조회): member lists, invitations, join requests, what waits
for a person, and the personal data kept about them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from hanjari.accounts.models import CouncilRole, Membership
from hanjari.registry.models import Council, Organization

from . import rules
from .models import CouncilJoinRequest, Invitation
from .tokens import token_digest


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation whose link carries `token` (any state), or None. Tokens of
    unreasonable length are not looked up. Never raises."""
    if not token or len(token) > 200:
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=token_digest(token))
        .first()
    )


def members_of(organization: Organization) -> QuerySet[Membership]:
    """`organization`'s memberships with their users: owners first, then by name."""
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-role", "user__display_name", "user__username")
    )


def pending_invitations(organization: Organization) -> QuerySet[Invitation]:
    """`organization`'s invitations not yet accepted or revoked (expired ones
    included, so that they can be resent), newest first."""
    return Invitation.objects.pending().filter(organization=organization).order_by("-sent_at")


def invitations_for(user: Any, *, now: dt.datetime | None = None) -> QuerySet[Invitation]:
    """Open invitations addressed to `user`'s own e-mail addresses
    (`rules.verified_emails`), oldest first."""
    emails = rules.verified_emails(user)
    if not emails:
        return Invitation.objects.none()
    return (
        Invitation.objects.open(now=now)
        .filter(email__in=emails)
        .exclude(organization__memberships__user=user)
        .select_related("organization", "invited_by")
        .order_by("sent_at")
    )


def join_requests_of(organization: Organization) -> QuerySet[CouncilJoinRequest]:
    """`organization`'s council join requests, newest first."""
    return CouncilJoinRequest.objects.filter(organization=organization).select_related(
        "council", "requested_by", "decided_by"
    )


def pending_join_requests(council: Council) -> QuerySet[CouncilJoinRequest]:
    """Join requests waiting for `council`'s decision, oldest first."""
    return (
        CouncilJoinRequest.objects.pending()
        .filter(council=council)
        .select_related("organization", "requested_by")
        .order_by("created_at", "id")
    )


def councils_open_to(organization: Organization) -> QuerySet[Council]:
    """Councils `organization` may ask to join: not a member, no pending request."""
    return (
        Council.objects.exclude(memberships__organization=organization)
        .exclude(join_requests__organization=organization, join_requests__status="pending")
        .order_by("name")
    )


def organizations_to_offer(user: Any, council: Council) -> QuerySet[Organization]:
    """The organisations `user` owns that may ask to join `council` (not members, no
    pending request), by name."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return (
        Organization.objects.filter(memberships__user=user, memberships__role="owner")
        .exclude(council_memberships__council=council)
        .exclude(council_join_requests__council=council, council_join_requests__status="pending")
        .order_by("name")
        .distinct()
    )


def my_memberships(user: Any) -> QuerySet[Membership]:
    """`user`'s memberships with their organisations, by organisation name."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name", "organization_id")
    )


def waiting_by_organization(
    organization_ids: list[int], *, now: dt.datetime | None = None
) -> dict[int, dict[str, Any]]:
    """What waits in each organisation of `organization_ids`: ``invitations`` (open
    invitations: how many) and ``join_requests`` (pending council join requests: the
    requests, with their councils). Organisations with nothing waiting are left out.
    Two queries whatever the number of organisations."""
    found: dict[int, dict[str, Any]] = {}
    counts = (
        Invitation.objects.open(now=now)
        .filter(organization_id__in=organization_ids)
        .values_list("organization_id", flat=True)
    )
    for org_id in counts:
        entry = found.setdefault(org_id, {"invitations": 0, "join_requests": []})
        entry["invitations"] += 1
    requests = (
        CouncilJoinRequest.objects.pending()
        .filter(organization_id__in=organization_ids)
        .select_related("council")
        .order_by("created_at")
    )
    for req in requests:
        entry = found.setdefault(req.organization_id, {"invitations": 0, "join_requests": []})
        entry["join_requests"].append(req)
    return found


def councils_administered(user: Any) -> list[tuple[Council, int]]:
    """The councils `user` administers (협의회 관리자), each with the number of join
    requests waiting for a decision, by name."""
    if not getattr(user, "is_authenticated", False):
        return []
    roles = CouncilRole.objects.filter(user=user).select_related("council")
    councils = sorted((r.council for r in roles), key=lambda c: c.name)
    pending: dict[int, int] = {}
    for council_id in (
        CouncilJoinRequest.objects.pending()
        .filter(council__in=councils)
        .values_list("council_id", flat=True)
    ):
        pending[council_id] = pending.get(council_id, 0) + 1
    return [(c, pending.get(c.pk, 0)) for c in councils]


def membership_personal_data(user: Any) -> dict[str, Any]:
    """What the membership features keep about `user`, for their data download
    (개인정보 열람, 개인정보 보호법 §35): memberships, invitations they sent and
    invitations addressed to their addresses or accepted by them, and council join
    requests they made. Plain JSON-ready values (ISO 8601 times in UTC); no token or
    token digest. An anonymous user has none."""
    if not getattr(user, "is_authenticated", False):
        return {
            "memberships": [],
            "invitations_sent": [],
            "invitations_received": [],
            "council_join_requests": [],
        }

    def iso(value: dt.datetime | None) -> str | None:
        return value.astimezone(dt.UTC).isoformat() if value else None

    received = Invitation.objects.filter(accepted_by=user) | Invitation.objects.filter(
        email__in=rules.verified_emails(user)
    )
    return {
        "memberships": [
            {
                "organization": m.organization.name,
                "organization_id": m.organization_id,
                "role": m.role,
                "since": iso(m.created_at),
            }
            for m in my_memberships(user)
        ],
        "invitations_sent": [
            {
                "organization_id": i.organization_id,
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "sent_at": iso(i.sent_at),
            }
            for i in Invitation.objects.filter(invited_by=user).order_by("created_at", "id")
        ],
        "invitations_received": [
            {
                "organization_id": i.organization_id,
                "email": i.email,
                "role": i.role,
                "status": i.status,
                "sent_at": iso(i.sent_at),
                "decided_at": iso(i.decided_at),
            }
            for i in received.distinct().order_by("created_at", "id")
        ],
        "council_join_requests": [
            {
                "council": r.council.name,
                "organization_id": r.organization_id,
                "message": r.message,
                "status": r.status,
                "created_at": iso(r.created_at),
                "decided_at": iso(r.decided_at),
            }
            for r in CouncilJoinRequest.objects.filter(requested_by=user)
            .select_related("council")
            .order_by("created_at", "id")
        ],
    }
