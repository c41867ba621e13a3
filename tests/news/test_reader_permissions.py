"""Runs the reader permission rows (tests/news/permission_cases.py): role × method ×
URL → status, and a refused write changes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.urls import reverse

from hanjari.news import services
from hanjari.news.models import Comment, CommentReport
from tests.core.picture_files import picture_bytes, upload
from tests.news.permission_cases import READER_CASES, READER_POST_DATA, READER_ROLES
from tests.news.reader_support import (
    published_article,
    section,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def world(reporter, editor, plain_user):
    article = published_article(
        author=reporter, editor=editor, headline="권한 표 기사", section=section("press")
    )
    comment = services.comment_create(article=article, by=plain_user, body="원래 댓글")
    image = upload("사진.png", picture_bytes("PNG"))
    photo = services.article_add_photo(article=article, by=editor, image=image, alt_text="사진")
    return {"article": article, "comment": comment, "photo": photo}


def _url(name: str, kwargs: dict[str, str], world: dict[str, Any]) -> str:
    resolved = {k: world[v].pk if v in world else v for k, v in kwargs.items()}
    return reverse(name, kwargs=resolved)


def test_every_reader_url_has_rows():
    from hanjari.news import urls

    desk = {"desk", "article-new", "import", "article-preview", "article-edit", "photo-add"}
    names = {f"news:{p.name}" for p in urls.urlpatterns if p.name and p.name not in desk}
    names.discard("news:article-transition")
    covered = {name for _role, _method, name, _kwargs, _expected in READER_CASES}
    assert names <= covered, names - covered
    for name in covered:
        roles = {role for role, _m, n, _k, _e in READER_CASES if n == name}
        assert roles == set(READER_ROLES)


@pytest.mark.parametrize(
    ("role", "method", "name", "kwargs", "expected"),
    [pytest.param(*case, id=f"{case[0]}-{case[1]}-{case[2]}") for case in READER_CASES],
)
def test_reader_permissions(request, client, world, role, method, name, kwargs, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = _url(name, kwargs, world)
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    comment = world["comment"]

    if method == "post":
        response = client.post(url, READER_POST_DATA.get(name, {}))
    else:
        response = client.get(url)

    assert response.status_code == status, (role, method, url, response.status_code)
    if location == "login":
        assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"
    if status == 403:
        body = response.content.decode()
        refusals = ("권한이 없습니다", "로그인한 사람만", "자기 댓글은 신고할 수 없습니다.")
        assert any(text in body for text in refusals)
    after = Comment.objects.get(pk=comment.pk)
    if name == "news:comment-edit" and method == "post":
        assert (after.body == "고친 댓글") == (status == 303)
    if name == "news:comment-moderate" and method == "post":
        assert (after.status == Comment.Status.HIDDEN) == (status == 303)
    if name == "news:comment-report" and method == "post":
        assert CommentReport.objects.filter(comment=comment).exists() == (status == 303)
    if name == "news:comment-create" and method == "post":
        assert Comment.objects.filter(body="권한 표 확인 댓글").exists() == (status == 303)
