"""Template filters for the event and recognition pages.

`{% load event_pages %}`:
- ``{{ event|event_when }}`` — the event's date(s) and time(s) as shown on its page,
  e.g. ``2023년 12월 11일 (월)`` or ``2024년 5월 2일 (목) 14:00–17:00``; says "시간 미정"
  when the time is not known.
- ``{{ event|event_day }}`` — the first day only (lists).
- ``{{ amount|won }}`` — a sum of money in won with thousands separators
  (``1,000,000원``); "" for None.
- ``{{ value|hhmm }}`` — a time as ``14:00``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

register = template.Library()


# Short weekday names, Monday first ("(월)", as Korean dates write them).
WEEKDAYS = (
    pgettext_lazy("weekday", "월"),
    pgettext_lazy("weekday", "화"),
    pgettext_lazy("weekday", "수"),
    pgettext_lazy("weekday", "목"),
    pgettext_lazy("weekday", "금"),
    pgettext_lazy("weekday", "토"),
    pgettext_lazy("weekday", "일"),
)


def _day(value: dt.date) -> str:
    return f"{formats.date_format(value, 'DATE_FORMAT')} ({WEEKDAYS[value.weekday()]})"


@register.filter
def hhmm(value: dt.time | None) -> str:
    return value.strftime("%H:%M") if value else ""


@register.filter
def event_day(event: Any) -> str:
    """The event's first day, with the weekday."""
    return _day(event.start_date)


@register.filter
def event_when(event: Any) -> str:
    """The event's days and times as one line (Asia/Seoul wall-clock)."""
    start, end = event.start_date, event.end_date or event.start_date
    t1, t2 = hhmm(event.start_time), hhmm(event.end_time)
    if end == start:
        if t1 and t2:
            return f"{_day(start)} {t1}–{t2}"
        if t1:
            return f"{_day(start)} {t1}"
        return _("%(day)s · 시간 미정") % {"day": _day(start)}
    first = f"{_day(start)} {t1}".strip()
    last = f"{_day(end)} {t2}".strip()
    text = f"{first} – {last}"
    return text if t1 else _("%(days)s · 시간 미정") % {"days": text}


@register.filter
def won(amount: int | None) -> str:
    """`amount` in won with separators, e.g. ``1,000,000원``; "" for None."""
    if amount is None:
        return ""
    return _("%(amount)s원") % {"amount": f"{int(amount):,}"}
