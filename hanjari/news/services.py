"""News desk writes (소식): the editorial workflow, comments and view counting.

Every state change of an article goes through one function here and is written to
the audit log; views, admin and commands call these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.core.audit import log_action
from hanjari.core.services import apply_fields
from hanjari.core.text import remove_invisible
from hanjari.registry.models import Organization

from . import permissions, rules
from .models import (
    Article,
    ArticleHourlyViews,
    ArticlePhoto,
    ArticleRevision,
    Comment,
    CommentReport,
    Section,
    Tag,
    ViewerHit,
)
from .sanitize import article_html, plain_text

S = Article.Status


class ArticleData(TypedDict, total=False):
    """The fields of an article that writers set (`ARTICLE_FIELDS`); the rest (state,
    times of the workflow, the rendered body) belongs to the services. For a press
    article (언론 보도): `byline_name` and `outlet` are the byline, and
    `original_published_at` / `original_updated_at` the outlet's own times."""

    headline: str
    subtitle: str
    body_source: str
    dateline_prefix: str
    section: Section | None
    byline_name: str
    outlet: str
    original_url: str
    copyright_line: str
    original_published_at: dt.datetime | None
    original_updated_at: dt.datetime | None


ARTICLE_FIELDS = tuple(ArticleData.__annotations__)
MAX_TAGS = 20
COMMENT_RATE = (5, dt.timedelta(minutes=10))  # at most 5 comments per user per 10 min


class WorkflowError(Exception):
    """A transition that is not allowed from the article's current state."""


class CommentRateLimited(Exception):
    """Too many comments in a short time."""


class DuplicateImport(Exception):
    """The press article was imported before (same source text, or same headline and
    outlet); `article` is the earlier one."""

    def __init__(self, message: str, *, article: Article) -> None:
        super().__init__(message)
        self.article = article


def _require(ok: bool) -> None:
    if not ok:
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))


def _check_subtitle(subtitle: str) -> str:
    lines = [line.strip() for line in subtitle.strip().splitlines() if line.strip()]
    if len(lines) > 2:
        raise ValidationError({"subtitle": _("부제는 두 줄까지 쓸 수 있습니다.")})
    return "\n".join(lines)


def clean_tag_names(names: list[str] | str) -> list[str]:
    """Tag names from a list or a comma-separated string: trimmed, inner whitespace
    collapsed, a leading ``#`` dropped, at most 50 characters each, duplicates
    (case-insensitive) and empty names removed, at most `MAX_TAGS`. Never raises."""
    if isinstance(names, str):
        names = names.replace("，", ",").split(",")
    result: list[str] = []
    seen: set[str] = set()
    for raw in names:
        name = " ".join(str(raw).split()).lstrip("#").strip()[:50]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            result.append(name)
    return result[:MAX_TAGS]


def _tags_for(names: list[str]) -> list[Tag]:
    """The `Tag`s named `names` (see `clean_tag_names`), created as needed."""
    tags = []
    for name in clean_tag_names(names):
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name)
        tags.append(tag)
    return tags


def _set_relations(
    article: Article,
    organizations: Sequence[Organization] | None,
    tags: Sequence[Tag] | None,
    tag_names: list[str] | None,
) -> None:
    if organizations is not None:
        article.organizations.set(organizations)
    if tag_names is not None:
        tags = [*(tags or []), *_tags_for(tag_names)]
    if tags is not None:
        article.tags.set(tags)


@transaction.atomic
def article_create(
    *,
    by: Actor,
    data: ArticleData,
    organizations: Sequence[Organization] | None = None,
    tags: Sequence[Tag] | None = None,
    tag_names: list[str] | None = None,
) -> Article:
    """Start a draft (작성 중) written by `by` (reporter, editor or organisation member).

    `data` holds `ARTICLE_FIELDS`; the body is rendered and sanitised. Without a
    free-text `byline_name` the writer's account is the byline. `tag_names` are
    created as needed (see `clean_tag_names`). Raises PermissionDenied or
    ValidationError.
    """
    _require(permissions.can_write(by))
    article = Article(created_by=by, status=S.DRAFT)
    if not data.get("byline_name"):
        article.reporter = by
    _apply(article, data)
    article.full_clean()
    article.save()
    _set_relations(article, organizations, tags, tag_names)
    log_action("news.article.created", user=by, target=article)
    return article


def article_data(values: Mapping[str, Any]) -> ArticleData:
    """`values` from an untyped source (a press extraction) as `ArticleData`. Raises
    TypeError naming any key that is not in `ARTICLE_FIELDS` (a programming error)."""
    unknown = sorted(set(values) - set(ARTICLE_FIELDS))
    if unknown:
        raise TypeError(f"fields not allowed here: {', '.join(unknown)}")
    return cast(ArticleData, dict(values))


def _apply(article: Article, data: ArticleData) -> list[str]:
    """Set `data` on `article` (`core.services.apply_fields`: TypeError for a key not in
    `ARTICLE_FIELDS`), tidy the subtitle and render the body. Returns the changed names."""
    changed = apply_fields(article, data, allowed=ARTICLE_FIELDS)
    article.subtitle = _check_subtitle(article.subtitle or "")
    article.body_html = article_html(article.body_source or "")
    return changed


@transaction.atomic
def article_update(
    *,
    article: Article,
    by: Actor,
    data: ArticleData,
    organizations: Sequence[Organization] | None = None,
    tags: Sequence[Tag] | None = None,
    tag_names: list[str] | None = None,
) -> Article:
    """Edit an article. After publication the previous text is kept as an
    `ArticleRevision` and `revised_at` ("수정") is set. Raises PermissionDenied."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    _require(permissions.can_edit_article(by, article))
    if article.status in (S.PUBLISHED, S.WITHDRAWN):
        number = article.revisions.count() + 1
        ArticleRevision.objects.create(
            article=article,
            number=number,
            headline=article.headline,
            subtitle=article.subtitle,
            body_html=article.body_html,
            edited_by=by,
        )
        article.revised_at = timezone.now()
    _apply(article, data)
    article.full_clean()
    article.save()
    _set_relations(article, organizations, tags, tag_names)
    log_action("news.article.updated", user=by, target=article, data={"fields": sorted(data)})
    return article


def _step(article: Article, name: str, by: Actor, *, system: bool = False) -> Article:
    """Lock `article`, check step `name` of the workflow table (`rules.ARTICLE_STEPS`)
    for `by` and move the locked row to the step's target state (not saved yet).
    `system` is set only for system work already allowed by its caller (a command-line
    import with ``--publish``): then only the state is checked. Raises PermissionDenied
    (this person may not take the step) or WorkflowError (not from the current state)."""
    locked = Article.objects.select_for_update().get(pk=article.pk)
    step = rules.ARTICLE_STEPS[name]
    if system:
        refusal = rules.state_refusal(name, locked)
    else:
        refusal = rules.step_refusal(name, by, locked)
    if refusal is not None:
        if refusal.code == "forbidden":
            raise PermissionDenied(refusal.message)
        raise WorkflowError(refusal.message)
    locked.status = step.target
    return locked


def _submit(article: Article, by: Actor, *, system: bool = False) -> Article:
    article = _step(article, "submit", by, system=system)
    article.submitted_at = timezone.now()
    article.save()
    log_action("news.article.submitted", user=by, target=article)
    return article


def _approve(
    article: Article, by: Actor, at: dt.datetime | None, *, system: bool = False
) -> Article:
    article = _step(article, "approve", by, system=system)
    article.approved_at = at or timezone.now()
    article.approved_by = by if getattr(by, "pk", None) else None
    article.save()
    log_action(
        "news.article.approved",
        user=by,
        target=article,
        data={"at": article.approved_at.isoformat()},
    )
    return article


def _publish(
    article: Article, by: Actor, at: dt.datetime | None, *, system: bool = False
) -> Article:
    article = _step(article, "publish", by, system=system)
    article.published_at = at or timezone.now()
    article.save()
    log_action(
        "news.article.published",
        user=by,
        target=article,
        data={"at": article.published_at.isoformat()},
    )
    return article


@transaction.atomic
def article_submit(*, article: Article, by: Actor) -> Article:
    """Draft → submitted (승인 요청): the author (see `rules.ARTICLE_STEPS`). Raises
    PermissionDenied or WorkflowError."""
    return _submit(article, by)


@transaction.atomic
def article_return(*, article: Article, by: Actor, note: str = "") -> Article:
    """Submitted or approved → draft: an editor sends it back to the author. Raises
    PermissionDenied or WorkflowError."""
    article = _step(article, "return", by)
    # A returned article needs a new approval: the old one no longer holds.
    article.approved_at = None
    article.approved_by = None
    article.save()
    log_action("news.article.returned", user=by, target=article, data={"note": note})
    return article


@transaction.atomic
def article_approve(*, article: Article, by: Actor) -> Article:
    """Submitted → approved (기사승인): the time and the editor are recorded. Raises
    PermissionDenied or WorkflowError."""
    return _approve(article, by, None)


@transaction.atomic
def article_publish(*, article: Article, by: Actor, at: dt.datetime | None = None) -> Article:
    """Approved → published, now or at `at` (a future time schedules it: readers see it
    from then on). Raises PermissionDenied, or WorkflowError for an unapproved article."""
    return _publish(article, by, at)


@transaction.atomic
def article_withdraw(*, article: Article, by: Actor, reason: str) -> Article:
    """Published → withdrawn (게재 취소); readers then get 410 with a notice. Raises
    PermissionDenied, WorkflowError, or ValidationError without a reason."""
    article = _step(article, "withdraw", by)
    if not reason.strip():
        raise ValidationError({"reason": _("게재 취소 이유를 적어 주세요.")})
    article.withdrawn_at = timezone.now()
    article.withdrawn_reason = reason.strip()[:300]
    article.save()
    log_action("news.article.withdrawn", user=by, target=article, data={"reason": reason})
    return article


@transaction.atomic
def article_add_photo(
    *,
    article: Article,
    by: Actor,
    image: File | None = None,
    caption: str = "",
    credit: str = "",
    alt_text: str = "",
) -> ArticlePhoto:
    """Attach a photo (or a caption only, for imported articles) to an article."""
    _require(permissions.can_edit_article(by, article))
    order = article.photos.count()
    photo = ArticlePhoto(
        article=article,
        image=image or "",
        caption=caption[:500],
        credit=credit[:200],
        alt_text=alt_text[:300],
        order=order,
    )
    photo.full_clean()
    photo.save()
    log_action("news.article.photo_added", user=by, target=article)
    return photo


# --- press imports ---------------------------------------------------------------------


def source_hash(text: str) -> str:
    """SHA-256 (hex) of an imported page's text with line ends and surrounding
    whitespace normalised, so the same page pasted or uploaded gives the same hash."""
    normalised = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n"))
    return hashlib.sha256(normalised.strip().encode("utf-8")).hexdigest()


def imported_duplicate(
    *, source_hash: str = "", headline: str = "", outlet: str = ""
) -> Article | None:
    """An article imported before from the same source text (`source_hash`), or with
    the same headline (whitespace collapsed) from the same outlet; else None."""
    if source_hash:
        found = Article.objects.filter(source_hash=source_hash).order_by("pk").first()
        if found is not None:
            return found
    headline = " ".join(headline.split())
    if headline and outlet.strip():
        return (
            Article.objects.filter(headline=headline, outlet=outlet.strip()).order_by("pk").first()
        )
    return None


@transaction.atomic
def article_import(
    *,
    by: Actor,
    data: ArticleData,
    photo_captions: list[str] | None = None,
    source_hash: str = "",
    organizations: Sequence[Organization] | None = None,
    tag_names: list[str] | None = None,
    publish: bool = False,
) -> Article:
    """Save a press article (언론 보도) taken from another outlet's page as a draft.

    `data` holds `ARTICLE_FIELDS` (the byline is the free-text `byline_name` with
    `outlet`; `original_published_at` the outlet's own time). Each of `photo_captions`
    becomes a caption-only `ArticlePhoto`, in order. `source_hash` (see `source_hash()`)
    is stored to refuse a second import. `by` is an editor, or None for a system
    import from the command line. With `publish`, the article is also submitted,
    approved with the original time as its 기사승인 time and published at that time
    (a missing or future original time means now), each step audited.

    Raises PermissionDenied (not an editor), DuplicateImport (imported before: same
    source hash, or same headline and outlet) or ValidationError.
    """
    if by is not None:
        _require(permissions.is_editor(by))
    data = data.copy()
    data["headline"] = " ".join(data.get("headline", "").split())
    earlier = imported_duplicate(
        source_hash=source_hash, headline=data["headline"], outlet=data.get("outlet", "")
    )
    if earlier is not None:
        raise DuplicateImport(
            _("이미 가져온 기사입니다: %(headline)s") % {"headline": earlier.headline},
            article=earlier,
        )
    article = Article(
        created_by=by if getattr(by, "pk", None) else None,
        status=S.DRAFT,
        source_hash=source_hash,
    )
    _apply(article, data)
    article.full_clean()
    article.save()
    _set_relations(article, organizations, None, tag_names)
    for order, caption in enumerate(c.strip() for c in photo_captions or []):
        if caption:
            photo = ArticlePhoto(article=article, caption=caption[:500], order=order)
            photo.full_clean()
            photo.save()
    log_action(
        "news.article.imported",
        user=by,
        target=article,
        data={"outlet": article.outlet, "source_hash": source_hash, "url": article.original_url},
    )
    if publish:
        now = timezone.now()
        when = article.original_published_at
        if when is None or when > now:
            when = now
        # An editor takes the steps as themself; a system import (no user) may take
        # them because the command line is the centre's own.
        system = by is None
        article = _submit(article, by, system=system)
        article = _approve(article, by, when, system=system)
        article = _publish(article, by, when, system=system)
    return article


# --- comments ---------------------------------------------------------------------------


@transaction.atomic
def comment_create(
    *,
    article: Article,
    by: Actor = None,
    body: str,
    guest_name: str = "",
    now: dt.datetime | None = None,
) -> Comment:
    """A comment (댓글) by a logged-in user, or by a named guest when the setting
    `HANJARI_GUEST_COMMENTS` allows it. Text is stripped of HTML. Raises
    ValidationError (empty, too long, article not open), PermissionDenied, or
    CommentRateLimited (more than 5 comments in 10 minutes)."""
    now = now or timezone.now()
    if not Article.objects.published(now).filter(pk=article.pk).exists():
        raise ValidationError(_("게재된 기사에만 댓글을 쓸 수 있습니다."))
    text = plain_text(body)
    if not text:
        raise ValidationError({"body": _("댓글 내용을 적어 주세요.")})
    if len(text) > 2000:
        raise ValidationError({"body": _("댓글은 2,000자까지 쓸 수 있습니다.")})
    authed = bool(getattr(by, "is_authenticated", False))
    if not authed:
        if not getattr(settings, "HANJARI_GUEST_COMMENTS", False):
            raise PermissionDenied(_("로그인한 사람만 댓글을 쓸 수 있습니다."))
        # No invisible or reordering characters (U+202E …) in a name others read.
        guest_name = remove_invisible(plain_text(guest_name)).strip()[:50]
        if not guest_name:
            raise ValidationError({"guest_name": _("이름을 적어 주세요.")})
    else:
        limit, window = COMMENT_RATE
        recent = Comment.objects.filter(user=by, created_at__gte=now - window).count()
        if recent >= limit:
            raise CommentRateLimited(_("댓글을 너무 자주 쓰고 있습니다. 잠시 뒤에 다시 써 주세요."))
    comment = Comment.objects.create(
        article=article,
        user=by if authed else None,
        guest_name="" if authed else guest_name,
        body=text,
    )
    log_action("news.comment.created", user=by, target=comment, data={"article": article.pk})
    return comment


@transaction.atomic
def comment_edit(
    *, comment: Comment, by: Actor, body: str, now: dt.datetime | None = None
) -> Comment:
    """The author edits their comment within 15 minutes of writing it, not once a
    moderator has hidden it (`rules.comment_edit_refusal`). Raises PermissionDenied or
    ValidationError."""
    now = now or timezone.now()
    refusal = rules.comment_edit_refusal(comment, by, now=now)
    if refusal is not None:
        if refusal.code == "forbidden":
            raise PermissionDenied(refusal.message)
        raise ValidationError(refusal.message, code=refusal.code)
    text = plain_text(body)
    if not text:
        raise ValidationError({"body": _("댓글 내용을 적어 주세요.")})
    comment.body = text[:2000]
    comment.edited_at = now
    comment.save()
    log_action("news.comment.edited", user=by, target=comment)
    return comment


@transaction.atomic
def comment_report(*, comment: Comment, by: Actor, reason: str) -> CommentReport:
    """A logged-in reader reports a comment (once per reader). Nobody reports their own
    comment (PermissionDenied), and a hidden comment cannot be reported any more
    (ValidationError): moderators have already dealt with it. The comment is read
    again under a row lock, so a report does not slip in as it is being hidden."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))
    current = Comment.objects.select_for_update().filter(pk=comment.pk).first()
    if current is None:
        raise ValidationError(_("댓글을 찾을 수 없습니다."))
    if current.user_id is not None and current.user_id == by.pk:
        raise PermissionDenied(_("자기 댓글은 신고할 수 없습니다."))
    if current.status != Comment.Status.VISIBLE:
        raise ValidationError(_("숨겨진 댓글은 신고할 수 없습니다."))
    reason = plain_text(reason)[:300] or _("부적절한 댓글")
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, user=by, reason=reason)
    except IntegrityError as exc:
        raise ValidationError(_("이미 신고한 댓글입니다.")) from exc
    log_action("news.comment.reported", user=by, target=comment, data={"reason": reason})
    return report


@transaction.atomic
def comment_moderate(*, comment: Comment, by: Actor, hide: bool, reason: str) -> Comment:
    """A moderator hides (or restores) a comment with a reason; reports are resolved."""
    _require(permissions.can_moderate(by))
    if not reason.strip():
        raise ValidationError({"reason": _("이유를 적어 주세요.")})
    comment.status = Comment.Status.HIDDEN if hide else Comment.Status.VISIBLE
    comment.moderation_reason = reason.strip()[:300]
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    comment.save()
    comment.reports.update(resolved=True)
    log_action(
        "news.comment.hidden" if hide else "news.comment.restored",
        user=by,
        target=comment,
        data={"reason": reason},
    )
    return comment


# --- readership -------------------------------------------------------------------------

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|slurp|bingpreview|facebookexternalhit|embedly|quora link|"
    r"headless|python-requests|python-urllib|curl/|wget/|httpclient|go-http-client|"
    r"java/|okhttp|axios|node-fetch|scrapy|phantomjs|lighthouse|pingdom|uptime|monitor|"
    r"yeti|daumoa|daum/|naverbot|petalbot|ahrefs|semrush|mj12|dotbot|bytespider|gptbot|ccbot",
    re.IGNORECASE,
)
HIT_RETENTION = dt.timedelta(hours=3)


def is_bot(user_agent: str) -> bool:
    """Whether a User-Agent is a known crawler, tool or empty (not counted)."""
    return not user_agent.strip() or bool(BOT_PATTERN.search(user_agent))


def viewer_key(*, ident: str, user_agent: str) -> str:
    """A salted SHA-256 of a reader's identity (session key or IP) and user agent; the
    raw value is never stored. The salt is SECRET_KEY."""
    raw = f"{settings.SECRET_KEY}|{ident}|{user_agent}".encode()
    return hashlib.sha256(raw).hexdigest()


def view_record(
    *, article: Article, ident: str, user_agent: str, now: dt.datetime | None = None
) -> bool:
    """Count one view of `article` unless the reader (hashed `ident` + agent) already
    viewed it this hour or the agent is a bot. Returns whether it was counted.

    Keeps `ArticleHourlyViews` (per UTC hour) and `Article.view_count` in step."""
    if is_bot(user_agent):
        return False
    now = now or timezone.now()
    hour = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    key = viewer_key(ident=ident, user_agent=user_agent)
    # A repeat view within the hour (a reload, the back button) is the common case. It
    # is answered from a marker in the shared cache when there is one, else by a read,
    # without a write transaction (on SQLite, the database-wide write lock every page
    # view would otherwise queue for). The insert still decides races; a lost marker
    # only costs the read.
    seen = f"hanjari:seen:{article.pk}:{key}:{hour:%Y%m%d%H}"
    if cache.get(seen) is not None:
        return False
    first = not ViewerHit.objects.filter(article=article, viewer=key, hour=hour).exists()
    if first:
        try:
            with transaction.atomic():
                ViewerHit.objects.create(article=article, viewer=key, hour=hour)
        except IntegrityError:
            first = False
    cache.set(seen, 1, timeout=3600)
    if not first:
        return False
    with transaction.atomic():
        updated = ArticleHourlyViews.objects.filter(article=article, hour=hour).update(
            count=F("count") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    ArticleHourlyViews.objects.create(article=article, hour=hour, count=1)
            except IntegrityError:
                ArticleHourlyViews.objects.filter(article=article, hour=hour).update(
                    count=F("count") + 1
                )
        Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    if now.minute == 0 or hash(key) % 50 == 0:
        ViewerHit.objects.filter(hour__lt=hour - HIT_RETENTION).delete()
    return True
