"""Fixtures shared by the news tests: one user per role and the press section.

Roles: anonymous, plain user (tests/conftest.py), reporter (group 기자), `author`
(another reporter), organisation members of org_a (`member_a`, tests/conftest.py) and
of org_b (`member_b`), editor (group 편집자), centre staff (`staff`, tests/conftest.py).
"""

from __future__ import annotations

import pytest

from hanjari.news import permissions
from hanjari.news.models import Section
from tests.factories import MembershipFactory, UserFactory
from tests.news.desk_fixtures import user_in_group
from tests.news.permission_cases_desk import desk_world  # noqa: F401 - a fixture


@pytest.fixture
def editor(db):
    return user_in_group("editor", permissions.EDITOR_GROUP)


@pytest.fixture
def reporter(db):
    return user_in_group("reporter", permissions.REPORTER_GROUP)


@pytest.fixture
def author(db):
    """Another reporter: the author of the articles the other roles act on."""
    return user_in_group("author", permissions.REPORTER_GROUP)


@pytest.fixture
def member_b(db, org_b):
    return MembershipFactory(user=UserFactory(username="member_b"), organization=org_b).user


@pytest.fixture
def press_section(db):
    return Section.objects.get_or_create(slug="press", defaults={"name": "언론 보도"})[0]
