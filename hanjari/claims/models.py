"""Claims and proposals (조직 신청).

A `Claim` is one request that staff review:

- kind ``claim`` (소유 신청, the "우리 조직입니다" button): a signed-in person says an
  organisation already in the registry is theirs and asks to become its owner (대표
  관리자);
- kind ``proposal`` (새 조직 등록 신청): a signed-in person proposes an organisation
  that is on no official list shipped with Hanjari (many social enterprises and
  cooperatives), with its designations (`ProposedDesignation`). Nothing of it is public
  until staff approve it; then it becomes an `Organization` whose designations have no
  official dataset: their source reads "센터 확인" (confirmed by the centre).

Both carry the same evidence: the organisation's 사업자등록번호 (business registration
number), at least one uploaded certificate or designation letter (`Evidence`: 인증서,
지정서, 설립신고필증; PDF, PNG or JPEG, kept outside the public media folder), the
claimant's role, and optionally the endorsement of a council (협의회). `ClaimEntry`
keeps what happened, with the messages between staff and the claimant.

States (`Claim.Status`; the steps are the table in `hanjari.claims.rules`):
submitted → more_info_requested → resubmitted → approved / rejected; the claimant may
withdraw an open one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hanjari.core.models import TimeStampedModel
from hanjari.core.uploads import RandomName
from hanjari.registry.models import (
    LEGAL_FORM_CHOICES,
    SIDO_CHOICES,
    DesignationKind,
    PrivateStorage,
)


class ClaimQuerySet(models.QuerySet["Claim"]):
    def open(self) -> ClaimQuerySet:
        """Claims still waiting for a decision (접수, 보완 요청, 보완 제출)."""
        return self.filter(status__in=Claim.OPEN)

    def waiting_for_staff(self) -> ClaimQuerySet:
        """Claims whose next move is staff's: submitted or resubmitted."""
        return self.filter(status__in=(Claim.Status.SUBMITTED, Claim.Status.RESUBMITTED))

    def decided(self) -> ClaimQuerySet:
        """Claims that are closed: approved, rejected or withdrawn."""
        return self.exclude(status__in=Claim.OPEN)


class Claim(TimeStampedModel):
    """One claim of an organisation, or one proposal of a new one (조직 신청).

    `organization` is the organisation claimed (kind ``claim``), or the one an approved
    proposal created (kind ``proposal``; None before). `organization_name` keeps the
    name as it was when the claim was made (or the proposed name), so a claim still
    reads right after a merge or a deletion. `brn` is the 사업자등록번호 the claimant
    typed (digits only) and `brn_check` how it compares with the record's number when
    the claim was made: information for the reviewer, never a decision by itself.
    `owners_at_submission` counts the owners the organisation already had then (they
    were told by e-mail). The proposal fields (`legal_form`, `address`, `sido`,
    `sigungu`) are blank for a claim.
    """

    class Kind(models.TextChoices):
        CLAIM = "claim", _("우리 조직입니다")
        PROPOSAL = "proposal", _("새 조직 등록")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("claim state", "접수")
        MORE_INFO_REQUESTED = "more_info_requested", _("보완 요청")
        RESUBMITTED = "resubmitted", _("보완 제출")
        APPROVED = "approved", pgettext_lazy("claim state", "승인")
        REJECTED = "rejected", pgettext_lazy("claim state", "반려")
        WITHDRAWN = "withdrawn", _("신청 취소")

    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("대표")
        EXECUTIVE = "executive", _("임원")
        EMPLOYEE = "employee", _("직원")
        OTHER = "other", _("기타")

    class BrnCheck(models.TextChoices):
        MATCH = "match", _("기록의 번호와 같음")
        MISMATCH = "mismatch", _("기록의 번호와 다름")
        NO_NUMBER = "no_number", _("기록에 번호 없음")

    class Endorsement(models.TextChoices):
        NONE = "", _("요청하지 않음")
        REQUESTED = "requested", _("확인 요청 중")
        ENDORSED = "endorsed", _("협의회가 확인함")
        DECLINED = "declined", _("협의회가 확인하지 않음")

    OPEN = (Status.SUBMITTED, Status.MORE_INFO_REQUESTED, Status.RESUBMITTED)

    kind = models.CharField(_("종류"), max_length=20, choices=Kind.choices, default=Kind.CLAIM)
    status = models.CharField(
        _("상태"), max_length=30, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("claim", "신청한 사람"),
        on_delete=models.CASCADE,
        related_name="claims",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims",
    )
    organization_name = models.CharField(_("조직 이름"), max_length=200)
    brn = models.CharField(_("사업자등록번호"), max_length=10)
    brn_check = models.CharField(
        _("사업자등록번호 대조"), max_length=20, choices=BrnCheck.choices, blank=True
    )
    role = models.CharField(_("신청한 사람의 역할"), max_length=20, choices=Role.choices)
    role_other = models.CharField(_("역할 (기타)"), max_length=100, blank=True)
    message = models.TextField(_("남길 말"), blank=True, max_length=2000)
    owners_at_submission = models.PositiveIntegerField(_("신청 때 대표 관리자 수"), default=0)
    council = models.ForeignKey(
        "registry.Council",
        verbose_name=_("확인을 요청한 협의회"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    endorsement = models.CharField(
        _("협의회 확인"), max_length=20, choices=Endorsement.choices, blank=True, default=""
    )
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("확인한 협의회 관리자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    endorsed_at = models.DateTimeField(_("협의회가 답한 때"), null=True, blank=True)
    legal_form = models.CharField(
        _("법인격"), max_length=40, choices=LEGAL_FORM_CHOICES, blank=True, default=""
    )
    address = models.CharField(_("주소"), max_length=300, blank=True)
    sido = models.CharField(_("시도"), max_length=20, choices=SIDO_CHOICES, blank=True)
    sigungu = models.CharField(_("시군구"), max_length=40, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("결정한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("결정한 때"), null=True, blank=True)
    staff_message = models.TextField(
        _("센터의 말"), blank=True, help_text=_("반려 사유 또는 마지막 보완 요청")
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("조직 신청")
        verbose_name_plural = _("조직 신청")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"], name="claim_status_idx")]

    def __str__(self) -> str:
        return f"{self.organization_name} · {self.get_kind_display()} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("claims:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        """Whether the claim still waits for a decision."""
        return self.status in self.OPEN

    @property
    def role_display(self) -> str:
        """The claimant's role as shown: the chosen role, or the text typed for 기타."""
        if self.role == self.Role.OTHER and self.role_other:
            return f"{self.get_role_display()} ({self.role_other})"
        return str(self.get_role_display())


class ProposedDesignation(models.Model):
    """A designation (인증·지정·인정·설립) named in a proposal: its kind, and the number,
    issuer and date the certificate gives. Approval turns each into a `Designation`
    without an official dataset (source "센터 확인")."""

    claim = models.ForeignKey(
        Claim,
        verbose_name=_("조직 신청"),
        on_delete=models.CASCADE,
        related_name="proposed_designations",
    )
    kind = models.CharField(_("종류"), max_length=40, choices=DesignationKind.choices)
    number = models.CharField(_("번호"), max_length=50, blank=True)
    issuer = models.CharField(_("발급 기관"), max_length=100, blank=True)
    start_date = models.DateField(_("시작일"), null=True, blank=True)

    class Meta:
        verbose_name = _("신청한 인증·지정")
        verbose_name_plural = _("신청한 인증·지정")
        ordering = ["claim", "id"]

    def __str__(self) -> str:
        return f"{self.claim.organization_name} · {self.get_kind_display()}"


class Evidence(models.Model):
    """One evidence file of a claim (증빙 서류): a certificate or designation letter
    (인증서, 지정서, 설립신고필증) as PDF, PNG or JPEG.

    Stored under ``HANJARI_PRIVATE_ROOT`` (`PrivateStorage`), which nothing serves over
    HTTP, under a random name; served only by the claims app's evidence view to centre
    staff and the claimant. `file_name` is the name it was uploaded with (shown to
    them), `content_type` the type its content was checked to be.
    """

    claim = models.ForeignKey(
        Claim, verbose_name=_("조직 신청"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("파일"), upload_to=RandomName("claims"), storage=PrivateStorage(), max_length=200
    )
    file_name = models.CharField(_("올린 파일 이름"), max_length=200)
    content_type = models.CharField(_("파일 형식"), max_length=40)
    size = models.PositiveIntegerField(_("크기 (바이트)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("올린 사람"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("올린 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("증빙 서류")
        verbose_name_plural = _("증빙 서류")
        ordering = ["claim", "created_at", "id"]

    def __str__(self) -> str:
        return self.file_name

    def get_absolute_url(self) -> str:
        return reverse("claims:evidence", kwargs={"pk": self.pk})


class ClaimEntry(models.Model):
    """One thing that happened to a claim (신청 기록): submitted, more information asked
    for, answered, a file added, endorsed or not by the council, approved, rejected,
    withdrawn — with who did it and the message they wrote. Shown to staff and to the
    claimant; the claim's state is its `Claim.status` column, not these rows."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("claim state", "신청")
        INFO_REQUESTED = "info_requested", _("보완 요청")
        REPLIED = "replied", _("보완 제출")
        FILE_ADDED = "file_added", _("파일 추가")
        ENDORSED = "endorsed", _("협의회 확인")
        ENDORSEMENT_DECLINED = "endorsement_declined", _("협의회가 확인하지 않음")
        APPROVED = "approved", pgettext_lazy("claim state", "승인")
        REJECTED = "rejected", pgettext_lazy("claim state", "반려")
        WITHDRAWN = "withdrawn", _("신청 취소")

    claim = models.ForeignKey(
        Claim, verbose_name=_("조직 신청"), on_delete=models.CASCADE, related_name="entries"
    )
    action = models.CharField(_("한 일"), max_length=30, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("한 사람"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    message = models.TextField(_("내용"), blank=True)
    created_at = models.DateTimeField(_("때"), auto_now_add=True)

    class Meta:
        verbose_name = _("신청 기록")
        verbose_name_plural = _("신청 기록")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.get_action_display()}"
