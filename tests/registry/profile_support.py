"""Shared helper of the profile edit tests (tests/registry/test_views.py and
tests/registry/test_logo_checks.py)."""

from __future__ import annotations

from hanjari.registry.models import Organization
from hanjari.registry.services import EDITABLE_FIELDS


def edit_data(org: Organization, **changes: object) -> dict[str, object]:
    """The profile edit form's POST data for `org` as it is (every editable field but
    the logo, `founded_on` as an ISO date), with `changes` on top."""
    data: dict[str, object] = {
        name: getattr(org, name) for name in EDITABLE_FIELDS if name != "logo"
    }
    data["founded_on"] = org.founded_on.isoformat() if org.founded_on else ""
    data.update(changes)
    return data
