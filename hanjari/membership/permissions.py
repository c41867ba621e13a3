"""Who may see and change an organisation's members (회원) and council requests.

Roles: centre staff (센터 관리자) may do everything; an organisation's owner (대표
관리자) manages its members, invitations and council requests; its editors (편집자)
see the member list and may leave; a council's administrator (협의회 관리자) decides
the join requests to that council only.
"""

from __future__ import annotations

from typing import Any

from hanjari.accounts.models import Membership
from hanjari.registry.permissions import can_manage_council, is_centre_staff

__all__ = [
    "can_decide_join_request",
    "can_manage_invitation",
    "can_manage_members",
    "can_request_council_join",
    "can_view_members",
    "is_centre_staff",
    "is_owner",
    "owns_any_organization",
]


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_owner(user: Any, org: Any) -> bool:
    """Whether `user` is an owner (대표 관리자) of `org`. False for anonymous users."""
    if not _signed_in(user) or org is None:
        return False
    return Membership.objects.filter(
        user=user, organization=org, role=Membership.Role.OWNER
    ).exists()


def can_view_members(user: Any, org: Any) -> bool:
    """The member list of `org`: centre staff and `org`'s members (owners, editors)."""
    if not _signed_in(user) or org is None:
        return False
    return bool(
        user.is_centre_staff or Membership.objects.filter(user=user, organization=org).exists()
    )


def can_manage_members(user: Any, org: Any) -> bool:
    """Inviting, changing roles, removing members and asking to join a council for
    `org`: centre staff and `org`'s owners."""
    if not _signed_in(user) or org is None:
        return False
    return bool(user.is_centre_staff or is_owner(user, org))


def can_manage_invitation(user: Any, invitation: Any) -> bool:
    """Resending or revoking `invitation`: centre staff and its organisation's owners."""
    return invitation is not None and can_manage_members(user, invitation.organization)


def owns_any_organization(user: Any, obj: Any = None) -> bool:
    """Whether `user` owns at least one organisation (the council join form offers
    the organisations they own)."""
    if not _signed_in(user):
        return False
    return Membership.objects.filter(user=user, role=Membership.Role.OWNER).exists()


def can_request_council_join(user: Any, org: Any) -> bool:
    """Asking a council to take `org` in: `org`'s owners (centre staff add members
    directly on the council page)."""
    return is_owner(user, org)


def can_decide_join_request(user: Any, join_request: Any) -> bool:
    """Approving or rejecting `join_request`: centre staff and the administrators of
    the council it is addressed to (not those of other councils)."""
    if join_request is None:
        return False
    return can_manage_council(user, join_request.council)
