"""Accounts: the user model, organisation memberships and council roles.

Roles (역할):
- centre staff (센터 관리자): ``User.is_centre_staff`` — everything, and Django admin;
- council admin (협의회 관리자): a `CouncilRole` — manages its council's members;
- organisation member (기업 회원): a `Membership` with role owner/editor — edits
  that organisation;
- public: anyone else, read only.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in to Hanjari (사용자).

    `is_staff` means centre staff (센터 관리자): full rights and the Django admin.
    `withdrawn_at` is when the person deleted their account (회원 탈퇴): the row stays so
    that what they wrote keeps its author, shown as "탈퇴한 사용자", while everything
    that identified them has been erased (hanjari.accounts.services.account_delete).
    """

    display_name = models.CharField(_("표시 이름"), max_length=100, blank=True)
    withdrawn_at = models.DateTimeField(_("탈퇴한 때"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    @property
    def is_centre_staff(self) -> bool:
        """True for centre staff (센터 관리자): active users with `is_staff` set."""
        return bool(self.is_active and (self.is_staff or self.is_superuser))

    @property
    def is_withdrawn(self) -> bool:
        """True once the person deleted their account (회원 탈퇴)."""
        return self.withdrawn_at is not None

    def __str__(self) -> str:
        if self.withdrawn_at is not None:
            return gettext("탈퇴한 사용자")
        return self.display_name or self.get_username()


class Consent(models.Model):
    """One agreement (개인정보 수집·이용 동의) to one purpose, in one version of its text.

    Asked at sign-up, one purpose at a time (개인정보 보호법 제22조 ①: each matter
    to be agreed separately, required and optional ones told apart — §22 ③); the text
    the person saw is kept (`text`, the version's words) with `version` and `agreed_at`.
    An optional consent can be withdrawn (`withdrawn_at`, §37): the row stays as the
    record of what was agreed and when; agreeing again makes a new row. At most one
    row per user and purpose is in force (not withdrawn). Purposes and their versioned
    texts: hanjari.accounts.consents.
    """

    user = models.ForeignKey(
        User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("목적"), max_length=40)
    version = models.CharField(_("안내문 판"), max_length=20)
    required = models.BooleanField(_("필수"))
    text = models.TextField(_("동의한 안내문"))
    agreed_at = models.DateTimeField(_("동의한 때"))
    withdrawn_at = models.DateTimeField(_("철회한 때"), null=True, blank=True)

    class Meta:
        verbose_name = _("개인정보 수집·이용 동의")
        verbose_name_plural = _("개인정보 수집·이용 동의")
        ordering = ["user", "agreed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="consent_one_in_force_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.purpose} v{self.version}"

    @property
    def title(self) -> str:
        """The purpose's title as agreed (the first line of `text`)."""
        return self.text.split("\n", 1)[0]


class Membership(models.Model):
    """A user's membership of an organisation (기업 회원), with a role.

    Owners and editors may edit the organisation's public profile.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("대표 관리자")
        EDITOR = "editor", _("편집자")

    user = models.ForeignKey(
        User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("조직"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)

    class Meta:
        verbose_name = _("기업 회원")
        verbose_name_plural = _("기업 회원")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_unique_user_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.get_role_display()})"


class CouncilRole(models.Model):
    """A user who administers a council (협의회 관리자) and its member list."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("협의회 관리자")

    user = models.ForeignKey(
        User, verbose_name=_("사용자"), on_delete=models.CASCADE, related_name="council_roles"
    )
    council = models.ForeignKey(
        "registry.Council",
        verbose_name=_("협의회"),
        on_delete=models.CASCADE,
        related_name="admin_roles",
    )
    role = models.CharField(_("역할"), max_length=20, choices=Role.choices, default=Role.ADMIN)

    class Meta:
        verbose_name = _("협의회 관리자")
        verbose_name_plural = _("협의회 관리자")
        constraints = [
            models.UniqueConstraint(fields=["user", "council"], name="councilrole_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.council}"
