"""Membership pages through the test client: the members page, inviting, the
invitation link (wrong, expired, used, revoked, another account's), leaving with a
successor, roles, the staff owner page and the council join request pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hanjari.accounts.models import Membership
from hanjari.membership import services
from hanjari.membership.models import Invitation
from tests.membership.support import join, link_token, owned_org, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(owner):
    return owned_org(owner, name="가나다협동조합")


def members_url(org):
    return reverse("membership:members", args=[org.pk])


def text(response):
    return response.content.decode()


def invite(org, owner, email="invitee@example.kr", **kw):
    return services.invitation_create(organization=org, email=email, role="editor", by=owner, **kw)


# --- the members page -------------------------------------------------------------------------


def test_owner_sees_members_invitations_and_the_invite_form(client, org, owner):
    editor = join(person("editor", "editor@example.kr"), org)
    invite(org, owner)
    client.force_login(owner)
    html = text(client.get(members_url(org)))
    assert "가나다협동조합 회원 관리" in html
    rows = re.findall(
        r'<th scope="row">(\w+)(?: <span class="hj-muted">\(나\)</span>)?</th>\s*<td>(.+?)</td>',
        html,
    )
    assert rows[:2] == [("owner", "대표 관리자"), ("editor", "편집자")]
    assert 'id="id_email"' in html
    assert "invitee@example.kr" in html
    assert '다시 보내기<span class="sr-only"> (invitee@example.kr)</span>' in html
    assert f'action="{reverse("membership:member-remove", args=[org.pk, editor.pk])}"' in html
    # the last owner cannot be removed: no such button on their row
    assert (
        reverse("membership:member-remove", args=[org.pk, owner.memberships.get().pk]) not in html
    )


def test_editor_sees_the_list_only(client, org, owner):
    editor = join(person("editor", "editor@example.kr"), org).user
    invite(org, owner)
    client.force_login(editor)
    html = text(client.get(members_url(org)))
    assert "owner" in html and "대표 관리자" in html
    assert 'id="id_email"' not in html
    assert "invitee@example.kr" not in html
    assert "역할 바꾸기" not in html
    assert reverse("membership:leave", args=[org.pk]) in html


# --- inviting ----------------------------------------------------------------------------------


def test_invite_through_the_page(client, org, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("membership:invite", args=[org.pk]),
            {"email": "New@Example.kr", "role": "owner"},
        )
    assert response.status_code == 303
    assert response["Location"] == members_url(org)
    inv = Invitation.objects.get()
    assert (inv.email, inv.role, inv.invited_by) == ("new@example.kr", "owner", owner)
    assert mail.outbox[0].to == ["new@example.kr"]
    assert "대표 관리자(으)로 함께하자고" in mail.outbox[0].body
    page = text(client.get(members_url(org)))
    assert "new@example.kr 주소로 초대를 보냈습니다." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not an address", "role": "editor"}, "초대할 사람의 이메일"),
        ({"email": "a@example.kr", "role": "admin"}, "역할"),
        ({"email": "a@example.kr\nBcc: x@example.kr", "role": "editor"}, "초대할 사람의 이메일"),
        ({}, "초대할 사람의 이메일"),
    ],
)
def test_bad_invitation_input_is_a_400_with_a_message(client, org, owner, data, message):
    client.force_login(owner)
    response = client.post(reverse("membership:invite", args=[org.pk]), data)
    assert response.status_code == 400
    html = text(response)
    assert "입력한 내용을 확인해 주세요" in html
    assert f"{message}:" in html
    assert not Invitation.objects.exists()


def test_a_pending_address_is_refused_with_the_rules_message(client, org, owner):
    invite(org, owner)
    client.force_login(owner)
    response = client.post(
        reverse("membership:invite", args=[org.pk]),
        {"email": "INVITEE@example.kr", "role": "editor"},
    )
    assert response.status_code == 400
    assert "이 주소로 보낸 초대가 아직 남아 있습니다." in text(response)


def test_invitation_rate_limit_answers_429(client, org, owner, settings):
    settings.HANJARI_INVITE_RATE_LIMIT = 1
    client.force_login(owner)
    url = reverse("membership:invite", args=[org.pk])
    assert client.post(url, {"email": "a@example.kr", "role": "editor"}).status_code == 303
    response = client.post(url, {"email": "b@example.kr", "role": "editor"})
    assert response.status_code == 429
    assert "짧은 시간에 너무 많이 보냈습니다." in text(response)
    assert Invitation.objects.count() == 1
    # resending is limited by the same count
    resend = reverse("membership:invitation-resend", args=[Invitation.objects.get().pk])
    assert client.post(resend).status_code == 429


def test_revoke_and_resend_through_the_page(client, org, owner, django_capture_on_commit_callbacks):
    issued = invite(org, owner)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("membership:invitation-resend", args=[issued.invitation.pk]))
    assert response.status_code == 303
    new_token = link_token(mail.outbox[-1].body)
    assert new_token != issued.token
    response = client.post(reverse("membership:invitation-revoke", args=[issued.invitation.pk]))
    assert response.status_code == 303
    assert Invitation.objects.get().status == Invitation.Status.REVOKED
    again = client.post(reverse("membership:invitation-revoke", args=[issued.invitation.pk]))
    assert again.status_code == 410
    assert "이미 취소한 초대입니다." in text(again)


# --- the invitation link ------------------------------------------------------------------


def test_anonymous_visitor_sees_the_invitation_and_a_login_that_comes_back(
    client, org, owner, invitee
):
    issued = invite(org, owner)
    url = reverse("membership:invitation", args=[issued.token])
    response = client.get(url)
    assert response.status_code == 200
    html = text(response)
    assert "가나다협동조합 회원 초대" in html
    assert "i***@example.kr" in html and "invitee@example.kr" not in html
    login = f"{reverse('accounts:login')}?next={url}"
    assert f'href="{login}"' in html
    # signing in with the invited account returns to the link
    response = client.post(
        reverse("accounts:login"),
        {"login": "invitee", "password": "pw-Hanjari-123", "next": url},
    )
    assert response.status_code == 302
    assert response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert "초대 수락" in text(page)
    response = client.post(url)
    assert response.status_code == 303
    assert response["Location"] == members_url(org)
    assert Membership.objects.get(user=invitee, organization=org).role == "editor"
    assert "가나다협동조합의 편집자(으)로 함께하게 되었습니다." in text(
        client.get(members_url(org))
    )


def test_a_wrong_token_is_a_404_page_that_says_so(client, invitee):
    client.force_login(invitee)
    for method in (client.get, client.post):
        response = method(reverse("membership:invitation", args=["wrong-token"]))
        assert response.status_code == 404
        assert "초대 링크가 올바르지 않습니다." in text(response)


def test_an_expired_link_is_a_410_page(client, org, owner, invitee):
    issued = invite(org, owner, now=timezone.now() - dt.timedelta(days=15))
    client.force_login(invitee)
    url = reverse("membership:invitation", args=[issued.token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "기한이 지난 초대입니다." in text(response)
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_used_link_is_a_410_page(client, org, owner, invitee):
    issued = invite(org, owner)
    client.force_login(invitee)
    url = reverse("membership:invitation", args=[issued.token])
    assert client.post(url).status_code == 303
    response = client.post(url)
    assert response.status_code == 410
    assert "이미 수락한 초대입니다. 초대 링크는 한 번만 쓸 수 있습니다." in text(response)
    assert client.get(url).status_code == 410
    assert Membership.objects.filter(user=invitee).count() == 1


def test_a_revoked_link_is_a_410_page(client, org, owner, invitee):
    issued = invite(org, owner)
    services.invitation_revoke(invitation=issued.invitation, by=owner)
    client.force_login(invitee)
    response = client.get(reverse("membership:invitation", args=[issued.token]))
    assert response.status_code == 410
    assert "초대한 조직이 취소한 초대입니다." in text(response)


def test_another_accounts_invitation_is_a_403_page(client, org, owner, invitee):
    issued = invite(org, owner)
    other = person("other", "other@example.kr")
    client.force_login(other)
    url = reverse("membership:invitation", args=[issued.token])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 403
        html = text(response)
        assert "이 계정으로는 초대를 수락할 권한이 없습니다" in html
        assert "초대받은 주소(i***@example.kr)를 쓰는 계정으로 로그인해 주세요." in html
        assert "로그아웃하고 다른 계정으로 로그인" in html
    assert not Membership.objects.filter(user=other).exists()
    assert Invitation.objects.get().status == Invitation.Status.PENDING


def test_accept_from_the_dashboard(client, org, owner, invitee):
    issued = invite(org, owner)
    client.force_login(invitee)
    dashboard = text(client.get(reverse("my-organizations")))
    assert "나에게 온 초대" in dashboard
    assert "가나다협동조합 초대 수락" in dashboard
    response = client.post(reverse("membership:invitation-accept", args=[issued.invitation.pk]))
    assert response.status_code == 303
    assert Membership.objects.filter(user=invitee, organization=org).exists()
    assert "나에게 온 초대" not in text(client.get(reverse("my-organizations")))


# --- leaving, roles ------------------------------------------------------------------------


def test_the_last_owner_leaves_by_naming_a_successor(client, org, owner):
    editor = join(person("editor", "editor@example.kr"), org)
    client.force_login(owner)
    url = reverse("membership:leave", args=[org.pk])
    page = text(client.get(url))
    assert "마지막 대표 관리자이므로" in page
    assert f'<option value="{editor.pk}">editor</option>' in page
    response = client.post(url, {"successor": ""})
    assert response.status_code == 400
    assert "대표 관리자를 넘겨받을 회원을 골라 주세요." in text(response)
    assert Membership.objects.filter(user=owner).exists()
    response = client.post(url, {"successor": str(editor.pk)})
    assert response.status_code == 303
    assert response["Location"] == reverse("my-organizations")
    assert not Membership.objects.filter(user=owner).exists()
    assert Membership.objects.get(pk=editor.pk).role == "owner"


def test_a_successor_from_another_organisation_is_refused(client, org, owner):
    join(person("editor"), org)
    elsewhere = join(person("stranger"), owned_org(person("x"), name="다른조직"))
    client.force_login(owner)
    response = client.post(
        reverse("membership:leave", args=[org.pk]), {"successor": str(elsewhere.pk)}
    )
    assert response.status_code == 400  # not one of the choices
    assert Membership.objects.filter(user=owner, organization=org).exists()


def test_the_only_member_is_told_why_they_cannot_leave(client, org, owner):
    client.force_login(owner)
    page = client.get(reverse("membership:leave", args=[org.pk]))
    assert page.status_code == 200
    html = text(page)
    assert "마지막 대표 관리자입니다. 다른 사람을 회원으로 초대해" in html
    assert ">나가기</button>" not in html
    response = client.post(reverse("membership:leave", args=[org.pk]))
    assert response.status_code == 400
    assert Membership.objects.filter(user=owner).exists()


def test_the_last_owner_demotes_themselves_only_with_a_successor(client, org, owner):
    editor = join(person("editor", "editor@example.kr"), org)
    mine = owner.memberships.get()
    client.force_login(owner)
    page = text(client.get(members_url(org)))
    assert f'id="id_m{mine.pk}_successor"' in page  # the successor choice on the owner's row
    assert f'id="id_m{editor.pk}_successor"' not in page
    url = reverse("membership:member-role", args=[org.pk, mine.pk])
    response = client.post(url, {"role": "editor"})
    assert response.status_code == 400
    assert "대표 관리자를 넘겨받을 회원을 골라 주세요." in text(response)
    response = client.post(url, {"role": "editor", "successor": str(editor.pk)})
    assert response.status_code == 303
    roles = dict(Membership.objects.filter(organization=org).values_list("user__username", "role"))
    assert roles == {"owner": "editor", "editor": "owner"}


def test_owner_removes_an_editor(client, org, owner):
    editor = join(person("editor"), org)
    client.force_login(owner)
    response = client.post(reverse("membership:member-remove", args=[org.pk, editor.pk]))
    assert response.status_code == 303
    assert not Membership.objects.filter(pk=editor.pk).exists()
    self_remove = client.post(
        reverse("membership:member-remove", args=[org.pk, owner.memberships.get().pk])
    )
    assert self_remove.status_code == 400
    assert "이 조직에서 나가기" in text(self_remove)


def test_a_membership_of_another_organisation_is_a_404(client, org, owner):
    elsewhere = join(person("stranger"), owned_org(person("x"), name="다른조직"))
    client.force_login(owner)
    response = client.post(reverse("membership:member-remove", args=[org.pk, elsewhere.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


# --- staff owner page --------------------------------------------------------------------


def test_staff_change_the_owner_on_the_staff_page(client, org, owner, staff):
    new = person("newowner", "New@Example.kr")
    client.force_login(staff)
    url = reverse("membership:owners", args=[org.pk])
    page = text(client.get(url))
    assert "가나다협동조합 대표 관리자 변경" in page
    assert 'owner <span class="hj-muted">(owner)</span>' in page
    response = client.post(url, {"account": "nobody", "previous": "editor"})
    assert response.status_code == 400
    assert "그런 계정이 없습니다." in text(response)
    response = client.post(url, {"account": "new@example.kr", "previous": "editor"})
    assert response.status_code == 303
    roles = dict(Membership.objects.filter(organization=org).values_list("user__username", "role"))
    assert roles == {"owner": "editor", "newowner": "owner"}
    assert new.memberships.get().role == "owner"


def test_an_address_shared_by_two_accounts_asks_for_the_username(client, org, staff):
    person("twin1", "twin@example.kr")
    person("twin2", "TWIN@example.kr")
    client.force_login(staff)
    response = client.post(
        reverse("membership:owners", args=[org.pk]),
        {"account": "twin@example.kr", "previous": "keep"},
    )
    assert response.status_code == 400
    assert "같은 이메일을 쓰는 계정이 여럿입니다." in text(response)


# --- the profile links to the members page ------------------------------------------------


def test_profile_links_members_page_for_members_only(client, org, owner):
    url = org.get_absolute_url()
    link = members_url(org)
    assert link not in text(client.get(url))
    client.force_login(person("outsider"))
    assert link not in text(client.get(url))
    client.force_login(owner)
    assert link in text(client.get(url))


def test_accepting_someone_elses_invitation_by_id_finds_nothing(client, org, owner, invitee):
    issued = invite(org, owner)
    client.force_login(person("other", "other@example.kr"))
    response = client.post(reverse("membership:invitation-accept", args=[issued.invitation.pk]))
    assert response.status_code == 404
    assert "i***@example.kr" not in text(response)
    assert Invitation.objects.get().status == Invitation.Status.PENDING
