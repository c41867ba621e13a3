"""Registry models (명부).

An `Organization` (조직) is one legal or social entity; a `Designation`
(인증·지정·인정·설립) is one official status it holds, taken from one official list.
One organisation can hold many designations (e.g. a social cooperative that is also a
village enterprise). Every imported row is kept as a `SourceRecord` of an `ImportRun`
of a `SourceDataset`, so each designation can say where it came from.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hanjari.core import identifiers
from hanjari.core.models import TimeStampedModel
from hanjari.core.uploads import RandomName

from . import contacts

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from hanjari.core.names import LEGAL_FORMS, normalize_name
from hanjari.core.regions import SIDOS, region_label

# Legal forms (법인격) from `hanjari.core.names.LEGAL_FORMS`, plus "other".
LEGAL_FORM_CHOICES = [(f.code, f.name) for f in LEGAL_FORMS] + [("other", _("기타"))]
# 시도 by canonical name (광역자치단체), from `hanjari.core.regions.SIDOS`.
SIDO_CHOICES = [(s.name, s.name) for s in SIDOS]


class OrganizationQuerySet(models.QuerySet["Organization"]):
    def active(self) -> OrganizationQuerySet:
        """Organisations whose status is active (운영 중)."""
        return self.filter(status=Organization.Status.ACTIVE)

    def in_region(self, sido: str, sigungu: str = "") -> OrganizationQuerySet:
        """Organisations in canonical `sido` (and `sigungu` when given)."""
        qs = self.filter(sido=sido)
        return qs.filter(sigungu=sigungu) if sigungu else qs


class Organization(TimeStampedModel):
    """A social economy organisation (사회적경제조직): one record for one entity.

    Identifiers are stored as digits only and shown formatted: `brn` is the
    사업자등록번호 (business registration number, 10 digits), `crn` the 법인등록번호
    (corporate registration number, 13 digits); `*_verified` says whether the check
    digit holds (an unverified number is kept as given but never used for matching).
    `representative` (대표자명) and a sole trader's `brn` are personal data: never
    shown publicly (개인정보 보호법 §2 1호, §15–17).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("운영 중")
        CLOSED = "closed", _("폐업·해산")

    name = models.CharField(_("이름"), max_length=200)
    name_normalized = models.CharField(
        _("정규화한 이름"),
        max_length=200,
        db_index=True,
        editable=False,
        help_text=_("법인격 표시와 띄어쓰기를 뺀 이름 (같은 조직 찾기에 씀)"),
    )
    legal_form = models.CharField(
        _("법인격"), max_length=40, choices=LEGAL_FORM_CHOICES, blank=True, default=""
    )
    brn = models.CharField(_("사업자등록번호"), max_length=10, blank=True, db_index=True)
    brn_verified = models.BooleanField(_("사업자등록번호 검증됨"), default=False)
    crn = models.CharField(_("법인등록번호"), max_length=13, blank=True, db_index=True)
    crn_verified = models.BooleanField(_("법인등록번호 검증됨"), default=False)
    address = models.CharField(_("주소"), max_length=300, blank=True)
    sido = models.CharField(_("시도"), max_length=20, choices=SIDO_CHOICES, blank=True)
    sigungu = models.CharField(_("시군구"), max_length=40, blank=True)
    industry = models.CharField(_("업종"), max_length=200, blank=True)
    products = models.TextField(_("주 생산품·서비스"), blank=True)
    description = models.TextField(_("소개"), blank=True)
    website = models.URLField(_("누리집"), max_length=300, blank=True)
    phone = models.CharField(_("대표 전화"), max_length=30, blank=True)
    representative = models.CharField(
        _("대표자명"), max_length=100, blank=True, help_text=_("공개하지 않습니다.")
    )
    founded_on = models.DateField(_("설립일"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    aliases = models.JSONField(
        _("다른 이름"), default=list, blank=True, help_text=_("다른 목록에 쓰인 이름")
    )
    merged_from = models.JSONField(_("병합된 조직 ID"), default=list, blank=True, editable=False)
    logo = models.ImageField(
        _("로고"),
        upload_to=RandomName("logos"),
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    # Contact details (연락처), each with its own 공개 switch: shown on public pages, in
    # the JSON-LD and the directory CSV only when switched on (hanjari.registry.public).
    # A value the organisation gives is not public until it says so (개인정보 보호법
    # §15: an e-mail or phone of the organisation may be a person's).
    contact_email = models.EmailField(_("대표 전자우편"), max_length=254, blank=True)
    phone_public = models.BooleanField(_("대표 전화 공개"), default=False)
    email_public = models.BooleanField(_("대표 전자우편 공개"), default=False)
    website_public = models.BooleanField(_("누리집 공개"), default=False)
    blog_url = models.URLField(
        _("블로그"), max_length=300, blank=True, validators=[contacts.validate_web_address]
    )
    blog_public = models.BooleanField(_("블로그 공개"), default=False)
    instagram_url = models.URLField(
        _("인스타그램"), max_length=300, blank=True, validators=[contacts.validate_web_address]
    )
    instagram_public = models.BooleanField(_("인스타그램 공개"), default=False)
    facebook_url = models.URLField(
        _("페이스북"), max_length=300, blank=True, validators=[contacts.validate_web_address]
    )
    facebook_public = models.BooleanField(_("페이스북 공개"), default=False)
    youtube_url = models.URLField(
        _("유튜브"), max_length=300, blank=True, validators=[contacts.validate_web_address]
    )
    youtube_public = models.BooleanField(_("유튜브 공개"), default=False)
    kakao_channel_url = models.URLField(
        _("카카오톡 채널"), max_length=300, blank=True, validators=[contacts.validate_web_address]
    )
    kakao_channel_public = models.BooleanField(_("카카오톡 채널 공개"), default=False)
    # Always public: opening hours (a list, see hanjari.registry.contacts) with a note,
    # and the number of people working there as a range.
    opening_hours = models.JSONField(
        _("여는 시간"), default=list, blank=True, validators=[contacts.validate_opening_hours]
    )
    opening_hours_note = models.CharField(_("여는 시간 덧붙임"), max_length=200, blank=True)
    employee_range = models.CharField(
        _("직원 수"), max_length=10, choices=contacts.EmployeeRange.choices, blank=True
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("조직")
        verbose_name_plural = _("조직")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["sido", "sigungu"], name="org_region_idx"),
            models.Index(fields=["-created_at"], name="org_created_idx"),
            # The directory filtered by 시도, in name order, reads the first page from
            # here instead of sorting the whole 시도 (11 ms → 1 ms at 40,000).
            models.Index(fields=["sido", "name_normalized"], name="org_sido_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """Fill the columns computed from others (normalised name, digits-only numbers,
        whether they are valid): called by `save`, and before a `bulk_create`, which
        does not call `save`."""
        self.name_normalized = normalize_name(self.name)
        self.brn = identifiers.normalize_digits(self.brn)
        self.crn = identifiers.normalize_digits(self.crn)
        self.brn_verified = identifiers.brn_is_valid(self.brn)
        self.crn_verified = identifiers.crn_is_valid(self.crn)

    def get_absolute_url(self) -> str:
        return reverse("registry:organization", kwargs={"pk": self.pk})

    def clean(self) -> None:
        """Each social link must be on its service's web hosts (an Instagram link on
        instagram.com: `contacts.SOCIAL_LINKS`). Raises `ValidationError` by field."""
        errors = {}
        for link in contacts.SOCIAL_LINKS:
            url = getattr(self, link.field)
            if url and not contacts.on_hosts(url, link.hosts):
                errors[link.field] = ValidationError(
                    _("%(label)s 주소가 아닙니다 (예: %(example)s)."),
                    code="social_host",
                    params={"label": link.label, "example": link.example},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def brn_display(self) -> str:
        """The 사업자등록번호 formatted `XXX-XX-XXXXX` when it may be public, else "".

        A sole trader's number identifies a person and is not shown (개인정보 보호법 §2 1호); a
        number that is not 10 digits (kept as given from a list) is not shown either.
        """
        if len(self.brn) != 10 or identifiers.brn_is_sole_trader(self.brn):
            return ""
        return identifiers.brn_format(self.brn)

    @property
    def crn_display(self) -> str:
        """The 법인등록번호 formatted `XXXXXX-XXXXXXX`, or "" when absent."""
        return identifiers.crn_format(self.crn) if len(self.crn) == 13 else self.crn

    @property
    def region_display(self) -> str:
        """The 시도 and 시군구 ("전북특별자치도 전주시"), in English when the language is."""
        return region_label(self.sido, self.sigungu)


class DesignationKind(models.TextChoices):
    """Kind of official status (인증·지정·인정·설립), with its legal basis.

    Sources: 사회적기업 육성법 §7 (certified), 예비사회적기업 지정 (regional / ministry
    type), 행정안전부 마을기업 육성사업 시행지침 (village), 국민기초생활보장법 §18
    (self-sufficiency, by tier), 협동조합 기본법 §15, §85, §71, §114, §115-2.
    """

    SOCIAL_ENTERPRISE = "social_enterprise", _("인증 사회적기업")
    PRE_SOCIAL_ENTERPRISE_REGIONAL = "pre_se_regional", _("예비사회적기업(지역형)")
    PRE_SOCIAL_ENTERPRISE_MINISTRY = "pre_se_ministry", _("예비사회적기업(부처형)")
    VILLAGE_ENTERPRISE = "village_enterprise", _("마을기업")
    SELF_SUFFICIENCY_LOCAL = "self_sufficiency_local", _("자활기업(지역)")
    SELF_SUFFICIENCY_REGIONAL = "self_sufficiency_regional", _("자활기업(광역)")
    SELF_SUFFICIENCY_NATIONAL = "self_sufficiency_national", _("자활기업(전국)")
    COOPERATIVE = "cooperative", _("일반협동조합")
    SOCIAL_COOPERATIVE = "social_cooperative", _("사회적협동조합")
    COOPERATIVE_FEDERATION = "cooperative_federation", _("협동조합연합회")
    SOCIAL_COOPERATIVE_FEDERATION = "social_cooperative_federation", _("사회적협동조합연합회")
    MIXED_COOPERATIVE_FEDERATION = "mixed_cooperative_federation", _("이종협동조합연합회")


# Kinds grouped into the four sectors (유형) the directory and home page count by.
SECTORS: dict[str, tuple[StrOrPromise, list[str]]] = {
    "social_enterprise": (
        _("사회적기업"),
        [
            DesignationKind.SOCIAL_ENTERPRISE,
            DesignationKind.PRE_SOCIAL_ENTERPRISE_REGIONAL,
            DesignationKind.PRE_SOCIAL_ENTERPRISE_MINISTRY,
        ],
    ),
    "village": (_("마을기업"), [DesignationKind.VILLAGE_ENTERPRISE]),
    "self_sufficiency": (
        _("자활기업"),
        [
            DesignationKind.SELF_SUFFICIENCY_LOCAL,
            DesignationKind.SELF_SUFFICIENCY_REGIONAL,
            DesignationKind.SELF_SUFFICIENCY_NATIONAL,
        ],
    ),
    "cooperative": (
        _("협동조합"),
        [
            DesignationKind.COOPERATIVE,
            DesignationKind.SOCIAL_COOPERATIVE,
            DesignationKind.COOPERATIVE_FEDERATION,
            DesignationKind.SOCIAL_COOPERATIVE_FEDERATION,
            DesignationKind.MIXED_COOPERATIVE_FEDERATION,
        ],
    ),
}


class DesignationQuerySet(models.QuerySet["Designation"]):
    def current(self) -> DesignationQuerySet:
        """Designations in force (status active)."""
        return self.filter(status=Designation.Status.ACTIVE)


class Designation(TimeStampedModel):
    """An official status held by an organisation (인증·지정·인정·설립).

    `kind` says which (see `DesignationKind`); `subtype` the list's own sub-type (e.g.
    일자리제공형, 마을기업 유형 "일반식품"); `number` the issuer's number (e.g. SE
    인증번호 `제2007-002호`). `source_key` identifies the row across snapshots of one
    dataset (name + region); `source_record` is the latest row it was read from.
    `last_seen_on` is the reference date of the newest list that contained it; when a
    newer list omits it, `status` becomes `not_in_latest` with `not_in_latest_since`
    set — it is never deleted.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("유효")
        NOT_IN_LATEST = "not_in_latest", _("최신 목록에 없음")
        ENDED = "ended", _("종료")
        REVOKED = "revoked", _("취소")

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("조직"),
        on_delete=models.CASCADE,
        related_name="designations",
    )
    kind = models.CharField(_("종류"), max_length=40, choices=DesignationKind.choices)
    subtype = models.CharField(_("세부 유형"), max_length=100, blank=True)
    number = models.CharField(_("번호"), max_length=50, blank=True)
    issuer = models.CharField(_("발급 기관"), max_length=100, blank=True)
    start_date = models.DateField(_("시작일"), null=True, blank=True)
    end_date = models.DateField(_("종료일"), null=True, blank=True)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    not_in_latest_since = models.DateField(_("최신 목록에서 빠진 기준일"), null=True, blank=True)
    last_seen_on = models.DateField(_("마지막 확인 기준일"), null=True, blank=True)
    dataset = models.ForeignKey(
        "SourceDataset",
        verbose_name=_("출처 데이터"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designations",
    )
    source_key = models.CharField(_("출처 식별 키"), max_length=400, blank=True)
    source_record = models.ForeignKey(
        "SourceRecord",
        verbose_name=_("출처 행"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("인증·지정")
        verbose_name_plural = _("인증·지정")
        ordering = ["kind", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "source_key"],
                condition=~Q(source_key=""),
                name="designation_unique_source_key",
            )
        ]
        indexes = [models.Index(fields=["kind", "status"], name="designation_kind_idx")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_kind_display()}"

    # Django's generated get_<field>_display() hashes every lazily translated choice on
    # each call; the directory (50 organisations a page) spent a third of its time
    # there. These read a table per language instead: same labels, same fallback.
    # no-redef: deliberately replaces the method Django generates for the field.
    def get_kind_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(DesignationKind, self.kind)

    def get_status_display(self) -> str:  # type: ignore[no-redef]
        return choice_label(Designation.Status, self.status)


_CHOICE_LABELS: dict[tuple[type[models.Choices], str], dict[str, str]] = {}


def choice_label(choices: type[models.Choices], value: str) -> str:
    """The label of `value` among `choices` in the active language (`value` itself when
    it is not one of them), as `get_<field>_display()` gives it."""
    key = (choices, get_language() or "")
    table = _CHOICE_LABELS.get(key)
    if table is None:
        table = _CHOICE_LABELS[key] = {str(v): str(label) for v, label in choices.choices}
    return table.get(str(value), str(value))


class Council(TimeStampedModel):
    """A council (협의회) of social economy organisations, e.g. 전주시 마을기업협의회."""

    name = models.CharField(_("이름"), max_length=200, unique=True)
    sector = models.CharField(
        _("분야"),
        max_length=30,
        blank=True,
        choices=[(k, v[0]) for k, v in SECTORS.items()],
    )
    sido = models.CharField(_("시도"), max_length=20, choices=SIDO_CHOICES, blank=True)
    sigungu = models.CharField(_("시군구"), max_length=40, blank=True)
    description = models.TextField(_("소개"), blank=True)
    members: models.ManyToManyField[Organization, CouncilMembership] = models.ManyToManyField(
        Organization, through="CouncilMembership", related_name="councils", blank=True
    )

    class Meta:
        verbose_name = _("협의회")
        verbose_name_plural = _("협의회")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def region_display(self) -> str:
        """The council's 시도 and 시군구 ("전북특별자치도 전주시"), in English when the
        language is ("Jeonju-si, Jeonbuk State")."""
        return region_label(self.sido, self.sigungu)


class CouncilMembership(models.Model):
    """An organisation's membership of a council (협의회 회원사)."""

    council = models.ForeignKey(
        Council, verbose_name=_("협의회"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("조직"),
        on_delete=models.CASCADE,
        related_name="council_memberships",
    )
    joined_on = models.DateField(_("가입일"), null=True, blank=True)

    class Meta:
        verbose_name = _("협의회 회원사")
        verbose_name_plural = _("협의회 회원사")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organization"], name="councilmembership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} · {self.organization}"


class SourceDataset(models.Model):
    """An official public dataset (공공데이터) that designations are imported from.

    `dataset_id` is the 공공데이터포털 id (e.g. 15080745 village enterprises, 행정안전부;
    15091502 self-sufficiency enterprises, 한국자활복지개발원; 15090110 social
    enterprises, 고용노동부; 15155661 cooperatives); docs/data.md, "Datasets and layouts".
    """

    dataset_id = models.CharField(_("데이터 ID"), max_length=40, unique=True)
    layout = models.CharField(_("형식"), max_length=40)
    title = models.CharField(_("제목"), max_length=200)
    publisher = models.CharField(_("제공 기관"), max_length=100)
    url = models.URLField(_("주소"), blank=True)

    class Meta:
        verbose_name = _("출처 데이터")
        verbose_name_plural = _("출처 데이터")
        ordering = ["dataset_id"]

    def __str__(self) -> str:
        return f"{self.dataset_id} {self.title}"


class ImportRun(models.Model):
    """One run of the importer over one file (가져오기 기록).

    Records the file (name, SHA-256), the dataset's reference date (기준일), who ran it
    and when, the outcome and the counts, and the row-by-row report
    (``report = {"errors": [...], "warnings": [...]}``; each item has ``row``,
    ``column``, ``value``, ``reason``). `status` is "running" while the rows are
    written, then "succeeded", "failed" or "interrupted" with `finished_at` set.

    While it runs, `owner` names the process writing it
    (`hanjari.core.processes.current_owner`) and `heartbeat_at` is renewed by every
    transaction it commits; each of those also records how to undo it (`ImportUndo`).
    A run whose process is gone is undone from that log and marked "interrupted"
    (`hanjari.registry.importers.recovery`).
    """

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("완료")
        FAILED = "failed", _("오류로 가져오지 않음")
        DRY_RUN = "dry_run", _("시험 실행")
        # Being written (the rows written so far are visible until the run ends).
        RUNNING = "running", _("가져오는 중")
        # Its process stopped while writing (killed, interrupted): everything it wrote
        # was undone, so the file was not applied.
        INTERRUPTED = "interrupted", _("중단됨 — 되돌림")

    dataset = models.ForeignKey(
        SourceDataset,
        verbose_name=_("출처 데이터"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_runs",
    )
    reference_date = models.DateField(_("기준일"), null=True, blank=True)
    file_name = models.CharField(_("파일 이름"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("실행한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("시작"), auto_now_add=True)
    finished_at = models.DateTimeField(_("끝"), null=True, blank=True)
    status = models.CharField(_("결과"), max_length=20, choices=Status.choices)
    rows = models.PositiveIntegerField(_("행 수"), default=0)
    created = models.PositiveIntegerField(_("새로 만든 인증·지정"), default=0)
    changed = models.PositiveIntegerField(_("바뀐 인증·지정"), default=0)
    unchanged = models.PositiveIntegerField(_("그대로"), default=0)
    organizations_created = models.PositiveIntegerField(_("새 조직"), default=0)
    linked = models.PositiveIntegerField(_("기존 조직에 연결"), default=0)
    queued = models.PositiveIntegerField(_("검토 대기"), default=0)
    missing = models.PositiveIntegerField(_("최신 목록에 없음"), default=0)
    error_count = models.PositiveIntegerField(_("오류"), default=0)
    warning_count = models.PositiveIntegerField(_("경고"), default=0)
    report = models.JSONField(_("보고서"), default=dict, blank=True)
    # The process writing the run ("" once it let go of it); see the docstring.
    owner = models.CharField(_("쓰는 프로세스"), max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(_("마지막으로 쓴 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("가져오기 기록")
        verbose_name_plural = _("가져오기 기록")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("registry:import-run", kwargs={"pk": self.pk})


class ImportUndo(models.Model):
    """How to undo one committed transaction of an import (가져오기 되돌리기 기록).

    Written in the same transaction as the writes it undoes (`importers.writer`), so
    it exists exactly when they do. `chunk` numbers the run's transactions from 0;
    `actions` lists, in the order they were done, JSON lists of the form
    ``["create", "app.model", [pk, ...]]`` (rows inserted: undo deletes them),
    ``["save", "app.model", pk, {column: value}]`` (a row saved with history: undo
    saves the old values back) and ``["update", "app.model", pk, {column: value}]``
    (bookkeeping columns updated without history: undo updates them back). Undoing
    runs the run's chunks from the last to the first and each chunk's actions
    backwards, removing what it has undone in the same transaction, so it can stop and
    resume at any point (`importers.undo.undo_run`). A finished run has none.
    """

    run = models.ForeignKey(
        ImportRun, verbose_name=_("가져오기"), on_delete=models.CASCADE, related_name="undo_log"
    )
    chunk = models.PositiveIntegerField(_("트랜잭션 번호"))
    actions = models.JSONField(_("되돌릴 일"), default=list)

    class Meta:
        verbose_name = _("가져오기 되돌리기 기록")
        verbose_name_plural = _("가져오기 되돌리기 기록")
        ordering = ["run", "chunk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "chunk"], name="importundo_unique_chunk")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.chunk}"


@deconstructible(path="hanjari.registry.models.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files kept under ``settings.HANJARI_PRIVATE_ROOT``, which nothing serves over HTTP
    (unlike ``MEDIA_ROOT`` at ``/media/``): uploaded official lists hold 대표자명, which
    is personal data (개인정보 보호법 §2). Files are 0600 and folders 0700 (only the
    server's own user reads them). Read when used, so settings overrides apply."""

    def __init__(self) -> None:
        super().__init__(
            base_url=None, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @property  # type: ignore[override]  # replaces a cached_property of the base class
    def base_location(self) -> str:
        return str(settings.HANJARI_PRIVATE_ROOT)

    @property  # type: ignore[override]  # replaces a cached_property of the base class
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class ImportJob(models.Model):
    """One official file uploaded on the staff import page and imported in the
    background (가져오기 작업): the stored file, its options, who uploaded it and when,
    its state, and when done the import's row-by-row report.

    `status` moves queued → running → succeeded / rejected / failed, only forward
    (`IMPORT_JOB_STEPS`): ``rejected`` means the file had errors and nothing was
    imported (the report says why), ``failed`` that the import stopped on an
    unexpected error (`message` says so). `run` is the `ImportRun` the importer
    recorded (none for a dry run). Progress while running lives in the cache
    (`hanjari.registry.services.import_job_progress`), not in this row.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("기다리는 중")
        RUNNING = "running", _("가져오는 중")
        SUCCEEDED = "succeeded", _("완료")
        REJECTED = "rejected", _("오류로 가져오지 않음")
        FAILED = "failed", _("실패")

    FINISHED = (Status.SUCCEEDED, Status.REJECTED, Status.FAILED)

    file = models.FileField(_("파일"), upload_to=RandomName("imports"), storage=PrivateStorage())
    file_name = models.CharField(_("파일 이름"), max_length=255)
    dataset = models.CharField(_("데이터 종류"), max_length=40, default="auto")
    reference_date = models.DateField(_("기준일"), null=True, blank=True)
    dry_run = models.BooleanField(_("시험 실행"), default=False)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("올린 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("올린 때"), auto_now_add=True)
    started_at = models.DateTimeField(_("시작"), null=True, blank=True)
    finished_at = models.DateTimeField(_("끝"), null=True, blank=True)
    run = models.ForeignKey(
        ImportRun,
        verbose_name=_("가져오기 기록"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    report = models.JSONField(_("보고서"), default=dict, blank=True)
    message = models.TextField(_("알림"), blank=True)
    # The process running the job (`hanjari.core.processes.current_owner`), from its start.
    owner = models.CharField(_("작업 프로세스"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("가져오기 작업")
        verbose_name_plural = _("가져오기 작업")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("registry:import-job", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED


class SourceRecord(models.Model):
    """One row of an official file as read (출처 행), kept for provenance.

    `raw` maps each header (whitespace-normalised) to the cell text as read; `values`
    holds the fields the importer read from it (name, address, …). Rows are
    unique per file content (`sha256`, `row_number`), so re-importing the same file
    adds no records.
    """

    dataset = models.ForeignKey(
        SourceDataset,
        verbose_name=_("출처 데이터"),
        on_delete=models.PROTECT,
        related_name="records",
    )
    import_run = models.ForeignKey(
        ImportRun, verbose_name=_("가져오기"), on_delete=models.PROTECT, related_name="records"
    )
    reference_date = models.DateField(_("기준일"))
    file_name = models.CharField(_("파일 이름"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    row_number = models.PositiveIntegerField(_("행 번호"))
    raw = models.JSONField(_("원래 값"), default=dict)
    values = models.JSONField(_("읽은 값"), default=dict, blank=True)
    warnings = models.JSONField(_("경고"), default=list, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_records",
    )

    class Meta:
        verbose_name = _("출처 행")
        verbose_name_plural = _("출처 행")
        ordering = ["dataset", "reference_date", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["sha256", "row_number"], name="sourcerecord_unique")
        ]

    def __str__(self) -> str:
        return f"{self.file_name}:{self.row_number}"


class MergeCandidate(TimeStampedModel):
    """A pair of organisations that may be the same (병합 후보), for staff review.

    Created by the importer when two records share a name in the same region with
    high but not certain similarity. Staff merge them (`organization_merge`) or mark
    them distinct; either way the decision is kept (names are kept as text, since a
    merge deletes one side).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("검토 대기")
        MERGED = "merged", _("병합함")
        DISTINCT = "distinct", _("다른 조직")

    left = models.ForeignKey(
        Organization,
        verbose_name=_("조직 1"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    right = models.ForeignKey(
        Organization,
        verbose_name=_("조직 2"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    left_name = models.CharField(_("조직 1 이름"), max_length=200)
    right_name = models.CharField(_("조직 2 이름"), max_length=200)
    score = models.FloatField(_("이름 유사도"))
    reason = models.CharField(_("이유"), max_length=300)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("결정한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("결정한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("병합 후보")
        verbose_name_plural = _("병합 후보")
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="mergecandidate_unique_pair")
        ]

    def __str__(self) -> str:
        return f"{self.left_name} ↔ {self.right_name} ({self.score:.0f})"


class OrganizationMerge(models.Model):
    """One merge of two records of one organisation (조직 병합), kept so that it can be
    undone and so that the absorbed record's address is not lost.

    `kept` absorbed the record `dropped_id` (deleted by the merge): `dropped` holds that
    record's field values as they were, `dropped_address` its address (shown on the
    kept profile as another address while the merge stands), `kept_changes` the fields
    of `kept` the merge changed (``{field: [before, after]}``), and `moved` what moved
    or went away: ids of designations, source records, council memberships, user
    memberships and earlier merges into the absorbed record that now belong to `kept`,
    memberships dropped because `kept` already had them, merge candidates changed
    or deleted, and the other apps' links (``links``: rows moved to `kept`, by
    ``app_label.model.field``; ``dropped_links``: list entries `kept` had already).
    `status` says whether the merge stands or was undone
    (`hanjari.registry.services.organization_merge_undo`).
    """

    class Status(models.TextChoices):
        MERGED = "merged", _("병합함")
        UNDONE = "undone", _("되돌림")

    kept = models.ForeignKey(
        Organization,
        verbose_name=_("남은 조직"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="merges",
    )
    kept_name = models.CharField(_("남은 조직 이름"), max_length=200)
    dropped_id = models.PositiveBigIntegerField(_("흡수된 조직 ID"), db_index=True)
    dropped_name = models.CharField(_("흡수된 조직 이름"), max_length=200)
    dropped_address = models.CharField(_("흡수된 조직 주소"), max_length=300, blank=True)
    dropped = models.JSONField(_("흡수된 조직 정보"), default=dict)
    kept_changes = models.JSONField(_("남은 조직에서 바뀐 항목"), default=dict, blank=True)
    moved = models.JSONField(_("옮긴 것"), default=dict, blank=True)
    candidate = models.ForeignKey(
        MergeCandidate,
        verbose_name=_("병합 후보"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("상태"), max_length=10, choices=Status.choices, default=Status.MERGED, db_index=True
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("병합한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("병합한 때"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("되돌린 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("되돌린 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("조직 병합")
        verbose_name_plural = _("조직 병합")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dropped_name} → {self.kept_name}"


# Photos an organisation shows on its profile (사진), at most this many.
PHOTO_LIMIT = 10


class OrganizationPhoto(models.Model):
    """A photo on an organisation's profile (조직 사진): its products, place or people
    at work, with a text alternative (대체 텍스트, required: the profile is read by screen
    readers too) and an optional caption, shown in `position` order. Added, described,
    moved and deleted by the organisation's owners and editors and centre staff
    (`hanjari.registry.services.organization_photo_add` and the others); at most
    `PHOTO_LIMIT` per organisation. The stored file is the checked, normalised copy
    (`hanjari.core.images.clean_photo`: upright, no metadata)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("조직"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("사진"),
        upload_to=RandomName("organizations"),
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "webp"])],
    )
    alt_text = models.CharField(
        _("대체 텍스트"),
        max_length=300,
        help_text=_("화면을 보지 못하는 사람에게 읽어 줄 사진 내용"),
    )
    caption = models.CharField(_("사진 설명"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("순서"), default=0)
    created_at = models.DateTimeField(_("올린 때"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("조직 사진")
        verbose_name_plural = _("조직 사진")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt_text or f"photo {self.pk}"
