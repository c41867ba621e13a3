"""Fixtures of the core tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def page_cache_on(settings):
    """The anonymous page cache on, as in production (the test settings turn it off).
    Caches start empty for every test (tests/conftest.py)."""
    settings.HANJARI_PAGE_CACHE_SECONDS = 60
