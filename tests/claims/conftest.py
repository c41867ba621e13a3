"""Fixtures of the claims tests (the shared role fixtures are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def member_b(db, org_b):
    """An editor member of org_b (another organisation)."""
    return MembershipFactory(user=UserFactory(username="member_b"), organization=org_b).user
