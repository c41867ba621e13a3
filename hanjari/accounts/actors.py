"""The acting user's type, for every service signature (행위자)."""

from __future__ import annotations

from typing import Any, TypeAlias

from .models import User

Actor: TypeAlias = User | None
"""Who does something: a signed-in `User`, or None for system work (a command-line
import without --user, a scheduled job). Anonymous visitors are passed as None."""


def acting_user(user: Any) -> Actor:
    """The `Actor` for a request's user: the `User` when signed in, None for an
    anonymous visitor (Django's ``AnonymousUser``) or None."""
    return user if isinstance(user, User) and user.is_authenticated else None
