"""iCalendar (RFC 5545) for events: one event's ``.ics`` and the public calendar feed.

Times are Asia/Seoul wall-clock times, written with ``TZID=Asia/Seoul`` and a
VTIMEZONE for it. An event whose start time is not known is an all-day event
(``DTSTART;VALUE=DATE``, DTEND the day after its last day, exclusive). A known start
without a known end has no DTEND (RFC 5545 §3.6.1: it ends when it starts) — nothing is
made up; the description says the end time is not known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event

PRODID = "-//Hanjari//Events//KO"
# VTIMEZONE range: Korea has kept +09:00 without daylight saving since 1988.
TZ_FIRST = dt.date(1990, 1, 1)
TZ_LAST = dt.date(2100, 1, 1)
STATUS: dict[str, str] = {
    Event.Status.CANCELLED: "CANCELLED",
    Event.Status.DRAFT: "TENTATIVE",
}


def _one_line(text: str) -> str:
    """`text` on one line: single-line properties (SUMMARY, LOCATION) cannot hold line
    breaks, which a title sent by a form may still contain."""
    return " ".join(text.split())


def _uid(event: Event, host: str) -> str:
    return f"event-{event.pk}@{host}"


def _description(event: Event, url: str) -> str:
    lines = []
    if event.description:
        lines.append(event.description.strip())
    if event.organiser_text:
        lines.append(_("주최·주관: %(who)s") % {"who": event.organiser_text})
    if event.start_time and not event.end_time:
        lines.append(_("종료 시각은 알려지지 않았습니다."))
    if event.is_all_day:
        lines.append(_("시작 시각은 알려지지 않았습니다."))
    lines.append(url)
    return "\n\n".join(lines)


def vevent(event: Event, *, url: str, host: str) -> VEvent:
    """The VEVENT of `event` (`url`: its page's absolute address; `host`: for the UID)."""
    ve = VEvent()
    ve.add("uid", _uid(event, host))
    ve.add("dtstamp", event.updated_at or timezone.now())
    ve.add("summary", _one_line(event.title))
    starts_at = event.starts_at
    if starts_at is None:
        ve.add("dtstart", event.start_date)
        try:
            ve.add("dtend", event.end_date + dt.timedelta(days=1))
        except OverflowError:
            pass  # 9999-12-31 (kept from before dates were checked): a one-day event
    else:
        ve.add("dtstart", starts_at)
        if event.ends_at is not None:
            ve.add("dtend", event.ends_at)
    location = _one_line(", ".join(p for p in (event.venue_name, event.venue_address) if p))
    if location:
        ve.add("location", location)
    ve.add("description", _description(event, url))
    ve.add("url", url)
    ve.add("status", STATUS.get(event.status, "CONFIRMED"))
    ve.add("categories", [event.get_kind_display()])
    if event.created_at:
        ve.add("created", event.created_at)
    if event.updated_at:
        ve.add("last-modified", event.updated_at)
    return ve


def calendar(events: Iterable[Event], *, name: str, absolute: Any, host: str) -> bytes:
    """A VCALENDAR with one VEVENT per event, as bytes. `absolute(path)` makes an
    absolute URL (e.g. ``request.build_absolute_uri``)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _one_line(name))
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    for event in events:
        cal.add_component(vevent(event, url=absolute(event.get_absolute_url()), host=host))
    cal.add_missing_timezones(first_date=TZ_FIRST, last_date=TZ_LAST)
    return bytes(cal.to_ical())
