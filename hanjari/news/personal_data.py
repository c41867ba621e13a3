"""News in a person's own data (hanjari.accounts.personal_data).

Download: the user's comments (with the article they are on), their reports of
comments, and the articles they wrote as reporter. Deletion (회원 탈퇴): nothing is
erased here — comments and articles are what the person published and stay, shown as
by "탈퇴한 사용자" (the account is anonymised by hanjari.accounts.services.account_delete);
a comment that itself holds personal data is taken down by the moderators on request.
"""

from __future__ import annotations

from typing import Any

from hanjari.accounts.models import User
from hanjari.accounts.personal_data import iso

from .models import Article, Comment, CommentReport


def news_export(user: User) -> dict[str, list[dict[str, Any]]]:
    """The user's comments, comment reports and articles as JSON-able dicts."""
    comments = Comment.objects.filter(user=user).select_related("article")
    reports = CommentReport.objects.filter(user=user)
    articles = Article.objects.filter(reporter=user)
    return {
        "comments": [
            {
                "article": c.article.headline,
                "article_id": c.article_id,
                "body": c.body,
                "status": c.status,
                "created_at": iso(c.created_at),
                "edited_at": iso(c.edited_at),
            }
            for c in comments.order_by("created_at", "id")
        ],
        "comment_reports": [
            {"comment_id": r.comment_id, "reason": r.reason, "created_at": iso(r.created_at)}
            for r in reports.order_by("created_at", "id")
        ],
        "articles": [
            {
                "headline": a.headline,
                "article_id": a.pk,
                "status": a.status,
                "published_at": iso(a.published_at),
            }
            for a in articles.order_by("created_at", "id")
        ],
    }
