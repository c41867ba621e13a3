"""Who may see what of claims (object permissions as predicates).

A claim, its history and its evidence files are seen by centre staff (센터 관리자) and
by the person who made it, nobody else: not the organisation's other members, not the
council asked to endorse it (its admins see the organisation's name, the claimant's
name and role, and answer), not the owners who were told about it.
"""

from __future__ import annotations

from typing import Any

from hanjari.accounts.models import CouncilRole

from .models import Claim, Evidence


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_review_claims(user: Any, obj: Any = None) -> bool:
    """The staff review queue (신청 검토) is for centre staff."""
    return _signed_in(user) and bool(user.is_centre_staff)


def can_view_claim(user: Any, claim: Claim | None) -> bool:
    """Whether `user` may see `claim` with its history and files: centre staff or the
    claimant."""
    if claim is None or not _signed_in(user):
        return False
    return bool(user.is_centre_staff or claim.user_id == user.pk)


def can_view_evidence(user: Any, evidence: Evidence | None) -> bool:
    """Whether `user` may download `evidence`: whoever may see its claim."""
    return evidence is not None and can_view_claim(user, evidence.claim)


def is_council_admin(user: Any, obj: Any = None) -> bool:
    """Whether `user` administers at least one council (협의회 관리자): they see the
    endorsement requests sent to their councils."""
    return _signed_in(user) and CouncilRole.objects.filter(user=user).exists()
