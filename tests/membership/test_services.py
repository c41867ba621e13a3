"""Membership services: invitations (token security, e-mail, expiry, single use,
rate limits), roles, removal, leaving with a successor, staff owner changes and
council join requests; every write audited."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hanjari.accounts.models import Membership
from hanjari.core.models import AuditEntry
from hanjari.membership import selectors, services
from hanjari.membership.models import CouncilJoinRequest, Invitation
from hanjari.membership.services import MembershipError
from hanjari.registry.models import CouncilMembership
from tests.factories import CouncilFactory, CouncilRoleFactory, OrganizationFactory
from tests.membership.support import join, link_token, owned_org, person

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


@pytest.fixture
def org(owner):
    return owned_org(owner, name="가나다협동조합")


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the block and the e-mails it queues for after the commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# --- invitations ----------------------------------------------------------------------------


def test_invitation_stores_only_the_tokens_digest_and_mails_the_link(org, owner, sent, settings):
    settings.HANJARI_SITE_URL = "https://hanjari.example.kr"
    with sent():
        issued = services.invitation_create(
            organization=org, email=" Invitee@Example.kr ", role="editor", by=owner
        )
    inv = Invitation.objects.get()
    assert inv.email == "invitee@example.kr"
    assert inv.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in str(Invitation.objects.values().get())
    assert len(issued.token) >= 40
    assert inv.expires_at - inv.sent_at == dt.timedelta(days=14)

    (message,) = mail.outbox
    assert message.to == ["invitee@example.kr"]
    assert message.subject == "[한자리] 가나다협동조합에서 회원으로 초대합니다"
    assert f"https://hanjari.example.kr/invite/{issued.token}/" in message.body
    assert link_token(message.body) == issued.token
    assert "가나다협동조합에서 편집자(으)로 함께하자고 초대했습니다." in message.body
    assert "초대한 사람: owner" in message.body
    assert "이 링크는 14일 동안" in message.body
    assert f"https://hanjari.example.kr/organizations/{org.pk}/" in message.body
    assert actions() == ["membership.invitation.created"]
    entry = AuditEntry.objects.get()
    assert entry.user == owner
    assert entry.data == {"invitation": inv.pk, "email": "invitee@example.kr", "role": "editor"}


def test_invitation_lookup_by_token(org, owner):
    issued = services.invitation_create(
        organization=org, email="a@example.kr", role="owner", by=owner
    )
    assert selectors.invitation_by_token(issued.token) == issued.invitation
    assert selectors.invitation_by_token(issued.token[:-1]) is None
    assert selectors.invitation_by_token(issued.invitation.token_hash) is None  # the digest
    assert selectors.invitation_by_token("") is None
    assert selectors.invitation_by_token("x" * 5000) is None


def test_bad_address_or_role_is_a_validation_error(org, owner):
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(
            organization=org, email="not-an-address", role="editor", by=owner
        )
    assert "email" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(organization=org, email="a@example.kr", role="admin", by=owner)
    assert "role" in caught.value.message_dict
    assert not Invitation.objects.exists()


def test_an_editor_cannot_invite(org):
    editor = join(person("editor", "editor@example.kr"), org).user
    with pytest.raises(MembershipError) as caught:
        services.invitation_create(organization=org, email="a@example.kr", role="owner", by=editor)
    assert caught.value.code == "forbidden"
    assert not Invitation.objects.exists()


def test_accept_makes_a_member_once(org, owner, invitee):
    issued = services.invitation_create(
        organization=org, email="invitee@example.kr", role="owner", by=owner
    )
    membership = services.invitation_accept(invitation=issued.invitation, by=invitee)
    assert (membership.user, membership.organization, membership.role) == (invitee, org, "owner")
    inv = Invitation.objects.get()
    assert (inv.status, inv.accepted_by) == (Invitation.Status.ACCEPTED, invitee)
    assert inv.decided_at is not None
    with pytest.raises(MembershipError) as caught:
        services.invitation_accept(invitation=inv, by=invitee)
    assert caught.value.code == "used"
    assert Membership.objects.filter(organization=org).count() == 2
    assert actions() == ["membership.invitation.created", "membership.invitation.accepted"]


def test_accept_refuses_another_address_and_an_expired_link(org, owner, invitee):
    issued = services.invitation_create(
        organization=org, email="invitee@example.kr", role="editor", by=owner
    )
    other = person("other", "other@example.kr")
    with pytest.raises(MembershipError) as caught:
        services.invitation_accept(invitation=issued.invitation, by=other)
    assert caught.value.code == "wrong_email"
    later = timezone.now() + dt.timedelta(days=14, seconds=1)
    with pytest.raises(MembershipError) as caught:
        services.invitation_accept(invitation=issued.invitation, by=invitee, now=later)
    assert caught.value.code == "expired"
    assert not Membership.objects.filter(user__in=[invitee, other]).exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_resend_makes_a_new_link_and_the_old_one_stops_working(org, owner, invitee, sent):
    start = timezone.now() - dt.timedelta(days=20)
    with sent():
        first = services.invitation_create(
            organization=org, email="invitee@example.kr", role="editor", by=owner, now=start
        )
    assert first.invitation.is_expired()
    with sent():
        second = services.invitation_resend(invitation=first.invitation, by=owner)
    assert second.token != first.token
    assert selectors.invitation_by_token(first.token) is None
    assert selectors.invitation_by_token(second.token) == first.invitation
    inv = Invitation.objects.get()
    assert inv.send_count == 2
    assert not inv.is_expired()
    assert [link_token(m.body) for m in mail.outbox] == [first.token, second.token]
    assert actions()[-1] == "membership.invitation.resent"


def test_revoke(org, owner, invitee):
    issued = services.invitation_create(
        organization=org, email="invitee@example.kr", role="editor", by=owner
    )
    services.invitation_revoke(invitation=issued.invitation, by=owner)
    with pytest.raises(MembershipError) as caught:
        services.invitation_accept(invitation=issued.invitation, by=invitee)
    assert caught.value.code == "revoked"
    with pytest.raises(MembershipError) as caught:
        services.invitation_resend(invitation=issued.invitation, by=owner)
    assert caught.value.code == "revoked"
    # a revoked address may be invited again
    services.invitation_create(organization=org, email="invitee@example.kr", role="owner", by=owner)
    assert Invitation.objects.pending().count() == 1


def test_invitations_are_rate_limited_per_sender_in_the_shared_cache(org, owner, settings):
    settings.HANJARI_INVITE_RATE_LIMIT = 3
    for n in range(3):
        services.invitation_create(
            organization=org, email=f"p{n}@example.kr", role="editor", by=owner
        )
    with pytest.raises(MembershipError) as caught:
        services.invitation_create(organization=org, email="p3@example.kr", role="editor", by=owner)
    assert caught.value.code == "rate"
    assert "잠시 뒤에" in caught.value.refusal.message
    assert Invitation.objects.count() == 3
    # counted in the default cache (shared by all server processes in production)
    assert caches["default"].get(f"hanjari:rate:membership:invite:by:{owner.pk}") == 4
    # resending counts too
    with pytest.raises(MembershipError) as caught:
        services.invitation_resend(invitation=Invitation.objects.first(), by=owner)
    assert caught.value.code == "rate"
    caches["default"].clear()
    services.invitation_create(organization=org, email="p3@example.kr", role="editor", by=owner)


def test_one_address_is_not_flooded_from_several_organisations(settings):
    settings.HANJARI_INVITE_ADDRESS_LIMIT = 2
    owners = [person(f"owner{n}", f"owner{n}@example.kr") for n in range(3)]
    orgs = [owned_org(o, name=f"조직{n}") for n, o in enumerate(owners)]
    for o, org in zip(owners[:2], orgs[:2], strict=True):
        services.invitation_create(organization=org, email="victim@example.kr", role="editor", by=o)
    with pytest.raises(MembershipError) as caught:
        services.invitation_create(
            organization=orgs[2], email="Victim@example.kr", role="editor", by=owners[2]
        )
    assert caught.value.code == "rate"


# --- roles, removal, leaving --------------------------------------------------------------


def test_change_role_and_the_last_owner(org, owner):
    editor = join(person("editor"), org)
    mine = owner.memberships.get()
    with pytest.raises(MembershipError) as caught:
        services.membership_change_role(membership=mine, role="editor", by=owner)
    assert caught.value.code == "last_owner"
    services.membership_change_role(membership=mine, role="editor", by=owner, successor=editor)
    roles = dict(Membership.objects.filter(organization=org).values_list("user__username", "role"))
    assert roles == {"owner": "editor", "editor": "owner"}
    assert actions() == ["accounts.membership.role_changed"] * 2
    assert AuditEntry.objects.order_by("id").last().data == {
        "membership": mine.pk,
        "user": owner.pk,
        "from": "owner",
        "role": "editor",
    }


def test_remove_another_member(org, owner):
    editor = join(person("editor"), org)
    services.membership_remove(membership=editor, by=owner)
    assert not Membership.objects.filter(pk=editor.pk).exists()
    assert actions() == ["accounts.membership.removed"]
    with pytest.raises(MembershipError) as caught:
        services.membership_remove(membership=owner.memberships.get(), by=owner)
    assert caught.value.code == "self"


def test_removing_a_member_removed_meanwhile_is_refused_not_an_error(org, owner):
    # Two owners removing the same editor: the second finds the row gone (``gone``, a
    # 400 page), instead of Membership.DoesNotExist (a 500).
    editor = join(person("editor"), org)
    services.membership_remove(membership=editor, by=owner)
    with pytest.raises(MembershipError) as caught:
        services.membership_remove(membership=editor, by=owner)
    assert caught.value.code == "gone"
    assert actions() == ["accounts.membership.removed"]


def test_leave_with_a_successor(org, owner):
    editor = join(person("editor"), org)
    with pytest.raises(MembershipError) as caught:
        services.membership_leave(membership=owner.memberships.get(), by=owner)
    assert caught.value.code == "last_owner"
    services.membership_leave(membership=owner.memberships.get(), by=owner, successor=editor)
    assert list(Membership.objects.filter(organization=org).values_list("user", "role")) == [
        (editor.user_id, "owner")
    ]
    assert AuditEntry.objects.get(action="accounts.membership.left").data["successor"] == (
        editor.user_id
    )


def test_editor_leaves_without_a_successor(org):
    editor = join(person("editor"), org)
    services.membership_leave(membership=editor, by=editor.user)
    assert not Membership.objects.filter(pk=editor.pk).exists()


def test_the_only_member_cannot_leave_an_organisation_without_owner(org, owner):
    with pytest.raises(MembershipError) as caught:
        services.membership_leave(membership=owner.memberships.get(), by=owner)
    assert caught.value.code == "no_successor"


# --- staff change owners --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "expected"),
    [
        ("editor", {"owner": "editor", "newowner": "owner"}),
        ("remove", {"newowner": "owner"}),
        ("keep", {"owner": "owner", "newowner": "owner"}),
    ],
)
def test_staff_change_owners(org, owner, staff, previous, expected):
    new = person("newowner", "new@example.kr")
    services.organization_owner_change(organization=org, new_owner=new, previous=previous, by=staff)
    roles = dict(Membership.objects.filter(organization=org).values_list("user__username", "role"))
    assert roles == expected
    entry = AuditEntry.objects.get(action="membership.owners.changed")
    assert entry.data == {
        "new_owner": new.pk,
        "added": True,
        "previous_owners": [owner.pk],
        "previous": previous,
    }


def test_staff_promote_an_editor(org, owner, staff):
    editor = join(person("editor"), org)
    services.organization_owner_change(
        organization=org, new_owner=editor.user, previous="editor", by=staff
    )
    assert Membership.objects.get(pk=editor.pk).role == "owner"
    assert Membership.objects.get(user=owner).role == "editor"


def test_only_staff_change_owners(org, owner):
    with pytest.raises(PermissionDenied):
        services.organization_owner_change(
            organization=org, new_owner=person("x"), previous="remove", by=owner
        )
    assert Membership.objects.get(user=owner).role == "owner"


# --- council join requests -----------------------------------------------------------------


def test_join_request_mails_the_councils_admins(org, owner, sent):
    council = CouncilFactory(name="전주시 마을기업협의회")
    CouncilRoleFactory(council=council, user=person("cadmin", "cadmin@example.kr"))
    CouncilRoleFactory(council=council, user=person("noaddress"))
    CouncilRoleFactory(council=CouncilFactory(), user=person("elsewhere", "else@example.kr"))
    with sent():
        req = services.join_request_create(
            organization=org,
            council=council,
            by=owner,
            message="함께\x00하고 싶습니다.\n부탁드립니다.",
        )
    assert req.message == "함께하고 싶습니다.\n부탁드립니다."
    (message,) = mail.outbox
    assert message.to == ["cadmin@example.kr"]
    assert message.subject == "[한자리] 전주시 마을기업협의회 가입 신청: 가나다협동조합"
    assert "가나다협동조합에서 전주시 마을기업협의회 가입을 신청했습니다." in message.body
    assert "함께하고 싶습니다.\n부탁드립니다." in message.body
    assert f"/councils/{council.pk}/" in message.body
    assert actions() == ["membership.join_request.created"]


def test_join_message_over_1000_characters_is_refused(org, owner):
    with pytest.raises(ValidationError):
        services.join_request_create(
            organization=org, council=CouncilFactory(), by=owner, message="가" * 1001
        )
    assert not CouncilJoinRequest.objects.exists()


def test_approval_adds_the_council_membership_and_tells_the_owner(org, owner, sent):
    council = CouncilFactory(name="전주시 사회적기업협의회")
    admin = CouncilRoleFactory(council=council).user
    req = services.join_request_create(organization=org, council=council, by=owner)
    with sent():
        services.join_request_approve(join_request=req, by=admin)
    assert CouncilMembership.objects.filter(council=council, organization=org).exists()
    req.refresh_from_db()
    assert (req.status, req.decided_by) == (CouncilJoinRequest.Status.APPROVED, admin)
    (message,) = mail.outbox
    assert message.to == ["owner@example.kr"]
    assert message.subject == "[한자리] 전주시 사회적기업협의회 가입 신청을 승인했습니다"
    assert "가나다협동조합의 가입을 승인했습니다" in message.body
    assert actions()[-2:] == ["registry.council.member_added", "membership.join_request.approved"]
    with pytest.raises(MembershipError) as caught:
        services.join_request_reject(join_request=req, by=admin)
    assert caught.value.code == "decided"


def test_another_councils_admin_cannot_decide(org, owner):
    council = CouncilFactory()
    other_admin = CouncilRoleFactory(council=CouncilFactory()).user
    req = services.join_request_create(organization=org, council=council, by=owner)
    with pytest.raises(MembershipError) as caught:
        services.join_request_approve(join_request=req, by=other_admin)
    assert caught.value.code == "forbidden"
    assert not CouncilMembership.objects.filter(council=council).exists()
    assert CouncilJoinRequest.objects.get().status == CouncilJoinRequest.Status.PENDING


def test_rejection_sends_the_reason(org, owner, staff, sent):
    council = CouncilFactory(name="전주시 협동조합협의회")
    req = services.join_request_create(organization=org, council=council, by=owner)
    with sent():
        services.join_request_reject(join_request=req, by=staff, reason="전주시 조직만 받습니다.")
    req.refresh_from_db()
    assert (req.status, req.reason) == (
        CouncilJoinRequest.Status.REJECTED,
        "전주시 조직만 받습니다.",
    )
    (message,) = mail.outbox
    assert message.subject == "[한자리] 전주시 협동조합협의회 가입 신청 결과"
    assert "거절 사유:\n전주시 조직만 받습니다." in message.body
    assert not CouncilMembership.objects.filter(council=council).exists()
    # after a rejection the owner may ask again
    services.join_request_create(organization=org, council=council, by=owner)


def test_join_requests_are_rate_limited(org, owner, settings):
    settings.HANJARI_JOIN_REQUEST_RATE_LIMIT = 2
    councils = [CouncilFactory() for _ in range(3)]
    for council in councils[:2]:
        services.join_request_create(organization=org, council=council, by=owner)
    with pytest.raises(MembershipError) as caught:
        services.join_request_create(organization=org, council=councils[2], by=owner)
    assert caught.value.code == "rate"


def test_personal_data(org, owner, invitee):
    issued = services.invitation_create(
        organization=org, email="invitee@example.kr", role="editor", by=owner
    )
    services.invitation_accept(invitation=issued.invitation, by=invitee)
    council = CouncilFactory(name="전주시 마을기업협의회")
    services.join_request_create(organization=org, council=council, by=owner, message="안녕하세요")
    mine = selectors.membership_personal_data(owner)
    assert [(m["organization"], m["role"]) for m in mine["memberships"]] == [
        ("가나다협동조합", "owner")
    ]
    assert [(i["email"], i["status"]) for i in mine["invitations_sent"]] == [
        ("invitee@example.kr", "accepted")
    ]
    assert mine["invitations_received"] == []
    assert [(r["council"], r["message"], r["status"]) for r in mine["council_join_requests"]] == [
        ("전주시 마을기업협의회", "안녕하세요", "pending")
    ]
    theirs = selectors.membership_personal_data(invitee)
    assert [(i["organization_id"], i["status"]) for i in theirs["invitations_received"]] == [
        (org.pk, "accepted")
    ]
    assert issued.token not in str(theirs) and issued.invitation.token_hash not in str(theirs)
    OrganizationFactory()  # another organisation's data never shows
    assert len(theirs["memberships"]) == 1
