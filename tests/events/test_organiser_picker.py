"""Organisations on the event staff forms are chosen with the organisation picker:
organisers (and participants, invited ones), a programme item's speaker and a booth's
exhibitor. The page shows the chosen ones as ticked boxes with the search box that asks
registry:organization-picker; what the picker posts (ids) is saved through the
services and comes back ticked; unticking removes."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.events.models import Booth, Event, ProgrammeItem
from hanjari.search import ranking
from tests.events.pages_support import make_event
from tests.events.permission_cases_pages import pages_post_data
from tests.factories import DesignationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_frequencies():
    ranking.forget()


@pytest.fixture
def hanok(db):
    org = OrganizationFactory(name="전주한옥마을협동조합")
    DesignationFactory(organization=org)
    return org


def _ticked(html: str, name: str) -> list[int]:
    box = rf'<input type="checkbox" name="{name}" value="(\d+)"[^>]*checked'
    return [int(v) for v in re.findall(box, html)]


def test_organisers_round_trip_through_the_picker(client, staff, hanok):
    event = make_event()
    second = OrganizationFactory(name="더불어락두부마을협동조합")
    client.force_login(staff)
    url = reverse("events:event-edit", args=[event.pk])
    html = client.get(url).content.decode()
    assert _ticked(html, "organiser_organizations") == []
    assert 'hx-get="/organizations/picker/"' in html
    assert "hanjari/js/picker.js" in html and "hanjari/css/picker.css" in html
    assert '<label for="id_organiser_organizations">주최 조직</label>' in html

    # What the picker finds for the organiser box …
    found = client.get("/organizations/picker/", {"q": "한옥", "format": "json"}).json()
    assert [r["id"] for r in found["results"]] == [hanok.pk]
    # … is posted as its id (the box emptied), with a second one ticked.
    data = {
        **pages_post_data("events:event-edit", {"event": event}),
        "organiser_organizations": [str(hanok.pk), str(second.pk), ""],
    }
    response = client.post(url, data)
    assert response.status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert set(event.organiser_organizations.all()) == {hanok, second}
    entry = AuditEntry.objects.filter(action="events.event.updated").latest("id")
    assert "organiser_organizations" in entry.data["fields"]

    html = client.get(url).content.decode()
    assert sorted(_ticked(html, "organiser_organizations")) == sorted([hanok.pk, second.pk])
    assert "전북특별자치도 전주시 · 마을기업" in html
    # The public event page names them.
    assert "전주한옥마을협동조합" in client.get(event.get_absolute_url()).content.decode()

    # Unticking one removes it.
    data["organiser_organizations"] = [str(second.pk), ""]
    assert client.post(url, data).status_code == 302
    assert list(Event.objects.get(pk=event.pk).organiser_organizations.all()) == [second]


def test_an_organiser_that_is_not_found_offers_candidates(client, staff, hanok):
    event = make_event()
    client.force_login(staff)
    url = reverse("events:event-edit", args=[event.pk])
    data = {
        **pages_post_data("events:event-edit", {"event": event}),
        "organiser_organizations": ["한옥마을"],
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "한옥마을: 이 이름의 조직이 없습니다. 검색해서 목록에서 골라 주세요." in html
    assert f'type="checkbox" name="organiser_organizations" value="{hanok.pk}"' in html
    assert not Event.objects.get(pk=event.pk).organiser_organizations.exists()


def _rows(prefix_rows, initial=0):
    data = {
        "rows-TOTAL_FORMS": str(len(prefix_rows)),
        "rows-INITIAL_FORMS": str(initial),
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(prefix_rows):
        for key, value in row.items():
            data[f"rows-{i}-{key}"] = value
    return data


def test_booth_and_speaker_organisations_come_from_the_picker(client, staff, hanok):
    event = make_event()
    client.force_login(staff)
    url = reverse("events:booths-edit", args=[event.pk])
    row = {"item_id": "", "organization": [str(hanok.pk), ""], "number": "7", "place": ""}
    assert client.post(url, _rows([row])).status_code == 302
    booth = Booth.objects.get(event=event)
    assert booth.organization == hanok
    html = client.get(url).content.decode()
    assert _ticked(html, "rows-0-organization") == [hanok.pk]
    assert 'id="id_rows-0-organization_listbox"' in html
    # Saving the page as it is changes nothing (the ticked box is the same booth).
    row = {"item_id": str(booth.pk), "organization": [str(hanok.pk), ""], "number": "7"}
    before = AuditEntry.objects.count()
    assert client.post(url, _rows([row], initial=1)).status_code == 302
    assert AuditEntry.objects.count() == before

    url = reverse("events:programme-edit", args=[event.pk])
    item = {
        "title": "사례 발표",
        "kind": "report",
        "position": "",
        "item_id": "",
        "speaker_organization": [str(hanok.pk), ""],
    }
    assert client.post(url, _rows([item])).status_code == 302
    assert ProgrammeItem.objects.get(event=event).speaker_organization == hanok
    assert _ticked(client.get(url).content.decode(), "rows-0-speaker_organization") == [hanok.pk]
