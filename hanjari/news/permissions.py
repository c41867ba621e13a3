"""Who may do what on the news desk (소식).

Roles: editors (편집자: centre staff or members of the "편집자" group) approve,
publish, withdraw, edit anything and moderate comments; reporters (기자: the "기자"
group) write and submit; an organisation member (기업 회원) may write and submit a
story about their own organisation; logged-in users comment; everyone reads.
"""

from __future__ import annotations

from typing import Any

from hanjari.accounts.models import Membership

EDITOR_GROUP = "편집자"
REPORTER_GROUP = "기자"


def _auth(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_editor(user: Any, obj: Any = None) -> bool:
    """Editors (편집자): centre staff or the editor group."""
    return _auth(user) and (user.is_centre_staff or user.groups.filter(name=EDITOR_GROUP).exists())


def is_reporter(user: Any, obj: Any = None) -> bool:
    """Reporters (기자) and editors."""
    return _auth(user) and (is_editor(user) or user.groups.filter(name=REPORTER_GROUP).exists())


def is_org_member(user: Any) -> bool:
    return _auth(user) and Membership.objects.filter(user=user).exists()


def can_write(user: Any, obj: Any = None) -> bool:
    """May start an article: reporters, editors and organisation members."""
    return is_reporter(user) or is_org_member(user)


def can_edit_article(user: Any, article: Any) -> bool:
    """Editors always; the author while the article is a draft (or sent back)."""
    if not _auth(user) or article is None:
        return False
    if is_editor(user):
        return True
    return bool(article.created_by_id == user.pk and article.status == article.Status.DRAFT)


def can_submit_article(user: Any, article: Any) -> bool:
    """Who may submit `article` (승인 요청): its author (or an editor). An organisation
    member who is not a reporter may submit only a story linked to organisations they
    belong to (and at least one). From which state is the workflow table's business
    (`hanjari.news.rules.ARTICLE_STEPS`: drafts only)."""
    if not _auth(user) or article is None:
        return False
    if article.created_by_id != user.pk and not is_editor(user):
        return False
    if is_reporter(user):
        return True
    org_ids = set(article.organizations.values_list("pk", flat=True))
    mine = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    return bool(org_ids) and org_ids <= mine


def can_moderate(user: Any, obj: Any = None) -> bool:
    """Hide or restore comments: editors."""
    return is_editor(user)


def can_view_unpublished(user: Any, article: Any) -> bool:
    """Drafts and submitted stories are visible to editors and their author."""
    return is_editor(user) or (_auth(user) and article.created_by_id == user.pk)
