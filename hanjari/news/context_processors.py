"""Template context for the site layout from the news desk."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import permissions


def desk(request: HttpRequest) -> dict[str, Any]:
    """`CAN_WRITE_NEWS`: whether the header links to the news desk (reporters, editors
    and organisation members). Lazy, so pages that don't ask cost no query."""
    user = getattr(request, "user", None)
    return {"CAN_WRITE_NEWS": SimpleLazyObject(lambda: permissions.can_write(user))}
