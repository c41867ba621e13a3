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
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in to Hanjari (사용자).

    `is_staff` means centre staff (센터 관리자): full rights and the Django admin.
    """

    display_name = models.CharField(_("표시 이름"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    @property
    def is_centre_staff(self) -> bool:
        """True for centre staff (센터 관리자): active users with `is_staff` set."""
        return bool(self.is_active and (self.is_staff or self.is_superuser))

    def __str__(self) -> str:
        return self.display_name or self.get_username()


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
