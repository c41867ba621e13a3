"""The Django admin writes recognition records only through the services: adding and
correcting (with a reason) a commendation, plaque or donation are checked and audited;
deleting, which needs a reason too, is left to the staff pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.recognition import services
from hanjari.recognition.models import Commendation, Donation, Plaque
from tests.factories import CouncilFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 12, 10)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def _audit(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action, user__username="admin"))


def test_add_and_correct_a_commendation_through_the_service(admin_client):
    data = {
        "title": "전주시장 표창",
        "recipient_name": "홍길동",
        "recipient_affiliation": "",
        "name_public": "on",
        "conferred_by": "전주시",
        "date": "2024-12-10",
        "citation": "",
    }
    response = admin_client.post(reverse("admin:recognition_commendation_add"), data)
    assert response.status_code == 302
    commendation = Commendation.objects.get()
    assert commendation.recipient_name == "홍길동"
    created = _audit("recognition.commendation.created")
    assert [e.target_id for e in created] == [str(commendation.pk)]

    url = reverse("admin:recognition_commendation_change", args=[commendation.pk])
    # Without a reason the admin refuses the correction, as the staff page does.
    response = admin_client.post(url, {**data, "conferred_by": "전라북도"})
    assert response.status_code == 200
    assert "필수 항목입니다." in response.content.decode()
    assert Commendation.objects.get().conferred_by == "전주시"

    reason = "수여 기관을 잘못 적었습니다"
    response = admin_client.post(url, {**data, "conferred_by": "전라북도", "change_reason": reason})
    assert response.status_code == 302
    commendation.refresh_from_db()
    assert commendation.conferred_by == "전라북도"
    (updated,) = _audit("recognition.commendation.updated")
    assert updated.data == {
        "fields": ["conferred_by"],
        "changes": {"conferred_by": ["전주시", "전라북도"]},
        "reason": reason,
    }


def test_invalid_admin_form_writes_nothing(admin_client):
    """A named commendation needs a recipient: refused, nothing saved or audited."""
    data = {"title": "표창", "name_public": "on", "date": "2024-12-10"}
    response = admin_client.post(reverse("admin:recognition_commendation_add"), data)
    assert response.status_code == 200  # the form again, with the error
    assert not Commendation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_plaque_councils_are_saved_by_the_service(admin_client):
    council = CouncilFactory()
    data = {
        "recipient_name": "김감사",
        "recipient_office": "",
        "given_by": "",
        "given_by_councils": [council.pk],
        "date": "2024-12-10",
        "reason": "",
    }
    response = admin_client.post(reverse("admin:recognition_plaque_add"), data)
    assert response.status_code == 302
    plaque = Plaque.objects.get()
    assert list(plaque.given_by_councils.all()) == [council]
    (created,) = _audit("recognition.plaque.created")
    assert created.data["councils"] == [council.pk]


def test_the_admin_does_not_delete(admin_client):
    """Deleting needs a reason: the record's staff page asks for it, the admin has no
    delete button and refuses a forged delete."""
    donation = services.donation_create(data={"donor_name": "이웃", "date": DAY}, by=None)
    url = reverse("admin:recognition_donation_delete", args=[donation.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    change = admin_client.get(reverse("admin:recognition_donation_change", args=[donation.pk]))
    assert url not in change.content.decode()
    assert Donation.objects.filter(pk=donation.pk).exists()
    assert not AuditEntry.objects.filter(action="recognition.donation.deleted").exists()


def test_update_services_refuse_non_staff_and_unknown_fields(plain_user, staff):
    donation = services.donation_create(data={"donor_name": "이웃", "date": DAY}, by=staff)
    with pytest.raises(PermissionDenied):
        services.donation_update(
            donation=donation, data={"purpose": "x"}, by=plain_user, reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.record_delete(record=donation, by=plain_user, reason="x")
    with pytest.raises(TypeError, match="view_count"):
        services.donation_update(donation=donation, data={"view_count": 1}, by=staff, reason="x")
    assert Donation.objects.get().purpose == ""


def test_a_plaque_keeps_its_own_reason_apart_from_the_correction_reason(admin_client):
    """A plaque's text of thanks is its `reason`; the correction's reason is asked apart."""
    plaque = services.plaque_create(
        data={"recipient_name": "김감사", "date": DAY, "reason": "고마운 마음"}, by=None
    )
    url = reverse("admin:recognition_plaque_change", args=[plaque.pk])
    html = admin_client.get(url).content.decode()
    assert 'name="reason"' in html and 'name="change_reason"' in html
    data = {
        "recipient_name": "김감사",
        "recipient_office": "전주시의원",
        "given_by": "",
        "date": "2024-12-10",
        "reason": "고마운 마음",
        "change_reason": "직함을 더합니다.",
    }
    assert admin_client.post(url, data).status_code == 302
    plaque.refresh_from_db()
    assert (plaque.recipient_office, plaque.reason) == ("전주시의원", "고마운 마음")
    (updated,) = _audit("recognition.plaque.updated")
    assert updated.data["reason"] == "직함을 더합니다."
    assert updated.data["changes"] == {"recipient_office": ["", "전주시의원"]}
