"""The registry in the Django admin: writes only through the services, the rest shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.registry.models import (
    Council,
    ImportRun,
    MergeCandidate,
    Organization,
    SourceDataset,
    SourceRecord,
)
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    DesignationFactory,
    OrganizationFactory,
    UserFactory,
)


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def _profile_post(org: Organization, **changes: str) -> dict[str, str]:
    data = {
        "name": org.name,
        "legal_form": org.legal_form,
        "brn": org.brn,
        "crn": org.crn,
        "address": org.address,
        "sido": org.sido,
        "sigungu": org.sigungu,
        "industry": org.industry,
        "products": org.products,
        "description": org.description,
        "website": org.website,
        "phone": org.phone,
        "founded_on": "",
        "status": org.status,
        # the view-only designation and photo inlines still send their management forms
        "designations-TOTAL_FORMS": "0",
        "designations-INITIAL_FORMS": "0",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
    }
    return {**data, **changes}


def test_organisation_change_saves_through_the_service_with_audit_and_history(admin_client):
    org = OrganizationFactory(name="가나다협동조합", industry="서비스업")
    url = reverse("admin:registry_organization_change", args=[org.pk])

    response = admin_client.post(url, _profile_post(org, industry="음식점업"))

    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.industry == "음식점업"
    entry = AuditEntry.objects.get(action="registry.organization.updated")
    assert entry.user.username == "admin"
    assert entry.data == {"fields": ["industry"]}
    assert org.history.first().history_user.username == "admin"


def test_organisation_change_refuses_a_bad_value_without_saving(admin_client):
    org = OrganizationFactory(name="가나다협동조합", brn="")
    url = reverse("admin:registry_organization_change", args=[org.pk])

    response = admin_client.post(url, _profile_post(org, name=""))

    assert response.status_code == 200  # the admin form again, with its error
    org.refresh_from_db()
    assert org.name == "가나다협동조합"
    assert not AuditEntry.objects.filter(action="registry.organization.updated").exists()


def test_organisations_are_neither_added_nor_deleted_in_the_admin(admin_client):
    org = OrganizationFactory()
    assert admin_client.get(reverse("admin:registry_organization_add")).status_code == 403
    delete = reverse("admin:registry_organization_delete", args=[org.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Organization.objects.filter(pk=org.pk).exists()


def test_council_is_added_through_the_service(admin_client):
    url = reverse("admin:registry_council_add")

    response = admin_client.post(
        url,
        {
            "name": "완주군 사회적경제 협의회",
            "sector": "",
            "sido": "",
            "sigungu": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    council = Council.objects.get(name="완주군 사회적경제 협의회")
    entry = AuditEntry.objects.get(action="registry.council.created")
    assert (entry.user.username, entry.target_id) == ("admin", str(council.pk))


def test_council_and_its_members_are_shown_not_changed(admin_client):
    council = CouncilFactory(name="전주시 협의회")
    member = CouncilMembershipFactory(council=council, organization=OrganizationFactory())
    url = reverse("admin:registry_council_change", args=[council.pk])

    page = admin_client.get(url)
    response = admin_client.post(url, {"name": "바뀐 이름"})

    assert page.status_code == 200
    assert member.organization.name in page.content.decode()
    assert response.status_code == 403
    council.refresh_from_db()
    assert council.name == "전주시 협의회"
    delete = reverse("admin:registry_council_delete", args=[council.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403


def _view_only_objects() -> dict[str, object]:
    org = OrganizationFactory()
    dataset = SourceDataset.objects.create(dataset_id="15091502", title="전국자활기업현황")
    run = ImportRun.objects.create(file_name="a.csv", sha256="0" * 64)
    other = OrganizationFactory()
    return {
        "designation": DesignationFactory(organization=org),
        "sourcedataset": dataset,
        "importrun": run,
        "sourcerecord": SourceRecord.objects.create(
            dataset=dataset,
            import_run=run,
            organization=org,
            file_name="a.csv",
            row_number=2,
            reference_date=dt.date(2025, 12, 31),
        ),
        "mergecandidate": MergeCandidate.objects.create(
            left=org, right=other, left_name=org.name, right_name=other.name, score=91.0
        ),
    }


@pytest.mark.parametrize(
    "model", ["designation", "sourcedataset", "importrun", "sourcerecord", "mergecandidate"]
)
def test_other_registry_records_are_view_only(admin_client, model):
    obj = _view_only_objects()[model]
    change = reverse(f"admin:registry_{model}_change", args=[obj.pk])
    delete = reverse(f"admin:registry_{model}_delete", args=[obj.pk])

    assert admin_client.get(reverse(f"admin:registry_{model}_changelist")).status_code == 200
    assert admin_client.get(change).status_code == 200
    assert admin_client.get(reverse(f"admin:registry_{model}_add")).status_code == 403
    assert admin_client.post(change, {}).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_profile_fields_are_the_services_editable_fields():
    from hanjari.registry import services

    assert services.EDITABLE_FIELDS == (
        "name",
        "legal_form",
        "brn",
        "crn",
        "address",
        "sido",
        "sigungu",
        "industry",
        "products",
        "description",
        "founded_on",
        "employee_range",
        "opening_hours",
        "opening_hours_note",
        "phone",
        "phone_public",
        "contact_email",
        "email_public",
        "website",
        "website_public",
        "blog_url",
        "blog_public",
        "instagram_url",
        "instagram_public",
        "facebook_url",
        "facebook_public",
        "youtube_url",
        "youtube_public",
        "kakao_channel_url",
        "kakao_channel_public",
        "status",
        "logo",
    )
