"""The council page (협의회): member counts by designation kind, the join request
form for owners, and the pending requests its administrator approves or rejects."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hanjari.membership import services
from hanjari.membership.models import CouncilJoinRequest
from hanjari.registry import selectors
from hanjari.registry.models import CouncilMembership, Designation, DesignationKind
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    CouncilRoleFactory,
    DesignationFactory,
    OrganizationFactory,
)
from tests.membership.support import owned_org, person

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<th scope="row"(?: class="hj-subrow")?>([^<]+)</th><td class="hj-num">(\d+)</td>'
)


def page(client, council):
    return client.get(reverse("registry:council", args=[council.pk])).content.decode()


@pytest.fixture
def council():
    """전주시 사회적경제협의회 with four members: a village enterprise, a certified
    social enterprise that is also a social cooperative, a pre-social enterprise whose
    designation ended, and one with no designation; plus a village enterprise that is
    not a member."""
    council = CouncilFactory(name="전주시 사회적경제협의회")
    village = OrganizationFactory(name="마을두부")
    DesignationFactory(organization=village, kind=DesignationKind.VILLAGE_ENTERPRISE)
    both = OrganizationFactory(name="함께일터")
    DesignationFactory(organization=both, kind=DesignationKind.SOCIAL_ENTERPRISE)
    DesignationFactory(organization=both, kind=DesignationKind.SOCIAL_COOPERATIVE)
    ended = OrganizationFactory(name="끝난예비")
    DesignationFactory(
        organization=ended,
        kind=DesignationKind.PRE_SOCIAL_ENTERPRISE_REGIONAL,
        status=Designation.Status.ENDED,
    )
    plain = OrganizationFactory(name="아직없음")
    for org in (village, both, ended, plain):
        CouncilMembershipFactory(council=council, organization=org)
    DesignationFactory(kind=DesignationKind.VILLAGE_ENTERPRISE)  # not a member
    return council


def test_kind_counts(council):
    counts = selectors.council_kind_counts(council=council)
    assert counts["total"] == 4
    assert counts["without"] == 2
    assert [(s["label"], s["count"]) for s in counts["sectors"]] == [
        ("사회적기업", 1),
        ("마을기업", 1),
        ("협동조합", 1),
    ]
    assert [(k["label"], k["count"]) for k in counts["sectors"][0]["kinds"]] == [
        ("인증 사회적기업", 1)
    ]
    assert [(k["label"], k["count"]) for k in counts["sectors"][2]["kinds"]] == [
        ("사회적협동조합", 1)
    ]


def test_council_page_shows_counts_by_kind(client, council):
    html = page(client, council)
    assert "회원 조직 4곳의 유형별 수" in html
    assert ROW.findall(html) == [
        ("사회적기업", "1"),
        ("인증 사회적기업", "1"),
        ("마을기업", "1"),
        ("협동조합", "1"),
        ("사회적협동조합", "1"),
        ("유효한 인증·지정 없음", "2"),
    ]


def test_a_council_without_members_shows_no_count_table(client):
    html = page(client, CouncilFactory())
    assert "유형별 수" not in html
    assert "등록된 회원 조직이 없습니다." in html


def test_owners_see_the_join_form_for_their_organisations_only(client, council):
    owner = person("owner", "owner@example.kr")
    mine = owned_org(owner, name="우리협동조합")
    member_already = owned_org(owner, name="이미회원")
    CouncilMembershipFactory(council=council, organization=member_already)
    OrganizationFactory(name="남의조직")
    assert "협의회 가입 신청" not in page(client, council)
    client.force_login(owner)
    html = page(client, council)
    assert "협의회 가입 신청" in html
    options = re.findall(r'<option value="(\d+)"[^>]*>([^<]+)</option>', html)
    assert (str(mine.pk), "우리협동조합") in options
    assert all(name not in ("이미회원", "남의조직") for _pk, name in options)
    services.join_request_create(organization=mine, council=council, by=owner)
    assert "협의회 가입 신청" not in page(client, council)  # nothing left to offer


def test_the_councils_admin_approves_from_the_council_page(client, council):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="우리협동조합")
    client.force_login(owner)
    response = client.post(
        reverse("membership:join-request"),
        {"organization": org.pk, "council": council.pk, "message": "함께하고 싶습니다."},
    )
    assert response.status_code == 303
    req = CouncilJoinRequest.objects.get()

    other_admin = CouncilRoleFactory(council=CouncilFactory()).user
    client.force_login(other_admin)
    assert "우리협동조합 가입 승인" not in page(client, council)
    decide = reverse("membership:join-request-decide", args=[req.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 403

    admin = CouncilRoleFactory(council=council).user
    client.force_login(admin)
    html = page(client, council)
    assert "우리협동조합 가입 승인" in html
    assert "함께하고 싶습니다." in html
    response = client.post(decide, {"decision": "approve"})
    assert response.status_code == 303
    assert response["Location"] == reverse("registry:council", args=[council.pk])
    assert CouncilMembership.objects.filter(council=council, organization=org).exists()
    html = page(client, council)
    assert "우리협동조합의 가입을 승인했습니다." in html
    assert "회원 조직 5곳의 유형별 수" in html
    assert "결정을 기다리는 가입 신청이 없습니다." in html


def test_reject_with_a_reason_and_bad_decisions(client, council, staff):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="우리협동조합")
    req = services.join_request_create(organization=org, council=council, by=owner)
    client.force_login(staff)
    decide = reverse("membership:join-request-decide", args=[req.pk])
    for data in ({"decision": "maybe"}, {"decision": "reject", "reason": "가" * 1001}, {}):
        response = client.post(decide, data)
        assert response.status_code == 400
        assert "승인 또는 거절을 고르고" in response.content.decode()
    assert CouncilJoinRequest.objects.get().status == "pending"
    response = client.post(decide, {"decision": "reject", "reason": "지역 밖 조직입니다."})
    assert response.status_code == 303
    req.refresh_from_db()
    assert (req.status, req.reason, req.decided_by) == ("rejected", "지역 밖 조직입니다.", staff)
    again = client.post(decide, {"decision": "approve"})
    assert again.status_code == 400
    assert "이미 결정한 가입 신청입니다." in again.content.decode()
    assert not CouncilMembership.objects.filter(council=council, organization=org).exists()


def test_join_request_page_preselects_and_refuses_twice(client, council):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="우리협동조합")
    client.force_login(owner)
    url = reverse("membership:join-request")
    html = client.get(url, {"council": council.pk, "organization": "9" * 40}).content.decode()
    assert f'<option value="{council.pk}" selected>' in html
    data = {"organization": org.pk, "council": council.pk}
    assert client.post(url, data).status_code == 303
    response = client.post(url, data)
    assert response.status_code == 400
    assert "이 협의회에 낸 가입 신청이 아직 결정을 기다리고 있습니다." in response.content.decode()
    other = OrganizationFactory(name="남의조직")
    response = client.post(url, {"organization": other.pk, "council": council.pk})
    assert response.status_code == 400  # not one of their organisations
    assert CouncilJoinRequest.objects.count() == 1
