"""The registration and cancellation rules (hanjari.events.rules): every refusal code,
and the pages agreeing with the services on the same input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hanjari.events import rules
from hanjari.events.models import SEOUL, Event, Registration
from hanjari.events.services import registrations as services
from hanjari.events.services.registrations import RegistrationError
from tests.events.registration_support import open_event, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

S = Registration.Status
NOW = dt.datetime(2025, 10, 15, 12, 0, tzinfo=SEOUL)


def started_event_without_closing_time() -> Event:
    """An open event that started an hour ago and has no registration closing time:
    the input on which the page and the service used to disagree."""
    start = timezone.localtime(timezone.now() - dt.timedelta(hours=1), timezone=SEOUL)
    return open_event(
        start_date=start.date(),
        start_time=start.time().replace(microsecond=0),
        end_date=start.date() + dt.timedelta(days=1),
        end_time=dt.time(18, 0),
        registration_opens_at=timezone.now() - dt.timedelta(days=3),
        registration_closes_at=None,
    )


# --- registration_refusal -------------------------------------------------------------------


def test_registration_allowed_inside_the_window():
    event = open_event(
        registration_opens_at=NOW - dt.timedelta(days=1),
        registration_closes_at=NOW + dt.timedelta(days=1),
    )
    assert rules.registration_refusal(event, now=NOW) is None


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Event.Status.DRAFT, "준비 중"),
        (Event.Status.CLOSED, "신청 마감"),
        (Event.Status.HELD, "개최됨"),
        (Event.Status.CANCELLED, "취소"),
    ],
)
def test_registration_refused_closed(status, label):
    event = open_event(status=status)
    refusal = rules.registration_refusal(event, now=timezone.now())
    assert refusal is not None
    assert (refusal.code, refusal.message) == ("closed", f"신청을 받지 않는 행사입니다 ({label}).")


def test_registration_refused_window_before_and_at_the_close():
    opens = dt.datetime(2025, 10, 1, 9, 0, tzinfo=SEOUL)
    closes = dt.datetime(2025, 10, 20, 18, 0, tzinfo=SEOUL)
    event = open_event(registration_opens_at=opens, registration_closes_at=closes)
    message = "신청 기간이 아닙니다 (2025-10-01 09:00 부터 2025-10-20 18:00 까지)."
    for now in (opens - dt.timedelta(seconds=1), closes, closes + dt.timedelta(days=1)):
        refusal = rules.registration_refusal(event, now=now)
        assert refusal is not None
        assert (refusal.code, refusal.message) == ("window", message)
    assert rules.registration_refusal(event, now=opens) is None
    assert rules.registration_refusal(event, now=closes - dt.timedelta(seconds=1)) is None


def test_without_closing_time_registration_closes_when_the_event_starts():
    event = open_event(
        start_date=dt.date(2025, 10, 24),
        start_time=dt.time(14, 0),
        end_date=dt.date(2025, 10, 24),
        end_time=dt.time(17, 0),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    starts = dt.datetime(2025, 10, 24, 14, 0, tzinfo=SEOUL)
    assert rules.registration_refusal(event, now=starts - dt.timedelta(minutes=1)) is None
    refusal = rules.registration_refusal(event, now=starts)
    assert refusal is not None
    assert (refusal.code, refusal.message) == (
        "window",
        "신청 기간이 아닙니다 (2025-10-24 14:00 까지).",
    )


def test_without_any_time_registration_closes_at_the_end_of_the_start_day():
    event = open_event(
        start_date=dt.date(2025, 10, 24),
        start_time=None,
        end_date=dt.date(2025, 10, 24),
        end_time=None,
        registration_opens_at=None,
        registration_closes_at=None,
    )
    late = dt.datetime(2025, 10, 24, 23, 59, tzinfo=SEOUL)
    assert rules.registration_refusal(event, now=late) is None
    refusal = rules.registration_refusal(event, now=late + dt.timedelta(minutes=1))
    assert refusal is not None and refusal.code == "window"


@pytest.mark.parametrize("status", [Event.Status.OPEN, Event.Status.CLOSED])
def test_staff_entry_ignores_the_window_of_an_open_or_closed_event(status):
    event = open_event(status=status, registration_closes_at=NOW - dt.timedelta(days=1))
    assert rules.registration_refusal(event, now=NOW, by_staff=True) is None


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.HELD, Event.Status.CANCELLED])
def test_staff_entry_refused_for_drafts_held_and_cancelled_events(status):
    refusal = rules.registration_refusal(open_event(status=status), now=NOW, by_staff=True)
    assert refusal is not None and refusal.code == "closed"


# --- the page and the service agree ---------------------------------------------------------


def test_started_event_without_closing_time_page_and_service_agree(client):
    """The failing input of the issue: the register page showed the form and the
    service refused it."""
    event = started_event_without_closing_time()
    user = UserFactory()
    client.force_login(user)
    refusal = rules.registration_refusal(event, now=timezone.now())
    assert refusal is not None and refusal.code == "window"

    register_page = client.get(reverse("events:register", kwargs={"pk": event.pk}))
    html = register_page.content.decode()
    assert register_page.status_code == 200
    assert refusal.message in html
    assert "개인정보 수집·이용에 동의합니다" not in html  # no form
    assert "신청하기</button>" not in html

    event_page = client.get(event.get_absolute_url()).content.decode()
    assert reverse("events:register", kwargs={"pk": event.pk}) not in event_page
    assert "신청이 마감되었습니다." in event_page

    with pytest.raises(RegistrationError) as exc:
        register(event, by=user)
    assert (exc.value.code, exc.value.messages) == ("window", [refusal.message])
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"status": Event.Status.CLOSED},
        {"registration_opens_at": None, "registration_closes_at": None},
        {"registration_closes_at": None},
    ],
)
def test_form_shown_exactly_when_the_service_accepts(client, fields):
    event = open_event(**fields)
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("events:register", kwargs={"pk": event.pk})).content.decode()
    shown = "신청하기</button>" in html
    try:
        register(event, by=user)
    except RegistrationError:
        accepted = False
    else:
        accepted = True
    assert shown == accepted


# --- cancellation_refusal -------------------------------------------------------------------


def test_cancellation_allowed_for_a_live_registration():
    reg = register(open_event(), by=UserFactory())
    assert rules.cancellation_refusal(reg, now=timezone.now()) is None
    assert rules.cancellation_refusal(reg, now=timezone.now(), by_staff=True) is None


@pytest.mark.parametrize(
    ("status", "message"),
    [(S.CANCELLED, "이미 취소된 신청입니다."), (S.REJECTED, "이미 거절된 신청입니다.")],
)
def test_cancellation_refused_when_already_ended(status, message):
    reg = register(open_event(), by=UserFactory())
    reg.status = status
    for by_staff in (False, True):
        refusal = rules.cancellation_refusal(reg, now=timezone.now(), by_staff=by_staff)
        assert refusal is not None
        assert (refusal.code, refusal.message) == ("state", message)


def test_cancellation_refused_after_check_in():
    reg = register(open_event(), by=UserFactory())
    reg.checked_in_at = timezone.now()
    for by_staff in (False, True):
        refusal = rules.cancellation_refusal(reg, now=timezone.now(), by_staff=by_staff)
        assert refusal is not None
        assert refusal is not None
        assert refusal.code == "state"
        assert refusal.message == "도착 확인한 신청은 취소할 수 없습니다."


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Event.Status.HELD, "이미 개최된 행사의 신청은 취소할 수 없습니다."),
        (Event.Status.CANCELLED, "취소된 행사의 신청은 취소할 수 없습니다."),
    ],
)
def test_registrant_may_not_cancel_after_the_event_was_held_or_cancelled(status, message):
    event = open_event()
    reg = register(event, by=UserFactory())
    Event.objects.filter(pk=event.pk).update(status=status)
    reg = Registration.objects.select_related("event").get(pk=reg.pk)
    refusal = rules.cancellation_refusal(reg, now=timezone.now())
    assert refusal is not None
    assert (refusal.code, refusal.message) == ("state", message)
    assert rules.cancellation_refusal(reg, now=timezone.now(), by_staff=True) is None


def test_cancel_button_and_service_agree(client):
    """The registration page shows the cancel button exactly when the service cancels."""
    event = open_event()
    user = UserFactory()
    reg = register(event, by=user)
    client.force_login(user)
    url = reverse("events:registration", kwargs={"token": reg.token})
    assert "신청 취소" in client.get(url).content.decode()

    Event.objects.filter(pk=event.pk).update(status=Event.Status.HELD)
    assert "신청 취소" not in client.get(url).content.decode()
    with pytest.raises(RegistrationError) as exc:
        services.registration_cancel(registration=reg, by=user)
    assert exc.value.messages == ["이미 개최된 행사의 신청은 취소할 수 없습니다."]


def test_staff_list_cancel_button_follows_the_rule(client):
    event = open_event()
    staff = UserFactory(is_staff=True)
    live = register(event, by=UserFactory(), person_name="남은사람")
    arrived = register(event, by=UserFactory(), person_name="도착한사람")
    Registration.objects.filter(pk=arrived.pk).update(checked_in_at=timezone.now())
    client.force_login(staff)
    html = client.get(reverse("events:manage", kwargs={"pk": event.pk})).content.decode()
    cancel = reverse("events:registration-decide", args=[event.pk, live.pk, "cancel"])
    assert cancel in html
    assert reverse("events:registration-decide", args=[event.pk, arrived.pk, "cancel"]) not in html
