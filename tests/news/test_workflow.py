"""The editorial workflow (draft → submitted → approved → published → withdrawn):
each role × transition allowed or refused, scheduled publication, revisions after
publication, and the audit log of every state change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hanjari.core.models import AuditEntry
from hanjari.news import selectors, services
from hanjari.news.models import Article, ArticleRevision
from tests.news.desk_fixtures import advance, make_article

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "plain_user", "reporter", "member_a", "member_b", "editor", "staff")


def as_user(request: Any, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


# (transition, role, allowed). The article is a story linked to org_a written by
# `author` (another reporter), in the state the transition starts from; "submit_own"
# is the role submitting its own draft about org_a; "edit_*" edits author's article.
MATRIX = [
    # starting a draft: reporters, editors, staff and any organisation member
    *[("create", r, r not in ("anonymous", "plain_user")) for r in ROLES],
    # submitting one's own story about org_a: a member of another org may not
    *[
        ("submit_own", r, ok)
        for r, ok in [
            ("reporter", True),
            ("member_a", True),
            ("member_b", False),
            ("editor", True),
            ("staff", True),
        ]
    ],
    # submitting someone else's draft: editors only
    *[("submit_other", r, r in ("editor", "staff")) for r in ROLES],
    *[("return", r, r in ("editor", "staff")) for r in ROLES],
    *[("approve", r, r in ("editor", "staff")) for r in ROLES],
    *[("publish", r, r in ("editor", "staff")) for r in ROLES],
    *[("withdraw", r, r in ("editor", "staff")) for r in ROLES],
    # editing: the author while it is a draft, editors always
    *[("edit_draft", r, r in ("editor", "staff")) for r in ROLES],
    *[("edit_submitted", r, r in ("editor", "staff")) for r in ROLES],
    *[("edit_published", r, r in ("editor", "staff")) for r in ROLES],
]


def _start_state(transition: str) -> str:
    return {
        "submit_other": "draft",
        "return": "submitted",
        "approve": "submitted",
        "publish": "approved",
        "withdraw": "published",
        "edit_draft": "draft",
        "edit_submitted": "submitted",
        "edit_published": "published",
    }[transition]


@pytest.mark.parametrize(
    ("transition", "role", "allowed"), MATRIX, ids=[f"{t}-{r}" for t, r, _ok in MATRIX]
)
def test_role_transition_matrix(request, org_a, author, editor, transition, role, allowed):
    user = as_user(request, role)
    if transition == "create":
        call = lambda: make_article(user, orgs=[org_a])  # noqa: E731
    elif transition == "submit_own":
        article = make_article(user, orgs=[org_a])
        call = lambda: services.article_submit(article=article, by=user)  # noqa: E731
    else:
        article = advance(
            make_article(author, orgs=[org_a]),
            _start_state(transition),
            author=author,
            editor=editor,
        )
        calls = {
            "submit_other": lambda: services.article_submit(article=article, by=user),
            "return": lambda: services.article_return(article=article, by=user, note="보완"),
            "approve": lambda: services.article_approve(article=article, by=user),
            "publish": lambda: services.article_publish(article=article, by=user),
            "withdraw": lambda: services.article_withdraw(article=article, by=user, reason="오보"),
        }
        call = calls.get(transition) or (
            lambda: services.article_update(
                article=article, by=user, data={"headline": "고친 제목"}
            )
        )
    before = AuditEntry.objects.count()
    if allowed:
        result = call()
        assert isinstance(result, Article)
        assert AuditEntry.objects.count() == before + 1
    else:
        with pytest.raises(PermissionDenied):
            call()
        assert AuditEntry.objects.count() == before


def test_author_edits_own_draft_only_until_submitted(author, editor):
    article = make_article(author)
    services.article_update(article=article, by=author, data={"headline": "고침"})
    article = services.article_submit(article=article, by=author)
    with pytest.raises(PermissionDenied):
        services.article_update(article=article, by=author, data={"headline": "또 고침"})
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=author)


def test_submit_from_wrong_state_is_a_workflow_error(reporter, editor, org_a):
    article = advance(make_article(reporter), "approved", author=reporter, editor=editor)
    with pytest.raises(services.WorkflowError):
        services.article_approve(article=article, by=editor)
    with pytest.raises(services.WorkflowError):
        services.article_withdraw(article=article, by=editor, reason="x")
    draft = make_article(reporter)
    with pytest.raises(services.WorkflowError):
        services.article_publish(article=draft, by=editor)


def test_member_story_without_any_organisation_cannot_be_submitted(member_a):
    article = make_article(member_a)
    with pytest.raises(PermissionDenied):
        services.article_submit(article=article, by=member_a)


def test_member_story_about_own_and_other_org_cannot_be_submitted(member_a, org_a, org_b):
    article = make_article(member_a, orgs=[org_a, org_b])
    with pytest.raises(PermissionDenied):
        services.article_submit(article=article, by=member_a)


def test_withdraw_needs_a_reason(reporter, editor):
    article = advance(make_article(reporter), "published", author=reporter, editor=editor)
    with pytest.raises(ValidationError):
        services.article_withdraw(article=article, by=editor, reason="  ")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED


def test_approval_records_time_and_editor(reporter, editor):
    moment = dt.datetime(2023, 12, 11, 8, 40, 25, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        article = advance(make_article(reporter), "approved", author=reporter, editor=editor)
    assert article.approved_at == moment
    assert article.approved_by == editor
    assert article.shown_at == moment


def test_return_clears_the_approval(reporter, editor):
    article = advance(make_article(reporter), "approved", author=reporter, editor=editor)
    article = services.article_return(article=article, by=editor, note="사진 설명 보완")
    assert article.status == Article.Status.DRAFT
    assert article.approved_at is None and article.approved_by is None
    # the author may edit and submit it again
    services.article_update(article=article, by=reporter, data={"headline": "보완한 제목"})
    assert services.article_submit(article=article, by=reporter).status == "submitted"


def test_scheduled_publication(client, reporter, editor):
    start = dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        article = advance(make_article(reporter), "approved", author=reporter, editor=editor)
        at = start + dt.timedelta(hours=2)
        article = services.article_publish(article=article, by=editor, at=at)
        assert article.status == Article.Status.PUBLISHED
        assert article.is_scheduled
        assert not Article.objects.published().filter(pk=article.pk).exists()
        assert article not in selectors.latest()
        assert client.get(reverse("news:article", args=[article.pk])).status_code == 404
    with time_machine.travel(start + dt.timedelta(hours=2, minutes=1), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()
        assert article in selectors.latest()
        article.refresh_from_db()
        assert not article.is_scheduled
        assert client.get(reverse("news:article", args=[article.pk])).status_code == 200


def test_edits_after_publication_create_revisions(reporter, editor):
    article = make_article(reporter, headline="첫 제목")
    services.article_update(article=article, by=reporter, data={"headline": "초안 고침"})
    assert not ArticleRevision.objects.filter(article=article).exists()
    article = advance(article, "published", author=reporter, editor=editor)
    assert article.revised_at is None

    services.article_update(article=article, by=editor, data={"headline": "둘째 제목"})
    article.refresh_from_db()
    assert article.revised_at is not None
    services.article_update(article=article, by=editor, data={"body_source": "본문을 **고쳤다**."})
    revisions = list(ArticleRevision.objects.filter(article=article).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].headline == "초안 고침"
    assert revisions[1].headline == "둘째 제목"
    assert all(r.edited_by == editor for r in revisions)
    article.refresh_from_db()
    assert "<strong>고쳤다</strong>" in article.body_html


def test_every_state_change_is_audited(reporter, editor):
    article = make_article(reporter)
    article = advance(article, "withdrawn", author=reporter, editor=editor)
    entries = AuditEntry.objects.filter(
        target_type="news.article", target_id=str(article.pk)
    ).order_by("id")
    assert [(e.action, e.user) for e in entries] == [
        ("news.article.created", reporter),
        ("news.article.submitted", reporter),
        ("news.article.approved", editor),
        ("news.article.published", editor),
        ("news.article.withdrawn", editor),
    ]
    assert entries.last().data["reason"] == "오보"


def test_return_is_audited_with_the_note(reporter, editor):
    article = advance(make_article(reporter), "submitted", author=reporter, editor=editor)
    services.article_return(article=article, by=editor, note="사진 필요")
    entry = AuditEntry.objects.filter(action="news.article.returned").get()
    assert entry.user == editor and entry.data == {"note": "사진 필요"}


def test_withdrawn_article_answers_410(client, reporter, editor):
    article = advance(make_article(reporter), "withdrawn", author=reporter, editor=editor)
    response = client.get(reverse("news:article", args=[article.pk]))
    assert response.status_code == 410


def test_tags_are_created_as_needed(reporter):
    article = services.article_create(
        by=reporter,
        data={"headline": "태그 기사"},
        tag_names=services.clean_tag_names(" 워크숍, #사회적경제 ,워크숍,, 전주 "),
    )
    assert sorted(t.name for t in article.tags.all()) == ["사회적경제", "워크숍", "전주"]
    again = services.article_create(by=reporter, data={"headline": "또"}, tag_names=["워크숍"])
    assert again.tags.get().pk == article.tags.get(name="워크숍").pk


def test_org_member_is_the_byline_of_their_story(member_a, org_a):
    article = make_article(member_a, orgs=[org_a])
    assert article.reporter == member_a
    assert article.byline == str(member_a)


def test_publish_time_is_now_when_not_given(reporter, editor):
    moment = dt.datetime(2025, 5, 5, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        article = advance(make_article(reporter), "published", author=reporter, editor=editor)
    assert article.published_at == moment
    assert article.published_at <= timezone.now()


def test_service_refuses_fields_writers_do_not_set(reporter):
    """Typed service input (services.ArticleData): the workflow state or the rendered body
    are not writers' fields, and naming one is a programming error, not a silent write."""
    with pytest.raises(TypeError, match="status"):
        services.article_create(by=reporter, data={"headline": "제목", "status": "published"})
    article = make_article(reporter)
    with pytest.raises(TypeError, match="body_html"):
        services.article_update(article=article, by=reporter, data={"body_html": "<script>"})
    with pytest.raises(TypeError, match="view_count"):
        services.article_data({"headline": "제목", "view_count": 9})
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT
