"""Event views: `pages` (events, programme, booths, attendance) and `registration`
(registration, the registrant's pages, staff lists and check-in)."""

from __future__ import annotations

from django.http import HttpRequest

from hanjari.accounts.actors import Actor
from hanjari.accounts.models import User


def actor_of(request: HttpRequest) -> Actor:
    """The acting user of `request` as the services take it (`Actor`): the signed-in
    `User`, or None for an anonymous visitor."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None
