"""Membership rules (hanjari.membership.rules): e-mail binding, invitation states, the
last-owner rule, removal, leaving, council join requests and decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from hanjari.accounts.models import Membership
from hanjari.membership import rules, services
from hanjari.membership.models import CouncilJoinRequest, Invitation
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    CouncilRoleFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.membership.support import join, owned_org, person

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def code(refusal):
    return refusal.code if refusal is not None else None


# --- e-mail binding ------------------------------------------------------------------------


def test_email_match_ignores_case_and_spaces(invitee):
    assert rules.email_matches(invitee, "invitee@example.kr")
    assert rules.email_matches(invitee, " INVITEE@EXAMPLE.KR ")
    assert not rules.email_matches(invitee, "invitee@example.com")
    assert not rules.email_matches(invitee, "")


def test_anonymous_and_addressless_accounts_own_no_address():
    from django.contrib.auth.models import AnonymousUser

    assert rules.verified_emails(AnonymousUser()) == []
    assert rules.verified_emails(UserFactory(username="noaddress", email="")) == []
    assert not rules.email_matches(UserFactory(username="noaddress2", email=""), "")


def test_an_address_counts_only_once_the_site_knows_it_is_theirs():
    """Without allauth the account's own e-mail (set by staff) counts; with allauth
    only an address it verified."""
    user = person("unverified", "late@example.kr", verified=False)
    if apps.is_installed("allauth.account"):
        assert not rules.email_matches(user, "late@example.kr")
        user.emailaddress_set.update(verified=True)
    assert rules.email_matches(user, "late@example.kr")


def test_mask_email():
    assert rules.mask_email("invitee@example.kr") == "i***@example.kr"
    assert rules.mask_email("broken") == "***"


# --- invitations --------------------------------------------------------------------------


def test_only_owners_and_staff_invite(owner, staff):
    org = owned_org(owner)
    editor = person("editor", "editor@example.kr")
    join(editor, org)
    assert rules.invite_refusal(actor=owner, organization=org, email="x@example.kr") is None
    assert rules.invite_refusal(actor=staff, organization=org, email="x@example.kr") is None
    refused = rules.invite_refusal(actor=editor, organization=org, email="x@example.kr")
    assert code(refused) == "forbidden"
    assert code(rules.invite_refusal(actor=None, organization=org, email="x@example.kr")) == (
        "forbidden"
    )


def test_members_and_pending_addresses_are_not_invited_again(owner):
    org = owned_org(owner)
    join(person("member", "Member@Example.kr"), org)
    refused = rules.invite_refusal(actor=owner, organization=org, email="member@example.kr")
    assert code(refused) == "already_member"
    services.invitation_create(organization=org, email="new@example.kr", role="editor", by=owner)
    refused = rules.invite_refusal(actor=owner, organization=org, email="NEW@example.kr")
    assert code(refused) == "pending"
    assert "다시 보내" in refused.message


def invitation(org, owner, email="invitee@example.kr", **kw):
    return services.invitation_create(
        organization=org, email=email, role="editor", by=owner, **kw
    ).invitation


def test_accept_states(owner, invitee):
    org = owned_org(owner)
    inv = invitation(org, owner)
    assert rules.invitation_accept_refusal(inv, user=invitee, now=NOW) is None
    later = inv.expires_at
    assert code(rules.invitation_accept_refusal(inv, user=invitee, now=later)) == "expired"
    just_before = later - dt.timedelta(seconds=1)
    assert rules.invitation_accept_refusal(inv, user=invitee, now=just_before) is None
    inv.status = Invitation.Status.REVOKED
    assert code(rules.invitation_accept_refusal(inv, user=invitee, now=NOW)) == "revoked"
    inv.status = Invitation.Status.ACCEPTED
    assert code(rules.invitation_accept_refusal(inv, user=invitee, now=NOW)) == "used"


def test_accept_needs_the_invited_address(owner, invitee):
    org = owned_org(owner)
    inv = invitation(org, owner)
    other = person("other", "other@example.kr")
    refused = rules.invitation_accept_refusal(inv, user=other, now=NOW)
    assert code(refused) == "wrong_email"
    assert "i***@example.kr" in refused.message
    assert "invitee@example.kr" not in refused.message


def test_a_member_does_not_accept_again(owner, invitee):
    org = owned_org(owner)
    inv = invitation(org, owner)
    join(invitee, org)
    assert code(rules.invitation_accept_refusal(inv, user=invitee, now=NOW)) == "already_member"


def test_changing_an_invitation(owner, staff):
    org = owned_org(owner)
    inv = invitation(org, owner)
    editor = person("editor", "editor@example.kr")
    join(editor, org)
    assert rules.invitation_change_refusal(inv, actor=owner) is None
    assert rules.invitation_change_refusal(inv, actor=staff) is None
    assert code(rules.invitation_change_refusal(inv, actor=editor)) == "forbidden"
    assert code(rules.invitation_change_refusal(inv, actor=person("outsider"))) == "forbidden"
    inv.status = Invitation.Status.ACCEPTED
    assert code(rules.invitation_change_refusal(inv, actor=owner)) == "used"


# --- the last-owner rule ---------------------------------------------------------------------


def test_the_last_owner_names_a_successor(owner):
    org = owned_org(owner)
    mine = owner.memberships.get()
    assert code(rules.successor_refusal(mine, None)) == "no_successor"
    editor = join(person("editor"), org)
    assert code(rules.successor_refusal(mine, None)) == "last_owner"
    assert rules.successor_refusal(mine, editor) is None
    assert code(rules.successor_refusal(mine, mine)) == "successor"
    stranger = join(person("stranger"), OrganizationFactory())
    assert code(rules.successor_refusal(mine, stranger)) == "successor"


def test_with_two_owners_either_may_go(owner):
    org = owned_org(owner)
    second = join(person("second"), org, Membership.Role.OWNER)
    assert rules.successor_refusal(owner.memberships.get(), None) is None
    assert rules.successor_refusal(second, None) is None


def test_an_organisation_without_owners_has_no_last_owner_rule(staff):
    org = OrganizationFactory()
    editor = join(person("editor"), org)
    assert rules.successor_refusal(editor, None) is None
    assert rules.leave_refusal(actor=editor.user, membership=editor) is None


def test_role_change(owner, staff):
    org = owned_org(owner)
    mine = owner.memberships.get()
    editor = join(person("editor"), org)
    assert code(rules.role_change_refusal(actor=owner, membership=mine, role="editor")) == (
        "last_owner"
    )
    assert (
        rules.role_change_refusal(actor=owner, membership=mine, role="editor", successor=editor)
        is None
    )
    assert rules.role_change_refusal(actor=owner, membership=editor, role="owner") is None
    assert code(rules.role_change_refusal(actor=editor.user, membership=mine, role="editor")) == (
        "forbidden"
    )
    # staff too keep an owner in place
    assert code(rules.role_change_refusal(actor=staff, membership=mine, role="editor")) == (
        "last_owner"
    )


def test_removal(owner, staff):
    org = owned_org(owner)
    mine = owner.memberships.get()
    editor = join(person("editor"), org)
    assert rules.member_remove_refusal(actor=owner, membership=editor) is None
    assert code(rules.member_remove_refusal(actor=owner, membership=mine)) == "self"
    assert code(rules.member_remove_refusal(actor=editor.user, membership=mine)) == "forbidden"
    assert code(rules.member_remove_refusal(actor=staff, membership=mine)) == "last_owner"
    second = join(person("second"), org, Membership.Role.OWNER)
    assert rules.member_remove_refusal(actor=staff, membership=mine) is None
    assert rules.member_remove_refusal(actor=owner, membership=second) is None


def test_leaving_is_for_ones_own_membership(owner, staff):
    org = owned_org(owner)
    editor = join(person("editor"), org)
    assert rules.leave_refusal(actor=editor.user, membership=editor) is None
    assert code(rules.leave_refusal(actor=owner, membership=editor)) == "forbidden"
    assert code(rules.leave_refusal(actor=staff, membership=editor)) == "forbidden"


# --- council join requests ------------------------------------------------------------------


def test_join_request_rule(owner):
    org = owned_org(owner)
    council = CouncilFactory()
    editor = join(person("editor"), org)
    assert rules.join_request_refusal(actor=owner, organization=org, council=council) is None
    refused = rules.join_request_refusal(actor=editor.user, organization=org, council=council)
    assert code(refused) == "forbidden"
    services.join_request_create(organization=org, council=council, by=owner)
    assert code(rules.join_request_refusal(actor=owner, organization=org, council=council)) == (
        "pending"
    )
    member_council = CouncilMembershipFactory(organization=org).council
    refused = rules.join_request_refusal(actor=owner, organization=org, council=member_council)
    assert code(refused) == "council_member"


def test_only_that_councils_admin_decides(owner, staff):
    org = owned_org(owner)
    council, other = CouncilFactory(), CouncilFactory()
    admin = CouncilRoleFactory(council=council).user
    other_admin = CouncilRoleFactory(council=other).user
    req = services.join_request_create(organization=org, council=council, by=owner)
    assert rules.join_decision_refusal(actor=admin, join_request=req) is None
    assert rules.join_decision_refusal(actor=staff, join_request=req) is None
    assert code(rules.join_decision_refusal(actor=other_admin, join_request=req)) == "forbidden"
    assert code(rules.join_decision_refusal(actor=owner, join_request=req)) == "forbidden"
    req.status = CouncilJoinRequest.Status.REJECTED
    assert code(rules.join_decision_refusal(actor=admin, join_request=req)) == "decided"
