"""Event models (행사).

An `Event` has a programme (`ProgrammeItem`, 순서), registrations (`Registration`,
참가 신청) with a capacity counted in seats (attendees), booths (`Booth`, 홍보부스) and
photos. Dates are stored as date + optional time (Asia/Seoul wall-clock) because
historical events are often known only by their day; a missing time means "time not
known" and calendars show an all-day event.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hanjari.core.models import TimeStampedModel
from hanjari.core.text import no_control_characters
from hanjari.core.uploads import RandomName

# `no_control_characters` (hanjari.core.text) stays importable from here: migration
# 0003 names it as `hanjari.events.models.no_control_characters`.

IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "webp"]
SEOUL = ZoneInfo("Asia/Seoul")
BOOTH_GRID_MAX = 12  # rows and columns of the simple booth map (CSS classes exist up to it)
# Event dates are kept in a sane range: calendars add a day to the last day, and a date
# near 9999-12-31 would overflow.
EVENT_YEAR_MIN = 2000
EVENT_YEAR_MAX = 2100
PROGRAMME_DURATION_MAX = 24 * 60  # minutes


def new_token() -> str:
    """A random URL-safe token (for QR codes and guest confirmation links)."""
    return secrets.token_urlsafe(24)


class EventQuerySet(models.QuerySet["Event"]):
    def public(self) -> EventQuerySet:
        """Events readers may see: everything but drafts."""
        return self.exclude(status=Event.Status.DRAFT)

    def upcoming(self, today: dt.date) -> EventQuerySet:
        return self.public().filter(end_date__gte=today).order_by("start_date", "start_time")

    def past(self, today: dt.date) -> EventQuerySet:
        return self.public().filter(end_date__lt=today).order_by("-start_date", "-start_time")


class Event(TimeStampedModel):
    """An event (행사) such as a workshop (워크숍) or a fair (박람회).

    `capacity` is in seats (None = no limit); `eligibility` says who may register:
    anyone, members of `eligible_councils`, or `invited_organizations`.
    `attendance_note` keeps a reported figure for past events (e.g. "100여 명").
    """

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("워크숍")
        FAIR = "fair", _("박람회")
        TRAINING = "training", _("교육")
        MEETING = "meeting", _("회의")
        CONSULTATION = "consultation", _("1:1 구매상담회")
        OTHER = "other", _("기타")

    class Status(models.TextChoices):
        DRAFT = "draft", _("준비 중")
        OPEN = "open", _("신청 받는 중")
        CLOSED = "closed", _("신청 마감")
        HELD = "held", _("개최됨")
        CANCELLED = "cancelled", _("취소")

    class Eligibility(models.TextChoices):
        ANYONE = "anyone", _("누구나")
        COUNCILS = "councils", _("지정한 협의회 회원사")
        INVITED = "invited", _("초청한 조직")

    title = models.CharField(_("행사 이름"), max_length=200, validators=[no_control_characters])
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    description = models.TextField(_("소개"), blank=True)
    venue_name = models.CharField(
        _("장소"), max_length=200, blank=True, validators=[no_control_characters]
    )
    venue_address = models.CharField(
        _("장소 주소"), max_length=300, blank=True, validators=[no_control_characters]
    )
    start_date = models.DateField(_("시작일"))
    start_time = models.TimeField(_("시작 시각"), null=True, blank=True)
    end_date = models.DateField(_("종료일"))
    end_time = models.TimeField(_("종료 시각"), null=True, blank=True)
    organiser_text = models.CharField(
        _("주최·주관"),
        max_length=200,
        blank=True,
        help_text=_("예: 전주시"),
        validators=[no_control_characters],
    )
    organiser_organizations = models.ManyToManyField(
        "registry.Organization", verbose_name=_("주최 조직"), blank=True, related_name="+"
    )
    organiser_councils = models.ManyToManyField(
        "registry.Council", verbose_name=_("주최 협의회"), blank=True, related_name="+"
    )
    participating_councils = models.ManyToManyField(
        "registry.Council", verbose_name=_("참여 협의회"), blank=True, related_name="events"
    )
    participating_organizations = models.ManyToManyField(
        "registry.Organization", verbose_name=_("참여 조직"), blank=True, related_name="events"
    )
    capacity = models.PositiveIntegerField(
        _("정원 (자리)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    registration_opens_at = models.DateTimeField(_("신청 시작"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("신청 마감"), null=True, blank=True)
    eligibility = models.CharField(
        _("신청 자격"), max_length=20, choices=Eligibility.choices, default=Eligibility.ANYONE
    )
    eligible_councils = models.ManyToManyField(
        "registry.Council", verbose_name=_("신청 가능한 협의회"), blank=True, related_name="+"
    )
    invited_organizations = models.ManyToManyField(
        "registry.Organization", verbose_name=_("초청한 조직"), blank=True, related_name="+"
    )
    requires_approval = models.BooleanField(_("센터 승인 후 확정"), default=False)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    poster = models.ImageField(
        _("포스터"),
        upload_to=RandomName("events"),
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    booth_map = models.ImageField(
        _("부스 배치도"),
        upload_to=RandomName("events"),
        blank=True,
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    attendance_note = models.CharField(
        _("보도된 참석 규모"), max_length=100, blank=True, help_text=_("예: 100여 명")
    )
    articles = models.ManyToManyField(
        "news.Article", verbose_name=_("관련 기사"), blank=True, related_name="events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("행사")
        verbose_name_plural = _("행사")
        ordering = ["-start_date", "-start_time", "-id"]
        indexes = [models.Index(fields=["status", "start_date"], name="event_status_date_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """Dates and times in order: the end not before the start, an end time only
        with a start time, the registration window closing after it opens."""
        errors: dict[str, Any] = {}
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if value and not EVENT_YEAR_MIN <= value.year <= EVENT_YEAR_MAX:
                errors[name] = _("날짜는 %(min)d년부터 %(max)d년 사이여야 합니다.") % {
                    "min": EVENT_YEAR_MIN,
                    "max": EVENT_YEAR_MAX,
                }
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("종료일은 시작일보다 빠를 수 없습니다.")
        if self.end_time and not self.start_time:
            errors["end_time"] = _("시작 시각을 모르면 종료 시각도 비워 둡니다.")
        elif (
            self.start_time
            and self.end_time
            and self.start_date == self.end_date
            and self.end_time <= self.start_time
        ):
            errors["end_time"] = _("종료 시각은 시작 시각보다 늦어야 합니다.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("신청 마감은 신청 시작보다 늦어야 합니다.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_all_day(self) -> bool:
        """True when the start time is not known: calendars show a whole-day event."""
        return self.start_time is None

    @property
    def is_multi_day(self) -> bool:
        return bool(self.end_date and self.start_date and self.end_date > self.start_date)

    @property
    def starts_at(self) -> dt.datetime | None:
        """The start as an aware datetime in Asia/Seoul, or None when the time is unknown."""
        if self.start_time is None:
            return None
        return dt.datetime.combine(self.start_date, self.start_time, tzinfo=SEOUL)

    @property
    def registration_deadline(self) -> dt.datetime:
        """When registration closes: `registration_closes_at` when set, else the start
        of the event (or, when its time is unknown, the end of its start day, Seoul)."""
        if self.registration_closes_at:
            return self.registration_closes_at
        if self.starts_at:
            return self.starts_at
        next_day = self.start_date + dt.timedelta(days=1)
        return dt.datetime.combine(next_day, dt.time(0, 0), tzinfo=SEOUL)

    @property
    def ends_at(self) -> dt.datetime | None:
        """The end as an aware datetime in Asia/Seoul, or None when the time is unknown."""
        if self.end_time is None or self.start_time is None:
            return None
        return dt.datetime.combine(self.end_date, self.end_time, tzinfo=SEOUL)


class EventPhoto(models.Model):
    """A photo of an event with its caption."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("사진"),
        upload_to=RandomName("events"),
        validators=[FileExtensionValidator(IMAGE_EXTENSIONS)],
    )
    caption = models.CharField(_("사진 설명"), max_length=300, blank=True)
    alt_text = models.CharField(_("대체 텍스트"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("순서"), default=0)

    class Meta:
        verbose_name = _("행사 사진")
        verbose_name_plural = _("행사 사진")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"


class ProgrammeItem(models.Model):
    """One item of an event's programme (순서), in `order`. Times may be unknown."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("개회")
        ADDRESS = "address", _("인사말·축사")
        TOUR = "tour", _("둘러보기")
        AWARD = "award", _("시상·표창")
        DONATION = "donation", _("기부금 전달")
        PLAQUE = "plaque", _("감사패 전달")
        REPORT = "report", _("성과 보고")
        LECTURE = "lecture", _("강연·특강")
        NETWORKING = "networking", _("네트워킹")
        BREAK = "break", _("휴식")
        OTHER = "other", _("기타")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    order = models.PositiveSmallIntegerField(_("순서"))
    start_time = models.TimeField(_("시작 시각"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("걸리는 시간 (분)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(PROGRAMME_DURATION_MAX)],
    )
    title = models.CharField(_("제목"), max_length=200)
    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    speaker_name = models.CharField(_("발표자 이름"), max_length=100, blank=True)
    speaker_role = models.CharField(_("발표자 직함"), max_length=200, blank=True)
    speaker_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("발표 조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    location = models.CharField(_("장소 (행사장 안)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("행사 순서")
        verbose_name_plural = _("행사 순서")
        ordering = ["event", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "order"], name="programme_unique_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Registration(TimeStampedModel):
    """A registration (참가 신청) by a person on behalf of an organisation.

    `email_confirmed_at` is when the contact address was shown to belong to the
    registrant (at registration for members and staff entries; when a guest opened the
    confirmation link); it stays empty for good on a guest registration that ended
    (cancelled, rejected, or `superseded_by` a newer registration with the same
    address) before that. The registration decisions and the purge of never confirmed
    guest registrations read these columns; the audit log only records.

    `attendees` seats are held while the status is confirmed (or pending approval);
    waitlisted ones are promoted in order when seats free. `contact_*` are private
    (shown to the registrant and staff only). `token` is the private capability of the
    registration page (sent to the registrant only, never printed); `checkin_code` is
    the separate code in the QR code, good for check-in and nothing else.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("이메일 확인 대기")
        PENDING = "pending", _("승인 대기")
        CONFIRMED = "confirmed", _("확정")
        WAITLISTED = "waitlisted", _("대기")
        CANCELLED = "cancelled", _("취소")
        REJECTED = "rejected", _("거절")

    class Source(models.TextChoices):
        WEB = "web", _("누리집 (회원)")
        GUEST = "guest", _("누리집 (비회원)")
        STAFF = "staff", _("센터 등록")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("소속 조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
    )
    organization_name = models.CharField(_("소속 (직접 입력)"), max_length=200, blank=True)
    person_name = models.CharField(_("이름"), max_length=100)
    contact_email = models.EmailField(_("이메일"), blank=True)
    contact_phone = models.CharField(_("연락처"), max_length=30, blank=True)
    attendees = models.PositiveSmallIntegerField(
        _("참석 인원"), default=1, validators=[MinValueValidator(1)]
    )
    accessibility_needs = models.TextField(_("접근성 지원 요청"), blank=True)
    status = models.CharField(_("상태"), max_length=20, choices=Status.choices, db_index=True)
    source = models.CharField(_("신청 경로"), max_length=20, choices=Source.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    checkin_code = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    confirmed_at = models.DateTimeField(_("확정된 때"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("취소한 때"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("도착 확인"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    email_confirmed_at = models.DateTimeField(
        _("이메일 확인한 때"),
        null=True,
        blank=True,
        help_text=_(
            "회원·센터 등록은 신청한 때, 비회원은 확인 메일의 링크를 누른 때입니다. "
            "비어 있으면 이메일 주소가 확인되지 않은 신청입니다."
        ),
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("대신한 신청"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("같은 이메일 주소로 더 나중에 한 신청이 이 확인 전 신청을 대신했습니다."),
    )

    class Meta:
        verbose_name = _("참가 신청")
        verbose_name_plural = _("참가 신청")
        ordering = ["event", "created_at", "id"]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        # Number and event, not the person: this text is kept in the audit log
        # (`AuditEntry.target_repr`), which outlives a purged registration's personal
        # data (개인정보 보호법 제21조).
        return f"#{self.pk} · {self.event}"

    @property
    def affiliation(self) -> str:
        return (
            self.organization.name
            if self.organization_id and self.organization
            else (self.organization_name)
        )


class Booth(models.Model):
    """A product-promotion booth (홍보부스) at an event.

    `grid_row` / `grid_column` place it on the simple booth map (1-based), or `map_x` /
    `map_y` (percent of the floor-plan image) when the event has a `booth_map`."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="booths")
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("조직"),
        on_delete=models.CASCADE,
        related_name="booths",
    )
    number = models.CharField(_("부스 번호"), max_length=20)
    place = models.CharField(_("위치"), max_length=100, blank=True)
    shows = models.TextField(_("선보이는 제품·서비스"), blank=True)
    category = models.CharField(_("분류"), max_length=50, blank=True)
    grid_row = models.PositiveSmallIntegerField(_("배치도 행"), null=True, blank=True)
    grid_column = models.PositiveSmallIntegerField(_("배치도 열"), null=True, blank=True)
    map_x = models.DecimalField(
        _("배치도 X (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    map_y = models.DecimalField(
        _("배치도 Y (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("홍보부스")
        verbose_name_plural = _("홍보부스")
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"],
                name="booth_unique_number",
                violation_error_message=_("이 행사에 같은 부스 번호가 이미 있습니다."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.organization}"

    def clean(self) -> None:
        """Map positions in range and in pairs; one booth per grid cell of an event."""
        errors: dict[str, Any] = {}
        for name in ("grid_row", "grid_column"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= BOOTH_GRID_MAX:
                errors[name] = _("배치도 칸은 1부터 %(max)d까지입니다.") % {"max": BOOTH_GRID_MAX}
        if (self.grid_row is None) != (self.grid_column is None):
            errors.setdefault("grid_column", _("배치도의 행과 열을 함께 적어 주세요."))
        for name in ("map_x", "map_y"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 100:
                errors[name] = _("배치도 위치는 0에서 100(%) 사이입니다.")
        if (self.map_x is None) != (self.map_y is None):
            errors.setdefault("map_y", _("배치도의 X와 Y를 함께 적어 주세요."))
        if not errors and self.grid_row is not None and self.event_id:
            taken = Booth.objects.filter(
                event_id=self.event_id, grid_row=self.grid_row, grid_column=self.grid_column
            ).exclude(pk=self.pk)
            if taken.exists():
                errors["grid_column"] = _("그 칸에는 이미 다른 부스가 있습니다.")
        if errors:
            raise ValidationError(errors)
