"""Claim reads (신청 읽기): the claimant's list, the staff queue, the council's
endorsement requests, what the profile page offers, and what a reviewer needs to see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from hanjari.accounts.models import Membership, User
from hanjari.core.names import normalize_name
from hanjari.registry.models import Organization
from hanjari.registry.selectors import BrnChange, BrnProvenance, brn_provenance

from . import rules
from .models import Claim

__all__ = [
    "QUEUE_FILTERS",
    "ClaimOffer",
    "ReviewFacts",
    "claim_detail",
    "claim_offer",
    "claims_of",
    "endorsement_requests_for",
    "open_claims_for",
    "review_facts",
    "review_queue",
]


def open_claims_for(user: Any) -> QuerySet[Claim]:
    """`user`'s claims and proposals still waiting for a decision (submitted, more
    information asked for, resubmitted), newest first, with their organisation; empty
    for an anonymous user. For the dashboard ("내 조직")."""
    if not getattr(user, "is_authenticated", False):
        return Claim.objects.none()
    return Claim.objects.open().filter(user=user).select_related("organization")


def claims_of(user: Any) -> QuerySet[Claim]:
    """Every claim and proposal of `user` ("내 신청"), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Claim.objects.none()
    return Claim.objects.filter(user=user).select_related("organization", "council")


def claim_detail(*, pk: int) -> Claim:
    """Claim `pk` with what its pages show (organisation, claimant, council, evidence,
    history, proposed designations). Raises `Claim.DoesNotExist`."""
    return (
        Claim.objects.select_related("organization", "user", "council", "decided_by", "endorsed_by")
        .prefetch_related("evidence", "entries__actor", "proposed_designations")
        .get(pk=pk)
    )


# The staff queue's filters (신청 검토): key → statuses.
QUEUE_FILTERS: dict[str, tuple[str, ...]] = {
    "pending": (Claim.Status.SUBMITTED, Claim.Status.RESUBMITTED),
    "more_info": (Claim.Status.MORE_INFO_REQUESTED,),
    "decided": (Claim.Status.APPROVED, Claim.Status.REJECTED, Claim.Status.WITHDRAWN),
}


def review_queue(*, show: str = "pending", kind: str = "") -> QuerySet[Claim]:
    """The staff queue: claims in the statuses of `QUEUE_FILTERS[show]` (an unknown key
    means "pending"), of `kind` (``claim`` / ``proposal``, "" for both). Waiting
    claims oldest first (first come, first served), decided ones newest first."""
    statuses = QUEUE_FILTERS.get(show, QUEUE_FILTERS["pending"])
    qs = Claim.objects.filter(status__in=statuses).select_related("organization", "user", "council")
    if kind in Claim.Kind.values:
        qs = qs.filter(kind=kind)
    if show == "decided":
        return qs.order_by("-decided_at", "-updated_at", "-id")
    return qs.order_by("created_at", "id")


def endorsement_requests_for(user: Any) -> QuerySet[Claim]:
    """Open claims whose endorsement is asked of a council `user` administers (협의회
    관리자), but their own, oldest first."""
    if not getattr(user, "is_authenticated", False):
        return Claim.objects.none()
    return (
        Claim.objects.open()
        .filter(
            endorsement=Claim.Endorsement.REQUESTED,
            council__admin_roles__user=user,
        )
        .exclude(user=user)
        .select_related("organization", "user", "council")
        .order_by("created_at", "id")
        .distinct()
    )


@dataclass(frozen=True)
class ClaimOffer:
    """What an organisation's profile offers `user` about claiming it: `show_button`
    ("우리 조직입니다"), or `message` saying why not (already an owner, a claim under
    review), with `open_claim` the claim under review (its page is linked)."""

    show_button: bool
    message: str = ""
    open_claim: Claim | None = None


def claim_offer(*, user: Any, organization: Organization) -> ClaimOffer:
    """The `ClaimOffer` of `organization`'s profile for `user`: anonymous visitors see
    the button (it leads to the login page), owners nothing, a person with a claim
    under review a link to it (`rules.claim_refusal`)."""
    refusal = rules.claim_refusal(user, organization)
    if refusal is None or refusal.code == "login":
        return ClaimOffer(show_button=True)
    if refusal.code == "open":
        claim = (
            Claim.objects.open()
            .filter(user=user, organization=organization, kind=Claim.Kind.CLAIM)
            .first()
        )
        return ClaimOffer(show_button=False, message=refusal.message, open_claim=claim)
    return ClaimOffer(show_button=False)


@dataclass(frozen=True)
class ReviewFacts:
    """What a reviewer sees beside the claim: the organisation's current owners, other
    organisations holding the typed 사업자등록번호, registered organisations with the
    proposed name in its region (a proposal that may duplicate one), the
    claimant's other claims, and for a claim where the number it was compared with
    came from (`brn_source`, as the record stood when the claim was made; None for a
    proposal) with the changes of that number by users who are not centre staff
    (`member_brn_changes`) and whether the claimant made one of them
    (`claimant_changed_brn`)."""

    owners: list[User]
    same_number: list[Organization]
    namesakes: list[Organization]
    other_claims: list[Claim]
    brn_source: BrnProvenance | None = None
    member_brn_changes: tuple[BrnChange, ...] = ()
    claimant_changed_brn: bool = False


def review_facts(claim: Claim) -> ReviewFacts:
    """The `ReviewFacts` of `claim` (a few queries; lists capped at 10)."""
    owners: list[User] = []
    if claim.organization_id is not None:
        owners = list(
            User.objects.filter(
                memberships__organization_id=claim.organization_id,
                memberships__role=Membership.Role.OWNER,
            ).order_by("pk")
        )
    same_number = list(
        Organization.objects.filter(brn=claim.brn).exclude(pk=claim.organization_id or 0)[:10]
    )
    namesakes: list[Organization] = []
    if claim.kind == Claim.Kind.PROPOSAL and claim.organization_id is None:
        namesakes = list(
            Organization.objects.filter(
                name_normalized=normalize_name(claim.organization_name), sido=claim.sido
            ).order_by("name")[:10]
        )
    other_claims = list(
        Claim.objects.filter(user_id=claim.user_id)
        .exclude(pk=claim.pk)
        .select_related("organization")[:10]
    )
    source = None
    if claim.kind == Claim.Kind.CLAIM and claim.organization is not None:
        source = brn_provenance(claim.organization, at=claim.created_at)
    changes = source.member_changes if source is not None else ()
    return ReviewFacts(
        owners,
        same_number,
        namesakes,
        other_claims,
        brn_source=source,
        member_brn_changes=changes,
        claimant_changed_brn=any(
            change.by is not None and change.by.pk == claim.user_id for change in changes
        ),
    )
