"""Registration pages: the form (member, guest, staff entering someone), the
registration page (QR, contact data for the registrant and staff only), guest
confirmation (GET shows, POST confirms), cancellation, the staff list, decisions, CSV
(safe cells) and badges; refusals are 4xx with a Korean message."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hanjari.events.models import Event, Registration
from hanjari.events.services import registrations as services
from tests.events.registration_support import confirm_link, open_event, register
from tests.factories import (
    CouncilFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Registration.Status


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Guest registrations are rate limited per address (in the cache): start clean."""
    cache.clear()
    yield
    cache.clear()


def register_url(event: Event) -> str:
    return reverse("events:register", kwargs={"pk": event.pk})


def page_url(reg: Registration) -> str:
    return reverse("events:registration", kwargs={"token": reg.token})


def form_data(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "person_name": "홍길동",
        "organization_name": "길동협동조합",
        "attendees": 1,
        "contact_email": "",
        "contact_phone": "010-1234-5678",
        "accessibility_needs": "휠체어를 씁니다",
        "consent": "on",
    }
    data.update(extra)
    return data


# --- the form -------------------------------------------------------------------------------


def test_guest_sees_the_form_with_email_required(client):
    event = open_event()
    response = client.get(register_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert event.title in html
    assert 'name="contact_email"' in html
    assert "확인 메일" in html
    assert 'name="consent"' in html
    assert 'name="organization"' not in html  # guests type their organisation
    # Help texts are tied to their fields by the ids the template gives them.
    for name in ("attendees", "contact_email", "consent", "organization_name"):
        assert f'aria-describedby="id_{name}_help"' in html, name
        assert f'<p class="form-hint" id="id_{name}_help">' in html, name
    assert "이 주소로 확인 메일을 보냅니다" in html  # the guest's own help text
    assert "noindex" in html


def test_member_chooses_among_their_organisations(client, member_a, org_a, org_b):
    client.force_login(member_a)
    response = client.get(register_url(open_event()))
    html = response.content.decode()
    assert f'<option value="{org_a.pk}" selected>{org_a.name}</option>' in html
    assert org_b.name not in html


def test_member_registers_and_sees_the_qr(client, member_a, org_a):
    event = open_event()
    client.force_login(member_a)
    response = client.post(register_url(event), form_data(organization=org_a.pk))
    assert response.status_code == 303
    reg = Registration.objects.get(event=event)
    assert response["Location"] == page_url(reg)
    assert (reg.user, reg.organization, reg.source, reg.status) == (
        member_a,
        org_a,
        "web",
        S.CONFIRMED,
    )
    assert reg.organization_name == ""
    page = client.get(response["Location"])
    html = page.content.decode()
    assert reverse("events:registration-qr", kwargs={"token": reg.token}) in html
    assert "참가가 확정되었습니다" in html
    assert "010-1234-5678" in html  # the registrant sees their contact data
    assert "no-store" in page["Cache-Control"]


def test_member_cannot_pick_another_organisation(client, member_a, org_b):
    client.force_login(member_a)
    response = client.post(register_url(open_event()), form_data(organization=org_b.pk))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_invalid_form_is_400_with_messages(client, plain_user):
    client.force_login(plain_user)
    response = client.post(
        register_url(open_event()),
        form_data(consent="", attendees=0, contact_phone="전화번호"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "개인정보 수집·이용에 동의해야 신청할 수 있습니다." in html
    assert "전화번호는 숫자와 - 로 적어 주세요." in html
    assert 'aria-invalid="true"' in html


def test_outside_the_window(client, plain_user):
    event = open_event(
        registration_opens_at=timezone.now() + dt.timedelta(days=1),
        registration_closes_at=timezone.now() + dt.timedelta(days=5),
    )
    client.force_login(plain_user)
    page = client.get(register_url(event))
    assert page.status_code == 200
    assert "신청 기간이 아닙니다 (" in page.content.decode()
    assert 'name="consent"' not in page.content.decode()  # no form
    response = client.post(register_url(event), form_data())
    assert response.status_code == 400
    assert "신청 기간이 아닙니다 (" in response.content.decode()
    assert not Registration.objects.exists()


def test_duplicate_is_409(client, plain_user):
    event = open_event()
    register(event, by=plain_user)
    client.force_login(plain_user)
    page = client.get(register_url(event))
    assert "이미 이 행사에 신청했습니다" in page.content.decode()
    response = client.post(register_url(event), form_data())
    assert response.status_code == 409
    assert "이미 이 행사에 신청했습니다" in response.content.decode()


def test_ineligible_is_403(client, member_a, org_a):
    event = open_event(eligibility=Event.Eligibility.COUNCILS)
    event.eligible_councils.add(CouncilFactory(name="전주시 자활기업협의회"))
    client.force_login(member_a)
    response = client.post(register_url(event), form_data(organization=org_a.pk))
    assert response.status_code == 403
    assert "전주시 자활기업협의회 회원사만" in response.content.decode()


def test_council_event_asks_guests_to_log_in(client):
    event = open_event(eligibility=Event.Eligibility.COUNCILS)
    html = client.get(register_url(event)).content.decode()
    assert "로그인한 뒤 신청해 주세요" in html
    assert 'name="consent"' not in html


def test_draft_event_is_404_except_for_staff(client, plain_user, staff):
    event = open_event(status=Event.Status.DRAFT)
    assert client.get(register_url(event)).status_code == 404
    client.force_login(plain_user)
    response = client.get(register_url(event))
    assert response.status_code == 404
    client.force_login(staff)
    assert client.get(register_url(event)).status_code == 200


def test_unknown_event_is_404(client):
    assert client.get(reverse("events:register", kwargs={"pk": 999999})).status_code == 404


def test_staff_enters_someone_elses_registration(client, staff, org_b):
    event = open_event(status=Event.Status.CLOSED)
    client.force_login(staff)
    response = client.post(
        register_url(event),
        form_data(
            on_behalf="on",
            person_name="현장등록",
            organization_name=f"#{org_b.pk}",
            contact_email="walkin@example.kr",
        ),
    )
    assert response.status_code == 303
    assert response["Location"] == reverse("events:manage", kwargs={"pk": event.pk})
    reg = Registration.objects.get(event=event)
    assert (reg.source, reg.user, reg.organization) == ("staff", None, org_b)


# --- guests ---------------------------------------------------------------------------------


def test_guest_registers_confirms_by_email(client, django_capture_on_commit_callbacks):
    event = open_event()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), form_data(contact_email="guest@example.kr"))
    assert response.status_code == 303
    # Back to the event page: the registration page's address goes by e-mail only.
    assert response["Location"] == event.get_absolute_url()
    reg = Registration.objects.get(event=event)
    assert reg.status == S.UNCONFIRMED
    page = client.get(response["Location"]).content.decode()
    assert (
        "신청을 받았습니다. guest@example.kr 로 보낸 확인 메일의 링크를 눌러야 접수됩니다." in page
    )
    assert reg.token not in page

    link = confirm_link(mail.outbox[0].body)
    shown = client.get(link)
    assert shown.status_code == 200
    assert "신청 확인" in shown.content.decode()
    assert Registration.objects.get(pk=reg.pk).status == S.UNCONFIRMED  # GET changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert done.status_code == 303
    assert done["Location"] == page_url(reg)
    assert Registration.objects.get(pk=reg.pk).status == S.CONFIRMED
    assert "참가 확정" in mail.outbox[-1].subject
    again = client.get(link)
    assert "이미 확인한 신청입니다" in again.content.decode()


def test_forged_confirmation_link_is_400(client):
    url = reverse("events:registration-confirm", kwargs={"token": "abc:def"})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 400
        assert "올바른 확인 링크가 아닙니다" in response.content.decode()


def test_guest_without_email_is_400(client):
    response = client.post(register_url(open_event()), form_data(contact_email=""))
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_guest_registrations_are_rate_limited(client):
    event = open_event(capacity=None)
    codes = [
        client.post(register_url(event), form_data(contact_email=f"g{i}@example.kr")).status_code
        for i in range(6)
    ]
    assert codes == [303] * 5 + [429]


# --- the registration page ------------------------------------------------------------------


def test_contact_data_only_for_registrant_and_staff(client, plain_user, staff):
    event = open_event()
    reg = register(
        event,
        by=plain_user,
        contact_email="private@example.kr",
        contact_phone="010-9999-0000",
        accessibility_needs="수어 통역 부탁드립니다",
    )
    secrets_shown = ("private@example.kr", "010-9999-0000", "수어 통역")

    def html_for(user: object) -> str:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(page_url(reg))
        assert response.status_code == 200
        return response.content.decode()

    for viewer in (plain_user, staff):
        html = html_for(viewer)
        assert all(s in html for s in secrets_shown)
    # Someone else holding the link sees the status, not the contact data.
    for viewer in (None, UserFactory(username="stranger")):
        html = html_for(viewer)
        assert reg.person_name in html
        assert not any(s in html for s in secrets_shown)
        assert "신청 취소" not in html


def test_guest_token_holder_sees_contact_and_may_cancel(client):
    event = open_event()
    reg = register(event, contact_email="holder@example.kr")
    html = client.get(page_url(reg)).content.decode()
    assert "holder@example.kr" in html
    assert "신청 취소" in html


def test_unknown_registration_is_404_with_message(client):
    response = client.get(reverse("events:registration", kwargs={"token": "x" * 32}))
    assert response.status_code == 404


def test_waitlist_position_shown(client, plain_user):
    event = open_event(capacity=1)
    register(event, by=UserFactory())
    reg = register(event, by=plain_user)
    client.force_login(plain_user)
    assert "대기 순번: 1번째" in client.get(page_url(reg)).content.decode()


# --- cancellation ---------------------------------------------------------------------------


def test_cancel_by_registrant(client, plain_user):
    event = open_event()
    reg = register(event, by=plain_user)
    url = reverse("events:registration-cancel", kwargs={"token": reg.token})
    assert client.get(url).status_code == 405
    other = UserFactory(username="other")
    client.force_login(other)
    refused = client.post(url)
    assert refused.status_code == 403
    assert "이 신청을 취소할 권한이 없습니다" in refused.content.decode()
    client.force_login(plain_user)
    done = client.post(url)
    assert done.status_code == 303
    assert done["Location"] == page_url(reg)
    assert Registration.objects.get(pk=reg.pk).status == S.CANCELLED
    twice = client.post(url)
    assert twice.status_code == 400
    assert "이미 취소된 신청입니다" in twice.content.decode()


def test_cancel_next_must_be_local(client, staff, plain_user):
    reg = register(open_event(), by=plain_user)
    client.force_login(staff)
    url = reverse("events:registration-cancel", kwargs={"token": reg.token})
    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == page_url(reg)


# --- staff pages ----------------------------------------------------------------------------


@pytest.fixture
def busy_event(staff):
    event = open_event(capacity=2, requires_approval=True)
    a = register(
        event,
        by=UserFactory(username="a", email="a@example.kr"),
        person_name="가승인",
        contact_phone="010-1111-2222",
    )
    b = register(event, by=UserFactory(username="b"), person_name="나대기", attendees=1)
    c = register(event, by=UserFactory(username="c"), person_name="다대기", attendees=1)
    return event, a, b, c


def manage_url(event: Event) -> str:
    return reverse("events:manage", kwargs={"pk": event.pk})


def test_manage_lists_with_counts_and_contact(client, staff, busy_event):
    event, a, _b, _c = busy_event
    client.force_login(staff)
    response = client.get(manage_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("가승인", "나대기", "다대기"):
        assert name in html
    assert "010-1111-2222" in html and "a@example.kr" in html
    assert "정원 <strong>2</strong>석 가운데 <strong>2</strong>석 배정" in html
    assert reverse("events:registration-decide", args=[event.pk, a.pk, "approve"]) in html


def test_manage_filters_and_htmx(client, staff, busy_event):
    event, _a, _b, _c = busy_event
    client.force_login(staff)
    response = client.get(manage_url(event), {"status": "waitlisted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "다대기" in html and "가승인" not in html
    response = client.get(manage_url(event), {"q": "나대"})
    assert "나대기" in response.content.decode() and "다대기" not in response.content.decode()


def test_decide_approve_reject_cancel(client, staff, busy_event):
    event, a, b, c = busy_event
    client.force_login(staff)
    url = reverse("events:registration-decide", args=[event.pk, a.pk, "approve"])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": manage_url(event) + "?status=pending"})
    assert response.status_code == 303
    assert response["Location"] == manage_url(event) + "?status=pending"
    assert Registration.objects.get(pk=a.pk).status == S.CONFIRMED
    # Approving a confirmed one again: 400 with the reason.
    again = client.post(url)
    assert again.status_code == 400
    assert "승인 대기 중인 신청만 승인할 수 있습니다" in again.content.decode()
    reject = reverse("events:registration-decide", args=[event.pk, b.pk, "reject"])
    assert client.post(reject).status_code == 303
    assert Registration.objects.get(pk=c.pk).status == S.PENDING  # promoted
    cancel = reverse("events:registration-decide", args=[event.pk, a.pk, "cancel"])
    assert client.post(cancel).status_code == 303
    assert Registration.objects.get(pk=a.pk).status == S.CANCELLED


def test_decide_unknown_action_or_other_event_is_404(client, staff, busy_event):
    event, a, _b, _c = busy_event
    other = open_event(title="다른 행사")
    client.force_login(staff)
    assert (
        client.post(reverse("events:registration-decide", args=[event.pk, a.pk, "x"])).status_code
        == 404
    )
    wrong = reverse("events:registration-decide", args=[other.pk, a.pk, "approve"])
    assert client.post(wrong).status_code == 404
    assert Registration.objects.get(pk=a.pk).status == S.PENDING


def test_staff_pages_refuse_others(client, plain_user, busy_event):
    event, a, _b, _c = busy_event
    urls = [
        manage_url(event),
        reverse("events:registrations-csv", kwargs={"pk": event.pk}),
        reverse("events:badges", kwargs={"pk": event.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    decide = reverse("events:registration-decide", args=[event.pk, a.pk, "approve"])
    assert client.post(decide).status_code == 302
    client.force_login(plain_user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert "권한이 없습니다" in response.content.decode()
    assert client.post(decide).status_code == 403
    assert Registration.objects.get(pk=a.pk).status == S.PENDING


def test_csv_cells_are_safe(client, staff):
    event = open_event()
    register(
        event,
        by=UserFactory(),
        person_name='=HYPERLINK("http://evil.example","클릭")',
        organization_name="+cmd|' /C calc'!A0",
        accessibility_needs="@SUM(1+1)",
        contact_phone="-2+3",
    )
    client.force_login(staff)
    response = client.get(reverse("events:registrations-csv", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["번호", "상태", "이름", "소속"]
    row = rows[1]
    assert row[2] == '\'=HYPERLINK("http://evil.example","클릭")'
    assert row[3] == "'+cmd|' /C calc'!A0"
    assert row[6] == "'-2+3"
    assert row[7] == "'@SUM(1+1)"
    for cell in row:
        assert not cell.startswith(("=", "+", "-", "@"))


def test_badges_page(client, staff):
    event = open_event()
    org = OrganizationFactory(name="명찰협동조합")
    user = MembershipFactory(organization=org).user
    register(event, by=user, organization=org, person_name="최명찰", attendees=2)
    register(event, person_name="미확인손님")  # unconfirmed: no badge
    client.force_login(staff)
    response = client.get(reverse("events:badges", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="hj-badge-card"') == 2  # the registrant and one companion
    assert "최명찰" in html and html.count("명찰협동조합") == 2
    assert "미확인손님" not in html
    assert "registration.css" in html
    assert "data-hj-print" in html


def test_checkin_search_shows_no_contact_data(client, staff):
    event = open_event()
    register(event, by=UserFactory(), person_name="연락처숨김", contact_email="hidden@example.kr")
    client.force_login(staff)
    html = client.get(
        reverse("events:checkin", kwargs={"pk": event.pk}), {"q": "연락처"}
    ).content.decode()
    assert "연락처숨김" in html and "hidden@example.kr" not in html


def test_promotion_mail_after_staff_cancel(client, staff, django_capture_on_commit_callbacks):
    event = open_event(capacity=1)
    first = register(event, by=UserFactory(email="first@example.kr"))
    register(event, by=UserFactory(email="second@example.kr"))
    client.force_login(staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:registration-decide", args=[event.pk, first.pk, "cancel"])
        )
    assert response.status_code == 303
    assert sorted(m.to[0] for m in mail.outbox) == ["first@example.kr", "second@example.kr"]
    assert services.GUEST_CONFIRM_MAX_AGE > 0


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("events:manage", {"pk": 10**20}),
        ("events:register", {"pk": 10**20}),
        ("events:checkin", {"pk": 10**20}),
        ("events:registration", {"token": "%00" * 3}),
        ("events:registration", {"token": "x" * 300}),
        ("events:registration-confirm", {"token": "x" * 300}),
    ],
)
def test_odd_addresses_are_4xx_not_500(client, staff, name, kwargs):
    client.force_login(staff)
    response = client.get(reverse(name, kwargs=kwargs))
    assert 400 <= response.status_code < 500, response.status_code


def test_decide_with_a_huge_registration_number_is_404(client, staff):
    event = open_event()
    client.force_login(staff)
    url = reverse("events:registration-decide", args=[event.pk, 10**20, "approve"])
    assert client.post(url).status_code == 404


# --- regression: a cancelled event ---------------------------------------------------------


def test_cancelled_event_says_so_and_hides_the_qr(client):
    event = open_event()
    reg = register(event, by=UserFactory())
    assert reg.status == Registration.Status.CONFIRMED
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    client.force_login(reg.user)
    html = client.get(reverse("events:registration", kwargs={"token": reg.token})).content.decode()
    assert "이 행사는 취소되었습니다" in html
    assert "QR 코드를 보여 주세요" not in html
    assert "/qr.svg" not in html
    qr_response = client.get(reverse("events:registration-qr", kwargs={"token": reg.token}))
    assert qr_response.status_code == 410


def test_a_window_without_an_opening_time_shows_its_deadline(client, db):
    event = open_event(
        registration_opens_at=None,
        registration_closes_at=dt.datetime(2099, 3, 10, 1, 0, tzinfo=dt.UTC),
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert '신청 마감: <time datetime="2099-03-10T10:00:00+09:00">2099-03-10 10:00</time>' in html
    assert "신청 기간" not in html


def test_the_english_mail_names_the_event_in_the_singular(db, django_capture_on_commit_callbacks):
    from django.utils import translation

    event = open_event()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        register(event, contact_email="guest@example.kr")
    body = mail.outbox[-1].body
    assert f"Event: {event.title}" in body
    assert "Events:" not in body


def test_invalid_form_has_an_error_summary_linking_to_the_fields(client, plain_user):
    """KRDS / GOV.UK error summary: a heading, then each error linked to its field;
    the page title says 오류. A valid GET has none."""
    client.force_login(plain_user)
    url = register_url(open_event())
    page = client.get(url).content.decode()
    assert "data-hj-error-summary" not in page
    assert "입력한 내용을 확인해 주세요" not in page
    assert "<title>오류" not in page

    response = client.post(url, form_data(consent="", contact_email="not-an-email"))
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split("data-hj-error-summary", 1)[1].split("</div>", 1)[0]
    assert "입력한 내용을 확인해 주세요" in summary
    assert 'href="#id_contact_email"' in summary
    assert 'href="#id_consent"' in summary
    assert "개인정보 수집·이용에 동의해야 신청할 수 있습니다." in summary
    assert 'tabindex="-1"' in html.split("data-hj-error-summary", 1)[0].rsplit("<div", 1)[1]
    assert html.count("data-hj-error-summary") == 1
    # Announced once: focus (hanjari.js), not an alert as well.
    assert 'role="alert"' not in html.split("<form", 1)[1].split("</form>", 1)[0]
    assert "<title>오류: " in html
    # The summary comes before the first field.
    assert html.index("data-hj-error-summary") < html.index('name="person_name"')
