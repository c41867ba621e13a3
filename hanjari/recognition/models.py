"""Recognition models (포상·감사·기부).

What was given at events and through the year: commendations (표창), plaques of
appreciation (감사패) and donations (기부금). Where a source does not name recipients,
`name_public` is False and pages show counts only. Where a donation's amount is not
known, `amount_krw` is None ("unknown"), never 0, and it is left out of totals.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hanjari.core.models import TimeStampedModel

DONATION_MAX_KRW = 10**13  # 10조 원: beyond any real donation, and within every database


class Commendation(TimeStampedModel):
    """A commendation (표창), e.g. 사회적경제 유공자 표창.

    Recipient: a person (`recipient_name`, `recipient_affiliation`) or an organisation
    (`recipient_organization`). `conferred_by` is the authority (e.g. 전주시장) when
    known; blank when the source does not say.
    """

    title = models.CharField(_("표창 이름"), max_length=200)
    recipient_name = models.CharField(_("받은 사람"), max_length=100, blank=True)
    recipient_affiliation = models.CharField(_("받은 사람 소속"), max_length=200, blank=True)
    recipient_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("받은 조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commendations",
    )
    name_public = models.BooleanField(
        _("받은 사람 공개"), default=True, help_text=_("끄면 이름 없이 수만 보입니다.")
    )
    conferred_by = models.CharField(_("수여 기관"), max_length=200, blank=True)
    date = models.DateField(_("수여일"))
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("행사"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="commendations",
    )
    citation = models.TextField(_("공적"), blank=True)

    class Meta:
        verbose_name = _("표창")
        verbose_name_plural = _("표창")
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%Y-%m-%d})"

    def clean(self) -> None:
        """A public commendation names its recipient; an unnamed one keeps no name."""
        has_recipient = bool(self.recipient_name.strip() or self.recipient_organization_id)
        if self.name_public and not has_recipient:
            raise ValidationError(
                {
                    "recipient_name": _(
                        "받은 사람이나 조직을 적거나, 이름을 모르면 '받은 사람 공개'를 끕니다."
                    )
                }
            )

    @property
    def recipient_display(self) -> str:
        """The recipient as shown publicly ("" when the name is not public)."""
        if not self.name_public:
            return ""
        if self.recipient_organization_id and self.recipient_organization:
            return self.recipient_organization.name
        if self.recipient_affiliation:
            return f"{self.recipient_name} ({self.recipient_affiliation})"
        return self.recipient_name


class Plaque(TimeStampedModel):
    """A plaque of appreciation (감사패) to a person in their office, or to an
    organisation."""

    recipient_name = models.CharField(_("받은 사람"), max_length=100, blank=True)
    recipient_office = models.CharField(_("직함"), max_length=200, blank=True)
    recipient_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("받은 조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plaques",
    )
    given_by = models.CharField(_("드린 곳"), max_length=200, blank=True)
    given_by_councils = models.ManyToManyField(
        "registry.Council", verbose_name=_("드린 협의회"), blank=True, related_name="plaques_given"
    )
    date = models.DateField(_("전달일"))
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("행사"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plaques",
    )
    reason = models.TextField(_("감사 내용"), blank=True)

    class Meta:
        verbose_name = _("감사패")
        verbose_name_plural = _("감사패")
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.recipient_name} {self.recipient_office}".strip()

    def clean(self) -> None:
        if not (self.recipient_name.strip() or self.recipient_organization_id):
            raise ValidationError({"recipient_name": _("받은 사람이나 조직을 적어 주세요.")})


class Donation(TimeStampedModel):
    """A donation (기부금) from an organisation or council to an organisation, fund or
    programme. `amount_krw` in Korean won; None when not known (not zero)."""

    donor_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("기부 조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations_given",
    )
    donor_council = models.ForeignKey(
        "registry.Council",
        verbose_name=_("기부 협의회"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations_given",
    )
    donor_name = models.CharField(_("기부한 곳 (직접 입력)"), max_length=200, blank=True)
    recipient_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("받은 조직"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations_received",
    )
    recipient_text = models.CharField(_("받은 곳 (기금·사업)"), max_length=200, blank=True)
    amount_krw = models.PositiveBigIntegerField(
        _("금액 (원)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(DONATION_MAX_KRW)],
        help_text=_("모르면 비워 둡니다 (0이 아님)."),
    )
    purpose = models.CharField(_("목적"), max_length=300, blank=True)
    date = models.DateField(_("전달일"))
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("행사"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="donations",
    )

    class Meta:
        verbose_name = _("기부금")
        verbose_name_plural = _("기부금")
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.donor_display} → {self.recipient_display}"

    def clean(self) -> None:
        if not (self.donor_council_id or self.donor_organization_id or self.donor_name.strip()):
            raise ValidationError({"donor_name": _("기부한 조직이나 협의회를 적어 주세요.")})

    @property
    def donor_display(self) -> str:
        if self.donor_council_id and self.donor_council:
            return self.donor_council.name
        if self.donor_organization_id and self.donor_organization:
            return self.donor_organization.name
        return self.donor_name

    @property
    def recipient_display(self) -> str:
        if self.recipient_organization_id and self.recipient_organization:
            return self.recipient_organization.name
        return self.recipient_text
