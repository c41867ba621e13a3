"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

MAX_NEXT_URL = 1000


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and home region for the layout (header, footer, page titles)."""
    full = request.get_full_path()
    return {
        "SITE_NAME": settings.HANJARI_SITE_NAME,
        "HOME_REGION": settings.HANJARI_HOME_REGION,
        "SOURCE_URL": settings.HANJARI_SOURCE_URL,
        # Where login and the language switch come back to; a huge query string is
        # dropped so that it is not repeated into every page.
        "NEXT_URL": full if len(full) <= MAX_NEXT_URL else request.path,
    }
