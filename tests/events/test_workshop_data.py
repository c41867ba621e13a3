"""`load_workshop_2023`: the 2023-12-11 Jeonju workshop as data, field by field, from the
reference article only (data/news/jeonju_workshop_2023-12-11.txt) — nothing invented —
and idempotent."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.events.models import Booth, Event, EventPhoto, ProgrammeItem, Registration
from hanjari.news.models import Article
from hanjari.recognition.models import Commendation, Donation, Plaque
from hanjari.registry.models import Council, Designation, Organization
from tests.events.pages_support import load_workshop
from tests.news.reader_support import REFERENCE_FILE

pytestmark = pytest.mark.django_db

DAY = dt.date(2023, 12, 11)
COUNCILS = {
    "전주시 사회적기업협의회": "social_enterprise",
    "전주시 마을기업협의회": "village",
    "전주시 자활기업협의회": "self_sufficiency",
    "전주시협동조합협의회": "cooperative",
}
PROGRAMME = [
    ("기념사", "address", "김송일", "전주시협동조합협의회장"),
    ("축사", "address", "우범기", "전주시장"),
    ("사회적경제기업제품 소개 홍보부스 운영·둘러보기", "tour", "", ""),
    ("사회적경제분야 유공자 표창", "award", "", ""),
    ("기부금 전달식", "donation", "", ""),
    ("감사패 전달식", "plaque", "", ""),
    ("2023년 주요사업 성과보고", "report", "", ""),
    ("사회적경제 정책과 지역형 사회적경제 대응방안 특강", "lecture", "", ""),
    ("사회적경제기업 네트워크 시간", "networking", "", ""),
]
PLAQUES = [
    ("우범기", "전주시장"),
    ("송영진", "전주시의회 문화경제위원장"),
    ("김동헌", "전주시의회 의원"),
    ("박용근", "전북도의회 의원"),
]


@pytest.fixture
def workshop():
    return load_workshop()


def test_the_four_councils(workshop):
    councils = {c.name: c for c in Council.objects.filter(name__in=COUNCILS)}
    assert set(councils) == set(COUNCILS)
    for name, sector in COUNCILS.items():
        council = councils[name]
        assert (council.sector, council.sido, council.sigungu) == (
            sector,
            "전북특별자치도",
            "전주시",
        )
        assert council.description == ""
        assert not council.memberships.exists()  # the article names no members


def test_the_support_centre(workshop):
    centre = Organization.objects.get(name="전주시사회적경제지원센터")
    assert (centre.sido, centre.sigungu) == ("전북특별자치도", "전주시")
    assert not Designation.objects.filter(organization=centre).exists()
    for field in ("address", "brn", "crn", "phone", "website", "representative", "industry"):
        assert getattr(centre, field) == "", field


def test_the_event(workshop):
    e = workshop
    assert e.kind == Event.Kind.WORKSHOP
    assert e.status == Event.Status.HELD
    assert (e.start_date, e.end_date) == (DAY, DAY)
    assert (e.start_time, e.end_time) == (None, None)  # the article gives no times
    assert e.venue_name == "라한호텔 전주"
    assert e.venue_address == ""  # not in the article
    assert e.organiser_text == "전주시"
    assert e.attendance_note == "100여 명"
    assert e.capacity is None
    assert (e.registration_opens_at, e.registration_closes_at) == (None, None)
    assert set(e.participating_councils.values_list("name", flat=True)) == set(COUNCILS)
    assert list(e.participating_organizations.values_list("name", flat=True)) == [
        "전주시사회적경제지원센터"
    ]
    assert e.description.startswith("사회적경제기업들이 그간의 활동 내용과 성과를 공유하고")
    assert e.description.rstrip(".") in REFERENCE_FILE.read_text(encoding="utf-8")
    assert not Booth.objects.filter(event=e).exists()  # no exhibitor is named
    assert not EventPhoto.objects.filter(event=e).exists()
    assert not Registration.objects.filter(event=e).exists()


def test_the_programme_in_the_articles_order(workshop):
    items = list(ProgrammeItem.objects.filter(event=workshop).order_by("order"))
    assert [i.order for i in items] == list(range(1, 10))
    assert [(i.title, i.kind, i.speaker_name, i.speaker_role) for i in items] == PROGRAMME
    assert all(i.start_time is None and i.duration_minutes is None for i in items)
    assert all(i.speaker_organization is None and i.location == "" for i in items)


def test_eight_commendations_without_names(workshop):
    commendations = Commendation.objects.filter(event=workshop)
    assert commendations.count() == 8
    for c in commendations:
        assert c.title == "사회적경제분야 유공자 표창"
        assert c.name_public is False
        assert (c.recipient_name, c.recipient_affiliation) == ("", "")
        assert c.recipient_organization is None
        assert c.conferred_by == ""  # the article does not say who conferred them
        assert c.citation == "전주의 사회적경제 생태계 조성 및 지역경제 활성화에 이바지"
        assert c.date == DAY


def test_four_donations_of_unknown_amount(workshop):
    donations = list(Donation.objects.filter(event=workshop).select_related("donor_council"))
    assert {d.donor_council.name for d in donations} == set(COUNCILS)
    for d in donations:
        assert d.amount_krw is None  # unknown, not zero
        assert (d.recipient_organization, d.recipient_text, d.purpose) == (None, "", "")
        assert (d.donor_organization, d.donor_name) == (None, "")
        assert d.date == DAY


def test_four_plaques_to_the_people_named(workshop):
    plaques = list(Plaque.objects.filter(event=workshop).order_by("id"))
    assert [(p.recipient_name, p.recipient_office) for p in plaques] == PLAQUES
    for p in plaques:
        assert p.given_by == ""  # not stated
        assert not p.given_by_councils.exists()
        assert (p.reason, p.date) == ("", DAY)


def test_linked_to_the_news_article(workshop):
    article = Article.objects.get(headline="‘강한 경제 전주’의 한 축, 사회적경제기업 ‘한 자리에!’")
    assert list(workshop.articles.all()) == [article]


def test_idempotent(workshop):
    counts = [
        m.objects.count()
        for m in (Council, Organization, Event, ProgrammeItem, Commendation, Donation, Plaque)
    ]
    audit = AuditEntry.objects.count()
    call_command("load_workshop_2023", stdout=io.StringIO())
    call_command("load_workshop_2023", stdout=io.StringIO())
    assert [
        m.objects.count()
        for m in (Council, Organization, Event, ProgrammeItem, Commendation, Donation, Plaque)
    ] == counts
    assert AuditEntry.objects.count() == audit
    assert workshop.articles.count() == 1


def test_without_the_article_then_linked_on_a_later_run():
    event = load_workshop(with_article=False)
    assert not event.articles.exists()
    load_workshop(with_article=True)
    assert event.articles.count() == 1
    assert Commendation.objects.filter(event=event).count() == 8


def test_writes_are_audited(workshop):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "registry.council.created",
        "registry.organization.created",
        "events.event.created",
        "events.programme.added",
        "recognition.commendation.created",
        "recognition.donation.created",
        "recognition.plaque.created",
        "events.event.article_linked",
    } <= actions


def test_existing_council_is_reused():
    Council.objects.create(name="전주시 마을기업협의회", sector="village", description="기존 소개")
    load_workshop(with_article=False)
    council = Council.objects.get(name="전주시 마을기업협의회")
    assert council.description == "기존 소개"
    assert Council.objects.filter(name__in=COUNCILS).count() == 4


def test_shown_on_the_event_page(client, workshop):
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "2023년 12월 11일 (월) · 시간 미정" in html
    assert "라한호텔 전주" in html and "100여 명" in html
    assert "이름 비공개 8명" in html
    assert html.count("금액 알 수 없음") >= 4
    for name, office in PLAQUES:
        assert name in html and office in html
    shown = re.findall(r'<p class="hj-programme-title">.*?</span> (.*?)</p>', html)
    assert shown == [title for title, *_rest in PROGRAMME]
    article = workshop.articles.get()
    assert reverse("news:article", args=[article.pk]) in html


def test_linked_from_the_article_and_the_council_pages(client, workshop):
    article = workshop.articles.get()
    html = client.get(article.get_absolute_url()).content.decode()
    assert workshop.get_absolute_url() in html
    for council in Council.objects.filter(name__in=COUNCILS):
        page = client.get(reverse("registry:council", args=[council.pk])).content.decode()
        assert workshop.get_absolute_url() in page
        assert "금액 알 수 없음" in page  # the council's donation, amount unknown
    centre = Organization.objects.get(name="전주시사회적경제지원센터")
    assert workshop.get_absolute_url() in client.get(centre.get_absolute_url()).content.decode()
