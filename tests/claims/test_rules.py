"""The claim rules (hanjari/claims/rules.py): who may claim or propose now, the steps
table, and the council's endorsement."""

from __future__ import annotations

import pytest

from hanjari.accounts.models import Membership
from hanjari.claims import rules
from hanjari.claims.models import Claim
from tests.claims.support import make_claim, make_proposal
from tests.factories import (
    CouncilMembershipFactory,
    CouncilRoleFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_asked_to_sign_in(org_a):
    from django.contrib.auth.models import AnonymousUser

    refusal = rules.claim_refusal(AnonymousUser(), org_a)
    assert (refusal.code, refusal.message) == ("login", "로그인한 뒤 신청할 수 있습니다.")
    assert rules.proposal_refusal(AnonymousUser()).code == "login"


def test_an_owner_cannot_claim_again_but_an_editor_can(org_a):
    owner = MembershipFactory(organization=org_a, role=Membership.Role.OWNER).user
    editor = MembershipFactory(organization=org_a, role=Membership.Role.EDITOR).user
    refusal = rules.claim_refusal(owner, org_a)
    assert (refusal.code, refusal.message) == ("owner", "이미 이 조직의 대표 관리자입니다.")
    assert rules.claim_refusal(editor, org_a) is None


def test_one_open_claim_per_person_and_organisation(org_a, plain_user):
    claim = make_claim(user=plain_user, organization=org_a)
    refusal = rules.claim_refusal(plain_user, org_a)
    assert (refusal.code, refusal.message) == (
        "open",
        "이 조직에 대한 신청을 이미 검토하고 있습니다.",
    )
    # Another organisation, or another person: allowed.
    assert rules.claim_refusal(plain_user, OrganizationFactory()) is None
    assert rules.claim_refusal(UserFactory(), org_a) is None
    # Once closed (withdrawn), the person may claim again.
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.WITHDRAWN)
    assert rules.claim_refusal(plain_user, org_a) is None


def test_an_organisation_with_an_owner_may_still_be_claimed(org_a, plain_user):
    MembershipFactory(organization=org_a, role=Membership.Role.OWNER)
    assert rules.claim_refusal(plain_user, org_a) is None


def test_at_most_three_open_proposals(plain_user):
    for n in range(rules.MAX_OPEN_PROPOSALS):
        make_proposal(user=plain_user, name=f"새싹협동조합{n}")
    refusal = rules.proposal_refusal(plain_user)
    assert refusal.code == "too_many"
    assert refusal.message == (
        "검토를 기다리는 새 조직 등록 신청이 3건 있습니다. 결과가 나온 뒤 다시 신청해 주세요."
    )


# The steps table: each state × actor.
S = Claim.Status


@pytest.mark.parametrize(
    ("status", "claimant_steps", "staff_steps"),
    [
        (S.SUBMITTED, ["withdraw"], ["request_info", "approve", "reject"]),
        (S.MORE_INFO_REQUESTED, ["reply", "withdraw"], ["approve", "reject"]),
        (S.RESUBMITTED, ["withdraw"], ["request_info", "approve", "reject"]),
        (S.APPROVED, [], []),
        (S.REJECTED, [], []),
        (S.WITHDRAWN, [], []),
    ],
)
def test_steps_by_state(org_a, plain_user, staff, status, claimant_steps, staff_steps):
    claim = make_claim(user=plain_user, organization=org_a)
    claim.status = status
    assert rules.steps_for(plain_user, claim) == claimant_steps
    assert rules.steps_for(staff, claim) == staff_steps
    assert rules.steps_for(UserFactory(), claim) == []
    assert rules.steps_for(None, claim) == []


def test_staff_never_decide_their_own_claim(org_a, staff):
    claim = make_claim(user=staff, organization=org_a)
    assert rules.steps_for(staff, claim) == ["withdraw"]
    refusal = rules.step_refusal("approve", staff, claim)
    assert (refusal.code, refusal.message) == (
        "permission",
        "자기 신청은 다른 센터 관리자가 검토해야 합니다.",
    )
    other_staff = UserFactory(is_staff=True)
    assert rules.step_refusal("approve", other_staff, claim) is None


def test_step_refusal_names_the_state(org_a, plain_user, staff):
    claim = make_claim(user=plain_user, organization=org_a)
    claim.status = S.APPROVED
    refusal = rules.step_refusal("reject", staff, claim)
    assert (refusal.code, refusal.message) == (
        "state",
        "승인 상태인 신청에는 할 수 없는 작업입니다.",
    )


def test_only_the_council_asked_may_endorse(org_a, plain_user, staff):
    council = CouncilMembershipFactory(organization=org_a).council
    admin = CouncilRoleFactory(council=council).user
    other_admin = CouncilRoleFactory().user
    claim = make_claim(user=plain_user, organization=org_a, council=council)
    assert rules.endorsement_refusal(admin, claim) is None
    for someone in (other_admin, staff, plain_user):
        assert rules.endorsement_refusal(someone, claim).code == "permission"
    claim.endorsement = Claim.Endorsement.ENDORSED
    assert rules.endorsement_refusal(admin, claim).message == "협의회가 이미 답한 신청입니다."
    claim.endorsement = Claim.Endorsement.REQUESTED
    claim.status = S.REJECTED
    assert rules.endorsement_refusal(admin, claim).message == "이미 처리가 끝난 신청입니다."


def test_a_council_admin_does_not_endorse_their_own_claim(org_a):
    council = CouncilMembershipFactory(organization=org_a).council
    admin = CouncilRoleFactory(council=council).user
    claim = make_claim(user=admin, organization=org_a, council=council)
    refusal = rules.endorsement_refusal(admin, claim)
    assert (refusal.code, refusal.message) == (
        "permission",
        "자기 신청은 협의회의 다른 관리자가 확인해야 합니다.",
    )
    from hanjari.claims.selectors import endorsement_requests_for

    assert list(endorsement_requests_for(admin)) == []
    other_admin = CouncilRoleFactory(council=council).user
    assert list(endorsement_requests_for(other_admin)) == [claim]


def test_no_council_asked_means_nobody_endorses(org_a, plain_user):
    council = CouncilMembershipFactory(organization=org_a).council
    admin = CouncilRoleFactory(council=council).user
    claim = make_claim(user=plain_user, organization=org_a)
    assert rules.endorsement_refusal(admin, claim).code == "permission"
