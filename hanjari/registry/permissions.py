"""Who may do what in the registry (object permissions as predicates).

Roles: centre staff (센터 관리자) may do everything; a council admin (협의회 관리자)
manages their council's member list; an organisation member
(기업 회원) with role owner or editor may edit their own organisation; everyone may
read public pages.
"""

from __future__ import annotations

from typing import Any

from hanjari.accounts.models import CouncilRole, Membership

EDIT_ROLES = (Membership.Role.OWNER, Membership.Role.EDITOR)


def is_centre_staff(user: Any, obj: Any = None) -> bool:
    """Centre staff (센터 관리자): active users with `is_staff`."""
    return bool(getattr(user, "is_authenticated", False) and user.is_centre_staff)


def can_edit_organization(user: Any, org: Any) -> bool:
    """Whether `user` may edit `org`'s profile: staff or an owner/editor member of it.

    Council admins (협의회 관리자) manage their council's member list but do not edit
    the members' profiles: they can add any organisation to their council, so council
    membership must not grant edit rights (that was a takeover path)."""
    if not getattr(user, "is_authenticated", False) or org is None:
        return False
    if user.is_centre_staff:
        return True
    return Membership.objects.filter(user=user, organization=org, role__in=EDIT_ROLES).exists()


def can_manage_council(user: Any, council: Any) -> bool:
    """Whether `user` may change `council`'s member list: staff or its council admin."""
    if not getattr(user, "is_authenticated", False) or council is None:
        return False
    return bool(
        user.is_centre_staff or CouncilRole.objects.filter(user=user, council=council).exists()
    )


def can_view_history(user: Any, org: Any = None) -> bool:
    """Change history (변경 이력) is visible to centre staff only."""
    return is_centre_staff(user)


def can_import(user: Any, obj: Any = None) -> bool:
    """Importing official files is for centre staff."""
    return is_centre_staff(user)


def can_review_merges(user: Any, obj: Any = None) -> bool:
    """The merge review queue (병합 검토) is for centre staff."""
    return is_centre_staff(user)
