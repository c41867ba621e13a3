"""Rules of claims and proposals (one rule, one place).

Each rule returns ``None`` when the action may happen now, or a
`hanjari.core.rules.Refusal` saying why not. The profile page and the claim form read
`claim_refusal` to offer or not the "우리 조직입니다" button, the proposal form reads
`proposal_refusal`, the staff and claimant pages read `CLAIM_STEPS` (through
`allowed_steps` / `step_refusal`) for their buttons, the council page reads
`endorsement_refusal`; the services raise `ClaimError` with the same refusal.

Refusal codes:

- `claim_refusal`: ``login`` (not signed in), ``owner`` (already an owner of the
  organisation), ``open`` (an open claim of the same person for the same organisation).
- `proposal_refusal`: ``login``, ``too_many`` (`MAX_OPEN_PROPOSALS` open proposals).
- `step_refusal`: ``state`` (the claim's state does not allow the step), ``permission``
  (this person may not take it: only staff decide, never on their own claim; only the
  claimant answers or withdraws).
- `endorsement_refusal`: ``permission`` (not an admin of the council asked), ``state``
  (the claim is closed, or the council already answered).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.accounts.models import CouncilRole, Membership
from hanjari.core.rules import Refusal, Step, allowed_steps

from .models import Claim

__all__ = [
    "CLAIM_STEPS",
    "MAX_OPEN_PROPOSALS",
    "claim_refusal",
    "endorsement_refusal",
    "proposal_refusal",
    "step_refusal",
    "steps_for",
]

S = Claim.Status
# Open proposals one person may have at a time (each is a whole organisation to check).
MAX_OPEN_PROPOSALS = 3


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _reviewer(actor: Actor, claim: Claim) -> bool:
    """Centre staff, but never on their own claim."""
    return bool(actor is not None and actor.is_centre_staff and actor.pk != claim.user_id)


def _claimant(actor: Actor, claim: Claim) -> bool:
    return bool(actor is not None and actor.pk == claim.user_id)


# The workflow (신청 처리 단계): from-states, to-state, who may.
CLAIM_STEPS: dict[str, Step[str, Actor, Claim]] = {
    "request_info": Step(
        source=frozenset({S.SUBMITTED, S.RESUBMITTED}), target=S.MORE_INFO_REQUESTED, may=_reviewer
    ),
    "reply": Step(source=frozenset({S.MORE_INFO_REQUESTED}), target=S.RESUBMITTED, may=_claimant),
    "approve": Step(source=frozenset(Claim.OPEN), target=S.APPROVED, may=_reviewer),
    "reject": Step(source=frozenset(Claim.OPEN), target=S.REJECTED, may=_reviewer),
    "withdraw": Step(source=frozenset(Claim.OPEN), target=S.WITHDRAWN, may=_claimant),
}


def steps_for(actor: Actor, claim: Claim) -> list[str]:
    """The names of the `CLAIM_STEPS` `actor` may take on `claim` now, in table order."""
    return allowed_steps(CLAIM_STEPS, claim.status, actor, claim)


def step_refusal(step: str, actor: Actor, claim: Claim) -> Refusal | None:
    """Whether `actor` may take the step named `step` on `claim` now: None, or a
    `Refusal` with code ``state`` or ``permission``. Raises `KeyError` for a step name
    that is not in `CLAIM_STEPS` (a programming error)."""
    rule = CLAIM_STEPS[step]
    if not rule.may(actor, claim):
        if actor is not None and actor.is_centre_staff and actor.pk == claim.user_id:
            return Refusal("permission", _("자기 신청은 다른 센터 관리자가 검토해야 합니다."))
        return Refusal("permission", _("이 신청에 이 작업을 할 권한이 없습니다."))
    if claim.status not in rule.source:
        return Refusal(
            "state",
            _("%(status)s 상태인 신청에는 할 수 없는 작업입니다.")
            % {"status": claim.get_status_display()},
        )
    return None


def claim_refusal(user: Any, organization: Any) -> Refusal | None:
    """Whether `user` may claim `organization` now ("우리 조직입니다"): None, or a
    `Refusal` with code ``login``, ``owner`` or ``open`` (see the module docstring).

    An organisation that already has an owner may still be claimed: staff review the
    claim and its owners are told (the service sends the e-mail)."""
    if not _signed_in(user):
        return Refusal("login", _("로그인한 뒤 신청할 수 있습니다."))
    if Membership.objects.filter(
        user=user, organization=organization, role=Membership.Role.OWNER
    ).exists():
        return Refusal("owner", _("이미 이 조직의 대표 관리자입니다."))
    if (
        Claim.objects.open()
        .filter(user=user, organization=organization, kind=Claim.Kind.CLAIM)
        .exists()
    ):
        return Refusal("open", _("이 조직에 대한 신청을 이미 검토하고 있습니다."))
    return None


def proposal_refusal(user: Any) -> Refusal | None:
    """Whether `user` may propose a new organisation now: None, or a `Refusal` with code
    ``login`` or ``too_many`` (at most `MAX_OPEN_PROPOSALS` open proposals)."""
    if not _signed_in(user):
        return Refusal("login", _("로그인한 뒤 신청할 수 있습니다."))
    open_count = Claim.objects.open().filter(user=user, kind=Claim.Kind.PROPOSAL).count()
    if open_count >= MAX_OPEN_PROPOSALS:
        return Refusal(
            "too_many",
            _(
                "검토를 기다리는 새 조직 등록 신청이 %(n)d건 있습니다. "
                "결과가 나온 뒤 다시 신청해 주세요."
            )
            % {"n": open_count},
        )
    return None


def endorsement_refusal(actor: Any, claim: Claim) -> Refusal | None:
    """Whether `actor` may answer the council endorsement asked for in `claim`: None,
    or a `Refusal` with code ``permission`` (not an admin, 협의회 관리자, of the council
    asked — centre staff do not answer for a council —, or the claimant themselves) or
    ``state`` (the claim is closed
    or the council already answered)."""
    if (
        not _signed_in(actor)
        or claim.council_id is None
        or not CouncilRole.objects.filter(user=actor, council_id=claim.council_id).exists()
    ):
        return Refusal("permission", _("이 신청을 확인할 권한이 없습니다."))
    if actor.pk == claim.user_id:
        return Refusal("permission", _("자기 신청은 협의회의 다른 관리자가 확인해야 합니다."))
    if not claim.is_open:
        return Refusal("state", _("이미 처리가 끝난 신청입니다."))
    if claim.endorsement != Claim.Endorsement.REQUESTED:
        return Refusal("state", _("협의회가 이미 답한 신청입니다."))
    return None
