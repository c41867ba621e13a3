from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Invitation rate limits live in the shared default cache: every test starts empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    from tests.membership.support import person

    return person("owner", "owner@example.kr")


@pytest.fixture
def invitee(db):
    from tests.membership.support import person

    return person("invitee", "Invitee@Example.kr")
