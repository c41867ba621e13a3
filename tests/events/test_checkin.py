"""Check-in (도착 확인): valid, duplicate (with the first time), forged, another event's
and unconfirmed tokens; the check-in page and its counts; the QR code (SVG, read back
module by module and compared with the code of the expected check-in address)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import xml.etree.ElementTree as ET

import pytest
import segno
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hanjari.events import qr, selectors
from hanjari.events.models import Event, Registration
from hanjari.events.services import registrations as services
from hanjari.events.services.registrations import RegistrationError
from tests.events.registration_support import open_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def event():
    return open_event(capacity=5)


@pytest.fixture
def confirmed(event, plain_user):
    return register(event, by=plain_user, person_name="박도착", organization_name="도착협동조합")


# --- the service ----------------------------------------------------------------------------


def test_valid_check_in(event, confirmed, staff):
    at = dt.datetime(2025, 10, 24, 10, 3, tzinfo=SEOUL)
    reg = services.registration_check_in(
        event=event, token=confirmed.checkin_code, by=staff, now=at
    )
    assert reg.checked_in_at == at
    assert reg.checked_in_by == staff
    counts = selectors.checkin_counts(event=event)
    assert (counts.confirmed_people, counts.arrived_people, counts.waiting_people) == (1, 1, 0)


def test_token_with_spaces_or_as_a_url(event, confirmed, staff):
    url = f"https://hanjari.example.kr/events/{event.pk}/checkin/?code={confirmed.checkin_code}"
    assert qr.token_from_scan(f"  {url}\n") == confirmed.checkin_code
    assert qr.token_from_scan(f" {confirmed.checkin_code} ") == confirmed.checkin_code
    assert qr.token_from_scan("") == ""
    services.registration_check_in(event=event, token=f" {confirmed.checkin_code}\n", by=staff)


def test_duplicate_check_in_refused_with_the_first_time(event, confirmed, staff):
    first = dt.datetime(2025, 10, 24, 10, 3, tzinfo=SEOUL)
    services.registration_check_in(event=event, token=confirmed.checkin_code, by=staff, now=first)
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(
            event=event,
            token=confirmed.checkin_code,
            by=staff,
            now=first + dt.timedelta(minutes=20),
        )
    assert exc.value.code == "already_checked_in"
    assert exc.value.messages == ["이미 도착 확인됨: 2025-10-24 10:03"]
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at == first


@pytest.mark.parametrize(
    "token",
    [
        secrets.token_urlsafe(24),  # well-formed but unknown
        "short",
        "x" * 65,
        "'; DROP TABLE events_registration; --",
        "",
    ],
)
def test_forged_token_refused(event, confirmed, staff, token):
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(event=event, token=token, by=staff)
    assert exc.value.code == "unknown_token"
    assert "등록되지 않은 QR 코드입니다" in exc.value.messages[0]
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at is None


def test_token_one_character_off_refused(event, confirmed, staff):
    last = confirmed.checkin_code[-1]
    forged = confirmed.checkin_code[:-1] + ("A" if last != "A" else "B")
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(event=event, token=forged, by=staff)
    assert exc.value.code == "unknown_token"


def test_other_events_token_refused(event, staff):
    other = open_event(title="다른 행사 박람회")
    theirs = register(other, by=UserFactory())
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(event=event, token=theirs.checkin_code, by=staff)
    assert exc.value.code == "other_event"
    assert exc.value.messages == ["다른 행사(다른 행사 박람회)의 신청입니다."]
    assert Registration.objects.get(pk=theirs.pk).checked_in_at is None


@pytest.mark.parametrize("how", ["unconfirmed", "pending", "waitlisted", "cancelled"])
def test_unconfirmed_registrations_refused(staff, how):
    event = open_event(capacity=1, requires_approval=how == "pending")
    if how == "unconfirmed":
        reg = register(event)
    elif how == "pending":
        reg = register(event, by=UserFactory())
    elif how == "waitlisted":
        register(event, by=UserFactory())
        reg = register(event, by=UserFactory())
    else:
        reg = register(event, by=UserFactory())
        services.registration_cancel(registration=reg, by=staff)
    reg.refresh_from_db()
    assert reg.status == how
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(event=event, token=reg.checkin_code, by=staff)
    assert exc.value.code == "not_confirmed"
    assert exc.value.messages[0].startswith("확정되지 않은 신청입니다 (")


def test_only_staff_check_in(event, confirmed, plain_user, member_a):
    for user in (None, plain_user, member_a):
        with pytest.raises(PermissionDenied):
            services.registration_check_in(event=event, token=confirmed.checkin_code, by=user)


def test_cancelled_event_refuses_check_in(event, confirmed, staff):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.CANCELLED)
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(event=event, token=confirmed.checkin_code, by=staff)
    assert exc.value.code == "closed"


# --- the check-in page ----------------------------------------------------------------------


def checkin_url(event: Event) -> str:
    return reverse("events:checkin", kwargs={"pk": event.pk})


def test_page_works_for_staff(client, event, confirmed, staff):
    client.force_login(staff)
    response = client.get(checkin_url(event))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="token"' in html
    assert "data-hj-scanner" in html and "data-hj-scan-fallback" in html
    assert reverse("events:checkin-counts", kwargs={"pk": event.pk}) in html
    assert "no-store" in response["Cache-Control"]


def test_get_with_a_token_shows_it_and_changes_nothing(client, event, confirmed, staff):
    client.force_login(staff)
    response = client.get(checkin_url(event), {"token": confirmed.checkin_code})
    assert response.status_code == 200
    html = response.content.decode()
    assert "박도착" in html and "도착협동조합" in html
    assert "박도착 님 도착 확인" in html  # the button
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at is None


def test_get_with_a_forged_token_says_so(client, event, staff):
    client.force_login(staff)
    response = client.get(checkin_url(event), {"token": secrets.token_urlsafe(24)})
    assert response.status_code == 200
    assert "등록되지 않은 QR 코드입니다" in response.content.decode()


def test_post_checks_in_and_refuses_again_with_409(client, event, confirmed, staff):
    client.force_login(staff)
    ok = client.post(checkin_url(event), {"token": confirmed.checkin_code})
    assert ok.status_code == 200
    html = ok.content.decode()
    assert "도착 확인: 박도착 (도착협동조합), 1명" in html
    again = client.post(checkin_url(event), {"token": confirmed.checkin_code})
    assert again.status_code == 409
    checked = Registration.objects.get(pk=confirmed.pk).checked_in_at
    assert checked is not None
    local = checked.astimezone(SEOUL).strftime("%Y-%m-%d %H:%M")
    assert f"이미 도착 확인됨: {local}" in again.content.decode()


def test_post_htmx_answers_the_partial_with_counts(client, event, confirmed, staff):
    client.force_login(staff)
    response = client.post(
        checkin_url(event), {"token": confirmed.checkin_code, "q": "박도"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["X-Hanjari-Partial"] == "1"
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="hj-checkin-counts"' in html and 'hx-swap-oob="true"' in html
    assert 'data-hj-count="arrived">1<' in html
    assert 'id="hj-checkin-search"' in html  # the search results again, now "도착 …"
    refused = client.post(checkin_url(event), {"token": "nope"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 404
    assert refused["X-Hanjari-Partial"] == "1"
    assert "등록되지 않은 QR 코드입니다" in refused.content.decode()


def test_post_refusals_are_4xx_with_messages(client, event, staff):
    client.force_login(staff)
    other = register(open_event(title="옆 행사"), by=UserFactory())
    pending_event = open_event(requires_approval=True)
    pending = register(pending_event, by=UserFactory())
    cases = [
        ({"token": ""}, 400, "QR 코드를 읽거나 신청 번호를 넣어 주세요."),
        ({"token": other.checkin_code}, 400, "다른 행사(옆 행사)의 신청입니다."),
        ({"token": secrets.token_urlsafe(24)}, 404, "등록되지 않은 QR 코드입니다"),
    ]
    for data, status, text in cases:
        response = client.post(checkin_url(event), data)
        assert response.status_code == status, data
        assert text in response.content.decode()
    response = client.post(checkin_url(pending_event), {"token": pending.checkin_code})
    assert response.status_code == 400
    assert "확정되지 않은 신청입니다 (승인 대기)" in response.content.decode()


def test_search_by_name_or_organisation(client, event, confirmed, staff):
    register(event, by=UserFactory(), person_name="이다른", organization_name="다른마을")
    client.force_login(staff)
    response = client.get(checkin_url(event), {"q": "도착협동"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "박도착" in html and "이다른" not in html
    assert confirmed.checkin_code in html  # the button's hidden code
    assert "<html" not in html


def test_counts_partial(client, event, confirmed, staff):
    register(event, by=UserFactory(), attendees=3)
    services.registration_check_in(event=event, token=confirmed.checkin_code, by=staff)
    client.force_login(staff)
    response = client.get(reverse("events:checkin-counts", kwargs={"pk": event.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-hj-count="confirmed">4<' in html
    assert 'data-hj-count="arrived">1<' in html
    assert 'data-hj-count="waiting">3<' in html
    assert 'hx-trigger="every 5s"' in html


def test_checkin_pages_are_for_staff_only(client, event, confirmed, plain_user):
    url = checkin_url(event)
    assert client.get(url).status_code == 302
    assert client.post(url, {"token": confirmed.checkin_code}).status_code == 302
    client.force_login(plain_user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"token": confirmed.checkin_code}).status_code == 403
    counts = reverse("events:checkin-counts", kwargs={"pk": event.pk})
    assert client.get(counts).status_code == 403
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at is None


# --- the QR code ----------------------------------------------------------------------------


def svg_modules(svg: bytes) -> tuple[set[tuple[int, int]], int]:
    """The dark modules (row, column) drawn by segno's SVG path, and the symbol size in
    modules (border included)."""
    root = ET.fromstring(svg)  # noqa: S314 (our own response, not untrusted input)
    assert root.tag == f"{SVG_NS}svg"
    dark = [p for p in root.iter(f"{SVG_NS}path") if p.get("stroke")]
    assert len(dark) == 1
    cells: set[tuple[int, int]] = set()
    x = y = 0.0
    for cmd, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?", dark[0].get("d", "")):
        if cmd == "M":
            x, y = float(a), float(b)
        elif cmd == "m":
            x, y = x + float(a), y + float(b)
        else:  # "h": a run of dark modules on row y
            n = float(a) if cmd == "h" else float(a) - x
            for i in range(int(n)):
                cells.add((int(y), int(x) + i))
            x += n
    width = int(root.get("width", "0")) // qr.SVG_SCALE
    return cells, width


def expected_modules(data: str) -> set[tuple[int, int]]:
    code = segno.make(data, error=qr.ERROR_LEVEL, micro=False)
    return {
        (r + qr.BORDER, c + qr.BORDER)
        for r, row in enumerate(code.matrix)
        for c, bit in enumerate(row)
        if bit
    }


def test_qr_svg_encodes_the_checkin_address(client, event, confirmed, plain_user):
    client.force_login(plain_user)
    response = client.get(reverse("events:registration-qr", kwargs={"token": confirmed.token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    cells, width = svg_modules(response.content)
    expected_url = f"http://testserver/events/{event.pk}/checkin/?code={confirmed.checkin_code}"
    assert cells == expected_modules(expected_url)
    assert width == segno.make(expected_url, error="m", micro=False).symbol_size()[0]
    # …and not some other address (the comparison can fail).
    assert cells != expected_modules(expected_url + "x")
    assert qr.token_from_scan(expected_url) == confirmed.checkin_code


def test_qr_only_for_confirmed_registrations(client, staff):
    event = open_event(requires_approval=True)
    pending = register(event, by=UserFactory())
    response = client.get(reverse("events:registration-qr", kwargs={"token": pending.token}))
    assert response.status_code == 404
    services.registration_approve(registration=pending, by=staff)
    response = client.get(reverse("events:registration-qr", kwargs={"token": pending.token}))
    assert response.status_code == 200


def test_qr_for_unknown_token_is_404(client):
    response = client.get(
        reverse("events:registration-qr", kwargs={"token": secrets.token_urlsafe(24)})
    )
    assert response.status_code == 404


# --- regression: the QR code holds only the check-in code, never the private token ---------


def test_qr_never_holds_the_private_token(client, event, confirmed, plain_user):
    """A printed or photographed QR code must not open the registrant's page (contact
    data, cancel button): it encodes the check-in code, which is not the token."""
    assert confirmed.checkin_code and confirmed.checkin_code != confirmed.token
    url = qr.checkin_url(confirmed)
    assert confirmed.token not in url
    assert confirmed.checkin_code in url
    client.force_login(plain_user)
    response = client.get(reverse("events:registration-qr", kwargs={"token": confirmed.token}))
    assert confirmed.token.encode() not in response.content
    # The scanned code does not open the registration page nor cancel it.
    scanned = qr.token_from_scan(url)
    client.logout()
    page = client.get(reverse("events:registration", kwargs={"token": scanned}))
    assert page.status_code == 404
    cancel = client.post(reverse("events:registration-cancel", kwargs={"token": scanned}))
    assert cancel.status_code == 404
    confirmed.refresh_from_db()
    assert confirmed.status == Registration.Status.CONFIRMED


def test_private_token_does_not_check_in(event, confirmed, staff):
    private = confirmed.token
    with pytest.raises(RegistrationError) as exc:
        services.registration_check_in(event=event, token=private, by=staff)
    assert exc.value.code == "unknown_token"
    reg = services.registration_check_in(event=event, token=confirmed.checkin_code, by=staff)
    assert reg.checked_in_at is not None


def test_checkin_codes_are_distinct(event):
    regs = [register(event, by=UserFactory()) for _ in range(3)]
    codes = {r.checkin_code for r in regs} | {r.token for r in regs}
    assert len(codes) == 6


# --- regression: the box takes the number the list shows and the registration's address ---


def manage_list_number(client, event, reg) -> str:
    """The number the staff list shows for `reg` (its 번호 column), read from the page."""
    html = client.get(reverse("events:manage", kwargs={"pk": event.pk})).content.decode()
    row = re.search(
        r'<td class="hj-num" data-label="번호">([^<]+)</td>\s*<th scope="row"[^>]*><div>'
        rf'<a class="hj-link" href="{re.escape(reverse("events:registration", args=[reg.token]))}"',
        html,
    )
    assert row, html
    return row.group(1)


@pytest.mark.parametrize(
    "shape",
    ["{n}", " {n} ", "#{n}", "# {n}", "No. {n}", "no.{n}", "번호 {n}", "신청 번호: {n}", "{n}\n"],
)
def test_registration_number_as_the_list_shows_it_checks_in(client, event, confirmed, staff, shape):
    client.force_login(staff)
    number = manage_list_number(client, event, confirmed)
    assert number == str(confirmed.pk)
    response = client.post(checkin_url(event), {"token": shape.format(n=number)})
    assert response.status_code == 200, response.content.decode()
    assert "도착 확인: 박도착 (도착협동조합), 1명" in response.content.decode()
    assert Registration.objects.get(pk=confirmed.pk).checked_in_by == staff


@pytest.mark.parametrize(
    "address",
    [
        "https://hanjari.example.kr/events/registrations/{token}/",
        "http://localhost:8000/events/registrations/{token}/",
        "/events/registrations/{token}/",
        "  https://hanjari.example.kr/events/registrations/{token}/?from=mail  ",
        "https://hanjari.example.kr/events/registrations/{token}/qr.svg",
    ],
)
def test_registration_page_address_checks_in(client, event, confirmed, staff, address):
    """The box's hint invites the registration page's address: it is accepted."""
    client.force_login(staff)
    html = client.get(checkin_url(event)).content.decode()
    assert "신청 내역 페이지 주소나 QR 코드 내용을 그대로 붙여 넣어도 됩니다." in html
    response = client.post(checkin_url(event), {"token": address.format(token=confirmed.token)})
    assert response.status_code == 200, response.content.decode()
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at is not None


def test_qr_address_checks_in_through_the_page(client, event, confirmed, staff):
    client.force_login(staff)
    response = client.post(checkin_url(event), {"token": f" {qr.checkin_url(confirmed)} "})
    assert response.status_code == 200
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at is not None


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("999999", 404, "999999번 신청을 찾을 수 없습니다."),
        ("#" + "9" * 30, 404, "등록되지 않은 QR 코드입니다"),
        ("https://hanjari.example.kr/events/registrations/" + "x" * 32 + "/", 404, "등록되지"),
        ("/events/999/", 404, "등록되지 않은 QR 코드입니다"),
    ],
)
def test_unknown_numbers_and_addresses_are_4xx(
    client, event, confirmed, staff, text, status, message
):
    client.force_login(staff)
    response = client.post(checkin_url(event), {"token": text})
    assert response.status_code == status
    assert message in response.content.decode()
    assert Registration.objects.get(pk=confirmed.pk).checked_in_at is None


def test_another_events_number_is_refused(client, event, staff):
    other = register(open_event(title="옆 행사"), by=UserFactory())
    client.force_login(staff)
    response = client.post(checkin_url(event), {"token": f"#{other.pk}"})
    assert response.status_code == 400
    assert "다른 행사(옆 행사)의 신청입니다." in response.content.decode()


def test_read_checkin_input():
    assert qr.read_checkin_input("") is None
    assert qr.read_checkin_input(" 12 ") == qr.CheckinKey("number", "12")
    assert qr.read_checkin_input("# 1 2") == qr.CheckinKey("number", "12")
    assert qr.read_checkin_input("9" * 19) is None  # too long for an id
    assert qr.read_checkin_input("abc_DEF-123456789xyz") == qr.CheckinKey(
        "code", "abc_DEF-123456789xyz"
    )
    assert qr.read_checkin_input("/events/registrations/tok/") == qr.CheckinKey("token", "tok")


def test_after_arrival_the_preview_button_gives_way_to_the_arrival(client, event, confirmed, staff):
    """Scanned with the phone's camera (GET ?code=…), then the big button pressed: the
    button is replaced by the arrival, in the htmx answer and on a plain page."""
    client.force_login(staff)
    page = client.get(checkin_url(event), {"code": confirmed.checkin_code}).content.decode()
    assert "박도착 님 도착 확인" in page
    answer = client.post(
        checkin_url(event), {"token": confirmed.checkin_code}, HTTP_HX_REQUEST="true"
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'id="hj-checkin-preview" hx-swap-oob="true"' in html
    arrived = Registration.objects.get(pk=confirmed.pk).checked_in_at
    assert f"도착 확인됨: {arrived.astimezone(SEOUL):%Y-%m-%d %H:%M}" in html
    assert "박도착 님 도착 확인" not in html

    Registration.objects.filter(pk=confirmed.pk).update(checked_in_at=None)
    plain = client.post(checkin_url(event), {"token": confirmed.checkin_code}).content.decode()
    assert "도착 확인됨: " in plain
    assert "박도착 님 도착 확인" not in plain
