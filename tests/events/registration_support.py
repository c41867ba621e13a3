"""Helpers for the registration and check-in tests: an open event and a registration
made through the service (tests/events/test_registrations.py and the others)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from hanjari.events.models import Event, Registration
from hanjari.events.services import registrations as services


def open_event(**fields: Any) -> Event:
    """An open event a month from now, registration open from yesterday to next week."""
    now = timezone.now()
    start = (now + dt.timedelta(days=30)).date()
    data: dict[str, Any] = {
        "title": "2025 사회적경제 한마음 워크숍",
        "kind": Event.Kind.WORKSHOP,
        "venue_name": "라한호텔 전주",
        "venue_address": "전북특별자치도 전주시 완산구 기린대로 85",
        "start_date": start,
        "start_time": dt.time(14, 0),
        "end_date": start,
        "end_time": dt.time(17, 0),
        "status": Event.Status.OPEN,
        "capacity": 10,
        "registration_opens_at": now - dt.timedelta(days=1),
        "registration_closes_at": now + dt.timedelta(days=7),
    }
    data.update(fields)
    return Event.objects.create(**data)


_counter = {"n": 0}


def register(event: Event, by: Any = None, **fields: Any) -> Registration:
    """A registration through `registration_create` (a guest unless `by` is a user)."""
    _counter["n"] += 1
    n = _counter["n"]
    authenticated = bool(getattr(by, "is_authenticated", False))
    data: dict[str, Any] = {
        "person_name": f"참가자{n}",
        "organization_name": "한마음협동조합",
        "contact_email": "" if authenticated else f"guest{n}@example.kr",
        "attendees": 1,
        "source": Registration.Source.WEB if authenticated else Registration.Source.GUEST,
    }
    data.update(fields)
    return services.registration_create(event=event, by=by, **data)


def confirm_link(body: str) -> str:
    """The path of the guest confirmation link in an e-mail body."""
    match = re.search(r"https?://[^\s/]+(/events/registrations/[^\s]+/confirm/)", body)
    assert match, body
    return match.group(1)


def confirm_token(body: str) -> str:
    return confirm_link(body).split("/")[3]
