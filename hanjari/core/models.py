"""Shared models: the audit log (감사 기록) and a timestamped base class."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base with `created_at` / `updated_at` (UTC, shown in Asia/Seoul)."""

    created_at = models.DateTimeField(_("만든 때"), auto_now_add=True)
    updated_at = models.DateTimeField(_("고친 때"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One audit-log entry (감사 기록): who did what to which object, and when.

    Written by services (`hanjari.core.audit.log_action`) for every business write.
    `target_type` / `target_id` name the object loosely (no foreign key), so entries
    survive the deletion of their target (e.g. the organisation dropped by a merge).
    """

    action = models.CharField(_("동작"), max_length=100, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("사용자"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.CharField(_("대상 종류"), max_length=100, blank=True)
    target_id = models.CharField(_("대상 ID"), max_length=64, blank=True)
    target_repr = models.CharField(_("대상"), max_length=300, blank=True)
    data = models.JSONField(_("내용"), default=dict, blank=True)
    created_at = models.DateTimeField(_("때"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("감사 기록")
        verbose_name_plural = _("감사 기록")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"
