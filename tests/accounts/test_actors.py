"""The acting user handed to services (행위자)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from hanjari.accounts.actors import acting_user
from tests.factories import UserFactory


def test_a_signed_in_user_acts_as_themselves(db):
    user = UserFactory(username="actor")
    assert acting_user(user) is user


def test_an_anonymous_visitor_or_nobody_acts_as_none():
    assert acting_user(AnonymousUser()) is None
    assert acting_user(None) is None
