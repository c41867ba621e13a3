"""The news desk's rules in one place (hanjari.news.rules): the workflow table drives
the desk's buttons and the services, and the comment edit window drives the comment's
edit form and the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hanjari.news import rules, services
from hanjari.news.models import Article
from tests.news.desk_fixtures import advance, make_article

pytestmark = pytest.mark.django_db

STATES = ("draft", "submitted", "approved", "published", "withdrawn")

# Who looks at the desk's preview of a story about org_a: its author (a reporter, a
# member of org_a, a member of another organisation) or an editor who did not write it.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "editor": {
        "draft": {"submit"},
        "submitted": {"approve", "return"},
        "approved": {"publish", "return"},
        "published": {"withdraw"},
        "withdrawn": set(),
    },
    "author": {"draft": {"submit"}},
    "member_a": {"draft": {"submit"}},
    "member_b": {},
}

CALLS = {
    "submit": lambda a, u: services.article_submit(article=a, by=u),
    "approve": lambda a, u: services.article_approve(article=a, by=u),
    "publish": lambda a, u: services.article_publish(article=a, by=u),
    "return": lambda a, u: services.article_return(article=a, by=u, note="보강"),
    "withdraw": lambda a, u: services.article_withdraw(article=a, by=u, reason="오보"),
}


def test_every_step_of_the_table_is_tested():
    assert set(CALLS) == set(rules.ARTICLE_STEPS)
    assert {state for roles in EXPECTED.values() for state in roles} <= set(STATES)


class _Undo(Exception):
    """Raised to roll back a step that was allowed, so the next one starts afresh."""


def _story(request: Any, role: str, state: str, org_a: Any, editor: Any) -> Article:
    writer = request.getfixturevalue("author" if role == "editor" else role)
    article = make_article(writer, orgs=[org_a])
    if state == "draft":
        return article
    # A member of another organisation may not submit a story about org_a: an editor
    # takes it along.
    submitter = editor if role == "member_b" else writer
    return advance(article, state, author=submitter, editor=editor)


def _buttons(html: str, article: Article) -> set[str]:
    return {
        name
        for name in rules.ARTICLE_STEPS
        if f'action="{reverse("news:article-transition", args=[article.pk, name])}"' in html
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_table_drives_buttons_and_service(request, client, org_a, editor, member_a, role, state):
    article = _story(request, role, state, org_a, editor)
    assert article.status == state
    user = request.getfixturevalue(role)
    expected = EXPECTED[role].get(state, set())

    # the rule
    assert set(rules.article_steps(user, article)) == expected

    # the buttons: exactly the allowed steps
    client.force_login(user)
    response = client.get(reverse("news:article-preview", args=[article.pk]))
    assert response.status_code == 200
    assert _buttons(response.content.decode(), article) == expected

    # the service: accepts the allowed steps, refuses all the others and changes nothing
    for name, call in CALLS.items():
        fresh = Article.objects.get(pk=article.pk)
        if name in expected:
            with pytest.raises(_Undo), transaction.atomic():
                moved = call(fresh, user)
                assert moved.status == rules.ARTICLE_STEPS[name].target
                raise _Undo
        else:
            with pytest.raises((PermissionDenied, services.WorkflowError)):
                call(fresh, user)
        assert Article.objects.get(pk=article.pk).status == state


def test_refusal_codes(author, editor):
    draft = make_article(author)
    forbidden = rules.step_refusal("approve", author, draft)
    assert forbidden is not None and forbidden.code == "forbidden"
    wrong_state = rules.step_refusal("publish", editor, draft)
    assert wrong_state is not None and wrong_state.code == "state"
    assert "작성 중" in wrong_state.message
    assert rules.step_refusal("submit", author, draft) is None
    assert rules.step_refusal("submit", None, draft).code == "forbidden"


def test_submit_of_submitted_article_is_a_workflow_error_for_its_author(author):
    article = services.article_submit(article=make_article(author), by=author)
    with pytest.raises(services.WorkflowError):
        services.article_submit(article=article, by=author)


# --- comment edit window -----------------------------------------------------------------


def _published(author: Any, editor: Any) -> Article:
    return advance(make_article(author), "published", author=author, editor=editor)


def test_comment_edit_window_is_one_rule(client, author, editor, reporter):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        article = _published(author, editor)
        comment = services.comment_create(article=article, by=reporter, body="첫 댓글")
        edit_url = reverse("news:comment-edit", args=[comment.pk])
        client.force_login(reporter)
        # inside the window: the page offers the edit form, the service accepts
        assert rules.comment_edit_refusal(comment, reporter) is None
        assert edit_url in client.get(article.get_absolute_url()).content.decode()

    late = dt.datetime(2026, 3, 2, 9, 15, 1, tzinfo=dt.UTC)
    with time_machine.travel(late, tick=False):
        refusal = rules.comment_edit_refusal(comment, reporter)
        assert refusal is not None and refusal.code == "window"
        # past the window: no edit form on the page, and the service refuses
        assert edit_url not in client.get(article.get_absolute_url()).content.decode()
        with pytest.raises(ValidationError) as caught:
            services.comment_edit(comment=comment, by=reporter, body="늦은 고침")
        assert caught.value.messages == [refusal.message]
    # another reader may never edit it
    assert rules.comment_edit_refusal(comment, editor, now=comment.created_at).code == "forbidden"
    assert rules.comment_edit_refusal(comment, None, now=comment.created_at).code == "forbidden"


def test_hidden_comment_cannot_be_edited(author, editor, reporter):
    article = _published(author, editor)
    comment = services.comment_create(article=article, by=reporter, body="댓글")
    services.comment_moderate(comment=comment, by=editor, hide=True, reason="광고")
    comment.refresh_from_db()
    refusal = rules.comment_edit_refusal(comment, reporter, now=timezone.now())
    assert refusal is not None and refusal.code == "hidden"
    with pytest.raises(ValidationError):
        services.comment_edit(comment=comment, by=reporter, body="고침")
