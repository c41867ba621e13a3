"""Helpers for the event page, ICS, workshop and recognition tests: events made through
the services, a small image, the reference article published, and the workshop loaded
by its management command."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from hanjari.events import services
from hanjari.events.models import Event
from hanjari.events.selectors import today_in_seoul


def make_event(*, status: str = Event.Status.OPEN, **fields: Any) -> Event:
    """An event made by `event_create` (system user), by default open, two weeks ahead,
    14:00–17:00 at 라한호텔 전주."""
    start = fields.pop("start_date", today_in_seoul() + dt.timedelta(days=14))
    data: dict[str, Any] = {
        "title": "사회적경제 한마음 워크숍",
        "kind": Event.Kind.WORKSHOP,
        "venue_name": "라한호텔 전주",
        "start_date": start,
        "end_date": start,
        "start_time": dt.time(14, 0),
        "end_time": dt.time(17, 0),
        "organiser_text": "전주시",
    }
    data.update(fields)
    return services.event_create(data=data, status=status, by=None)


def png_bytes(width: int = 40, height: int = 30, color: str = "#256ef4") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def load_workshop(*, with_article: bool = True) -> Event:
    """Run `load_workshop_2023` (after importing and publishing the reference article,
    as `make run` does, unless `with_article` is False) and return the event."""
    from tests.news.reader_support import REFERENCE_FILE

    if with_article:
        call_command("news_import", str(REFERENCE_FILE), "--publish", "--skip-existing")
    call_command("load_workshop_2023", stdout=io.StringIO())
    return Event.objects.get(title="전주시 사회적경제기업 한마음 워크숍")
