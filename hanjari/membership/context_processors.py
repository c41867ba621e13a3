"""Template context for the site layout from the membership app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from hanjari.accounts.models import CouncilRole, Membership


def _has_organizations(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        Membership.objects.filter(user=user).exists()
        or CouncilRole.objects.filter(user=user).exists()
    )


def nav(request: HttpRequest) -> dict[str, Any]:
    """`HAS_MY_ORGANIZATIONS`: whether the header links to "내 조직" (members of an
    organisation and council administrators). Lazy: a page that does not ask costs
    no query."""
    user = getattr(request, "user", None)
    return {"HAS_MY_ORGANIZATIONS": SimpleLazyObject(lambda: _has_organizations(user))}
