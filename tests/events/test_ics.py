"""iCalendar downloads: one event (`events:ics`) and the feed (`events:feed`), parsed
with icalendar. Times are Asia/Seoul (TZID with a VTIMEZONE); unknown times give an
all-day event (DTSTART;VALUE=DATE, DTEND the day after, exclusive)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from hanjari.events import services
from hanjari.events.models import Event
from hanjari.events.selectors import today_in_seoul
from tests.events.pages_support import load_workshop, make_event

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")


def _get_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content), response


def _events(cal):
    return list(cal.walk("VEVENT"))


def test_timed_event_in_asia_seoul(client):
    event = make_event(start_date=dt.date(2025, 5, 2), title="구매상담회", venue_address="전주시청")
    cal, response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    assert f'filename="event-{event.pk}.ics"' in response["Content-Disposition"]
    (ve,) = _events(cal)
    start, end = ve.decoded("dtstart"), ve.decoded("dtend")
    assert start == dt.datetime(2025, 5, 2, 14, 0, tzinfo=SEOUL)
    assert end == dt.datetime(2025, 5, 2, 17, 0, tzinfo=SEOUL)
    assert start.astimezone(dt.UTC) == dt.datetime(2025, 5, 2, 5, 0, tzinfo=dt.UTC)
    assert ve["dtstart"].params["TZID"] == "Asia/Seoul"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
    assert str(ve["summary"]) == "구매상담회"
    assert str(ve["location"]) == "라한호텔 전주, 전주시청"
    assert str(ve["url"]).endswith(event.get_absolute_url())
    assert str(ve["uid"]) == f"event-{event.pk}@testserver"
    assert str(ve["status"]) == "CONFIRMED"
    raw = response.content.decode()
    assert "DTSTART;TZID=Asia/Seoul:20250502T140000" in raw


def test_unknown_times_make_an_all_day_event(client):
    event = load_workshop(with_article=False)
    cal, response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    (ve,) = _events(cal)
    assert ve.decoded("dtstart") == dt.date(2023, 12, 11)
    assert not isinstance(ve.decoded("dtstart"), dt.datetime)
    assert ve.decoded("dtend") == dt.date(2023, 12, 12)  # exclusive: the day after
    assert ve["dtstart"].params.get("VALUE") == "DATE"
    raw = response.content.decode()
    assert "DTSTART;VALUE=DATE:20231211" in raw
    assert "시작 시각은 알려지지 않았습니다" in str(ve["description"])


def test_multi_day_all_day_event_ends_the_day_after_the_last(client):
    event = make_event(
        start_date=dt.date(2025, 10, 1),
        end_date=dt.date(2025, 10, 3),
        start_time=None,
        end_time=None,
        kind=Event.Kind.FAIR,
    )
    cal, _response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    (ve,) = _events(cal)
    assert (ve.decoded("dtstart"), ve.decoded("dtend")) == (
        dt.date(2025, 10, 1),
        dt.date(2025, 10, 4),
    )


def test_known_start_unknown_end_has_no_dtend(client):
    event = make_event(start_date=dt.date(2025, 6, 5), end_time=None)
    cal, _response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    (ve,) = _events(cal)
    assert ve.decoded("dtstart") == dt.datetime(2025, 6, 5, 14, 0, tzinfo=SEOUL)
    assert "DTEND" not in ve
    assert "종료 시각은 알려지지 않았습니다" in str(ve["description"])


def test_multi_day_timed_event(client):
    event = make_event(
        start_date=dt.date(2025, 11, 20),
        end_date=dt.date(2025, 11, 21),
        start_time=dt.time(10, 0),
        end_time=dt.time(16, 30),
    )
    cal, _response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    (ve,) = _events(cal)
    assert ve.decoded("dtend") == dt.datetime(2025, 11, 21, 16, 30, tzinfo=SEOUL)


def test_feed_lists_public_events_and_marks_cancelled(client):
    today = today_in_seoul()
    upcoming = make_event(title="다가오는 박람회")
    cancelled = make_event(title="취소된 교육", start_date=today + dt.timedelta(days=3))
    services.event_set_status(event=cancelled, status=Event.Status.CANCELLED, by=None)
    make_event(title="준비 중인 회의", status=Event.Status.DRAFT)
    make_event(title="오래된 행사", start_date=today - dt.timedelta(days=400), status="held")
    recent = make_event(
        title="지난달 워크숍", start_date=today - dt.timedelta(days=30), status="held"
    )
    cal, response = _get_calendar(client, reverse("events:feed"))
    assert response["Content-Disposition"].startswith("inline")
    by_title = {str(ve["summary"]): ve for ve in _events(cal)}
    assert set(by_title) == {upcoming.title, cancelled.title, recent.title}
    assert str(by_title[cancelled.title]["status"]) == "CANCELLED"
    assert str(cal["x-wr-timezone"]) == "Asia/Seoul"


def test_draft_ics_is_not_public(client, staff):
    draft = make_event(status=Event.Status.DRAFT)
    url = reverse("events:ics", args=[draft.pk])
    assert client.get(url).status_code == 404
    client.force_login(staff)
    cal, _response = _get_calendar(client, url)
    assert str(_events(cal)[0]["status"]) == "TENTATIVE"


def test_text_is_escaped(client):
    event = make_event(title="워크숍; 1부, 2부 안내", description="줄1\n줄2, 끝;")
    # A line break kept from before titles were checked is still written on one line.
    Event.objects.filter(pk=event.pk).update(title="워크숍; 1부, 2부\n안내")
    cal, _response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    (ve,) = _events(cal)
    assert str(ve["summary"]) == "워크숍; 1부, 2부 안내"  # one line
    assert str(ve["description"]).startswith("줄1\n줄2, 끝;")


# --- regression: dates out of range -------------------------------------------------------


def test_far_future_date_refused_by_clean():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        make_event(start_date=dt.date(9999, 12, 31), start_time=None, end_time=None)
    assert "start_date" in exc.value.message_dict
    with pytest.raises(ValidationError):
        make_event(start_date=dt.date(1999, 12, 31))


def test_all_day_event_on_9999_12_31_does_not_500(client):
    """An event stored before dates were checked (9999-12-31, all day): the .ics and the
    public feed still answer 200 (one-day event, no DTEND)."""
    event = Event.objects.create(
        title="먼 미래",
        start_date=dt.date(9999, 12, 31),
        end_date=dt.date(9999, 12, 31),
        status=Event.Status.OPEN,
    )
    cal, _response = _get_calendar(client, reverse("events:ics", args=[event.pk]))
    (ve,) = _events(cal)
    assert ve.decoded("dtstart") == dt.date(9999, 12, 31)
    assert "dtend" not in ve
    _get_calendar(client, reverse("events:feed"))
