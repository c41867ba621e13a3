"""Membership workflows (회원 관리): invitations to an organisation and council join
requests.

The memberships themselves are `hanjari.accounts.models.Membership` (user ↔
organisation, owner or editor) and `hanjari.registry.models.CouncilMembership`
(organisation ↔ council); this app holds the steps that lead to them. Writes go
through `hanjari.membership.services`, the rules are in `hanjari.membership.rules`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hanjari.accounts.models import Membership


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        """Invitations not yet accepted or revoked (expired ones included)."""
        return self.filter(status=Invitation.Status.PENDING)

    def open(self, *, now: dt.datetime | None = None) -> InvitationQuerySet:
        """Pending invitations whose link still works at `now` (default: now)."""
        return self.pending().filter(expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """An invitation to join an organisation (회원 초대) as owner or editor, sent to an
    e-mail address.

    The link carries a random token; only its SHA-256 digest is stored
    (`token_hash`), so the database alone cannot be used to accept. The invitation is
    bound to `email`: only a user with that address may accept it
    (`hanjari.membership.rules.email_matches`). Resending makes a new token (the old
    link stops working) and a new expiry.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("수락 대기")
        ACCEPTED = "accepted", _("수락함")
        REVOKED = "revoked", _("취소함")

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("조직"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("이메일"))
    role = models.CharField(
        _("역할"), max_length=20, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    token_hash = models.CharField(_("토큰 해시"), max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("초대한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    sent_at = models.DateTimeField(_("보낸 때"), default=timezone.now)
    send_count = models.PositiveSmallIntegerField(_("보낸 횟수"), default=1)
    expires_at = models.DateTimeField(_("만료 시각"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("수락한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_accepted",
    )
    decided_at = models.DateTimeField(_("수락·취소한 때"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("회원 초대")
        verbose_name_plural = _("회원 초대")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"],
                condition=Q(status="pending"),
                name="invitation_one_pending_per_address",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.email} ({self.get_role_display()})"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        """Whether the link no longer works at `now` (default: now)."""
        return self.expires_at <= (now or timezone.now())


class JoinRequestQuerySet(models.QuerySet["CouncilJoinRequest"]):
    def pending(self) -> JoinRequestQuerySet:
        return self.filter(status=CouncilJoinRequest.Status.PENDING)


class CouncilJoinRequest(models.Model):
    """An organisation's request to join a council (협의회 가입 신청), made by one of
    its owners and decided by the council's administrator (협의회 관리자) or centre
    staff. Approval adds a `registry.CouncilMembership`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("승인 대기")
        APPROVED = "approved", _("승인함")
        REJECTED = "rejected", _("거절함")

    council = models.ForeignKey(
        "registry.Council",
        verbose_name=_("협의회"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("조직"),
        on_delete=models.CASCADE,
        related_name="council_join_requests",
    )
    message = models.TextField(
        _("전하는 말"), max_length=1000, blank=True, validators=[MaxLengthValidator(1000)]
    )
    status = models.CharField(
        _("상태"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("신청한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="council_join_requests",
    )
    created_at = models.DateTimeField(_("신청한 때"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("결정한 사람"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("결정한 때"), null=True, blank=True)
    reason = models.TextField(
        _("거절 사유"), max_length=1000, blank=True, validators=[MaxLengthValidator(1000)]
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("협의회 가입 신청")
        verbose_name_plural = _("협의회 가입 신청")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "organization"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.council} ({self.get_status_display()})"
