"""News desk models (소식).

An `Article` (기사) moves through an editorial workflow: draft (작성 중) → submitted
(승인 요청) → approved (기사승인; time and editor recorded, shown in the byline) →
published (게재; at once, or scheduled: a future `published_at`) → withdrawn (게재 취소,
answered with 410). Edits after publication keep `ArticleRevision`s and show a "수정" time.

Readership is counted without storing raw IPs: `ViewerHit` keeps one salted hash per
reader per article per hour (to refuse repeats), and `ArticleHourlyViews` aggregates
counts per hour so that "most viewed" over 24 h / 7 d / 30 d is one indexed sum.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hanjari.core.models import TimeStampedModel
from hanjari.core.uploads import RandomName

# The sections every installation starts with (migration news 0002): their names are
# in the translation catalogue, so `Section.label` shows them in the visitor's language.
STANDARD_SECTION_NAMES = (_("센터 소식"), _("기업 소식"), _("언론 보도"))

# The media folder of article photos. Its files are not served from MEDIA_URL (a photo
# of a draft must not be public): `news:photo` serves them after a permission check.
PHOTO_FOLDER = "news"


class Section(models.Model):
    """A news section (분류), e.g. 센터 소식, 기업 소식, 언론 보도."""

    name = models.CharField(_("이름"), max_length=50, unique=True)
    slug = models.SlugField(_("주소 이름"), max_length=50, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("분류")
        verbose_name_plural = _("분류")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name as shown in the active language: a standard section's name
        (`STANDARD_SECTION_NAMES`) translated, any other name as staff wrote it."""
        return gettext(self.name) if self.name else ""


class Tag(models.Model):
    """A free tag (태그) on articles."""

    name = models.CharField(_("이름"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("태그")
        verbose_name_plural = _("태그")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: object = None) -> ArticleQuerySet:
        """Articles readers may see now: published with a publication time that has come
        (a future `published_at` is a scheduled publication)."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=now or timezone.now())


class Article(TimeStampedModel):
    """A news article (기사): the centre's own story or kept press coverage (언론 보도).

    `body_html` is sanitised HTML (nh3) made from `body_source` (Markdown or HTML).
    The byline is a reporter account (`reporter`) or, for imported press articles, a
    free-text `byline_name` with `outlet`. `approved_at` / `approved_by` are the
    editorial approval (기사승인) shown in the byline; `revised_at` the last edit after
    publication ("수정").
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("작성 중")
        SUBMITTED = "submitted", _("승인 요청")
        APPROVED = "approved", _("승인됨")
        PUBLISHED = "published", _("게재됨")
        WITHDRAWN = "withdrawn", _("게재 취소")

    headline = models.CharField(_("제목"), max_length=300)
    subtitle = models.TextField(_("부제"), blank=True, help_text=_("0–2줄"))
    body_source = models.TextField(_("본문 (입력)"), blank=True)
    body_html = models.TextField(_("본문"), blank=True, editable=False)
    dateline_prefix = models.CharField(_("머리 표시"), max_length=100, blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("분류"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("태그"), blank=True, related_name="articles")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("기자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    byline_name = models.CharField(_("기자 이름 (직접 입력)"), max_length=100, blank=True)
    outlet = models.CharField(_("매체"), max_length=100, blank=True)
    original_url = models.URLField(_("원문 주소"), max_length=500, blank=True)
    copyright_line = models.CharField(_("저작권 표시"), max_length=300, blank=True)
    original_published_at = models.DateTimeField(
        _("원문 기사 시각"),
        null=True,
        blank=True,
        help_text=_("언론 보도: 원래 매체가 밝힌 기사승인·등록 시각"),
    )
    original_updated_at = models.DateTimeField(_("원문 수정 시각"), null=True, blank=True)
    source_hash = models.CharField(
        _("원문 해시"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("가져온 원문의 SHA-256 (같은 기사를 두 번 가져오지 않도록)"),
    )
    organizations = models.ManyToManyField(
        "registry.Organization", verbose_name=_("관련 조직"), blank=True, related_name="articles"
    )
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("작성한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("승인 요청 때"), null=True, blank=True)
    approved_at = models.DateTimeField(_("기사승인"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("승인한 편집자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("게재 때"), null=True, blank=True, db_index=True)
    revised_at = models.DateTimeField(_("수정 때"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("게재 취소 때"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("게재 취소 이유"), max_length=300, blank=True)
    view_count = models.PositiveIntegerField(_("조회 수"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("기사")
        verbose_name_plural = _("기사")
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_pub_idx")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("news:article", kwargs={"pk": self.pk})

    @property
    def byline(self) -> str:
        """The reporter's name as shown (account display name or free text)."""
        if self.reporter_id and self.reporter:
            return str(self.reporter)
        return self.byline_name

    @property
    def shown_at(self) -> object:
        """The time shown as the article's time: the 기사승인 time, else publication.

        A press article (언론 보도) shows its outlet's original time when it is known."""
        return self.original_published_at or self.approved_at or self.published_at

    @property
    def is_scheduled(self) -> bool:
        """Published with a publication time still to come (게재 예약)."""
        return bool(
            self.status == self.Status.PUBLISHED
            and self.published_at
            and self.published_at > timezone.now()
        )

    @property
    def lead_photo(self) -> ArticlePhoto | None:
        photos = list(self.photos.all())
        return photos[0] if photos else None


class ArticlePhoto(models.Model):
    """A photo of an article with caption (사진 설명) and credit; order 0 is the lead.

    The image may be missing for imported press articles whose page text kept only
    the caption.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("사진"),
        upload_to=RandomName(PHOTO_FOLDER),
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    caption = models.CharField(_("사진 설명"), max_length=500, blank=True)
    credit = models.CharField(_("사진 출처"), max_length=200, blank=True)
    alt_text = models.CharField(_("대체 텍스트"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("기사 사진")
        verbose_name_plural = _("기사 사진")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"

    @property
    def image_url(self) -> str:
        """Where the image is served (`news:photo`, which checks who may see it), or ""
        for a caption without a picture."""
        return reverse("news:photo", args=[self.pk]) if self.image and self.pk else ""


class ArticleRevision(models.Model):
    """A saved version of an article (수정 이력), written on every edit after publication."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("판"))
    headline = models.CharField(_("제목"), max_length=300)
    subtitle = models.TextField(_("부제"), blank=True)
    body_html = models.TextField(_("본문"), blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(_("고친 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("기사 수정 이력")
        verbose_name_plural = _("기사 수정 이력")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.headline} ({self.number})"


class Comment(models.Model):
    """A reader's comment (댓글). Text only (sanitised; no HTML kept); moderators hide or
    restore with a reason; hidden ones show as "삭제된 댓글입니다"."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("보임")
        HIDDEN = "hidden", _("숨김")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_comments",
    )
    guest_name = models.CharField(_("이름 (비회원)"), max_length=50, blank=True)
    body = models.TextField(_("내용"), max_length=2000)
    created_at = models.DateTimeField(_("쓴 때"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("고친 때"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.VISIBLE
    )
    moderation_reason = models.CharField(_("처리 이유"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("처리한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("댓글")
        verbose_name_plural = _("댓글")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def author_name(self) -> str:
        return str(self.user) if self.user_id and self.user else self.guest_name


class CommentReport(models.Model):
    """A reader's report (신고) of a comment, for moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("신고 이유"), max_length=300)
    created_at = models.DateTimeField(_("신고한 때"), auto_now_add=True)
    resolved = models.BooleanField(_("처리됨"), default=False)

    class Meta:
        verbose_name = _("댓글 신고")
        verbose_name_plural = _("댓글 신고")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="commentreport_unique")
        ]

    def __str__(self) -> str:
        return f"{self.comment_id}: {self.reason[:40]}"


class ViewerHit(models.Model):
    """One reader's view of one article in one hour (UTC, truncated), for de-duplication.

    `viewer` is a salted SHA-256 of (session or IP + user agent); no raw IP is stored.
    Rows older than a few hours are pruned.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    viewer = models.CharField(max_length=64)
    hour = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "viewer", "hour"], name="viewerhit_unique")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}h"


class ArticleHourlyViews(models.Model):
    """Counted views of an article in one hour (UTC, truncated) — the aggregate behind
    "most viewed"."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="hourly_views")
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="hourlyviews_unique")
        ]
        indexes = [models.Index(fields=["hour", "article"], name="hourlyviews_hour_idx")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}h: {self.count}"
