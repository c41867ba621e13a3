"""The Django admin does not write news around the services: an article is saved (text,
organisations, tags) by the service and audited; photos, deletions and comment edits
are refused there; comments are hidden with the moderation service."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.news import services
from hanjari.news.models import Article, ArticlePhoto, Comment
from tests.factories import OrganizationFactory, UserFactory
from tests.news.desk_fixtures import advance, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def _change_data(client: Any, article: Article, **changes: Any) -> dict[str, Any]:
    form = (
        client.get(reverse("admin:news_article_change", args=[article.pk]))
        .context["adminform"]
        .form
    )
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "section": "",
            "tags": [],
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        }
    )
    data.update(changes)
    return data


def test_organisations_are_set_by_the_service_and_audited(client, admin_user, author, org_a):
    article = make_article(author, orgs=[org_a])
    other = OrganizationFactory(name="다른협동조합")
    client.force_login(admin_user)
    url = reverse("admin:news_article_change", args=[article.pk])
    response = client.post(url, _change_data(client, article, organizations=[other.pk]))
    assert response.status_code == 302
    assert list(article.organizations.all()) == [other]
    entry = AuditEntry.objects.get(action="news.article.updated", user=admin_user)
    assert entry.target_id == str(article.pk)


def test_photos_cannot_be_added_in_the_admin(client, admin_user, author):
    article = make_article(author)
    client.force_login(admin_user)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = _change_data(
        client,
        article,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-article": str(article.pk),
            "photos-0-order": "0",
            "photos-0-caption": "관리자 화면에서 넣은 설명",
        },
    )
    client.post(url, data)
    assert not ArticlePhoto.objects.exists()
    html = client.get(url).content.decode()
    assert 'name="photos-0-caption"' not in html


def test_articles_and_comments_are_not_deleted_or_edited_in_the_admin(
    client, admin_user, author, editor, reporter
):
    article = advance(make_article(author), "published", author=author, editor=editor)
    comment = services.comment_create(article=article, by=reporter, body="원래 댓글")
    client.force_login(admin_user)
    delete = reverse("admin:news_article_delete", args=[article.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()

    change = reverse("admin:news_comment_change", args=[comment.pk])
    assert client.get(change).status_code == 200  # view only
    assert client.post(change, {"body": "관리자가 고친 댓글"}).status_code == 403
    delete = reverse("admin:news_comment_delete", args=[comment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).body == "원래 댓글"


def test_comment_hidden_from_the_admin_goes_through_moderation(
    client, admin_user, author, editor, reporter
):
    article = advance(make_article(author), "published", author=author, editor=editor)
    comment = services.comment_create(article=article, by=reporter, body="광고 댓글")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:news_comment_changelist"),
        {"action": "hide_comments", "_selected_action": [comment.pk], "index": "0"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN and comment.moderated_by == admin_user
    assert AuditEntry.objects.filter(action="news.comment.hidden", user=admin_user).exists()
