"""Shared fixtures: users for each role, the real official files shipped in data/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import (
    CouncilMembershipFactory,
    CouncilRoleFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)


def _restore_without_strays(original):  # type: ignore[no-untyped-def]
    """Wrap `TransactionTestCase._fixture_setup` (a classmethod): before the serialized
    migration data is put back, delete content types (and, by cascade, permissions) that
    were created since the last flush — by a request the live server was still
    answering, or any `ContentType.objects.get_for_model` after the flush — so that they
    do not collide with the restored rows of the same models ("UNIQUE constraint failed:
    django_content_type…" in the next browser test, after tests/e2e/test_news_browser.py).
    Right after a flush the table holds only such strays; the serialized data brings
    every content type back with its id."""

    def _fixture_setup(cls):  # type: ignore[no-untyped-def]
        if cls.serialized_rollback:
            from django.contrib.contenttypes.models import ContentType
            from django.db import connections

            for alias in cls._databases_names(include_mirrors=False):
                if hasattr(connections[alias], "_test_serialized_contents"):
                    ContentType.objects.using(alias).all().delete()
            ContentType.objects.clear_cache()
        return original.__func__(cls)

    return classmethod(_fixture_setup)


def pytest_configure(config: pytest.Config) -> None:
    from django.test import testcases

    setup = testcases.TransactionTestCase.__dict__["_fixture_setup"]
    testcases.TransactionTestCase._fixture_setup = _restore_without_strays(setup)  # type: ignore[method-assign]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every transactional test restores the migration data it started with
    (``serialized_rollback=True``), whatever its module asked for.

    A transactional test ends with a flush. Without serialized rollback, the flush
    re-runs post_migrate, which recreates content types and permissions under new ids;
    the next test that restores the serialized data then collides with them
    ("UNIQUE constraint failed: django_content_type…", seen with tests/events/test_race.py
    followed by a browser test). With every transactional test restoring, no flush runs
    post_migrate and the ids always match, in any order (tests/test_test_isolation.py).
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction"):
            continue
        if not marker.kwargs.get("serialized_rollback"):
            # Prepended: pytest-django reads the first django_db marker it finds.
            restoring = pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True})
            item.add_marker(restoring, append=False)


REPO = Path(__file__).resolve().parent.parent
OFFICIAL = REPO / "data" / "official"
VILLAGE_XLSX = OFFICIAL / "village_enterprises_15080745_2025-12-31.xlsx"
SELF_SUFFICIENCY_CSV = OFFICIAL / "self_sufficiency_enterprises_15091502_2025-12-31.csv"


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language (Korean): a request with
    ``Accept-Language: en`` leaves English active in the thread, and services run
    outside a request afterwards (e-mails, messages) then spoke English in later tests."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HANJARI_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches (rate limits, seen-view markers, pages): ids
    repeat between tests, so a marker left by one would decide another."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def org_a(db):
    return OrganizationFactory(name="가나다협동조합")


@pytest.fixture
def org_b(db):
    return OrganizationFactory(name="라마바영농조합법인")


@pytest.fixture
def member_a(db, org_a):
    """An editor member (기업 회원) of org_a."""
    return MembershipFactory(user=UserFactory(username="member_a"), organization=org_a).user


@pytest.fixture
def council_admin_a(db, org_a):
    """The admin of a council that org_a belongs to."""
    cm = CouncilMembershipFactory(organization=org_a)
    return CouncilRoleFactory(user=UserFactory(username="council_admin"), council=cm.council).user


@pytest.fixture
def plain_user(db):
    return UserFactory(username="plain")
