"""The "내 조직" dashboard: invitations addressed to me first, then each organisation
I belong to with my role, its links and what waits there (from the providers), the
councils I administer, and the header link."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hanjari.membership import services
from hanjari.site import dashboard
from tests.factories import CouncilFactory, CouncilRoleFactory, OrganizationFactory
from tests.membership.support import join, owned_org, person

pytestmark = pytest.mark.django_db

URL = reverse("my-organizations")


def page(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def waiting(html, org_name):
    """The waiting items listed on `org_name`'s card."""
    card = html.split(f">{org_name}</a></h3>", 1)[1].split("</li>\n    \n", 1)[0]
    return re.findall(r'<li data-kind="(\w+)"><a href="[^"]+">([^<]+)</a></li>', card)


def test_owner_sees_role_links_and_what_waits(client):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="가나다협동조합")
    quiet = OrganizationFactory(name="라마바마을")
    join(owner, quiet)
    for n in range(2):
        services.invitation_create(
            organization=org, email=f"p{n}@example.kr", role="editor", by=owner
        )
    council = CouncilFactory(name="전주시 마을기업협의회")
    services.join_request_create(organization=org, council=council, by=owner)
    html = page(client, owner)
    assert html.index("가나다협동조합") < html.index("라마바마을")
    assert "내 역할: 대표 관리자" in html and "내 역할: 편집자" in html
    assert waiting(html, "가나다협동조합") == [
        ("invitations", "수락을 기다리는 초대 2건"),
        ("join_request", "전주시 마을기업협의회 가입 신청: 협의회의 결정을 기다리는 중"),
    ]
    assert waiting(html, "라마바마을") == []
    assert "기다리는 일이 없습니다." in html
    assert reverse("membership:members", args=[org.pk]) in html
    assert reverse("registry:organization-edit", args=[org.pk]) in html
    assert "나에게 온 초대" not in html


def test_an_editor_does_not_see_the_owners_invitation_count(client):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="가나다협동조합")
    editor = join(person("editor", "editor@example.kr"), org).user
    services.invitation_create(organization=org, email="p@example.kr", role="editor", by=owner)
    assert waiting(page(client, editor), "가나다협동조합") == []


def test_invitations_to_me_come_first(client):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="가나다협동조합")
    me = person("me", "Me@Example.kr")
    mine = owned_org(me, name="내협동조합")
    services.invitation_create(organization=org, email="me@example.kr", role="owner", by=owner)
    services.invitation_create(organization=org, email="else@example.kr", role="owner", by=owner)
    html = page(client, me)
    assert html.index("나에게 온 초대") < html.index("속한 조직")
    assert "대표 관리자(으)로 초대" in html
    assert html.count("초대 수락</button>") == 1
    assert mine.name in html


def test_council_admins_see_their_councils_pending_requests(client):
    council = CouncilFactory(name="전주시 사회적기업협의회")
    admin = CouncilRoleFactory(council=council, user=person("cadmin")).user
    owner = person("owner", "owner@example.kr")
    services.join_request_create(
        organization=owned_org(owner, name="가나다"), council=council, by=owner
    )
    html = page(client, admin)
    assert "관리하는 협의회" in html
    assert (
        '전주시 사회적기업협의회</a> <span class="hj-warning">가입 신청 1건 결정 대기</span>'
        in html
    )
    assert "아직 속한 조직이 없습니다." in html


def test_without_organisations_the_page_says_what_to_do(client):
    html = page(client, person("nobody"))
    assert "아직 속한 조직이 없습니다." in html
    assert "관리하는 협의회" not in html


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_providers_plug_in(client, monkeypatch):
    """A later app (claims) adds a provider; an item about an organisation I do not
    belong to yet is listed on its own."""
    me = person("me", "me@example.kr")
    org = owned_org(me, name="가나다협동조합")
    claimed = OrganizationFactory(name="라마바영농조합법인")

    def claims(user, memberships):
        assert [m.organization for m in memberships] == [org]
        yield dashboard.WaitingItem(
            claimed, "소유 확인 신청: 센터가 검토하는 중", "/claims/1/", "claim"
        )
        yield dashboard.WaitingItem(org, "반기 보고서 제출 기한: 7월 31일", "/reports/", "report")

    monkeypatch.setattr(dashboard, "WAITING_PROVIDERS", [*dashboard.WAITING_PROVIDERS, claims])
    html = page(client, me)
    assert waiting(html, "가나다협동조합") == [("report", "반기 보고서 제출 기한: 7월 31일")]
    other = html.split("진행 중인 신청", 1)[1]
    assert (
        '<li data-kind="claim">라마바영농조합법인: <a href="/claims/1/">'
        "소유 확인 신청: 센터가 검토하는 중</a></li>"
    ) in other


def test_header_links_my_organizations_for_members_and_council_admins(client):
    link = f'href="{URL}"'
    assert link not in client.get(reverse("home")).content.decode()
    client.force_login(person("plain"))
    assert link not in client.get(reverse("home")).content.decode()
    client.force_login(join(person("member"), OrganizationFactory()).user)
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(CouncilRoleFactory(user=person("cadmin")).user)
    html = client.get(URL).content.decode()
    assert f'{link} class="btn-navi hj-my-orgs" aria-current="page"' in html


def test_open_claims_and_proposals_are_listed(client):
    """The claims app's provider: a claim being reviewed, a proposal asked for more."""
    from hanjari.claims import services as claims_services
    from tests.claims.support import make_claim, make_proposal
    from tests.factories import UserFactory

    me = person("me", "me@example.kr")
    claimed = OrganizationFactory(name="라마바영농조합법인")
    claim = make_claim(user=me, organization=claimed)
    proposal = make_proposal(user=me, name="햇살나눔사회적협동조합")
    staff = UserFactory(is_staff=True)
    claims_services.claim_request_info(
        claim=proposal, by=staff, message="지정서를 다시 올려 주세요."
    )
    html = page(client, me)
    other = html.split("진행 중인 신청", 1)[1]
    assert (
        f'<li data-kind="claim">라마바영농조합법인: <a href="/claims/{claim.pk}/">'
        "소유 확인 신청: 센터가 검토하는 중</a></li>"
    ) in other
    assert (
        f'<a href="/claims/{proposal.pk}/">'
        "새 조직 등록 신청 ‘햇살나눔사회적협동조합’: 센터가 보완을 요청했습니다</a>"
    ) in other
