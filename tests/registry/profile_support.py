"""Shared helpers of the profile edit tests (tests/registry/test_views.py,
tests/registry/test_logo_checks.py, tests/registry/test_profile_contacts.py and
tests/registry/test_profile_photos.py)."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from hanjari.registry.contacts import WEEKDAYS, sorted_hours
from hanjari.registry.models import Organization
from hanjari.registry.services import EDITABLE_FIELDS
from tests.core.picture_files import picture_bytes


def edit_data(org: Organization, **changes: object) -> dict[str, object]:
    """The profile edit form's POST data for `org` as it is (every editable field but
    the logo, `founded_on` as an ISO date, each 공개 switch ticked ("on") or not (left
    out, as a browser does), the opening hours as the form's two time fields per
    weekday), with `changes` on top (a switch set to False is left out)."""
    data: dict[str, object] = {}
    for name in EDITABLE_FIELDS:
        if name in ("logo", "opening_hours"):
            continue
        value = getattr(org, name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    data["founded_on"] = org.founded_on.isoformat() if org.founded_on else ""
    stored = {item["day"]: item for item in sorted_hours(org.opening_hours)}
    for day in WEEKDAYS:
        for which in ("opens", "closes"):
            data[f"hours_{day.key}_{which}"] = stored.get(day.key, {}).get(which, "")
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    return data


def png_upload(name: str = "photo.png", size: tuple[int, int] = (8, 6)) -> SimpleUploadedFile:
    """A small real PNG picture as an upload."""
    return SimpleUploadedFile(name, picture_bytes("PNG", size), content_type="image/png")


def jsonld(html: str) -> dict:
    """The profile page's schema.org JSON-LD, parsed."""
    import json

    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m
    return json.loads(m.group(1))
