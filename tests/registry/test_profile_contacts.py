"""The organisation's own page: contact details with a 공개 switch each, opening hours,
employee range and introduction — the rules (hanjari.registry.contacts), the edit form,
what the profile, its JSON-LD, the directory CSV and search show, the history, the page
cache, and the values imported before the switches existed."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.urls import reverse

from hanjari.core import pagecache
from hanjari.core.models import AuditEntry
from hanjari.registry import contacts, services
from hanjari.registry.models import DesignationKind, Organization
from hanjari.registry.public import public_contacts
from tests.factories import DesignationFactory, OrganizationFactory
from tests.registry.profile_support import edit_data, jsonld


def edit_url(org: Organization) -> str:
    return reverse("registry:organization-edit", args=[org.pk])


def post_edit(client, org: Organization, **changes: object):
    return client.post(edit_url(org), edit_data(org, **changes))


def export_rows(client) -> list[list[str]]:
    response = client.get(reverse("registry:directory-export"))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


@pytest.fixture
def listed(org_a):
    """org_a with a current designation, so the directory and its CSV list it."""
    DesignationFactory(organization=org_a, kind=DesignationKind.VILLAGE_ENTERPRISE)
    return org_a


# ---- the rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("063-123-4567", "063-123-4567"),
        ("0631234567", "063-123-4567"),
        ("063 1234 5678", "063-1234-5678"),
        ("(063) 123-4567", "063-123-4567"),
        ("02-123-4567", "02-123-4567"),
        ("0212345678", "02-1234-5678"),
        ("1588-0000", "1588-0000"),
        ("16001234", "1600-1234"),
        ("010-1234-5678", "010-1234-5678"),
        ("+82 10 1234 5678", "010-1234-5678"),
        ("+82 (0)63 123 4567", "063-123-4567"),
        ("070-1234-5678", "070-1234-5678"),
        ("0505-123-4567", "0505-123-4567"),
        ("080-123-4567", "080-123-4567"),
    ],
)
def test_phone_numbers_are_read_and_hyphenated(typed, stored):
    assert contacts.phone_format(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "전화 주세요",
        "12345",
        "063-123",
        "010-123-4567",  # 010 numbers have 11 digits
        "099-123-4567",  # no such area code
        "０６３-１２３-４５６７",  # full-width digits
        "063-123-4567 내선 2",
        "9" * 30,
        "javascript:alert(1)",
    ],
)
def test_what_is_not_a_phone_number(typed):
    assert contacts.phone_format(typed) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ([], True),
        ([{"day": "mon", "opens": "09:00", "closes": "18:00"}], True),
        ([{"day": "mon", "opens": "18:00", "closes": "09:00"}], False),
        ([{"day": "mon", "opens": "09:00", "closes": "09:00"}], False),
        ([{"day": "mon", "opens": "9:00", "closes": "18:00"}], False),
        ([{"day": "mon", "opens": "09:00", "closes": "24:00"}], False),
        ([{"day": "xyz", "opens": "09:00", "closes": "18:00"}], False),
        ([{"day": "mon", "opens": "09:00", "closes": "18:00", "x": 1}], False),
        ([{"day": "mon", "opens": "09:00", "closes": "12:00"}] * 2, False),
        ({"mon": "09:00-18:00"}, False),
        ("월~금 9시", False),
    ],
)
def test_opening_hours_validator(value, ok):
    from django.core.exceptions import ValidationError

    if ok:
        contacts.validate_opening_hours(value)
    else:
        with pytest.raises(ValidationError):
            contacts.validate_opening_hours(value)


def test_opening_hours_are_grouped_by_equal_days():
    weekday = {"opens": "09:00", "closes": "18:00"}
    value = [
        {"day": d, **weekday}
        for d in ("fri", "mon", "tue", "wed", "thu")  # any order
    ] + [{"day": "sat", "opens": "10:00", "closes": "14:00"}]
    lines = contacts.opening_hours_lines(value)
    assert [(line.days, line.hours) for line in lines] == [
        ("월~금", "09:00~18:00"),
        ("토", "10:00~14:00"),
        ("일", ""),
    ]
    assert contacts.opening_hours_text(value) == "월~금 09:00~18:00, 토 10:00~14:00, 일 쉬는 날"
    assert contacts.opening_hours_lines([]) == []
    assert contacts.opening_hours_lines("garbage") == []


def test_employee_ranges_have_bounds():
    assert contacts.EmployeeRange.bounds("1-4") == (1, 4)
    assert contacts.EmployeeRange.bounds("100+") == (100, None)
    assert contacts.EmployeeRange.bounds("7") is None


# ---- the form ------------------------------------------------------------------------


def test_the_form_shows_every_field_once_with_the_personal_data_note(client, org_a, member_a):
    client.force_login(member_a)
    html = client.get(edit_url(org_a)).content.decode()
    from hanjari.registry.forms import OrganizationForm

    for name in OrganizationForm(instance=org_a).fields:
        # The identifying fields are read-only text for a member (staff change them).
        expected = 0 if name in services.IDENTIFYING_FIELDS else 1
        assert html.count(f'name="{name}"') == expected, name
    assert "센터에 요청해 고칠 수 있습니다" in html
    assert "<dt>이름</dt><dd>가나다협동조합</dd>" in html
    assert "개인정보 보호법 제15조" in html
    assert "<legend>연락처</legend>" in html
    assert '<label class="sr-only" for="id_hours_mon_opens">월요일 여는 시각</label>' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "abc", "전화번호 형식이 아닙니다"),
        ("phone", "9" * 30, "전화번호 형식이 아닙니다"),
        ("phone", "9" * 31, "최대 30 개의 글자"),
        ("contact_email", "not-an-email", "올바른 이메일 주소를 입력하세요"),
        ("contact_email", "a@" + "b" * 300 + ".kr", "올바른 이메일 주소를 입력하세요"),
        ("website", "javascript:alert(1)", "누리집은 http:// 또는 https://"),
        ("instagram_url", "javascript:alert(1)", "http:// 또는 https://"),
        ("blog_url", "ftp://files.hanjari.kr/", "http:// 또는 https://"),
        ("youtube_url", "data:text/html,<script>alert(1)</script>", "http:// 또는 https://"),
        ("instagram_url", "https://evil.example/hanjari", "인스타그램 주소가 아닙니다"),
        ("facebook_url", "https://facebook.com.evil.example/x", "페이스북 주소가 아닙니다"),
        ("kakao_channel_url", "https://open.kakao.com/o/x", "카카오톡 채널 주소가 아닙니다"),
        ("instagram_url", "https://instagram.com/" + "a" * 300, "최대 300 개의 글자"),
        ("description", "가" * 5001, "최대 5000 개의 글자"),
        ("products", "가" * 2001, "최대 2000 개의 글자"),
        ("address", "가" * 301, "최대 300 개의 글자"),
        ("employee_range", "1000-9999", "올바르게 선택해 주세요"),
        ("opening_hours_note", "가" * 201, "최대 200 개의 글자"),
        ("hours_mon_opens", "25:00", "올바른 시각을 입력하세요"),
        ("hours_mon_opens", "9999-12-31", "올바른 시각을 입력하세요"),
    ],
)
def test_bad_values_are_form_errors_not_server_errors(
    client, org_a, member_a, field, value, message
):
    client.force_login(member_a)
    response = post_edit(client, org_a, **{field: value, "industry": "카페"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    org_a.refresh_from_db()
    assert org_a.industry == "서비스업"  # nothing saved


def test_phone_is_stored_hyphenated_and_a_listed_number_is_kept_as_it_was(client, org_a, member_a):
    client.force_login(member_a)
    assert post_edit(client, org_a, phone="+82 63 123 4567").status_code == 302
    org_a.refresh_from_db()
    assert org_a.phone == "063-123-4567"
    # A number kept from an official list in another shape does not block other edits.
    Organization.objects.filter(pk=org_a.pk).update(phone="063)123-4567(내선2)")
    org_a.refresh_from_db()
    assert post_edit(client, org_a, industry="카페").status_code == 302
    org_a.refresh_from_db()
    assert (org_a.phone, org_a.industry) == ("063)123-4567(내선2)", "카페")


def test_social_links_on_their_hosts_are_kept(client, org_a, member_a):
    client.force_login(member_a)
    response = post_edit(
        client,
        org_a,
        blog_url="blog.naver.com/hanjari",
        instagram_url="https://www.instagram.com/hanjari",
        facebook_url="https://m.facebook.com/hanjari",
        youtube_url="https://youtu.be/abc",
        kakao_channel_url="https://pf.kakao.com/_abcd",
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.blog_url == "https://blog.naver.com/hanjari"
    assert org_a.facebook_url == "https://m.facebook.com/hanjari"
    assert org_a.kakao_channel_url == "https://pf.kakao.com/_abcd"


def test_opening_hours_from_the_form(client, org_a, member_a):
    client.force_login(member_a)
    hours = {
        f"hours_{d}_{w}": t
        for d in ("mon", "tue")
        for w, t in (("opens", "09:00"), ("closes", "18:00"))
    }
    response = post_edit(client, org_a, **hours, opening_hours_note="점심시간 12:00~13:00")
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.opening_hours == [
        {"day": "mon", "opens": "09:00", "closes": "18:00"},
        {"day": "tue", "opens": "09:00", "closes": "18:00"},
    ]
    # The form shows them again, and saving without a change keeps them.
    html = client.get(edit_url(org_a)).content.decode()
    assert 'name="hours_tue_closes" value="18:00"' in html
    assert post_edit(client, org_a, industry="카페").status_code == 302
    org_a.refresh_from_db()
    assert len(org_a.opening_hours) == 2
    # Clearing Tuesday leaves Monday.
    assert post_edit(client, org_a, hours_tue_opens="", hours_tue_closes="").status_code == 302
    org_a.refresh_from_db()
    assert [item["day"] for item in org_a.opening_hours] == ["mon"]


@pytest.mark.parametrize(
    ("opens", "closes", "field", "message"),
    [
        ("09:00", "", "hours_wed_closes", "여는 시각과 닫는 시각을 함께 적어 주세요"),
        ("", "18:00", "hours_wed_opens", "여는 시각과 닫는 시각을 함께 적어 주세요"),
        ("18:00", "09:00", "hours_wed_closes", "닫는 시각은 여는 시각보다 늦어야 합니다"),
        ("09:00", "09:00", "hours_wed_closes", "닫는 시각은 여는 시각보다 늦어야 합니다"),
    ],
)
def test_opening_hours_need_both_times_in_order(
    client, org_a, member_a, opens, closes, field, message
):
    client.force_login(member_a)
    response = post_edit(client, org_a, hours_wed_opens=opens, hours_wed_closes=closes)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    org_a.refresh_from_db()
    assert org_a.opening_hours == []


def test_description_is_plain_text(client, org_a, member_a):
    client.force_login(member_a)
    text = "<script>alert(1)</script><b>두부</b> 만드는 곳\n\n"
    text += '둘째 문단 <a href="javascript:x">링크</a>'
    assert post_edit(client, org_a, description=text).status_code == 302
    html = client.get(org_a.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "<b>두부</b>" not in html
    assert "&lt;b&gt;두부&lt;/b&gt; 만드는 곳" in html
    assert "<p>둘째 문단 &lt;a href=&quot;javascript:x&quot;&gt;링크&lt;/a&gt;</p>" in html
    assert jsonld(html)["description"] == text


# ---- public or not -------------------------------------------------------------------


def test_a_new_contact_starts_not_public_anywhere(client, listed, member_a):
    org = listed
    client.force_login(member_a)
    response = post_edit(
        client,
        org,
        phone="063-123-4567",
        contact_email="info@dubu.kr",
        website="https://dubu.kr/",
        instagram_url="https://instagram.com/dubu",
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.phone, org.contact_email, org.website) == (
        "063-123-4567",
        "info@dubu.kr",
        "https://dubu.kr/",
    )
    assert not (org.phone_public or org.email_public or org.website_public or org.instagram_public)
    client.logout()
    html = client.get(org.get_absolute_url()).content.decode()
    for secret in ("063-123-4567", "info@dubu.kr", "dubu.kr", "instagram.com/dubu"):
        assert secret not in html, secret
    data = jsonld(html)
    assert not {"telephone", "email", "sameAs"} & set(data)
    [header, row] = export_rows(client)
    assert (header[8], header[9]) == ("누리집", "대표 전화")
    assert (row[8], row[9]) == ("", "")
    assert "info@dubu.kr" not in ",".join(row)


def test_owner_turns_each_contact_public(client, listed, member_a):
    org = listed
    client.force_login(member_a)
    response = post_edit(
        client,
        org,
        phone="063-123-4567",
        phone_public=True,
        contact_email="info@dubu.kr",
        email_public=True,
        website="https://dubu.kr/",
        website_public=True,
        instagram_url="https://instagram.com/dubu",
        instagram_public=True,
        youtube_url="https://youtube.com/@dubu",  # not switched on
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(org.get_absolute_url()).content.decode()
    assert (
        '<th scope="row">대표 전화</th><td><a href="tel:0631234567">063-123-4567</a></td>' in html
    )
    assert '<a href="mailto:info@dubu.kr">info@dubu.kr</a>' in html
    assert 'href="https://dubu.kr/" rel="nofollow noopener"' in html
    assert '<th scope="row">인스타그램</th>' in html
    assert "youtube.com/@dubu" not in html
    data = jsonld(html)
    assert data["telephone"] == "063-123-4567"
    assert data["email"] == "info@dubu.kr"
    assert data["sameAs"] == ["https://dubu.kr/", "https://instagram.com/dubu"]
    [_header, row] = export_rows(client)
    assert (row[8], row[9]) == ("https://dubu.kr/", "063-123-4567")


def test_turning_a_switch_off_hides_it_again_and_emptying_resets_it(client, org_a, member_a):
    client.force_login(member_a)
    post_edit(client, org_a, phone="063-123-4567", phone_public=True)
    org_a.refresh_from_db()
    assert public_contacts(org_a).phone == "063-123-4567"
    post_edit(client, org_a, phone_public=False)
    org_a.refresh_from_db()
    assert (org_a.phone, org_a.phone_public) == ("063-123-4567", False)
    assert "063-123-4567" not in client.get(org_a.get_absolute_url()).content.decode()
    # Switch on, then empty the number: a number typed later starts hidden again.
    post_edit(client, org_a, phone_public=True)
    org_a.refresh_from_db()
    post_edit(client, org_a, phone="")
    org_a.refresh_from_db()
    assert (org_a.phone, org_a.phone_public) == ("", False)


def test_a_mobile_number_is_shown_only_when_switched_on(client, org_a, member_a):
    """The switch is the organisation's consent (개인정보 보호법 §15); without it a
    mobile number stays hidden, as imported ones do."""
    client.force_login(member_a)
    post_edit(client, org_a, phone="010-1234-5678")
    assert "010-1234-5678" not in client.get(org_a.get_absolute_url()).content.decode()
    org_a.refresh_from_db()
    post_edit(client, org_a, phone_public=True)
    assert "010-1234-5678" in client.get(org_a.get_absolute_url()).content.decode()


def test_a_javascript_address_stored_public_is_never_a_link(db):
    org = OrganizationFactory(instagram_public=True, website_public=True)
    Organization.objects.filter(pk=org.pk).update(
        instagram_url="javascript:alert(1)", website="javascript:alert(1)"
    )
    org.refresh_from_db()
    shown = public_contacts(org)
    assert (shown.website, shown.socials, shown.same_as) == ("", [], [])


def test_search_never_finds_a_hidden_email(client, db):
    from hanjari.search import ranking

    ranking.forget()  # document frequencies of this test's data only
    org = OrganizationFactory(name="숨은메일협동조합", contact_email="secret@dubu.kr")
    DesignationFactory(organization=org)
    for query in ("secret@dubu.kr", "secret", "dubu.kr"):
        response = client.get(reverse("search:search"), {"q": query})
        assert response.status_code == 200
        assert "숨은메일협동조합" not in response.content.decode()
    # The organisation is indexed (found by its name).
    found = client.get(reverse("search:search"), {"q": "숨은메일협동조합"}).content.decode()
    assert "숨은메일협동조합</mark>" in found or "숨은메일협동조합</a>" in found


# ---- the rest of the profile -----------------------------------------------------------


def test_profile_shows_hours_employees_and_founding_date(client, org_a, member_a):
    client.force_login(member_a)
    hours = {
        f"hours_{d}_{w}": t
        for d in ("mon", "tue", "wed", "thu", "fri")
        for w, t in (("opens", "09:00"), ("closes", "18:00"))
    }
    response = post_edit(
        client,
        org_a,
        **hours,
        hours_sat_opens="10:00",
        hours_sat_closes="14:00",
        opening_hours_note="공휴일 쉼",
        employee_range="10-29",
        founded_on="2015-03-02",
    )
    assert response.status_code == 302
    client.logout()
    html = client.get(org_a.get_absolute_url()).content.decode()
    assert '<th scope="row">직원 수</th><td>10~29명</td>' in html
    assert '<th scope="row">설립일</th><td>2015-03-02</td>' in html
    assert '<span class="hj-hours-days">월~금</span> 09:00~18:00' in html
    assert '<span class="hj-hours-days">일</span> 쉬는 날' in html
    assert "공휴일 쉼" in html
    data = jsonld(html)
    assert data["foundingDate"] == "2015-03-02"
    assert data["numberOfEmployees"] == {
        "@type": "QuantitativeValue",
        "minValue": 10,
        "maxValue": 29,
    }
    assert data["openingHoursSpecification"][0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00",
        "closes": "18:00",
    }
    assert len(data["openingHoursSpecification"]) == 6


# ---- history, audit, page cache -------------------------------------------------------------


def test_history_and_audit_say_what_changed_in_words(client, org_a, member_a, staff):
    client.force_login(member_a)
    for changes in (
        {"phone": "063-123-4567"},
        {"phone_public": True},
        {"hours_mon_opens": "09:00", "hours_mon_closes": "18:00"},
    ):
        assert post_edit(client, org_a, **changes).status_code == 302
        org_a.refresh_from_db()
    entries = AuditEntry.objects.filter(action="registry.organization.updated").order_by("pk")
    assert [e.data for e in entries] == [
        {"fields": ["phone"]},
        {"fields": ["phone_public"], "public": {"phone_public": True}},
        {"fields": ["opening_hours"]},
    ]

    client.force_login(staff)
    from tests.registry.test_views import table_rows

    html = client.get(reverse("registry:organization-history", args=[org_a.pk])).content.decode()
    rows = table_rows(html, "hj-table")
    assert rows[1][2:] == [
        "여는 시간 변경",
        "member_a",
        "여는 시간: ∅ → 월 09:00~18:00, 화~일 쉬는 날",
    ]
    assert rows[2][2:] == ["연락처 공개 설정 변경", "member_a", "대표 전화 공개: 비공개 → 공개"]
    assert rows[3][2:] == ["연락처 변경", "member_a", "대표 전화: ∅ → 063-123-4567"]


def test_an_edit_replaces_the_cached_profile(
    client, org_a, staff, settings, django_capture_on_commit_callbacks
):
    settings.HANJARI_PAGE_CACHE_SECONDS = 60
    url = org_a.get_absolute_url()
    assert client.get(url)[pagecache.HEADER] == "miss"
    assert client.get(url)[pagecache.HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.organization_update(
            organization=org_a, by=staff, data={"phone": "063-123-4567", "phone_public": True}
        )
    response = client.get(url)
    assert response[pagecache.HEADER] == "miss"
    assert "063-123-4567" in response.content.decode()


def test_service_refuses_a_bad_phone_by_field(org_a, staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.organization_update(organization=org_a, by=staff, data={"phone": "abc"})
    assert "phone" in caught.value.message_dict


# ---- values from before the switches, and from the official lists ----------------------------


def test_migration_keeps_listed_office_phones_and_websites_public(db):
    migration = importlib.import_module("hanjari.registry.migrations.0006_organization_profile")
    office = OrganizationFactory(phone="063-123-4567", website="https://dubu.kr/")
    representative = OrganizationFactory(phone="1600-1234", website="www.dubu.kr")
    mobile = OrganizationFactory(phone="010-1234-5678", website="홈페이지 준비 중")
    international = OrganizationFactory(phone="+82-10-1234-5678", website="javascript:alert(1)")
    nothing = OrganizationFactory()
    migration.switch_on_listed_contacts(apps, None)
    switches = {
        org.pk: (org.phone_public, org.website_public)
        for org in Organization.objects.filter(
            pk__in=[o.pk for o in (office, representative, mobile, international, nothing)]
        )
    }
    assert switches == {
        office.pk: (True, True),
        representative.pk: (True, True),
        mobile.pk: (False, False),
        international.pk: (False, False),
        nothing.pk: (False, False),
    }


def test_import_makes_listed_office_phones_public_not_mobiles(db):
    from hanjari.registry.services import registry_import
    from tests.registry.importdata import SE_OLD_NAME, se_old_csv, social_enterprise

    rows = [
        social_enterprise("사무실조합", "제2015-001호", phone="063-123-4567", start_date=None),
        social_enterprise("휴대전화조합", "제2015-002호", phone="010-1234-5678", start_date=None),
    ]
    report = registry_import(data=se_old_csv(rows), file_name=SE_OLD_NAME)
    assert not report.errors, report.errors
    office = Organization.objects.get(name="사무실조합")
    mobile = Organization.objects.get(name="휴대전화조합")
    assert (office.phone, office.phone_public) == ("063-123-4567", True)
    assert (mobile.phone, mobile.phone_public) == ("010-1234-5678", False)


def test_merge_brings_a_filled_contact_with_its_switch(db, staff):
    keep = OrganizationFactory(name="남는조합")
    drop = OrganizationFactory(
        name="합쳐지는조합",
        contact_email="info@dubu.kr",
        email_public=True,
        instagram_url="https://instagram.com/dubu",
        opening_hours=[{"day": "mon", "opens": "09:00", "closes": "18:00"}],
        employee_range="5-9",
        founded_on=dt.date(2015, 3, 2),
    )
    services.organization_merge(keep=keep, drop=drop, by=staff)
    keep.refresh_from_db()
    assert (keep.contact_email, keep.email_public) == ("info@dubu.kr", True)
    assert (keep.instagram_url, keep.instagram_public) == ("https://instagram.com/dubu", False)
    assert keep.opening_hours == [{"day": "mon", "opens": "09:00", "closes": "18:00"}]
    assert keep.employee_range == "5-9"
