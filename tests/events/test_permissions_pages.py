"""Runs the event page and recognition permission rows
(tests/events/permission_cases_pages.py) with the global table's roles: role × method
× URL → status (and where a redirect goes); a refused write changes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from hanjari.events.models import Event
from tests.events.permission_cases_pages import PAGES_TABLE, pages_post_data, pages_world
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
ROLES = ("anonymous", "plain_user", "member_a", "council_admin_a", "member_b", "staff")


@pytest.fixture
def member_b(db, org_b):
    return MembershipFactory(user=UserFactory(username="member_b"), organization=org_b).user


def test_every_page_url_has_a_row():
    from hanjari.events import urls as event_urls
    from hanjari.recognition import urls as recognition_urls

    pages = {
        f"events:{p.name}"
        for p in event_urls.urlpatterns
        if p.callback.__module__.endswith("views.pages")
    }
    # The recognition staff pages have their rows in tests/recognition.
    pages |= {
        f"recognition:{p.name}"
        for p in recognition_urls.urlpatterns
        if not str(p.name).startswith("staff-")
    }
    assert pages == {name for _m, name, _k, _e in PAGES_TABLE}
    assert all(len(expected) == len(ROLES) for *_rest, expected in PAGES_TABLE)


CASES = [
    pytest.param(
        role,
        method,
        name,
        kwargs,
        expected[i],
        id=f"{role}-{method}-{name}-{'-'.join(kwargs.values())}",
    )
    for method, name, kwargs, expected in PAGES_TABLE
    for i, role in enumerate(ROLES)
]


def _location(target: str, path: str, world: dict[str, Any]) -> str:
    if target == "login":
        return f"{reverse('accounts:login')}?next={quote(path)}"
    prefix = target[:-1]
    return world[prefix].get_absolute_url() if prefix in world else prefix


@pytest.mark.parametrize(("role", "method", "name", "kwargs", "expected"), CASES)
def test_pages_permission_table(request, client, staff, role, method, name, kwargs, expected):
    world = pages_world(staff)
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs={k: world[v].pk if v in world else v for k, v in kwargs.items()})
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    titles_before = set(Event.objects.values_list("title", flat=True))

    if method == "post":
        response = client.post(url, pages_post_data(name, world))
    else:
        response = client.get(url)

    assert response.status_code == status, (role, method, url, response.status_code)
    if location is not None:
        expected_location = _location(location, url, world)
        if location.endswith("*"):
            assert response["Location"].startswith(expected_location), response["Location"]
        else:
            assert response["Location"] == expected_location
    if status == 403:
        html = response.content.decode()
        assert "<h1" in html and "권한이 없습니다" in html
    if method == "post" and status != 302:
        assert set(Event.objects.values_list("title", flat=True)) == titles_before
