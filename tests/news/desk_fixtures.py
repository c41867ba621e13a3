"""Helpers for the news desk tests: users in a group, drafts, and taking a draft along
the workflow. The role fixtures are in tests/news/conftest.py."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from hanjari.news import services
from hanjari.news.models import Article
from tests.factories import UserFactory


def user_in_group(username: str, group: str) -> Any:
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def make_article(by: Any, *, orgs: list[Any] | None = None, **data: Any) -> Article:
    """A draft by `by` (through the service)."""
    data.setdefault("headline", "한마음 워크숍 열려")
    data.setdefault("body_source", "전주시 사회적경제기업이 한자리에 모였다.")
    return services.article_create(by=by, data=data, organizations=orgs)


def advance(article: Article, to: str, *, author: Any, editor: Any) -> Article:
    """Take a draft along the workflow up to state `to`."""
    order = ["draft", "submitted", "approved", "published", "withdrawn"]
    steps = order[1 : order.index(to) + 1]
    for step in steps:
        if step == "submitted":
            article = services.article_submit(article=article, by=author)
        elif step == "approved":
            article = services.article_approve(article=article, by=editor)
        elif step == "published":
            article = services.article_publish(article=article, by=editor)
        elif step == "withdrawn":
            article = services.article_withdraw(article=article, by=editor, reason="오보")
    return article
