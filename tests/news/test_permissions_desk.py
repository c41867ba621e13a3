"""Runs the desk permission rows (tests/news/permission_cases_desk.py): every desk
URL × role × method answers the status in the table, with a message on 403, the login
page for anonymous users, and no state change when refused."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from config.urls import urlpatterns
from hanjari.news.models import Article
from tests.news.permission_cases_desk import DESK_CASES, desk_post_data, resolve_kwargs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "method", "name", "kwargs", "expected"),
    DESK_CASES,
    ids=[f"{r}-{m}-{n}-{'-'.join(k.values())}" for r, m, n, k, _s in DESK_CASES],
)
def test_desk_permission_table(request, client, desk_world, role, method, name, kwargs, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs=resolve_kwargs(kwargs, desk_world))
    before = dict(Article.objects.values_list("pk", "status"))
    if method == "post":
        response = client.post(url, desk_post_data(name, kwargs))
    else:
        response = client.get(url)

    assert response.status_code == expected, (role, method, url, response.status_code)
    if role == "anonymous":
        assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"
    elif expected == 302:
        article = desk_world[kwargs["pk"]]
        assert response["Location"] == reverse("news:article-preview", args=[article.pk])
    if expected == 403:
        assert "권한이 없습니다" in response.content.decode()
    if expected in (403, 405, 409) or role == "anonymous":
        assert dict(Article.objects.values_list("pk", "status")) == before


def test_every_desk_url_has_rows():
    desk_names = {
        f"news:{p.name}"
        for p in next(
            p for p in urlpatterns if getattr(p, "namespace", None) == "news"
        ).url_patterns
        if p.callback.__module__.endswith("views.desk")
    }
    assert desk_names == {name for _r, _m, name, _k, _s in DESK_CASES}
