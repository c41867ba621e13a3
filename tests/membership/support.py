"""Helpers for the membership tests: people with a verified address, organisations
with an owner, the token of a mailed invitation link."""

from __future__ import annotations

import re
from typing import Any

from django.apps import apps

from hanjari.accounts.models import Membership, User
from hanjari.registry.models import Organization
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

LINK = re.compile(r"https?://[^\s]+/invite/([A-Za-z0-9_-]+)/")


def person(username: str, email: str = "", *, verified: bool = True) -> User:
    """A user whose account e-mail is `email`, verified the way the site verifies
    addresses (django-allauth's ``EmailAddress`` when that app is installed)."""
    user = UserFactory(username=username, email=email)
    if email:
        own_address(user, email, verified=verified)
    return user


def own_address(user: User, email: str, *, verified: bool = True) -> None:
    """Make `email` `user`'s address (the account's e-mail, and with django-allauth's
    account app installed, its ``EmailAddress``, verified or not)."""
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    if apps.is_installed("allauth.account"):
        apps.get_model("account", "EmailAddress").objects.update_or_create(
            user=user, email=email, defaults={"verified": verified, "primary": True}
        )


def owned_org(owner: User, name: str = "한마음협동조합", **fields: Any) -> Organization:
    """An organisation whose only owner is `owner`."""
    org = OrganizationFactory(name=name, **fields)
    MembershipFactory(user=owner, organization=org, role=Membership.Role.OWNER)
    return org


def join(user: User, org: Organization, role: str = Membership.Role.EDITOR) -> Membership:
    return MembershipFactory(user=user, organization=org, role=role)


def link_token(body: str) -> str:
    """The token of the invitation link in a mail `body` (fails when there is none)."""
    found = LINK.search(body)
    assert found, body
    return found.group(1)
