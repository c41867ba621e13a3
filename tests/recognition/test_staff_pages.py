"""The staff pages of recognition records (포상·기부 관리): records are entered and
corrected through the services (audited), a correction or deletion needs a reason and
keeps the values before and after as the record's history, organisations are chosen
with the picker, the list filters by kind, year and organisation, and the public page
shows what staff entered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.recognition import rules, services
from hanjari.recognition.models import Commendation, Donation, Plaque
from hanjari.registry.services import organization_merge
from tests.events.pages_support import make_event
from tests.factories import CouncilFactory, DesignationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2023, 12, 11)
HUGE = "9" * 30


@pytest.fixture
def hanok(db):
    org = OrganizationFactory(name="전주한옥마을협동조합")
    DesignationFactory(organization=org)
    return org


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def commendation_post(**overrides):
    data = {
        "title": "사회적경제 유공자 표창",
        "date": "2023-12-11",
        "conferred_by": "전주시장",
        "recipient_name": "",
        "recipient_affiliation": "",
        "recipient_organization": "",
        "name_public": "on",
        "event": "",
        "citation": "",
    }
    data.update(overrides)
    return data


def _new(kind):
    return reverse("recognition:staff-new", args=[kind])


def _edit(record):
    kind = type(record)._meta.model_name
    return reverse("recognition:staff-edit", args=[kind, record.pk])


# --- entering -------------------------------------------------------------------------------


def test_staff_enter_a_commendation_for_an_organisation_chosen_with_the_picker(
    staff_client, staff, hanok
):
    event = make_event(title="2023 한마음 워크숍")
    assert staff_client.get(_new("commendation")).status_code == 200
    response = staff_client.post(
        _new("commendation"),
        commendation_post(recipient_organization=[str(hanok.pk), ""], event=str(event.pk)),
    )
    commendation = Commendation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _edit(commendation)
    assert (commendation.recipient_organization, commendation.event) == (hanok, event)
    entry = AuditEntry.objects.get(action="recognition.commendation.created")
    assert (entry.user, entry.target_id) == (staff, str(commendation.pk))
    assert entry.data["values"]["recipient_organization"] == "전주한옥마을협동조합"

    page = staff_client.get(_edit(commendation)).content.decode()
    assert "사회적경제 유공자 표창 · 전주한옥마을협동조합 (2023-12-11)" in page
    assert "기록을 적었습니다" in page
    assert f'name="recipient_organization" value="{hanok.pk}"' in page  # ticked in the picker


def test_a_plaque_with_councils_and_a_donation_with_an_unknown_amount(staff_client, hanok):
    council = CouncilFactory(name="전주시 마을기업협회")
    response = staff_client.post(
        _new("plaque"),
        {
            "date": "2023-12-11",
            "recipient_name": "김감사",
            "recipient_office": "전주시의원",
            "recipient_organization": "",
            "given_by": "",
            "given_by_councils": [str(council.pk)],
            "event": "",
            "reason": "사회적경제 발전에 힘쓴 공로",
        },
    )
    assert response.status_code == 302
    plaque = Plaque.objects.get()
    assert list(plaque.given_by_councils.all()) == [council]
    assert plaque.reason == "사회적경제 발전에 힘쓴 공로"

    response = staff_client.post(
        _new("donation"),
        {
            "date": "2023-12-11",
            "donor_organization": "",
            "donor_council": str(council.pk),
            "donor_name": "",
            "recipient_organization": [str(hanok.pk)],
            "recipient_text": "",
            "amount_krw": "",
            "purpose": "이웃돕기",
            "event": "",
        },
    )
    assert response.status_code == 302
    donation = Donation.objects.get()
    assert (donation.donor_council, donation.recipient_organization) == (council, hanok)
    assert donation.amount_krw is None  # not known: not 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"recipient_organization": HUGE}, f"#{HUGE}: 그런 번호의 조직이 없습니다."),
        ({"recipient_organization": "987654"}, "#987654: 그런 번호의 조직이 없습니다."),
        ({"date": "0001-01-01"}, "1900년부터 2100년 사이의 날짜를 적어 주세요."),
        ({"event": HUGE}, "올바르게 선택해 주세요."),
        # the model's rule: a public commendation names its recipient
        ({}, "받은 사람이나 조직을 적거나, 이름을 모르면 &#x27;받은 사람 공개&#x27;를 끕니다."),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_writes_nothing(staff_client, overrides, message):
    response = staff_client.post(_new("commendation"), commendation_post(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Commendation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_merged_organisation_is_refused_with_the_one_it_became(staff_client, staff, hanok):
    drop = OrganizationFactory(name="전주 한옥마을협동조합")
    dropped = drop.pk
    organization_merge(keep=hanok, drop=drop, by=staff)
    response = staff_client.post(
        _new("commendation"), commendation_post(recipient_organization=str(dropped))
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"#{dropped}: 이 조직은 전주한옥마을협동조합(으)로 합쳐졌습니다." in html
    assert f'type="radio" name="recipient_organization" value="{hanok.pk}"' in html


def test_a_typed_name_without_scripts_is_resolved(staff_client, hanok):
    response = staff_client.post(
        _new("commendation"), commendation_post(recipient_organization="전주한옥마을협동조합")
    )
    assert response.status_code == 302
    assert Commendation.objects.get().recipient_organization == hanok


# --- correcting -------------------------------------------------------------------------------


@pytest.fixture
def commendation(staff, hanok):
    return services.commendation_create(
        data={
            "title": "사회적경제 유공자 표창",
            "recipient_organization": hanok,
            "conferred_by": "전주시장",
            "date": DAY,
        },
        by=staff,
    )


def test_a_correction_needs_a_reason_and_keeps_the_values_before_and_after(
    staff_client, staff, commendation, hanok
):
    other = OrganizationFactory(name="더불어락두부마을협동조합")
    data = commendation_post(
        recipient_organization=[str(other.pk)], conferred_by="전라북도지사", date="2023-12-12"
    )
    response = staff_client.post(_edit(commendation), data)
    assert response.status_code == 400
    assert "고친 까닭: 필수 항목입니다." in response.content.decode()
    assert Commendation.objects.get().conferred_by == "전주시장"

    reason = "수여 기관과 받은 조직을 바로잡습니다."
    response = staff_client.post(_edit(commendation), {**data, "change_reason": reason})
    assert response.status_code == 302 and response["Location"] == _edit(commendation)
    commendation.refresh_from_db()
    assert (commendation.conferred_by, commendation.recipient_organization) == (
        "전라북도지사",
        other,
    )
    assert commendation.date == dt.date(2023, 12, 12)
    entry = AuditEntry.objects.get(action="recognition.commendation.updated")
    assert entry.user == staff and entry.data["reason"] == reason
    assert entry.data["changes"] == {
        "recipient_organization": ["전주한옥마을협동조합", "더불어락두부마을협동조합"],
        "conferred_by": ["전주시장", "전라북도지사"],
        "date": ["2023-12-11", "2023-12-12"],
    }

    # The history on the staff page: the correction with its reason, then the entry.
    page = staff_client.get(_edit(commendation)).content.decode()
    history = page[page.index('id="history-title"') :]
    assert history.index("고침") < history.index("적음")
    assert f"까닭: {reason}" in history
    assert "<strong>수여 기관</strong>: 전주시장 → 전라북도지사" in history
    assert "<strong>받은 조직</strong>: 전주한옥마을협동조합 → 더불어락두부마을협동조합" in history


def test_a_post_that_changes_nothing_is_refused(staff_client, commendation, hanok):
    data = commendation_post(
        recipient_organization=[str(hanok.pk)], change_reason="확인만 했습니다."
    )
    response = staff_client.post(_edit(commendation), data)
    assert response.status_code == 400
    assert "고친 내용이 없습니다." in response.content.decode()
    assert not AuditEntry.objects.filter(action="recognition.commendation.updated").exists()


def test_the_services_refuse_a_correction_or_deletion_without_a_reason(staff, commendation):
    assert rules.change_refusal(reason="  ").code == "reason"
    assert rules.change_refusal(reason="오타") is None
    with pytest.raises(ValidationError) as caught:
        services.commendation_update(
            commendation=commendation, data={"conferred_by": "x"}, by=staff, reason=" "
        )
    assert caught.value.messages == ["고치거나 지우는 까닭을 적어 주세요."]
    with pytest.raises(ValidationError):
        services.record_delete(record=commendation, by=staff, reason="")
    assert Commendation.objects.get().conferred_by == "전주시장"


def test_a_plaque_correction_of_its_councils_is_recorded(staff_client, staff):
    first, second = CouncilFactory(name="가협의회"), CouncilFactory(name="나협의회")
    plaque = services.plaque_create(
        data={"recipient_name": "김감사", "date": DAY}, by=staff, given_by_councils=[first]
    )
    data = {
        "date": "2023-12-11",
        "recipient_name": "김감사",
        "recipient_office": "",
        "recipient_organization": "",
        "given_by": "",
        "given_by_councils": [str(first.pk), str(second.pk)],
        "event": "",
        "reason": "",
        "change_reason": "함께 드린 협의회를 더합니다.",
    }
    assert staff_client.post(_edit(plaque), data).status_code == 302
    assert set(plaque.given_by_councils.all()) == {first, second}
    entry = AuditEntry.objects.get(action="recognition.plaque.updated")
    assert entry.data["changes"] == {"given_by_councils": [["가협의회"], ["가협의회", "나협의회"]]}


# --- deleting -------------------------------------------------------------------------------


def test_delete_asks_why_and_the_list_shows_what_was_deleted(staff_client, staff):
    donation = services.donation_create(
        data={"donor_name": "이웃", "amount_krw": 50_000, "date": DAY}, by=staff
    )
    url = reverse("recognition:staff-delete", args=["donation", donation.pk])
    assert "이웃 → ? (2023-12-11)" in staff_client.get(url).content.decode()
    response = staff_client.post(url, {"reason": ""})
    assert response.status_code == 400
    assert Donation.objects.exists()

    response = staff_client.post(url, {"reason": "같은 기부를 두 번 적었습니다."})
    assert response.status_code == 302
    assert response["Location"] == "/staff/recognition/?kind=donation"
    assert not Donation.objects.exists()
    entry = AuditEntry.objects.get(action="recognition.donation.deleted")
    assert entry.data["reason"] == "같은 기부를 두 번 적었습니다."
    assert entry.data["values"]["amount_krw"] == 50_000

    page = staff_client.get(response["Location"]).content.decode()
    deleted = page[page.index("최근에 지운 기록") :]
    assert "지움" in deleted and "까닭: 같은 기부를 두 번 적었습니다." in deleted
    assert "이웃 → " in deleted


def test_a_record_under_another_kind_is_404(staff_client, commendation):
    url = reverse("recognition:staff-edit", args=["donation", commendation.pk])
    assert staff_client.get(url).status_code == 404


# --- the list -------------------------------------------------------------------------------


def test_the_list_filters_by_kind_year_and_organisation(staff_client, staff, hanok):
    other = OrganizationFactory(name="새벽빵공방")

    def award(title, org, date):
        return services.commendation_create(
            data={"title": title, "recipient_organization": org, "date": date}, by=staff
        )

    award("올해 표창", hanok, DAY)
    award("다른 조직 표창", other, DAY)
    award("지난해 표창", hanok, dt.date(2022, 12, 1))
    services.commendation_create(
        data={"title": "이름 없는 표창", "name_public": False, "date": DAY}, by=staff
    )
    services.donation_create(
        data={"donor_organization": hanok, "amount_krw": 10, "date": DAY}, by=staff
    )
    url = reverse("recognition:staff-list")

    every = ["올해 표창", "다른 조직 표창", "지난해 표창", "이름 없는 표창"]

    def titles(**query):
        response = staff_client.get(url, query)
        assert response.status_code == 200
        html = response.content.decode()
        return [t for t in every if t in html]

    assert titles() == every
    assert titles(year="2022") == ["지난해 표창"]
    assert titles(organization=str(hanok.pk)) == ["올해 표창", "지난해 표창"]
    assert titles(year="2023", organization=str(hanok.pk)) == ["올해 표창"]
    html = staff_client.get(url, {"kind": "donation", "organization": hanok.pk}).content.decode()
    assert "전주한옥마을협동조합" in html and "10원" in html
    # Unnamed ones are listed for staff, marked as such.
    assert "이름 비공개" in staff_client.get(url).content.decode()


@pytest.mark.parametrize(
    "query", [{"year": "1999"}, {"year": HUGE}, {"organization": HUGE}, {"organization": "없음"}]
)
def test_bad_filters_are_a_400_with_a_message(staff_client, commendation, query):
    response = staff_client.get(reverse("recognition:staff-list"), query)
    assert response.status_code == 400
    assert "입력한 내용을 확인해 주세요" in response.content.decode()


# --- what the public sees -----------------------------------------------------------------------


def test_the_public_page_shows_the_correction(client, staff, commendation):
    other = OrganizationFactory(name="더불어락두부마을협동조합")
    services.commendation_update(
        commendation=commendation,
        data={"recipient_organization": other},
        by=staff,
        reason="받은 조직을 잘못 골랐습니다.",
    )
    html = client.get(reverse("recognition:year", args=[2023])).content.decode()
    assert "더불어락두부마을협동조합" in html
    assert "전주한옥마을협동조합" not in html
    assert "포상·기부 관리" not in html  # the staff button is for staff


def test_staff_see_the_way_to_the_staff_pages_on_the_public_page(staff_client, commendation):
    html = staff_client.get(reverse("recognition:year", args=[2023])).content.decode()
    assert 'href="/staff/recognition/?year=2023"' in html
