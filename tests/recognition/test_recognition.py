"""Recognition (포상·감사·기부): services validate and audit; the ledger's totals add
only known amounts and count the unknown ones apart; commendations show names only
where public, else "N명"; the yearly page, the index redirect, the event page and the
profile / council pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.recognition import selectors, services
from hanjari.recognition.models import Commendation, Donation
from tests.events.pages_support import make_event
from tests.factories import CouncilFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 12, 10)


def donation(amount, *, date=DAY, **data):
    data.setdefault("donor_name", "기부한 곳")
    return services.donation_create(data={"amount_krw": amount, "date": date, **data}, by=None)


def commendation(*, name="", public=True, date=DAY, **data):
    return services.commendation_create(
        data={
            "title": "사회적경제 유공자 표창",
            "recipient_name": name,
            "name_public": public,
            "date": date,
            **data,
        },
        by=None,
    )


# --- selectors --------------------------------------------------------------------------


def test_ledger_totals_exclude_unknown_amounts():
    donation(1_000_000)
    donation(None)
    donation(250_000)
    donation(None)
    donation(5_000, date=dt.date(2023, 1, 1))  # another year
    ledger = selectors.donation_ledger(year=2024)
    assert (ledger.count, ledger.known_count, ledger.unknown_count) == (4, 2, 2)
    assert ledger.known_total == 1_250_000


def test_ledger_with_only_unknown_amounts_has_no_total():
    donation(None)
    ledger = selectors.donation_ledger(year=2024)
    assert (ledger.known_total, ledger.known_count, ledger.unknown_count) == (0, 0, 1)


def test_commendations_grouped_names_only_where_public():
    event = make_event(start_date=DAY, status="held")
    for _n in range(3):
        commendation(public=False, event=event, citation="지역경제 활성화")
    commendation(
        name="홍길동",
        recipient_affiliation="두부마을협동조합",
        event=event,
        citation="지역경제 활성화",
    )
    commendation(name="다른 표창", date=dt.date(2024, 3, 1))
    summary = selectors.year_summary(year=2024)
    groups = {g.date: g for g in summary.commendation_groups}
    group = groups[DAY]
    assert (group.total, group.unnamed_count) == (4, 3)
    assert [c.recipient_display for c in group.named] == ["홍길동 (두부마을협동조합)"]
    assert summary.commendation_count == 5
    assert summary.unnamed_count == 3


def test_years_with_data_newest_first():
    donation(None, date=dt.date(2021, 5, 1))
    commendation(name="가", date=dt.date(2024, 1, 1))
    assert selectors.years_with_data() == [2024, 2021]
    assert selectors.latest_year() == 2024


def test_unnamed_commendation_not_listed_for_its_organisation():
    org = OrganizationFactory(name="비공개수상조직")
    commendation(public=False, recipient_organization=org)
    commendation(recipient_organization=org, title="공개 표창")
    r = selectors.for_organization(organization=org)
    assert [c.title for c in r.commendations] == ["공개 표창"]


# --- services ------------------------------------------------------------------------------


def test_donation_amount_zero_is_refused_unknown_is_none():
    with pytest.raises(ValidationError) as exc:
        donation(0)
    assert "amount_krw" in exc.value.message_dict
    assert donation(None).amount_krw is None


def test_donation_needs_a_donor():
    with pytest.raises(ValidationError) as exc:
        services.donation_create(data={"amount_krw": 1000, "date": DAY}, by=None)
    assert "donor_name" in exc.value.message_dict


def test_public_commendation_needs_a_recipient_unnamed_does_not():
    with pytest.raises(ValidationError):
        commendation(name="", public=True)
    assert commendation(name="", public=False).pk


def test_plaque_needs_a_recipient_and_takes_councils():
    with pytest.raises(ValidationError):
        services.plaque_create(data={"date": DAY}, by=None)
    council = CouncilFactory()
    plaque = services.plaque_create(
        data={"recipient_name": "우범기", "recipient_office": "전주시장", "date": DAY},
        given_by_councils=[council],
        by=None,
    )
    assert list(plaque.given_by_councils.all()) == [council]


def test_services_audit_and_refuse_non_staff(plain_user, staff):
    d = services.donation_create(data={"donor_name": "가", "amount_krw": 10, "date": DAY}, by=staff)
    entry = AuditEntry.objects.get(action="recognition.donation.created")
    assert (entry.user, entry.target_id, entry.data["amount_krw"]) == (staff, str(d.pk), 10)
    with pytest.raises(PermissionDenied):
        services.donation_create(data={"donor_name": "가", "date": DAY}, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.commendation_create(data={"title": "x", "date": DAY}, by=plain_user)
    with pytest.raises(PermissionDenied):
        services.plaque_create(data={"recipient_name": "x", "date": DAY}, by=plain_user)
    # a field the service does not set is a programming error (core.services.apply_fields)
    with pytest.raises(TypeError, match="bogus"):
        services.donation_create(data={"donor_name": "가", "date": DAY, "bogus": 1}, by=staff)


# --- pages ---------------------------------------------------------------------------------


def test_index_redirects_to_the_latest_year(client):
    donation(None, date=dt.date(2022, 1, 1))
    donation(None, date=dt.date(2024, 1, 1))
    response = client.get(reverse("recognition:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("recognition:year", args=[2024])


def test_index_without_data_shows_an_empty_page(client):
    response = client.get(reverse("recognition:index"))
    assert response.status_code == 200
    assert "기록된 표창, 감사패, 기부금이 없습니다." in response.content.decode()


def test_year_out_of_range_is_404(client):
    assert client.get(reverse("recognition:year", args=[1800])).status_code == 404
    assert client.get(reverse("recognition:year", args=[2024])).status_code == 200


def test_year_page_ledger_and_unknown_amounts(client):
    council = CouncilFactory(name="전주시 마을기업협의회")
    donation(1_000_000, donor_council=council, recipient_text="전주시 인재육성재단")
    donation(None, donor_organization=OrganizationFactory(name="두부마을협동조합"))
    donation(None)
    html = client.get(reverse("recognition:year", args=[2024])).content.decode()
    assert "1,000,000원" in html
    assert "합계 (금액이 알려진 1건)" in html
    assert html.count(">금액 알 수 없음<") == 2 + 1  # two rows and the count line
    assert re.search(r"금액 알 수 없음</th>\s*<td class=\"hj-num\">2건</td>", html)
    assert ">0원<" not in html
    assert "전주시 인재육성재단" in html and reverse("registry:council", args=[council.pk]) in html


def test_year_page_counts_without_names(client):
    event = make_event(title="한마음 워크숍", start_date=DAY, status="held")
    for _n in range(8):
        commendation(public=False, event=event, recipient_name="")
    Commendation.objects.filter(name_public=False).update(recipient_name="새면안되는이름")
    commendation(name="공개수상자")
    html = client.get(reverse("recognition:year", args=[2024])).content.decode()
    assert "이름 비공개 8명" in html
    assert "새면안되는이름" not in html  # a name typed but not public stays hidden
    assert "공개수상자" in html
    assert event.get_absolute_url() in html
    assert "<dd>9명</dd>" in html


def test_event_page_shows_what_was_given_there(client):
    event = make_event(title="한마음 워크숍", start_date=DAY, status="held")
    council = CouncilFactory(name="전주시협동조합협의회")
    donation(None, donor_council=council, event=event)
    services.plaque_create(
        data={
            "recipient_name": "박용근",
            "recipient_office": "전북도의회 의원",
            "date": DAY,
            "event": event,
        },
        by=None,
    )
    commendation(public=False, event=event)
    html = client.get(event.get_absolute_url()).content.decode()
    section = html[html.index('id="recognition-title"') :]
    assert "이름 비공개 1명" in section
    assert "박용근" in section and "전북도의회 의원" in section
    assert "금액 알 수 없음" in section
    assert "알려지지 않음" in section  # recipient and giver not stated


def test_profile_and_council_pages_show_recognition(client):
    org = OrganizationFactory(name="기부한협동조합")
    council = CouncilFactory(name="전주시 사회적기업협의회")
    donation(300_000, donor_organization=org)
    donation(None, donor_council=council)
    services.plaque_create(
        data={"recipient_name": "감사받은분", "date": DAY}, given_by_councils=[council], by=None
    )
    html = client.get(org.get_absolute_url()).content.decode()
    assert "300,000원" in html and "낸 기부금" in html
    html = client.get(reverse("registry:council", args=[council.pk])).content.decode()
    assert "금액 알 수 없음" in html and "감사받은분" in html
    assert Donation.objects.count() == 2


# --- regressions ----------------------------------------------------------------------------


def test_donation_amount_upper_bound():
    with pytest.raises(ValidationError) as exc:
        donation(10**13 + 1)
    assert "amount_krw" in exc.value.message_dict
    assert donation(10**13).amount_krw == 10**13


def test_year_page_does_not_show_draft_events(client):
    from hanjari.events.models import Event

    draft = make_event(title="비공개준비행사", status=Event.Status.DRAFT)
    public = make_event(title="공개된행사")
    donation(1000, event=draft)
    donation(2000, event=public)
    commendation(name="받은분", event=draft)
    html = client.get(reverse("recognition:year", args=[DAY.year])).content.decode()
    assert "비공개준비행사" not in html
    assert draft.get_absolute_url() not in html
    assert "공개된행사" in html and public.get_absolute_url() in html
