"""The Django admin shows events and registrations but changes nothing: a capacity
change there would skip the waitlist promotion and the audit log of the services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.events.models import Event, Registration
from tests.events.registration_support import open_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_event_admin_is_read_only_and_a_capacity_change_is_refused(client, superuser):
    event = open_event(capacity=1)
    first = register(event, by=UserFactory())
    waiting = register(event, by=UserFactory())
    assert (first.status, waiting.status) == ("confirmed", "waitlisted")
    audit = AuditEntry.objects.count()
    client.force_login(superuser)

    change = reverse("admin:events_event_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert event.title in html
    assert 'name="_save"' not in html  # no save button
    assert 'name="capacity"' not in html  # shown, not editable

    response = client.post(change, {"title": event.title, "capacity": "5", "_save": "1"})
    assert response.status_code == 403
    assert Event.objects.get(pk=event.pk).capacity == 1
    assert Registration.objects.get(pk=waiting.pk).status == "waitlisted"
    assert AuditEntry.objects.count() == audit

    assert client.get(reverse("admin:events_event_add")).status_code == 403
    delete = reverse("admin:events_event_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_registration_admin_is_read_only(client, superuser):
    event = open_event()
    reg = register(event, by=UserFactory())
    client.force_login(superuser)
    assert client.get(reverse("admin:events_registration_changelist")).status_code == 200
    change = reverse("admin:events_registration_change", args=[reg.pk])
    assert client.get(change).status_code == 200
    response = client.post(change, {"status": "cancelled", "_save": "1"})
    assert response.status_code == 403
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"
    assert client.get(reverse("admin:events_registration_add")).status_code == 403
    delete = reverse("admin:events_registration_delete", args=[reg.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Registration.objects.filter(pk=reg.pk).exists()
