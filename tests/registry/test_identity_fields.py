"""The identifying fields of an organisation (이름, 법인격, 사업자등록번호, 법인등록번호,
상태, 시도, 시군구) are changed by centre staff only.

Bug (tester): an editor changed the 사업자등록번호 on the edit page, then claimed the
organisation with that number, and the claim's number check said "match"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hanjari.accounts.models import Membership
from hanjari.core.models import AuditEntry
from hanjari.registry import services
from hanjari.registry.forms import OrganizationForm
from hanjari.registry.models import Organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.registry.profile_support import edit_data

# (field, value posted, stored value expected after a staff edit)
CHANGES = [
    ("brn", "220-81-01126", "2208101126"),
    ("crn", "110111-0000002", "1101110000002"),
    ("name", "다른이름협동조합", "다른이름협동조합"),
    ("status", "closed", "closed"),
    ("legal_form", "other", None),
    ("sido", "서울특별시", None),
    ("sigungu", "완주군", "완주군"),
]


@pytest.fixture
def listed(db):
    return OrganizationFactory(
        name="가나다협동조합",
        brn="1248100998",
        status=Organization.Status.ACTIVE,
        sido="전북특별자치도",
        sigungu="전주시",
    )


@pytest.fixture
def owner(listed):
    return MembershipFactory(
        user=UserFactory(username="owner"), organization=listed, role=Membership.Role.OWNER
    ).user


@pytest.fixture
def editor(listed):
    return MembershipFactory(
        user=UserFactory(username="editor"), organization=listed, role=Membership.Role.EDITOR
    ).user


def _url(org: Organization) -> str:
    return reverse("registry:organization-edit", args=[org.pk])


@pytest.mark.parametrize("role", ["editor", "owner"])
@pytest.mark.parametrize(("field", "value", "_stored"), CHANGES)
def test_a_members_crafted_post_is_refused(client, request, listed, role, field, value, _stored):
    user = request.getfixturevalue(role)
    client.force_login(user)
    before = Organization.objects.get(pk=listed.pk)
    history = listed.history.count()
    response = client.post(_url(listed), edit_data(listed, **{field: value, "industry": "카페"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "센터 관리자만 고칠 수 있습니다" in html
    listed.refresh_from_db()
    assert getattr(listed, field) == getattr(before, field)
    assert listed.industry == before.industry  # nothing of the request was saved
    assert listed.history.count() == history
    assert not AuditEntry.objects.filter(action="registry.organization.updated").exists()


def test_a_member_may_send_the_stored_values_and_change_the_rest(client, listed, editor):
    client.force_login(editor)
    response = client.post(
        _url(listed), edit_data(listed, brn="124-81-00998", address="전주시 완산구 2")
    )
    assert response.status_code == 302
    listed.refresh_from_db()
    assert (listed.brn, listed.address) == ("1248100998", "전주시 완산구 2")


def test_the_page_shows_members_the_identifying_fields_read_only(client, listed, editor):
    client.force_login(editor)
    html = client.get(_url(listed)).content.decode()
    for name in services.IDENTIFYING_FIELDS:
        assert f'name="{name}"' not in html, name
    assert "<dt>사업자등록번호</dt><dd>124-81-00998</dd>" in html
    assert "<dt>상태</dt><dd>운영 중</dd>" in html
    assert "센터에 요청해 고칠 수 있습니다" in html
    assert 'name="address"' in html


@pytest.mark.parametrize(("field", "value", "stored"), CHANGES)
def test_staff_change_the_identifying_fields(client, listed, staff, field, value, stored):
    client.force_login(staff)
    html = client.get(_url(listed)).content.decode()
    assert f'name="{field}"' in html
    assert "센터에 요청해 고칠 수 있습니다" not in html
    response = client.post(_url(listed), edit_data(listed, **{field: value}))
    assert response.status_code == 302, response.content.decode()[:2000]
    listed.refresh_from_db()
    assert getattr(listed, field) == (value if stored is None else stored)
    assert listed.history.latest().history_user == staff


@pytest.mark.parametrize("role", ["editor", "owner"])
def test_the_service_refuses_members_whatever_the_form(request, listed, role):
    user = request.getfixturevalue(role)
    org = Organization.objects.get(pk=listed.pk)
    with pytest.raises(PermissionDenied):
        services.organization_update(
            organization=org, data={"brn": "2208101126", "industry": "카페"}, by=user
        )
    industry = listed.industry
    listed.refresh_from_db()
    assert (listed.brn, listed.industry) == ("1248100998", industry)
    assert org.brn == "1248100998"  # the object passed in is untouched too
    # The stored value sent again is no change.
    services.organization_update(organization=org, data={"brn": "1248100998"}, by=user)
    assert services.identifying_changes(org, {"brn": "124-81-00998", "name": org.name}) == []
    refusal = services.identity_edit_refusal(user, org, {"status": "closed"})
    assert refusal is not None and refusal.code == "identity"
    assert services.identity_edit_refusal(None, org, {"status": "closed"}) is None


def test_a_form_without_the_page_still_refuses_a_sent_value(listed):
    form = OrganizationForm(
        edit_data(listed, name="다른이름"), instance=listed, identity_editable=False
    )
    assert not form.is_valid()
    assert "센터 관리자만 고칠 수 있습니다" in str(form.non_field_errors())
    assert form.fields["name"].disabled
