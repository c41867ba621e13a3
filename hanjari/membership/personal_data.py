"""Membership in a person's own data (hanjari.accounts.personal_data).

Download: `selectors.membership_personal_data` (memberships, invitations sent and
received, council join requests). Deletion (회원 탈퇴): pending invitations addressed to
the person's addresses are deleted (an address is personal data, and no one is left to
accept them); invitations they sent and join requests they made stay as the
organisation's records, their sender shown as "탈퇴한 사용자".
"""

from __future__ import annotations

from hanjari.accounts.models import User

from . import rules
from .models import Invitation


def membership_erase(user: User) -> int:
    """Delete the pending invitations addressed to `user`'s addresses. Returns how many."""
    addresses = rules.verified_emails(user)
    if not addresses:
        return 0
    return Invitation.objects.pending().filter(email__in=addresses).delete()[0]
