"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Site name and home region for the layout (header, footer, page titles)."""
    return {
        "SITE_NAME": settings.HANJARI_SITE_NAME,
        "HOME_REGION": settings.HANJARI_HOME_REGION,
    }
