"""The news desk's rules (소식), each in one place: the article workflow table and the
comment edit window. The desk's buttons, the comment list, the services and the tests
all read them, so a button is shown exactly when the service would accept the click.

Workflow (기사 처리 단계): draft (작성 중) → submitted (승인 요청) → approved (기사승인)
→ published (게재, now or scheduled) → withdrawn (게재 취소); an editor may send a
submitted or approved article back to its author (돌려보내기). Who may take each step
is in `hanjari.news.permissions` (roles: 편집자, 기자, 기업 회원).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.core.rules import Refusal, Step, allowed_steps

from . import permissions
from .models import Article, Comment

S = Article.Status

# The article workflow: step name → Step(source states, target state, who may).
# `may` says who may take the step at all; the source states say when.
ARTICLE_STEPS: dict[str, Step[str, Any, Article]] = {
    "submit": Step(frozenset({S.DRAFT}), S.SUBMITTED, permissions.can_submit_article),
    "approve": Step(frozenset({S.SUBMITTED}), S.APPROVED, permissions.is_editor),
    "publish": Step(frozenset({S.APPROVED}), S.PUBLISHED, permissions.is_editor),
    "return": Step(frozenset({S.SUBMITTED, S.APPROVED}), S.DRAFT, permissions.is_editor),
    "withdraw": Step(frozenset({S.PUBLISHED}), S.WITHDRAWN, permissions.is_editor),
}


def article_steps(actor: Any, article: Article) -> list[str]:
    """The names of the `ARTICLE_STEPS` that `actor` (a user, anonymous or None) may
    take on `article` now, in table order. Never raises."""
    return allowed_steps(ARTICLE_STEPS, article.status, actor, article)


def step_refusal(name: str, actor: Any, article: Article) -> Refusal | None:
    """Why `actor` may not take step `name` on `article` now, or None when they may.

    Codes: ``"forbidden"`` (this person may not take the step at all; the desk answers
    403), ``"state"`` (not from the article's current state; 409). Raises KeyError for
    a name that is not in `ARTICLE_STEPS` (a programming error)."""
    if not ARTICLE_STEPS[name].may(actor, article):
        return Refusal("forbidden", _("이 작업을 할 권한이 없습니다."))
    return state_refusal(name, article)


def state_refusal(name: str, article: Article) -> Refusal | None:
    """Why step `name` cannot be taken from `article`'s current state (code
    ``"state"``), or None; who takes it is not looked at (see `step_refusal`)."""
    if article.status not in ARTICLE_STEPS[name].source:
        return Refusal(
            "state",
            _("'%(state)s' 상태의 기사에는 할 수 없는 작업입니다.")
            % {"state": article.get_status_display()},
        )
    return None


# --- comments --------------------------------------------------------------------------

COMMENT_EDIT_WINDOW = dt.timedelta(minutes=15)


def comment_edit_refusal(
    comment: Comment, actor: Any, *, now: dt.datetime | None = None
) -> Refusal | None:
    """Why `actor` may not edit `comment` now (댓글 고치기), or None when they may.

    Only the comment's own signed-in author, within `COMMENT_EDIT_WINDOW` (15 minutes)
    of writing it, and not once a moderator has hidden it. `now` defaults to the current
    time. Codes: ``"forbidden"`` (not the author), ``"hidden"``, ``"window"``."""
    authed = bool(getattr(actor, "is_authenticated", False))
    if not authed or comment.user_id is None or comment.user_id != actor.pk:
        return Refusal("forbidden", _("이 작업을 할 권한이 없습니다."))
    if comment.status == Comment.Status.HIDDEN:
        return Refusal("hidden", _("숨겨진 댓글은 고칠 수 없습니다."))
    now = now or timezone.now()
    if now - comment.created_at > COMMENT_EDIT_WINDOW:
        return Refusal("window", _("댓글은 쓴 뒤 15분 안에만 고칠 수 있습니다."))
    return None
